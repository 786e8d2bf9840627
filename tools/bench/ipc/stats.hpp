// SPDX-License-Identifier: GPL-2.0
//
// Summaries of measured values: medians and percentiles of samples, a
// fixed-size latency histogram that lives in shared memory (many client
// processes each fill one, the bench merges them).
#ifndef BLBENCH_STATS_HPP
#define BLBENCH_STATS_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace blbench {

// The @q quantile (0 ... 1) of @values, by the nearest rank; 0 when empty.
// Reorders @values.
double quantile(std::vector<double> &values, double q);
// The median (the mean of the two middle values for an even count).
double median(std::vector<double> values);

// The figures of one run of timed operations, in nanoseconds.
struct LatencySummary {
	std::uint64_t count = 0;
	double median = 0;
	double p99 = 0;
	double mean = 0;
	double min = 0;
};

LatencySummary summarize(std::vector<double> samplesNs);

// A log-linear histogram of nanosecond values: 16 buckets per power of
// two (a value is known within about 6 %). Plain integers, so that it may
// live in shared memory; one writer at a time.
class Histogram {
public:
	static constexpr int kSubBits = 4;
	static constexpr std::size_t kBuckets = 64 << kSubBits;

	void add(std::uint64_t ns) noexcept { counts_[bucketOf(ns)]++; }
	void merge(const Histogram &other) noexcept;
	[[nodiscard]] std::uint64_t count() const noexcept;
	// The @q quantile, as the middle of its bucket; 0 when empty.
	[[nodiscard]] double quantile(double q) const noexcept;

	static std::size_t bucketOf(std::uint64_t ns) noexcept;
	// The values bucket @b holds: [low, high).
	static std::uint64_t bucketLow(std::size_t b) noexcept;

private:
	std::array<std::uint32_t, kBuckets> counts_{};
};

} // namespace blbench

#endif
