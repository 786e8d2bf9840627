// SPDX-License-Identifier: GPL-2.0
//
// The command line: the table of subcommands and their options, parsing,
// exit statuses and error messages. The only file that includes CLI11,
// which costs seconds of compilation per file.

#include "cli.hpp"

#include "debugfs.hpp"
#include "subcommands.hpp"

#include <linux/binderlite.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <vector>

#ifndef BLCTL_VERSION
#define BLCTL_VERSION "unknown"
#endif

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

Action declare_status(CLI::App &cmd)
{
	auto options = std::make_shared<StatusOptions>();
	add_json_flag(cmd, options->json);
	return [options](const Env &env) { return run_status(env, *options); };
}

Action declare_stats(CLI::App &cmd)
{
	auto options = std::make_shared<StatsOptions>();
	add_json_flag(cmd, options->json);
	cmd.add_flag("-b,--bytes", options->bytes,
		     "Pool sizes in bytes, exactly, rather than in KiB and MiB");
	return [options](const Env &env) { return run_stats(env, *options); };
}

std::string version_string()
{
	return fmt::format("blctl {} (binderlite protocol {})", BLCTL_VERSION,
			   BINDERLITE_CURRENT_PROTOCOL_VERSION);
}

int run_cli(int argc, const char *const argv[], Env env)
{
	CLI::App app{"blctl: look at binderlite, Binder-style IPC on /dev/binderlite", "blctl"};
	app.set_version_flag("-V,--version", version_string(), "Print blctl's version and exit");
	app.require_subcommand(1);
	app.get_formatter()->label("SUBCOMMAND", "COMMAND");
	// Options of blctl itself may also follow the subcommand.
	app.fallthrough();
	app.add_option("-d,--device", env.paths.device, "The binderlite device")
		->type_name("PATH")
		->capture_default_str();
	app.footer("Exit status: 0 done, 1 failed (the message says why and what to do),\n"
		   "2 bad command line. `blctl COMMAND --help` describes a command.");

	const auto table = subcommands();
	std::vector<CLI::App *> commands;
	std::vector<Action> actions;
	for (const Subcommand &sc : table) {
		CLI::App *cmd = app.add_subcommand(std::string{sc.name}, std::string{sc.summary});
		cmd->footer(std::string{sc.description});
		cmd->group("Commands");
		commands.push_back(cmd);
		actions.push_back(sc.declare(*cmd));
	}

	try {
		app.parse(argc, argv);
	} catch (const CLI::RequiredError &e) {
		// No known command: say so in words rather than CLI11's.
		if (std::none_of(commands.begin(), commands.end(),
				 [](const CLI::App *cmd) { return cmd->parsed(); })) {
			const auto rest = app.remaining();
			if (rest.empty())
				env.err << "blctl: which command? (blctl COMMAND; `blctl --help` lists them)\n";
			else
				env.err << "blctl: unknown command \"" << rest.front()
					<< "\" (`blctl --help` lists them)\n";
			return kExitUsage;
		}
		app.exit(e, env.out, env.err);
		return kExitUsage;
	} catch (const CLI::ParseError &e) {
		// Help and version are "errors" that succeed.
		return app.exit(e, env.out, env.err) == 0 ? kExitOk : kExitUsage;
	}

	for (std::size_t i = 0; i < commands.size(); i++) {
		if (!commands[i]->parsed())
			continue;
		try {
			return actions[i](env);
		} catch (const Failure &e) {
			env.err << "blctl: " << e.what() << '\n';
		} catch (const ParseError &e) {
			env.err << "blctl: cannot parse " << e.what()
				<< ": does this blctl match the module?\n";
		} catch (const std::exception &e) {
			env.err << "blctl " << table[i].name << ": " << e.what() << '\n';
		}
		return kExitFailure;
	}
	return kExitUsage;	// require_subcommand(1): not reached
}

} // namespace blctl
