// SPDX-License-Identifier: GPL-2.0
//
// blctl's subcommands: one table, one run*() function per subcommand.
//
// status and stats read sysfs and debugfs; list, ping, call, freeze, thaw
// and frozen talk to the device through libbinderlite (ipc.hpp). Adding a subcommand:
//
//   1. an options struct and `int runName(const Env &, const NameOptions &)`
//      here, implemented in name.cpp: it writes to env.out, returns an
//      ExitStatus, and throws Failure with a message a person can act on;
//   2. `Action declareName(CLI::App &cmd)` in cli.cpp: it declares the
//      options and positionals on cmd (CLI11) and returns the action that
//      calls runName() with them;
//   3. a line in the table in cli.cpp;
//   4. its tests in tests/test_name.cpp, listed in CMakeLists.txt.
//
// Output goes through TextTable (table.hpp); --json, where offered, prints
// one JSON document with the debugfs names as keys.

#ifndef BLCTL_SUBCOMMANDS_HPP
#define BLCTL_SUBCOMMANDS_HPP

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
void addJsonFlag(CLI::App &cmd, bool &json);

// blctl status
struct StatusOptions {
	bool json = false;
};
int runStatus(const Env &env, const StatusOptions &options);
Action declareStatus(CLI::App &cmd);

// blctl stats
struct StatsOptions {
	bool json = false;
	bool bytes = false;	// exact byte counts instead of KiB/MiB
};
int runStats(const Env &env, const StatsOptions &options);
Action declareStats(CLI::App &cmd);

// blctl list
struct ListOptions {
	bool json = false;
};
int runList(const Env &env, const ListOptions &options);
Action declareList(CLI::App &cmd);

// blctl ping [NAME]
struct PingOptions {
	std::string name;	// "": the service manager
};
int runPing(const Env &env, const PingOptions &options);
Action declarePing(CLI::App &cmd);

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
int runCall(const Env &env, const CallOptions &options);
Action declareCall(CLI::App &cmd);

// blctl freeze PID [--timeout MS], blctl thaw PID
struct FreezeOptions {
	std::int64_t pid = 0;
	std::uint32_t timeoutMs = 1000;	// freeze: how long calls in flight may take
};
int runFreeze(const Env &env, const FreezeOptions &options);
Action declareFreeze(CLI::App &cmd);
int runThaw(const Env &env, const FreezeOptions &options);
Action declareThaw(CLI::App &cmd);

// blctl frozen PID
struct FrozenOptions {
	std::int64_t pid = 0;
	bool json = false;
};
int runFrozen(const Env &env, const FrozenOptions &options);
Action declareFrozen(CLI::App &cmd);

} // namespace blctl

#endif
