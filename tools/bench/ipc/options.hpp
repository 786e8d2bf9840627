// SPDX-License-Identifier: GPL-2.0
//
// The parameters of a run: what is measured, how long and how often.
// main.cpp fills them from the command line; --quick and --smoke are
// presets of them.
#ifndef BLBENCH_OPTIONS_HPP
#define BLBENCH_OPTIONS_HPP

#include "transport.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace blbench {

// The measurements, in the order a repeat runs them.
inline const std::vector<std::string> kAllTests = {
	"latency", "echo", "oneway", "clients", "handles", "memory", "pages",
};

struct RunOptions {
	std::vector<std::string> tests = kAllTests;
	// The IPC transports; the copy bounds join the latency tests unless
	// bounds is false.
	std::vector<Transport> transports = {Transport::Binderlite, Transport::Binder,
					     Transport::Unix, Transport::Pipe};
	bool bounds = true;
	std::string binderlitePath = "/dev/binderlite";
	std::string binderPath = "/dev/binder";
	unsigned repeats = 3;

	// Payload sizes of the round trips; 0 in maxSizeWanted's place is
	// replaced by the largest payload both devices take.
	std::vector<std::uint64_t> sizes = {0, 64, 512, 4096, 16384, 65536, 262144, 1048576};
	bool maxSizeWanted = true;
	std::vector<std::uint64_t> onewaySizes = {0, 64, 4096, 16384, 65536, 262144};
	std::vector<unsigned> clients = {1, 2, 4, 8, 16, 32};
	std::vector<std::uint64_t> clientSizes = {0, 4096};
	std::vector<unsigned> handles = {10, 10000};

	// Round trips: each cell runs for latencySeconds and at least
	// minCalls calls (at most maxCalls), after warmupCalls untimed.
	double latencySeconds = 0.25;
	unsigned minCalls = 5;
	unsigned maxCalls = 20000;
	unsigned warmupCalls = 3;
	// Oneway and concurrent cells: warmupSeconds, then measured for
	// their seconds.
	double onewaySeconds = 0.5;
	double clientsSeconds = 0.5;
	double warmupSeconds = 0.2;

	// The receive pool of the round-trip, oneway, clients and handles
	// cells (binder maps at most 4 MiB).
	std::size_t pool = 4 << 20;
	// The pool of the memory and pages cells: Android's (BINDER_VM_SIZE,
	// 1 MiB less two pages).
	std::size_t memoryPool = (1 << 20) - 8192;
	unsigned memoryProcs = 100;
	std::size_t burstSize = 16384;
	// The server's thread pool: BINDERLITE_SET_MAX_THREADS (libbinder's
	// default), besides its main thread.
	unsigned serverThreads = 15;
	// A cell that takes longer fails.
	unsigned cellTimeoutSeconds = 120;
	// The CPU the one client and its server of the single-client cells
	// (latency, echo, oneway, handles) are pinned to; -1: none. On one
	// CPU every wake-up is local: no cross-vCPU wake-up, which a busy
	// host makes cost milliseconds under QEMU/TCG.
	int pinCpu = -1;
};

} // namespace blbench

#endif
