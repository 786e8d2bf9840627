// SPDX-License-Identifier: GPL-2.0

#include "debugfs.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

namespace blctl {
namespace {

using test::kPools;
using test::kProcs;
using test::kStats;

TEST(ParseInteger, TakesDecimalIntegersOnly)
{
	EXPECT_EQ(parseInteger("0"), 0);
	EXPECT_EQ(parseInteger("4194304"), 4194304);
	EXPECT_EQ(parseInteger("-3"), -3);
	EXPECT_EQ(parseInteger("9223372036854775807"), INT64_MAX);
	EXPECT_EQ(parseInteger("9223372036854775808"), std::nullopt);	// u64 beyond int64
	EXPECT_EQ(parseInteger(""), std::nullopt);
	EXPECT_EQ(parseInteger("+1"), std::nullopt);
	EXPECT_EQ(parseInteger("12a"), std::nullopt);
	EXPECT_EQ(parseInteger("0x10"), std::nullopt);
	EXPECT_EQ(parseInteger(" 1"), std::nullopt);
}

TEST(ParseKeyValues, ReadsEveryKeyOfStatsInOrder)
{
	const Record r = parseKeyValues(kStats, "stats");
	ASSERT_EQ(r.fields().size(), 25u);
	EXPECT_EQ(r.fields().front().first, "procs");
	EXPECT_EQ(r.fields().back().first, "pages_reclaimed");
	EXPECT_EQ(r.number("procs"), 3);
	EXPECT_EQ(r.number("bytes_copied"), 1040533);
	EXPECT_EQ(r.number("failed_no_space"), 1);
	EXPECT_EQ(*r.text("pages_lru"), "1");
	EXPECT_FALSE(r.has("no_such_key"));
	EXPECT_EQ(r.number("no_such_key"), std::nullopt);
}

TEST(ParseKeyValues, ToleratesBlankLinesExtraBlanksAndCrLf)
{
	const Record r = parseKeyValues("\nprocs   3 \r\n\n\tthreads\t4\n", "stats");
	ASSERT_EQ(r.fields().size(), 2u);
	EXPECT_EQ(r.number("procs"), 3);
	EXPECT_EQ(r.number("threads"), 4);
	EXPECT_TRUE(parseKeyValues("", "stats").fields().empty());
}

TEST(ParseKeyValues, KeepsValuesItCannotReadAsNumbersAsText)
{
	const Record r = parseKeyValues("huge 18446744073709551615\nmode fast\n", "stats");
	EXPECT_EQ(r.number("huge"), std::nullopt);
	EXPECT_EQ(*r.text("huge"), "18446744073709551615");
	EXPECT_EQ(*r.text("mode"), "fast");
}

TEST(ParseKeyValues, RejectsLinesThatAreNotNameValue)
{
	try {
		parseKeyValues("procs 3\nthreads\n", "stats");
		FAIL() << "a line with one word was accepted";
	} catch (const ParseError &e) {
		EXPECT_STREQ(e.what(), "stats: line 2: expected \"name value\", found 1 words");
	}
	EXPECT_THROW(parseKeyValues("procs 3 4\n", "stats"), ParseError);
}

TEST(ParseKeyValues, RejectsAKeySeenTwice)
{
	try {
		parseKeyValues("procs 3\nprocs 4\n", "stats");
		FAIL() << "a duplicate was accepted";
	} catch (const ParseError &e) {
		EXPECT_STREQ(e.what(), "stats: line 2: \"procs\" appears twice");
	}
}

TEST(ParseColumns, ReadsProcsByColumnName)
{
	const ColumnFile f = parseColumns(kProcs, "procs");
	EXPECT_EQ(f.header, (std::vector<std::string>{"pid", "threads", "nodes", "refs", "deaths",
						      "buffers", "todo"}));
	ASSERT_EQ(f.rows.size(), 3u);
	EXPECT_EQ(f.rows[1].number("pid"), 158);
	EXPECT_EQ(f.rows[1].number("threads"), 2);
	EXPECT_EQ(f.rows[2].number("deaths"), 1);
}

TEST(ParseColumns, ReadsPools)
{
	const ColumnFile f = parseColumns(kPools, "pools");
	ASSERT_EQ(f.header.size(), 12u);
	ASSERT_EQ(f.rows.size(), 3u);
	EXPECT_EQ(f.rows[1].number("high_watermark"), 1040384);
	EXPECT_EQ(f.rows[1].number("pages_resident"), 254);
	EXPECT_EQ(f.rows[2].number("largest_free"), 4194304);
}

TEST(ParseColumns, FindsValuesByNameWhateverTheOrderAndExtraColumns)
{
	// A later driver may reorder or add columns: the same values come out.
	const ColumnFile f = parseColumns("todo future pid threads\n0 abc 158 2\n", "procs");
	ASSERT_EQ(f.rows.size(), 1u);
	EXPECT_EQ(f.rows[0].number("pid"), 158);
	EXPECT_EQ(f.rows[0].number("threads"), 2);
	EXPECT_EQ(f.rows[0].number("todo"), 0);
	EXPECT_EQ(*f.rows[0].text("future"), "abc");
	EXPECT_FALSE(f.rows[0].has("nodes"));
}

TEST(ParseColumns, AcceptsAHeaderWithoutRows)
{
	const ColumnFile f = parseColumns("pid threads nodes refs deaths buffers todo\n", "procs");
	EXPECT_EQ(f.header.size(), 7u);
	EXPECT_TRUE(f.rows.empty());
}

TEST(ParseColumns, RejectsMalformedFiles)
{
	try {
		parseColumns("pid threads\n1 2\n3\n", "procs");
		FAIL() << "a short row was accepted";
	} catch (const ParseError &e) {
		EXPECT_STREQ(e.what(), "procs: line 3: 1 values under 2 column names");
	}
	EXPECT_THROW(parseColumns("pid threads\n1 2 3\n", "procs"), ParseError);
	EXPECT_THROW(parseColumns("", "procs"), ParseError);
	EXPECT_THROW(parseColumns("\n\n", "procs"), ParseError);
	EXPECT_THROW(parseColumns("pid pid\n", "procs"), ParseError);
}

TEST(JoinByPid, PairsEachProcessWithItsPool)
{
	const auto rows = joinByPid(parseColumns(kProcs, "procs"), parseColumns(kPools, "pools"));
	ASSERT_EQ(rows.size(), 3u);
	EXPECT_EQ(rows[0].pid, 156);
	EXPECT_EQ(rows[1].pid, 158);
	EXPECT_EQ(rows[2].pid, 161);
	ASSERT_TRUE(rows[1].procs && rows[1].pool);
	EXPECT_EQ(rows[1].procs->number("threads"), 2);
	EXPECT_EQ(rows[1].pool->number("pages_resident"), 254);
}

TEST(JoinByPid, SortsByPidAndKeepsLinesMissingFromOneFile)
{
	// Files opened and closed between the two reads.
	const auto procs = parseColumns("pid threads\n300 1\n20 2\n", "procs");
	const auto pools = parseColumns("pid size\n20 4096\n5 8192\n", "pools");
	const auto rows = joinByPid(procs, pools);
	ASSERT_EQ(rows.size(), 3u);
	EXPECT_EQ(rows[0].pid, 5);
	EXPECT_FALSE(rows[0].procs);
	EXPECT_EQ(rows[0].pool->number("size"), 8192);
	EXPECT_EQ(rows[1].pid, 20);
	EXPECT_EQ(rows[1].procs->number("threads"), 2);
	EXPECT_EQ(rows[1].pool->number("size"), 4096);
	EXPECT_EQ(rows[2].pid, 300);
	EXPECT_FALSE(rows[2].pool);
}

TEST(JoinByPid, PairsTheFilesOfAProcessInOrder)
{
	// One process, two open files: the n-th line goes with the n-th.
	const auto procs = parseColumns("pid threads\n7 1\n7 3\n", "procs");
	const auto pools = parseColumns("pid size\n7 4096\n7 8192\n", "pools");
	const auto rows = joinByPid(procs, pools);
	ASSERT_EQ(rows.size(), 2u);
	EXPECT_EQ(rows[0].procs->number("threads"), 1);
	EXPECT_EQ(rows[0].pool->number("size"), 4096);
	EXPECT_EQ(rows[1].procs->number("threads"), 3);
	EXPECT_EQ(rows[1].pool->number("size"), 8192);
}

TEST(JoinByPid, NeedsANumericPidColumn)
{
	const auto pools = parseColumns(kPools, "pools");
	EXPECT_THROW(joinByPid(parseColumns("tid threads\n1 1\n", "procs"), pools), ParseError);
	try {
		joinByPid(parseColumns("pid threads\n1 1\nx 2\n", "procs"), pools);
		FAIL() << "a pid that is not a number was accepted";
	} catch (const ParseError &e) {
		EXPECT_STREQ(e.what(), "procs: row 2: pid \"x\" is not a number");
	}
}

TEST(ParseColumns, ReadsTheNewerProcsAndContexts)
{
	const ColumnFile procs = parseColumns(test::kProcsContexts, "procs");
	ASSERT_EQ(procs.rows.size(), 4u);
	EXPECT_EQ(procs.rows[1].number("frozen"), 1);
	EXPECT_EQ(*procs.rows[3].text("context"), "vendor");
	const auto contexts = parseContexts(parseColumns(test::kContexts, "contexts"));
	ASSERT_EQ(contexts.size(), 2u);
	EXPECT_EQ(contexts[0], (Context{.name = "binderlite", .procs = 3, .manager = 156}));
	EXPECT_EQ(contexts[1], (Context{.name = "vendor", .procs = 1, .manager = 0}));
}

TEST(ParseContexts, ToleratesMissingColumnsButNeedsNames)
{
	const auto c = parseContexts(parseColumns("name\nbinderlite\n", "contexts"));
	ASSERT_EQ(c.size(), 1u);
	EXPECT_EQ(c[0], (Context{.name = "binderlite", .procs = std::nullopt, .manager = std::nullopt}));
	EXPECT_TRUE(parseContexts(parseColumns("name procs manager\n", "contexts")).empty());
	EXPECT_THROW(parseContexts(parseColumns("procs manager\n1 2\n", "contexts")), ParseError);
}

TEST(FrozenProcesses, FromTheFrozenColumn)
{
	const auto frozen = frozenProcesses(parseColumns(test::kProcsContexts, "procs"));
	ASSERT_TRUE(frozen);
	EXPECT_EQ(*frozen, (std::vector<FrozenProcess>{{.pid = 158, .context = "binderlite"}}));
}

TEST(FrozenProcesses, NoneKnownOnAnOlderModule)
{
	EXPECT_EQ(frozenProcesses(parseColumns(kProcs, "procs")), std::nullopt);
	// A frozen column without a context column; a process with two files
	// of one context counts once; sorted by pid, then context.
	const auto frozen = frozenProcesses(parseColumns("pid frozen\n9 1\n3 0\n9 1\n", "procs"));
	ASSERT_TRUE(frozen);
	EXPECT_EQ(*frozen, (std::vector<FrozenProcess>{{.pid = 9, .context = ""}}));
	const auto two = frozenProcesses(parseColumns("pid frozen context\n9 1 b\n4 1 z\n9 1 a\n", "procs"));
	EXPECT_EQ(*two, (std::vector<FrozenProcess>{{.pid = 4, .context = "z"}, {.pid = 9, .context = "a"},
						    {.pid = 9, .context = "b"}}));
}

TEST(ReadOptionalDebugfsFile, AbsentOnAnOlderModule)
{
	test::FakeSystem sys;
	sys.loadModule();
	EXPECT_EQ(readOptionalDebugfsFile(sys.env(), "contexts"), std::nullopt);
	EXPECT_EQ(readOptionalDebugfsFile(sys.env(), "procs"), std::string{kProcs});
	sys.loadModuleWithContexts();
	EXPECT_EQ(readOptionalDebugfsFile(sys.env(), "contexts"), std::string{test::kContexts});
	// Without debugfs it is a failure, explained, as for the other files.
	sys.remove("/sys/kernel/debug");
	sys.write("/proc/self/mounts", test::kMountsWithoutDebugfs);
	EXPECT_THROW((void)readOptionalDebugfsFile(sys.env(), "contexts"), Failure);
}

constexpr std::string_view kPath = "/sys/kernel/debug/binderlite/stats";

TEST(ExplainDebugfsError, ModuleNotLoadedComesFirst)
{
	const DebugfsFacts facts{.moduleLoaded = false, .fstype = std::nullopt, .root = false};
	EXPECT_EQ(explainDebugfsError(kPath, ENOENT, facts),
		  "binderlite module is not loaded: try `sudo modprobe binderlite`");
	EXPECT_EQ(explainDebugfsError(kPath, EACCES, facts),
		  "binderlite module is not loaded: try `sudo modprobe binderlite`");
}

TEST(ExplainDebugfsError, DebugfsNotMounted)
{
	const DebugfsFacts facts{.moduleLoaded = true, .fstype = std::nullopt, .root = true};
	EXPECT_EQ(explainDebugfsError(kPath, ENOENT, facts),
		  "debugfs is not mounted at /sys/kernel/debug: "
		  "mount -t debugfs none /sys/kernel/debug");
	const DebugfsFacts other{.moduleLoaded = true, .fstype = "tmpfs", .root = true};
	EXPECT_EQ(explainDebugfsError(kPath, ENOENT, other),
		  "/sys/kernel/debug holds a tmpfs file system, not debugfs: "
		  "mount -t debugfs none /sys/kernel/debug");
}

TEST(ExplainDebugfsError, PermissionDeniedSaysDebugfsIsRootsOnly)
{
	const DebugfsFacts user{.moduleLoaded = true, .fstype = "debugfs", .root = false};
	EXPECT_EQ(explainDebugfsError(kPath, EACCES, user),
		  "cannot read /sys/kernel/debug/binderlite/stats: permission denied: debugfs "
		  "is readable by root only; run blctl as root (sudo)");
	const DebugfsFacts root{.moduleLoaded = true, .fstype = "debugfs", .root = true};
	EXPECT_EQ(explainDebugfsError(kPath, EPERM, root),
		  "cannot read /sys/kernel/debug/binderlite/stats: Operation not permitted, even "
		  "as root: is the kernel locked down? (cat /sys/kernel/security/lockdown)");
}

TEST(ExplainDebugfsError, OtherErrors)
{
	const DebugfsFacts facts{.moduleLoaded = true, .fstype = "debugfs", .root = true};
	EXPECT_EQ(explainDebugfsError(kPath, ENOENT, facts),
		  "/sys/kernel/debug/binderlite/stats does not exist, although binderlite is "
		  "loaded and debugfs is mounted: is this binderlite older than blctl?");
	EXPECT_EQ(explainDebugfsError(kPath, EIO, facts),
		  "cannot read /sys/kernel/debug/binderlite/stats: Input/output error");
}

} // namespace
} // namespace blctl
