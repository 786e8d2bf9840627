// SPDX-License-Identifier: GPL-2.0

#include "report.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace blbench {
namespace {

namespace fs = std::filesystem;

// A folder of its own, removed afterwards.
class ReportTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = fs::temp_directory_path() /
		       ("blbench-report-" + std::to_string(::getpid()) + "-" +
			::testing::UnitTest::GetInstance()->current_test_info()->name());
		fs::remove_all(dir_);
		fs::create_directories(dir_);
	}
	void TearDown() override { fs::remove_all(dir_); }

	// Raw records of every measurement on every transport it is made
	// for, two repeats; binderlite twice as fast as binder. @skip: a
	// transport left out of the latency measurement.
	std::string writeRaw(const std::string &skip = {})
	{
		std::ostringstream s;
		s << "# meta kernel 6.12.118+deb12-amd64\n"
		  << "test,transport,cpus,size,count,repeat,metric,value\n";
		auto rec = [&](const std::string &test, const std::string &tr, unsigned cpus, unsigned size,
			       unsigned count, const std::string &metric, double v) {
			for (int rep = 1; rep <= 2; rep++)
				s << test << ',' << tr << ',' << cpus << ',' << size << ',' << count << ','
				  << rep << ',' << metric << ',' << v * (rep == 1 ? 1.0 : 1.1) << '\n';
		};
		const double speed[] = {1, 2, 3, 4, 0.01, 0.1};
		const char *all[] = {"binderlite", "binder", "unix", "pipe", "memcpy", "kcopy"};
		for (int i = 0; i < 6; i++) {
			for (const char *test : {"latency", "echo"})
				for (unsigned size : {0u, 4096u, 1048576u}) {
					if (all[i] == skip && std::string(test) == "latency")
						continue;
					rec(test, all[i], 2, size, 0, "median_ns", 100000 * speed[i]);
					rec(test, all[i], 2, size, 0, "p99_ns", 200000 * speed[i]);
					rec(test, all[i], 2, size, 0, "mb_per_s", size / (100.0 * speed[i]) / 1e3);
				}
			if (i >= 4)
				continue;
			for (unsigned size : {0u, 4096u})
				rec("oneway", all[i], 2, size, 0, "msgs_per_s", 10000 / speed[i]);
			for (unsigned cpus : {2u, 4u})
				for (unsigned n : {1u, 16u})
					rec("clients", all[i], cpus, 0, n, "calls_per_s", 1000 * n / speed[i]);
			if (i >= 2)
				continue;
			for (unsigned n : {10u, 10000u})
				rec("handles", all[i], 2, 0, n, "median_ns", 100000 * speed[i] * (n > 10 ? 1.05 : 1));
			rec("memory", all[i], 2, 0, 100, "memfree", 8192 * speed[i]);
			rec("memory", all[i], 2, 0, 100, "slab:kmalloc-1k", 1024);
			rec("pages", all[i], 2, 16384, 0, "idle", 0);
			rec("pages", all[i], 2, 16384, 0, "after_burst", 92);
		}
		const fs::path raw = dir_ / "raw.csv";
		std::ofstream(raw) << s.str();
		return raw.string();
	}

	int report(const std::string &raw, bool tap, std::string &out, std::string &err)
	{
		ReportOptions opts{.inputs = {raw}, .outDir = (dir_ / "out").string(), .tap = tap, .expect = {}};
		std::ostringstream o, e;
		const int rc = runReport(opts, o, e);
		out = o.str();
		err = e.str();
		return rc;
	}

	static std::string read(const fs::path &p)
	{
		std::ifstream f(p);
		std::ostringstream s;
		s << f.rdbuf();
		return s.str();
	}

	fs::path dir_;
};

TEST_F(ReportTest, TapPassesWhenEveryMeasurementRanOnEveryTransport)
{
	std::string out, err;
	EXPECT_EQ(report(writeRaw(), true, out, err), 0) << out << err;
	EXPECT_NE(out.find("TAP version 13\n1..28\n"), std::string::npos) << out;
	EXPECT_EQ(out.find("not ok"), std::string::npos) << out;
	EXPECT_NE(out.find("ok 2 latency binderlite\n"), std::string::npos) << out;
	EXPECT_NE(out.find("ok 28 the report is written\n"), std::string::npos) << out;
}

TEST_F(ReportTest, TapFailsAMissingTransportAndAFailedCell)
{
	std::string raw = writeRaw("pipe");
	std::ofstream(raw, std::ios::app) << "pages,binder,2,16384,0,1,error,1\n";
	std::string out, err;
	EXPECT_EQ(report(raw, true, out, err), 1);
	EXPECT_NE(out.find("not ok 5 latency pipe\n"), std::string::npos) << out;
	EXPECT_NE(out.find("not ok 27 pages binder\n"), std::string::npos) << out;
	EXPECT_NE(out.find("# pages binder: 4 figures, 1 failed cells\n"), std::string::npos) << out;
}

TEST_F(ReportTest, TapFailsMalformedRecords)
{
	const fs::path raw = dir_ / "bad.csv";
	std::ofstream(raw) << "latency,binder,2\n";
	std::string out, err;
	EXPECT_EQ(report(raw.string(), true, out, err), 1);
	EXPECT_NE(out.find("not ok 1 the raw results are well-formed\n"), std::string::npos) << out;
}

TEST_F(ReportTest, TablesStateTheRatioToBinder)
{
	std::string out, err;
	ASSERT_EQ(report(writeRaw(), false, out, err), 0) << err;
	// The summary, printed: binderlite takes half binder's time.
	EXPECT_NE(out.find("| 0 B round trip, median µs | 105 | binder 210 | 0.50 | ≤ 0.85 | yes |"),
		  std::string::npos)
		<< out;
	EXPECT_NE(out.find("| 16 clients, 4 vCPUs, 0 B, calls/s | 16,800 | binder 8,400 | 2.00 | ≥ 1.20 | yes |"),
		  std::string::npos)
		<< out;
	const std::string md = read(dir_ / "out" / "ipc.md");
	EXPECT_NE(md.find("| payload | binderlite | binder | binderlite ÷ binder |"), std::string::npos) << md;
	EXPECT_NE(md.find("| 10,000 ÷ 10 | 1.05 | 1.05 |"), std::string::npos) << md;
	EXPECT_NE(md.find("| slab cache kmalloc-1k | 1,075 | 1,075 | 1.00 |"), std::string::npos) << md;
	const std::string csv = read(dir_ / "out" / "clients-4cpu.csv");
	EXPECT_NE(csv.find("0 B,16,16800,8400,2.00,"), std::string::npos) << csv;
	for (const char *f : {"summary.md", "summary.csv", "figures.csv", "plots.gp", "latency.dat",
			      "clients-0.dat", "memory.csv", "pages.csv", "handles.csv"})
		EXPECT_TRUE(fs::exists(dir_ / "out" / f)) << f;
}

} // namespace
} // namespace blbench
