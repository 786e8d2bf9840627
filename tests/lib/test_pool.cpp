// SPDX-License-Identifier: GPL-2.0
// The thread pool: loopers enter and exit, BR_SPAWN_LOOPER up to
// setMaxThreads(), calls served on loopers, stopping from inside a call.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace binderlite;
using fake::RawParcel;
using fake::Returns;

TEST(Pool, StartAndStop)
{
	fake::Fixture f;
	fake::setBlocking(*f.state, true);
	f.process->startThreadPool();
	f.process->startThreadPool(); // once
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->count(BINDERLITE_BC_ENTER_LOOPER) == 1; }));
	EXPECT_EQ(1U, f.process->looperCount());
	f.process->stopThreadPool();
	EXPECT_EQ(0U, f.process->looperCount());
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_EXIT_LOOPER));
	EXPECT_GE(f.state->wakes, 1);
	EXPECT_EQ(1, f.state->threadExits); // the pool thread said goodbye
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_REGISTER_LOOPER));
}

TEST(Pool, SpawnsOnRequestUpToMaxThreads)
{
	fake::Fixture f;
	f.process->setMaxThreads(2);
	EXPECT_EQ(2U, f.state->maxThreads);
	EXPECT_EQ(2U, f.process->maxThreads());
	fake::setBlocking(*f.state, true);
	f.process->startThreadPool();
	for (int i = 0; i < 3; i++)
		f.state->script(Returns().spawnLooper());
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->count(BINDERLITE_BC_REGISTER_LOOPER) == 2; }));
	ASSERT_TRUE(fake::waitUntil([&] {
		std::lock_guard g(f.state->m);
		return f.state->reads.empty();
	}));
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	EXPECT_EQ(2U, f.state->count(BINDERLITE_BC_REGISTER_LOOPER));
	EXPECT_EQ(3U, f.process->looperCount());
	f.process->stopThreadPool();
	EXPECT_EQ(3U, f.state->count(BINDERLITE_BC_EXIT_LOOPER));
	EXPECT_EQ(0U, f.process->looperCount());
}

TEST(Pool, NoSpawnWithoutMaxThreads)
{
	fake::Fixture f;
	fake::setBlocking(*f.state, true);
	f.process->startThreadPool();
	f.state->script(Returns().spawnLooper());
	ASSERT_TRUE(fake::waitUntil([&] {
		std::lock_guard g(f.state->m);
		return f.state->reads.empty() && f.state->readsDone >= 2;
	}));
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_REGISTER_LOOPER));
	f.process->stopThreadPool();
}

TEST(Pool, JoinThreadPoolServesCallsOnTheJoiningThread)
{
	fake::Fixture f;
	std::thread::id served;
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &in, Parcel &reply) {
		served = std::this_thread::get_id();
		reply.writeString(in.readString() + "!");
	});
	f.process->becomeContextManager(obj);
	RawParcel in;
	in.str("hi");
	const auto call = f.state->deliver(in, 1, 0, obj->id(), obj->id());
	fake::setBlocking(*f.state, true);
	std::thread joiner([&] { f.process->joinThreadPool(); });
	f.state->script(Returns().noop().transaction(call));
	f.state->script(Returns().noop().complete());
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->count(BINDERLITE_BC_REPLY) == 1; }));
	const auto joinerId = joiner.get_id();
	f.process->stopThreadPool();
	joiner.join();
	EXPECT_EQ(joinerId, served);
	RawParcel want;
	want.str("hi!");
	EXPECT_EQ(want.data, f.state->only(BINDERLITE_BC_REPLY)[0].data);
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_ENTER_LOOPER, BINDERLITE_BC_FREE_BUFFER,
					      BINDERLITE_BC_REPLY, BINDERLITE_BC_EXIT_LOOPER}),
		  f.state->codes());
}

TEST(Pool, OnewayBufferIsFreedBeforeTheNextRead)
{
	fake::Fixture f;
	std::atomic<int> calls{0};
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &, Parcel &) { calls++; });
	f.process->becomeContextManager(obj);
	RawParcel in;
	const auto call = f.state->deliver(in, 1, BINDERLITE_TF_ONE_WAY, obj->id(), obj->id());
	fake::setBlocking(*f.state, true);
	f.process->startThreadPool();
	f.state->script(Returns().noop().transaction(call));
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->freed().size() == 1; }));
	EXPECT_EQ(1, calls.load());
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_REPLY));
	f.process->stopThreadPool();
}

TEST(Pool, ALooperCannotJoinAgain)
{
	fake::Fixture f;
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &, Parcel &) { f.process->joinThreadPool(); });
	f.process->becomeContextManager(obj);
	RawParcel in;
	fake::setBlocking(*f.state, true);
	f.process->startThreadPool();
	f.state->script(Returns().noop().transaction(f.state->deliver(in, 1, 0, obj->id(), obj->id())));
	f.state->script(Returns().noop().complete());
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->count(BINDERLITE_BC_REPLY) == 1; }));
	std::int32_t st = 0;
	std::memcpy(&st, f.state->only(BINDERLITE_BC_REPLY)[0].data.data(), 4);
	EXPECT_EQ(-EDEADLK, st);
	f.process->stopThreadPool();
}

TEST(Pool, StopFromInsideACall)
{
	fake::Fixture f;
	auto obj = makeBinder([&](std::uint32_t, Parcel::Reader &, Parcel &reply) {
		f.process->stopThreadPool();
		reply.writeBool(true);
	});
	f.process->becomeContextManager(obj);
	RawParcel in;
	fake::setBlocking(*f.state, true);
	std::thread joiner([&] { f.process->joinThreadPool(); });
	f.state->script(Returns().noop().transaction(f.state->deliver(in, 1, 0, obj->id(), obj->id())));
	f.state->script(Returns().noop().complete());
	joiner.join(); // returns by itself
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_REPLY));
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_EXIT_LOOPER));
	EXPECT_EQ(0U, f.process->looperCount());
}

TEST(Pool, RestartAfterStop)
{
	fake::Fixture f;
	fake::setBlocking(*f.state, true);
	for (int round = 1; round <= 2; round++) {
		f.process->startThreadPool();
		ASSERT_TRUE(fake::waitUntil([&] { return f.process->looperCount() == 1; }));
		f.process->stopThreadPool();
		EXPECT_EQ(static_cast<std::size_t>(round), f.state->count(BINDERLITE_BC_EXIT_LOOPER));
	}
}

TEST(Pool, PoolThreadsKeepTheProcessAlive)
{
	fake::Fixture f;
	fake::setBlocking(*f.state, true);
	std::weak_ptr<Process> w = f.process;
	f.process->startThreadPool();
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->count(BINDERLITE_BC_ENTER_LOOPER) == 1; }));
	f.process.reset();
	EXPECT_FALSE(w.expired());
	w.lock()->stopThreadPool();
	EXPECT_TRUE(fake::waitUntil([&] { return w.expired(); }));
}

TEST(Pool, FatalErrorEndsThePoolThreadAndIsReported)
{
	fake::Fixture f;
	{
		std::lock_guard g(f.state->m);
		f.state->writeReadError = EBADF;
	}
	f.process->startThreadPool();
	ASSERT_TRUE(fake::waitUntil([&] { return !f.errors->empty() && f.process->looperCount() == 0; }));
	EXPECT_NE(f.errors->at(0).find("pool thread"), std::string::npos);
	f.process->stopThreadPool();
}

TEST(Pool, JoinThreadPoolRethrows)
{
	fake::Fixture f;
	f.state->writeReadError = EBADF;
	try {
		f.process->joinThreadPool();
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(EBADF, e.errnum());
	}
	EXPECT_EQ(0U, f.process->looperCount());
}
