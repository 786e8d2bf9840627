// SPDX-License-Identifier: GPL-2.0
//
// Processes dying: death callbacks in clients and in services, DeadObject
// for calls to a dead process, also for the call it died holding.
#include "itest.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace itest {
namespace {

class Death : public DeviceTest {};

enum Code : std::uint32_t {
	kBlock = 100, // writes a byte to the service's pipe, then never returns
	kWatch,       // object: links to its death
	kDeaths,      // -> uint32 deaths seen
};

// What death callbacks saw; shared with them, so that it outlives them.
struct Seen {
	std::mutex mutex;
	std::condition_variable cv;
	int first = 0, second = 0, copy = 0;
	std::thread::id thread;

	void bump(int &n)
	{
		std::lock_guard g(mutex);
		n++;
		thread = std::this_thread::get_id();
		cv.notify_all();
	}
	bool waitFor(const std::function<bool()> &pred)
	{
		std::unique_lock lk(mutex);
		return cv.wait_for(lk, kWait, pred);
	}
};

TEST_P(Death, CallbackFiresInTheClient)
{
	startManager();
	Child &svc = spawnService({"itest.mortal"}, [](const auto &) { return makePidService(); });
	auto p = process();
	p->startThreadPool(); // death callbacks run on loopers
	PoolGuard guard(p);
	bl::ServiceManagerClient client(p);
	auto found = client.waitForService("itest.mortal", kWait);
	ASSERT_TRUE(found.has_value());
	const bl::Remote s = *found;
	found.reset();
	const bl::Remote copy = s;

	auto seen = std::make_shared<Seen>();
	const auto first = s.linkToDeath([seen] { seen->bump(seen->first); });
	const auto second = s.linkToDeath([seen] { seen->bump(seen->second); });
	const auto third = copy.linkToDeath([seen] { seen->bump(seen->copy); });
	EXPECT_TRUE(s.unlinkToDeath(first));
	EXPECT_FALSE(s.unlinkToDeath(first)) << "a callback removed twice";
	EXPECT_FALSE(s.isDead());
	EXPECT_EQ(pidOf(s), svc.pid());

	svc.kill();
	EXPECT_TRUE(seen->waitFor([&] { return seen->second && seen->copy; }))
		<< "no death callback within " << kWait.count() << " ms";
	{
		std::lock_guard g(seen->mutex);
		EXPECT_EQ(seen->first, 0) << "a removed callback ran";
		EXPECT_EQ(seen->second, 1);
		EXPECT_EQ(seen->copy, 1);
		EXPECT_NE(seen->thread, std::this_thread::get_id()) << "a callback ran on a thread that is no looper";
	}
	EXPECT_TRUE(s.isDead());
	EXPECT_TRUE(copy.isDead());
	EXPECT_FALSE(s.unlinkToDeath(second)) << "a callback that ran was removed";
	EXPECT_FALSE(copy.unlinkToDeath(third));

	// A dead object: calls of both kinds and new links are DeadObject.
	EXPECT_TRUE(failsWith([&] { (void)pidOf(s); }, bl::ErrorKind::DeadObject, EPIPE));
	bl::Parcel req;
	EXPECT_TRUE(failsWith([&] { s.transactOneway(kPid, req); }, bl::ErrorKind::DeadObject, EPIPE));
	EXPECT_TRUE(failsWith([&] { (void)s.linkToDeath([] {}); }, bl::ErrorKind::DeadObject, EPIPE));
	const auto e = errorOf([&] { (void)pidOf(s); });
	ASSERT_TRUE(e.has_value());
	EXPECT_TRUE(e->dead());
	// Why, as the driver says: a dead node.
	ASSERT_TRUE(e->extended().has_value()) << e->what();
	EXPECT_EQ(e->extended()->command, static_cast<std::uint32_t>(BINDERLITE_BR_DEAD_REPLY));
	EXPECT_EQ(e->extended()->param, -EINVAL);

	// The manager forgets it too.
	EXPECT_TRUE(eventually([&] { return client.listServices().empty(); }));
}

TEST_P(Death, CallToAKilledServiceIsDeadObject)
{
	startManager();
	Child &svc = spawnService({"itest.mortal"}, [](const auto &) { return makePidService(); });
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto s = client.waitForService("itest.mortal", kWait);
	ASSERT_TRUE(s.has_value());
	EXPECT_EQ(pidOf(*s), svc.pid());

	svc.kill();
	// Without a death notification or a pool: the call itself finds out.
	for (int i = 0; i < 3; i++) {
		try {
			(void)pidOf(*s);
			ADD_FAILURE() << "a call to a dead process returned";
		} catch (const bl::DeadObject &e) {
			EXPECT_TRUE(e.dead());
			EXPECT_EQ(e.kind(), bl::ErrorKind::DeadObject);
			EXPECT_EQ(e.code(), std::errc::broken_pipe);
		} catch (const std::exception &e) {
			ADD_FAILURE() << "not a DeadObject: " << e.what();
		}
	}
}

TEST_P(Death, ServiceKilledDuringTheCall)
{
	int fds[2];
	ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
	startManager();
	Child &svc = spawnService({"itest.blocker"}, [wfd = fds[1]](const auto &) {
		return bl::makeBinder([wfd](std::uint32_t code, bl::Parcel::Reader &, bl::Parcel &reply) {
			if (code != kBlock) {
				reply.writeInt32(::getpid());
				return;
			}
			if (::write(wfd, "x", 1) != 1)
				throw bl::Error::status(EIO);
			for (;;)
				::pause();
		});
	});
	::close(fds[1]);
	auto p = process();
	bl::ServiceManagerClient client(p);
	auto s = client.waitForService("itest.blocker", kWait);
	ASSERT_TRUE(s.has_value());

	// Kills the service once it holds the call.
	std::atomic<bool> held{false};
	std::thread killer([&, rfd = fds[0], pid = svc.pid()] {
		pollfd pfd{.fd = rfd, .events = POLLIN, .revents = 0};
		char c;
		if (::poll(&pfd, 1, static_cast<int>(kWait.count())) == 1 && ::read(rfd, &c, 1) == 1)
			held = true;
		::kill(pid, SIGKILL);
	});
	bl::Parcel req;
	EXPECT_TRUE(failsWith([&] { (void)s->transact(kBlock, req); }, bl::ErrorKind::DeadObject, EPIPE));
	killer.join();
	::close(fds[0]);
	EXPECT_TRUE(held) << "the service never got the call";
	EXPECT_TRUE(svc.wait().has_value());
}

// Death notifications in a service, for clients that exit and clients that
// are killed.
TEST_P(Death, ServiceSeesItsClientsDie)
{
	startManager();
	spawnService({"itest.watcher"}, [](const auto &) {
		auto deaths = std::make_shared<std::atomic<std::uint32_t>>(0);
		auto links = std::make_shared<std::vector<bl::Remote>>();
		auto mutex = std::make_shared<std::mutex>();
		return bl::makeBinder([=](std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) {
			switch (code) {
			case kWatch: {
				bl::Remote r = in.readRemote();
				(void)r.linkToDeath([deaths] { (*deaths)++; });
				std::lock_guard g(*mutex);
				links->push_back(std::move(r));
				return;
			}
			case kDeaths:
				reply.writeUint32(deaths->load());
				return;
			default:
				throw bl::Error::unknownTransaction(code);
			}
		});
	});
	// A client that sends the watcher an object of its own, says so in
	// @sent, then exits (or, if @stay, waits to be killed).
	Shared<std::atomic<int>> sent;
	const auto client = [dev = device(), &sent](bool stay) {
		return [dev, stay, counter = &*sent] {
			auto p = openProcess(dev);
			bl::ServiceManagerClient sm(p);
			auto w = sm.waitForService("itest.watcher", kWait);
			ITEST_CHECK(w.has_value(), "no itest.watcher");
			bl::Parcel req;
			req.writeBinder(makePidService());
			(void)w->transact(kWatch, req);
			(*counter)++;
			while (stay)
				::pause();
			return 0;
		};
	};
	auto p = process();
	bl::ServiceManagerClient sm(p);
	auto w = sm.waitForService("itest.watcher", kWait);
	ASSERT_TRUE(w.has_value());
	const auto deaths = [&] {
		bl::Parcel req;
		bl::Parcel r = w->transact(kDeaths, req);
		auto in = r.reader();
		return in.readUint32();
	};

	Child &exits = spawn("client that exits", client(false));
	ASSERT_TRUE(exitsZero(exits));
	EXPECT_EQ(sent->load(), 1);
	EXPECT_TRUE(eventually([&] { return deaths() == 1; })) << deaths() << " deaths seen";

	Child &killed = spawn("client that is killed", client(true));
	ASSERT_TRUE(eventually([&] { return *sent == 2 || killed.poll(); }));
	ASSERT_FALSE(killed.poll()) << "the client ended early: " << describeStatus(killed.status().value_or(0));
	EXPECT_EQ(deaths(), 1u);
	killed.kill();
	EXPECT_TRUE(eventually([&] { return deaths() == 2; })) << deaths() << " deaths seen";
}

ITEST_DEVICES(Death);

} // namespace
} // namespace itest
