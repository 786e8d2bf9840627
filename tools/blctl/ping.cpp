// SPDX-License-Identifier: GPL-2.0
//
// blctl ping [NAME]: is a service (or the service manager) alive?

#include "subcommands.hpp"

#include "ipc.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>

namespace blctl {

namespace bl = binderlite;

int runPing(const Env &env, const PingOptions &options)
{
	Session session(env);
	const bl::Remote target =
		options.name.empty() ? session.manager() : session.findService(options.name);
	const std::string who = options.name.empty() ? std::string{"the service manager"}
						     : fmt::format("\"{}\"", options.name);

	// The first exception a process throws sets the unwinder up, which
	// takes milliseconds (tens in the emulated test VM), and an error
	// status comes back as an exception: throw one first, so that the
	// time measured is the call's.
	try {
		throw Failure("warming up the unwinder");
	} catch (const Failure &) {
	}

	std::string note;
	const auto start = std::chrono::steady_clock::now();
	try {
		target.ping();
	} catch (const bl::Error &e) {
		// An error status is an answer too: the process is serving.
		if (e.kind() != bl::ErrorKind::Remote)
			throw Failure(options.name.empty()
					      ? managerFailure(session.device(), e)
					      : callFailure(session.device(), options.name, e));
		note = fmt::format(" (with {}: it does not implement PING)", remoteText(e));
	}
	const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
	env.out << fmt::format("{} on {} is alive: PING answered in {:.2f} ms{}\n", who,
			       session.device(), took.count(), note);
	return kExitOk;
}

} // namespace blctl
