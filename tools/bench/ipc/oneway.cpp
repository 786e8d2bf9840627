// SPDX-License-Identifier: GPL-2.0
//
// Oneway throughput: see cells.hpp.
#include "cells.hpp"

#include "binder.hpp"
#include "endpoints.hpp"
#include "stream.hpp"

#include <algorithm>

namespace blbench {

namespace {

struct OnewayControl {
	FutexWord started{0};
	std::atomic<std::uint32_t> stop{0};
	std::atomic<std::uint64_t> refused{0};
};

// How many oneways a device sender keeps in flight: what fits in three
// quarters of the receiver's async space (half its pool, each buffer
// charged its size and the driver's bookkeeping), at most 64. The sender
// waits for the server to take messages beyond that instead of having
// them refused.
std::uint64_t windowOf(std::size_t pool, std::size_t size)
{
	const std::size_t charge = ((size + 7) & ~std::size_t{7}) + 128;
	return std::clamp<std::uint64_t>(pool / 2 * 3 / 4 / charge, 1, 64);
}

} // namespace

Metrics onewayCell(const RunOptions &opts, Transport t, std::size_t size)
{
	if (isBound(t))
		throw Failure("no oneway for a copy bound");
	Shared<binder::ServerCounters> counters;
	Shared<OnewayControl> ctl;
	ServerProcess server = startServer(opts, t, 1, 0, &*counters);
	Duplex *end = server.clientEnds.empty() ? nullptr : &server.clientEnds[0];
	Child client = Child::spawn([&]() -> int {
		if (opts.pinCpu >= 0)
			pinToCpu(opts.pinCpu);
		const std::vector<std::byte> payload = makePayload(size);
		if (isDevice(t)) {
			binder::Device dev(devicePath(opts, t), opts.pool);
			binder::Thread thread(dev);
			const std::uint64_t window = windowOf(opts.pool, size);
			std::uint64_t sent = 0;
			publish(ctl->started, 1);
			while (!ctl->stop.load(std::memory_order_relaxed)) {
				const std::uint32_t seen = counters->progress.load();
				if (sent - counters->oneways.load() >= window) {
					counters->waiters.store(1);
					if (sent - counters->oneways.load() >= window)
						futexWait(counters->progress, seen, std::chrono::milliseconds(10));
					continue;
				}
				if (thread.oneway(0, binder::kCodeOneway, payload)) {
					sent++;
				} else {
					// Refused: wait for the server to free one.
					ctl->refused.fetch_add(1);
					counters->waiters.store(1);
					futexWait(counters->progress, seen, std::chrono::milliseconds(10));
				}
			}
		} else {
			stream::Client conn(std::move(*end));
			publish(ctl->started, 1);
			while (!ctl->stop.load(std::memory_order_relaxed))
				conn.send(binder::kCodeOneway, payload);
		}
		return 0;
	});
	server.clientEnds.clear();
	if (!waitFor(ctl->started, [&] { return ctl->started.load() != 0; }, cellTimeout(opts)))
		throw Failure("the sender did not start");
	sleepFor(opts.warmupSeconds);
	const std::uint64_t n0 = counters->oneways.load(), b0 = counters->onewayBytes.load();
	const std::uint64_t t0 = nowNs();
	sleepFor(opts.onewaySeconds);
	const std::uint64_t n1 = counters->oneways.load(), b1 = counters->onewayBytes.load();
	const std::uint64_t t1 = nowNs();
	ctl->stop.store(1);
	futexWakeAll(counters->progress);
	expectExit(client, cellTimeout(opts), "the sender");
	const double secs = static_cast<double>(t1 - t0) / 1e9;
	return {
		{"msgs_per_s", static_cast<double>(n1 - n0) / secs},
		{"mb_per_s", static_cast<double>(b1 - b0) / secs / 1e6},
		{"refused", static_cast<double>(ctl->refused.load())},
	};
}

} // namespace blbench
