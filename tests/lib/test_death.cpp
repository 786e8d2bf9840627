// SPDX-License-Identifier: GPL-2.0
// Death notifications: request, BR_DEAD_BINDER -> callbacks on a looper ->
// BC_DEAD_BINDER_DONE, unlink and clear, release with the reference.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

using namespace binderlite;
using fake::Returns;

namespace {

binderlite_handle_cookie requested(fake::Fixture &f, std::size_t i = 0)
{
	return f.state->only(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION).at(i).handleCookie();
}

} // namespace

TEST(Death, LinkRequestsOneNotificationPerHandle)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 7);
	Remote copy = r;
	auto t1 = r.linkToDeath([] {});
	auto t2 = copy.linkToDeath([] {});
	EXPECT_NE(t1, t2);
	ASSERT_EQ(1U, f.state->count(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION));
	EXPECT_EQ(7U, requested(f).handle);
	EXPECT_NE(0U, requested(f).cookie);
	EXPECT_FALSE(r.isDead());
}

TEST(Death, NotificationRunsOnTheLooperThread)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 7);
	std::promise<std::thread::id> fired;
	int calls = 0;
	auto token = r.linkToDeath([&] {
		calls++;
		fired.set_value(std::this_thread::get_id());
	});
	const auto cookie = requested(f).cookie;

	fake::setBlocking(*f.state, true);
	std::thread looper([&] { f.process->joinThreadPool(); });
	f.state->script(Returns().noop().deadBinder(cookie));
	auto fut = fired.get_future();
	ASSERT_EQ(std::future_status::ready, fut.wait_for(std::chrono::seconds(5)));
	EXPECT_EQ(looper.get_id(), fut.get());
	ASSERT_TRUE(fake::waitUntil([&] { return f.state->count(BINDERLITE_BC_DEAD_BINDER_DONE) == 1; }));
	EXPECT_EQ(cookie, f.state->only(BINDERLITE_BC_DEAD_BINDER_DONE)[0].u64());
	EXPECT_TRUE(r.isDead());

	f.process->stopThreadPool();
	looper.join();
	EXPECT_EQ(1, calls);
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_ENTER_LOOPER));
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_EXIT_LOOPER));
	EXPECT_FALSE(r.unlinkToDeath(token));
	EXPECT_THROW((void)r.linkToDeath([] {}), DeadObject);
	// A dead handle's notification is not cleared, only released.
	f.state->clearLog();
	r = Remote(makeBinder([](auto, auto &, auto &) {}));
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION));
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE, BINDERLITE_BC_DECREFS}), f.state->refCodes());
}

TEST(Death, EveryCallbackRunsOnceEvenIfOneThrows)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 7);
	int a = 0, b = 0;
	(void)r.linkToDeath([&] {
		a++;
		throw std::runtime_error("callback failed");
	});
	(void)r.linkToDeath([&] { b++; });
	// Delivered while a call of ours waits: handled there too.
	f.state->script(Returns().noop().deadBinder(requested(f).cookie).deadBinder(requested(f).cookie).complete());
	r.transactOneway(1, Parcel());
	EXPECT_EQ(1, a);
	EXPECT_EQ(1, b);
	EXPECT_EQ(2U, f.state->count(BINDERLITE_BC_DEAD_BINDER_DONE));
	ASSERT_EQ(1U, f.errors->size());
	EXPECT_NE(f.errors->at(0).find("callback failed"), std::string::npos);
}

TEST(Death, UnlinkLastClearsTheNotification)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 7);
	int calls = 0;
	auto t1 = r.linkToDeath([&] { calls++; });
	auto t2 = r.linkToDeath([&] { calls++; });
	const auto hc = requested(f);
	EXPECT_TRUE(r.unlinkToDeath(t1));
	EXPECT_FALSE(r.unlinkToDeath(t1));
	EXPECT_EQ(0U, f.state->count(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION));
	EXPECT_TRUE(r.unlinkToDeath(t2));
	auto clears = f.state->only(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION);
	ASSERT_EQ(1U, clears.size());
	EXPECT_EQ(hc.handle, clears[0].handleCookie().handle);
	EXPECT_EQ(hc.cookie, clears[0].handleCookie().cookie);
	// The driver's answer, and a death that raced with the clear: no
	// callback, but the death is acknowledged.
	f.state->script(Returns().noop().clearDone(hc.cookie).deadBinder(hc.cookie).complete());
	r.transactOneway(1, Parcel());
	EXPECT_EQ(0, calls);
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_DEAD_BINDER_DONE));
	EXPECT_FALSE(r.isDead());
	EXPECT_TRUE(f.errors->empty());
}

TEST(Death, RelinkAfterClearUsesANewCookie)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 7);
	EXPECT_TRUE(r.unlinkToDeath(r.linkToDeath([] {})));
	(void)r.linkToDeath([] {});
	ASSERT_EQ(2U, f.state->count(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION));
	EXPECT_NE(requested(f, 0).cookie, requested(f, 1).cookie);
}

TEST(Death, ReleasingTheRemoteClearsThenReleases)
{
	fake::Fixture f;
	std::optional<Remote> r = fake::remoteTo(f, 7);
	(void)r->linkToDeath([] {});
	const auto hc = requested(f);
	f.state->clearLog();
	r.reset();
	EXPECT_EQ((std::vector<std::uint32_t>{BINDERLITE_BC_RELEASE, BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION,
					      BINDERLITE_BC_DECREFS}),
		  f.state->codes());
	EXPECT_EQ(hc.cookie, f.state->only(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION)[0].handleCookie().cookie);
}

TEST(Death, UnknownCookieIsAcknowledged)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 7);
	f.state->script(Returns().noop().deadBinder(0xdead).complete());
	r.transactOneway(1, Parcel());
	EXPECT_EQ(0xdeadU, f.state->only(BINDERLITE_BC_DEAD_BINDER_DONE).at(0).u64());
}

TEST(Death, CallbackMayDropTheLastRemote)
{
	fake::Fixture f;
	auto holder = std::make_shared<std::optional<Remote>>(fake::remoteTo(f, 7));
	(void)(*holder)->linkToDeath([holder] { holder->reset(); });
	const auto cookie = requested(f).cookie;
	Remote other = fake::remoteTo(f, 8);
	f.state->script(Returns().noop().deadBinder(cookie).complete());
	other.transactOneway(1, Parcel());
	EXPECT_FALSE(holder->has_value());
	EXPECT_EQ(1U, f.state->count(BINDERLITE_BC_RELEASE));
	EXPECT_EQ(7U, f.state->only(BINDERLITE_BC_DECREFS).at(0).u32());
}

TEST(Death, LocalObjectsNeverDie)
{
	Remote r(makeBinder([](auto, auto &, auto &) {}));
	auto t = r.linkToDeath([] { FAIL(); });
	EXPECT_FALSE(r.isDead());
	EXPECT_TRUE(r.unlinkToDeath(t));
}
