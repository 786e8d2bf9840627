// SPDX-License-Identifier: GPL-2.0
//
// Death notifications of the handles we hold. A handle's DeathState lives
// in its record (handles.hpp); the DeathTable finds it again by the cookie
// the driver echoes in BR_DEAD_BINDER and BR_CLEAR_DEATH_NOTIFICATION_DONE.
//
//   - The first linkToDeath() of a handle sends
//     BC_REQUEST_DEATH_NOTIFICATION with a new cookie; removing its last
//     callback sends BC_CLEAR_DEATH_NOTIFICATION (a later link asks again,
//     with a new cookie).
//   - BR_DEAD_BINDER marks the handle dead, is answered with
//     BC_DEAD_BINDER_DONE, then runs the callbacks, each once, on the
//     looper that read it.
//   - The handle's last reference clears a notification still asked for,
//     in the same write as its BC_DECREFS (forgetLocked()).
//
// Locking: the reference lock (handles.hpp) guards every DeathState and
// the table; requests and clears are written under it, at once. Callbacks
// run, and records are let go, outside it. Not installed.
#ifndef BINDERLITE_SRC_DEATHS_HPP
#define BINDERLITE_SRC_DEATHS_HPP

#include <binderlite/protocol.hpp>
#include <binderlite/remote.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace binderlite {

class Process;

namespace detail {

class Conversation;
class Reporter;
struct ThreadState;

struct DeathLink {
	std::uint64_t token;
	std::function<void()> callback;
};

// One handle's notification; guarded by the reference lock.
struct DeathState {
	std::vector<DeathLink> links;
	binderlite_uintptr_t cookie = 0; // non-zero: a notification is asked for
	bool dead = false;               // BR_DEAD_BINDER came
};

class DeathTable {
public:
	DeathTable(std::mutex &referenceLock, Conversation &conversation, Reporter &reporter) noexcept
		: mutex_(referenceLock), conversation_(conversation), reporter_(reporter)
	{
	}
	DeathTable(const DeathTable &) = delete;
	DeathTable &operator=(const DeathTable &) = delete;

	[[nodiscard]] static DeathTable &of(Process &process) noexcept;

	// Remote::linkToDeath() of @handle, whose state @state points into
	// its record (kept here weakly). DeadObject if it is dead already.
	DeathToken link(const std::shared_ptr<DeathState> &state, std::uint32_t handle,
			std::function<void()> callback);
	// Remote::unlinkToDeath(): true if @token's callback was removed
	// before it ran.
	bool unlink(DeathState &state, std::uint32_t handle, DeathToken token);
	[[nodiscard]] bool isDead(const DeathState &state) const;

	// BR_DEAD_BINDER, read by @ts.
	void onDeadBinder(ThreadState &ts, binderlite_uintptr_t cookie);
	// BR_CLEAR_DEATH_NOTIFICATION_DONE.
	void onClearDone(binderlite_uintptr_t cookie);

	// The last reference to @handle goes: forgets its notification, and
	// appends to @cmds the clear of one still asked for. Reference lock
	// held.
	void forgetLocked(DeathState &state, std::uint32_t handle, protocol::CommandWriter &cmds);

private:
	std::mutex &mutex_;
	Conversation &conversation_;
	Reporter &reporter_;
	std::map<binderlite_uintptr_t, std::weak_ptr<DeathState>> byCookie_;
	std::uint64_t nextCookie_ = 1;
	std::uint64_t nextToken_ = 1;
};

} // namespace detail
} // namespace binderlite

#endif
