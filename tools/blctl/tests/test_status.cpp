// SPDX-License-Identifier: GPL-2.0

#include "subcommands.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace blctl {
namespace {

namespace fs = std::filesystem;

TEST(Status, ModuleNotLoaded)
{
	test::FakeSystem sys;
	EXPECT_EQ(runStatus(sys.env(), {}), kExitFailure);
	EXPECT_EQ(sys.out.str(),
		  "module    not loaded (/sys/module/binderlite is missing)\n"
		  "device    /dev/binderlite: missing\n"
		  "protocol  unknown\n"
		  "debugfs   not mounted at /sys/kernel/debug (blctl stats needs it: "
		  "mount -t debugfs none /sys/kernel/debug)\n");
	// The module is the problem, not the device node it would create.
	EXPECT_EQ(sys.err.str(),
		  "blctl: binderlite module is not loaded: try `sudo modprobe binderlite`\n");
}

TEST(Status, LoadedWithoutItsDeviceNode)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(runStatus(sys.env(), {}), kExitFailure);
	EXPECT_EQ(sys.out.str(),
		  "module      loaded, used by 3\n"
		  "device      /dev/binderlite: missing\n"
		  "protocol    unknown\n"
		  "parameters  debug_mask = 0\n"
		  "            max_pool_size = 4194304\n"
		  "debugfs     mounted; /sys/kernel/debug/binderlite present\n");
	EXPECT_EQ(sys.err.str(),
		  "blctl: /dev/binderlite does not exist although binderlite is loaded: is udev "
		  "running? (by hand: mknod /dev/binderlite c 10 125)\n");
}

TEST(Status, NodeThatIsNotACharacterDevice)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/dev/binderlite", "");
	fs::permissions(sys.root() / "dev/binderlite", fs::perms(0644));
	EXPECT_EQ(runStatus(sys.env(), {}), kExitFailure);
	EXPECT_NE(sys.out.str().find("device      /dev/binderlite: -rw-r--r-- root:root, "
				     "not a character device\n"), std::string::npos) << sys.out.str();
	EXPECT_EQ(sys.err.str(), "blctl: /dev/binderlite is not a character device\n");
}

// The fake node is a symbolic link to /dev/null: a character device that
// opens, but is not binderlite.
TEST(Status, StaleNodeWithAnotherDeviceNumber)
{
	test::FakeSystem sys;
	sys.loadModule();
	fs::create_directories(sys.root() / "dev");
	fs::create_symlink("/dev/null", sys.root() / "dev/binderlite");
	EXPECT_EQ(runStatus(sys.env(), {}), kExitFailure);
	EXPECT_NE(sys.out.str().find("/dev/binderlite: crw-rw-rw- (0666) root:root, device 1:3\n"),
		  std::string::npos) << sys.out.str();
	EXPECT_EQ(sys.err.str(), "blctl: /dev/binderlite is device 1:3, but binderlite is 10:125: "
				 "a stale node; remove it and reload the module\n");
}

TEST(Status, DeviceThatDoesNotAnswerTheVersionIoctl)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/class/misc/binderlite/dev", "1:3\n");
	fs::create_directories(sys.root() / "dev");
	fs::create_symlink("/dev/null", sys.root() / "dev/binderlite");
	EXPECT_EQ(runStatus(sys.env(), {}), kExitFailure);
	EXPECT_NE(sys.out.str().find("protocol    unknown (BINDERLITE_VERSION: Inappropriate "
				     "ioctl for device)\n"), std::string::npos) << sys.out.str();
	EXPECT_EQ(sys.err.str(), "blctl: BINDERLITE_VERSION on /dev/binderlite failed: "
				 "Inappropriate ioctl for device: is it binderlite's device?\n");
}

TEST(Status, DeviceOptionNamesAnotherNode)
{
	test::FakeSystem sys;
	sys.loadModule();
	Env env = sys.env();
	env.paths.device = "/dev/other";
	EXPECT_EQ(runStatus(env, {}), kExitFailure);
	EXPECT_NE(sys.out.str().find("device      /dev/other: missing\n"), std::string::npos);
}

TEST(Status, AContextOfAnotherNameHasItsOwnMiscDevice)
{
	test::FakeSystem sys;
	sys.loadModuleWithContexts();
	sys.write("/sys/class/misc/vendor/dev", "10:126\n");
	Env env = sys.env();
	env.paths.device = "/dev/vendor";
	EXPECT_EQ(runStatus(env, {}), kExitFailure);
	EXPECT_EQ(sys.err.str(), "blctl: /dev/vendor does not exist although binderlite is loaded: is "
				 "udev running? (by hand: mknod /dev/vendor c 10 126)\n");
}

TEST(Status, ContextsAndFrozenProcesses)
{
	test::FakeSystem sys;
	sys.loadModuleWithContexts();
	runStatus(sys.env(), {});
	EXPECT_NE(sys.out.str().find(
			  "debugfs     mounted; /sys/kernel/debug/binderlite present\n"
			  "contexts    binderlite (/dev/binderlite): 3 open files, manager 156 (binderlite-raw)\n"
			  "            vendor (/dev/vendor): 1 open file, no manager\n"
			  "frozen      158 (binderlite-raw) on binderlite\n"),
		  std::string::npos) << sys.out.str();
	EXPECT_NE(sys.out.str().find("parameters  debug_mask = 0\n"
				     "            devices = binderlite,vendor\n"),
		  std::string::npos) << sys.out.str();

	// Nothing frozen, no context: said so.
	sys.out.str("");
	sys.write("/sys/kernel/debug/binderlite/procs", "pid threads frozen context\n");
	sys.write("/sys/kernel/debug/binderlite/contexts", "name procs manager\n");
	runStatus(sys.env(), {});
	EXPECT_NE(sys.out.str().find("contexts    none\nfrozen      none\n"), std::string::npos) << sys.out.str();

	// A procs file that does not parse: left out, status goes on.
	sys.out.str("");
	sys.write("/sys/kernel/debug/binderlite/procs", "pid frozen\n1\n");
	sys.remove("/sys/kernel/debug/binderlite/contexts");
	EXPECT_EQ(runStatus(sys.env(), {}), kExitFailure); // the device is missing, as before
	EXPECT_EQ(sys.out.str().find("frozen"), std::string::npos) << sys.out.str();
}

TEST(Status, AnOlderModuleShowsNeitherContextsNorFrozen)
{
	test::FakeSystem sys;
	sys.loadModule();
	runStatus(sys.env(), {});
	EXPECT_EQ(sys.out.str().find("contexts"), std::string::npos) << sys.out.str();
	EXPECT_EQ(sys.out.str().find("frozen"), std::string::npos) << sys.out.str();
	sys.out.str("");
	runStatus(sys.env(), {.json = true});
	const auto doc = nlohmann::json::parse(sys.out.str());
	EXPECT_TRUE(doc["debugfs"]["contexts"].is_null());
	EXPECT_TRUE(doc["debugfs"]["frozen"].is_null());
}

TEST(Status, JsonHasContextsAndFrozenProcesses)
{
	test::FakeSystem sys;
	sys.loadModuleWithContexts();
	runStatus(sys.env(), {.json = true});
	const auto doc = nlohmann::json::parse(sys.out.str());
	ASSERT_EQ(doc["debugfs"]["contexts"].size(), 2u);
	EXPECT_EQ(doc["debugfs"]["contexts"][1]["name"], "vendor");
	EXPECT_EQ(doc["debugfs"]["contexts"][1]["manager"], 0);
	ASSERT_EQ(doc["debugfs"]["frozen"].size(), 1u);
	EXPECT_EQ(doc["debugfs"]["frozen"][0]["pid"], 158);
	EXPECT_EQ(doc["debugfs"]["frozen"][0]["comm"], "binderlite-raw");
	EXPECT_EQ(doc["debugfs"]["frozen"][0]["context"], "binderlite");
}

TEST(Status, DebugfsStates)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/proc/self/mounts", test::kMountsWithoutDebugfs);
	runStatus(sys.env(), {});
	EXPECT_NE(sys.out.str().find("debugfs     not mounted at /sys/kernel/debug (blctl stats "
				     "needs it: mount -t debugfs none /sys/kernel/debug)\n"),
		  std::string::npos) << sys.out.str();

	sys.out.str("");
	sys.write("/proc/self/mounts", test::kMountsWithDebugfs);
	sys.remove("/sys/kernel/debug/binderlite");
	runStatus(sys.env(), {});
	EXPECT_NE(sys.out.str().find("debugfs     mounted at /sys/kernel/debug, but "
				     "/sys/kernel/debug/binderlite is missing\n"),
		  std::string::npos) << sys.out.str();
}

TEST(Status, BuiltInModuleAndUnreadableParameter)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.remove("/sys/module/binderlite/initstate");
	sys.remove("/sys/module/binderlite/refcnt");
	sys.remove("/sys/module/binderlite/parameters/max_pool_size");
	// A directory where a parameter's file should be cannot be read.
	fs::create_directories(sys.root() / "sys/module/binderlite/parameters/odd");
	runStatus(sys.env(), {});
	EXPECT_NE(sys.out.str().find("module      built into the kernel\n"), std::string::npos)
		<< sys.out.str();
	EXPECT_NE(sys.out.str().find("parameters  debug_mask = 0\n"
				     "            odd = (not readable)\n"), std::string::npos)
		<< sys.out.str();
}

TEST(Status, Json)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(runStatus(sys.env(), {.json = true}), kExitFailure);
	const auto doc = nlohmann::json::parse(sys.out.str());
	EXPECT_EQ(doc["module"]["loaded"], true);
	EXPECT_EQ(doc["module"]["initstate"], "live");
	EXPECT_EQ(doc["module"]["used_by"], 3);
	EXPECT_EQ(doc["module"]["parameters"]["max_pool_size"], "4194304");
	EXPECT_EQ(doc["device"]["path"], "/dev/binderlite");
	EXPECT_EQ(doc["device"]["present"], false);
	EXPECT_EQ(doc["device"]["registered_number"], "10:125");
	EXPECT_TRUE(doc["device"]["protocol_version"].is_null());
	EXPECT_EQ(doc["blctl_protocol_version"], 8);
	EXPECT_EQ(doc["debugfs"]["fstype"], "debugfs");
	EXPECT_EQ(doc["debugfs"]["binderlite"], true);
	ASSERT_EQ(doc["problems"].size(), 1u);
}

} // namespace
} // namespace blctl
