// SPDX-License-Identifier: GPL-2.0
//
// blctl call NAME CODE [ARGS...]: one transaction, typed arguments in,
// the reply's items out (callargs.hpp).

#include "subcommands.hpp"

#include "callargs.hpp"
#include "ipc.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace blctl {

namespace bl = binderlite;

namespace {

// The raw command line, checked by the validators at parse time (usage
// errors exit 2 before the device is opened) and converted afterwards.
struct CallLine {
	std::string name;
	std::string code;
	std::vector<std::string> arguments;
	std::string reply;
	bool oneway = false;
};

// A CLI11 validator from one of callargs' parsers.
template <class Parse>
CLI::Validator checked_by(Parse parse)
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
	options.code = parse_code(line.code);
	for (const auto &a : line.arguments)
		options.arguments.push_back(parse_argument(a));
	if (!line.reply.empty())
		options.reply = parse_reply_types(line.reply);
	options.oneway = line.oneway;
	return options;
}

} // namespace

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

Action declare_call(CLI::App &cmd)
{
	auto line = std::make_shared<CallLine>();
	cmd.add_option("NAME", line->name, "The service")
		->type_name("")
		->required()
		->check(service_name_validator());
	cmd.add_option("CODE", line->code, "The transaction code: decimal or 0x hex")
		->type_name("")
		->required()
		->check(checked_by(parse_code));
	cmd.add_option("ARGS", line->arguments, "The request's items, each TYPE:VALUE")
		->type_name("")
		->check(checked_by(parse_argument));
	auto *reply = cmd.add_option("-r,--reply", line->reply,
				     "Fail unless the reply's items have these types (str; i32,str; none)")
			      ->type_name("TYPES")
			      ->check(checked_by(parse_reply_types));
	cmd.add_flag("--oneway", line->oneway,
		     "A oneway call (TF_ONE_WAY): no reply; done once the driver took it")
		->excludes(reply);
	return [line](const Env &env) { return run_call(env, convert(*line)); };
}

} // namespace blctl
