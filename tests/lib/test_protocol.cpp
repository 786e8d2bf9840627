// SPDX-License-Identifier: GPL-2.0
// The command stream encoder and the return stream decoder, byte for byte.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace binderlite;
using binderlite::protocol::CommandWriter;

namespace {

template <class T> std::vector<std::byte> encoded(std::uint32_t code, const T *arg)
{
	std::vector<std::byte> v(4 + (arg ? sizeof(T) : 0));
	std::memcpy(v.data(), &code, 4);
	if (arg)
		std::memcpy(v.data() + 4, arg, sizeof(T));
	return v;
}

std::vector<std::byte> bytes(const CommandWriter &w) { return {w.bytes().begin(), w.bytes().end()}; }

} // namespace

TEST(Protocol, LooperCommandsHaveNoArgument)
{
	CommandWriter w;
	w.enterLooper();
	w.registerLooper();
	w.exitLooper();
	std::vector<std::byte> want;
	for (std::uint32_t c : {BINDERLITE_BC_ENTER_LOOPER, BINDERLITE_BC_REGISTER_LOOPER, BINDERLITE_BC_EXIT_LOOPER}) {
		auto e = encoded<int>(c, nullptr);
		want.insert(want.end(), e.begin(), e.end());
	}
	EXPECT_EQ(want, bytes(w));
	EXPECT_EQ(12U, w.size());
}

TEST(Protocol, HandleCommands)
{
	const std::uint32_t h = 0x01020304;
	for (auto [fn, code] : {std::pair{&CommandWriter::increfs, BINDERLITE_BC_INCREFS},
				std::pair{&CommandWriter::acquire, BINDERLITE_BC_ACQUIRE},
				std::pair{&CommandWriter::release, BINDERLITE_BC_RELEASE},
				std::pair{&CommandWriter::decrefs, BINDERLITE_BC_DECREFS}}) {
		CommandWriter w;
		(w.*fn)(h);
		EXPECT_EQ(encoded(code, &h), bytes(w)) << protocol::commandName(code);
	}
}

TEST(Protocol, PtrCookieCommands)
{
	const binderlite_ptr_cookie pc{.ptr = 0x1111, .cookie = 0x2222};
	CommandWriter w;
	w.increfsDone(pc.ptr, pc.cookie);
	EXPECT_EQ(encoded(BINDERLITE_BC_INCREFS_DONE, &pc), bytes(w));
	w.clear();
	w.acquireDone(pc.ptr, pc.cookie);
	EXPECT_EQ(encoded(BINDERLITE_BC_ACQUIRE_DONE, &pc), bytes(w));
}

TEST(Protocol, DeathCommandsArePacked)
{
	CommandWriter w;
	w.requestDeathNotification(5, 0xabcdef);
	ASSERT_EQ(4U + 12U, w.size()); // binderlite_handle_cookie is packed
	binderlite_handle_cookie hc;
	std::memcpy(&hc, w.data() + 4, sizeof(hc));
	EXPECT_EQ(5U, hc.handle);
	EXPECT_EQ(0xabcdefU, hc.cookie);
	std::uint32_t code;
	std::memcpy(&code, w.data(), 4);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BC_REQUEST_DEATH_NOTIFICATION), code);
	w.clear();
	w.clearDeathNotification(6, 7);
	std::memcpy(&code, w.data(), 4);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BC_CLEAR_DEATH_NOTIFICATION), code);
	w.clear();
	const std::uint64_t cookie = 0x77;
	w.deadBinderDone(cookie);
	EXPECT_EQ(encoded(BINDERLITE_BC_DEAD_BINDER_DONE, &cookie), bytes(w));
}

TEST(Protocol, TransactionAndReplyAndFree)
{
	binderlite_transaction_data tr{};
	tr.target.handle = 9;
	tr.code = 3;
	tr.data_size = 40;
	CommandWriter w;
	w.transaction(tr);
	w.reply(tr);
	const std::uint64_t buf = 0x5000;
	w.freeBuffer(buf);
	auto want = encoded(BINDERLITE_BC_TRANSACTION, &tr);
	auto r = encoded(BINDERLITE_BC_REPLY, &tr);
	auto f = encoded(BINDERLITE_BC_FREE_BUFFER, &buf);
	want.insert(want.end(), r.begin(), r.end());
	want.insert(want.end(), f.begin(), f.end());
	EXPECT_EQ(want, bytes(w));
}

TEST(Protocol, ConsumeAndTruncate)
{
	CommandWriter w;
	w.increfs(1);
	w.acquire(1);
	w.release(1);
	w.consume(8);
	ASSERT_EQ(16U, w.size());
	std::uint32_t code;
	std::memcpy(&code, w.data(), 4);
	EXPECT_EQ(static_cast<std::uint32_t>(BINDERLITE_BC_ACQUIRE), code);
	w.truncate(8);
	EXPECT_EQ(8U, w.size());
	w.consume(100);
	EXPECT_TRUE(w.empty());
}

TEST(Protocol, DecodeEveryReturn)
{
	binderlite_transaction_data t{};
	t.code = 77;
	t.data_size = 12;
	fake::Returns r;
	r.noop().complete().deadReply().failedReply().spawnLooper().transaction(t).reply(t);
	r.increfs(1, 2).acquire(3, 4).release(5, 6).decrefs(7, 8).deadBinder(9).clearDone(10).error(-5);
	r.put(BINDERLITE_BR_OK);
	const auto &s = r.bytes();
	std::size_t pos = 0;
	const std::uint32_t want[] = {
		BINDERLITE_BR_NOOP, BINDERLITE_BR_TRANSACTION_COMPLETE, BINDERLITE_BR_DEAD_REPLY,
		BINDERLITE_BR_FAILED_REPLY, BINDERLITE_BR_SPAWN_LOOPER, BINDERLITE_BR_TRANSACTION,
		BINDERLITE_BR_REPLY, BINDERLITE_BR_INCREFS, BINDERLITE_BR_ACQUIRE, BINDERLITE_BR_RELEASE,
		BINDERLITE_BR_DECREFS, BINDERLITE_BR_DEAD_BINDER, BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE,
		BINDERLITE_BR_ERROR, BINDERLITE_BR_OK};
	std::vector<protocol::Return> got;
	while (pos < s.size())
		got.push_back(protocol::decodeReturn(s, pos));
	ASSERT_EQ(std::size(want), got.size());
	for (std::size_t i = 0; i < got.size(); i++)
		EXPECT_EQ(want[i], got[i].cmd) << i << ": " << protocol::returnName(got[i].cmd);
	EXPECT_EQ(77U, got[5].txn.code);
	EXPECT_EQ(12U, got[6].txn.data_size);
	EXPECT_EQ(1U, got[7].ref.ptr);
	EXPECT_EQ(2U, got[7].ref.cookie);
	EXPECT_EQ(8U, got[10].ref.cookie);
	EXPECT_EQ(9U, got[11].cookie);
	EXPECT_EQ(10U, got[12].cookie);
	EXPECT_EQ(-5, got[13].error);
}

TEST(Protocol, DecodeUnknownReturn)
{
	fake::Returns r;
	r.put(_IO('r', 99));
	std::size_t pos = 0;
	try {
		(void)protocol::decodeReturn(r.bytes(), pos);
		FAIL();
	} catch (const Error &e) {
		EXPECT_EQ(ErrorKind::Protocol, e.kind());
		EXPECT_EQ(EPROTO, e.errnum());
	}
	EXPECT_EQ(r.bytes().size(), pos);
}

TEST(Protocol, DecodeTruncatedReturn)
{
	fake::Returns r;
	r.increfs(1, 2);
	auto s = r.bytes();
	s.resize(s.size() - 1);
	std::size_t pos = 0;
	EXPECT_THROW((void)protocol::decodeReturn(s, pos), Error);
	std::vector<std::byte> two(2);
	pos = 0;
	EXPECT_THROW((void)protocol::decodeReturn(two, pos), Error);
}

TEST(Protocol, SecurityContextTransactionIsUnknown)
{
	EXPECT_FALSE(protocol::returnArgSize(BINDERLITE_BR_TRANSACTION_SEC_CTX));
	EXPECT_EQ(sizeof(binderlite_transaction_data), *protocol::returnArgSize(BINDERLITE_BR_REPLY));
}

TEST(Protocol, Names)
{
	EXPECT_STREQ("BC_TRANSACTION", protocol::commandName(BINDERLITE_BC_TRANSACTION));
	EXPECT_STREQ("BR_DEAD_BINDER", protocol::returnName(BINDERLITE_BR_DEAD_BINDER));
	EXPECT_STREQ("BC_?", protocol::commandName(0));
	EXPECT_STREQ("BR_?", protocol::returnName(0));
}
