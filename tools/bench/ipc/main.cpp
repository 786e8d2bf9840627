// SPDX-License-Identifier: GPL-2.0
//
// binderlite-bench: the IPC benchmark behind `make bench`
// (Documentation/performance.rst).
//
//   binderlite-bench run [OPTIONS] > raw.csv     in the VM, as root
//   binderlite-bench report -o DIR raw.csv...    anywhere
//
// run measures /dev/binderlite, /dev/binder, AF_UNIX socket pairs, pipes
// and the copy bounds, interleaved, and writes raw records (record.hpp);
// report turns the records of one or more runs into tables, CSV and
// plots. --quick and --smoke are presets of run's parameters, applied
// before the other options.
#include "options.hpp"
#include "report.hpp"
#include "run.hpp"
#include "transport.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

using blbench::RunOptions;
using blbench::Transport;

void quickPreset(RunOptions &o)
{
	o.sizes = {0, 4096, 65536, 1048576};
	o.onewaySizes = {0, 4096, 65536};
	o.clients = {1, 4, 16};
	o.clientSizes = {0};
	o.latencySeconds = 0.15;
	o.onewaySeconds = 0.3;
	o.clientsSeconds = 0.3;
	o.warmupSeconds = 0.1;
	o.memoryProcs = 50;
}

// Seconds in the VM: every measurement on every transport, briefly.
void smokePreset(RunOptions &o)
{
	o.repeats = 2;
	o.sizes = {0, 4096};
	o.onewaySizes = {0, 4096};
	o.clients = {1, 4};
	o.clientSizes = {0};
	o.handles = {10, 100};
	o.latencySeconds = 0.02;
	o.minCalls = 3;
	o.warmupCalls = 1;
	o.onewaySeconds = 0.05;
	o.clientsSeconds = 0.05;
	o.warmupSeconds = 0.02;
	o.pool = 256 << 10;
	o.memoryProcs = 4;
	o.cellTimeoutSeconds = 60;
}

// "4096", "4K", "1M"; "max" for the largest a device takes.
bool parseSize(const std::string &s, std::uint64_t &out)
{
	std::size_t end = 0;
	try {
		out = std::stoull(s, &end);
	} catch (const std::exception &) {
		return false;
	}
	const std::string suffix = s.substr(end);
	if (suffix == "K" || suffix == "k")
		out <<= 10;
	else if (suffix == "M")
		out <<= 20;
	else if (!suffix.empty())
		return false;
	return true;
}

std::string sizeValidator(const std::string &s)
{
	std::uint64_t v;
	return s == "max" || parseSize(s, v) ? std::string{} : "not a size (4096, 4K, 1M or max): " + s;
}

std::vector<std::uint64_t> sizesOf(const std::vector<std::string> &list, bool *maxWanted)
{
	std::vector<std::uint64_t> out;
	if (maxWanted)
		*maxWanted = false;
	for (const std::string &s : list) {
		std::uint64_t v;
		if (s == "max" && maxWanted)
			*maxWanted = true;
		else if (parseSize(s, v))
			out.push_back(v);
	}
	return out;
}

std::vector<std::string> sizeStrings(const std::vector<std::uint64_t> &sizes, bool max)
{
	std::vector<std::string> s;
	for (auto v : sizes)
		s.push_back(std::to_string(v));
	if (max)
		s.emplace_back("max");
	return s;
}

} // namespace

int main(int argc, char **argv)
{
	std::signal(SIGPIPE, SIG_IGN);

	RunOptions run;
	for (int i = 1; i < argc; i++) {
		if (std::strcmp(argv[i], "--quick") == 0)
			quickPreset(run);
		else if (std::strcmp(argv[i], "--smoke") == 0)
			smokePreset(run);
	}

	CLI::App app{"binderlite-bench: binderlite's IPC benchmark next to binder, AF_UNIX sockets and pipes"};
	app.require_subcommand(1);

	CLI::App *runCmd = app.add_subcommand(
		"run", "measure (in the VM, as root); raw records to stdout, progress to stderr");
	bool quick = false, smoke = false, noBounds = false;
	std::vector<std::string> transports;
	for (Transport t : run.transports)
		transports.emplace_back(blbench::keyOf(t));
	std::vector<std::string> sizes = sizeStrings(run.sizes, run.maxSizeWanted);
	std::vector<std::string> onewaySizes = sizeStrings(run.onewaySizes, false);
	std::vector<std::string> clientSizes = sizeStrings(run.clientSizes, false);
	runCmd->add_flag("--quick", quick, "a shorter run: fewer sizes and client counts, shorter cells");
	runCmd->add_flag("--smoke", smoke, "seconds: every measurement on every transport, briefly");
	runCmd->add_option("--tests", run.tests, "the measurements")
		->delimiter(',')
		->check(CLI::IsMember(blbench::kAllTests))
		->capture_default_str();
	runCmd->add_option("--transports", transports, "the IPC transports")
		->delimiter(',')
		->check(CLI::IsMember({"binderlite", "binder", "unix", "pipe"}))
		->capture_default_str();
	runCmd->add_flag("--no-bounds", noBounds, "leave out the copy bounds (memcpy, kernel copy)");
	runCmd->add_option("--binderlite", run.binderlitePath, "binderlite's device")->capture_default_str();
	runCmd->add_option("--binder", run.binderPath, "the reference binder's device")->capture_default_str();
	runCmd->add_option("-r,--repeats", run.repeats, "repeats of every cell")
		->check(CLI::Range(1, 100))
		->capture_default_str();
	runCmd->add_option("--sizes", sizes, "round-trip payloads (4096, 4K, 1M; max: the largest)")
		->delimiter(',')
		->check(sizeValidator)
		->capture_default_str();
	runCmd->add_option("--oneway-sizes", onewaySizes, "oneway payloads")
		->delimiter(',')
		->check(sizeValidator)
		->capture_default_str();
	runCmd->add_option("--clients", run.clients, "client process counts")
		->delimiter(',')
		->check(CLI::Range(1, 64))
		->capture_default_str();
	runCmd->add_option("--client-sizes", clientSizes, "the clients' payloads")
		->delimiter(',')
		->check(sizeValidator)
		->capture_default_str();
	runCmd->add_option("--handles", run.handles, "live handle counts")
		->delimiter(',')
		->check(CLI::Range(1, 1000000))
		->capture_default_str();
	runCmd->add_option("--latency-seconds", run.latencySeconds, "each round-trip cell's time")
		->capture_default_str();
	runCmd->add_option("--min-calls", run.minCalls, "each round-trip cell's least calls")->capture_default_str();
	runCmd->add_option("--max-calls", run.maxCalls, "each round-trip cell's most calls")->capture_default_str();
	runCmd->add_option("--warmup-calls", run.warmupCalls, "untimed calls first")->capture_default_str();
	runCmd->add_option("--oneway-seconds", run.onewaySeconds, "each oneway cell's measured time")
		->capture_default_str();
	runCmd->add_option("--clients-seconds", run.clientsSeconds, "each clients cell's measured time")
		->capture_default_str();
	runCmd->add_option("--warmup-seconds", run.warmupSeconds, "before a oneway or clients cell is measured")
		->capture_default_str();
	runCmd->add_option("--pool", run.pool, "the receive pool (binder maps at most 4 MiB)")
		->check(CLI::Range(std::size_t{65536}, std::size_t{4} << 20))
		->capture_default_str();
	runCmd->add_option("--memory-pool", run.memoryPool, "the pool of the memory and pages cells")
		->capture_default_str();
	runCmd->add_option("--memory-procs", run.memoryProcs, "idle processes of the memory cells")
		->check(CLI::Range(1, 2000))
		->capture_default_str();
	runCmd->add_option("--burst-size", run.burstSize, "the oneways of the pages cells")->capture_default_str();
	runCmd->add_option("--server-threads", run.serverThreads, "the server's SET_MAX_THREADS")
		->capture_default_str();
	runCmd->add_option("--cell-timeout", run.cellTimeoutSeconds, "seconds before a cell fails")
		->capture_default_str();
	runCmd->add_option("--pin", run.pinCpu,
			   "pin the single-client cells' client and server to this CPU (no cross-CPU "
			   "wake-ups)")
		->check(CLI::Range(0, 1023));

	blbench::ReportOptions report;
	CLI::App *reportCmd = app.add_subcommand(
		"report", "tables, CSV and plots from raw records; prints the summary table");
	reportCmd->add_option("inputs", report.inputs, "raw records (run's output)")
		->required()
		->check(CLI::ExistingFile);
	reportCmd->add_option("-o,--out", report.outDir, "the report's folder")->required();
	reportCmd->add_flag("--tap", report.tap,
			    "check that every measurement ran on every transport and the report was "
			    "written; print TAP");
	reportCmd->add_option("--expect", report.expect, "the measurements --tap expects (default: all)")
		->delimiter(',')
		->check(CLI::IsMember(blbench::kAllTests));

	CLI11_PARSE(app, argc, argv);

	if (runCmd->parsed()) {
		run.transports.clear();
		for (const std::string &k : transports)
			run.transports.push_back(*blbench::transportOf(k));
		run.bounds = !noBounds;
		run.sizes = sizesOf(sizes, &run.maxSizeWanted);
		run.onewaySizes = sizesOf(onewaySizes, nullptr);
		run.clientSizes = sizesOf(clientSizes, nullptr);
		const unsigned failed = blbench::runBench(run, std::cout, std::cerr);
		if (failed)
			std::cerr << "# " << failed << " cells failed\n";
		return failed ? 1 : 0;
	}
	return blbench::runReport(report, std::cout, std::cerr);
}
