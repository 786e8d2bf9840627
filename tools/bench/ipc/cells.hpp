// SPDX-License-Identifier: GPL-2.0
//
// The measurements. Each cell measures one transport at one point (a
// size, a number of clients or handles) once, in fresh processes, and
// returns its figures by name; it throws a Failure when it cannot.
#ifndef BLBENCH_CELLS_HPP
#define BLBENCH_CELLS_HPP

#include "options.hpp"
#include "sys.hpp"
#include "transport.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace blbench {

using Metrics = std::vector<std::pair<std::string, double>>;

// Sync round trips of @size bytes, request only (an empty reply) or echo:
// median_ns, p99_ns, mean_ns, min_ns, calls, mb_per_s (payload bytes
// moved per second of the median: the size, twice for an echo).
Metrics latencyCell(const RunOptions &opts, Transport t, std::size_t size, bool echo,
		    std::size_t maxSize);

// The largest payload a device takes in one call, between half its pool
// and all of it.
std::size_t largestPayload(const RunOptions &opts, Transport t);

// Oneway messages of @size bytes to a server that frees each as it comes:
// msgs_per_s, mb_per_s, refused (calls the driver refused for want of
// async space, then sent again).
Metrics onewayCell(const RunOptions &opts, Transport t, std::size_t size);

// @clients client processes calling one server (thread pool): calls_per_s,
// p50_ns, p99_ns (from a histogram over every call).
Metrics clientsCell(const RunOptions &opts, Transport t, std::size_t size, unsigned clients);

// Round trips through @handles handles (each to its own node, in random
// order) held by the client: median_ns, p99_ns, setup_ms (receiving and
// acquiring them).
Metrics handlesCell(const RunOptions &opts, Transport t, unsigned handles);

// Kernel memory per idle process (open + mmap of the device), in bytes,
// from the difference @procs processes make: memfree (the drop of free
// memory: the zones' free pages and the per-CPU free lists, from
// /proc/zoneinfo), slab, sunreclaim, pagetables, vmalloc (/proc/meminfo);
// and per slab cache (slab:NAME, /proc/slabinfo).
Metrics memoryCell(const RunOptions &opts, Transport t, unsigned procs);

// The receiver's resident pool pages: idle, burst_held (a burst of
// oneways queued, unread), after_burst (read and freed), after_drop_caches
// (the shrinkers run) and, for binderlite, after_reclaim (its debugfs
// reclaim file).
Metrics pagesCell(const RunOptions &opts, Transport t);

// Waits for @child's exit at most @timeout; throws unless it exited 0.
void expectExit(Child &child, std::chrono::milliseconds timeout, const std::string &what);

// The cell timeout as a duration.
std::chrono::milliseconds cellTimeout(const RunOptions &opts);

// Sleeps for @seconds.
void sleepFor(double seconds);

} // namespace blbench

#endif
