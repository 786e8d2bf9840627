// SPDX-License-Identifier: GPL-2.0
//
// Servers and callers: see endpoints.hpp.
#include "endpoints.hpp"

#include "stream.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace blbench {

namespace {

class DeviceCaller : public Caller {
public:
	DeviceCaller(const std::string &path, std::size_t pool) : dev_(path, pool), thread_(dev_) {}

	void call(std::span<const std::byte> payload, bool echo) override
	{
		const binder::Transaction r =
			thread_.call(0, echo ? binder::kCodeEcho : binder::kCodePing, payload);
		last_ = r.data;
		// Sent with the next call, as libbinder does.
		thread_.freeBuffer(r.buffer);
	}

	[[nodiscard]] bool echoed(std::span<const std::byte> payload) const override
	{
		return last_.size() == payload.size() &&
		       std::memcmp(last_.data(), payload.data(), payload.size()) == 0;
	}

private:
	binder::Device dev_;
	binder::Thread thread_;
	std::span<const std::byte> last_;
};

class StreamCaller : public Caller {
public:
	explicit StreamCaller(Duplex end) : client_(std::move(end)) {}

	void call(std::span<const std::byte> payload, bool echo) override
	{
		client_.call(echo ? binder::kCodeEcho : binder::kCodePing, payload);
	}

	[[nodiscard]] bool echoed(std::span<const std::byte> payload) const override
	{
		const auto r = client_.reply();
		return r.size() == payload.size() &&
		       std::memcmp(r.data(), payload.data(), payload.size()) == 0;
	}

private:
	stream::Client client_;
};

// One copy of the payload, or two for an echo (there and back).
class MemcpyCaller : public Caller {
public:
	explicit MemcpyCaller(std::size_t maxSize) : there_(maxSize), back_(maxSize) {}

	void call(std::span<const std::byte> payload, bool echo) override
	{
		std::memcpy(there_.data(), payload.data(), payload.size());
		clobber(there_.data());
		if (echo) {
			std::memcpy(back_.data(), there_.data(), payload.size());
			clobber(back_.data());
		}
		size_ = payload.size();
	}

	[[nodiscard]] bool echoed(std::span<const std::byte> payload) const override
	{
		return size_ == payload.size() && std::memcmp(back_.data(), payload.data(), size_) == 0;
	}

private:
	std::vector<std::byte> there_;
	std::vector<std::byte> back_;
	std::size_t size_ = 0;
};

// The kernel's copy from user memory into pages it owns (a pwrite into a
// memfd), and back to user memory for an echo (a pread).
class KernelCopyCaller : public Caller {
public:
	explicit KernelCopyCaller(std::size_t maxSize) : back_(maxSize)
	{
		fd_ = UniqueFd(::memfd_create("blbench-copy", MFD_CLOEXEC));
		if (!fd_.valid())
			throwErrno("memfd_create");
		if (::ftruncate(fd_.get(), static_cast<off_t>(maxSize)) < 0)
			throwErrno("ftruncate");
		// The file's pages exist before the first timed copy.
		const std::vector<std::byte> zeros(maxSize);
		if (maxSize && ::pwrite(fd_.get(), zeros.data(), maxSize, 0) != static_cast<ssize_t>(maxSize))
			throwErrno("pwrite");
	}

	void call(std::span<const std::byte> payload, bool echo) override
	{
		if (::pwrite(fd_.get(), payload.data(), payload.size(), 0) !=
		    static_cast<ssize_t>(payload.size()))
			throwErrno("pwrite");
		if (echo && ::pread(fd_.get(), back_.data(), payload.size(), 0) !=
				    static_cast<ssize_t>(payload.size()))
			throwErrno("pread");
		size_ = payload.size();
	}

	[[nodiscard]] bool echoed(std::span<const std::byte> payload) const override
	{
		return size_ == payload.size() && std::memcmp(back_.data(), payload.data(), size_) == 0;
	}

private:
	UniqueFd fd_;
	std::vector<std::byte> back_;
	std::size_t size_ = 0;
};

// Ready: set by the server once it serves.
struct ServerReady {
	FutexWord ready{0};
};

} // namespace

const std::string &devicePath(const RunOptions &opts, Transport t)
{
	return t == Transport::Binderlite ? opts.binderlitePath : opts.binderPath;
}

ServerProcess startServer(const RunOptions &opts, Transport t, unsigned connections,
			  unsigned maxThreads, binder::ServerCounters *counters)
{
	ServerProcess sp;
	if (isDevice(t)) {
		const std::string &path = devicePath(opts, t);
		const std::size_t pool = opts.pool;
		Shared<ServerReady> ready;
		sp.child = Child::spawn([&]() -> int {
			if (opts.pinCpu >= 0)
				pinToCpu(opts.pinCpu);
			binder::Device dev(path, pool);
			dev.becomeContextManager();
			binder::Server server(dev, maxThreads, counters);
			publish(ready->ready, 1);
			server.run();
		});
		// Making itself the context manager waits out a dead
		// predecessor for up to 10 s.
		if (!waitFor(ready->ready, [&] { return ready->ready.load() != 0; },
			     std::chrono::seconds(15)))
			throw Failure("the " + std::string(keyOf(t)) + " server did not start");
		if (auto st = sp.child.wait(std::chrono::milliseconds(0)))
			throw Failure("the " + std::string(keyOf(t)) + " server exited with status " +
				      std::to_string(*st));
		return sp;
	}
	std::vector<Duplex> serverEnds;
	for (unsigned i = 0; i < connections; i++) {
		if (t == Transport::Unix) {
			auto [a, b] = makeSocketPair();
			serverEnds.push_back(std::move(a));
			sp.clientEnds.push_back(std::move(b));
		} else if (t == Transport::Pipe) {
			Duplex request = makePipe(), reply = makePipe();
			serverEnds.push_back(Duplex{.in = std::move(request.in), .out = std::move(reply.out)});
			sp.clientEnds.push_back(Duplex{.in = std::move(reply.in), .out = std::move(request.out)});
		} else {
			throw Failure("no server for " + std::string(keyOf(t)));
		}
	}
	sp.child = Child::spawn([&]() -> int {
		if (opts.pinCpu >= 0)
			pinToCpu(opts.pinCpu);
		// Only the clients hold the clients' ends.
		{
			const auto drop = std::move(sp.clientEnds);
		}
		stream::serve(std::move(serverEnds), counters);
	});
	return sp;
}

std::unique_ptr<Caller> makeCaller(const RunOptions &opts, Transport t, Duplex *end,
				   std::size_t maxSize)
{
	switch (t) {
	case Transport::Binderlite:
	case Transport::Binder:
		return std::make_unique<DeviceCaller>(devicePath(opts, t), opts.pool);
	case Transport::Unix:
	case Transport::Pipe:
		if (!end)
			throw Failure("a stream caller needs its connection");
		return std::make_unique<StreamCaller>(std::move(*end));
	case Transport::Memcpy:
		return std::make_unique<MemcpyCaller>(maxSize);
	case Transport::KernelCopy:
		return std::make_unique<KernelCopyCaller>(maxSize);
	}
	throw Failure("unknown transport");
}

std::vector<std::byte> makePayload(std::size_t size)
{
	std::vector<std::byte> p(size);
	for (std::size_t i = 0; i < size; i++)
		p[i] = static_cast<std::byte>((i * 131 + (i >> 12)) & 0xff);
	return p;
}

} // namespace blbench
