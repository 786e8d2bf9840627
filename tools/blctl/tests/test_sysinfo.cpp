// SPDX-License-Identifier: GPL-2.0

#include "sysinfo.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace blctl {
namespace {

TEST(Paths, PutsAbsolutePathsBelowTheRoot)
{
	const Paths p{.root = "/tmp/fake", .device = "/dev/binderlite"};
	EXPECT_EQ(p.at("/sys/module/binderlite"), "/tmp/fake/sys/module/binderlite");
	EXPECT_EQ(p.at("proc"), "/tmp/fake/proc");
	EXPECT_EQ(Paths{}.at("/dev/binderlite"), "/dev/binderlite");
}

TEST(Trim, RemovesBlanksAndNewlinesAtBothEnds)
{
	EXPECT_EQ(trim("  4194304\n"), "4194304");
	EXPECT_EQ(trim("\t\r\n"), "");
	EXPECT_EQ(trim("a b"), "a b");
}

TEST(MountFstype, FindsDebugfs)
{
	EXPECT_EQ(mountFstype(test::kMountsWithDebugfs, "/sys/kernel/debug"), "debugfs");
	EXPECT_EQ(mountFstype(test::kMountsWithoutDebugfs, "/sys/kernel/debug"), std::nullopt);
	EXPECT_EQ(mountFstype("", "/sys/kernel/debug"), std::nullopt);
	// A prefix is not a match.
	EXPECT_EQ(mountFstype("debugfs /sys/kernel/debug/x debugfs rw 0 0\n", "/sys/kernel/debug"),
		  std::nullopt);
}

TEST(MountFstype, TheLastMountThereWins)
{
	const std::string_view mounts = "debugfs /sys/kernel/debug debugfs rw 0 0\n"
					"none /sys/kernel/debug tmpfs rw 0 0\n";
	EXPECT_EQ(mountFstype(mounts, "/sys/kernel/debug"), "tmpfs");
}

TEST(MountFstype, DecodesEscapedBlanks)
{
	EXPECT_EQ(unescapeMountField("/mnt/my\\040disk"), "/mnt/my disk");
	EXPECT_EQ(unescapeMountField("a\\011b\\012c\\134d"), "a\tb\nc\\d");
	EXPECT_EQ(unescapeMountField("trailing\\04"), "trailing\\04");
	EXPECT_EQ(unescapeMountField("\\999"), "\\999");
	EXPECT_EQ(mountFstype("x /mnt/my\\040disk ext4 rw 0 0\n", "/mnt/my disk"), "ext4");
}

TEST(IdName, LooksUpPasswdAndGroupLines)
{
	const std::string_view group = "root:x:0:\n# a comment\nbroken\nbinderlite:x:997:alice,bob\n";
	EXPECT_EQ(idName(group, 0), "root");
	EXPECT_EQ(idName(group, 997), "binderlite");
	EXPECT_EQ(idName(group, 99), std::nullopt);
	EXPECT_EQ(idName("alice:x:1000:1000:Alice:/home/alice:/bin/sh\n", 1000), "alice");
	EXPECT_EQ(idName("odd:x:10x:\n", 10), std::nullopt);
}

TEST(ModeString, ShowsModesAsLsDoes)
{
	EXPECT_EQ(modeString(S_IFCHR | 0666), "crw-rw-rw-");
	EXPECT_EQ(modeString(S_IFCHR | 0660), "crw-rw----");
	EXPECT_EQ(modeString(S_IFCHR | 0600), "crw-------");
	EXPECT_EQ(modeString(S_IFREG | 0644), "-rw-r--r--");
	EXPECT_EQ(modeString(S_IFDIR | 01777), "drwxrwxrwt");
	EXPECT_EQ(modeString(S_IFREG | 04755), "-rwsr-xr-x");
	EXPECT_EQ(modeString(S_IFREG | 02644), "-rw-r-Sr--");
}

TEST(FakeSystem, ModuleParametersAreSortedAndTrimmed)
{
	test::FakeSystem sys;
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_FALSE(moduleLoaded(paths));
	EXPECT_TRUE(moduleParameters(paths).empty());
	sys.loadModule();
	EXPECT_TRUE(moduleLoaded(paths));
	const auto params = moduleParameters(paths);
	ASSERT_EQ(params.size(), 2u);
	EXPECT_EQ(params[0].first, "debug_mask");
	EXPECT_EQ(params[0].second, "0");
	EXPECT_EQ(params[1].first, "max_pool_size");
	EXPECT_EQ(params[1].second, "4194304");
}

TEST(FakeSystem, ProcessNamesArePrintable)
{
	test::FakeSystem sys;
	sys.write("/proc/42/comm", "evil\x1b[2Jname\n");
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_EQ(processName(paths, 42), "evil?[2Jname");
	EXPECT_EQ(processName(paths, 43), std::nullopt);
}

TEST(FakeSystem, NamesOfUsersAndGroupsComeFromEtc)
{
	test::FakeSystem sys;
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_EQ(userName(paths, 0), "root");
	EXPECT_EQ(userName(paths, 1234), "1234");
	EXPECT_EQ(groupName(paths, 997), "binderlite");
	sys.remove("/etc/group");
	EXPECT_EQ(groupName(paths, 997), "997");
}

TEST(FakeSystem, DebugfsMountIsReadFromProcSelfMounts)
{
	test::FakeSystem sys;
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_EQ(debugfsFstype(paths), std::nullopt);
	sys.loadModule();
	EXPECT_EQ(debugfsFstype(paths), "debugfs");
}

TEST(AskProtocolVersion, ReportsTheStepThatFailed)
{
	const auto missing = askProtocolVersion("/nonexistent/binderlite");
	EXPECT_FALSE(missing.version);
	EXPECT_EQ(missing.failedStep, "open");
	EXPECT_EQ(missing.error, ENOENT);
	// /dev/null opens, but knows no binder ioctl.
	const auto null = askProtocolVersion("/dev/null");
	EXPECT_FALSE(null.version);
	EXPECT_EQ(null.failedStep, "BINDERLITE_VERSION");
	EXPECT_EQ(null.error, ENOTTY);
}

} // namespace
} // namespace blctl
