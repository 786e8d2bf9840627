// SPDX-License-Identifier: GPL-2.0
//
// The handles we hold, and the whole reference-count protocol for them.
//
// One HandleRecord per handle per Process, shared by every Remote and
// WeakRemote to it; the table maps handles to their records weakly.
//
//   - A handle first received (remoteFor(), weakRemoteFor()): the record
//     is made and BC_INCREFS sent; the record holds the weak count.
//   - A strong reference (Remote) to it: one StrongRef per record, shared
//     by the Remote copies; made with BC_ACQUIRE, it holds the strong count.
//   - The last Remote goes: ~StrongRef sends BC_RELEASE. The record (and
//     its weak count) may stay for WeakRemotes and the death table.
//   - The last reference of any kind goes: ~HandleRecord clears a death
//     notification still asked for (deaths.hpp), then sends BC_DECREFS,
//     in one write.
//   - promote(): a Remote while a StrongRef lives; binder cannot revive a
//     strong count from a weak one, so none is made after it went.
//
// The reference lock (one mutex per Process, shared with deaths.hpp)
// guards the table and every record's mutable fields. Each command above
// is decided and written under it, at once (Conversation::writeNow()), so
// the driver sees them in the order they were decided. Nothing that may
// run user code happens under it: a shared_ptr that might be the last one
// to a record is dropped after unlocking.
//
// HandleTable is the only code that opens Remote and WeakRemote (their
// one friend). Not installed.
#ifndef BINDERLITE_SRC_HANDLES_HPP
#define BINDERLITE_SRC_HANDLES_HPP

#include "deaths.hpp"

#include <binderlite/remote.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace binderlite {

class Binder;
class Process;

namespace detail {

class Conversation;
class HandleTable;
class Reporter;

// One handle we hold: the weak count (BC_INCREFS) while it lives.
struct HandleRecord {
	HandleRecord(std::shared_ptr<Process> process, HandleTable &table, std::uint32_t handle) noexcept
		: process(std::move(process)), table(table), handle(handle)
	{
	}
	~HandleRecord();
	HandleRecord(const HandleRecord &) = delete;
	HandleRecord &operator=(const HandleRecord &) = delete;

	const std::shared_ptr<Process> process;
	HandleTable &table;
	const std::uint32_t handle;
	// Guarded by the reference lock.
	bool counted = false; // BC_INCREFS sent
	std::weak_ptr<StrongRef> strong;
	DeathState death;
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
	bool counted = false; // BC_ACQUIRE sent; guarded by the reference lock
};

class HandleTable {
public:
	HandleTable(Process &self, std::mutex &referenceLock, Conversation &conversation, DeathTable &deaths,
		    Reporter &reporter) noexcept
		: self_(self), mutex_(referenceLock), conversation_(conversation), deaths_(deaths),
		  reporter_(reporter)
	{
	}
	HandleTable(const HandleTable &) = delete;
	HandleTable &operator=(const HandleTable &) = delete;

	[[nodiscard]] static HandleTable &of(Process &process) noexcept;

	// A handle as received (with the stability it came with, if any):
	// its counts taken, once per handle.
	[[nodiscard]] Remote remoteFor(std::uint32_t handle, std::int32_t stability = 0);
	// A weak handle as received: only BC_INCREFS, and only for a handle
	// we do not hold yet.
	[[nodiscard]] WeakRemote weakRemoteFor(std::uint32_t handle, std::int32_t stability = 0);
	// WeakRemote::promote() of a handle.
	[[nodiscard]] std::optional<Remote> promote(const HandleRecord &record);
	// Handles we hold a count on.
	[[nodiscard]] std::size_t count() const;

	// The record behind a Remote to a handle, and a WeakRemote's (nullptr
	// for a local one).
	[[nodiscard]] static const HandleRecord &recordOf(const Remote &remote) noexcept;
	[[nodiscard]] static const HandleRecord *recordOf(const WeakRemote &weak) noexcept;
	// A local WeakRemote: to our object @binder, or to nothing (an object
	// of ours that is gone) if it is null.
	[[nodiscard]] static WeakRemote weakToLocal(const std::shared_ptr<Binder> &binder);

private:
	friend struct HandleRecord;
	friend struct StrongRef;
	// The destructors' halves of the protocol.
	void release(StrongRef &ref) noexcept;
	void release(HandleRecord &record) noexcept;
	// The record of @handle, made (BC_INCREFS queued to @cmds) if none
	// lives. Lock held.
	std::shared_ptr<HandleRecord> recordLocked(std::uint32_t handle, protocol::CommandWriter &cmds);
	void keepStability(HandleRecord &record, std::int32_t stability) noexcept;

	Process &self_;
	std::mutex &mutex_;
	Conversation &conversation_;
	DeathTable &deaths_;
	Reporter &reporter_;
	std::map<std::uint32_t, std::weak_ptr<HandleRecord>> records_;
};

} // namespace detail
} // namespace binderlite

#endif
