// SPDX-License-Identifier: GPL-2.0
//
// The run: see run.hpp.
#include "run.hpp"

#include "cells.hpp"
#include "endpoints.hpp"
#include "record.hpp"
#include "sys.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

namespace blbench {

namespace {

bool wanted(const RunOptions &opts, const std::string &test)
{
	return std::find(opts.tests.begin(), opts.tests.end(), test) != opts.tests.end();
}

class Runner {
public:
	Runner(const RunOptions &opts, std::ostream &out, std::ostream &log)
		: opts_(opts), out_(out), log_(log),
		  cpus_(static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN)))
	{
	}

	unsigned run();

private:
	// The transports of a repeat's cells, in that repeat's order: each
	// repeat starts with the next one, so that no transport always goes
	// first.
	std::vector<Transport> order(std::vector<Transport> ts, unsigned repeat) const;
	void cell(const std::string &test, Transport t, std::uint64_t size, unsigned count,
		  unsigned repeat, const std::function<Metrics()> &measure);
	std::vector<Transport> available(bool bounds, bool devicesOnly) const;
	std::string summary(const std::string &test, const Metrics &m) const;

	const RunOptions &opts_;
	std::ostream &out_;
	std::ostream &log_;
	unsigned cpus_;
	unsigned failures_ = 0;
};

std::vector<Transport> Runner::order(std::vector<Transport> ts, unsigned repeat) const
{
	if (!ts.empty())
		std::rotate(ts.begin(), ts.begin() + static_cast<std::ptrdiff_t>(repeat % ts.size()), ts.end());
	return ts;
}

std::vector<Transport> Runner::available(bool bounds, bool devicesOnly) const
{
	std::vector<Transport> ts;
	for (Transport t : opts_.transports) {
		if (devicesOnly && !isDevice(t))
			continue;
		if (isDevice(t)) {
			struct stat st;
			if (::stat(devicePath(opts_, t).c_str(), &st) < 0)
				continue;
		}
		ts.push_back(t);
	}
	if (bounds && opts_.bounds && !devicesOnly) {
		ts.push_back(Transport::Memcpy);
		ts.push_back(Transport::KernelCopy);
	}
	return ts;
}

std::string Runner::summary(const std::string &test, const Metrics &m) const
{
	auto get = [&](const char *key) {
		for (const auto &[k, v] : m)
			if (k == key)
				return v;
		return 0.0;
	};
	if (test == "latency" || test == "echo" || test == "handles")
		return fmt::format("median {:.1f} us, p99 {:.1f} us", get("median_ns") / 1e3,
				   get("p99_ns") / 1e3);
	if (test == "oneway")
		return fmt::format("{:.0f} msgs/s, {:.1f} MB/s", get("msgs_per_s"), get("mb_per_s"));
	if (test == "clients")
		return fmt::format("{:.0f} calls/s, p99 {:.1f} us", get("calls_per_s"), get("p99_ns") / 1e3);
	if (test == "memory")
		return fmt::format("{:.0f} B/process (slab {:.0f})", get("memfree"), get("slab"));
	if (test == "pages")
		return fmt::format("idle {:.0f}, burst {:.0f}, after {:.0f}, drop_caches {:.0f}", get("idle"),
				   get("burst_held"), get("after_burst"), get("after_drop_caches"));
	return "";
}

void Runner::cell(const std::string &test, Transport t, std::uint64_t size, unsigned count,
		  unsigned repeat, const std::function<Metrics()> &measure)
{
	Record r{.test = test, .transport = std::string(keyOf(t)), .cpus = cpus_, .size = size,
		 .count = count, .repeat = repeat + 1, .metric = {}, .value = 0};
	const std::string where = fmt::format("[{}/{}] {} {}{}{}", repeat + 1, opts_.repeats, test,
					      keyOf(t), test == "memory" || test == "pages" ||
								test == "handles"
							? ""
							: fmt::format(" {} B", size),
					      count ? fmt::format(" x{}", count) : "");
	try {
		const Metrics m = measure();
		for (const auto &[metric, value] : m) {
			r.metric = metric;
			r.value = value;
			out_ << toCsv(r) << '\n';
		}
		out_.flush();
		// One write per line: children write to the same stream.
		log_ << fmt::format("# {}: {}\n", where, summary(test, m)) << std::flush;
	} catch (const std::exception &e) {
		failures_++;
		r.metric = "error";
		r.value = 1;
		out_ << toCsv(r) << std::endl;
		log_ << fmt::format("# {}: FAILED: {}\n", where, e.what()) << std::flush;
	}
}

unsigned Runner::run()
{
	utsname u{};
	::uname(&u);
	out_ << "# meta kernel " << u.release << '\n'
	     << "# meta cpus " << cpus_ << '\n'
	     << "# meta repeats " << opts_.repeats << '\n';
	if (opts_.pinCpu >= 0)
		out_ << "# meta pinned " << opts_.pinCpu << '\n';
	out_
	     << kCsvHeader << std::endl;
	const std::vector<Transport> devices = available(false, true);
	for (Transport t : opts_.transports)
		if (isDevice(t) && std::find(devices.begin(), devices.end(), t) == devices.end())
			log_ << "# " << devicePath(opts_, t) << " is missing: its cells are skipped" << std::endl;

	std::vector<std::uint64_t> sizes = opts_.sizes;
	std::vector<std::uint64_t> echoSizes = opts_.sizes;
	if (opts_.maxSizeWanted && (wanted(opts_, "latency") || wanted(opts_, "echo"))) {
		// The largest payload every device takes: the last size.
		std::size_t largest = opts_.pool;
		for (Transport t : devices) {
			try {
				const std::size_t n = largestPayload(opts_, t);
				log_ << "# the largest payload " << devicePath(opts_, t) << " takes: " << n
				     << " B" << std::endl;
				largest = std::min(largest, n);
			} catch (const std::exception &e) {
				log_ << "# probing the largest payload of " << devicePath(opts_, t)
				     << " FAILED: " << e.what() << std::endl;
				failures_++;
			}
		}
		// An echo's largest is half that: the server frees a request
		// after its reply (as libbinder does), so the client's next
		// request may come while the last one still takes its space.
		const std::uint64_t echoLargest = largest / 2 & ~std::uint64_t{7};
		out_ << "# meta largest " << largest << '\n'
		     << "# meta largest_echo " << echoLargest << std::endl;
		if (std::find(sizes.begin(), sizes.end(), largest) == sizes.end())
			sizes.push_back(largest);
		std::erase_if(echoSizes, [&](std::uint64_t s) { return s > echoLargest; });
		if (std::find(echoSizes.begin(), echoSizes.end(), echoLargest) == echoSizes.end())
			echoSizes.push_back(echoLargest);
	}
	const std::uint64_t maxSize = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());

	for (unsigned rep = 0; rep < opts_.repeats; rep++) {
		for (const std::string &test : opts_.tests) {
			if (test == "latency" || test == "echo") {
				const bool echo = test == "echo";
				for (const std::uint64_t size : echo ? echoSizes : sizes)
					for (Transport t : order(available(true, false), rep))
						cell(test, t, size, 0, rep, [&] {
							return latencyCell(opts_, t, size, echo, maxSize);
						});
			} else if (test == "oneway") {
				for (const std::uint64_t size : opts_.onewaySizes)
					for (Transport t : order(available(false, false), rep))
						cell(test, t, size, 0, rep,
						     [&] { return onewayCell(opts_, t, size); });
			} else if (test == "clients") {
				for (const std::uint64_t size : opts_.clientSizes)
					for (const unsigned n : opts_.clients)
						for (Transport t : order(available(false, false), rep))
							cell(test, t, size, n, rep, [&] {
								return clientsCell(opts_, t, size, n);
							});
			} else if (test == "handles") {
				for (const unsigned n : opts_.handles)
					for (Transport t : order(available(false, true), rep))
						cell(test, t, 0, n, rep,
						     [&] { return handlesCell(opts_, t, n); });
			} else if (test == "memory") {
				for (Transport t : order(available(false, true), rep))
					cell(test, t, 0, opts_.memoryProcs, rep,
					     [&] { return memoryCell(opts_, t, opts_.memoryProcs); });
			} else if (test == "pages") {
				for (Transport t : order(available(false, true), rep))
					cell(test, t, opts_.burstSize, 0, rep,
					     [&] { return pagesCell(opts_, t); });
			}
		}
	}
	return failures_;
}

} // namespace

unsigned runBench(const RunOptions &opts, std::ostream &out, std::ostream &log)
{
	return Runner(opts, out, log).run();
}

} // namespace blbench
