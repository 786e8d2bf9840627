// SPDX-License-Identifier: GPL-2.0
//
// blctl call NAME CODE [ARGS...]: one transaction, typed arguments in,
// the reply's items out (callargs.hpp).

#include "subcommands.hpp"

#include "callargs.hpp"
#include "ipc.hpp"

#include <fmt/format.h>

namespace blctl {

namespace bl = binderlite;

int run_call(const Env &env, const CallOptions &options)
{
	bl::Parcel request;
	for (const auto &a : options.arguments)
		write_argument(request, a);

	Session session(env);
	const bl::Remote service = session.find_service(options.name);
	if (options.oneway) {
		try {
			service.transactOneway(options.code, request);
		} catch (const bl::Error &e) {
			throw Failure(call_failure(session.device(), options.name, e));
		}
		return kExitOk;
	}

	try {
		const bl::Parcel reply = service.transact(options.code, request);
		const auto types = item_types(reply);
		if (options.reply && *options.reply != types)
			throw Failure(fmt::format("the reply of service \"{}\" holds {}, not {} as "
						  "--reply says: leave --reply out to see any reply",
						  options.name, describe_types(types),
						  describe_types(*options.reply)));
		bl::Parcel::Reader reader = reply.reader();
		while (!reader.atEnd())
			env.out << format_item(reader) << '\n';
		if (types.empty() && !options.reply)
			env.err << "blctl: the reply is empty\n";
	} catch (const bl::Error &e) {
		throw Failure(call_failure(session.device(), options.name, e));
	}
	return kExitOk;
}

} // namespace blctl
