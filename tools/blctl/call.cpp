// SPDX-License-Identifier: GPL-2.0
//
// blctl call NAME CODE [ARGS...]: one transaction, typed arguments in,
// the reply's items out (callargs.hpp), as an AIDL call unless --raw: the
// interface token first, the status header of the reply checked.

#include "subcommands.hpp"

#include "callargs.hpp"
#include "ipc.hpp"

#include <fmt/format.h>

namespace blctl {

namespace bl = binderlite;

int run_call(const Env &env, const CallOptions &options)
{
	Session session(env);
	const bl::Remote service = session.find_service(options.name);
	bl::Parcel request(session.dialect());
	try {
		if (!options.raw)
			request.writeInterfaceToken(options.descriptor ? *options.descriptor
								       : service.interfaceDescriptor());
		for (const auto &a : options.arguments)
			write_argument(request, a, [&](std::string_view name) { return session.find_service(name); });
	} catch (const bl::Error &e) {
		throw Failure(call_failure(session.device(), options.name, e));
	}
	if (options.oneway) {
		try {
			service.transactOneway(options.code, request);
		} catch (const bl::Error &e) {
			throw Failure(call_failure(session.device(), options.name, e));
		}
		return kExitOk;
	}

	try {
		bl::Parcel reply = service.transact(options.code, request);
		bl::Parcel::Reader reader = reply.reader();
		if (!options.raw)
			reader.readException();
		if (options.reply) {
			std::vector<std::string> items;
			for (const ValueType t : *options.reply)
				items.push_back(format_item(reader, t));
			if (!reader.atEnd())
				throw Failure(fmt::format("the reply of service \"{}\" holds {} bytes more than {} "
							  "as --reply says ({}): leave --reply out to see it",
							  options.name, reader.remaining(),
							  describe_types(*options.reply), format_rest(reader)));
			for (const auto &item : items)
				env.out << item << '\n';
		} else if (!reader.atEnd()) {
			env.out << format_rest(reader) << '\n';
		} else {
			env.err << "blctl: the reply is empty\n";
		}
	} catch (const bl::Error &e) {
		if (e.kind() == bl::ErrorKind::Parcel && options.reply)
			throw Failure(fmt::format("the reply of service \"{}\" does not read as {}: {}", options.name,
						  describe_types(*options.reply), e.what()));
		throw Failure(call_failure(session.device(), options.name, e));
	}
	return kExitOk;
}

} // namespace blctl
