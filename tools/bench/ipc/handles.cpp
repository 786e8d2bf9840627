// SPDX-License-Identifier: GPL-2.0
//
// Round trips with many live handles: see cells.hpp.
#include "cells.hpp"

#include "binder.hpp"
#include "endpoints.hpp"
#include "stats.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace blbench {

namespace {

struct HandlesResult {
	LatencySummary summary;
	double setupMs = 0;
};

// The server hands objects out this many per reply.
constexpr std::uint32_t kChunk = 1000;

// Receives @count binder objects from the server (handle 0), each a node
// of its own, and keeps a strong reference to each: the handles.
std::vector<std::uint32_t> receiveHandles(binder::Thread &thread, std::uint32_t count)
{
	std::vector<std::uint32_t> handles;
	handles.reserve(count);
	for (std::uint32_t first = 0; first < count; first += kChunk) {
		const binder::HandOut req{.first = first, .count = std::min(kChunk, count - first)};
		const binder::Transaction r =
			thread.call(0, binder::kCodeHandOut, std::as_bytes(std::span(&req, 1)));
		if (r.offsets.size() != req.count)
			throw Failure("the server sent " + std::to_string(r.offsets.size()) +
				      " objects, not " + std::to_string(req.count));
		for (const binderlite_size_t off : r.offsets) {
			flat_binderlite_object obj;
			if (off + sizeof(obj) > r.data.size())
				throw Failure("an object outside the reply");
			std::memcpy(&obj, r.data.data() + off, sizeof(obj));
			if (obj.hdr.type != BINDERLITE_TYPE_HANDLE)
				throw Failure("an object that is not a handle");
			handles.push_back(obj.handle);
			// Our own reference, before the free drops the buffer's.
			thread.command(BINDERLITE_BC_ACQUIRE, &obj.handle, sizeof(obj.handle));
		}
		thread.freeBuffer(r.buffer);
		thread.flush();
	}
	if (std::set(handles.begin(), handles.end()).size() != count)
		throw Failure("the handles are not distinct");
	return handles;
}

} // namespace

Metrics handlesCell(const RunOptions &opts, Transport t, unsigned handles)
{
	if (!isDevice(t))
		throw Failure("handles exist on the devices only");
	if (handles == 0)
		throw Failure("at least one handle");
	ServerProcess server = startServer(opts, t, 1, 0, nullptr);
	Shared<HandlesResult> result;
	Child client = Child::spawn([&]() -> int {
		if (opts.pinCpu >= 0)
			pinToCpu(opts.pinCpu);
		binder::Device dev(devicePath(opts, t), opts.pool);
		binder::Thread thread(dev);
		const std::uint64_t s0 = nowNs();
		const std::vector<std::uint32_t> held = receiveHandles(thread, handles);
		result->setupMs = static_cast<double>(nowNs() - s0) / 1e6;
		// The handles in a random order (xorshift), the same every time.
		std::uint64_t x = 88172645463325252u;
		auto nextHandle = [&] {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			return held[x % held.size()];
		};
		auto once = [&] {
			const binder::Transaction r = thread.call(nextHandle(), binder::kCodePing, {});
			thread.freeBuffer(r.buffer);
		};
		for (unsigned i = 0; i < opts.warmupCalls; i++)
			once();
		std::vector<double> samples;
		const auto budget = static_cast<std::uint64_t>(opts.latencySeconds * 1e9);
		const std::uint64_t start = nowNs();
		while (samples.size() < opts.maxCalls &&
		       (samples.size() < opts.minCalls || nowNs() - start < budget)) {
			const std::uint64_t t0 = nowNs();
			once();
			samples.push_back(static_cast<double>(nowNs() - t0));
		}
		result->summary = summarize(std::move(samples));
		return 0;
	});
	expectExit(client, cellTimeout(opts), "the client");
	return {
		{"median_ns", result->summary.median},
		{"p99_ns", result->summary.p99},
		{"calls", static_cast<double>(result->summary.count)},
		{"setup_ms", result->setupMs},
	};
}

} // namespace blbench
