// SPDX-License-Identifier: GPL-2.0
//
// Concurrent clients against one server: see cells.hpp.
#include "cells.hpp"

#include "endpoints.hpp"
#include "stats.hpp"

#include <numeric>

namespace blbench {

namespace {

constexpr unsigned kMaxClients = 64;

enum Phase : std::uint32_t {
	kPhaseWait = 0,
	kPhaseWarm = 1,
	kPhaseMeasure = 2,
	kPhaseStop = 3,
};

struct ClientsControl {
	FutexWord ready{0};
	FutexWord phase{kPhaseWait};
	std::array<std::atomic<std::uint64_t>, kMaxClients> calls{};
	std::array<Histogram, kMaxClients> latency{};
};

} // namespace

Metrics clientsCell(const RunOptions &opts, Transport t, std::size_t size, unsigned clients)
{
	if (clients == 0 || clients > kMaxClients)
		throw Failure("between 1 and " + std::to_string(kMaxClients) + " clients");
	if (isBound(t))
		throw Failure("no clients for a copy bound");
	Shared<ClientsControl> ctl;
	// Many clients: never pinned.
	RunOptions unpinned = opts;
	unpinned.pinCpu = -1;
	ServerProcess server = startServer(unpinned, t, clients, opts.serverThreads, nullptr);
	std::vector<Child> children;
	for (unsigned i = 0; i < clients; i++) {
		Duplex *end = server.clientEnds.empty() ? nullptr : &server.clientEnds[i];
		children.push_back(Child::spawn([&, i, end]() -> int {
			auto caller = makeCaller(opts, t, end, size);
			const std::vector<std::byte> payload = makePayload(size);
			caller->call(payload, false);
			ctl->ready.fetch_add(1);
			futexWakeAll(ctl->ready);
			waitFor(ctl->phase, [&] { return ctl->phase.load() != kPhaseWait; },
				cellTimeout(opts));
			std::uint64_t calls = 0;
			Histogram &hist = ctl->latency[i];
			for (;;) {
				const std::uint32_t phase = ctl->phase.load(std::memory_order_relaxed);
				if (phase == kPhaseStop)
					break;
				const std::uint64_t t0 = nowNs();
				caller->call(payload, false);
				if (phase == kPhaseMeasure) {
					hist.add(nowNs() - t0);
					calls++;
				}
			}
			ctl->calls[i].store(calls);
			return 0;
		}));
	}
	server.clientEnds.clear();
	if (!waitFor(ctl->ready, [&] { return ctl->ready.load() == clients; }, cellTimeout(opts)))
		throw Failure("the clients did not start");
	publish(ctl->phase, kPhaseWarm);
	sleepFor(opts.warmupSeconds);
	ctl->phase.store(kPhaseMeasure);
	const std::uint64_t t0 = nowNs();
	sleepFor(opts.clientsSeconds);
	ctl->phase.store(kPhaseStop);
	const std::uint64_t t1 = nowNs();
	for (Child &c : children)
		expectExit(c, cellTimeout(opts), "a client");
	Histogram all;
	std::uint64_t calls = 0;
	for (unsigned i = 0; i < clients; i++) {
		all.merge(ctl->latency[i]);
		calls += ctl->calls[i].load();
	}
	return {
		{"calls_per_s", static_cast<double>(calls) / (static_cast<double>(t1 - t0) / 1e9)},
		{"p50_ns", all.quantile(0.5)},
		{"p99_ns", all.quantile(0.99)},
	};
}

} // namespace blbench
