// SPDX-License-Identifier: GPL-2.0

#include "subcommands.hpp"

#include <CLI/CLI.hpp>

#include <array>

namespace blctl {

namespace {

constexpr std::array<Subcommand, 2> kSubcommands{{
	{
		.name = "status",
		.summary = "Is binderlite ready? The module, the device, the protocol, debugfs",
		.description =
			"Shows whether the binderlite module is loaded, the device node and its\n"
			"permissions, the protocol version the device answers (BINDERLITE_VERSION),\n"
			"the module parameters, and whether debugfs is mounted.\n"
			"Exits 0 if the device is usable and speaks the protocol blctl was built\n"
			"for, 1 otherwise (with the reason on stderr).",
		.declare = declare_status,
	},
	{
		.name = "stats",
		.summary = "binderlite's counters, and each process's use of it (debugfs; root)",
		.description =
			"Reads /sys/kernel/debug/binderlite/{stats,procs,pools} and shows the\n"
			"live objects, the transaction counters (failures by reason), the bytes\n"
			"and pages, then one line per open file of the device: its process,\n"
			"threads, nodes, references, death notifications, buffers, queued work\n"
			"and receive pool. debugfs is readable by root only.",
		.declare = declare_stats,
	},
	// list, ping NAME and call NAME CODE [ARGS...] need the IPC library.
}};

} // namespace

std::span<const Subcommand> subcommands()
{
	return kSubcommands;
}

void add_json_flag(CLI::App &cmd, bool &json)
{
	cmd.add_flag("--json", json, "Print one JSON document instead of tables");
}

} // namespace blctl
