// SPDX-License-Identifier: GPL-2.0
//
// Medians, percentiles and the histogram: see stats.hpp.
#include "stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace blbench {

double quantile(std::vector<double> &values, double q)
{
	if (values.empty())
		return 0;
	// The nearest rank: the smallest value with at least q of the values
	// at or below it.
	auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
	rank = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
	std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
	return values[rank];
}

double median(std::vector<double> values)
{
	if (values.empty())
		return 0;
	std::sort(values.begin(), values.end());
	const std::size_t n = values.size();
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

LatencySummary summarize(std::vector<double> samplesNs)
{
	LatencySummary s;
	s.count = samplesNs.size();
	if (samplesNs.empty())
		return s;
	s.mean = std::accumulate(samplesNs.begin(), samplesNs.end(), 0.0) / static_cast<double>(s.count);
	s.min = *std::min_element(samplesNs.begin(), samplesNs.end());
	s.p99 = quantile(samplesNs, 0.99);
	s.median = median(std::move(samplesNs));
	return s;
}

std::size_t Histogram::bucketOf(std::uint64_t ns) noexcept
{
	constexpr std::uint64_t kSub = 1u << kSubBits;
	if (ns < kSub)
		return ns;
	const int e = std::bit_width(ns) - 1; // 2^e <= ns < 2^(e+1), e >= kSubBits
	const std::uint64_t sub = (ns >> (e - kSubBits)) & (kSub - 1);
	const std::size_t b = static_cast<std::size_t>(e - kSubBits + 1) * kSub + sub;
	return std::min(b, kBuckets - 1);
}

std::uint64_t Histogram::bucketLow(std::size_t b) noexcept
{
	constexpr std::uint64_t kSub = 1u << kSubBits;
	if (b < kSub)
		return b;
	const std::uint64_t e = b / kSub + kSubBits - 1;
	return (std::uint64_t{1} << e) + (b % kSub) * (std::uint64_t{1} << (e - kSubBits));
}

void Histogram::merge(const Histogram &other) noexcept
{
	for (std::size_t i = 0; i < kBuckets; i++)
		counts_[i] += other.counts_[i];
}

std::uint64_t Histogram::count() const noexcept
{
	return std::accumulate(counts_.begin(), counts_.end(), std::uint64_t{0});
}

double Histogram::quantile(double q) const noexcept
{
	const std::uint64_t n = count();
	if (n == 0)
		return 0;
	auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n)));
	rank = std::clamp<std::uint64_t>(rank, 1, n);
	std::uint64_t seen = 0;
	for (std::size_t b = 0; b < kBuckets; b++) {
		seen += counts_[b];
		if (seen >= rank) {
			const double low = static_cast<double>(bucketLow(b));
			const double high = b + 1 < kBuckets ? static_cast<double>(bucketLow(b + 1)) : low;
			return (low + high) / 2;
		}
	}
	return 0;
}

} // namespace blbench
