// SPDX-License-Identifier: GPL-2.0
//
// Sync round trips, one client and one server: see cells.hpp.
#include "cells.hpp"

#include "binder.hpp"
#include "endpoints.hpp"
#include "stats.hpp"

#include <thread>

namespace blbench {

void expectExit(Child &child, std::chrono::milliseconds timeout, const std::string &what)
{
	const auto st = child.wait(timeout);
	if (!st) {
		child.kill();
		throw Failure(what + " did not finish within " + std::to_string(timeout.count() / 1000) + " s");
	}
	if (*st != 0)
		throw Failure(what + " failed (exit status " + std::to_string(*st) + ")");
}

std::chrono::milliseconds cellTimeout(const RunOptions &opts)
{
	return std::chrono::seconds(opts.cellTimeoutSeconds);
}

void sleepFor(double seconds)
{
	std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

namespace {

struct LatencyResult {
	LatencySummary summary;
};

} // namespace

Metrics latencyCell(const RunOptions &opts, Transport t, std::size_t size, bool echo,
		    std::size_t maxSize)
{
	ServerProcess server;
	if (!isBound(t))
		server = startServer(opts, t, 1, 0, nullptr);
	Duplex *end = server.clientEnds.empty() ? nullptr : &server.clientEnds[0];
	Shared<LatencyResult> result;
	Child client = Child::spawn([&]() -> int {
		if (opts.pinCpu >= 0)
			pinToCpu(opts.pinCpu);
		auto caller = makeCaller(opts, t, end, maxSize);
		const std::vector<std::byte> payload = makePayload(size);
		for (unsigned i = 0; i < opts.warmupCalls; i++)
			caller->call(payload, echo);
		if (echo && !caller->echoed(payload))
			throw Failure("the echo came back different");
		std::vector<double> samples;
		samples.reserve(1024);
		const auto budget = static_cast<std::uint64_t>(opts.latencySeconds * 1e9);
		const std::uint64_t start = nowNs();
		while (samples.size() < opts.maxCalls &&
		       (samples.size() < opts.minCalls || nowNs() - start < budget)) {
			const std::uint64_t t0 = nowNs();
			caller->call(payload, echo);
			samples.push_back(static_cast<double>(nowNs() - t0));
		}
		result->summary = summarize(std::move(samples));
		return 0;
	});
	server.clientEnds.clear();
	expectExit(client, cellTimeout(opts), "the client");
	const LatencySummary &s = result->summary;
	const double bytes = static_cast<double>(size) * (echo ? 2 : 1);
	return {
		{"median_ns", s.median},
		{"p99_ns", s.p99},
		{"mean_ns", s.mean},
		{"min_ns", s.min},
		{"calls", static_cast<double>(s.count)},
		{"mb_per_s", s.median > 0 ? bytes / s.median * 1e3 : 0},
	};
}

namespace {

struct Probe {
	std::uint64_t largest = 0;
};

} // namespace

std::size_t largestPayload(const RunOptions &opts, Transport t)
{
	ServerProcess server = startServer(opts, t, 1, 0, nullptr);
	Shared<Probe> probe;
	Child client = Child::spawn([&]() -> int {
		binder::Device dev(devicePath(opts, t), opts.pool);
		binder::Thread thread(dev);
		const std::vector<std::byte> payload(opts.pool);
		auto fits = [&](std::size_t n) {
			try {
				const binder::Transaction r = thread.call(
					0, binder::kCodePing, std::span(payload).first(n));
				thread.freeBuffer(r.buffer);
				thread.flush();
				return true;
			} catch (const Failure &) {
				return false;
			}
		};
		// Binary search, 8 bytes apart (the alignment of every size).
		std::size_t good = opts.pool / 2, bad = opts.pool + 8;
		if (!fits(good))
			throw Failure("half the pool does not fit in one call");
		if (fits(opts.pool))
			good = opts.pool;
		while (bad - good > 8) {
			const std::size_t mid = (good + (bad - good) / 2) & ~std::size_t{7};
			(fits(mid) ? good : bad) = mid;
		}
		probe->largest = good;
		return 0;
	});
	expectExit(client, cellTimeout(opts), "the probe of the largest payload");
	return probe->largest;
}

} // namespace blbench
