// SPDX-License-Identifier: GPL-2.0
//
// The command line: the table of subcommands and their options, parsing,
// exit statuses and error messages. The only file that includes CLI11,
// which costs seconds of compilation per file.

#include "cli.hpp"

#include "debugfs.hpp"
#include "subcommands.hpp"

#include <linux/binderlite.h>

#include <binderlite/servicemanager.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#ifndef BLCTL_VERSION
#define BLCTL_VERSION "unknown"
#endif

namespace blctl {

namespace {

constexpr std::array<Subcommand, 8> kSubcommands{{
	{
		.name = "status",
		.summary = "Is binderlite ready? The module, the device, the protocol, debugfs",
		.description =
			"Shows whether the binderlite module is loaded, the device node and its\n"
			"permissions, the protocol version the device answers (BINDERLITE_VERSION),\n"
			"the module parameters, whether debugfs is mounted, and (as root, from\n"
			"debugfs) binderlite's contexts and the processes it has frozen.\n"
			"Exits 0 if the device is usable and speaks the protocol blctl was built\n"
			"for, 1 otherwise (with the reason on stderr).",
		.declare = declareStatus,
	},
	{
		.name = "stats",
		.summary = "binderlite's counters, and each process's use of it (debugfs; root)",
		.description =
			"Reads /sys/kernel/debug/binderlite/{stats,procs,pools,contexts} and shows\n"
			"the live objects, the transaction counters (failures by reason), the\n"
			"bytes and pages, then one line per open file of the device: its process,\n"
			"threads, nodes, references, death notifications, buffers, queued work,\n"
			"receive pool, whether it is frozen and its context; then the contexts\n"
			"(devices) with their open files and context manager.\n"
			"debugfs is readable by root only.",
		.declare = declareStats,
	},
	{
		.name = "list",
		.summary = "The services the service manager knows, one name per line",
		.description =
			"Asks the service manager (blservicemanager, or any android.os.IServiceManager:\n"
			"the context manager, handle 0 of the device) for the names registered with\n"
			"it (listServices, every dump priority), and prints them sorted, one per\n"
			"line. Needs access to the device, not debugfs. --dialect names the Android\n"
			"release whose service manager protocol to speak.",
		.declare = declareList,
	},
	{
		.name = "ping",
		.summary = "Is a service alive? One PING transaction, timed",
		.description =
			"Looks NAME up at the service manager and sends it a PING: a call with code\n"
			"0x5f504e47 ('_PNG', Android's PING_TRANSACTION) and no data. Every object of\n"
			"libbinder, libgbinder and libbinderlite answers it with an empty reply; any\n"
			"other answer, an error status included, proves as well that its process is\n"
			"alive and serving calls. Fails (exit 1) if no service has that name, if it\n"
			"is dead, or if the driver refuses the call.\n"
			"Without NAME, pings the service manager itself.",
		.declare = declarePing,
	},
	{
		.name = "call",
		.summary = "One AIDL call to a service: typed arguments, the reply's items",
		.description =
			"Looks NAME up and sends it the transaction CODE in libbinder's wire format,\n"
			"as AIDL code would: the interface token (the service's own descriptor, asked\n"
			"for with INTERFACE_TRANSACTION, or --descriptor), then ARGS, each TYPE:VALUE:\n"
			"\n"
			"  i32 i64 u32 u64  integer, decimal or 0x hex     i32:-5  i64:0x10\n"
			"  byte             AIDL byte, -128 to 127         byte:7\n"
			"  bool             true or false                  bool:true\n"
			"  f32 f64          floating point                 f64:1.5\n"
			"  str              String (utf8, string16):       str:hello, world\n"
			"                   the rest of the argument\n"
			"  bytes            byte[], hex                    bytes:00ff10\n"
			"  binder           a registered service, passed   binder:hello\n"
			"  null             a null object                  null\n"
			"\n"
			"The reply's status header is read first: an AIDL exception fails the call\n"
			"(exit 1) and is named, as is an error status. --reply TYPES reads the\n"
			"rest as those types (and fd, binder), printed one per line the same way,\n"
			"and fails unless that is all the reply holds; without it the rest is\n"
			"printed in hex. --raw sends ARGS alone and reads no status header.\n"
			"Example: blctl call hello 1 str:world --reply str",
		.declare = declareCall,
	},
	{
		.name = "freeze",
		.summary = "Freeze a process's binder IPC: its calls fail, oneways wait",
		.description =
			"Freezes every open file of process PID on the driver of the device\n"
			"(BINDERLITE_FREEZE; every context of binderlite), as Android freezes\n"
			"cached apps: sync calls to it then fail with BR_FROZEN_REPLY, oneway\n"
			"calls are queued (their senders read BR_TRANSACTION_PENDING_FROZEN)\n"
			"until `blctl thaw PID`. Calls already in flight to it may finish within\n"
			"--timeout milliseconds; if some remain, the driver thaws it again and\n"
			"blctl fails (exit 1). PID must have the driver's device open.",
		.declare = declareFreeze,
	},
	{
		.name = "thaw",
		.summary = "Thaw a frozen process: what was queued for it is delivered",
		.description =
			"Thaws process PID (BINDERLITE_FREEZE with enable 0): the oneway calls\n"
			"queued while it was frozen are delivered, and calls to it are served.",
		.declare = declareThaw,
	},
	{
		.name = "frozen",
		.summary = "What a process received while frozen (frozen info)",
		.description =
			"Asks the driver (BINDERLITE_GET_FROZEN_INFO) whether process PID received\n"
			"sync calls (refused) or oneway calls (queued) since it was last frozen,\n"
			"and whether it has transactions in flight. `blctl status` and `blctl\n"
			"stats` show which processes are frozen now (debugfs).",
		.declare = declareFrozen,
	},
}};

// Checks a service name as the service manager does (1 to 255 printable
// ASCII characters, no spaces).
CLI::Validator serviceNameValidator()
{
	return CLI::Validator(
		[](std::string &name) -> std::string {
			if (binderlite::servicemanager::isValidName(name))
				return {};
			return fmt::format("\"{}\" is not a service name (1 to 127 of A-Z a-z 0-9 "
					   "_ - . /, as Android's service manager wants)", name);
		},
		std::string{});
}

// The raw command line, checked by the validators at parse time (usage
// errors exit 2 before the device is opened) and converted afterwards.
struct CallLine {
	std::string name;
	std::string code;
	std::vector<std::string> arguments;
	std::string reply;
	bool oneway = false;
	bool raw = false;
	std::string descriptor;
};

// A CLI11 validator from one of callargs' parsers.
template <class Parse>
CLI::Validator checkedBy(Parse parse)
{
	return CLI::Validator(
		[parse](std::string &text) -> std::string {
			try {
				(void)parse(text);
			} catch (const ArgumentError &e) {
				return e.what();
			}
			return {};
		},
		std::string{});
}

CallOptions convert(const CallLine &line)
{
	CallOptions options;
	options.name = line.name;
	options.code = parseCode(line.code);
	for (const auto &a : line.arguments)
		options.arguments.push_back(parseArgument(a));
	if (!line.reply.empty())
		options.reply = parseReplyTypes(line.reply);
	options.oneway = line.oneway;
	options.raw = line.raw;
	if (!line.descriptor.empty())
		options.descriptor = line.descriptor;
	return options;
}

} // namespace

std::span<const Subcommand> subcommands()
{
	return kSubcommands;
}

void addJsonFlag(CLI::App &cmd, bool &json)
{
	cmd.add_flag("--json", json, "Print one JSON document instead of tables");
}

Action declareStatus(CLI::App &cmd)
{
	auto options = std::make_shared<StatusOptions>();
	addJsonFlag(cmd, options->json);
	return [options](const Env &env) { return runStatus(env, *options); };
}

Action declareStats(CLI::App &cmd)
{
	auto options = std::make_shared<StatsOptions>();
	addJsonFlag(cmd, options->json);
	cmd.add_flag("-b,--bytes", options->bytes,
		     "Pool sizes in bytes, exactly, rather than in KiB and MiB");
	return [options](const Env &env) { return runStats(env, *options); };
}

Action declareList(CLI::App &cmd)
{
	auto options = std::make_shared<ListOptions>();
	addJsonFlag(cmd, options->json);
	return [options](const Env &env) { return runList(env, *options); };
}

Action declarePing(CLI::App &cmd)
{
	auto options = std::make_shared<PingOptions>();
	cmd.add_option("NAME", options->name, "The service; without it, the service manager")
		->type_name("")
		->check(serviceNameValidator());
	return [options](const Env &env) { return runPing(env, *options); };
}

Action declareCall(CLI::App &cmd)
{
	auto line = std::make_shared<CallLine>();
	cmd.add_option("NAME", line->name, "The service")
		->type_name("")
		->required()
		->check(serviceNameValidator());
	cmd.add_option("CODE", line->code, "The transaction code: decimal or 0x hex")
		->type_name("")
		->required()
		->check(checkedBy(parseCode));
	cmd.add_option("ARGS", line->arguments, "The request's items, each TYPE:VALUE")
		->type_name("")
		->check(checkedBy(parseArgument));
	auto *reply = cmd.add_option("-r,--reply", line->reply,
				     "Read the reply's items as these types (str; i32,str; none)")
			      ->type_name("TYPES")
			      ->check(checkedBy(parseReplyTypes));
	cmd.add_flag("--oneway", line->oneway,
		     "A oneway call (TF_ONE_WAY): no reply; done once the driver took it")
		->excludes(reply);
	auto *raw = cmd.add_flag("--raw", line->raw,
				 "No interface token, no status header: the arguments alone");
	cmd.add_option("--descriptor", line->descriptor,
		       "The interface token's descriptor (default: the service's own)")
		->type_name("NAME")
		->excludes(raw);
	return [line](const Env &env) { return runCall(env, convert(*line)); };
}

namespace {

void addPid(CLI::App &cmd, std::int64_t &pid)
{
	cmd.add_option("PID", pid, "The process (its process id)")
		->type_name("")
		->required()
		->check(CLI::Range(std::int64_t{1}, std::int64_t{INT32_MAX}));
}

} // namespace

Action declareFreeze(CLI::App &cmd)
{
	auto options = std::make_shared<FreezeOptions>();
	addPid(cmd, options->pid);
	cmd.add_option("-t,--timeout", options->timeoutMs,
		       "How long calls in flight to it may take to finish, in ms (0: do not wait)")
		->type_name("MS")
		->capture_default_str();
	return [options](const Env &env) { return runFreeze(env, *options); };
}

Action declareThaw(CLI::App &cmd)
{
	auto options = std::make_shared<FreezeOptions>();
	addPid(cmd, options->pid);
	return [options](const Env &env) { return runThaw(env, *options); };
}

Action declareFrozen(CLI::App &cmd)
{
	auto options = std::make_shared<FrozenOptions>();
	addPid(cmd, options->pid);
	addJsonFlag(cmd, options->json);
	return [options](const Env &env) { return runFrozen(env, *options); };
}

std::string versionString()
{
	return fmt::format("blctl {} (binderlite protocol {})", BLCTL_VERSION,
			   BINDERLITE_CURRENT_PROTOCOL_VERSION);
}

int runCli(int argc, const char *const argv[], Env env)
{
	CLI::App app{"blctl: look at binderlite, Binder-style IPC on /dev/binderlite", "blctl"};
	app.set_version_flag("-V,--version", versionString(), "Print blctl's version and exit");
	app.require_subcommand(1);
	app.get_formatter()->label("SUBCOMMAND", "COMMAND");
	// Options of blctl itself may also follow the subcommand.
	app.fallthrough();
	app.add_option("-d,--device", env.paths.device, "The binderlite device")
		->type_name("PATH")
		->capture_default_str();
	app.add_option("-D,--dialect", env.paths.dialect,
		       "list, ping, call: the Android release whose wire format to speak, 8 to 16 "
		       "(default: $BINDERLITE_DIALECT, else 16)")
		->type_name("RELEASE")
		->check(CLI::Validator(
			[](std::string &text) -> std::string {
				return binderlite::parseDialect(text)
					       ? std::string{}
					       : "no dialect \"" + text + "\" (8, 9, 10, 11, 12, 13, 15, 16)";
			},
			std::string{}));
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
