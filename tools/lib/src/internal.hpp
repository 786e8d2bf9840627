// SPDX-License-Identifier: GPL-2.0
//
// libbinderlite internals: the per-handle records, the node table, the
// per-thread driver state and Process::Impl. Not installed.
//
// Locking: Process::Impl::mutex guards the handle table, the node table,
// the death cookies and every HandleRecord's mutable fields. Reference
// commands (BC_INCREFS/_ACQUIRE/_RELEASE/_DECREFS, death requests and
// clears) are decided and written under it, so the driver sees them in the
// order they were decided. Nothing that may run user code (a Binder's or
// a Remote's destruction, a callback) happens under it: every shared_ptr
// that might be the last is dropped after unlocking.
#ifndef BINDERLITE_INTERNAL_HPP
#define BINDERLITE_INTERNAL_HPP

#include <binderlite/binder.hpp>
#include <binderlite/device.hpp>
#include <binderlite/error.hpp>
#include <binderlite/parcel.hpp>
#include <binderlite/process.hpp>
#include <binderlite/protocol.hpp>
#include <binderlite/remote.hpp>

#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace binderlite {

namespace detail {

struct DeathLink {
	std::uint64_t token;
	std::function<void()> callback;
};

// One handle we hold: the weak count (BC_INCREFS) while it lives.
struct HandleRecord {
	HandleRecord(std::shared_ptr<Process> process, std::uint32_t handle) noexcept
		: process(std::move(process)), handle(handle)
	{
	}
	~HandleRecord();
	HandleRecord(const HandleRecord &) = delete;
	HandleRecord &operator=(const HandleRecord &) = delete;

	const std::shared_ptr<Process> process;
	const std::uint32_t handle;
	// Guarded by Process::Impl::mutex.
	bool counted = false; // BC_INCREFS sent
	std::weak_ptr<StrongRef> strong;
	std::vector<DeathLink> links;
	binderlite_uintptr_t deathCookie = 0; // non-zero: a notification is asked for
	bool dead = false;
	// The stability level it first came with (Android 11 and later;
	// 0 if unknown), written back when we pass it on.
	std::atomic<std::int32_t> stability{0};
};

// The strong count (BC_ACQUIRE) on a handle while it lives; shared by the
// copies of a Remote.
struct StrongRef {
	explicit StrongRef(std::shared_ptr<HandleRecord> record) noexcept : record(std::move(record)) {}
	~StrongRef();
	StrongRef(const StrongRef &) = delete;
	StrongRef &operator=(const StrongRef &) = delete;

	const std::shared_ptr<HandleRecord> record;
	bool counted = false; // BC_ACQUIRE sent; guarded by Process::Impl::mutex
};

// Friend of the public classes: the library's way to their insides.
struct Access {
	static Process::Impl &impl(Process &p) { return *p.impl_; }
	static Remote makeRemote(std::shared_ptr<StrongRef> ref) { return Remote(std::move(ref)); }
	static const std::shared_ptr<StrongRef> &ref(const Remote &r) { return r.ref_; }
	static Parcel receive(std::shared_ptr<Process> owner, const binderlite_transaction_data &txn);
	static const std::vector<std::shared_ptr<Binder>> &binders(const Parcel &p) { return p.binders_; }
	static const std::vector<Remote> &remotes(const Parcel &p) { return p.remotes_; }
	static const std::vector<WeakRemote> &weakRemotes(const Parcel &p) { return p.weakRemotes_; }
	static bool dialectBound(const Parcel &p) { return p.dialectBound_; }
	static const std::shared_ptr<HandleRecord> &record(const WeakRemote &w) { return w.record_; }
	static std::shared_ptr<Binder> local(const WeakRemote &w) { return w.local_.lock(); }
	static WeakRemote makeWeak(std::shared_ptr<HandleRecord> record) { return WeakRemote(std::move(record)); }
	static WeakRemote makeLocalWeak(const std::shared_ptr<Binder> &binder)
	{
		WeakRemote w(nullptr);
		w.local_ = binder;
		return w;
	}
};

// Serves one call to @b as the driver (or a call to a local Remote)
// delivers it: the standard transactions, else onTransact(). Returns 0
// with @reply written (an AIDL exception included), or the status_t of a
// transaction error. Failures nobody else hears of go to @report.
std::int32_t serve(Binder &b, std::uint32_t code, Parcel::Reader &in, Parcel &reply, bool oneway,
		   const std::function<void(std::string_view)> &report);

} // namespace detail

// What a thread says to the driver, per Process.
struct ThreadState {
	std::weak_ptr<Process> process;
	Process::Impl *impl = nullptr;
	protocol::CommandWriter out;
	alignas(8) std::array<std::byte, 512> in{};
	std::size_t inLen = 0;
	std::size_t inPos = 0;
	// Bytes of commands the driver consumed, ever: where `out` starts.
	std::uint64_t written = 0;
	// Inside a loop that writes `out` before it next blocks: commands
	// queued meanwhile need no write of their own.
	unsigned depth = 0;
	bool looper = false;
	std::uint64_t looperEpoch = 0;

	ThreadState() = default;
	ThreadState(const ThreadState &) = delete;
	ThreadState &operator=(const ThreadState &) = delete;
	~ThreadState();
};

struct Process::Impl {
	Impl(Process &self, std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect);

	Process &self;
	Device device;
	const Dialect dialect;

	// Tables; see the locking rule above.
	struct Node {
		std::weak_ptr<Binder> binder;
		std::shared_ptr<Binder> pin; // while the driver holds counts
		std::uint32_t weak = 0;      // BR_INCREFS less BR_DECREFS
		std::uint32_t strong = 0;    // BR_ACQUIRE less BR_RELEASE
	};
	mutable std::mutex mutex;
	std::map<std::uint32_t, std::weak_ptr<detail::HandleRecord>> handles;
	std::map<binderlite_uintptr_t, Node> nodes;
	std::map<binderlite_uintptr_t, std::weak_ptr<detail::HandleRecord>> deaths;
	std::uint64_t nextCookie = 1;
	std::uint64_t nextToken = 1;
	std::shared_ptr<Binder> contextManager;
	std::string registryKey; // Process::open()'s key, if opened so
	const pid_t pid;         // a binder file belongs to the process that opened it

	// The pool.
	mutable std::mutex poolMutex;
	std::condition_variable poolCv;
	std::vector<std::thread> threads;
	std::uint32_t maxThreads = 0;
	std::uint32_t spawned = 0;
	std::size_t loopers = 0;
	bool poolStarted = false;
	std::atomic<std::uint64_t> epoch{1};

	std::mutex errorMutex;
	std::function<void(std::string_view)> errorHandler;

	// Threads.
	ThreadState &thread();
	void talk(ThreadState &ts, bool read);
	void flush(ThreadState &ts);
	protocol::Return next(ThreadState &ts);

	// The loops.
	enum class Await { Reply, Complete };
	// @how, if given, says how a oneway (Await::Complete) was taken.
	std::optional<Parcel> waitFor(ThreadState &ts, Await what, std::uint32_t handle, std::uint32_t code,
				      OnewayResult *how = nullptr);
	void dispatch(ThreadState &ts, const protocol::Return &r);
	void execute(ThreadState &ts, const binderlite_transaction_data &txn);
	void looperLoop(bool spawned, std::uint64_t myEpoch);
	void spawnLooper(bool spawned);

	// Calls.
	// Our calls accept file descriptors in replies (TF_ACCEPT_FDS); @how
	// as for waitFor().
	Parcel transact(std::uint32_t handle, std::uint32_t code, const Parcel &data, std::uint32_t flags,
			OnewayResult *how = nullptr);
	void prepare(const Parcel &data);
	[[noreturn]] void throwFailed(std::uint32_t cmd, std::uint32_t handle, std::uint32_t code);

	void sendReply(ThreadState &ts, const Parcel &reply, std::int32_t status);
	void prune();

	// References.
	void sendLocked(protocol::CommandWriter &cmds);
	DeathToken link(const std::shared_ptr<detail::HandleRecord> &rec, std::function<void()> callback);
	bool unlink(detail::HandleRecord &rec, DeathToken token);
	// A handle as received (with the stability it came with, if any).
	Remote remoteFor(std::uint32_t handle, std::int32_t stability = 0);
	WeakRemote weakRemoteFor(std::uint32_t handle, std::int32_t stability = 0);
	// Our object (ptr, cookie): EBADMSG if unknown or gone.
	std::shared_ptr<Binder> localFor(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie);
	// The same, or nullptr.
	std::shared_ptr<Binder> findLocal(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie);
	void nodeCount(const protocol::Return &r, ThreadState &ts);
	void freeBuffer(binderlite_uintptr_t buffer) noexcept;
	void deadBinder(ThreadState &ts, binderlite_uintptr_t cookie);

	void report(std::string_view message) noexcept;
};

} // namespace binderlite

#endif
