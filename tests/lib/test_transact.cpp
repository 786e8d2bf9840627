// SPDX-License-Identifier: GPL-2.0
// Transactions through the fake driver: the command written, replies,
// failures and their extended errors, status replies, incoming calls
// (nested in our own call, oneway, failing), local calls.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

using namespace binderlite;
using fake::RawParcel;
using fake::Returns;
using fake::caught;

namespace {

// Echoes an int32 + 1; code 2 throws a status; code 3 a runtime_error.
class Adder : public Binder {
public:
	void onTransact(std::uint32_t code, Parcel::Reader &in, Parcel &reply) override
	{
		calls++;
		thread = std::this_thread::get_id();
		if (code == 2)
			throw Error::status(EPERM, "not allowed");
		if (code == 3)
			throw std::runtime_error("bug");
		reply.writeInt32(in.readInt32() + 1);
	}
	int calls = 0;
	std::thread::id thread;
};

std::int32_t statusOf(const fake::Command &c)
{
	std::int32_t st = 0;
	EXPECT_EQ(4U, c.data.size());
	std::memcpy(&st, c.data.data(), 4);
	return st;
}

} // namespace

TEST(Transact, SyncCallWritesTheTransactionAndReturnsTheReply)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	RawParcel rep;
	rep.i32(42);
	f.state->script(Returns().noop().complete().reply(f.state->deliver(rep)));

	Parcel req;
	req.writeString("hello");
	req.writeInt32(1);
	{
		Parcel reply = r.transact(9, req);
		EXPECT_TRUE(reply.isReceived());
		EXPECT_EQ(42, reply.reader().readInt32());
		EXPECT_TRUE(f.state->freed().empty());
	}
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION);
	ASSERT_EQ(1U, tx.size());
	EXPECT_EQ(5U, tx[0].txn().target.handle);
	EXPECT_EQ(9U, tx[0].txn().code);
	// Replies may carry file descriptors.
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TF_ACCEPT_FDS), tx[0].txn().flags);
	EXPECT_TRUE(std::equal(tx[0].data.begin(), tx[0].data.end(), req.data().begin(), req.data().end()));
	EXPECT_TRUE(tx[0].offsets.empty());
	EXPECT_EQ(1U, f.state->freed().size());
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_TRANSACTION, BINDERLITE_BC_FREE_BUFFER}), f.state->codes());
}

TEST(Transact, ReplySplitOverSeveralReads)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	RawParcel rep;
	rep.i32(1);
	f.state->script(Returns().noop());
	f.state->script(Returns().noop().complete());
	f.state->script(Returns().noop().reply(f.state->deliver(rep)));
	EXPECT_EQ(1, r.transact(1, Parcel()).reader().readInt32());
	EXPECT_EQ(3, f.state->readsDone);
}

TEST(Transact, OnewayReturnsAtTransactionComplete)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 6);
	f.state->script(Returns().noop().complete());
	Parcel req;
	req.writeInt32(3);
	EXPECT_EQ(OnewayResult::Sent, r.transactOneway(4, req));
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION);
	ASSERT_EQ(1U, tx.size());
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TF_ONE_WAY | BINDERLITE_TF_ACCEPT_FDS), tx[0].txn().flags);
	EXPECT_EQ(1, f.state->readsDone);
}

TEST(Transact, FailedReplyCarriesTheExtendedError)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->ext = {77, BINDERLITE_BR_FAILED_REPLY, -ENOSPC};
	f.state->script(Returns().noop().failedReply());
	Error e = caught([&] { (void)r.transact(1, Parcel()); });
	EXPECT_EQ(ErrorKind::FailedReply, e.kind());
	EXPECT_FALSE(e.dead());
	EXPECT_EQ(ENOSPC, e.errnum());
	ASSERT_TRUE(e.extended());
	EXPECT_EQ(77U, e.extended()->id);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BR_FAILED_REPLY), e.extended()->command);
	EXPECT_EQ(-ENOSPC, e.extended()->param);
	EXPECT_NE(std::find(f.state->ioctls.begin(), f.state->ioctls.end(),
			    static_cast<unsigned long>(BINDERLITE_GET_EXTENDED_ERROR)),
		  f.state->ioctls.end());
}

TEST(Transact, FailedReplyWithoutDetails)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().noop().failedReply());
	Error e = caught([&] { (void)r.transact(1, Parcel()); });
	EXPECT_EQ(ErrorKind::FailedReply, e.kind());
	EXPECT_EQ(EIO, e.errnum());
	EXPECT_FALSE(e.extended());
}

TEST(Transact, DeadReplyIsDeadObject)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->ext = {78, BINDERLITE_BR_DEAD_REPLY, -ESRCH};
	f.state->script(Returns().noop().deadReply());
	try {
		(void)r.transact(1, Parcel());
		FAIL();
	} catch (const DeadObject &e) {
		EXPECT_TRUE(e.dead());
		EXPECT_EQ(EPIPE, e.errnum());
		ASSERT_TRUE(e.extended());
		EXPECT_EQ(-ESRCH, e.extended()->param);
	}
}

TEST(Transact, OnewayFailure)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->ext = {1, BINDERLITE_BR_FAILED_REPLY, -EINVAL};
	f.state->script(Returns().noop().failedReply());
	Error e = caught([&] { r.transactOneway(1, Parcel()); });
	EXPECT_EQ(EINVAL, e.errnum());
}

TEST(Transact, StatusReplyBecomesRemoteError)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	const auto rep = f.state->statusReply(-ENOENT);
	f.state->script(Returns().noop().complete().reply(rep));
	Error e = caught([&] { (void)r.transact(1, Parcel()); });
	EXPECT_EQ(ErrorKind::Remote, e.kind());
	EXPECT_EQ(ENOENT, e.errnum());
	EXPECT_EQ(std::vector<std::uint64_t>{rep.data.ptr.buffer}, f.state->freed());
}

TEST(Transact, StatusReplyOfZeroIsAnEmptyReply)
{
	// libgbinder answers a call it has no reply for with TF_STATUS_CODE
	// and 0; libbinder reads that as success and an empty reply.
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	const auto rep = f.state->statusReply(0);
	f.state->script(Returns().noop().complete().reply(rep));
	Parcel reply = r.transact(1, Parcel());
	EXPECT_EQ(0U, reply.data().size());
	EXPECT_EQ(std::vector<std::uint64_t>{rep.data.ptr.buffer}, f.state->freed());
}

TEST(Transact, MalformedStatusReply)
{
	// A status that is not one int32, or a positive one, is malformed.
	for (const auto &raw : {std::vector<std::int32_t>{}, std::vector<std::int32_t>{-1, 0},
				std::vector<std::int32_t>{7}}) {
		fake::Fixture f;
		Remote r = fake::remoteTo(f, 5);
		RawParcel rep;
		for (const std::int32_t v : raw)
			rep.i32(v);
		f.state->script(Returns().noop().complete().reply(
			f.state->deliver(rep, 0, BINDERLITE_TF_STATUS_CODE)));
		Error e = caught([&] { (void)r.transact(1, Parcel()); });
		EXPECT_EQ(ErrorKind::Protocol, e.kind());
		EXPECT_EQ(EPROTO, e.errnum());
		EXPECT_EQ(1U, f.state->freed().size());
	}
}

TEST(Transact, BrErrorIsAProtocolError)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().noop().error(-1));
	EXPECT_EQ(ErrorKind::Protocol, caught([&] { (void)r.transact(1, Parcel()); }).kind());
}

TEST(Transact, SyscallFailureDoesNotResendTheTransaction)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->writeReadError = EFAULT;
	Error e = caught([&] { (void)r.transact(1, Parcel()); });
	EXPECT_EQ(ErrorKind::System, e.kind());
	EXPECT_EQ(EFAULT, e.errnum());
	EXPECT_TRUE(f.state->commands.empty());
	// The next call writes its own transaction only.
	f.state->script(Returns().noop().complete());
	r.transactOneway(2, Parcel());
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION);
	ASSERT_EQ(1U, tx.size());
	EXPECT_EQ(2U, tx[0].txn().code);
}

TEST(Transact, SendingABinderRegistersAndAnswersItsReferences)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	auto obj = std::make_shared<Adder>();
	const auto id = obj->id();
	f.state->script(Returns().noop().increfs(id, id).acquire(id, id));
	f.state->script(Returns().noop().complete());
	Parcel req;
	req.writeBinder(obj);
	r.transactOneway(1, req);
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_TRANSACTION, BINDERLITE_BC_INCREFS_DONE,
					      BINDERLITE_BC_ACQUIRE_DONE}),
		  f.state->codes());
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION)[0];
	ASSERT_EQ(1U, tx.offsets.size());
	EXPECT_EQ(0U, tx.offsets[0]);
	EXPECT_EQ(28U, tx.data.size()); // the object and its stability
	EXPECT_EQ(id, f.state->only(BINDERLITE_BC_INCREFS_DONE)[0].ptrCookie().ptr);
	EXPECT_EQ(id, f.state->only(BINDERLITE_BC_ACQUIRE_DONE)[0].ptrCookie().cookie);
	EXPECT_EQ(1U, f.process->nodeCount());
}

// The heart of the transact loop: while we wait for our reply, the driver
// routes a call back to us; we serve it on this thread and then get our
// reply.
TEST(Transact, NestedIncomingCallIsServedOnTheWaitingThread)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	auto obj = std::make_shared<Adder>();
	const auto id = obj->id();
	RawParcel in;
	in.i32(20);
	const auto call = f.state->deliver(in, 1, 0, id, id);
	RawParcel rep;
	rep.i32(99);
	const auto reply = f.state->deliver(rep);
	f.state->script(Returns().noop().increfs(id, id).acquire(id, id));
	f.state->script(Returns().noop().complete().transaction(call));
	f.state->script(Returns().noop().complete()); // for our nested reply
	f.state->script(Returns().noop().reply(reply));

	Parcel req;
	req.writeBinder(obj);
	Parcel got = r.transact(1, req);
	EXPECT_EQ(99, got.reader().readInt32());
	EXPECT_EQ(1, obj->calls);
	EXPECT_EQ(std::this_thread::get_id(), obj->thread);

	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_TRANSACTION, BINDERLITE_BC_INCREFS_DONE,
					      BINDERLITE_BC_ACQUIRE_DONE, BINDERLITE_BC_FREE_BUFFER,
					      BINDERLITE_BC_REPLY}),
		  f.state->codes());
	// The nested request's buffer went back before the reply, in one write.
	EXPECT_EQ(std::vector<std::uint64_t>{call.data.ptr.buffer}, f.state->freed());
	auto rp = f.state->only(BINDERLITE_BC_REPLY)[0];
	EXPECT_EQ(0U, rp.txn().flags);
	RawParcel want;
	want.i32(21);
	EXPECT_EQ(want.data, rp.data);
	got = Parcel();
	EXPECT_EQ((std::vector<std::uint64_t>{call.data.ptr.buffer, reply.data.ptr.buffer}), f.state->freed());
}

// A call nested two deep: our callback itself calls out.
TEST(Transact, CallbackThatCallsOut)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	int depth = 0;
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &, Parcel &reply) {
		depth++;
		Parcel inner = r.transact(2, Parcel());
		reply.writeInt32(inner.reader().readInt32() * 2);
	});
	const auto id = obj->id();
	RawParcel i1, i2, i3;
	i2.i32(10);
	i3.i32(-1);
	f.state->script(Returns().noop().increfs(id, id).acquire(id, id));
	f.state->script(Returns().noop().transaction(f.state->deliver(i1, 1, 0, id, id)));
	f.state->script(Returns().noop().complete().reply(f.state->deliver(i2))); // inner reply
	f.state->script(Returns().noop().complete());                            // our reply went
	f.state->script(Returns().noop().complete().reply(f.state->deliver(i3))); // outer reply
	Parcel req;
	req.writeBinder(obj);
	EXPECT_EQ(-1, r.transact(1, req).reader().readInt32());
	EXPECT_EQ(1, depth);
	RawParcel want;
	want.i32(20);
	EXPECT_EQ(want.data, f.state->only(BINDERLITE_BC_REPLY).at(0).data);
	EXPECT_EQ(2U, f.state->count(BINDERLITE_BC_TRANSACTION));
	EXPECT_EQ(3U, f.state->freed().size()); // the callback's request, inner and outer replies
}

TEST(Incoming, ErrorStatusFromOnTransact)
{
	fake::Fixture f;
	auto obj = std::make_shared<Adder>();
	f.process->becomeContextManager(obj);
	f.state->clearLog();
	RawParcel in;
	serveOne(f, f.state->deliver(in, 2, 0, obj->id(), obj->id()));
	auto rp = f.state->only(BINDERLITE_BC_REPLY).at(0);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TF_STATUS_CODE), rp.txn().flags);
	EXPECT_EQ(-EPERM, statusOf(rp));
	EXPECT_TRUE(f.errors->empty()); // a status is an answer, not a failure
}

TEST(Incoming, ForeignExceptionIsRemoteIoAndReported)
{
	fake::Fixture f;
	auto obj = std::make_shared<Adder>();
	f.process->becomeContextManager(obj);
	RawParcel in;
	serveOne(f, f.state->deliver(in, 3, 0, obj->id(), obj->id()));
	EXPECT_EQ(-EREMOTEIO, statusOf(f.state->only(BINDERLITE_BC_REPLY).at(0)));
	ASSERT_EQ(1U, f.errors->size());
	EXPECT_NE(f.errors->at(0).find("bug"), std::string::npos);
}

TEST(Incoming, ParcelErrorInOnTransactIsAStatus)
{
	// A request too short: libbinder's NOT_ENOUGH_DATA (-ENODATA).
	fake::Fixture f;
	auto obj = std::make_shared<Adder>();
	f.process->becomeContextManager(obj);
	RawParcel in;
	serveOne(f, f.state->deliver(in, 1, 0, obj->id(), obj->id()));
	EXPECT_EQ(kNotEnoughData, statusOf(f.state->only(BINDERLITE_BC_REPLY).at(0)));
}

TEST(Incoming, CallToUnknownObject)
{
	fake::Fixture f;
	RawParcel in;
	serveOne(f, f.state->deliver(in, 1, 0, 0x999, 0x999));
	EXPECT_EQ(-ENXIO, statusOf(f.state->only(BINDERLITE_BC_REPLY).at(0)));
	EXPECT_EQ(1U, f.state->freed().size());
}

TEST(Incoming, BufferOutsideThePoolIsAnsweredWithAStatus)
{
	fake::Fixture f;
	static const std::int32_t kOutside[2] = {};
	binderlite_transaction_data call{};
	call.data_size = sizeof(kOutside);
	call.data.ptr.buffer = reinterpret_cast<std::uintptr_t>(kOutside);
	serveOne(f, call);
	EXPECT_EQ(-EPROTO, statusOf(f.state->only(BINDERLITE_BC_REPLY).at(0)));
	EXPECT_EQ(1U, f.state->freed().size());
}

TEST(Incoming, OnewayGetsNoReplyButItsBufferBack)
{
	fake::Fixture f;
	auto obj = std::make_shared<Adder>();
	f.process->becomeContextManager(obj);
	RawParcel in;
	in.i32(1);
	const auto call = f.state->deliver(in, 1, BINDERLITE_TF_ONE_WAY, obj->id(), obj->id());
	serveOne(f, call, false);
	EXPECT_EQ(1, obj->calls);
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_REPLY));
	EXPECT_EQ(std::vector<std::uint64_t>{call.data.ptr.buffer}, f.state->freed());
}

TEST(Incoming, OnewayExceptionIsReported)
{
	fake::Fixture f;
	auto obj = std::make_shared<Adder>();
	f.process->becomeContextManager(obj);
	RawParcel in;
	serveOne(f, f.state->deliver(in, 2, BINDERLITE_TF_ONE_WAY, obj->id(), obj->id()), false);
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_REPLY));
	EXPECT_EQ(1U, f.errors->size());
}

TEST(Incoming, SenderInformation)
{
	fake::Fixture f;
	pid_t pid = 0;
	uid_t euid = 0;
	bool oneway = true;
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &in, Parcel &) {
		pid = in.parcel().senderPid();
		euid = in.parcel().senderEuid();
		oneway = in.parcel().isOneway();
	});
	f.process->becomeContextManager(obj);
	RawParcel in;
	serveOne(f, f.state->deliver(in, 1, 0, obj->id(), obj->id()));
	EXPECT_EQ(4242, pid);
	EXPECT_EQ(1000U, euid);
	EXPECT_FALSE(oneway);
}

TEST(Incoming, ReplyCarryingAnObject)
{
	fake::Fixture f;
	auto inner = std::make_shared<Adder>();
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &, Parcel &reply) { reply.writeBinder(inner); });
	f.process->becomeContextManager(obj);
	Remote r = fake::remoteTo(f, 5);
	RawParcel in;
	const auto id = inner->id();
	f.state->script(Returns().noop().transaction(f.state->deliver(in, 1, 0, obj->id(), obj->id())));
	f.state->script(Returns().noop().increfs(id, id).acquire(id, id).complete()); // our reply
	f.state->script(Returns().noop().complete());                                 // our oneway
	r.transactOneway(100, Parcel());
	auto rp = f.state->only(BINDERLITE_BC_REPLY).at(0);
	ASSERT_EQ(1U, rp.offsets.size());
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_ACQUIRE_DONE));
	EXPECT_EQ(1U, f.process->nodeCount() - 0); // inner is held for the driver
}

TEST(Local, LocalRemoteCallsOnTransactDirectly)
{
	auto obj = std::make_shared<Adder>();
	Remote r(obj);
	EXPECT_TRUE(r.isLocal());
	EXPECT_EQ(nullptr, r.process());
	Parcel req;
	req.writeInt32(1);
	EXPECT_EQ(2, r.transact(1, req).reader().readInt32());
	Error e = caught([&] { (void)r.transact(2, Parcel()); });
	EXPECT_EQ(ErrorKind::Remote, e.kind());
	EXPECT_EQ(EPERM, e.errnum());
	EXPECT_EQ(EREMOTEIO, caught([&] { (void)r.transact(3, Parcel()); }).errnum());
	EXPECT_NO_THROW(r.transactOneway(2, Parcel()));
	EXPECT_EQ(ErrorKind::Usage, caught([&] { (void)r.handle(); }).kind());
	EXPECT_FALSE(r.isDead());
	EXPECT_TRUE(r == Remote(obj));
}

TEST(Local, ParcelWithAnotherProcesssHandleIsRefused)
{
	fake::Fixture f1, f2;
	Remote r1 = fake::remoteTo(f1, 5);
	Remote r2 = fake::remoteTo(f2, 5);
	Parcel req;
	req.writeRemote(r2);
	Error e = caught([&] { (void)r1.transact(1, req); });
	EXPECT_EQ(ErrorKind::Usage, e.kind());
	EXPECT_EQ(EXDEV, e.errnum());
	EXPECT_TRUE(f1.state->commands.empty());
}

TEST(Transact, HandleSentInACall)
{
	fake::Fixture f;
	Remote target = fake::remoteTo(f, 5);
	Remote passed = fake::remoteTo(f, 9);
	f.state->script(Returns().noop().complete());
	Parcel req;
	req.writeInt32(1);
	req.writeRemote(passed);
	target.transactOneway(1, req);
	auto tx = f.state->only(BINDERLITE_BC_TRANSACTION).at(0);
	ASSERT_EQ(1U, tx.offsets.size());
	EXPECT_EQ(4U, tx.offsets[0]);
	flat_binderlite_object obj;
	std::memcpy(&obj, tx.data.data() + tx.offsets[0], sizeof(obj));
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_TYPE_HANDLE), obj.hdr.type);
	EXPECT_EQ(9U, obj.handle);
	// Sending a handle takes no count of its own.
	EXPECT_TRUE(f.state->refCodes().empty());
}

TEST(Transact, SpawnRequestOffALooperIsIgnored)
{
	fake::Fixture f;
	f.process->setMaxThreads(4);
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().spawnLooper().complete());
	r.transactOneway(1, Parcel());
	EXPECT_EQ(0U, f.process->looperCount());
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_REGISTER_LOOPER));
}

TEST(Transact, AThreadThatCalledSaysGoodbye)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().noop().complete());
	std::thread t([&] { r.transactOneway(1, Parcel()); });
	t.join();
	EXPECT_EQ(1, f.state->threadExits);
}

TEST(Transact, ReplyFreedOnAnotherThreadIsWrittenAtOnce)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	RawParcel rep;
	const auto reply = f.state->deliver(rep);
	f.state->script(Returns().noop().complete().reply(reply));
	Parcel got = r.transact(1, Parcel());
	std::thread t([p = std::move(got)]() mutable { p = Parcel(); });
	t.join();
	EXPECT_EQ(std::vector<std::uint64_t>{reply.data.ptr.buffer}, f.state->freed());
}

TEST(Incoming, RemoteFromARequestOutlivesTheCall)
{
	fake::Fixture f;
	std::optional<Remote> kept;
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &in, Parcel &) { kept = in.readRemote(); });
	f.process->becomeContextManager(obj);
	RawParcel in;
	in.handle(21);
	const auto call = f.state->deliver(in, 1, 0, obj->id(), obj->id());
	serveOne(f, call);
	ASSERT_TRUE(kept);
	EXPECT_EQ(21U, kept->handle());
	// Counts before the request's buffer went back.
	auto codes = f.state->codes();
	codes.resize(5); // then serveOne() let its own handle 5 go
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_TRANSACTION, BINDERLITE_BC_INCREFS,
					      BINDERLITE_BC_ACQUIRE, BINDERLITE_BC_FREE_BUFFER, BINDERLITE_BC_REPLY}),
		  codes);
	EXPECT_EQ(21U, f.state->only(BINDERLITE_BC_ACQUIRE).at(0).u32());
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_DECREFS));
	kept.reset();
	EXPECT_EQ(21U, f.state->only(BINDERLITE_BC_DECREFS).at(1).u32());
}

TEST(Errors, HandlerCanBeReplacedOrSilenced)
{
	fake::Fixture f;
	auto obj = std::make_shared<Adder>();
	f.process->becomeContextManager(obj);
	int seen = 0;
	f.process->setErrorHandler([&](std::string_view) { seen++; });
	RawParcel in;
	serveOne(f, f.state->deliver(in, 3, BINDERLITE_TF_ONE_WAY, obj->id(), obj->id()), false);
	EXPECT_EQ(1, seen);
	f.process->setErrorHandler(nullptr);
	serveOne(f, f.state->deliver(in, 3, BINDERLITE_TF_ONE_WAY, obj->id(), obj->id()), false);
	EXPECT_EQ(1, seen);
	EXPECT_TRUE(f.errors->empty());
}
