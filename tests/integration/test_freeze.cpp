// SPDX-License-Identifier: GPL-2.0
//
// Freezing a process, as Android's activity manager freezes cached apps:
// sync calls to it fail with Error(Frozen), oneways are queued (and the
// sender told so: OnewayResult::PendingFrozen, binder >= 6.7) and
// delivered, in order, once it is thawed; freezing waits for calls in
// flight and gives up with EAGAIN; the frozen info the driver keeps; the
// errors for a process without the device.
#include "itest.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <vector>

namespace itest {
namespace {

using namespace std::chrono_literals;

class Freeze : public DeviceTest {
protected:
	// BR_TRANSACTION_PENDING_FROZEN: binderlite, and binder since 6.7
	// (Debian's 6.1 answers a oneway to a frozen process with
	// BR_TRANSACTION_COMPLETE).
	[[nodiscard]] bl::OnewayResult onewayToFrozen() const
	{
		if (isBinderlite())
			return bl::OnewayResult::PendingFrozen;
		utsname u{};
		int major = 0, minor = 0;
		if (::uname(&u) == 0)
			(void)std::sscanf(u.release, "%d.%d", &major, &minor);
		return major > 6 || (major == 6 && minor >= 7) ? bl::OnewayResult::PendingFrozen
							       : bl::OnewayResult::Sent;
	}
};

enum Code : std::uint32_t {
	kPing = 1, // -> int32 pid
	kOneway,   // oneway: uint32 seq, recorded
	kSeen,     // -> uint32 count, then each seq recorded
	kBlock,    // sets Gate::blocked, waits until Gate::release (or kWait)
};

// In memory shared with the service child.
struct Gate {
	std::atomic<int> blocked{0};
	std::atomic<int> release{0};
};

class FreezeService : public bl::Binder {
public:
	explicit FreezeService(Gate *gate) : gate_(gate) {}

	void onTransact(std::uint32_t code, bl::Parcel::Reader &in, bl::Parcel &reply) override
	{
		switch (code) {
		case kPing:
			reply.writeInt32(::getpid());
			return;
		case kOneway: {
			std::lock_guard g(mutex_);
			seen_.push_back(in.readUint32());
			return;
		}
		case kSeen: {
			std::lock_guard g(mutex_);
			reply.writeUint32(static_cast<std::uint32_t>(seen_.size()));
			for (auto s : seen_)
				reply.writeUint32(s);
			return;
		}
		case kBlock:
			gate_->blocked = 1;
			(void)eventually([&] { return gate_->release.load() != 0; });
			return;
		default:
			throw bl::Error::unknownTransaction(code);
		}
	}

private:
	Gate *gate_;
	std::mutex mutex_;
	std::vector<std::uint32_t> seen_;
};

bl::Remote getService(bl::ServiceManagerClient &client, const std::string &name)
{
	auto r = client.waitForService(name, kWait);
	if (!r)
		throw CheckFailed(name + " did not appear in the service manager");
	return *r;
}

std::vector<std::uint32_t> seenBy(const bl::Remote &s)
{
	bl::Parcel req;
	bl::Parcel r = s.transact(kSeen, req);
	auto in = r.reader();
	std::vector<std::uint32_t> out(in.readUint32());
	for (auto &v : out)
		v = in.readUint32();
	return out;
}

TEST_P(Freeze, FrozenCallsFailAndOnewaysWaitForTheThaw)
{
	Shared<Gate> gate;
	startManager();
	Child &svc = spawnService({"itest.freeze"}, [g = &*gate](const auto &) {
		return std::make_shared<FreezeService>(g);
	});
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.freeze");
	ASSERT_EQ(pidOf(s), svc.pid());

	ASSERT_NO_THROW(p->freeze(svc.pid(), 1000ms));
	bl::FrozenInfo info = p->frozenInfo(svc.pid());
	EXPECT_FALSE(info.syncReceived);
	EXPECT_FALSE(info.asyncReceived);
	EXPECT_FALSE(info.transactionsPending);

	// A sync call is refused, with its own kind of error.
	const auto e = errorOf([&] { (void)pidOf(s); });
	ASSERT_TRUE(e.has_value()) << "a call to a frozen process was served";
	EXPECT_EQ(e->kind(), bl::ErrorKind::Frozen) << e->what();
	EXPECT_EQ(e->errnum(), EAGAIN) << e->what();
	EXPECT_TRUE(e->frozen());
	ASSERT_TRUE(e->extended().has_value()) << e->what();
	EXPECT_EQ(e->extended()->command, static_cast<std::uint32_t>(BINDERLITE_BR_FROZEN_REPLY));
	info = p->frozenInfo(svc.pid());
	EXPECT_TRUE(info.syncReceived);
	EXPECT_FALSE(info.asyncReceived);

	// Oneways are queued, and we are told so.
	for (std::uint32_t seq = 0; seq < 3; seq++) {
		bl::Parcel req;
		req.writeUint32(seq);
		EXPECT_EQ(s.transactOneway(kOneway, req), onewayToFrozen()) << "oneway " << seq;
	}
	info = p->frozenInfo(svc.pid());
	EXPECT_TRUE(info.asyncReceived);
	EXPECT_TRUE(info.syncReceived);

	// Thawed: the queued oneways arrive in order, calls are served.
	ASSERT_NO_THROW(p->thaw(svc.pid()));
	std::vector<std::uint32_t> seen;
	EXPECT_TRUE(eventually([&] { return (seen = seenBy(s)).size() == 3; })) << seen.size() << " oneways";
	EXPECT_EQ(seen, (std::vector<std::uint32_t>{0, 1, 2}));
	EXPECT_EQ(pidOf(s), svc.pid());
	bl::Parcel req;
	req.writeUint32(3);
	EXPECT_EQ(s.transactOneway(kOneway, req), bl::OnewayResult::Sent);

	// Frozen again (once that oneway is served: waiting for it) and
	// thawed: the info starts afresh with each freeze.
	ASSERT_NO_THROW(p->freeze(svc.pid(), 2000ms));
	info = p->frozenInfo(svc.pid());
	EXPECT_FALSE(info.syncReceived);
	EXPECT_FALSE(info.asyncReceived);
	ASSERT_NO_THROW(p->thaw(svc.pid()));
	EXPECT_EQ(pidOf(s), svc.pid());
}

TEST_P(Freeze, FreezingWaitsForCallsInFlightThenGivesUp)
{
	Shared<Gate> gate;
	startManager();
	Child &svc = spawnService(
		{"itest.freeze"}, [g = &*gate](const auto &) { return std::make_shared<FreezeService>(g); },
		{.maxThreads = 2});
	auto p = process();
	bl::ServiceManagerClient client(p);
	const bl::Remote s = getService(client, "itest.freeze");

	// Another process's call stays in the service until released.
	Child &caller = spawn("blocked caller", [dev = device()] {
		auto own = openProcess(dev);
		bl::ServiceManagerClient c(own);
		const auto svcRemote = c.waitForService("itest.freeze", kWait);
		ITEST_CHECK(svcRemote.has_value(), "no itest.freeze");
		bl::Parcel req;
		(void)svcRemote->transact(kBlock, req);
		return 0;
	});
	ASSERT_TRUE(eventually([&] { return gate->blocked.load() != 0; })) << "the call never reached the service";

	EXPECT_TRUE(p->frozenInfo(svc.pid()).transactionsPending);
	EXPECT_TRUE(failsWith([&] { p->freeze(svc.pid(), 100ms); }, bl::ErrorKind::System, EAGAIN));
	EXPECT_TRUE(failsWith([&] { p->freeze(svc.pid()); }, bl::ErrorKind::System, EAGAIN));
	// Given up: it is not frozen, and serves (on its other looper).
	EXPECT_EQ(pidOf(s), svc.pid());

	gate->release = 1;
	EXPECT_TRUE(exitsZero(caller));
	EXPECT_TRUE(eventually([&] { return !p->frozenInfo(svc.pid()).transactionsPending; }));
	ASSERT_NO_THROW(p->freeze(svc.pid(), 1000ms));
	EXPECT_TRUE(failsWith([&] { (void)pidOf(s); }, bl::ErrorKind::Frozen, EAGAIN));
	ASSERT_NO_THROW(p->thaw(svc.pid()));
	EXPECT_EQ(pidOf(s), svc.pid());
}

TEST_P(Freeze, AProcessWithoutTheDeviceCannotBeFrozen)
{
	auto p = process();
	Child &idle = spawn("idle", [] {
		for (;;)
			::pause();
		return 0;
	});
	EXPECT_TRUE(failsWith([&] { p->freeze(idle.pid(), 10ms); }, bl::ErrorKind::System, EINVAL));
	EXPECT_TRUE(failsWith([&] { p->thaw(idle.pid()); }, bl::ErrorKind::System, EINVAL));
	EXPECT_TRUE(failsWith([&] { (void)p->frozenInfo(idle.pid()); }, bl::ErrorKind::System, EINVAL));
	// Our own process has it open: its info can be read.
	const bl::FrozenInfo self = p->frozenInfo(::getpid());
	EXPECT_FALSE(self.syncReceived);
	EXPECT_FALSE(self.asyncReceived);
}

ITEST_DEVICES(Freeze);

} // namespace
} // namespace itest
