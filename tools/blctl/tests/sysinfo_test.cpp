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
	EXPECT_EQ(mount_fstype(test::kMountsWithDebugfs, "/sys/kernel/debug"), "debugfs");
	EXPECT_EQ(mount_fstype(test::kMountsWithoutDebugfs, "/sys/kernel/debug"), std::nullopt);
	EXPECT_EQ(mount_fstype("", "/sys/kernel/debug"), std::nullopt);
	// A prefix is not a match.
	EXPECT_EQ(mount_fstype("debugfs /sys/kernel/debug/x debugfs rw 0 0\n", "/sys/kernel/debug"),
		  std::nullopt);
}

TEST(MountFstype, TheLastMountThereWins)
{
	const std::string_view mounts = "debugfs /sys/kernel/debug debugfs rw 0 0\n"
					"none /sys/kernel/debug tmpfs rw 0 0\n";
	EXPECT_EQ(mount_fstype(mounts, "/sys/kernel/debug"), "tmpfs");
}

TEST(MountFstype, DecodesEscapedBlanks)
{
	EXPECT_EQ(unescape_mount_field("/mnt/my\\040disk"), "/mnt/my disk");
	EXPECT_EQ(unescape_mount_field("a\\011b\\012c\\134d"), "a\tb\nc\\d");
	EXPECT_EQ(unescape_mount_field("trailing\\04"), "trailing\\04");
	EXPECT_EQ(unescape_mount_field("\\999"), "\\999");
	EXPECT_EQ(mount_fstype("x /mnt/my\\040disk ext4 rw 0 0\n", "/mnt/my disk"), "ext4");
}

TEST(IdName, LooksUpPasswdAndGroupLines)
{
	const std::string_view group = "root:x:0:\n# a comment\nbroken\nbinderlite:x:997:alice,bob\n";
	EXPECT_EQ(id_name(group, 0), "root");
	EXPECT_EQ(id_name(group, 997), "binderlite");
	EXPECT_EQ(id_name(group, 99), std::nullopt);
	EXPECT_EQ(id_name("alice:x:1000:1000:Alice:/home/alice:/bin/sh\n", 1000), "alice");
	EXPECT_EQ(id_name("odd:x:10x:\n", 10), std::nullopt);
}

TEST(ModeString, ShowsModesAsLsDoes)
{
	EXPECT_EQ(mode_string(S_IFCHR | 0666), "crw-rw-rw-");
	EXPECT_EQ(mode_string(S_IFCHR | 0660), "crw-rw----");
	EXPECT_EQ(mode_string(S_IFCHR | 0600), "crw-------");
	EXPECT_EQ(mode_string(S_IFREG | 0644), "-rw-r--r--");
	EXPECT_EQ(mode_string(S_IFDIR | 01777), "drwxrwxrwt");
	EXPECT_EQ(mode_string(S_IFREG | 04755), "-rwsr-xr-x");
	EXPECT_EQ(mode_string(S_IFREG | 02644), "-rw-r-Sr--");
}

TEST(FakeSystem, ModuleParametersAreSortedAndTrimmed)
{
	test::FakeSystem sys;
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_FALSE(module_loaded(paths));
	EXPECT_TRUE(module_parameters(paths).empty());
	sys.load_module();
	EXPECT_TRUE(module_loaded(paths));
	const auto params = module_parameters(paths);
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
	EXPECT_EQ(process_name(paths, 42), "evil?[2Jname");
	EXPECT_EQ(process_name(paths, 43), std::nullopt);
}

TEST(FakeSystem, NamesOfUsersAndGroupsComeFromEtc)
{
	test::FakeSystem sys;
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_EQ(user_name(paths, 0), "root");
	EXPECT_EQ(user_name(paths, 1234), "1234");
	EXPECT_EQ(group_name(paths, 997), "binderlite");
	sys.remove("/etc/group");
	EXPECT_EQ(group_name(paths, 997), "997");
}

TEST(FakeSystem, DebugfsMountIsReadFromProcSelfMounts)
{
	test::FakeSystem sys;
	const Paths paths{.root = sys.root(), .device = "/dev/binderlite"};
	EXPECT_EQ(debugfs_fstype(paths), std::nullopt);
	sys.load_module();
	EXPECT_EQ(debugfs_fstype(paths), "debugfs");
}

TEST(AskProtocolVersion, ReportsTheStepThatFailed)
{
	const auto missing = ask_protocol_version("/nonexistent/binderlite");
	EXPECT_FALSE(missing.version);
	EXPECT_EQ(missing.failed_step, "open");
	EXPECT_EQ(missing.error, ENOENT);
	// /dev/null opens, but knows no binder ioctl.
	const auto null = ask_protocol_version("/dev/null");
	EXPECT_FALSE(null.version);
	EXPECT_EQ(null.failed_step, "BINDERLITE_VERSION");
	EXPECT_EQ(null.error, ENOTTY);
}

} // namespace
} // namespace blctl
