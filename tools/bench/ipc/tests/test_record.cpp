// SPDX-License-Identifier: GPL-2.0

#include "record.hpp"
#include "sys.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace blbench {
namespace {

TEST(Record, RoundTripsThroughCsv)
{
	const Record r{.test = "latency", .transport = "binderlite", .cpus = 2, .size = 4096,
		       .count = 0, .repeat = 3, .metric = "median_ns", .value = 123456.5};
	const std::string line = toCsv(r);
	EXPECT_EQ(line, "latency,binderlite,2,4096,0,3,median_ns,123456");
	const auto back = parseRecord("clients,unix,4,0,16,1,calls_per_s,2.5e+03");
	ASSERT_TRUE(back);
	EXPECT_EQ(back->test, "clients");
	EXPECT_EQ(back->transport, "unix");
	EXPECT_EQ(back->cpus, 4u);
	EXPECT_EQ(back->count, 16u);
	EXPECT_EQ(back->repeat, 1u);
	EXPECT_EQ(back->metric, "calls_per_s");
	EXPECT_EQ(back->value, 2500);
	EXPECT_TRUE(parseRecord("memory,binder,2,0,100,1,slab:kmalloc-1k,1024"));
}

TEST(Record, SkipsHeaderCommentsAndBlankLines)
{
	EXPECT_FALSE(parseRecord(kCsvHeader));
	EXPECT_FALSE(parseRecord("# [1/3] latency binder 0 B: median 300 us"));
	EXPECT_FALSE(parseRecord(""));
}

TEST(Record, RefusesMalformedLines)
{
	EXPECT_THROW(parseRecord("latency,binder,2,0,0,1,median_ns"), Failure);
	EXPECT_THROW(parseRecord("latency,binder,two,0,0,1,median_ns,1"), Failure);
	EXPECT_THROW(parseRecord("latency,binder,2,0,0,1,median_ns,1x"), Failure);
	EXPECT_THROW(parseRecord("latency,binder,2,0,0,1,median_ns,nan"), Failure);
	EXPECT_THROW(parseRecord(",binder,2,0,0,1,median_ns,1"), Failure);
	EXPECT_THROW(parseRecord("latency,binder,2,0,0,1,median_ns,1,extra"), Failure);
}

TEST(Record, ReadsMetaLinesOfSeveralRuns)
{
	RawResults raw;
	std::istringstream a("# meta kernel 6.12.118+deb12-amd64\n# meta cpus 2\n" + std::string(kCsvHeader) +
			     "\nlatency,binder,2,0,0,1,median_ns,300\n# progress\n");
	std::istringstream b("# meta kernel 6.12.118+deb12-amd64\n# meta cpus 4\n"
			     "clients,binder,4,0,16,1,calls_per_s,2000\n");
	readResults(a, "a", raw);
	readResults(b, "b", raw);
	EXPECT_EQ(raw.records.size(), 2u);
	EXPECT_EQ(raw.meta["kernel"], "6.12.118+deb12-amd64");
	EXPECT_EQ(raw.meta["cpus"], "2; 4");
	std::istringstream bad("latency,binder,2,0,0,1,median_ns,300\nlatency,oops\n");
	try {
		readResults(bad, "raw.csv", raw);
		FAIL() << "a malformed line was read";
	} catch (const Failure &e) {
		EXPECT_NE(std::string(e.what()).find("raw.csv:2"), std::string::npos) << e.what();
	}
}

} // namespace
} // namespace blbench
