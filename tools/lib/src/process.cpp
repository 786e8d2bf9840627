// SPDX-License-Identifier: GPL-2.0
//
// Process: the per-thread driver conversation, the loops that serve
// incoming calls while waiting (transact) or forever (loopers), the node
// and handle tables, death notifications and the thread pool.
#include "internal.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

namespace binderlite {

using protocol::Return;

namespace {

std::mutex g_registryMutex;
std::map<std::string, std::weak_ptr<Process>> g_registry;

// Each thread's state, one per Process it talked to.
thread_local std::vector<std::unique_ptr<ThreadState>> t_states;

template <class T> binderlite_uintptr_t addressOf(const T *p)
{
	return static_cast<binderlite_uintptr_t>(reinterpret_cast<std::uintptr_t>(p));
}

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
	FlushGuard(Process::Impl &impl, ThreadState &ts) noexcept : impl(impl), ts(ts) {}
	~FlushGuard()
	{
		if (ts.depth || ts.out.empty())
			return;
		try {
			impl.flush(ts);
		} catch (const std::exception &e) {
			impl.report(std::string("writing queued commands: ") + e.what());
		}
	}
	FlushGuard(const FlushGuard &) = delete;
	FlushGuard &operator=(const FlushGuard &) = delete;
	Process::Impl &impl;
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

std::string describeCall(std::uint32_t handle, std::uint32_t code)
{
	std::ostringstream s;
	s << "call " << code << " to handle " << handle;
	return s.str();
}

} // namespace

ThreadState::~ThreadState()
{
	auto p = process.lock();
	if (!p)
		return;
	try {
		if (!out.empty())
			impl->flush(*this);
	} catch (...) {
		// The thread is going; nothing to tell.
	}
	impl->device.threadExit();
}

Process::Impl::Impl(Process &self, std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect)
	: self(self), device(std::move(driver), poolSize), dialect(dialect), pid(::getpid())
{
	errorHandler = [](std::string_view msg) { std::cerr << "binderlite: " << msg << '\n'; };
}

void Process::Impl::report(std::string_view message) noexcept
{
	try {
		std::function<void(std::string_view)> h;
		{
			std::lock_guard g(errorMutex);
			h = errorHandler;
		}
		if (h)
			h(message);
	} catch (...) {
		// An error handler that fails has nowhere to go.
	}
}

ThreadState &Process::Impl::thread()
{
	std::erase_if(t_states, [](const auto &s) { return s->process.expired(); });
	for (auto &s : t_states)
		if (s->impl == this)
			return *s;
	auto s = std::make_unique<ThreadState>();
	s->process = self.weak_from_this();
	s->impl = this;
	t_states.push_back(std::move(s));
	return *t_states.back();
}

// One BINDERLITE_WRITE_READ: writes `out`, and reads into `in` if @read.
void Process::Impl::talk(ThreadState &ts, bool read)
{
	binderlite_write_read bwr{};
	bwr.write_size = ts.out.size();
	bwr.write_buffer = addressOf(ts.out.data());
	if (read) {
		bwr.read_size = ts.in.size();
		bwr.read_buffer = addressOf(ts.in.data());
	}
	const auto consumed = [&] {
		const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bwr.write_consumed, ts.out.size()));
		ts.out.consume(n);
		ts.written += n;
	};
	try {
		device.writeRead(bwr);
	} catch (...) {
		consumed();
		throw;
	}
	consumed();
	if (read) {
		ts.inLen = static_cast<std::size_t>(std::min<std::uint64_t>(bwr.read_consumed, ts.in.size()));
		ts.inPos = 0;
	}
}

void Process::Impl::flush(ThreadState &ts)
{
	while (!ts.out.empty()) {
		const std::size_t before = ts.out.size();
		talk(ts, false);
		if (ts.out.size() == before)
			throw Error(ErrorKind::Protocol, EPROTO,
				    device.name() + ": the driver consumed none of our commands");
	}
}

Return Process::Impl::next(ThreadState &ts)
{
	if (ts.inPos >= ts.inLen) {
		talk(ts, true);
		if (ts.inLen == 0)
			throw Error(ErrorKind::Protocol, EPROTO, device.name() + ": a read returned nothing");
	}
	return protocol::decodeReturn({ts.in.data(), ts.inLen}, ts.inPos);
}

[[noreturn]] void Process::Impl::throwFailed(std::uint32_t cmd, std::uint32_t handle, std::uint32_t code)
{
	std::optional<binderlite_extended_error> ext;
	try {
		const auto ee = device.extendedError();
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
std::optional<Parcel> Process::Impl::waitFor(ThreadState &ts, Await what, std::uint32_t handle,
					     std::uint32_t code, OnewayResult *how)
{
	DepthGuard depth(ts);
	for (;;) {
		const Return r = next(ts);
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
			Parcel reply = detail::Access::receive(self.shared_from_this(), r.txn);
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
void Process::Impl::dispatch(ThreadState &ts, const Return &r)
{
	switch (r.cmd) {
	case BINDERLITE_BR_NOOP:
	case BINDERLITE_BR_OK:
		return;
	case BINDERLITE_BR_SPAWN_LOOPER: {
		std::lock_guard g(poolMutex);
		if (poolStarted && ts.looper && ts.looperEpoch == epoch.load() && spawned < maxThreads) {
			spawned++;
			spawnLooper(true);
		}
		return;
	}
	case BINDERLITE_BR_INCREFS:
	case BINDERLITE_BR_ACQUIRE:
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		nodeCount(r, ts);
		return;
	case BINDERLITE_BR_TRANSACTION:
		execute(ts, r.txn);
		return;
	case BINDERLITE_BR_DEAD_BINDER:
		deadBinder(ts, r.cookie);
		return;
	case BINDERLITE_BR_CLEAR_DEATH_NOTIFICATION_DONE: {
		std::shared_ptr<detail::HandleRecord> rec; // dropped after unlocking
		std::lock_guard g(mutex);
		auto it = deaths.find(r.cookie);
		if (it != deaths.end()) {
			rec = it->second.lock();
			deaths.erase(it);
		}
		return;
	}
	case BINDERLITE_BR_ERROR:
		throw Error(ErrorKind::Protocol, EPROTO, "BR_ERROR " + std::to_string(r.error));
	case BINDERLITE_BR_REPLY: {
		// Nobody waits for it: give the buffer back.
		Parcel stray = detail::Access::receive(self.shared_from_this(), r.txn);
		report("a BR_REPLY nobody waited for");
		return;
	}
	default:
		report(std::string(protocol::returnName(r.cmd)) + " nobody waited for");
		return;
	}
}

// An incoming call: the request's buffer is freed before the reply (or the
// error status) goes out, in the same write.
void Process::Impl::execute(ThreadState &ts, const binderlite_transaction_data &txn)
{
	const bool oneway = txn.flags & BINDERLITE_TF_ONE_WAY;
	std::int32_t status = 0;
	Parcel reply(dialect);
	{
		std::optional<Parcel> in;
		try {
			in.emplace(detail::Access::receive(self.shared_from_this(), txn));
			std::shared_ptr<Binder> target;
			{
				std::lock_guard g(mutex);
				auto it = nodes.find(txn.target.ptr);
				if (it != nodes.end() && txn.cookie == txn.target.ptr)
					target = it->second.binder.lock();
			}
			if (!target) {
				std::ostringstream s;
				s << "a call to unknown object 0x" << std::hex << txn.target.ptr;
				throw Error::status(ENXIO, s.str());
			}
			Parcel::Reader rd = in->reader();
			status = detail::serve(*target, txn.code, rd, reply, oneway,
					       [this](std::string_view m) { report(m); });
		} catch (const Error &e) {
			// The request could not be taken (or the target is unknown).
			status = e.errnum() > 0 ? -e.errnum() : -EIO;
			if (oneway || e.kind() != ErrorKind::Remote)
				report(std::string(oneway ? "oneway " : "") + "call " + std::to_string(txn.code) +
				       ": " + e.what());
		}
	} // BC_FREE_BUFFER queued here
	if (oneway)
		return;
	try {
		sendReply(ts, reply, status);
	} catch (const std::exception &e) {
		report(std::string("sending a reply: ") + e.what());
	}
}

void Process::Impl::sendReply(ThreadState &ts, const Parcel &reply, std::int32_t status)
{
	if (!status) {
		try {
			prepare(reply);
		} catch (const Error &e) {
			report(std::string("reply: ") + e.what());
			status = -e.errnum();
		}
	}
	binderlite_transaction_data tr{};
	if (status) {
		tr.flags = BINDERLITE_TF_STATUS_CODE;
		tr.data_size = sizeof(status);
		tr.data.ptr.buffer = addressOf(&status);
	} else {
		tr.data_size = reply.data().size();
		tr.offsets_size = reply.offsets().size() * sizeof(binderlite_size_t);
		tr.data.ptr.buffer = addressOf(reply.data().data());
		tr.data.ptr.offsets = addressOf(reply.offsets().data());
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

// Registers the objects a parcel carries before it goes out: our nodes in
// the node table, so that BR_INCREFS/BR_ACQUIRE and calls find them.
void Process::Impl::prepare(const Parcel &data)
{
	if (detail::Access::dialectBound(data) && !sameParcelFormat(data.dialect(), dialect))
		throw Error(ErrorKind::Usage, EXDEV,
			    std::string("a parcel written in the ") + toString(data.dialect()) + " dialect, sent by a " +
				    toString(dialect) + " process: make it with Parcel(process->dialect())");
	for (const Remote &r : detail::Access::remotes(data))
		if (r.process().get() != &self)
			throw Error(ErrorKind::Usage, EXDEV, "a parcel holds a handle of another Process");
	for (const WeakRemote &w : detail::Access::weakRemotes(data))
		if (detail::Access::record(w)->process.get() != &self)
			throw Error(ErrorKind::Usage, EXDEV, "a parcel holds a weak handle of another Process");
	const auto &binders = detail::Access::binders(data);
	if (binders.empty())
		return;
	std::lock_guard g(mutex);
	prune();
	for (const auto &b : binders) {
		Node &n = nodes[b->id()];
		if (n.binder.expired())
			n.binder = b;
	}
}

// Forgets nodes the driver does not reference and nobody keeps alive.
void Process::Impl::prune()
{
	std::erase_if(nodes, [](const auto &kv) {
		return !kv.second.weak && !kv.second.strong && kv.second.binder.expired();
	});
}

Parcel Process::Impl::transact(std::uint32_t handle, std::uint32_t code, const Parcel &data,
			       std::uint32_t flags, OnewayResult *how)
{
	flags |= BINDERLITE_TF_ACCEPT_FDS;
	prepare(data);
	ThreadState &ts = thread();
	FlushGuard fg(*this, ts);
	// Nothing may follow our transaction in the stream while it is
	// unwritten (see dropUnwritten()).
	if (!ts.out.empty() && !ts.depth)
		flush(ts);

	binderlite_transaction_data tr{};
	tr.target.handle = handle;
	tr.code = code;
	tr.flags = flags;
	tr.data_size = data.data().size();
	tr.offsets_size = data.offsets().size() * sizeof(binderlite_size_t);
	tr.data.ptr.buffer = addressOf(data.data().data());
	tr.data.ptr.offsets = addressOf(data.offsets().data());
	const std::uint64_t mark = ts.written + ts.out.size();
	ts.out.transaction(tr);
	try {
		auto reply = waitFor(ts, (flags & BINDERLITE_TF_ONE_WAY) ? Await::Complete : Await::Reply,
				     handle, code, how);
		return reply ? std::move(*reply) : Parcel(dialect);
	} catch (...) {
		dropUnwritten(ts, mark);
		throw;
	}
}

// References.

// Writes reference commands at once, in the order decided; mutex held.
void Process::Impl::sendLocked(protocol::CommandWriter &cmds)
{
	binderlite_write_read bwr{};
	bwr.write_size = cmds.size();
	bwr.write_buffer = addressOf(cmds.data());
	device.writeRead(bwr);
	if (bwr.write_consumed != cmds.size())
		throw Error(ErrorKind::Protocol, EPROTO, device.name() + ": reference commands left unconsumed");
}

Remote Process::Impl::remoteFor(std::uint32_t handle, std::int32_t stability)
{
	std::shared_ptr<detail::HandleRecord> rec; // dropped after unlocking
	std::shared_ptr<detail::StrongRef> strong;
	std::lock_guard g(mutex);
	auto &slot = handles[handle];
	rec = slot.lock();
	protocol::CommandWriter cmds;
	if (!rec) {
		rec = std::make_shared<detail::HandleRecord>(self.shared_from_this(), handle);
		slot = rec;
		cmds.increfs(handle);
	}
	strong = rec->strong.lock();
	if (!strong) {
		strong = std::make_shared<detail::StrongRef>(rec);
		rec->strong = strong;
		cmds.acquire(handle);
	}
	if (!cmds.empty()) {
		sendLocked(cmds);
		rec->counted = true;
		strong->counted = true;
	}
	if (stability) {
		std::int32_t unknown = 0;
		rec->stability.compare_exchange_strong(unknown, stability);
	}
	return detail::Access::makeRemote(strong);
}

// A weak reference to @handle, as received in a parcel: only BC_INCREFS,
// and only for a handle we do not hold yet.
WeakRemote Process::Impl::weakRemoteFor(std::uint32_t handle, std::int32_t stability)
{
	std::shared_ptr<detail::HandleRecord> rec;
	std::lock_guard g(mutex);
	auto &slot = handles[handle];
	rec = slot.lock();
	if (!rec) {
		rec = std::make_shared<detail::HandleRecord>(self.shared_from_this(), handle);
		protocol::CommandWriter cmds;
		cmds.increfs(handle);
		sendLocked(cmds);
		rec->counted = true;
		slot = rec;
	}
	if (stability) {
		std::int32_t unknown = 0;
		rec->stability.compare_exchange_strong(unknown, stability);
	}
	return detail::Access::makeWeak(std::move(rec));
}

std::shared_ptr<Binder> Process::Impl::findLocal(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	std::lock_guard g(mutex);
	auto it = nodes.find(ptr);
	if (it != nodes.end() && cookie == ptr)
		return it->second.binder.lock();
	return nullptr;
}

std::shared_ptr<Binder> Process::Impl::localFor(binderlite_uintptr_t ptr, binderlite_uintptr_t cookie)
{
	std::shared_ptr<Binder> b = findLocal(ptr, cookie);
	if (!b) {
		std::ostringstream s;
		s << "parcel: our object 0x" << std::hex << ptr << " (cookie 0x" << cookie << ") is unknown";
		throw Error(ErrorKind::Parcel, EBADMSG, s.str());
	}
	return b;
}

// BR_INCREFS, BR_ACQUIRE: the driver references a node of ours; hold the
// object, then confirm (BC_*_DONE). BR_RELEASE, BR_DECREFS: let go.
void Process::Impl::nodeCount(const Return &r, ThreadState &ts)
{
	std::shared_ptr<Binder> drop; // released after unlocking: may run ~Binder
	bool known = false;
	{
		std::lock_guard g(mutex);
		auto it = nodes.find(r.ref.ptr);
		if (it != nodes.end() && r.ref.cookie == r.ref.ptr) {
			Node &n = it->second;
			known = true;
			switch (r.cmd) {
			case BINDERLITE_BR_INCREFS:
			case BINDERLITE_BR_ACQUIRE:
				(r.cmd == BINDERLITE_BR_INCREFS ? n.weak : n.strong)++;
				if (!n.pin)
					n.pin = n.binder.lock();
				known = n.pin != nullptr;
				break;
			case BINDERLITE_BR_RELEASE:
				known = n.strong > 0;
				n.strong -= known;
				break;
			default:
				known = n.weak > 0;
				n.weak -= known;
				break;
			}
			if (!n.weak && !n.strong) {
				drop = std::move(n.pin);
				n.pin.reset();
				// Nobody else can take it from the table now.
				if (!drop || drop.use_count() == 1)
					nodes.erase(it);
			}
		}
	}
	if (r.cmd == BINDERLITE_BR_INCREFS)
		ts.out.increfsDone(r.ref.ptr, r.ref.cookie);
	else if (r.cmd == BINDERLITE_BR_ACQUIRE)
		ts.out.acquireDone(r.ref.ptr, r.ref.cookie);
	if (!known) {
		std::ostringstream s;
		s << protocol::returnName(r.cmd) << " for an object we do not know: 0x" << std::hex << r.ref.ptr;
		report(s.str());
	}
}

void Process::Impl::freeBuffer(binderlite_uintptr_t buffer) noexcept
{
	try {
		ThreadState &ts = thread();
		ts.out.freeBuffer(buffer);
		if (!ts.depth)
			flush(ts);
	} catch (const std::exception &e) {
		report(std::string("BC_FREE_BUFFER: ") + e.what());
	}
}

DeathToken Process::Impl::link(const std::shared_ptr<detail::HandleRecord> &rec, std::function<void()> callback)
{
	std::lock_guard g(mutex);
	if (rec->dead)
		throw DeadObject("linkToDeath: handle " + std::to_string(rec->handle) + " is dead");
	if (!rec->deathCookie) {
		const binderlite_uintptr_t cookie = nextCookie++;
		protocol::CommandWriter cmds;
		cmds.requestDeathNotification(rec->handle, cookie);
		sendLocked(cmds);
		rec->deathCookie = cookie;
		deaths[cookie] = rec;
	}
	const std::uint64_t token = nextToken++;
	rec->links.push_back({token, std::move(callback)});
	return DeathToken{token};
}

bool Process::Impl::unlink(detail::HandleRecord &rec, DeathToken token)
{
	std::function<void()> dropped; // destroyed after unlocking
	std::lock_guard g(mutex);
	auto it = std::find_if(rec.links.begin(), rec.links.end(),
			       [&](const auto &l) { return l.token == static_cast<std::uint64_t>(token); });
	if (it == rec.links.end())
		return false;
	dropped = std::move(it->callback);
	rec.links.erase(it);
	if (rec.links.empty() && rec.deathCookie && !rec.dead) {
		protocol::CommandWriter cmds;
		cmds.clearDeathNotification(rec.handle, rec.deathCookie);
		try {
			sendLocked(cmds);
			// BR_CLEAR_DEATH_NOTIFICATION_DONE needs nothing from us.
			deaths.erase(rec.deathCookie);
			rec.deathCookie = 0;
		} catch (const std::exception &e) {
			// Left asked for; cleared with the reference.
			report(std::string("BC_CLEAR_DEATH_NOTIFICATION: ") + e.what());
		}
	}
	return true;
}

void Process::Impl::deadBinder(ThreadState &ts, binderlite_uintptr_t cookie)
{
	std::shared_ptr<detail::HandleRecord> rec; // dropped after unlocking
	std::vector<detail::DeathLink> links;
	{
		std::lock_guard g(mutex);
		auto it = deaths.find(cookie);
		if (it != deaths.end()) {
			rec = it->second.lock();
			deaths.erase(it);
		}
		if (rec && rec->deathCookie == cookie) {
			rec->dead = true;
			links.swap(rec->links);
		}
	}
	ts.out.deadBinderDone(cookie);
	try {
		flush(ts);
	} catch (const std::exception &e) {
		report(std::string("BC_DEAD_BINDER_DONE: ") + e.what());
	}
	for (auto &l : links) {
		try {
			l.callback();
		} catch (const std::exception &e) {
			report(std::string("death callback: ") + e.what());
		} catch (...) {
			report("death callback: an exception that is no std::exception");
		}
	}
}

// The pool.

void Process::Impl::looperLoop(bool spawnedThread, std::uint64_t myEpoch)
{
	ThreadState &ts = thread();
	if (ts.looper)
		throw Error(ErrorKind::Usage, EDEADLK, "this thread is a looper already");
	{
		std::lock_guard g(poolMutex);
		loopers++;
	}
	ts.looper = true;
	ts.looperEpoch = myEpoch;
	if (spawnedThread)
		ts.out.registerLooper();
	else
		ts.out.enterLooper();

	struct Leave {
		Process::Impl &impl;
		ThreadState &ts;
		bool spawnedThread;
		~Leave()
		{
			ts.looper = false;
			ts.out.exitLooper();
			try {
				impl.flush(ts);
			} catch (const std::exception &e) {
				impl.report(std::string("BC_EXIT_LOOPER: ") + e.what());
			}
			std::lock_guard g(impl.poolMutex);
			impl.loopers--;
			if (spawnedThread && impl.spawned)
				impl.spawned--;
			impl.poolCv.notify_all();
		}
	} leave{*this, ts, spawnedThread};

	DepthGuard depth(ts);
	for (;;) {
		// Everything read is handled before leaving: a call read must
		// be answered.
		if (ts.inPos >= ts.inLen && epoch.load() != myEpoch)
			break;
		dispatch(ts, next(ts));
	}
}

// poolMutex held.
void Process::Impl::spawnLooper(bool spawnedThread)
{
	// The epoch is read now, under poolMutex: a thread that runs only after
	// stopThreadPool() moved the epoch on must see itself as stopped.
	threads.emplace_back([p = self.shared_from_this(), spawnedThread, myEpoch = epoch.load()] {
		Process::Impl &impl = detail::Access::impl(*p);
		try {
			impl.looperLoop(spawnedThread, myEpoch);
		} catch (const std::exception &e) {
			impl.report(std::string("pool thread: ") + e.what());
		}
	});
}

// Process.

Process::Process(Private, std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect)
	: impl_(std::make_unique<Impl>(*this, std::move(driver), poolSize, dialect))
{
}

Dialect defaultDialect()
{
	const char *env = std::getenv("BINDERLITE_DIALECT");
	if (!env || !*env)
		return kNewestDialect;
	const auto d = parseDialect(env);
	if (!d)
		throw Error(ErrorKind::Usage, EINVAL,
			    std::string("BINDERLITE_DIALECT=") + env + ": no such dialect (android8 to android16)");
	return *d;
}

Process::~Process()
{
	std::vector<std::thread> threads;
	{
		std::lock_guard g(impl_->poolMutex);
		threads.swap(impl_->threads);
	}
	// Pool threads keep us alive while they run; the last one to go may
	// be the one destroying us.
	for (auto &t : threads) {
		if (t.get_id() == std::this_thread::get_id())
			t.detach();
		else if (t.joinable())
			t.join();
	}
	if (!impl_->registryKey.empty()) {
		std::lock_guard g(g_registryMutex);
		auto it = g_registry.find(impl_->registryKey);
		if (it != g_registry.end() && it->second.expired())
			g_registry.erase(it);
	}
}

std::shared_ptr<Process> Process::open(const ProcessOptions &options)
{
	const Dialect dialect = options.dialect ? *options.dialect : defaultDialect();
	std::lock_guard g(g_registryMutex);
	auto it = g_registry.find(options.device);
	if (it != g_registry.end())
		if (auto p = it->second.lock(); p && p->impl_->pid == ::getpid()) {
			// Not the parent's, in a child of fork().
			if (p->impl_->dialect != dialect)
				throw Error(ErrorKind::Usage, EINVAL,
					    options.device + " is open in the " + toString(p->impl_->dialect) +
						    " dialect already, not " + toString(dialect));
			return p;
		}
	auto p = create(std::make_unique<SystemDriver>(options.device), options.poolSize, dialect);
	p->impl_->registryKey = options.device;
	g_registry.insert_or_assign(options.device, p);
	return p;
}

std::shared_ptr<Process> Process::create(std::unique_ptr<Driver> driver, std::size_t poolSize, Dialect dialect)
{
	return std::make_shared<Process>(Private{}, std::move(driver), poolSize, dialect);
}

Device &Process::device() noexcept { return impl_->device; }

Dialect Process::dialect() const noexcept { return impl_->dialect; }

void Process::setMaxThreads(std::uint32_t n)
{
	impl_->device.setMaxThreads(n);
	std::lock_guard g(impl_->poolMutex);
	impl_->maxThreads = n;
}

std::uint32_t Process::maxThreads() const noexcept
{
	std::lock_guard g(impl_->poolMutex);
	return impl_->maxThreads;
}

void Process::startThreadPool()
{
	std::lock_guard g(impl_->poolMutex);
	if (impl_->poolStarted)
		return;
	impl_->poolStarted = true;
	impl_->spawnLooper(false);
}

void Process::joinThreadPool() { impl_->looperLoop(false, impl_->epoch.load()); }

void Process::stopThreadPool()
{
	Impl &impl = *impl_;
	const bool selfLooper = impl.thread().looper;
	impl.epoch++;
	std::vector<std::thread> done;
	{
		std::unique_lock lk(impl.poolMutex);
		impl.poolStarted = false;
		while (impl.loopers > (selfLooper ? 1u : 0u)) {
			// A looper may have looked at the epoch just before it
			// changed, and blocked after the wake: wake again.
			lk.unlock();
			impl.device.wakeAll();
			lk.lock();
			impl.poolCv.wait_for(lk, std::chrono::milliseconds(20));
		}
		auto mine = std::partition(impl.threads.begin(), impl.threads.end(), [](const std::thread &t) {
			return t.get_id() == std::this_thread::get_id();
		});
		std::move(mine, impl.threads.end(), std::back_inserter(done));
		impl.threads.erase(mine, impl.threads.end());
	}
	for (auto &t : done)
		t.join();
}

std::size_t Process::looperCount() const
{
	std::lock_guard g(impl_->poolMutex);
	return impl_->loopers;
}

void Process::becomeContextManager(std::shared_ptr<Binder> binder)
{
	if (!binder)
		throw Error(ErrorKind::Usage, EINVAL, "becomeContextManager: no object");
	impl_->device.setContextManager(binder->id(), binder->id());
	std::lock_guard g(impl_->mutex);
	impl_->nodes[binder->id()].binder = binder;
	impl_->contextManager = std::move(binder);
}

bool Process::isContextManager() const noexcept
{
	std::lock_guard g(impl_->mutex);
	return impl_->contextManager != nullptr;
}

Remote Process::contextManager()
{
	if (isContextManager())
		throw Error(ErrorKind::Usage, EINVAL,
			    "contextManager(): this process is the context manager; it cannot hold handle 0");
	return impl_->remoteFor(0);
}

void Process::freeze(pid_t pid, std::chrono::milliseconds timeout) { impl_->device.freeze(pid, true, timeout); }

void Process::thaw(pid_t pid) { impl_->device.freeze(pid, false, std::chrono::milliseconds{0}); }

FrozenInfo Process::frozenInfo(pid_t pid)
{
	const auto info = impl_->device.frozenInfo(pid);
	return {
		.syncReceived = (info.sync_recv & 1) != 0,
		.asyncReceived = info.async_recv != 0,
		.transactionsPending = (info.sync_recv & 2) != 0,
	};
}

void Process::setErrorHandler(std::function<void(std::string_view)> handler)
{
	std::lock_guard g(impl_->errorMutex);
	impl_->errorHandler = std::move(handler);
}

std::size_t Process::handleCount() const
{
	std::lock_guard g(impl_->mutex);
	return static_cast<std::size_t>(std::count_if(impl_->handles.begin(), impl_->handles.end(),
						      [](const auto &kv) { return !kv.second.expired(); }));
}

std::size_t Process::nodeCount() const
{
	std::lock_guard g(impl_->mutex);
	return static_cast<std::size_t>(std::count_if(impl_->nodes.begin(), impl_->nodes.end(),
						      [](const auto &kv) { return kv.second.weak || kv.second.strong; }));
}

} // namespace binderlite
