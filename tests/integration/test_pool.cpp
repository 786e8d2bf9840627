// SPDX-License-Identifier: GPL-2.0
//
// The thread pool under concurrent clients: client processes calling at
// once are served by several threads, every reply right; the pool grows
// on BR_SPAWN_LOOPER up to setMaxThreads() and no further.
#include "itest.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace itest {
namespace {

class Pool : public DeviceTest {};

pid_t gettid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

enum Code : std::uint32_t {
	kEcho = 1,   // int32 client, int32 i -> int32 client, int32 i, int64 product, int32 tid
	kRendezvous, // uint32 want -> bool reached, uint32 peak: waits until @want calls overlapped
	kStats,      // -> uint32 threads, uint32 most loopers, uint32 echoes, uint32 peak
};

std::int64_t product(std::int32_t client, std::int32_t i)
{
	return (static_cast<std::int64_t>(client) + 1) * 1000003 + i * 7;
}

class PoolService : public bl::Binder {
public:
	explicit PoolService(std::shared_ptr<bl::Process> p) : process_(std::move(p)) {}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		const pid_t tid = gettid();
		{
			std::lock_guard g(mutex_);
			tids_.insert(tid);
			loopers_ = std::max(loopers_, process_->looperCount());
		}
		switch (code) {
		case kEcho: {
			const auto client = in.readInt32();
			const auto i = in.readInt32();
			in.expectEnd();
			reply.writeInt32(client);
			reply.writeInt32(i);
			reply.writeInt64(product(client, i));
			reply.writeInt32(tid);
			std::lock_guard g(mutex_); // the pool's threads count together
			echoes_++;
			return;
		}
		case kRendezvous: {
			const auto want = in.readUint32();
			std::unique_lock lk(mutex_);
			inflight_++;
			peak_ = std::max(peak_, inflight_);
			cv_.notify_all();
			const bool reached = cv_.wait_for(lk, kWait, [&] { return peak_ >= want; });
			inflight_--;
			reply.writeBool(reached);
			reply.writeUint32(peak_);
			return;
		}
		case kStats: {
			std::lock_guard g(mutex_);
			reply.writeUint32(static_cast<std::uint32_t>(tids_.size()));
			reply.writeUint32(static_cast<std::uint32_t>(loopers_));
			reply.writeUint32(echoes_);
			reply.writeUint32(peak_);
			return;
		}
		default:
			throw bl::Error::unknownTransaction(code);
		}
	}

private:
	std::shared_ptr<bl::Process> process_;
	std::mutex mutex_;
	std::condition_variable cv_;
	std::set<pid_t> tids_;
	std::size_t loopers_ = 0;
	std::uint32_t echoes_ = 0;
	std::uint32_t inflight_ = 0;
	std::uint32_t peak_ = 0;
};

std::shared_ptr<bl::Binder> makePoolService(const std::shared_ptr<bl::Process> &p)
{
	return std::make_shared<PoolService>(p);
}

struct Stats {
	std::uint32_t threads, loopers, echoes, peak;
};

Stats stats(const bl::Remote &s)
{
	bl::Parcel req;
	bl::Parcel r = s.transact(kStats, req);
	auto in = r.reader();
	Stats st{};
	st.threads = in.readUint32();
	st.loopers = in.readUint32();
	st.echoes = in.readUint32();
	st.peak = in.readUint32();
	return st;
}

// 4 client processes x kCalls calls against a service with max threads 4
// whose main thread joins the pool too (at most 2 + 4 loopers).
TEST_P(Pool, ConcurrentClientProcesses)
{
	constexpr int kClients = 4;
	constexpr int kCalls = 100;
	constexpr std::uint32_t kMaxThreads = 4;
	startManager();
	spawnService({"itest.pool"}, makePoolService, {.maxThreads = kMaxThreads});

	struct Result {
		std::atomic<int> good[kClients];
		std::atomic<int> concurrent[kClients];
	};
	Shared<Result> results;
	std::vector<Child *> clients;
	for (int c = 0; c < kClients; c++) {
		clients.push_back(&spawn("client " + std::to_string(c), [dev = device(), c, res = &*results] {
			auto p = openProcess(dev);
			bl::ServiceManagerClient sm(p);
			auto s = sm.waitForService("itest.pool", kWait);
			ITEST_CHECK(s.has_value(), "no itest.pool");
			{
				// Two calls at once, or this waits for a second one.
				bl::Parcel req;
				req.writeUint32(2);
				bl::Parcel r = s->transact(kRendezvous, req);
				auto in = r.reader();
				res->concurrent[c] = in.readBool();
			}
			for (int i = 0; i < kCalls; i++) {
				bl::Parcel req;
				req.writeInt32(c);
				req.writeInt32(i);
				bl::Parcel r = s->transact(kEcho, req);
				auto in = r.reader();
				ITEST_CHECK(in.readInt32() == c, "call " << i);
				ITEST_CHECK(in.readInt32() == i, "call " << i);
				ITEST_CHECK(in.readInt64() == product(c, i), "call " << i);
				ITEST_CHECK(in.readInt32() > 0, "call " << i);
				in.expectEnd();
				res->good[c]++;
			}
			return 0;
		}));
	}
	for (int c = 0; c < kClients; c++) {
		EXPECT_TRUE(exitsZero(*clients[c]));
		EXPECT_EQ(results->good[c], kCalls) << "client " << c;
		EXPECT_TRUE(results->concurrent[c]) << "client " << c << ": no second call was served meanwhile";
	}

	auto p = process();
	bl::ServiceManagerClient client(p);
	auto s = client.getService("itest.pool");
	ASSERT_TRUE(s.has_value());
	const Stats st = stats(*s);
	EXPECT_EQ(st.echoes, static_cast<std::uint32_t>(kClients * kCalls));
	EXPECT_GE(st.peak, 2u);
	EXPECT_GE(st.threads, 2u) << "one server thread served everything";
	EXPECT_LE(st.threads, 2 + kMaxThreads);
	EXPECT_LE(st.loopers, 2 + kMaxThreads);
}

// A pool of one started thread and max threads 4 serves 5 calls at once,
// never 6: the sixth waits for a thread.
TEST_P(Pool, GrowsToMaxThreadsAndNoFurther)
{
	constexpr std::uint32_t kMaxThreads = 4;
	constexpr std::uint32_t kLoopers = kMaxThreads + 1;
	startManager();
	spawnService({"itest.grow"}, makePoolService, {.maxThreads = kMaxThreads, .join = false});
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto found = client.waitForService("itest.grow", kWait);
	ASSERT_TRUE(found.has_value());
	const bl::Remote s = *found;

	struct Outcome {
		bool reached = false;
		std::uint32_t peak = 0;
		std::string error;
	};
	std::vector<Outcome> out(kLoopers + 1);
	{
		std::vector<std::thread> callers;
		for (auto &o : out)
			callers.emplace_back([&s, &o] {
				try {
					bl::Parcel req;
					req.writeUint32(kLoopers);
					bl::Parcel r = s.transact(kRendezvous, req);
					auto in = r.reader();
					o.reached = in.readBool();
					o.peak = in.readUint32();
				} catch (const std::exception &e) {
					o.error = e.what();
				}
			});
		for (auto &t : callers)
			t.join();
	}
	for (std::size_t i = 0; i < out.size(); i++) {
		EXPECT_EQ(out[i].error, "") << "caller " << i;
		EXPECT_TRUE(out[i].reached) << "caller " << i << ": at most " << out[i].peak << " calls overlapped";
	}
	const Stats st = stats(s);
	EXPECT_EQ(st.peak, kLoopers) << "calls served at once";
	EXPECT_EQ(st.threads, kLoopers) << "threads that served";
	EXPECT_LE(st.loopers, kLoopers);
}

// stopThreadPool() right after startThreadPool(), before the pool's first
// thread has run: it must still return, with no looper left.
TEST_P(Pool, StopRightAfterStart)
{
	constexpr int kRounds = 20;
	auto p = process();
	for (int round = 0; round < kRounds && !HasFailure(); round++) {
		SCOPED_TRACE("round " + std::to_string(round));
		{
			Deadline bound("Process::stopThreadPool() right after startThreadPool()", kStopWait,
				       rescueStop(p));
			p->startThreadPool();
			p->stopThreadPool();
		}
		EXPECT_EQ(p->looperCount(), 0u);
	}
}

// The pool stopped and started again, round after round, while a client
// keeps calling us: each stop returns with no looper left, and the calls
// made while the pool is stopped are served when it runs again, by its
// threads. A stop that comes just as a looper spawned on BR_SPAWN_LOOPER
// starts is the case that matters: each round stops right after a call
// was served, a little later each time. The driver asks for a looper with
// the first call of a round (none waits), until it has started max threads
// (ever: binder never counts them down), hence the high maximum.
TEST_P(Pool, StopsAndStartsAgainUnderCalls)
{
	constexpr int kRounds = 100;
	startManager();
	auto p = process();
	PoolGuard guard(p);
	p->setMaxThreads(10 * kRounds);
	auto served = std::make_shared<std::atomic<int>>(0);
	auto onMain = std::make_shared<std::atomic<int>>(0);
	auto mine = bl::makeBinder([served, onMain, mainTid = gettid()](std::uint32_t, bl::Parcel::Reader &,
									bl::Parcel &reply) {
		if (gettid() == mainTid)
			(*onMain)++;
		(*served)++;
		reply.writeInt32(::getpid());
	});
	{
		bl::ServiceManagerClient client(p);
		client.addService("itest.restarts", mine);
	}
	Shared<std::atomic<int>> stop, calls;
	Child &c = spawn("client", [dev = device(), parent = ::getpid(), stop = &*stop, calls = &*calls] {
		auto cp = openProcess(dev);
		bl::ServiceManagerClient sm(cp);
		auto r = sm.waitForService("itest.restarts", kWait);
		ITEST_CHECK(r.has_value(), "no itest.restarts");
		while (!*stop) {
			ITEST_CHECK(pidOf(*r) == parent, "call " << calls->load());
			(*calls)++;
		}
		return 0;
	});
	for (int round = 0; round < kRounds && !HasFailure(); round++) {
		SCOPED_TRACE("round " + std::to_string(round));
		const int before = served->load();
		p->startThreadPool();
		// Spinning, so as to stop as soon as asked.
		const auto deadline = std::chrono::steady_clock::now() + kWait;
		while (served->load() == before && std::chrono::steady_clock::now() < deadline) {
		}
		ASSERT_GT(served->load(), before) << "no call served";
		{
			Deadline bound("Process::stopThreadPool()", kStopWait, rescueStop(p));
			const auto until =
				std::chrono::steady_clock::now() + std::chrono::microseconds(round % 20 * 25);
			while (std::chrono::steady_clock::now() < until) {
			}
			p->stopThreadPool();
		}
		EXPECT_EQ(p->looperCount(), 0u);
	}
	*stop = 1;
	p->startThreadPool();
	EXPECT_TRUE(exitsZero(c));
	stopThreadPool(p);
	EXPECT_EQ(p->looperCount(), 0u);
	EXPECT_GE(calls->load(), kRounds);
	EXPECT_EQ(served->load(), calls->load());
	EXPECT_EQ(onMain->load(), 0) << "calls served on the main thread, which is no looper";
}

ITEST_DEVICES(Pool);

} // namespace
} // namespace itest
