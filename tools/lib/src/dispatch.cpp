// SPDX-License-Identifier: GPL-2.0
//
// Dispatcher: our calls and the loops that read the driver's returns
// while they wait (transact) or for good (loopers).
#include "dispatch.hpp"

#include "conversation.hpp"
#include "deaths.hpp"
#include "handles.hpp"
#include "nodes.hpp"
#include "pool.hpp"
#include "report.hpp"
#include "serve.hpp"

#include <binderlite/binder.hpp>
#include <binderlite/error.hpp>
#include <binderlite/process.hpp>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <string>

namespace binderlite::detail {

using protocol::Return;

namespace {

// ts.depth for a scope.
struct DepthGuard {
	explicit DepthGuard(ThreadState &ts) noexcept : ts(ts) { ts.depth++; }
	~DepthGuard() { ts.depth--; }
	DepthGuard(const DepthGuard &) = delete;
	DepthGuard &operator=(const DepthGuard &) = delete;
	ThreadState &ts;
};

// On leaving a call: if no loop of this thread will write the commands
// queued meanwhile (frees, _DONE answers), write them now.
struct FlushGuard {
	FlushGuard(Conversation &conversation, Reporter &reporter, ThreadState &ts) noexcept
		: conversation(conversation), reporter(reporter), ts(ts)
	{
	}
	~FlushGuard()
	{
		if (ts.depth || ts.out.empty())
			return;
		try {
			conversation.flush(ts);
		} catch (const std::exception &e) {
			reporter.report(std::string("writing queued commands: ") + e.what());
		}
	}
	FlushGuard(const FlushGuard &) = delete;
	FlushGuard &operator=(const FlushGuard &) = delete;
	Conversation &conversation;
	Reporter &reporter;
	ThreadState &ts;
};

// If a command appended at stream position @mark was not written when
// something failed, drops it and what follows (it may point at memory that
// is about to go away).
void dropUnwritten(ThreadState &ts, std::uint64_t mark) noexcept
{
	if (ts.written <= mark)
		ts.out.truncate(static_cast<std::size_t>(mark - ts.written));
}

// The payload of a BC_TRANSACTION or BC_REPLY: @p's data and offsets.
void setPayload(binderlite_transaction_data &tr, const Parcel &p) noexcept
{
	tr.data_size = p.data().size();
	tr.offsets_size = p.offsets().size() * sizeof(binderlite_size_t);
	tr.data.ptr.buffer = addressOf(p.data().data());
	tr.data.ptr.offsets = addressOf(p.offsets().data());
}

std::string describeCall(std::uint32_t handle, std::uint32_t code)
{
	std::ostringstream s;
	s << "call " << code << " to handle " << handle;
	return s.str();
}

} // namespace

Parcel Dispatcher::receive(std::shared_ptr<Process> owner, const binderlite_transaction_data &txn)
{
	return Parcel(std::move(owner), txn);
}

// Registers the objects a parcel carries before it goes out, after
// checking that this process may send it.
void Dispatcher::prepare(const Parcel &data)
{
	if (data.dialectBound_ && !sameParcelFormat(data.dialect(), dialect_))
		throw Error(ErrorKind::Usage, EXDEV,
			    std::string("a parcel written in the ") + toString(data.dialect()) + " dialect, sent by a " +
				    toString(dialect_) + " process: make it with Parcel(process->dialect())");
	for (const Remote &r : data.remotes_)
		if (r.process().get() != &self_)
			throw Error(ErrorKind::Usage, EXDEV, "a parcel holds a handle of another Process");
	for (const WeakRemote &w : data.weakRemotes_)
		if (HandleTable::recordOf(w)->process.get() != &self_)
			throw Error(ErrorKind::Usage, EXDEV, "a parcel holds a weak handle of another Process");
	nodes_.add(data.binders_);
}

Parcel Dispatcher::transact(std::uint32_t handle, std::uint32_t code, const Parcel &data, std::uint32_t flags,
			    OnewayResult *how)
{
	flags |= BINDERLITE_TF_ACCEPT_FDS;
	prepare(data);
	ThreadState &ts = conversation_.thread();
	FlushGuard fg(conversation_, reporter_, ts);
	// Nothing may follow our transaction in the stream while it is
	// unwritten (see dropUnwritten()).
	if (!ts.out.empty() && !ts.depth)
		conversation_.flush(ts);

	binderlite_transaction_data tr{};
	tr.target.handle = handle;
	tr.code = code;
	tr.flags = flags;
	setPayload(tr, data);
	const std::uint64_t mark = ts.written + ts.out.size();
	ts.out.transaction(tr);
	try {
		auto reply = waitFor(ts, (flags & BINDERLITE_TF_ONE_WAY) ? Await::Complete : Await::Reply, handle,
				     code, how);
		return reply ? std::move(*reply) : Parcel(dialect_);
	} catch (...) {
		dropUnwritten(ts, mark);
		throw;
	}
}

[[noreturn]] void Dispatcher::throwFailed(std::uint32_t cmd, std::uint32_t handle, std::uint32_t code)
{
	std::optional<binderlite_extended_error> ext;
	try {
		const auto ee = conversation_.device().extendedError();
		if (ee.command != BINDERLITE_BR_OK || ee.param)
			ext = ee;
	} catch (const Error &) {
		// An old driver without GET_EXTENDED_ERROR: no details.
	}
	const std::string what = describeCall(handle, code);
	if (cmd == BINDERLITE_BR_DEAD_REPLY)
		throw DeadObject(what + ": BR_DEAD_REPLY", ext);
	if (cmd == BINDERLITE_BR_FROZEN_REPLY)
		throw Error(ErrorKind::Frozen, EAGAIN, what + ": BR_FROZEN_REPLY: the callee's process is frozen",
			    ext);
	const int err = ext && ext->param < 0 ? -ext->param : EIO;
	throw Error(ErrorKind::FailedReply, err, what + ": BR_FAILED_REPLY", ext);
}

// Reads and handles returns until @what arrives: the reply of our call, or
// the BR_TRANSACTION_COMPLETE of a oneway or a reply. Everything else that
// comes meanwhile is handled on the way, incoming calls included.
std::optional<Parcel> Dispatcher::waitFor(ThreadState &ts, Await what, std::uint32_t handle, std::uint32_t code,
					  OnewayResult *how)
{
	DepthGuard depth(ts);
	for (;;) {
		const Return r = conversation_.next(ts);
		switch (r.cmd) {
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
		case BINDERLITE_BR_TRANSACTION_PENDING_FROZEN:
		case BINDERLITE_BR_ONEWAY_SPAM_SUSPECT:
			if (what == Await::Complete) {
				if (how)
					*how = r.cmd == BINDERLITE_BR_TRANSACTION_COMPLETE ? OnewayResult::Sent
					       : r.cmd == BINDERLITE_BR_TRANSACTION_PENDING_FROZEN
						       ? OnewayResult::PendingFrozen
						       : OnewayResult::SpamSuspect;
				return std::nullopt;
			}
			break; // a call's complete comes with its reply
		case BINDERLITE_BR_REPLY: {
			Parcel reply = receive(self_.shared_from_this(), r.txn);
			if (what != Await::Reply)
				throw Error(ErrorKind::Protocol, EPROTO, "BR_REPLY while no call waits for one");
			if (reply.flags() & BINDERLITE_TF_STATUS_CODE) {
				std::int32_t status = 0;
				const auto d = reply.data();
				if (d.size() != sizeof(status))
					throw Error(ErrorKind::Protocol, EPROTO,
						    describeCall(handle, code) + ": malformed status reply");
				std::memcpy(&status, d.data(), sizeof(status));
				// A status of 0 is success without a reply (libgbinder
				// sends it; libbinder's IPCThreadState reads it so too).
				if (status == 0)
					return Parcel(reply.dialect());
				if (status > 0)
					throw Error(ErrorKind::Protocol, EPROTO,
						    describeCall(handle, code) + ": malformed status reply");
				throw Error(Status::fromStatusT(status), describeCall(handle, code));
			}
			return reply;
		}
		case BINDERLITE_BR_DEAD_REPLY:
		case BINDERLITE_BR_FAILED_REPLY:
		case BINDERLITE_BR_FROZEN_REPLY:
			throwFailed(r.cmd, handle, code);
		default:
			dispatch(ts, r);
			break;
		}
	}
}

// Returns that may come at any time, and strays.
void Dispatcher::dispatch(ThreadState &ts, const Return &r)
{
	switch (r.cmd) {
	case BINDERLITE_BR_NOOP:
	case BINDERLITE_BR_OK:
		return;
	case BINDERLITE_BR_SPAWN_LOOPER:
		pool_.onSpawnLooper(ts);
		return;
	case BINDERLITE_BR_INCREFS:
	case BINDERLITE_BR_ACQUIRE:
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		nodes_.onCount(r, ts);
		return;
	case BINDERLITE_BR_TRANSACTION:
		execute(ts, r.txn);
		return;
	case BINDERLITE_BR_DEAD_BINDER:
		deaths_.onDeadBinder(ts, r.cookie);
		return;
	case BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE:
		deaths_.onClearDone(r.cookie);
		return;
	case BINDERLITE_BR_ERROR:
		throw Error(ErrorKind::Protocol, EPROTO, "BR_ERROR " + std::to_string(r.error));
	case BINDERLITE_BR_REPLY: {
		// Nobody waits for it: give the buffer back.
		Parcel stray = receive(self_.shared_from_this(), r.txn);
		reporter_.report("a BR_REPLY nobody waited for");
		return;
	}
	default:
		reporter_.report(std::string(protocol::returnName(r.cmd)) + " nobody waited for");
		return;
	}
}

// An incoming call: the request's buffer is freed before the reply (or the
// error status) goes out, in the same write.
void Dispatcher::execute(ThreadState &ts, const binderlite_transaction_data &txn)
{
	const bool oneway = txn.flags & BINDERLITE_TF_ONE_WAY;
	std::int32_t status = 0;
	Parcel reply(dialect_);
	{
		std::optional<Parcel> in;
		try {
			in.emplace(receive(self_.shared_from_this(), txn));
			std::shared_ptr<Binder> target = nodes_.find(txn.target.ptr, txn.cookie);
			if (!target) {
				std::ostringstream s;
				s << "a call to unknown object 0x" << std::hex << txn.target.ptr;
				throw Error::status(ENXIO, s.str());
			}
			Parcel::Reader rd = in->reader();
			status = serve(*target, txn.code, rd, reply, oneway,
				       [this](std::string_view m) { reporter_.report(m); });
		} catch (const Error &e) {
			// The request could not be taken (or the target is unknown).
			status = e.errnum() > 0 ? -e.errnum() : -EIO;
			if (oneway || e.kind() != ErrorKind::Remote)
				reporter_.report(std::string(oneway ? "oneway " : "") + "call " +
						 std::to_string(txn.code) + ": " + e.what());
		}
	} // BC_FREE_BUFFER queued here
	if (oneway)
		return;
	try {
		sendReply(ts, reply, status);
	} catch (const std::exception &e) {
		reporter_.report(std::string("sending a reply: ") + e.what());
	}
}

void Dispatcher::sendReply(ThreadState &ts, const Parcel &reply, std::int32_t status)
{
	if (!status) {
		try {
			prepare(reply);
		} catch (const Error &e) {
			reporter_.report(std::string("reply: ") + e.what());
			status = -e.errnum();
		}
	}
	binderlite_transaction_data tr{};
	if (status) {
		tr.flags = BINDERLITE_TF_STATUS_CODE;
		tr.data_size = sizeof(status);
		tr.data.ptr.buffer = addressOf(&status);
	} else {
		setPayload(tr, reply);
	}
	const std::uint64_t mark = ts.written + ts.out.size();
	ts.out.reply(tr);
	try {
		waitFor(ts, Await::Complete, 0, 0);
	} catch (...) {
		dropUnwritten(ts, mark);
		throw;
	}
}

void Dispatcher::serveLooper(bool spawned, std::uint64_t epoch)
{
	ThreadState &ts = conversation_.thread();
	if (ts.looper)
		throw Error(ErrorKind::Usage, EDEADLK, "this thread is a looper already");
	pool_.enter();
	ts.looper = true;
	ts.looperEpoch = epoch;
	if (spawned)
		ts.out.registerLooper();
	else
		ts.out.enterLooper();

	struct Leave {
		Dispatcher &d;
		ThreadState &ts;
		bool spawned;
		~Leave()
		{
			ts.looper = false;
			ts.out.exitLooper();
			try {
				d.conversation_.flush(ts);
			} catch (const std::exception &e) {
				d.reporter_.report(std::string("BC_EXIT_LOOPER: ") + e.what());
			}
			d.pool_.leave(spawned);
		}
	} leave{*this, ts, spawned};

	DepthGuard depth(ts);
	for (;;) {
		// Everything read is handled before leaving: a call read must
		// be answered.
		if (ts.inPos >= ts.inLen && pool_.epoch() != epoch)
			break;
		dispatch(ts, conversation_.next(ts));
	}
}

} // namespace binderlite::detail
