// SPDX-License-Identifier: GPL-2.0
// Reference bookkeeping: handle counts sent once per handle, released with
// the last Remote; weak references; nodes held while the driver references
// them; the context manager.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <thread>

using namespace binderlite;
using fake::RawParcel;
using fake::Returns;
using fake::Nop;

namespace {

Parcel receiveHandles(fake::Fixture &f, std::initializer_list<std::uint32_t> handles)
{
	RawParcel raw;
	for (auto h : handles)
		raw.handle(h);
	return fake::received(f, f.state->deliver(raw));
}

const std::vector<std::uint32_t> kAcquire{BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE};
const std::vector<std::uint32_t> kAcquireRelease{BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE,
						 BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS};

} // namespace

TEST(Refs, CountsAreSentOncePerHandle)
{
	fake::Fixture f;
	{
		Parcel p = receiveHandles(f, {4, 4});
		auto r = p.reader();
		Remote a = r.readRemote();
		Remote b = r.readRemote();
		Parcel q = receiveHandles(f, {4});
		Remote c = q.reader().readRemote();
		Remote d = a;
		Remote e = std::move(b);
		EXPECT_TRUE(a == c);
		EXPECT_TRUE(d == e);
		EXPECT_EQ(kAcquire, f.state->refCodes());
		EXPECT_EQ(1U, f.process->handleCount());
		for (auto &cmd : f.state->only(BINDERLITE_BC_ACQUIRE))
			EXPECT_EQ(4U, cmd.u32());
	}
	EXPECT_EQ(kAcquireRelease, f.state->refCodes());
	EXPECT_EQ(4U, f.state->only(BINDERLITE_BC_DECREFS).at(0).u32());
	EXPECT_EQ(0U, f.process->handleCount());
}

TEST(Refs, ReferencesAreTakenBeforeTheBufferIsFreed)
{
	fake::Fixture f;
	std::optional<Remote> keep;
	{
		Parcel p = receiveHandles(f, {8});
		keep = p.reader().readRemote();
	}
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_INCREFS, BINDERLITE_BC_ACQUIRE, BINDERLITE_BC_FREE_BUFFER}),
		  f.state->codes());
}

TEST(Refs, ReleasedOnlyWithTheLastCopy)
{
	fake::Fixture f;
	Remote a = fake::remoteTo(f, 3);
	{
		Remote b = a;
		std::vector<Remote> many(10, a);
	}
	EXPECT_TRUE(f.state->refCodes().empty());
	{
		Remote moved = std::move(a);
	}
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS}), f.state->refCodes());
}

TEST(Refs, DistinctHandlesAreCountedSeparately)
{
	fake::Fixture f;
	Parcel p = receiveHandles(f, {1, 2});
	auto r = p.reader();
	Remote a = r.readRemote();
	Remote b = r.readRemote();
	EXPECT_FALSE(a == b);
	EXPECT_EQ(2U, f.process->handleCount());
	EXPECT_EQ(4U, f.state->refCodes().size());
}

TEST(Refs, HandleReacquiredAfterRelease)
{
	fake::Fixture f;
	{
		Remote a = fake::remoteTo(f, 3);
	}
	Remote b = fake::remoteTo(f, 3);
	f.state->clearLog();
	{
		Remote c = fake::remoteTo(f, 3); // shares b's record
	}
	EXPECT_TRUE(f.state->refCodes().empty());
}

TEST(Refs, WeakRemoteHoldsOnlyTheWeakCount)
{
	fake::Fixture f;
	std::optional<Remote> strong = fake::remoteTo(f, 9);
	WeakRemote w = strong->weak();
	EXPECT_EQ(9U, w.handle());
	auto promoted = w.promote();
	ASSERT_TRUE(promoted);
	EXPECT_TRUE(*promoted == *strong);
	promoted.reset();
	strong.reset();
	EXPECT_EQ(std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE}, f.state->refCodes());
	EXPECT_FALSE(w.promote()); // binder cannot revive a strong count
	EXPECT_EQ(1U, f.process->handleCount());
	{
		WeakRemote gone = std::move(w);
	}
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS}), f.state->refCodes());
}

TEST(Refs, WeakRemoteOfALocalObject)
{
	auto obj = std::make_shared<Nop>();
	WeakRemote w = Remote(obj).weak();
	EXPECT_TRUE(w.promote());
	obj.reset();
	EXPECT_FALSE(w.promote());
}

TEST(Refs, ConcurrentCopiesReleaseOnce)
{
	fake::Fixture f;
	std::optional<Remote> r = fake::remoteTo(f, 11);
	std::vector<std::thread> threads;
	for (int i = 0; i < 4; i++)
		threads.emplace_back([copy = *r]() mutable {
			for (int j = 0; j < 1000; j++) {
				Remote c = copy;
				(void)c.handle();
			}
		});
	r.reset();
	for (auto &t : threads)
		t.join();
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS}), f.state->refCodes());
}

TEST(Refs, ConcurrentReceiversShareOneRecord)
{
	fake::Fixture f;
	std::vector<binderlite_transaction_data> txns;
	for (int i = 0; i < 8; i++) {
		RawParcel raw;
		raw.handle(12);
		txns.push_back(f.state->deliver(raw));
	}
	std::vector<Remote> got;
	std::mutex m;
	std::vector<std::thread> threads;
	for (const auto &t : txns)
		threads.emplace_back([&, t] {
			Parcel p = fake::received(f, t);
			Remote r = p.reader().readRemote();
			std::lock_guard g(m);
			got.push_back(r);
		});
	for (auto &t : threads)
		t.join();
	EXPECT_EQ(kAcquire, f.state->refCodes());
	EXPECT_EQ(8U, f.state->freed().size());
	got.clear();
	EXPECT_EQ(kAcquireRelease, f.state->refCodes());
}

TEST(Refs, ContextManagerHandle)
{
	fake::Fixture f;
	{
		Remote m = f.process->contextManager();
		EXPECT_EQ(0U, m.handle());
		EXPECT_EQ(kAcquire, f.state->refCodes());
		EXPECT_EQ(0U, f.state->only(BINDERLITE_BC_ACQUIRE).at(0).u32());
	}
	EXPECT_EQ(kAcquireRelease, f.state->refCodes());
}

TEST(Refs, TheContextManagerCannotHoldHandleZero)
{
	fake::Fixture f;
	auto obj = std::make_shared<Nop>();
	f.process->becomeContextManager(obj);
	EXPECT_TRUE(f.process->isContextManager());
	ASSERT_TRUE(f.state->contextManager);
	EXPECT_EQ(obj->id(), f.state->contextManager->binder);
	EXPECT_EQ(obj->id(), f.state->contextManager->cookie);
	try {
		(void)f.process->contextManager();
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Usage, e.kind());
	}
	EXPECT_TRUE(f.state->commands.empty());
	// The manager's object is held for good.
	std::weak_ptr<Nop> w = obj;
	obj.reset();
	EXPECT_FALSE(w.expired());
}

TEST(Refs, BecomeContextManagerFails)
{
	fake::Fixture f;
	f.state->contextManagerError = EBUSY;
	try {
		f.process->becomeContextManager(std::make_shared<Nop>());
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(EBUSY, e.errnum());
	}
	EXPECT_FALSE(f.process->isContextManager());
}

// A node lives while the driver references it, however the program drops
// its own pointers; BR_RELEASE + BR_DECREFS let it go.
TEST(Nodes, HeldFromIncrefsToDecrefs)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	auto obj = std::make_shared<Nop>();
	const auto id = obj->id();
	std::weak_ptr<Nop> w = obj;
	{
		Parcel req;
		req.writeBinder(obj);
		obj.reset();
		f.state->script(Returns().noop().increfs(id, id).acquire(id, id).complete());
		r.transactOneway(1, req);
	}
	EXPECT_FALSE(w.expired());
	EXPECT_EQ(1U, f.process->nodeCount());
	auto dones = f.state->only(BINDERLITE_BC_INCREFS_DONE);
	ASSERT_EQ(1U, dones.size());
	EXPECT_EQ(id, dones[0].ptrCookie().ptr);
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_ACQUIRE_DONE));

	f.state->script(Returns().noop().release(id, id).complete());
	r.transactOneway(2, Parcel());
	EXPECT_FALSE(w.expired()); // the weak count still holds it
	f.state->script(Returns().noop().decrefs(id, id).complete());
	r.transactOneway(3, Parcel());
	EXPECT_TRUE(w.expired());
	EXPECT_EQ(0U, f.process->nodeCount());
	// No _DONE for release and decrefs.
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_INCREFS_DONE));
	EXPECT_TRUE(f.errors->empty());
}

TEST(Nodes, ObjectReceivedBackIsTheLocalObject)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	auto obj = std::make_shared<Nop>();
	const auto id = obj->id();
	RawParcel back;
	back.binder(id, id);
	const auto reply = f.state->deliver(back);
	f.state->script(Returns().noop().increfs(id, id).acquire(id, id));
	f.state->script(Returns().noop().complete().reply(reply));
	Parcel req;
	req.writeBinder(obj);
	Parcel got = r.transact(1, req);
	auto rd = got.reader();
	auto again = rd.readOptionalRemote();
	ASSERT_TRUE(again);
	EXPECT_TRUE(again->isLocal());
	EXPECT_EQ(obj, again->local());
	auto rd2 = got.reader();
	EXPECT_EQ(obj, rd2.readBinder());
}

TEST(Nodes, UnknownOrForgedLocalObjectIsRefused)
{
	fake::Fixture f;
	auto obj = std::make_shared<Nop>();
	f.process->becomeContextManager(obj);
	RawParcel raw;
	raw.binder(obj->id(), obj->id() + 1); // wrong cookie
	raw.binder(0x424242, 0x424242);       // never ours
	Parcel p = fake::received(f, f.state->deliver(raw));
	auto r = p.reader();
	EXPECT_THROW((void)r.readRemote(), Error);
	EXPECT_EQ(0U, r.position());
	Parcel q = fake::received(f, f.state->deliver(RawParcel().binder(0x424242, 0x424242)));
	auto r2 = q.reader();
	EXPECT_THROW((void)r2.readBinder(), Error);
}

TEST(Nodes, HandleIsNotABinder)
{
	fake::Fixture f;
	Parcel p = receiveHandles(f, {6});
	auto r = p.reader();
	try {
		(void)r.readBinder();
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(EBADMSG, e.errnum());
	}
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(6U, r.readRemote().handle());
}

TEST(Nodes, ReferenceEventsForUnknownObjectsAreAnsweredAndReported)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().noop().increfs(0x5151, 0x5151).acquire(0x5151, 0x5151).release(0x6161, 0x6161).complete());
	r.transactOneway(1, Parcel());
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_INCREFS_DONE));
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_ACQUIRE_DONE));
	EXPECT_EQ(3U, f.errors->size());
}

TEST(Nodes, ResentObjectIsRegisteredAgain)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	auto obj = std::make_shared<Nop>();
	const auto id = obj->id();
	for (int round = 0; round < 2; round++) {
		Parcel req;
		req.writeBinder(obj);
		f.state->script(Returns().noop().increfs(id, id).acquire(id, id).complete());
		r.transactOneway(1, req);
		f.state->script(Returns().noop().release(id, id).decrefs(id, id).complete());
		r.transactOneway(2, Parcel());
		EXPECT_EQ(0U, f.process->nodeCount());
	}
	EXPECT_TRUE(f.errors->empty());
	EXPECT_EQ(2U, obj.use_count() > 0 ? f.state->count(BINDERLITE_BC_ACQUIRE_DONE) : 0U);
}
