// SPDX-License-Identifier: GPL-2.0
//
// blctl's subcommands: one table, one run_*() function per subcommand.
//
// status and stats read sysfs and debugfs; list, ping, call, freeze, thaw
// and frozen talk to the device through libbinderlite (ipc.hpp). Adding a subcommand:
//
//   1. an options struct and `int run_NAME(const Env &, const NAMEOptions &)`
//      here, implemented in NAME.cpp: it writes to env.out, returns an
//      ExitStatus, and throws Failure with a message a person can act on;
//   2. `Action declare_NAME(CLI::App &cmd)` in cli.cpp: it declares the
//      options and positionals on cmd (CLI11) and returns the action that
//      calls run_NAME() with them;
//   3. a line in the table in cli.cpp;
//   4. its tests in tests/NAME_test.cpp, listed in CMakeLists.txt.
//
// Output goes through TextTable (table.hpp); --json, where offered, prints
// one JSON document with the debugfs names as keys.

#pragma once

#include "callargs.hpp"
#include "env.hpp"

#include <binderlite/parcel.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace blctl {

// What a subcommand does once its command line is parsed.
using Action = std::function<int(const Env &)>;

struct Subcommand {
	std::string_view name;
	std::string_view summary;	// one line, for `blctl --help`
	std::string_view description;	// more, for `blctl NAME --help`
	Action (*declare)(CLI::App &cmd);
};

// Every subcommand, in the order `blctl --help` lists them.
std::span<const Subcommand> subcommands();

// --json, for the subcommands that offer it.
void add_json_flag(CLI::App &cmd, bool &json);

// blctl status
struct StatusOptions {
	bool json = false;
};
int run_status(const Env &env, const StatusOptions &options);
Action declare_status(CLI::App &cmd);

// blctl stats
struct StatsOptions {
	bool json = false;
	bool bytes = false;	// exact byte counts instead of KiB/MiB
};
int run_stats(const Env &env, const StatsOptions &options);
Action declare_stats(CLI::App &cmd);

// blctl list
struct ListOptions {
	bool json = false;
};
int run_list(const Env &env, const ListOptions &options);
Action declare_list(CLI::App &cmd);

// blctl ping [NAME]
struct PingOptions {
	std::string name;	// "": the service manager
};
int run_ping(const Env &env, const PingOptions &options);
Action declare_ping(CLI::App &cmd);

// blctl call NAME CODE [ARGS...]
struct CallOptions {
	std::string name;
	std::uint32_t code = 0;
	std::vector<CallArgument> arguments;
	// --reply: the types of the reply's items (after the status header),
	// which must be all it holds; nullopt: print it in hex.
	std::optional<std::vector<ValueType>> reply;
	bool oneway = false;
	// --raw: no interface token, no status header: the arguments alone.
	bool raw = false;
	// --descriptor: the interface token's; unset: the service's own
	// (INTERFACE_TRANSACTION).
	std::optional<std::string> descriptor;
};
int run_call(const Env &env, const CallOptions &options);
Action declare_call(CLI::App &cmd);

// blctl freeze PID [--timeout MS], blctl thaw PID
struct FreezeOptions {
	std::int64_t pid = 0;
	std::uint32_t timeout_ms = 1000;	// freeze: how long calls in flight may take
};
int run_freeze(const Env &env, const FreezeOptions &options);
Action declare_freeze(CLI::App &cmd);
int run_thaw(const Env &env, const FreezeOptions &options);
Action declare_thaw(CLI::App &cmd);

// blctl frozen PID
struct FrozenOptions {
	std::int64_t pid = 0;
	bool json = false;
};
int run_frozen(const Env &env, const FrozenOptions &options);
Action declare_frozen(CLI::App &cmd);

} // namespace blctl
