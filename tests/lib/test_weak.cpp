// SPDX-License-Identifier: GPL-2.0
// Weak objects in parcels: WEAK_HANDLE and WEAK_BINDER written (tag 17),
// and received: a weak handle takes only the weak count (BC_INCREFS),
// before the buffer goes, and gives it back with the last WeakRemote; one
// of our own objects comes back as a local WeakRemote, alive or not.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

using namespace binderlite;
using fake::RawParcel;
using fake::Returns;
using fake::Nop;

namespace {

flat_binderlite_object objectAt(const Parcel &p, std::size_t i)
{
	flat_binderlite_object o;
	std::memcpy(&o, p.data().data() + p.offsets()[i], sizeof(o));
	return o;
}

int errnoOf(const std::function<void()> &f)
{
	try {
		f();
	} catch (const Error &e) {
		return e.errnum();
	}
	return 0;
}

} // namespace

TEST(Weak, WritesWeakHandleAndWeakBinder)
{
	fake::Fixture f;
	Remote strong = fake::remoteTo(f, 6);
	auto obj = std::make_shared<Nop>();
	Parcel p;
	p.writeWeakRemote(strong.weak());
	p.writeWeakRemote(Remote(obj).weak());
	ASSERT_EQ(2U, p.offsets().size());
	EXPECT_EQ(0U, p.offsets()[0]);
	EXPECT_EQ(28U, p.offsets()[1]); // each followed by its stability
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_WEAK_HANDLE), objectAt(p, 0).hdr.type);
	EXPECT_EQ(6U, objectAt(p, 0).handle);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_WEAK_BINDER), objectAt(p, 1).hdr.type);
	EXPECT_EQ(obj->id(), objectAt(p, 1).binder);
	EXPECT_EQ(obj->id(), objectAt(p, 1).cookie);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_FLAG_ACCEPTS_FDS | 19), objectAt(p, 1).flags);
	// Read back from our own parcel: the same references.
	auto r = p.reader();
	EXPECT_EQ(6U, r.readWeakRemote().handle());
	auto local = r.readWeakRemote().promote();
	ASSERT_TRUE(local);
	EXPECT_EQ(obj, local->local());
	r.expectEnd();
}

TEST(Weak, ALocalObjectThatIsGoneIsWrittenAsNull)
{
	auto obj = std::make_shared<Nop>();
	WeakRemote w = Remote(obj).weak();
	obj.reset();
	Parcel p;
	p.writeWeakRemote(w);
	EXPECT_TRUE(p.offsets().empty());
	auto r = p.reader();
	EXPECT_FALSE(r.readOptionalWeakRemote());
	EXPECT_TRUE(r.atEnd());
}

TEST(Weak, ParcelKeepsTheWeakCountUntilDestroyed)
{
	fake::Fixture f;
	std::optional<Parcel> p;
	{
		Remote strong = fake::remoteTo(f, 6);
		p.emplace();
		p->writeWeakRemote(strong.weak());
	}
	// The strong count went; the weak one stays with the parcel.
	EXPECT_EQ(std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE}, f.state->refCodes());
	p.reset();
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS}), f.state->refCodes());
}

TEST(Weak, ReceivedWeakHandleTakesOnlyTheWeakCount)
{
	fake::Fixture f;
	std::optional<WeakRemote> w;
	{
		RawParcel raw;
		raw.weakHandle(8);
		Parcel p = fake::received(f, f.state->deliver(raw));
		w = p.reader().readWeakRemote();
	}
	// Taken before the buffer (which held the driver's weak reference)
	// went back.
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_INCREFS, BINDERLITE_BC_FREE_BUFFER}), f.state->codes());
	EXPECT_EQ(8U, w->handle());
	EXPECT_FALSE(w->promote()); // no strong reference in this process
	EXPECT_EQ(1U, f.process->handleCount());
	w.reset();
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_INCREFS, BINDERLITE_BC_DECREFS}), f.state->refCodes());
	EXPECT_EQ(0U, f.process->handleCount());
}

TEST(Weak, WeakAndStrongShareTheHandleRecord)
{
	fake::Fixture f;
	Remote strong = fake::remoteTo(f, 8);
	RawParcel raw;
	raw.weakHandle(8);
	Parcel p = fake::received(f, f.state->deliver(raw));
	WeakRemote w = p.reader().readWeakRemote();
	EXPECT_TRUE(f.state->refCodes().empty()); // counted already
	auto promoted = w.promote();
	ASSERT_TRUE(promoted);
	EXPECT_TRUE(*promoted == strong);
}

TEST(Weak, AStrongObjectMayBeReadAsWeak)
{
	fake::Fixture f;
	RawParcel raw;
	raw.handle(4).null();
	Parcel p = fake::received(f, f.state->deliver(raw));
	auto r = p.reader();
	WeakRemote w = r.readWeakRemote();
	EXPECT_EQ(4U, w.handle());
	EXPECT_EQ(std::vector<std::uint32_t>{BINDERLITE_BC_INCREFS}, f.state->refCodes());
	EXPECT_FALSE(r.readOptionalWeakRemote());
	EXPECT_TRUE(r.atEnd());
}

TEST(Weak, AWeakObjectIsNoStrongOne)
{
	fake::Fixture f;
	RawParcel raw;
	raw.weakHandle(4);
	Parcel p = fake::received(f, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, errnoOf([&] { (void)r.readRemote(); }));
	EXPECT_EQ(EBADMSG, errnoOf([&] { (void)r.readBinder(); }));
	EXPECT_EQ(EBADMSG, errnoOf([&] { (void)r.readFileDescriptor(); }));
	EXPECT_EQ(0U, r.position());
	EXPECT_TRUE(f.state->refCodes().empty());
	(void)r.readWeakRemote();
	EXPECT_TRUE(r.atEnd());
}

TEST(Weak, OurObjectComesBackLocalAliveOrNot)
{
	fake::Fixture f;
	auto obj = std::make_shared<Nop>();
	// The driver learns of it as a node when it is sent.
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().increfs(obj->id(), obj->id()).complete());
	Parcel out;
	out.writeWeakRemote(Remote(obj).weak());
	EXPECT_EQ(OnewayResult::Sent, r.transactOneway(1, out));
	EXPECT_EQ(1U, f.process->nodeCount());
	EXPECT_TRUE(f.errors->empty()) << f.errors->at(0);

	RawParcel raw;
	raw.weakBinder(obj->id(), obj->id());
	{
		Parcel p = fake::received(f, f.state->deliver(raw));
		auto back = p.reader().readWeakRemote().promote();
		ASSERT_TRUE(back);
		EXPECT_EQ(obj, back->local());
	}
	const auto id = obj->id();
	std::weak_ptr<Nop> watch = obj;
	obj.reset();
	out = Parcel();
	// The driver's weak count pins it; with the count gone, so is it.
	EXPECT_FALSE(watch.expired());
	f.state->script(Returns().decrefs(id, id).complete());
	EXPECT_EQ(OnewayResult::Sent, r.transactOneway(1, Parcel()));
	EXPECT_TRUE(watch.expired());
	// A weak reference to it may still come back: to nothing.
	Parcel p = fake::received(f, f.state->deliver(raw));
	auto r2 = p.reader();
	WeakRemote gone = r2.readWeakRemote();
	EXPECT_FALSE(gone.promote());
	EXPECT_TRUE(r2.atEnd());
}
