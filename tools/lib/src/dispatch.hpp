// SPDX-License-Identifier: GPL-2.0
//
// The dispatch loops: what a thread does with the driver's returns.
//
//   - transact(): our call goes out (its objects entered in the node
//     table first), then the thread reads and handles returns until its
//     reply (or, for a oneway, BR_TRANSACTION_COMPLETE) arrives; calls
//     nested in ours are served on the way.
//   - serveLooper(): a looper reads and handles returns until the pool's
//     epoch moves on.
//   - Every other return is handled where it is read: node counts
//     (nodes.hpp), deaths (deaths.hpp), BR_SPAWN_LOOPER (pool.hpp), and
//     incoming calls, served with serve.hpp and answered with BC_REPLY
//     after the request's BC_FREE_BUFFER, in the same write.
//
// The Dispatcher is Parcel's one friend: it makes received parcels
// (receive()) and reads what a parcel to be sent carries. Not installed.
#ifndef BINDERLITE_SRC_DISPATCH_HPP
#define BINDERLITE_SRC_DISPATCH_HPP

#include <binderlite/dialect.hpp>
#include <binderlite/parcel.hpp>
#include <binderlite/protocol.hpp>
#include <binderlite/remote.hpp>

#include <cstdint>
#include <memory>
#include <optional>

namespace binderlite {

class Process;

namespace detail {

class Conversation;
class DeathTable;
class NodeTable;
class Reporter;
class ThreadPool;
struct ThreadState;

class Dispatcher {
public:
	Dispatcher(Process &self, Dialect dialect, Conversation &conversation, NodeTable &nodes, DeathTable &deaths,
		   ThreadPool &pool, Reporter &reporter) noexcept
		: self_(self), dialect_(dialect), conversation_(conversation), nodes_(nodes), deaths_(deaths),
		  pool_(pool), reporter_(reporter)
	{
	}
	Dispatcher(const Dispatcher &) = delete;
	Dispatcher &operator=(const Dispatcher &) = delete;

	[[nodiscard]] static Dispatcher &of(Process &process) noexcept;

	// The parcel of a BR_TRANSACTION or BR_REPLY for @owner: it owns the
	// buffer (and the descriptors in it) from the start, also when its
	// checks throw Error(Protocol).
	[[nodiscard]] static Parcel receive(std::shared_ptr<Process> owner, const binderlite_transaction_data &txn);

	// Remote::transact() of a handle: our calls accept file descriptors
	// in replies (TF_ACCEPT_FDS). A oneway returns an empty parcel, and
	// @how, if given, says how the driver took it.
	Parcel transact(std::uint32_t handle, std::uint32_t code, const Parcel &data, std::uint32_t flags,
			OnewayResult *how = nullptr);
	// A looper's loop (ThreadPool::Loop): BC_ENTER_LOOPER, or
	// BC_REGISTER_LOOPER for a @spawned thread, then every return until
	// the pool's epoch is no longer @epoch, then BC_EXIT_LOOPER.
	void serveLooper(bool spawned, std::uint64_t epoch);

private:
	enum class Await { Reply, Complete };

	std::optional<Parcel> waitFor(ThreadState &ts, Await what, std::uint32_t handle, std::uint32_t code,
				      OnewayResult *how = nullptr);
	void dispatch(ThreadState &ts, const protocol::Return &r);
	void execute(ThreadState &ts, const binderlite_transaction_data &txn);
	void sendReply(ThreadState &ts, const Parcel &reply, std::int32_t status);
	void prepare(const Parcel &data);
	[[noreturn]] void throwFailed(std::uint32_t cmd, std::uint32_t handle, std::uint32_t code);

	Process &self_;
	const Dialect dialect_;
	Conversation &conversation_;
	NodeTable &nodes_;
	DeathTable &deaths_;
	ThreadPool &pool_;
	Reporter &reporter_;
};

} // namespace detail
} // namespace binderlite

#endif
