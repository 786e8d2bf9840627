// SPDX-License-Identifier: GPL-2.0
//
// blctl freeze PID [--timeout MS], blctl thaw PID, blctl frozen PID: the
// driver's freezer (BINDERLITE_FREEZE, BINDERLITE_GET_FROZEN_INFO), as
// Android's activity manager uses it for cached apps.

#include "subcommands.hpp"

#include "ipc.hpp"
#include "sysinfo.hpp"
#include "table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace blctl {

namespace bl = binderlite;

namespace {

// "169 (demo-service)", or "169" for a pid without /proc/PID.
std::string who(const Env &env, std::int64_t pid)
{
	const auto comm = processName(env.paths, pid);
	return comm ? fmt::format("{} ({})", pid, *comm) : std::to_string(pid);
}

} // namespace

int runFreeze(const Env &env, const FreezeOptions &options)
{
	Session session(env);
	const std::string name = who(env, options.pid);
	try {
		session.process().freeze(static_cast<pid_t>(options.pid),
					 std::chrono::milliseconds(options.timeoutMs));
	} catch (const bl::Error &e) {
		throw Failure(freezeFailure(session.device(), "freeze", name, options.timeoutMs, e));
	}
	env.out << fmt::format("process {} is frozen on every context of {}'s driver: its sync "
			       "calls fail (BR_FROZEN_REPLY), oneways wait; `blctl thaw {}` ends it\n",
			       name, session.device(), options.pid);
	return kExitOk;
}

int runThaw(const Env &env, const FreezeOptions &options)
{
	Session session(env);
	const std::string name = who(env, options.pid);
	try {
		session.process().thaw(static_cast<pid_t>(options.pid));
	} catch (const bl::Error &e) {
		throw Failure(freezeFailure(session.device(), "thaw", name, 0, e));
	}
	env.out << fmt::format("process {} is thawed: the oneways queued for it are delivered now\n",
			       name);
	return kExitOk;
}

int runFrozen(const Env &env, const FrozenOptions &options)
{
	Session session(env);
	const std::string name = who(env, options.pid);
	bl::FrozenInfo info;
	try {
		info = session.process().frozenInfo(static_cast<pid_t>(options.pid));
	} catch (const bl::Error &e) {
		throw Failure(freezeFailure(session.device(), "frozen info", name, 0, e));
	}
	if (options.json) {
		const nlohmann::ordered_json doc{
			{"device", session.device()},
			{"pid", options.pid},
			{"sync_received", info.syncReceived},
			{"async_received", info.asyncReceived},
			{"transactions_pending", info.transactionsPending},
		};
		env.out << doc.dump(2) << '\n';
		return kExitOk;
	}
	const auto yes = [](bool b) { return std::string{b ? "yes" : "no"}; };
	TextTable t{{Column{}, Column{}}};
	t.addRow({"sync calls while frozen", yes(info.syncReceived) +
			   (info.syncReceived ? " (refused with BR_FROZEN_REPLY)" : "")});
	t.addRow({"oneways while frozen", yes(info.asyncReceived) +
			   (info.asyncReceived ? " (queued until thawed)" : "")});
	t.addRow({"transactions in flight", yes(info.transactionsPending)});
	env.out << fmt::format("process {} on {}'s driver (since it was last frozen):\n", name,
			       session.device());
	t.print(env.out, "  ");
	return kExitOk;
}

} // namespace blctl
