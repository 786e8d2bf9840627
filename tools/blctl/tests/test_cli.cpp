// SPDX-License-Identifier: GPL-2.0

#include "cli.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace blctl {
namespace {

// Runs blctl with the arguments after the program name.
int run(test::FakeSystem &sys, std::initializer_list<const char *> args)
{
	std::vector<const char *> argv{"blctl"};
	argv.insert(argv.end(), args);
	argv.push_back(nullptr);
	return runCli(static_cast<int>(argv.size() - 1), argv.data(), sys.env());
}

TEST(Cli, HelpListsEverySubcommandAndTheExitStatuses)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"--help"}), kExitOk);
	const std::string out = sys.out.str();
	EXPECT_NE(out.find("Usage: blctl [OPTIONS] COMMAND"), std::string::npos) << out;
	EXPECT_NE(out.find("  status "), std::string::npos) << out;
	EXPECT_NE(out.find("  stats "), std::string::npos) << out;
	EXPECT_NE(out.find("-d,--device"), std::string::npos) << out;
	EXPECT_NE(out.find("Exit status: 0 done, 1 failed"), std::string::npos) << out;
	EXPECT_EQ(sys.err.str(), "");
}

TEST(Cli, EachSubcommandHasItsOwnHelp)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"stats", "--help"}), kExitOk);
	EXPECT_NE(sys.out.str().find("Usage: blctl stats [OPTIONS]"), std::string::npos)
		<< sys.out.str();
	EXPECT_NE(sys.out.str().find("--bytes"), std::string::npos);
	EXPECT_NE(sys.out.str().find("debugfs is readable by root only"), std::string::npos);
	sys.out.str("");
	EXPECT_EQ(run(sys, {"status", "-h"}), kExitOk);
	EXPECT_NE(sys.out.str().find("Usage: blctl status [OPTIONS]"), std::string::npos)
		<< sys.out.str();
	EXPECT_NE(sys.out.str().find("--json"), std::string::npos);
}

TEST(Cli, Version)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"--version"}), kExitOk);
	EXPECT_EQ(sys.out.str(), versionString() + "\n");
	EXPECT_EQ(versionString().rfind("blctl ", 0), 0u);
	EXPECT_NE(versionString().find("(binderlite protocol 8)"), std::string::npos);
}

TEST(Cli, NoSubcommandIsAUsageError)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {}), kExitUsage);
	EXPECT_EQ(sys.out.str(), "");
	EXPECT_EQ(sys.err.str(), "blctl: which command? (blctl COMMAND; `blctl --help` lists them)\n");
}

TEST(Cli, UnknownSubcommandsAndOptionsAreUsageErrors)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"frobnicate"}), kExitUsage);
	EXPECT_EQ(sys.err.str(), "blctl: unknown command \"frobnicate\" (`blctl --help` lists them)\n");
	EXPECT_EQ(run(sys, {"stats", "--no-such-option"}), kExitUsage);
	EXPECT_EQ(run(sys, {"status", "stats"}), kExitUsage);
	EXPECT_EQ(run(sys, {"--device"}), kExitUsage);
	EXPECT_EQ(sys.out.str(), "");
}

TEST(Cli, FailuresExitOneWithTheMessage)
{
	test::FakeSystem sys;
	EXPECT_EQ(run(sys, {"stats"}), kExitFailure);
	EXPECT_EQ(sys.err.str(),
		  "blctl: binderlite module is not loaded: try `sudo modprobe binderlite`\n");
}

TEST(Cli, ParseErrorsExitOneNamingTheFile)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/kernel/debug/binderlite/stats", "procs\n");
	EXPECT_EQ(run(sys, {"stats"}), kExitFailure);
	EXPECT_EQ(sys.err.str(), "blctl: cannot parse /sys/kernel/debug/binderlite/stats: line 1: "
				 "expected \"name value\", found 1 words: does this blctl match the "
				 "module?\n");
}

TEST(Cli, RunsTheSubcommandWithBlctlsOptionsBeforeOrAfterIt)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(run(sys, {"stats", "--json"}), kExitOk);
	EXPECT_EQ(sys.out.str().front(), '{');
	sys.out.str("");
	run(sys, {"-d", "/dev/first", "status"});
	EXPECT_NE(sys.out.str().find("/dev/first: missing"), std::string::npos) << sys.out.str();
	sys.out.str("");
	run(sys, {"status", "--device", "/dev/second"});
	EXPECT_NE(sys.out.str().find("/dev/second: missing"), std::string::npos) << sys.out.str();
}

} // namespace
} // namespace blctl
