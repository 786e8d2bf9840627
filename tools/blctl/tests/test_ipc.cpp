// SPDX-License-Identifier: GPL-2.0
//
// list, ping and call on the host, where no service manager runs: their
// command lines, and the messages for a device that is missing or is no
// binder device. What they do with a device is tested in the VM.

#include "cli.hpp"
#include "ipc.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <initializer_list>
#include <string>
#include <vector>

namespace blctl {
namespace {

namespace bl = binderlite;

int run(test::FakeSystem &sys, std::initializer_list<const char *> args)
{
	std::vector<const char *> argv{"blctl"};
	argv.insert(argv.end(), args);
	argv.push_back(nullptr);
	return runCli(static_cast<int>(argv.size() - 1), argv.data(), sys.env());
}

bool contains(const std::string &text, std::string_view what)
{
	return text.find(what) != std::string::npos;
}

TEST(Ipc, HelpListsTheIpcCommands)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"--help"}), kExitOk);
	for (const char *cmd : {"  list ", "  ping ", "  call "})
		EXPECT_TRUE(contains(sys.out.str(), cmd)) << cmd;
}

TEST(Ipc, FreezeCommandLines)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"--help"}), kExitOk);
	for (const char *cmd : {"  freeze ", "  thaw ", "  frozen "})
		EXPECT_TRUE(contains(sys.out.str(), cmd)) << cmd;
	sys.out.str("");
	EXPECT_EQ(run(sys, {"freeze", "--help"}), kExitOk);
	EXPECT_TRUE(contains(sys.out.str(), "Usage: blctl freeze [OPTIONS] PID")) << sys.out.str();
	EXPECT_TRUE(contains(sys.out.str(), "-t,--timeout MS=1000")) << sys.out.str();
	EXPECT_TRUE(contains(sys.out.str(), "BR_TRANSACTION_PENDING_FROZEN")) << sys.out.str();
	for (auto args : {std::initializer_list<const char *>{"freeze"}, {"freeze", "0"}, {"freeze", "x"},
			  {"thaw"}, {"thaw", "-3"}, {"frozen"}, {"freeze", "5", "--timeout", "-1"}}) {
		sys.err.str("");
		EXPECT_EQ(run(sys, args), kExitUsage) << *args.begin();
	}
	// A device that is not there: the usual message, exit 1.
	Env env = sys.env();
	sys.err.str("");
	env.paths.device = "/nonexistent/binderlite";
	const char *argv[] = {"blctl", "freeze", "42", nullptr};
	EXPECT_EQ(runCli(3, argv, env), kExitFailure);
	EXPECT_TRUE(contains(sys.err.str(), "device /nonexistent/binderlite not present")) << sys.err.str();
}

TEST(Ipc, FreezeFailuresSayWhatToDo)
{
	const auto sys = [](int e) { return bl::Error(bl::ErrorKind::System, e, "BINDERLITE_FREEZE"); };
	EXPECT_EQ(freezeFailure("/dev/binderlite", "freeze", "169 (demo-service)", 100, sys(EAGAIN)),
		  "process 169 (demo-service) still had transactions in flight after 100 ms, so the "
		  "driver thawed it again: try a longer --timeout, or later");
	EXPECT_EQ(freezeFailure("/dev/binderlite", "thaw", "7", 0, sys(EINVAL)),
		  "process 7 has no binder file of /dev/binderlite's driver open (or does not exist): "
		  "only processes that use the driver can be frozen");
	EXPECT_EQ(freezeFailure("/dev/binder", "freeze", "7", 0, sys(EPERM)),
		  "freeze of process 7 refused: EPERM (Operation not permitted): run blctl as root");
	EXPECT_TRUE(contains(freezeFailure("/dev/binder", "frozen info", "7", 0, sys(EIO)),
			     "frozen info of process 7 on /dev/binder failed: BINDERLITE_FREEZE"));
}

TEST(Ipc, PingHelpDefinesThePingConvention)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"ping", "--help"}), kExitOk);
	const std::string out = sys.out.str();
	EXPECT_TRUE(contains(out, "Usage: blctl ping [OPTIONS] [NAME]")) << out;
	EXPECT_TRUE(contains(out, "0x5f504e47 ('_PNG'")) << out;
	EXPECT_TRUE(contains(out, "libbinder, libgbinder and libbinderlite")) << out;
	EXPECT_TRUE(contains(out, "Without NAME, pings the service manager itself")) << out;
	EXPECT_EQ(kPingCode, 0x5f504e47u);
	EXPECT_EQ(kPingCode, static_cast<std::uint32_t>('_' << 24 | 'P' << 16 | 'N' << 8 | 'G'));
}

TEST(Ipc, CallHelpListsTheTypes)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"call", "-h"}), kExitOk);
	const std::string out = sys.out.str();
	EXPECT_TRUE(contains(out, "Usage: blctl call [OPTIONS] NAME CODE [ARGS...]")) << out;
	for (const char *what : {"i32 i64 u32 u64", "byte", "f32 f64", "bytes:00ff10", "binder:hello",
				 "interface token", "--reply", "--oneway", "--raw", "--descriptor",
				 "blctl call hello 1 str:world --reply str"})
		EXPECT_TRUE(contains(out, what)) << what;
}

TEST(Ipc, BadCommandLinesExitTwoBeforeTouchingTheDevice)
{
	// The device does not exist: a usage error must be found first.
	const std::vector<std::vector<const char *>> lines{
		{"call"},
		{"call", "hello"},
		{"call", "hello", "SAY"},
		{"call", "hello", "0x100000000"},
		{"call", "hello", "1", "i32"},
		{"call", "hello", "1", "i16:5"},
		{"call", "hello", "1", "byte:256"},
		{"call", "hello", "1", "--reply", "text"},
		{"call", "hello", "1", "--oneway", "--reply", "str"},
		{"call", "hello", "1", "--raw", "--descriptor", "a.B"},
		{"--dialect", "7", "list"},
		{"list", "-D", "android17"},
		{"call", "has space", "1"},
		{"ping", "has space"},
		{"ping", "a", "b"},
		{"list", "extra"},
	};
	for (const auto &line : lines) {
		test::FakeSystem sys;
		std::vector<const char *> argv{"blctl", "-d", "/nonexistent/binderlite"};
		argv.insert(argv.end(), line.begin(), line.end());
		argv.push_back(nullptr);
		std::string text;
		for (const char *a : line)
			text += std::string{a} + ' ';
		EXPECT_EQ(runCli(static_cast<int>(argv.size() - 1), argv.data(), sys.env()), kExitUsage)
			<< text;
		EXPECT_FALSE(contains(sys.err.str(), "not present")) << text << sys.err.str();
		EXPECT_EQ(sys.out.str(), "") << text;
	}
}

TEST(Ipc, UsageErrorsSayWhatIsWrong)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"call", "hello", "1", "byte:300"}), kExitUsage);
	EXPECT_TRUE(contains(sys.err.str(), "\"byte:300\": out of range for byte (-128 to 127)"))
		<< sys.err.str();
	sys.err.str("");
	EXPECT_EQ(run(sys, {"--dialect", "7", "list"}), kExitUsage);
	EXPECT_TRUE(contains(sys.err.str(), "no dialect \"7\"")) << sys.err.str();
	sys.err.str("");
	EXPECT_EQ(run(sys, {"call", "a b", "1"}), kExitUsage);
	EXPECT_TRUE(contains(sys.err.str(), "\"a b\" is not a service name")) << sys.err.str();
	sys.err.str("");
	EXPECT_EQ(run(sys, {"call", "hello", "x"}), kExitUsage);
	EXPECT_TRUE(contains(sys.err.str(), "\"x\": a code is a number")) << sys.err.str();
}

TEST(Ipc, AMissingDeviceIsNamed)
{
	for (const auto &cmd : std::vector<std::vector<const char *>>{
		     {"list"}, {"ping"}, {"ping", "hello"}, {"call", "hello", "1", "str:x"}}) {
		test::FakeSystem sys;
		std::vector<const char *> argv{"blctl", "-d", "/nonexistent/binderlite"};
		argv.insert(argv.end(), cmd.begin(), cmd.end());
		argv.push_back(nullptr);
		EXPECT_EQ(runCli(static_cast<int>(argv.size() - 1), argv.data(), sys.env()),
			  kExitFailure);
		EXPECT_EQ(sys.err.str(),
			  "blctl: device /nonexistent/binderlite not present: load the module (`sudo "
			  "modprobe binderlite`; `blctl status` tells more) or name another device "
			  "with -d\n");
		EXPECT_EQ(sys.out.str(), "");
	}
}

TEST(Ipc, AFileThatIsNoBinderDeviceIsNamed)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"-d", "/dev/null", "list"}), kExitFailure);
	EXPECT_EQ(sys.err.str(), "blctl: /dev/null is not a binder device (it does not answer "
				 "BINDERLITE_VERSION): name /dev/binderlite or a binder device with -d\n");
}

TEST(Ipc, MessagesForTheManager)
{
	const bl::DeadObject dead("call 2 to handle 0: BR_DEAD_REPLY");
	EXPECT_EQ(managerFailure("/dev/binderlite", dead),
		  "service manager not running on /dev/binderlite: start it (`blservicemanager -d "
		  "/dev/binderlite &`)");
	EXPECT_EQ(managerFailure("/dev/binderlite", bl::Error::fromStatus(bl::Status::fromStatusT(bl::kBadType))),
		  "the service manager on /dev/binderlite refused: BAD_TYPE: not the interface token it "
		  "expects (--descriptor, --raw): does it speak the same dialect? (blctl --dialect; "
		  "blservicemanager -D)");
	EXPECT_EQ(noSuchService("/dev/binderlite", "hello"),
		  "no service named \"hello\" on /dev/binderlite: `blctl list` shows the registered "
		  "ones");
}

TEST(Ipc, MessagesForACall)
{
	EXPECT_EQ(callFailure("/dev/binderlite", "hello", bl::DeadObject("x")),
		  "service \"hello\" on /dev/binderlite is dead (its process is gone): restart it");
	EXPECT_EQ(callFailure("/dev/binderlite", "hello", bl::Error::status(EBADRQC)),
		  "service \"hello\" answered with an error: EBADRQC (Invalid request code): check "
		  "the code and the arguments it expects");
	EXPECT_TRUE(contains(callFailure("/dev/binderlite", "hello",
					  bl::Error(bl::ErrorKind::FailedReply, EINVAL, "call 1")),
			     "the driver refused the call to service \"hello\": call 1"));
	EXPECT_EQ(callFailure("/dev/binderlite", "hello", bl::Error::unknownTransaction(7)),
		  "service \"hello\" answered with UNKNOWN_TRANSACTION (EBADMSG): it has no call of that "
		  "code: check the code and the arguments it expects");
	EXPECT_EQ(callFailure("/dev/binderlite", "hello",
			       bl::Error::exception(bl::ExceptionCode::IllegalArgument, "Null binder")),
		  "service \"hello\" answered with the exception EX_ILLEGAL_ARGUMENT (\"Null binder\"): "
		  "check the code and the arguments it expects");
	EXPECT_EQ(remoteText(bl::Error::serviceSpecific(42, "")), "the exception EX_SERVICE_SPECIFIC 42");
	EXPECT_EQ(errnoName(EBADRQC), "EBADRQC");
	EXPECT_EQ(errnoText(ENOENT), "ENOENT (No such file or directory)");
	EXPECT_EQ(errnoText(4242), "error 4242");
}

TEST(Ipc, Dialects)
{
	EXPECT_EQ(dialectOf("11"), bl::Dialect::Android11);
	EXPECT_EQ(dialectOf("android14"), bl::Dialect::Android13);
	EXPECT_THROW((void)dialectOf("7"), Failure);
}

TEST(Ipc, MessagesForOpeningTheDevice)
{
	EXPECT_EQ(openFailure("/dev/binderlite",
			       bl::Error(bl::ErrorKind::System, EACCES, "open /dev/binderlite")),
		  "cannot open /dev/binderlite: permission denied: run blctl as root, or as a user "
		  "the device's mode allows");
	EXPECT_TRUE(contains(openFailure("/dev/binderlite",
					  bl::Error(bl::ErrorKind::Protocol, EPROTONOSUPPORT,
						    "protocol 7")),
			     "speaks another protocol than binder 8"));
}

} // namespace
} // namespace blctl
