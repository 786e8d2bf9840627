// SPDX-License-Identifier: GPL-2.0
//
// Process: this process's connection to one binder device.
//
// A Process owns the Device (the open file and its receive pool), the
// table of our objects the driver knows (nodes), the table of handles we
// hold (one record per handle), and the thread pool. Process::open()
// returns the one Process of a device path in this process; create() makes
// one over any Driver (the unit tests' fake, for one).
//
// Threads. Every thread that calls Remote::transact() talks to the driver
// with its own state (command and return buffers, kept thread_local per
// Process), as the driver tells threads apart. Incoming calls run:
//
//   - on looper threads: the pool threads (startThreadPool() starts one,
//     the driver asks for more with BR_SPAWN_LOOPER, up to setMaxThreads())
//     and any thread inside joinThreadPool();
//   - on a thread blocked in Remote::transact(), when the call is nested in
//     that call (the driver routes a call back into a waiting process to
//     the waiting thread).
//
// Nothing else ever runs our code: no hidden threads. Death callbacks and
// BR_RELEASE/BR_DECREFS (and so the last release of an object) run on
// looper threads only: a process that wants death notifications needs a
// pool, or a thread in joinThreadPool().
//
// Lifetime. Remotes, received Parcels and running pool threads keep the
// Process alive; stopThreadPool() ends the pool threads. Closing the
// device (the Process's destruction) drops every reference the driver
// still holds for us.
//
// Thread-safety: all member functions may be called from any thread.
#ifndef BINDERLITE_PROCESS_HPP
#define BINDERLITE_PROCESS_HPP

#include <binderlite/binder.hpp>
#include <binderlite/device.hpp>
#include <binderlite/dialect.hpp>
#include <binderlite/remote.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace binderlite {

struct ProcessOptions {
	std::string device{Device::kDefaultPath};
	std::size_t poolSize = Device::kDefaultPoolSize;
	// The wire format's dialect (dialect.hpp); unset: defaultDialect().
	std::optional<Dialect> dialect{};
};

// The dialect of a Process opened without one: $BINDERLITE_DIALECT if set
// ("android11", "11", ...: parseDialect(); Error(Usage, EINVAL) for an
// unknown name), else kNewestDialect. Lets a program speak another
// Android release's format without a change, as gbinder.conf does for
// libgbinder.
[[nodiscard]] Dialect defaultDialect();

// What the driver says of a process it may have frozen
// (Process::frozenInfo(), BINDERLITE_GET_FROZEN_INFO).
struct FrozenInfo {
	bool syncReceived = false;        // a sync call came while frozen (refused)
	bool asyncReceived = false;       // a oneway came while frozen (queued)
	bool transactionsPending = false; // it has transactions in flight now
};

class Process : public std::enable_shared_from_this<Process> {
public:
	// The Process of @options.device, opened on first use; later calls
	// return the same one while it lives (their poolSize is ignored; a
	// dialect other than its own is Error(Usage, EINVAL)).
	// A child of fork() gets a Process of its own: a binder file and its
	// pool belong to the process that opened them.
	[[nodiscard]] static std::shared_ptr<Process> open(const ProcessOptions &options = {});
	// A new Process over @driver, not shared with open().
	[[nodiscard]] static std::shared_ptr<Process> create(std::unique_ptr<Driver> driver,
							     std::size_t poolSize = Device::kDefaultPoolSize,
							     Dialect dialect = kNewestDialect);
	~Process();
	Process(const Process &) = delete;
	Process &operator=(const Process &) = delete;

	[[nodiscard]] Device &device() noexcept;
	// The dialect its parcels are written and read in.
	[[nodiscard]] Dialect dialect() const noexcept;

	// BINDERLITE_SET_MAX_THREADS: how many extra pool threads the driver
	// may ask for (BR_SPAWN_LOOPER). 0 until set: the pool is then the
	// threads started by startThreadPool() and joinThreadPool().
	void setMaxThreads(std::uint32_t n);
	[[nodiscard]] std::uint32_t maxThreads() const noexcept;
	// Starts the pool's first thread (BC_ENTER_LOOPER) unless the pool
	// runs already. Spawned threads (BC_REGISTER_LOOPER) follow on
	// BR_SPAWN_LOOPER. Pool threads keep the Process alive until
	// stopThreadPool().
	void startThreadPool();
	// Serves incoming calls on the calling thread (BC_ENTER_LOOPER) until
	// stopThreadPool(); rethrows what breaks the loop (a failed ioctl).
	void joinThreadPool();
	// Makes every looper finish what it is doing and leave
	// (BC_EXIT_LOOPER), waits for the others, and joins the pool threads.
	// Called on a looper thread, that thread leaves when its current call
	// returns. The pool may be started again afterwards.
	void stopThreadPool();
	// Looper threads now serving (pool threads and joinThreadPool()).
	[[nodiscard]] std::size_t looperCount() const;

	// BINDERLITE_SET_CONTEXT_MGR_EXT: @binder becomes handle 0 of every
	// process. The Process keeps it alive from then on.
	void becomeContextManager(std::shared_ptr<Binder> binder);
	[[nodiscard]] bool isContextManager() const noexcept;
	// A Remote to handle 0. Error(Usage, EINVAL) in the context manager.
	[[nodiscard]] Remote contextManager();

	// Freezing (BINDERLITE_FREEZE), as Android's activity manager freezes
	// cached apps: every open file of the process @pid on this device's
	// driver (every context) stops taking calls. Sync calls to it fail
	// with Error(Frozen); oneways are queued (OnewayResult::PendingFrozen)
	// until thaw(). freeze() waits up to @timeout for the transactions in
	// flight to it to drain; if some stay (or it has a call of its own
	// waiting for a reply), it is thawed again and Error(System, EAGAIN)
	// is thrown. Error(System, EINVAL): @pid has no open file of the
	// driver. The driver checks no permission beyond access to the device.
	void freeze(pid_t pid, std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
	// Thaws @pid: what was queued is delivered.
	void thaw(pid_t pid);
	// BINDERLITE_GET_FROZEN_INFO of @pid (Error(System, EINVAL) as above).
	[[nodiscard]] FrozenInfo frozenInfo(pid_t pid);

	// Failures nobody else can hear of go here: an exception out of a
	// oneway call or a death callback, a failed free or release in a
	// destructor, a pool thread's fatal error. Called on the thread where
	// it happened. Default: a line on stderr. Pass nullptr to ignore them.
	void setErrorHandler(std::function<void(std::string_view message)> handler);

	// Introspection, for tests and diagnostics.
	[[nodiscard]] std::size_t handleCount() const; // handles we hold a count on
	[[nodiscard]] std::size_t nodeCount() const;   // our objects the driver references

	struct Impl;

private:
	struct Private {};

public:
	Process(Private, std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect);

private:
	std::unique_ptr<Impl> impl_;
};

} // namespace binderlite

#endif
