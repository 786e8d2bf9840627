// SPDX-License-Identifier: GPL-2.0
//
// Kernel memory per idle process and resident pool pages: see cells.hpp.
#include "cells.hpp"

#include "binder.hpp"
#include "endpoints.hpp"

#include <unistd.h>

#include <map>
#include <optional>
#include <sstream>

namespace blbench {

namespace {

constexpr const char *kBinderliteDebugfs = "/sys/kernel/debug/binderlite";
constexpr const char *kBinderDebugfs = "/sys/kernel/debug/binder";

// /proc/meminfo, in bytes by key.
std::map<std::string, double> readMeminfo()
{
	std::map<std::string, double> m;
	std::istringstream in(readFile("/proc/meminfo"));
	std::string key, unit;
	double value;
	while (in >> key >> value) {
		std::getline(in, unit);
		if (!key.empty() && key.back() == ':')
			key.pop_back();
		m[key] = value * (unit.find("kB") != std::string::npos ? 1024 : 1);
	}
	return m;
}

// /proc/slabinfo: the bytes of the objects in use, by cache.
std::map<std::string, double> readSlabinfo()
{
	std::map<std::string, double> m;
	std::istringstream in(readFile("/proc/slabinfo"));
	std::string line;
	while (std::getline(in, line)) {
		if (line.starts_with("slabinfo") || line.starts_with("#"))
			continue;
		std::istringstream l(line);
		std::string name;
		double active, total, objsize;
		if (l >> name >> active >> total >> objsize)
			m[name] = active * objsize;
	}
	return m;
}

// The free memory, exactly: the zones' free pages and the pages on the
// per-CPU free lists (which MemFree leaves out, so that it moves by up to
// hundreds of pages with no allocation at all), after folding every CPU's
// pending counter updates (stat_refresh). In bytes.
double freeMemory()
{
	// Root only; without it the counters lag by a few pages per CPU.
	try {
		writeFile("/proc/sys/vm/stat_refresh", "1\n");
	} catch (const Failure &) {
	}
	std::istringstream in(readFile("/proc/zoneinfo"));
	std::string line;
	double pages = 0;
	while (std::getline(in, line)) {
		std::istringstream l(line);
		std::string a, b;
		double n;
		if (!(l >> a))
			continue;
		if (a == "pages" && l >> b >> n && b == "free")
			pages += n;
		else if (a == "count:" && l >> n)
			pages += n;
	}
	return pages * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

// Lets what the bench just did settle (RCU frees, deferred work) before a
// snapshot.
void settle()
{
	::sync();
	sleepFor(0.3);
}

enum Phase : std::uint32_t {
	kPhaseIdle = 0,
	kPhaseOpen = 1,
	kPhaseExit = 2,
};

struct MemoryControl {
	FutexWord acks{0};
	FutexWord phase{kPhaseIdle};
};

} // namespace

Metrics memoryCell(const RunOptions &opts, Transport t, unsigned procs)
{
	if (!isDevice(t))
		throw Failure("memory per process is measured for the devices only");
	Shared<MemoryControl> ctl;
	const std::string &path = devicePath(opts, t);
	std::vector<Child> children;
	children.reserve(procs);
	for (unsigned i = 0; i < procs; i++) {
		children.push_back(Child::spawn([&]() -> int {
			std::optional<binder::Device> dev;
			ctl->acks.fetch_add(1);
			futexWakeAll(ctl->acks);
			waitFor(ctl->phase, [&] { return ctl->phase.load() != kPhaseIdle; },
				std::chrono::hours(1));
			if (ctl->phase.load() != kPhaseOpen)
				return 0;
			dev.emplace(path, opts.memoryPool);
			ctl->acks.fetch_add(1);
			futexWakeAll(ctl->acks);
			waitFor(ctl->phase, [&] { return ctl->phase.load() == kPhaseExit; },
				std::chrono::hours(1));
			return 0;
		}));
	}
	auto acked = [&](unsigned n) {
		if (!waitFor(ctl->acks, [&] { return ctl->acks.load() >= n; }, cellTimeout(opts)))
			throw Failure("the idle processes did not answer");
	};
	acked(procs);
	settle();
	const double free0 = freeMemory();
	const auto mem0 = readMeminfo();
	const auto slab0 = readSlabinfo();
	publish(ctl->phase, kPhaseOpen);
	acked(2 * procs);
	settle();
	const double free1 = freeMemory();
	const auto mem1 = readMeminfo();
	const auto slab1 = readSlabinfo();
	publish(ctl->phase, kPhaseExit);
	for (Child &c : children)
		expectExit(c, cellTimeout(opts), "an idle process");

	const double n = procs;
	auto delta = [&](const char *key) {
		const auto a = mem0.find(key), b = mem1.find(key);
		return a == mem0.end() || b == mem1.end() ? 0.0 : (b->second - a->second) / n;
	};
	Metrics m = {
		{"memfree", (free0 - free1) / n},
		{"slab", delta("Slab")},
		{"sunreclaim", delta("SUnreclaim")},
		{"pagetables", delta("PageTables")},
		{"vmalloc", delta("VmallocUsed")},
	};
	for (const auto &[name, bytes] : slab1) {
		const auto before = slab0.find(name);
		const double d = (bytes - (before == slab0.end() ? 0 : before->second)) / n;
		// Only what grew by 32 bytes per process or more.
		if (d >= 32)
			m.emplace_back("slab:" + name, d);
	}
	return m;
}

namespace {

// The resident pages of @pid's receive pool, as the driver's debugfs
// tells them: binderlite's "pools" (the pages_resident column of the
// pid's rows), binder's "stats" (the pages line of each "proc PID"
// section: active and lru pages, free pages being the unallocated ones).
double residentPages(Transport t, pid_t pid)
{
	double pages = 0;
	if (t == Transport::Binderlite) {
		std::istringstream in(readFile(std::string(kBinderliteDebugfs) + "/pools"));
		std::string line, word;
		std::getline(in, line);
		std::istringstream head(line);
		int col = -1;
		for (int i = 0; head >> word; i++)
			if (word == "pages_resident")
				col = i;
		if (col < 0)
			throw Failure("binderlite's pools file has no pages_resident column");
		while (std::getline(in, line)) {
			std::istringstream row(line);
			std::vector<std::string> cells;
			while (row >> word)
				cells.push_back(word);
			if (static_cast<int>(cells.size()) > col && cells[0] == std::to_string(pid))
				pages += std::stod(cells[static_cast<std::size_t>(col)]);
		}
		return pages;
	}
	std::istringstream in(readFile(std::string(kBinderDebugfs) + "/stats"));
	std::string line;
	bool ours = false;
	while (std::getline(in, line)) {
		if (line.starts_with("proc "))
			ours = line == "proc " + std::to_string(pid);
		int active, lru, free;
		if (ours && std::sscanf(line.c_str(), "  pages: %d:%d:%d", &active, &lru, &free) == 3)
			pages += active + lru;
	}
	return pages;
}

enum PagesPhase : std::uint32_t {
	kPagesIdle = 0,
	kPagesBurst = 1,
	kPagesDrain = 2,
};

struct PagesControl {
	FutexWord serverReady{0};
	FutexWord clientReady{0};
	FutexWord phase{kPagesIdle};
	FutexWord burstSent{0};
	FutexWord drained{0};
	std::atomic<std::uint32_t> messages{0};
};

} // namespace

Metrics pagesCell(const RunOptions &opts, Transport t)
{
	if (!isDevice(t))
		throw Failure("pool pages exist on the devices only");
	const std::string &path = devicePath(opts, t);
	const std::size_t pool = opts.memoryPool;
	Shared<PagesControl> ctl;
	// The burst: oneways that fill three quarters of the async space
	// (half the pool), queued while the server does not read.
	const auto burst = static_cast<std::uint32_t>(
		std::max<std::size_t>(1, pool / 2 * 3 / 4 / (opts.burstSize + 128)));
	auto forPhase = [&](std::uint32_t phase) {
		waitFor(ctl->phase, [&] { return ctl->phase.load() >= phase; }, std::chrono::hours(1));
	};
	Child server = Child::spawn([&]() -> int {
		binder::Device dev(path, pool);
		dev.becomeContextManager();
		binder::Thread thread(dev);
		thread.command(BINDERLITE_BC_ENTER_LOOPER);
		thread.flush();
		publish(ctl->serverReady, 1);
		forPhase(kPagesDrain);
		std::uint32_t got = 0;
		while (got < ctl->messages.load()) {
			const binder::Return r = thread.next();
			if (r.cmd == BINDERLITE_BR_TRANSACTION) {
				thread.freeBuffer(r.txn.buffer);
				got++;
			}
		}
		thread.flush();
		publish(ctl->drained, 1);
		forPhase(kPagesDrain + 1);
		return 0;
	});
	if (!waitFor(ctl->serverReady, [&] { return ctl->serverReady.load() != 0; }, cellTimeout(opts)))
		throw Failure("the server did not start");
	Child client = Child::spawn([&]() -> int {
		binder::Device dev(path, pool);
		binder::Thread thread(dev);
		const std::vector<std::byte> payload = makePayload(opts.burstSize);
		publish(ctl->clientReady, 1);
		forPhase(kPagesBurst);
		std::uint32_t sent = 0;
		for (; sent < burst; sent++)
			if (!thread.oneway(0, binder::kCodeOneway, payload))
				break;
		ctl->messages.store(sent);
		publish(ctl->burstSent, 1);
		forPhase(kPagesDrain + 1);
		return 0;
	});
	if (!waitFor(ctl->clientReady, [&] { return ctl->clientReady.load() != 0; }, cellTimeout(opts)))
		throw Failure("the client did not start");
	settle();
	Metrics m;
	m.emplace_back("idle", residentPages(t, server.pid()));
	m.emplace_back("client_idle", residentPages(t, client.pid()));
	publish(ctl->phase, kPagesBurst);
	if (!waitFor(ctl->burstSent, [&] { return ctl->burstSent.load() != 0; }, cellTimeout(opts)))
		throw Failure("the burst was not sent");
	m.emplace_back("burst_messages", ctl->messages.load());
	m.emplace_back("burst_held", residentPages(t, server.pid()));
	publish(ctl->phase, kPagesDrain);
	if (!waitFor(ctl->drained, [&] { return ctl->drained.load() != 0; }, cellTimeout(opts)))
		throw Failure("the server did not read the burst");
	m.emplace_back("after_burst", residentPages(t, server.pid()));
	// Every shrinker, binder's and binderlite's among them.
	writeFile("/proc/sys/vm/drop_caches", "2\n");
	m.emplace_back("after_drop_caches", residentPages(t, server.pid()));
	if (t == Transport::Binderlite) {
		writeFile(std::string(kBinderliteDebugfs) + "/reclaim", "1000000\n");
		m.emplace_back("after_reclaim", residentPages(t, server.pid()));
	}
	publish(ctl->phase, kPagesDrain + 1);
	expectExit(client, cellTimeout(opts), "the client");
	expectExit(server, cellTimeout(opts), "the server");
	return m;
}

} // namespace blbench
