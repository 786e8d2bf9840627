// SPDX-License-Identifier: GPL-2.0

#include "stats.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace blbench {
namespace {

TEST(Stats, QuantileIsTheNearestRank)
{
	std::vector<double> v;
	for (int i = 100; i >= 1; i--)
		v.push_back(i);
	EXPECT_EQ(quantile(v, 0.99), 99);
	EXPECT_EQ(quantile(v, 0.5), 50);
	EXPECT_EQ(quantile(v, 1.0), 100);
	EXPECT_EQ(quantile(v, 0.0), 1);
	std::vector<double> five = {5, 1, 4, 2, 3};
	// Few values: the p99 is the largest.
	EXPECT_EQ(quantile(five, 0.99), 5);
	std::vector<double> none;
	EXPECT_EQ(quantile(none, 0.5), 0);
}

TEST(Stats, MedianOfOddAndEvenCounts)
{
	EXPECT_EQ(median({3, 1, 2}), 2);
	EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
	EXPECT_EQ(median({7}), 7);
	EXPECT_EQ(median({}), 0);
}

TEST(Stats, Summarize)
{
	const LatencySummary s = summarize({10, 20, 30, 40, 1000});
	EXPECT_EQ(s.count, 5u);
	EXPECT_EQ(s.median, 30);
	EXPECT_EQ(s.p99, 1000);
	EXPECT_EQ(s.min, 10);
	EXPECT_DOUBLE_EQ(s.mean, 220);
	EXPECT_EQ(summarize({}).count, 0u);
}

TEST(Histogram, EveryValueFallsInsideItsBucket)
{
	for (std::uint64_t v = 0; v < 100000; v += 7) {
		const std::size_t b = Histogram::bucketOf(v);
		ASSERT_LE(Histogram::bucketLow(b), v) << v;
		ASSERT_GT(Histogram::bucketLow(b + 1), v) << v;
	}
	for (int e = 5; e < 60; e++) {
		const std::uint64_t v = (std::uint64_t{1} << e) + 12345;
		const std::size_t b = Histogram::bucketOf(v);
		ASSERT_LT(b + 1, Histogram::kBuckets);
		ASSERT_LE(Histogram::bucketLow(b), v);
		ASSERT_GT(Histogram::bucketLow(b + 1), v);
	}
	const std::uint64_t most = ~std::uint64_t{0};
	EXPECT_LT(Histogram::bucketOf(most), Histogram::kBuckets);
	EXPECT_LE(Histogram::bucketLow(Histogram::bucketOf(most)), most);
}

TEST(Histogram, QuantilesWithinABucket)
{
	Histogram h;
	EXPECT_EQ(h.quantile(0.5), 0);
	for (std::uint64_t v = 1; v <= 1000; v++)
		h.add(v * 1000);
	EXPECT_EQ(h.count(), 1000u);
	EXPECT_NEAR(h.quantile(0.5), 500000, 500000 * 0.07);
	EXPECT_NEAR(h.quantile(0.99), 990000, 990000 * 0.07);
	Histogram other;
	other.add(5);
	h.merge(other);
	EXPECT_EQ(h.count(), 1001u);
	EXPECT_EQ(h.quantile(0.0001), 5.5);
}

} // namespace
} // namespace blbench
