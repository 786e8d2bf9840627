// SPDX-License-Identifier: GPL-2.0
//
// The thread pool: which threads are loopers, and the pool threads.
//
//   - start() starts the first pool thread (BC_ENTER_LOOPER); the driver
//     asks a looper for more with BR_SPAWN_LOOPER (onSpawnLooper()), up
//     to setMaxThreads(); each registers with BC_REGISTER_LOOPER.
//   - joinThreadPool() makes any thread a looper too.
//   - stop() moves the epoch on: every looper leaves once it has handled
//     what it read (BC_EXIT_LOOPER); it waits for them and joins the pool
//     threads. A thread started before stop() but running only after it
//     sees an old epoch and leaves at once.
//
// The loop a looper runs is the dispatcher's (dispatch.hpp), given at
// construction, so that the pool does not depend on it. Pool threads keep
// their Process alive. The pool's own mutex guards its fields. Not
// installed.
#ifndef BINDERLITE_SRC_POOL_HPP
#define BINDERLITE_SRC_POOL_HPP

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace binderlite {

class Device;
class Process;

namespace detail {

class Reporter;
struct ThreadState;

class ThreadPool {
public:
	// Serves as a looper until the epoch is no longer @epoch; @spawned:
	// a thread the driver asked for.
	using Loop = std::function<void(bool spawned, std::uint64_t epoch)>;

	ThreadPool(Process &self, Device &device, Reporter &reporter, Loop loop) noexcept
		: self_(self), device_(device), reporter_(reporter), loop_(std::move(loop))
	{
	}
	ThreadPool(const ThreadPool &) = delete;
	ThreadPool &operator=(const ThreadPool &) = delete;

	// Process's pool API.
	void setMaxThreads(std::uint32_t n);
	[[nodiscard]] std::uint32_t maxThreads() const;
	void start();
	// @callerIsLooper: the calling thread leaves when its call returns;
	// it is not waited for.
	void stop(bool callerIsLooper);
	[[nodiscard]] std::size_t looperCount() const;
	// ~Process: joins what is left of the pool threads (detaches the
	// calling one, if it is one: the last to go may destroy the Process).
	void joinThreads();

	// BR_SPAWN_LOOPER, read by @ts.
	void onSpawnLooper(const ThreadState &ts);

	// The loop's side: the epoch to serve, and a looper coming and going.
	[[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_.load(); }
	void enter();
	void leave(bool spawned);

private:
	// Starts a pool thread; mutex held.
	void spawnLocked(bool spawned);

	Process &self_;
	Device &device_;
	Reporter &reporter_;
	const Loop loop_;

	mutable std::mutex mutex_;
	std::condition_variable cv_;
	std::vector<std::thread> threads_;
	std::uint32_t maxThreads_ = 0;
	std::uint32_t spawned_ = 0;
	std::size_t loopers_ = 0;
	bool started_ = false;
	std::atomic<std::uint64_t> epoch_{1};
};

} // namespace detail
} // namespace binderlite

#endif
