// SPDX-License-Identifier: GPL-2.0
// File descriptors: UniqueFd (one owner, closed once), FD objects written
// into parcels, and the ownership of the descriptors a received parcel
// carries: owned by the parcel until taken out, taken at most once, closed
// with the parcel otherwise; moves, incoming calls, replies, local calls;
// the flags that let replies and calls carry descriptors.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

using namespace binderlite;
using fake::RawParcel;
using fake::Returns;
using fake::Nop;
using fake::caught;
using fake::received;

namespace {

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// A new descriptor, like the ones the driver installs for a receiver.
int newFd()
{
	const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	EXPECT_GE(fd, 0) << std::strerror(errno);
	return fd;
}

// The same open file: same device and inode.
bool sameFile(int a, int b)
{
	struct stat sa {}, sb {};
	return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

} // namespace

// UniqueFd.

TEST(UniqueFd, ClosesOnDestruction)
{
	const int fd = newFd();
	{
		UniqueFd u(fd);
		EXPECT_TRUE(u.valid());
		EXPECT_EQ(fd, u.get());
	}
	EXPECT_FALSE(isOpen(fd));
}

TEST(UniqueFd, EmptyHoldsNothing)
{
	UniqueFd u;
	EXPECT_FALSE(u);
	EXPECT_EQ(-1, u.get());
	UniqueFd negative(-5);
	EXPECT_EQ(-1, negative.get());
}

TEST(UniqueFd, MoveTransfersOwnershipAndClosesOnce)
{
	const int fd = newFd();
	UniqueFd a(fd);
	UniqueFd b(std::move(a));
	EXPECT_EQ(-1, a.get()); // NOLINT(bugprone-use-after-move): the moved-from state is the point
	EXPECT_EQ(fd, b.get());
	{
		UniqueFd c;
		c = std::move(b);
		EXPECT_EQ(-1, b.get()); // NOLINT(bugprone-use-after-move)
		EXPECT_TRUE(isOpen(fd));
	}
	EXPECT_FALSE(isOpen(fd));
	// The number is free again: whoever gets it next keeps it, however
	// many moved-from UniqueFds die afterwards.
	const int again = newFd();
	{
		UniqueFd dead1(std::move(a));
		UniqueFd dead2(std::move(b));
	}
	EXPECT_TRUE(isOpen(again));
	::close(again);
}

TEST(UniqueFd, MoveAssignmentClosesWhatItHeld)
{
	const int first = newFd();
	const int second = newFd();
	UniqueFd a(first);
	a = UniqueFd(second);
	EXPECT_FALSE(isOpen(first));
	EXPECT_TRUE(isOpen(second));
	auto &self = a;
	a = std::move(self);
	EXPECT_TRUE(isOpen(second));
	EXPECT_EQ(second, a.get());
}

TEST(UniqueFd, ReleaseAndReset)
{
	const int fd = newFd();
	UniqueFd u(fd);
	EXPECT_EQ(fd, u.release());
	EXPECT_FALSE(u);
	EXPECT_TRUE(isOpen(fd));
	u.reset(fd);
	u.reset(fd); // the same descriptor again: kept, not closed
	EXPECT_TRUE(isOpen(fd));
	u.reset();
	EXPECT_FALSE(isOpen(fd));
}

TEST(UniqueFd, Dup)
{
	UniqueFd a(newFd());
	UniqueFd b = UniqueFd::dup(a.get());
	EXPECT_NE(a.get(), b.get());
	EXPECT_TRUE(sameFile(a.get(), b.get()));
	EXPECT_TRUE(::fcntl(b.get(), F_GETFD) & FD_CLOEXEC);
	const int closed = a.release();
	::close(closed);
	Error e = caught([&] { (void)UniqueFd::dup(closed); });
	EXPECT_EQ(ErrorKind::System, e.kind());
	EXPECT_EQ(EBADF, e.errnum());
}

// Writing.

TEST(ParcelFd, WritesAnFdObject)
{
	UniqueFd fd(newFd());
	Parcel p;
	p.writeInt32(1);
	p.writeFileDescriptor(fd.get());
	ASSERT_EQ(1U, p.offsets().size());
	const auto off = p.offsets()[0];
	EXPECT_EQ(4U, off); // after the int32
	EXPECT_EQ(4U + 24U, p.size()); // no stability after a descriptor
	binderlite_fd_object obj;
	std::memcpy(&obj, p.data().data() + off, sizeof(obj));
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_FD), obj.hdr.type);
	EXPECT_EQ(0U, obj.pad_flags);
	EXPECT_EQ(static_cast<std::uint64_t>(fd.get()), obj.pad_binder);
	EXPECT_EQ(0U, obj.cookie); // borrowed: libbinder's cookie 0
	// An owned one has libbinder's cookie 1.
	p.writeFileDescriptor(UniqueFd(newFd()));
	std::memcpy(&obj, p.data().data() + p.offsets()[1], sizeof(obj));
	EXPECT_EQ(1U, obj.cookie);
	auto r = p.reader();
	(void)r.readInt32();
	EXPECT_EQ(ErrorKind::Parcel, caught([&] { (void)r.readRemote(); }).kind());
	EXPECT_TRUE(r.readFileDescriptor().valid());
}

TEST(ParcelFd, WritingNoDescriptorIsAUsageError)
{
	Parcel p;
	Error e = caught([&] { p.writeFileDescriptor(-1); });
	EXPECT_EQ(ErrorKind::Usage, e.kind());
	EXPECT_EQ(EBADF, e.errnum());
	e = caught([&] { p.writeFileDescriptor(UniqueFd()); });
	EXPECT_EQ(EBADF, e.errnum());
	EXPECT_TRUE(p.empty());
}

TEST(ParcelFd, BorrowedDescriptorIsLeftOpenOwnedOneIsClosed)
{
	const int borrowed = newFd();
	const int owned = newFd();
	{
		Parcel p;
		p.writeFileDescriptor(borrowed);
		p.writeFileDescriptor(UniqueFd(owned));
		Parcel moved(std::move(p));
		EXPECT_TRUE(isOpen(owned));
	}
	EXPECT_TRUE(isOpen(borrowed));
	EXPECT_FALSE(isOpen(owned));
	::close(borrowed);
}

TEST(ParcelFd, ReadingOurOwnParcelGivesANewDescriptorEachTime)
{
	UniqueFd fd(newFd());
	Parcel p;
	p.writeFileDescriptor(fd.get());
	UniqueFd a = p.reader().readFileDescriptor();
	UniqueFd b = p.reader().readFileDescriptor();
	EXPECT_NE(fd.get(), a.get());
	EXPECT_NE(a.get(), b.get());
	EXPECT_TRUE(sameFile(fd.get(), a.get()));
	EXPECT_TRUE(sameFile(fd.get(), b.get()));
}

TEST(ParcelFd, LocalCallReceivesItsOwnDescriptor)
{
	int seen = -1;
	bool same = false;
	auto svc = makeBinder([&](std::uint32_t, Parcel::Reader &in, Parcel &reply) {
		UniqueFd got = in.readFileDescriptor();
		seen = got.get();
		reply.writeFileDescriptor(std::move(got));
	});
	UniqueFd fd(newFd());
	Parcel req;
	req.writeFileDescriptor(fd.get());
	Parcel reply = Remote(svc).transact(1, req);
	UniqueFd back = reply.reader().readFileDescriptor();
	same = sameFile(fd.get(), back.get());
	EXPECT_TRUE(same);
	EXPECT_NE(fd.get(), seen);
}

// Received parcels own their descriptors.

TEST(ParcelFd, ReceivedParcelClosesItsDescriptorsOnce)
{
	fake::Fixture f;
	const int a = newFd(), b = newFd();
	{
		RawParcel raw;
		raw.fd(a).i32(7).fd(b);
		Parcel p = received(f, raw);
		EXPECT_TRUE(isOpen(a));
		EXPECT_TRUE(isOpen(b));
	}
	EXPECT_FALSE(isOpen(a));
	EXPECT_FALSE(isOpen(b));
	EXPECT_EQ(1U, f.state->freed().size());
}

TEST(ParcelFd, TakenOnceThenOwnedByTheTaker)
{
	fake::Fixture f;
	const int a = newFd(), b = newFd();
	UniqueFd taken;
	{
		RawParcel raw;
		raw.fd(a).fd(b);
		Parcel p = received(f, raw);
		auto r = p.reader();
		taken = r.readFileDescriptor();
		EXPECT_EQ(a, taken.get());
		// A second reader cannot take it again, and stays put.
		auto again = p.reader();
		Error e = caught([&] { (void)again.readFileDescriptor(); });
		EXPECT_EQ(ErrorKind::Usage, e.kind());
		EXPECT_EQ(EBADF, e.errnum());
		EXPECT_EQ(0U, again.position());
		// b, not taken, stays the parcel's.
		EXPECT_TRUE(isOpen(b));
	}
	EXPECT_TRUE(isOpen(a));  // the taker's
	EXPECT_FALSE(isOpen(b)); // closed with the parcel
	taken.reset();
	EXPECT_FALSE(isOpen(a));
}

TEST(ParcelFd, MovedParcelTakesItsDescriptorsAlong)
{
	fake::Fixture f;
	const int a = newFd();
	RawParcel raw;
	raw.fd(a);
	std::optional<Parcel> to;
	{
		Parcel from = received(f, raw);
		to.emplace(std::move(from));
	}
	EXPECT_TRUE(isOpen(a));
	UniqueFd got = to->reader().readFileDescriptor();
	EXPECT_EQ(a, got.get());
	to.reset();
	EXPECT_TRUE(isOpen(a));
}

TEST(ParcelFd, MoveAssignmentClosesTheOldDescriptors)
{
	fake::Fixture f;
	const int a = newFd(), b = newFd();
	RawParcel ra, rb;
	ra.fd(a);
	rb.fd(b);
	Parcel p = received(f, ra);
	p = received(f, rb);
	EXPECT_FALSE(isOpen(a));
	EXPECT_TRUE(isOpen(b));
	p = Parcel();
	EXPECT_FALSE(isOpen(b));
	EXPECT_EQ(2U, f.state->freed().size());
}

TEST(ParcelFd, WrongReadsLeaveTheDescriptorInTheParcel)
{
	fake::Fixture f;
	const int a = newFd();
	RawParcel raw;
	raw.fd(a);
	Parcel p = received(f, raw);
	auto r = p.reader();
	Error e = caught([&] { (void)r.readInt32(); });
	EXPECT_EQ(EBADMSG, e.errnum());
	e = caught([&] { (void)r.readRemote(); });
	EXPECT_EQ(EBADMSG, e.errnum());
	EXPECT_EQ(0U, r.position());
	EXPECT_EQ(a, r.readFileDescriptor().get());
	EXPECT_FALSE(isOpen(a));
}

TEST(ParcelFd, ReadingAnotherObjectTypeAsADescriptorIsMalformed)
{
	fake::Fixture f;
	// A HANDLE object: not a descriptor, nothing owned.
	RawParcel raw;
	raw.handle(3);
	Parcel p = received(f, raw);
	auto r = p.reader();
	EXPECT_EQ(EBADMSG, caught([&] { (void)r.readFileDescriptor(); }).errnum());
	EXPECT_EQ(0U, f.process->handleCount());
}

TEST(ParcelFd, ABadDescriptorFailsTheReceiveAndClosesTheOthers)
{
	fake::Fixture f;
	const int a = newFd();
	RawParcel raw;
	raw.fd(a).fd(-1);
	Error e = caught([&] { (void)received(f, raw); });
	EXPECT_EQ(ErrorKind::Protocol, e.kind());
	EXPECT_FALSE(isOpen(a));
	EXPECT_EQ(1U, f.state->freed().size());
}

// Flags: our calls accept descriptors in replies, our objects in calls.

TEST(ParcelFd, CallsAcceptDescriptorsAndObjectsSayTheyDo)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	auto obj = std::make_shared<Nop>();
	f.state->script(Returns().complete());
	Parcel req;
	req.writeBinder(obj);
	req.writeWeakRemote(Remote(obj).weak());
	EXPECT_EQ(OnewayResult::Sent, r.transactOneway(1, req));
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION);
	ASSERT_EQ(1U, tx.size());
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TF_ONE_WAY | BINDERLITE_TF_ACCEPT_FDS), tx[0].txn().flags);
	ASSERT_EQ(2U, tx[0].offsets.size());
	for (const auto off : tx[0].offsets) {
		flat_binderlite_object o;
		std::memcpy(&o, tx[0].data.data() + off, sizeof(o));
		// libbinder's flags: accepts descriptors, minimum priority nice 19.
		EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_FLAG_ACCEPTS_FDS | 19), o.flags);
	}
	f.process->becomeContextManager(obj);
	ASSERT_TRUE(f.state->contextManager.has_value());
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_FLAG_ACCEPTS_FDS), f.state->contextManager->flags);
}

TEST(ParcelFd, ReplyOwnsItsDescriptors)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	const int a = newFd(), b = newFd();
	RawParcel rep;
	rep.fd(a).str("x").fd(b);
	f.state->script(Returns().complete().reply(f.state->deliver(rep)));
	UniqueFd kept;
	{
		Parcel reply = r.transact(1, Parcel());
		auto in = reply.reader();
		kept = in.readFileDescriptor();
		EXPECT_EQ("x", in.readString());
	}
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TF_ACCEPT_FDS),
		  f.state->only(BINDERLITE_BC_TRANSACTION).at(0).txn().flags);
	EXPECT_EQ(a, kept.get());
	EXPECT_TRUE(isOpen(a));
	EXPECT_FALSE(isOpen(b));
}

TEST(ParcelFd, IncomingCallTakesSomeAndTheRestAreClosed)
{
	fake::Fixture f;
	const int a = newFd(), b = newFd();
	UniqueFd keptByService;
	auto svc = makeBinder([&](std::uint32_t, Parcel::Reader &in, Parcel &reply) {
		keptByService = in.readFileDescriptor();
		reply.writeInt32(1);
	});
	Remote target = fake::remoteTo(f, 1);
	// Our call to handle 1, during which the driver routes a call to our
	// object with two descriptors: the service keeps the first.
	const auto id = svc->id();
	RawParcel req, rep;
	req.fd(a).fd(b);
	Parcel out;
	out.writeBinder(svc);
	f.state->script(Returns().noop().transaction(f.state->deliver(req, 3, 0, id, id)));
	f.state->script(Returns().noop().complete()); // our nested reply went
	f.state->script(Returns().noop().complete().reply(f.state->deliver(rep)));
	(void)target.transact(1, out);
	EXPECT_EQ(a, keptByService.get());
	EXPECT_TRUE(isOpen(a));
	EXPECT_FALSE(isOpen(b));
	EXPECT_TRUE(f.errors->empty()) << f.errors->at(0);
}

// The driver's refusals of descriptors (extended errors) are failed calls
// with the errno it gave: EPERM (the receiver does not accept them), EBADF.
TEST(ParcelFd, RefusedDescriptorsAreFailedReplies)
{
	for (const int err : {EPERM, EBADF}) {
		fake::Fixture f;
		Remote r = fake::remoteTo(f, 5);
		f.state->ext = {31, BINDERLITE_BR_FAILED_REPLY, -err};
		f.state->script(Returns().failedReply());
		UniqueFd fd(newFd());
		Parcel req;
		req.writeFileDescriptor(fd.get());
		Error e = caught([&] { (void)r.transact(1, req); });
		EXPECT_EQ(ErrorKind::FailedReply, e.kind());
		EXPECT_EQ(err, e.errnum());
		ASSERT_TRUE(e.extended());
		EXPECT_EQ(-err, e.extended()->param);
		EXPECT_TRUE(isOpen(fd.get())) << "a lent descriptor stays the caller's";
	}
}
