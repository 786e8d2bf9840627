// SPDX-License-Identifier: GPL-2.0
//
// The binder protocol layer: see binder.hpp.
#include "binder.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

namespace blbench::binder {

namespace {

template <typename T> binderlite_uintptr_t addressOf(const T *p)
{
	return reinterpret_cast<binderlite_uintptr_t>(p);
}

} // namespace

Device::Device(const std::string &path, std::size_t poolSize) : path_(path)
{
	fd_ = UniqueFd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
	if (!fd_.valid())
		throwErrno("open " + path);
	binderlite_version ver{};
	if (::ioctl(fd_.get(), BINDERLITE_VERSION, &ver) < 0)
		throwErrno(path + ": BINDERLITE_VERSION");
	if (ver.protocol_version != BINDERLITE_CURRENT_PROTOCOL_VERSION)
		throw Failure(path + ": protocol version " + std::to_string(ver.protocol_version));
	void *p = ::mmap(nullptr, poolSize, PROT_READ, MAP_PRIVATE, fd_.get(), 0);
	if (p == MAP_FAILED)
		throwErrno(path + ": mmap of the receive pool");
	pool_ = Mapping(p, poolSize);
}

void Device::setMaxThreads(std::uint32_t n) const
{
	if (::ioctl(fd_.get(), BINDERLITE_SET_MAX_THREADS, &n) < 0)
		throwErrno(path_ + ": BINDERLITE_SET_MAX_THREADS");
}

void Device::becomeContextManager() const
{
	const std::uint64_t deadline = nowNs() + 10'000'000'000u;
	for (;;) {
		std::int32_t unused = 0;
		if (::ioctl(fd_.get(), BINDERLITE_SET_CONTEXT_MGR, &unused) == 0)
			return;
		if (errno != EBUSY || nowNs() > deadline)
			throwErrno(path_ + ": BINDERLITE_SET_CONTEXT_MGR");
		::usleep(1000);
	}
}

std::string returnName(std::uint32_t cmd)
{
	switch (cmd) {
	case BINDERLITE_BR_ERROR: return "BR_ERROR";
	case BINDERLITE_BR_OK: return "BR_OK";
	case BINDERLITE_BR_TRANSACTION: return "BR_TRANSACTION";
	case BINDERLITE_BR_REPLY: return "BR_REPLY";
	case BINDERLITE_BR_DEAD_REPLY: return "BR_DEAD_REPLY";
	case BINDERLITE_BR_TRANSACTION_COMPLETE: return "BR_TRANSACTION_COMPLETE";
	case BINDERLITE_BR_INCREFS: return "BR_INCREFS";
	case BINDERLITE_BR_ACQUIRE: return "BR_ACQUIRE";
	case BINDERLITE_BR_RELEASE: return "BR_RELEASE";
	case BINDERLITE_BR_DECREFS: return "BR_DECREFS";
	case BINDERLITE_BR_NOOP: return "BR_NOOP";
	case BINDERLITE_BR_SPAWN_LOOPER: return "BR_SPAWN_LOOPER";
	case BINDERLITE_BR_FAILED_REPLY: return "BR_FAILED_REPLY";
	case BINDERLITE_BR_FROZEN_REPLY: return "BR_FROZEN_REPLY";
	case BINDERLITE_BR_ONEWAY_SPAM_SUSPECT: return "BR_ONEWAY_SPAM_SUSPECT";
	default: return "return " + std::to_string(cmd);
	}
}

Thread::Thread(const Device &dev, std::size_t readSize) : dev_(dev), in_(readSize)
{
	out_.reserve(256);
}

void Thread::append(const void *p, std::size_t n)
{
	const auto *b = static_cast<const std::byte *>(p);
	out_.insert(out_.end(), b, b + n);
}

void Thread::command(std::uint32_t cmd)
{
	append(&cmd, sizeof(cmd));
}

void Thread::command(std::uint32_t cmd, const void *arg, std::size_t size)
{
	append(&cmd, sizeof(cmd));
	append(arg, size);
}

void Thread::transaction(std::uint32_t handle, std::uint32_t code, std::uint32_t flags,
			 std::span<const std::byte> data, std::span<const binderlite_size_t> offsets)
{
	binderlite_transaction_data tr{};
	tr.target.handle = handle;
	tr.code = code;
	tr.flags = flags;
	tr.data_size = data.size();
	tr.offsets_size = offsets.size_bytes();
	tr.data.ptr.buffer = addressOf(data.data());
	tr.data.ptr.offsets = addressOf(offsets.data());
	command(BINDERLITE_BC_TRANSACTION, &tr, sizeof(tr));
}

void Thread::reply(std::span<const std::byte> data, std::span<const binderlite_size_t> offsets)
{
	binderlite_transaction_data tr{};
	tr.data_size = data.size();
	tr.offsets_size = offsets.size_bytes();
	tr.data.ptr.buffer = addressOf(data.data());
	tr.data.ptr.offsets = addressOf(offsets.data());
	command(BINDERLITE_BC_REPLY, &tr, sizeof(tr));
}

void Thread::freeBuffer(binderlite_uintptr_t buffer)
{
	command(BINDERLITE_BC_FREE_BUFFER, &buffer, sizeof(buffer));
}

void Thread::talk(bool read)
{
	std::size_t written = 0;
	for (;;) {
		binderlite_write_read bwr{};
		bwr.write_size = out_.size() - written;
		bwr.write_buffer = addressOf(out_.data() + written);
		if (read) {
			bwr.read_size = in_.size();
			bwr.read_buffer = addressOf(in_.data());
		}
		const int rc = ::ioctl(dev_.fd(), BINDERLITE_WRITE_READ, &bwr);
		written += bwr.write_consumed;
		if (rc == 0 || (errno == EINTR && bwr.read_consumed > 0)) {
			inPos_ = 0;
			inLen_ = read ? bwr.read_consumed : 0;
			if (written < out_.size())
				throw Failure(dev_.path() + ": the driver left commands unconsumed");
			out_.clear();
			return;
		}
		if (errno != EINTR)
			throwErrno(dev_.path() + ": BINDERLITE_WRITE_READ");
	}
}

void Thread::flush()
{
	if (!out_.empty())
		talk(false);
}

Return Thread::next()
{
	while (inPos_ >= inLen_)
		talk(true);
	Return r;
	auto take = [&](void *dst, std::size_t n) {
		if (inPos_ + n > inLen_)
			throw Failure(dev_.path() + ": a return cut short");
		std::memcpy(dst, in_.data() + inPos_, n);
		inPos_ += n;
	};
	take(&r.cmd, sizeof(r.cmd));
	switch (r.cmd) {
	case BINDERLITE_BR_TRANSACTION:
	case BINDERLITE_BR_REPLY: {
		binderlite_transaction_data tr;
		take(&tr, sizeof(tr));
		r.txn.target = tr.target.ptr;
		r.txn.code = tr.code;
		r.txn.flags = tr.flags;
		r.txn.buffer = tr.data.ptr.buffer;
		r.txn.data = {reinterpret_cast<const std::byte *>(tr.data.ptr.buffer),
			      static_cast<std::size_t>(tr.data_size)};
		r.txn.offsets = {reinterpret_cast<const binderlite_size_t *>(tr.data.ptr.offsets),
				 static_cast<std::size_t>(tr.offsets_size / sizeof(binderlite_size_t))};
		break;
	}
	case BINDERLITE_BR_INCREFS:
	case BINDERLITE_BR_ACQUIRE:
	case BINDERLITE_BR_RELEASE:
	case BINDERLITE_BR_DECREFS:
		take(&r.node, sizeof(r.node));
		break;
	case BINDERLITE_BR_ERROR:
		take(&r.error, sizeof(r.error));
		break;
	default: {
		// Every other return: its payload's size is in its number.
		const std::size_t n = _IOC_SIZE(r.cmd);
		if (inPos_ + n > inLen_)
			throw Failure(dev_.path() + ": a return cut short");
		inPos_ += n;
		break;
	}
	}
	return r;
}

Transaction Thread::call(std::uint32_t handle, std::uint32_t code, std::span<const std::byte> data,
			 std::span<const binderlite_size_t> offsets)
{
	transaction(handle, code, 0, data, offsets);
	for (;;) {
		Return r = next();
		switch (r.cmd) {
		case BINDERLITE_BR_NOOP:
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
		case BINDERLITE_BR_SPAWN_LOOPER:
			continue;
		case BINDERLITE_BR_REPLY:
			if (r.txn.flags & BINDERLITE_TF_STATUS_CODE) {
				freeBuffer(r.txn.buffer);
				throw Failure(dev_.path() + ": the call was answered with a status code");
			}
			return r.txn;
		case BINDERLITE_BR_ERROR:
			throw Failure(dev_.path() + ": BR_ERROR " + std::to_string(r.error));
		case BINDERLITE_BR_INCREFS:
		case BINDERLITE_BR_ACQUIRE:
		case BINDERLITE_BR_RELEASE:
		case BINDERLITE_BR_DECREFS:
			continue;
		default:
			throw Failure(dev_.path() + ": the call failed: " + returnName(r.cmd));
		}
	}
}

bool Thread::oneway(std::uint32_t handle, std::uint32_t code, std::span<const std::byte> data)
{
	transaction(handle, code, BINDERLITE_TF_ONE_WAY, data);
	for (;;) {
		Return r = next();
		switch (r.cmd) {
		case BINDERLITE_BR_NOOP:
			continue;
		case BINDERLITE_BR_TRANSACTION_COMPLETE:
			return true;
		case BINDERLITE_BR_FAILED_REPLY:
			return false;
		default:
			throw Failure(dev_.path() + ": the oneway call failed: " + returnName(r.cmd));
		}
	}
}

Server::Server(const Device &dev, std::uint32_t maxThreads, ServerCounters *counters)
	: dev_(dev), maxThreads_(maxThreads), counters_(counters)
{
}

void Server::run()
{
	dev_.setMaxThreads(maxThreads_);
	loop(true);
	// loop() returns only by throwing.
	std::abort();
}

void Server::handle(Thread &t, const Transaction &txn)
{
	if (txn.flags & BINDERLITE_TF_ONE_WAY) {
		t.freeBuffer(txn.buffer);
		if (counters_) {
			counters_->onewayBytes.fetch_add(txn.data.size(), std::memory_order_relaxed);
			counters_->oneways.fetch_add(1);
			counters_->progress.fetch_add(1);
			if (counters_->waiters.exchange(0))
				futexWakeAll(counters_->progress);
		}
		return;
	}
	switch (txn.code) {
	case kCodeEcho:
		// The reply is copied from the request, read in place in our
		// pool; the request's buffer is freed after it.
		t.reply(txn.data);
		t.freeBuffer(txn.buffer);
		return;
	case kCodeHandOut: {
		HandOut req{};
		if (txn.data.size() >= sizeof(req))
			std::memcpy(&req, txn.data.data(), sizeof(req));
		t.freeBuffer(txn.buffer);
		std::vector<flat_binderlite_object> objs(req.count);
		std::vector<binderlite_size_t> offsets(req.count);
		for (std::uint32_t i = 0; i < req.count; i++) {
			objs[i].hdr.type = BINDERLITE_TYPE_BINDER;
			objs[i].flags = 0;
			objs[i].binder = nodePtr(req.first + i);
			objs[i].cookie = req.first + i;
			offsets[i] = i * sizeof(flat_binderlite_object);
		}
		t.reply(std::as_bytes(std::span(objs)), offsets);
		// objs and offsets go out of scope: send now.
		t.flush();
		return;
	}
	default:
		t.freeBuffer(txn.buffer);
		t.reply({});
		return;
	}
}

void Server::loop(bool main)
{
	Thread t(dev_, 16384);
	t.command(main ? BINDERLITE_BC_ENTER_LOOPER : BINDERLITE_BC_REGISTER_LOOPER);
	for (;;) {
		Return r = t.next();
		switch (r.cmd) {
		case BINDERLITE_BR_TRANSACTION:
			handle(t, r.txn);
			break;
		case BINDERLITE_BR_SPAWN_LOOPER: {
			const std::lock_guard lock(mutex_);
			threads_.emplace_back([this] {
				try {
					loop(false);
				} catch (const std::exception &e) {
					std::cerr << "# server thread: " << e.what() << '\n';
					std::_Exit(1);
				}
			});
			break;
		}
		case BINDERLITE_BR_INCREFS:
			t.command(BINDERLITE_BC_INCREFS_DONE, &r.node, sizeof(r.node));
			break;
		case BINDERLITE_BR_ACQUIRE:
			t.command(BINDERLITE_BC_ACQUIRE_DONE, &r.node, sizeof(r.node));
			break;
		case BINDERLITE_BR_ERROR:
			throw Failure(dev_.path() + ": server: BR_ERROR " + std::to_string(r.error));
		default:
			// BR_NOOP, BR_TRANSACTION_COMPLETE, BR_RELEASE,
			// BR_DECREFS, a failed reply to a client gone.
			break;
		}
	}
}

} // namespace blbench::binder
