// The SLO helpers' percentile estimator (include/perfgate/slo/histogram.hpp): its percentiles agree
// with the exact nearest-rank percentiles of the same samples within the stated relative error, on
// lognormal, bimodal and heavy-tailed data, and a merge of per-thread histograms is the histogram
// of the pooled samples.
#include <perfgate/slo/histogram.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace {

using perfgate::slo::LogHistogram;

constexpr std::size_t k_samples = 1'000'000;
constexpr double k_quantiles[] = {0.0, 0.01, 0.05, 0.25,  0.5,    0.75,
                                  0.9, 0.95, 0.99, 0.999, 0.9999, 1.0};

std::uint64_t to_nanoseconds(double value) {
  return value <= 0 ? 0 : static_cast<std::uint64_t>(std::llround(std::min(value, 1e18)));
}

// Latencies in nanoseconds around 200 us with a long right tail.
std::vector<std::uint64_t> lognormal(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> distribution(std::log(200'000.0), 1.0);
  std::vector<std::uint64_t> samples(n);
  for (auto& sample : samples) {
    sample = to_nanoseconds(distribution(random));
  }
  return samples;
}

// A fast path (90 %, ~50 us) and a slow path (10 %, ~5 ms): p90 sits on the edge between them.
std::vector<std::uint64_t> bimodal(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> fast(50'000.0, 5'000.0);
  std::normal_distribution<double> slow(5'000'000.0, 500'000.0);
  std::bernoulli_distribution is_slow(0.1);
  std::vector<std::uint64_t> samples(n);
  for (auto& sample : samples) {
    sample = to_nanoseconds(is_slow(random) ? slow(random) : fast(random));
  }
  return samples;
}

// Pareto with shape 1.2 from 10 us: infinite variance, a tail spanning many orders of magnitude.
std::vector<std::uint64_t> pareto(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<std::uint64_t> samples(n);
  for (auto& sample : samples) {
    sample = to_nanoseconds(10'000.0 / std::pow(1.0 - uniform(random), 1.0 / 1.2));
  }
  return samples;
}

// The exact nearest-rank q-quantile: the value of rank ceil(q * n) of the sorted samples.
double exact_percentile(const std::vector<std::uint64_t>& sorted, double q) {
  if (q == 0.0) {
    return static_cast<double>(sorted.front());
  }
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

void expect_within_error(const LogHistogram& histogram, std::vector<std::uint64_t> samples,
                         const char* what) {
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(histogram.count(), samples.size());
  EXPECT_EQ(histogram.min(), samples.front());
  EXPECT_EQ(histogram.max(), samples.back());
  for (const double q : k_quantiles) {
    const double exact = exact_percentile(samples, q);
    const double estimate = histogram.percentile(q);
    EXPECT_LE(std::abs(estimate - exact), exact * LogHistogram::k_relative_error)
        << what << ": q " << q << ", exact " << exact << ", estimate " << estimate;
  }
}

LogHistogram histogram_of(const std::vector<std::uint64_t>& samples) {
  LogHistogram histogram;
  for (const std::uint64_t sample : samples) {
    histogram.record(sample);
  }
  return histogram;
}

TEST(SloHistogram, StatedErrorIsUnderOnePercent) {
  EXPECT_LT(LogHistogram::k_relative_error, 0.01);
}

TEST(SloHistogram, LognormalPercentilesWithinTheStatedError) {
  const auto samples = lognormal(k_samples, 1);
  expect_within_error(histogram_of(samples), samples, "lognormal");
}

TEST(SloHistogram, BimodalPercentilesWithinTheStatedError) {
  const auto samples = bimodal(k_samples, 2);
  expect_within_error(histogram_of(samples), samples, "bimodal");
}

TEST(SloHistogram, ParetoPercentilesWithinTheStatedError) {
  const auto samples = pareto(k_samples, 3);
  expect_within_error(histogram_of(samples), samples, "pareto");
}

// Four "threads" with different distributions and sizes, merged as the hand-over merges them, give
// the percentiles of all their samples pooled.
TEST(SloHistogram, MergeOfFourThreadsEqualsThePooledSamples) {
  const std::vector<std::vector<std::uint64_t>> threads{
      lognormal(k_samples / 4, 10), bimodal(k_samples / 4, 11), pareto(k_samples / 8, 12),
      lognormal(k_samples / 2, 13)};
  LogHistogram merged;
  std::vector<std::uint64_t> pooled;
  for (const auto& samples : threads) {
    merged.merge(histogram_of(samples));
    pooled.insert(pooled.end(), samples.begin(), samples.end());
  }
  expect_within_error(merged, pooled, "merge of 4 threads");
  // Bucket for bucket the same as recording the pooled samples in one histogram.
  const LogHistogram direct = histogram_of(pooled);
  for (const double q : k_quantiles) {
    EXPECT_EQ(merged.percentile(q), direct.percentile(q)) << "q " << q;
  }
  EXPECT_DOUBLE_EQ(merged.mean(), direct.mean());
}

TEST(SloHistogram, SmallValuesAreExact) {
  LogHistogram histogram;
  for (std::uint64_t v = 1; v <= 100; ++v) {
    histogram.record(v);
  }
  EXPECT_EQ(histogram.percentile(0.5), 50.0);
  EXPECT_EQ(histogram.percentile(0.99), 99.0);
  EXPECT_EQ(histogram.percentile(1.0), 100.0);
  EXPECT_EQ(histogram.percentile(0.0), 1.0);
  EXPECT_DOUBLE_EQ(histogram.mean(), 50.5);
}

TEST(SloHistogram, BucketsCoverEveryValueWithoutGaps) {
  for (std::size_t bucket = 0; bucket + 1 < LogHistogram::k_bucket_count; ++bucket) {
    ASSERT_EQ(LogHistogram::bucket_low(bucket) + LogHistogram::bucket_width(bucket),
              LogHistogram::bucket_low(bucket + 1))
        << "bucket " << bucket;
    ASSERT_EQ(LogHistogram::bucket_of(LogHistogram::bucket_low(bucket)), bucket);
  }
  EXPECT_EQ(LogHistogram::bucket_of(~std::uint64_t{0}), LogHistogram::k_bucket_count - 1);
}

TEST(SloHistogram, EmptyHistogramHasNoPercentiles) {
  LogHistogram histogram;
  EXPECT_TRUE(std::isnan(histogram.percentile(0.99)));
  EXPECT_TRUE(std::isnan(histogram.mean()));
  EXPECT_EQ(histogram.count(), 0U);
  histogram.record(5);
  histogram.clear();
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_TRUE(std::isnan(histogram.percentile(0.5)));
}

TEST(SloHistogram, OutOfRangeQuantileIsNan) {
  const LogHistogram histogram = histogram_of({1, 2, 3});
  EXPECT_TRUE(std::isnan(histogram.percentile(-0.1)));
  EXPECT_TRUE(std::isnan(histogram.percentile(1.5)));
}

}  // namespace
