// SPDX-License-Identifier: GPL-2.0
// Freezing: the ioctls Process::freeze()/thaw()/frozenInfo() make and their
// errors; BR_FROZEN_REPLY as Error(Frozen); a oneway queued for a frozen
// process (BR_TRANSACTION_PENDING_FROZEN) and one flagged as spam, both
// successes the caller can tell apart; returns of 6.12 nobody asked for.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace binderlite;
using fake::Returns;
using fake::caught;
using namespace std::chrono_literals;

TEST(Freeze, FreezeAndThawIoctls)
{
	fake::Fixture f;
	f.process->freeze(1234, 250ms);
	f.process->freeze(1234);
	f.process->thaw(1234);
	ASSERT_EQ(3U, f.state->freezes.size());
	EXPECT_EQ(1234U, f.state->freezes[0].pid);
	EXPECT_EQ(1U, f.state->freezes[0].enable);
	EXPECT_EQ(250U, f.state->freezes[0].timeout_ms);
	EXPECT_EQ(0U, f.state->freezes[1].timeout_ms);
	EXPECT_EQ(0U, f.state->freezes[2].enable);
	EXPECT_EQ(0U, f.state->freezes[2].timeout_ms);
}

TEST(Freeze, TimeoutIsClampedTo32Bits)
{
	fake::Fixture f;
	f.process->freeze(1, std::chrono::hours(24 * 365));
	f.process->freeze(1, -5ms);
	ASSERT_EQ(2U, f.state->freezes.size());
	EXPECT_EQ(UINT32_MAX, f.state->freezes[0].timeout_ms);
	EXPECT_EQ(0U, f.state->freezes[1].timeout_ms);
}

TEST(Freeze, ErrorsAreSystemErrors)
{
	fake::Fixture f;
	f.state->freezeError = EAGAIN;
	Error e = caught([&] { f.process->freeze(77, 10ms); });
	EXPECT_EQ(ErrorKind::System, e.kind());
	EXPECT_EQ(EAGAIN, e.errnum());
	EXPECT_NE(std::string(e.what()).find("BINDERLITE_FREEZE"), std::string::npos) << e.what();
	f.state->freezeError = EINVAL;
	EXPECT_EQ(EINVAL, caught([&] { f.process->thaw(77); }).errnum());
	// No process at all: refused before the driver is asked.
	const std::size_t asked = f.state->freezes.size();
	e = caught([&] { f.process->freeze(0); });
	EXPECT_EQ(ErrorKind::Usage, e.kind());
	EXPECT_EQ(EINVAL, e.errnum());
	EXPECT_EQ(asked, f.state->freezes.size());
}

TEST(Freeze, FrozenInfo)
{
	fake::Fixture f;
	f.state->frozenInfo = {0, 3, 1};
	FrozenInfo info = f.process->frozenInfo(99);
	EXPECT_TRUE(info.syncReceived);
	EXPECT_TRUE(info.transactionsPending);
	EXPECT_TRUE(info.asyncReceived);
	f.state->frozenInfo = {0, 2, 0};
	info = f.process->frozenInfo(99);
	EXPECT_FALSE(info.syncReceived);
	EXPECT_TRUE(info.transactionsPending);
	EXPECT_FALSE(info.asyncReceived);
	f.state->frozenInfoError = EINVAL;
	Error e = caught([&] { (void)f.process->frozenInfo(99); });
	EXPECT_EQ(ErrorKind::System, e.kind());
	EXPECT_EQ(EINVAL, e.errnum());
}

TEST(Freeze, FrozenReplyIsItsOwnKind)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->ext = {12, BINDERLITE_BR_FROZEN_REPLY, 0};
	f.state->script(Returns().noop().frozenReply());
	Error e = caught([&] { (void)r.transact(1, Parcel()); });
	EXPECT_EQ(ErrorKind::Frozen, e.kind());
	EXPECT_TRUE(e.frozen());
	EXPECT_FALSE(e.dead());
	EXPECT_EQ(EAGAIN, e.errnum());
	ASSERT_TRUE(e.extended());
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BR_FROZEN_REPLY), e.extended()->command);
	EXPECT_STREQ("frozen", toString(ErrorKind::Frozen));
	// Nothing is left in the thread's command buffer: the next call works.
	fake::RawParcel rep;
	rep.i32(3);
	f.state->script(Returns().complete().reply(f.state->deliver(rep)));
	EXPECT_EQ(3, r.transact(1, Parcel()).reader().readInt32());
}

TEST(Freeze, OnewayToAFrozenProcessIsPending)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	f.state->script(Returns().noop().pendingFrozen());
	EXPECT_EQ(OnewayResult::PendingFrozen, r.transactOneway(1, Parcel()));
	f.state->script(Returns().complete());
	EXPECT_EQ(OnewayResult::Sent, r.transactOneway(1, Parcel()));
	f.state->script(Returns().spamSuspect());
	EXPECT_EQ(OnewayResult::SpamSuspect, r.transactOneway(1, Parcel()));
	EXPECT_STREQ("pending (frozen)", toString(OnewayResult::PendingFrozen));
	EXPECT_TRUE(f.errors->empty());
	// A local object's oneway is simply sent.
	auto local = makeBinder([](std::uint32_t, Parcel::Reader &, Parcel &) {});
	EXPECT_EQ(OnewayResult::Sent, Remote(local).transactOneway(1, Parcel()));
}

TEST(Freeze, ReturnsNobodyAskedForAreReportedNotFatal)
{
	fake::Fixture f;
	Remote r = fake::remoteTo(f, 5);
	binderlite_frozen_state_info st{.cookie = 9, .is_frozen = 1, .reserved = 0};
	std::uint64_t cookie = 9;
	fake::RawParcel rep;
	f.state->script(Returns()
				.put(BINDERLITE_BR_FROZEN_BINDER, &st, sizeof(st))
				.put(BINDERLITE_BR_CLEAR_FREEZE_NOTIFICATION_DONE, &cookie, sizeof(cookie))
				.complete()
				.reply(f.state->deliver(rep)));
	EXPECT_NO_THROW((void)r.transact(1, Parcel()));
	ASSERT_EQ(2U, f.errors->size());
	EXPECT_NE(f.errors->at(0).find("BR_FROZEN_BINDER"), std::string::npos) << f.errors->at(0);
}

TEST(Freeze, DecodeFrozenBinder)
{
	binderlite_frozen_state_info st{.cookie = 0x1234, .is_frozen = 1, .reserved = 0};
	Returns r;
	r.put(BINDERLITE_BR_FROZEN_BINDER, &st, sizeof(st)).pendingFrozen();
	std::size_t pos = 0;
	auto d = protocol::decodeReturn(r.bytes(), pos);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BR_FROZEN_BINDER), d.cmd);
	EXPECT_EQ(0x1234U, d.frozen.cookie);
	EXPECT_EQ(1U, d.frozen.is_frozen);
	d = protocol::decodeReturn(r.bytes(), pos);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BR_TRANSACTION_PENDING_FROZEN), d.cmd);
	EXPECT_EQ(r.bytes().size(), pos);
	EXPECT_STREQ("BR_TRANSACTION_PENDING_FROZEN", protocol::returnName(BINDERLITE_BR_TRANSACTION_PENDING_FROZEN));
	EXPECT_STREQ("BC_REQUEST_FREEZE_NOTIFICATION",
		     protocol::commandName(BINDERLITE_BC_REQUEST_FREEZE_NOTIFICATION));
}
