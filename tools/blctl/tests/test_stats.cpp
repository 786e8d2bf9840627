// SPDX-License-Identifier: GPL-2.0

#include "subcommands.hpp"

#include "debugfs.hpp"
#include "fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace blctl {
namespace {

constexpr std::string_view kCounters =
	"Live objects\n"
	"  open files                          3\n"
	"  threads                             4\n"
	"  nodes (dead ones included)          2\n"
	"  references                          3\n"
	"  death notifications                 1\n"
	"  transactions in flight              0\n"
	"  buffers in use                      0\n"
	"\n"
	"Transactions since load\n"
	"  calls (oneways included)           14\n"
	"  oneway calls                        2\n"
	"  replies                            12\n"
	"  failed                              2\n"
	"    dead                              1\n"
	"    no space                          1\n"
	"\n"
	"Bytes since load\n"
	"  sent (data and offsets)     1,040,533  (1016 KiB)\n"
	"  copied into pools           1,040,533  (1016 KiB)\n"
	"\n"
	"Pool pages\n"
	"  resident                          256  (1 MiB)\n"
	"  parked, reclaimable                 1  (4 KiB)\n"
	"  reclaimed since load                0\n";

constexpr std::string_view kProcesses =
	"Open files of the device (/sys/kernel/debug/binderlite/procs, pools)\n"
	"  PID  COMMAND         THREADS  NODES  REFS  DEATHS  BUFFERS  TODO   POOL  USED   FREE  LARGEST FREE  PAGES\n"
	"  156  binderlite-raw        1      1     1       0        0     0  4 MiB   0 B  4 MiB         4 MiB      1\n"
	"  158  binderlite-raw        2      1     1       0        0     0  4 MiB   0 B  4 MiB         4 MiB    254\n"
	"  161  client                1      0     1       1        0     0  4 MiB   0 B  4 MiB         4 MiB      1\n"
	"  (POOL: the receive pool's size; USED, FREE, LARGEST FREE: its space; PAGES: its pages in memory)\n";

TEST(Stats, PrintsGroupedCountersAndAProcessTable)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(runStats(sys.env(), {}), kExitOk);
	EXPECT_EQ(sys.out.str(), std::string{kCounters} + "\n" + std::string{kProcesses});
	EXPECT_EQ(sys.err.str(), "");
}

TEST(Stats, ShowsFrozenProcessesContextsAndTheNewCounters)
{
	test::FakeSystem sys;
	sys.loadModuleWithContexts();
	EXPECT_EQ(runStats(sys.env(), {}), kExitOk);
	const std::string out = sys.out.str();
	EXPECT_NE(out.find("  buffers in use                      0\n"
			   "  fds sent, not yet received          2\n"
			   "  freeze notifications                0\n"),
		  std::string::npos) << out;
	EXPECT_NE(out.find("  failed                              1\n"
			   "    frozen                            1\n"), std::string::npos) << out;
	EXPECT_NE(out.find(
		"  PID  COMMAND         THREADS  NODES  REFS  DEATHS  BUFFERS  TODO   POOL  USED   FREE  LARGEST FREE  PAGES  FROZEN  CONTEXT\n"
		"  156  binderlite-raw        1      1     1       0        0     0  4 MiB   0 B  4 MiB         4 MiB      1      no  binderlite\n"
		"  158  binderlite-raw        2      1     1       0        0     0  4 MiB   0 B  4 MiB         4 MiB    254     yes  binderlite\n"
		"  161  client                1      0     1       1        0     0  4 MiB   0 B  4 MiB         4 MiB      1      no  binderlite\n"
		"  170  vendor-client         1      0     0       0        0     0  1 MiB   0 B  1 MiB         1 MiB      0      no  vendor\n"),
		  std::string::npos) << out;
	EXPECT_NE(out.find("\nContexts (/sys/kernel/debug/binderlite/contexts)\n"
			   "  NAME        DEVICE           FILES  CONTEXT MANAGER\n"
			   "  binderlite  /dev/binderlite      3  156 (binderlite-raw)\n"
			   "  vendor      /dev/vendor          1  none\n"
			   "  (FILES: the open files of the context's device; CONTEXT MANAGER: its handle 0's process)\n"),
		  std::string::npos) << out;
	EXPECT_EQ(sys.err.str(), "");
}

TEST(Stats, JsonHasTheContexts)
{
	test::FakeSystem sys;
	sys.loadModuleWithContexts();
	EXPECT_EQ(runStats(sys.env(), {.json = true, .bytes = false}), kExitOk);
	const auto doc = nlohmann::json::parse(sys.out.str());
	EXPECT_EQ(doc["stats"]["files_in_flight"], 2);
	EXPECT_EQ(doc["processes"][1]["procs"]["frozen"], 1);
	EXPECT_EQ(doc["processes"][3]["procs"]["context"], "vendor");
	ASSERT_EQ(doc["contexts"].size(), 2u);
	EXPECT_EQ(doc["contexts"][0]["name"], "binderlite");
	EXPECT_EQ(doc["contexts"][0]["device"], "/dev/binderlite");
	EXPECT_EQ(doc["contexts"][0]["manager"], 156);
	EXPECT_EQ(doc["contexts"][0]["manager_comm"], "binderlite-raw");
	EXPECT_TRUE(doc["contexts"][1]["manager_comm"].is_null());
}

TEST(Stats, AnOlderModuleHasNoContextsAndNoFrozenColumn)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(runStats(sys.env(), {}), kExitOk);
	EXPECT_EQ(sys.out.str().find("FROZEN"), std::string::npos);
	EXPECT_EQ(sys.out.str().find("Contexts"), std::string::npos);
	sys.out.str("");
	EXPECT_EQ(runStats(sys.env(), {.json = true, .bytes = false}), kExitOk);
	EXPECT_TRUE(nlohmann::json::parse(sys.out.str())["contexts"].is_null());
}

TEST(Stats, BytesOptionShowsExactPoolSizes)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/kernel/debug/binderlite/pools",
		  "pid size used free largest_free pages_resident\n"
		  "156 4194304 1040384 3153920 3153920 255\n");
	sys.write("/sys/kernel/debug/binderlite/procs", "pid threads nodes refs deaths buffers todo\n"
							"156 1 1 1 0 1 0\n");
	EXPECT_EQ(runStats(sys.env(), {.json = false, .bytes = true}), kExitOk);
	EXPECT_NE(sys.out.str().find("  156  binderlite-raw        1      1     1       0        1"
				     "     0  4194304  1040384  3153920       3153920    255\n"),
		  std::string::npos) << sys.out.str();
}

TEST(Stats, ShowsMissingValuesAndVanishedProcesses)
{
	test::FakeSystem sys;
	sys.loadModule();
	// 170 has gone (no comm) and closed its file between the two reads;
	// pools of this driver has no largest_free column.
	sys.write("/sys/kernel/debug/binderlite/procs", "pid threads nodes refs deaths buffers todo\n"
							"156 1 1 1 0 0 0\n"
							"170 1 0 0 0 0 0\n");
	sys.write("/sys/kernel/debug/binderlite/pools", "pid size used free\n"
							"156 8192 0 8192\n");
	EXPECT_EQ(runStats(sys.env(), {}), kExitOk);
	const std::string out = sys.out.str();
	EXPECT_NE(out.find("  PID  COMMAND         THREADS  NODES  REFS  DEATHS  BUFFERS  TODO   POOL  USED   FREE  LARGEST FREE  PAGES\n"
			   "  156  binderlite-raw        1      1     1       0        0     0  8 KiB   0 B  8 KiB             -      -\n"
			   "  170  ?                     1      0     0       0        0     0      -     -      -             -      -\n"),
		  std::string::npos) << out;
}

TEST(Stats, SaysSoWhenNoProcessHasTheDeviceOpen)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/kernel/debug/binderlite/procs", "pid threads nodes refs deaths buffers todo\n");
	sys.write("/sys/kernel/debug/binderlite/pools", "pid size used free largest_free\n");
	EXPECT_EQ(runStats(sys.env(), {}), kExitOk);
	EXPECT_NE(sys.out.str().find("(/sys/kernel/debug/binderlite/procs, pools)\n  none\n"),
		  std::string::npos);
}

TEST(Stats, ShowsKeysItDoesNotKnowUnderOther)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/kernel/debug/binderlite/stats",
		  "procs 1\nfailed 3\nfailed_dead 0\nfailed_new_reason 3\nfrobs 12345\nmode fast\n");
	EXPECT_EQ(runStats(sys.env(), {}), kExitOk);
	EXPECT_EQ(sys.out.str().substr(0, sys.out.str().find("Open files")),
		  "Live objects\n"
		  "  open files                  1\n"
		  "\n"
		  "Transactions since load\n"
		  "  failed                      3\n"
		  "    new reason                3\n"
		  "\n"
		  "Other\n"
		  "  frobs                  12,345\n"
		  "  mode                     fast\n"
		  "\n");
}

TEST(Stats, JsonHasEveryKeyAndColumn)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(runStats(sys.env(), {.json = true, .bytes = false}), kExitOk);
	const auto doc = nlohmann::json::parse(sys.out.str());
	EXPECT_EQ(doc["debugfs"], "/sys/kernel/debug/binderlite");
	EXPECT_EQ(doc["stats"].size(), 25u);
	EXPECT_EQ(doc["stats"]["bytes_copied"], 1040533);
	EXPECT_EQ(doc["stats"]["failed_bad_object"], 0);
	ASSERT_EQ(doc["processes"].size(), 3u);
	const auto &service = doc["processes"][1];
	EXPECT_EQ(service["pid"], 158);
	EXPECT_EQ(service["comm"], "binderlite-raw");
	EXPECT_EQ(service["procs"]["threads"], 2);
	EXPECT_EQ(service["pool"]["high_watermark"], 1040384);
	EXPECT_EQ(service["pool"].size(), 12u);
}

TEST(Stats, JsonMarksWhatIsMissingAsNull)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/kernel/debug/binderlite/procs", "pid threads\n999 1\n");
	EXPECT_EQ(runStats(sys.env(), {.json = true, .bytes = false}), kExitOk);
	const auto doc = nlohmann::json::parse(sys.out.str());
	const auto &gone = doc["processes"].back();
	EXPECT_EQ(gone["pid"], 999);
	EXPECT_TRUE(gone["comm"].is_null());
	EXPECT_TRUE(gone["pool"].is_null());
	EXPECT_EQ(gone["procs"]["threads"], 1);
}

TEST(Stats, ModuleNotLoaded)
{
	test::FakeSystem sys;
	try {
		runStats(sys.env(), {});
		FAIL() << "stats without the module succeeded";
	} catch (const Failure &e) {
		EXPECT_STREQ(e.what(), "binderlite module is not loaded: try `sudo modprobe binderlite`");
	}
	EXPECT_EQ(sys.out.str(), "");
}

TEST(Stats, DebugfsNotMounted)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/proc/self/mounts", test::kMountsWithoutDebugfs);
	sys.remove("/sys/kernel/debug");
	try {
		runStats(sys.env(), {});
		FAIL() << "stats without debugfs succeeded";
	} catch (const Failure &e) {
		EXPECT_STREQ(e.what(), "debugfs is not mounted at /sys/kernel/debug: "
				       "mount -t debugfs none /sys/kernel/debug");
	}
}

TEST(Stats, MalformedFileIsAParseError)
{
	test::FakeSystem sys;
	sys.loadModule();
	sys.write("/sys/kernel/debug/binderlite/pools", "pid size\n1 2 3\n");
	EXPECT_THROW(runStats(sys.env(), {}), ParseError);
}

} // namespace
} // namespace blctl
