// SPDX-License-Identifier: GPL-2.0

#include "subcommands.hpp"

#include <binderlite/servicemanager.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>

namespace blctl {

namespace {

constexpr std::array<Subcommand, 5> kSubcommands{{
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
	{
		.name = "list",
		.summary = "The services the service manager knows, one name per line",
		.description =
			"Asks the service manager (blservicemanager: the context manager, handle 0\n"
			"of the device) for the names registered with it, and prints them sorted,\n"
			"one per line. Needs access to the device, not debugfs.",
		.declare = declare_list,
	},
	{
		.name = "ping",
		.summary = "Is a service alive? One PING transaction, timed",
		.description =
			"Looks NAME up at the service manager and sends it a PING: a call with code\n"
			"0x5f504e47 ('_PNG', Android's PING_TRANSACTION) and no data. A service that\n"
			"knows PING answers with an empty reply; any other answer, an error status\n"
			"included (libbinderlite's objects answer EBADRQC to a code they do not\n"
			"know), proves as well that its process is alive and serving calls. Fails\n"
			"(exit 1) if no service has that name, if it is dead, or if the driver\n"
			"refuses the call. Without NAME, pings the service manager itself.",
		.declare = declare_ping,
	},
	{
		.name = "call",
		.summary = "One transaction to a service: typed arguments, the reply's items",
		.description =
			"Looks NAME up and sends it the transaction CODE, with ARGS as the request's\n"
			"items (libbinderlite's Parcel format), each TYPE:VALUE:\n"
			"\n"
			"  i8 i16 i32 i64  signed integer, decimal or 0x hex   i32:-5  i64:0x10\n"
			"  u8 u16 u32 u64  unsigned integer                    u32:7\n"
			"  bool            true or false                       bool:true\n"
			"  f32 f64         floating point                      f64:1.5\n"
			"  str             text: the rest of the argument      str:hello, world\n"
			"  bytes           hex, two digits a byte              bytes:00ff10\n"
			"  null            a null object                       null\n"
			"\n"
			"Then prints the reply's items one per line, the same way (objects as\n"
			"object:handle N). Items carry their types, so any reply can be printed;\n"
			"--reply TYPES also checks that the reply holds exactly those (exit 1 if\n"
			"not). An error status from the service fails the call (exit 1) and names\n"
			"its errno. Example: blctl call hello 1 str:world --reply str",
		.declare = declare_call,
	},
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

CLI::Validator service_name_validator()
{
	return CLI::Validator(
		[](std::string &name) -> std::string {
			if (binderlite::servicemanager::isValidName(name))
				return {};
			return fmt::format("\"{}\" is not a service name (1 to {} printable ASCII "
					   "characters, no spaces)", name,
					   binderlite::servicemanager::kMaxNameLength);
		},
		std::string{});
}

} // namespace blctl
