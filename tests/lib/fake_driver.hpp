// SPDX-License-Identifier: GPL-2.0
//
// A fake binder driver for the unit tests: it records every ioctl and every
// command written (with a copy of each transaction's data, as the kernel
// would take it), and answers reads from a script of return streams. Tests
// build return streams with Returns and payloads with RawParcel, both
// written from the protocol documents, independently of the library; the
// helpers every test file shares (received(), serveOne(), Nop, caught(),
// parcelErrno(), waitUntil()) are here too.
#ifndef BINDERLITE_TEST_FAKE_DRIVER_HPP
#define BINDERLITE_TEST_FAKE_DRIVER_HPP

#include <binderlite/binderlite.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace fake {

// A command as the fake driver received it.
struct Command {
	std::uint32_t code = 0;
	std::vector<std::byte> arg;
	// BC_TRANSACTION, BC_REPLY: the data and offsets, copied at write time.
	std::vector<std::byte> data;
	std::vector<binderlite_size_t> offsets;

	template <class T> [[nodiscard]] T as() const
	{
		T v{};
		std::memcpy(&v, arg.data(), std::min(sizeof(v), arg.size()));
		return v;
	}
	[[nodiscard]] std::uint32_t u32() const { return as<std::uint32_t>(); }
	[[nodiscard]] std::uint64_t u64() const { return as<std::uint64_t>(); }
	[[nodiscard]] binderlite_transaction_data txn() const { return as<binderlite_transaction_data>(); }
	[[nodiscard]] binderlite_handle_cookie handleCookie() const { return as<binderlite_handle_cookie>(); }
	[[nodiscard]] binderlite_ptr_cookie ptrCookie() const { return as<binderlite_ptr_cookie>(); }
};

// A return stream, built by hand.
class Returns {
public:
	Returns &put(std::uint32_t code, const void *arg = nullptr, std::size_t size = 0);
	Returns &noop() { return put(BINDERLITE_BR_NOOP); }
	Returns &complete() { return put(BINDERLITE_BR_TRANSACTION_COMPLETE); }
	Returns &deadReply() { return put(BINDERLITE_BR_DEAD_REPLY); }
	Returns &failedReply() { return put(BINDERLITE_BR_FAILED_REPLY); }
	Returns &spawnLooper() { return put(BINDERLITE_BR_SPAWN_LOOPER); }
	Returns &transaction(const binderlite_transaction_data &t) { return put(BINDERLITE_BR_TRANSACTION, &t, sizeof(t)); }
	Returns &reply(const binderlite_transaction_data &t) { return put(BINDERLITE_BR_REPLY, &t, sizeof(t)); }
	Returns &ref(std::uint32_t code, std::uint64_t ptr, std::uint64_t cookie);
	Returns &increfs(std::uint64_t ptr, std::uint64_t cookie) { return ref(BINDERLITE_BR_INCREFS, ptr, cookie); }
	Returns &acquire(std::uint64_t ptr, std::uint64_t cookie) { return ref(BINDERLITE_BR_ACQUIRE, ptr, cookie); }
	Returns &release(std::uint64_t ptr, std::uint64_t cookie) { return ref(BINDERLITE_BR_RELEASE, ptr, cookie); }
	Returns &decrefs(std::uint64_t ptr, std::uint64_t cookie) { return ref(BINDERLITE_BR_DECREFS, ptr, cookie); }
	Returns &deadBinder(std::uint64_t cookie) { return put(BINDERLITE_BR_DEAD_BINDER, &cookie, sizeof(cookie)); }
	Returns &clearDone(std::uint64_t cookie)
	{
		return put(BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE, &cookie, sizeof(cookie));
	}
	Returns &error(std::int32_t e) { return put(BINDERLITE_BR_ERROR, &e, sizeof(e)); }
	Returns &frozenReply() { return put(BINDERLITE_BR_FROZEN_REPLY); }
	Returns &pendingFrozen() { return put(BINDERLITE_BR_TRANSACTION_PENDING_FROZEN); }
	Returns &spamSuspect() { return put(BINDERLITE_BR_ONEWAY_SPAM_SUSPECT); }

	[[nodiscard]] const std::vector<std::byte> &bytes() const { return bytes_; }

private:
	std::vector<std::byte> bytes_;
};

// A payload in libbinder's wire format (Documentation/userspace.rst,
// "Parcel wire format"), written by hand, in the newest dialect unless
// `stability` is turned off (binder objects are then followed by no
// stability word, as before Android 11).
class RawParcel {
public:
	RawParcel &word(std::uint32_t w);
	RawParcel &i32(std::int32_t v) { return word(static_cast<std::uint32_t>(v)); }
	RawParcel &u32(std::uint32_t v) { return word(v); }
	RawParcel &u64(std::uint64_t v);
	// A String16 of @s (ASCII, or other characters of the BMP given as
	// UTF-8): the length in units, the units, a NUL unit, zero padding.
	RawParcel &str(std::string_view s);
	// A byte array: the length, the bytes, zero padding.
	RawParcel &bytes(std::span<const std::byte> b);
	// The interface token of the newest dialect: 0x80000000 (strict mode
	// policy), -1 (work source), 'SYST', the descriptor.
	RawParcel &token(std::string_view descriptor);
	// A HANDLE object, listed, and its stability (system: 0x0c).
	RawParcel &handle(std::uint32_t h, std::uint32_t level = 0x0c);
	// A BINDER object, with the flags the library writes (it accepts
	// file descriptors; minimum priority nice 19), and its stability.
	RawParcel &binder(std::uint64_t ptr, std::uint64_t cookie,
			  std::uint32_t flags = BINDERLITE_FLAG_ACCEPTS_FDS | 19);
	// A null object: a BINDER object of ptr 0, flags 19, not listed; its
	// stability is 0.
	RawParcel &null();
	// An FD object naming @fd, as the driver leaves it for the receiver:
	// the descriptor it installed. No stability follows.
	RawParcel &fd(int fd, std::uint64_t cookie = 0);
	// A WEAK_HANDLE object, and its stability.
	RawParcel &weakHandle(std::uint32_t h);
	RawParcel &weakBinder(std::uint64_t ptr, std::uint64_t cookie);
	// A flat object at the end, listed or not in the offsets, with no
	// stability word.
	RawParcel &object(const flat_binderlite_object &obj, bool listed = true);

	bool stability = true;
	std::vector<std::byte> data;
	std::vector<binderlite_size_t> offsets;

private:
	RawParcel &level(std::uint32_t l) { return stability ? word(l) : *this; }
};

// The bytes of a hex dump, "0c000000 ff..."; spaces and newlines ignored.
std::vector<std::byte> hexBytes(std::string_view hex);
// A hex dump of @bytes, 4 bytes a group, for failure messages.
std::string hexDump(std::span<const std::byte> bytes);

struct State {
	std::recursive_mutex m;
	std::condition_variable_any cv;

	int version = BINDERLITE_CURRENT_PROTOCOL_VERSION;
	int mapError = 0;
	std::vector<std::uint64_t> poolStorage;
	std::size_t poolUsed = 0;

	std::deque<std::vector<std::byte>> reads;
	bool blocking = false;      // a read with nothing scripted waits
	std::uint64_t wakeGen = 0;
	int wakes = 0;
	int writeReadError = 0;     // the next WRITE_READ fails with it once
	int readsDone = 0;

	std::vector<Command> commands;
	std::vector<unsigned long> ioctls;
	binderlite_extended_error ext{0, BINDERLITE_BR_OK, 0};
	std::optional<std::uint32_t> maxThreads;
	std::optional<flat_binderlite_object> contextManager;
	int contextManagerError = 0;
	int threadExits = 0;
	// BINDERLITE_FREEZE calls, and the error the next one fails with.
	std::vector<binderlite_freeze_info> freezes;
	int freezeError = 0;
	// What BINDERLITE_GET_FROZEN_INFO answers (pid filled from the call),
	// or the error it fails with.
	binderlite_frozen_status_info frozenInfo{};
	int frozenInfoError = 0;

	// Called for every command written, with the lock held; may script().
	std::function<void(State &, const Command &)> onCommand;

	void script(const Returns &r);
	// Copies a payload into the pool, as the driver does for a receiver.
	binderlite_transaction_data deliver(const std::vector<std::byte> &data,
					    const std::vector<binderlite_size_t> &offsets,
					    std::uint32_t code = 0, std::uint32_t flags = 0,
					    std::uint64_t target = 0, std::uint64_t cookie = 0);
	binderlite_transaction_data deliver(const RawParcel &p, std::uint32_t code = 0, std::uint32_t flags = 0,
					    std::uint64_t target = 0, std::uint64_t cookie = 0)
	{
		return deliver(p.data, p.offsets, code, flags, target, cookie);
	}
	// A reply carrying an error status (TF_STATUS_CODE).
	binderlite_transaction_data statusReply(std::int32_t status);

	// The commands written so far with code @code.
	std::vector<Command> only(std::uint32_t code);
	std::vector<std::uint32_t> codes();
	// Commands other than those the tests rarely care about.
	std::vector<std::uint32_t> refCodes();
	void clearLog();
	[[nodiscard]] std::size_t count(std::uint32_t code) { return only(code).size(); }
	[[nodiscard]] std::vector<std::uint64_t> freed();
};

class FakeDriver final : public binderlite::Driver {
public:
	explicit FakeDriver(std::shared_ptr<State> s) : s_(std::move(s)) {}
	int ioctl(unsigned long request, void *arg) noexcept override;
	std::span<const std::byte> map(std::size_t size) override;
	void wakeAll() noexcept override;
	[[nodiscard]] std::string name() const override { return "fake"; }

private:
	int writeRead(binderlite_write_read &bwr);
	std::shared_ptr<State> s_;
};

// What the library reported to the error handler; any thread may add.
class Errors {
public:
	void add(std::string_view msg)
	{
		std::lock_guard g(m_);
		v_.emplace_back(msg);
	}
	[[nodiscard]] std::size_t size() const
	{
		std::lock_guard g(m_);
		return v_.size();
	}
	[[nodiscard]] bool empty() const { return size() == 0; }
	[[nodiscard]] std::string at(std::size_t i) const
	{
		std::lock_guard g(m_);
		return v_.at(i);
	}

private:
	mutable std::mutex m_;
	std::vector<std::string> v_;
};

// A Process over a fake driver; errors reported go to `errors`.
struct Fixture {
	std::shared_ptr<State> state = std::make_shared<State>();
	std::shared_ptr<binderlite::Process> process;
	std::shared_ptr<Errors> errors = std::make_shared<Errors>();

	explicit Fixture(std::size_t poolSize = 1 << 20, binderlite::Dialect dialect = binderlite::kNewestDialect);
};

// A Remote to @handle, as if received in a parcel; the log is then cleared.
binderlite::Remote remoteTo(Fixture &f, std::uint32_t handle);

// A parcel the driver delivered to @f's process: @txn (State::deliver(),
// State::statusReply()), or @raw delivered.
binderlite::Parcel received(Fixture &f, const binderlite_transaction_data &txn);
binderlite::Parcel received(Fixture &f, const RawParcel &raw);

// Serves @call on the test thread: the process sends a oneway to handle 5,
// and its wait for the oneway's completion sees @call first (and, if
// @expectReply, the completion of the reply it sends).
void serveOne(Fixture &f, const binderlite_transaction_data &call, bool expectReply = true);

// An object that answers every call with an empty reply.
class Nop : public binderlite::Binder {
public:
	void onTransact(std::uint32_t, binderlite::Parcel::Reader &, binderlite::Parcel &) override {}
};

// The Error @f throws; a test failure if it throws none.
template <class F> binderlite::Error caught(F &&f)
{
	try {
		f();
	} catch (const binderlite::Error &e) {
		return e;
	}
	ADD_FAILURE() << "no Error thrown";
	return binderlite::Error(binderlite::ErrorKind::Usage, 0, "none");
}

// The errno of the Error(Parcel) @f throws; 0 if it throws none.
template <class F> int parcelErrno(F &&f)
{
	try {
		f();
	} catch (const binderlite::Error &e) {
		EXPECT_EQ(binderlite::ErrorKind::Parcel, e.kind()) << e.what();
		return e.errnum();
	}
	return 0;
}

// The ptr/cookie the library gives a Binder's node.
inline std::uint64_t nodeOf(const binderlite::Binder &b) { return b.id(); }

// Polls @pred for up to 5 s; the tests' only way to wait for pool threads.
template <class Pred> bool waitUntil(Pred pred)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
	while (!pred()) {
		if (std::chrono::steady_clock::now() > deadline)
			return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	}
	return true;
}

inline void setBlocking(State &s, bool on)
{
	std::lock_guard g(s.m);
	s.blocking = on;
}

} // namespace fake

#endif
