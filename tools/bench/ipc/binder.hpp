// SPDX-License-Identifier: GPL-2.0
//
// The benchmark's own small binder protocol layer, raw ioctls only, the
// same code for /dev/binderlite and /dev/binder (the ABI is binder's
// protocol 8 on both):
//
// - Device: an open device and its read-only receive pool;
// - Thread: one thread's conversation with the driver: commands written
//   into a buffer, sent with the next BINDERLITE_WRITE_READ, and the
//   returns read back one by one; call() is a synchronous transaction;
// - Server: the context manager the measurements talk to (handle 0),
//   with a thread pool grown on BR_SPAWN_LOOPER; what it does with each
//   call is chosen by the call's code (the kCode* values).
#ifndef BLBENCH_BINDER_HPP
#define BLBENCH_BINDER_HPP

#include "sys.hpp"

#include <linux/binderlite.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace blbench::binder {

// The calls the Server answers.
enum Code : std::uint32_t {
	kCodePing = 1,	  // an empty reply
	kCodeEcho = 2,	  // the request's bytes back
	kCodeHandOut = 3, // HandOut in, that many binder objects back
	kCodeOneway = 4,  // oneway: counted, its buffer freed at once
};

// The request of kCodeHandOut: objects number first ... first + count - 1.
struct HandOut {
	std::uint32_t first;
	std::uint32_t count;
};

// The node pointer the Server gives binder object number @i (never 0).
constexpr binderlite_uintptr_t nodePtr(std::uint32_t i)
{
	return 0x10000 + static_cast<binderlite_uintptr_t>(i) * 16;
}

// An open device with its receive pool mapped (read-only, as binder
// requires).
class Device {
public:
	Device(const std::string &path, std::size_t poolSize);

	[[nodiscard]] int fd() const noexcept { return fd_.get(); }
	[[nodiscard]] const std::string &path() const noexcept { return path_; }
	[[nodiscard]] std::size_t poolSize() const noexcept { return pool_.size(); }

	void setMaxThreads(std::uint32_t n) const;
	// BINDERLITE_SET_CONTEXT_MGR, retried while a dead predecessor is
	// still being released (binder does that from a workqueue: EBUSY).
	void becomeContextManager() const;

private:
	std::string path_;
	UniqueFd fd_;
	Mapping pool_;
};

// A BR_TRANSACTION or BR_REPLY. Its data lies in this process's pool and
// stays there until its buffer is freed.
struct Transaction {
	binderlite_uintptr_t target = 0;
	std::uint32_t code = 0;
	std::uint32_t flags = 0;
	binderlite_uintptr_t buffer = 0;
	std::span<const std::byte> data;
	std::span<const binderlite_size_t> offsets;
};

// One return of the driver.
struct Return {
	std::uint32_t cmd = 0;
	Transaction txn;		   // BR_TRANSACTION, BR_REPLY
	binderlite_ptr_cookie node{};	   // BR_INCREFS ... BR_DECREFS
	std::int32_t error = 0;		   // BR_ERROR
};

// The name of a return, for messages ("BR_FAILED_REPLY").
std::string returnName(std::uint32_t cmd);

// One thread's conversation with the driver.
class Thread {
public:
	explicit Thread(const Device &dev, std::size_t readSize = 4096);

	// Commands, sent with the next read (next(), call()) or flush(). The
	// memory @data and @offsets point to must stay valid until then.
	void transaction(std::uint32_t handle, std::uint32_t code, std::uint32_t flags,
			 std::span<const std::byte> data,
			 std::span<const binderlite_size_t> offsets = {});
	void reply(std::span<const std::byte> data, std::span<const binderlite_size_t> offsets = {});
	void freeBuffer(binderlite_uintptr_t buffer);
	void command(std::uint32_t cmd);
	void command(std::uint32_t cmd, const void *arg, std::size_t size);

	// Sends the commands written, reading nothing.
	void flush();
	// The next return; when none is left, sends what is written and
	// waits for returns.
	Return next();
	// A synchronous call to @handle: its reply, whose buffer the caller
	// frees (freeBuffer(), sent with the next command). Throws a Failure
	// on any other answer.
	Transaction call(std::uint32_t handle, std::uint32_t code, std::span<const std::byte> data,
			 std::span<const binderlite_size_t> offsets = {});
	// A oneway call: waits for its BR_TRANSACTION_COMPLETE; false (and
	// nothing sent) when the driver refused it with BR_FAILED_REPLY, as
	// when the receiver's async space is full.
	bool oneway(std::uint32_t handle, std::uint32_t code, std::span<const std::byte> data);

private:
	void talk(bool read);
	void append(const void *p, std::size_t n);

	const Device &dev_;
	std::vector<std::byte> out_;
	std::vector<std::byte> in_;
	std::size_t inPos_ = 0;
	std::size_t inLen_ = 0;
};

// What a Server counts, in memory shared with the measuring processes.
struct ServerCounters {
	std::atomic<std::uint64_t> oneways{0};
	std::atomic<std::uint64_t> onewayBytes{0};
	// Bumped with each oneway received; futex word of senders that wait
	// for room (when waiters is set).
	FutexWord progress{0};
	std::atomic<std::uint32_t> waiters{0};
};

// The context manager the measurements call. Each thread of its pool
// answers by code (Code); threads are added on BR_SPAWN_LOOPER, up to
// @maxThreads besides the main one.
class Server {
public:
	Server(const Device &dev, std::uint32_t maxThreads, ServerCounters *counters);
	// Serves until the process is killed.
	[[noreturn]] void run();

private:
	void loop(bool main);
	void handle(Thread &t, const Transaction &txn);

	const Device &dev_;
	std::uint32_t maxThreads_;
	ServerCounters *counters_;
	std::mutex mutex_;
	std::vector<std::thread> threads_;
};

} // namespace blbench::binder

#endif
