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

int runCall(const Env &env, const CallOptions &options)
{
	Session session(env);
	const bl::Remote service = session.findService(options.name);
	bl::Parcel request(session.dialect());
	try {
		if (!options.raw)
			request.writeInterfaceToken(options.descriptor ? *options.descriptor
								       : service.interfaceDescriptor());
		for (const auto &a : options.arguments)
			writeArgument(request, a, [&](std::string_view name) { return session.findService(name); });
	} catch (const bl::Error &e) {
		throw Failure(callFailure(session.device(), options.name, e));
	}
	if (options.oneway) {
		try {
			service.transactOneway(options.code, request);
		} catch (const bl::Error &e) {
			throw Failure(callFailure(session.device(), options.name, e));
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
				items.push_back(formatItem(reader, t));
			if (!reader.atEnd())
				throw Failure(fmt::format("the reply of service \"{}\" holds {} bytes more than {} "
							  "as --reply says ({}): leave --reply out to see it",
							  options.name, reader.remaining(),
							  describeTypes(*options.reply), formatRest(reader)));
			for (const auto &item : items)
				env.out << item << '\n';
		} else if (!reader.atEnd()) {
			env.out << formatRest(reader) << '\n';
		} else {
			env.err << "blctl: the reply is empty\n";
		}
	} catch (const bl::Error &e) {
		if (e.kind() == bl::ErrorKind::Parcel && options.reply)
			throw Failure(fmt::format("the reply of service \"{}\" does not read as {}: {}", options.name,
						  describeTypes(*options.reply), e.what()));
		throw Failure(callFailure(session.device(), options.name, e));
	}
	return kExitOk;
}

} // namespace blctl
