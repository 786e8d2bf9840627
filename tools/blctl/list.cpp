// SPDX-License-Identifier: GPL-2.0
//
// blctl list: the services the service manager knows.

#include "subcommands.hpp"

#include "ipc.hpp"

#include <nlohmann/json.hpp>

namespace blctl {

int runList(const Env &env, const ListOptions &options)
{
	Session session(env);
	const auto names = session.listServices();
	if (options.json) {
		const nlohmann::ordered_json doc{
			{"device", session.device()},
			{"services", names},
		};
		env.out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
			<< '\n';
		return kExitOk;
	}
	for (const auto &name : names)
		env.out << name << '\n';
	if (names.empty())
		env.err << "blctl: no services are registered with the service manager on "
			<< session.device() << '\n';
	return kExitOk;
}

} // namespace blctl
