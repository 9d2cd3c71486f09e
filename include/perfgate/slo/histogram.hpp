// A log-bucketed histogram of non-negative integers (nanoseconds, operation counts) with a bounded
// relative error: the SLO helpers' percentile estimator (docs/slo.md).
//
// Pure C++17, no Google Benchmark, no clock: usable and testable on its own.
//
// Buckets are HdrHistogram's log-linear layout with 2^7 = 128 linear sub-buckets per power of two.
// Values below 128 have a bucket each (exact). A value v >= 128 with highest set bit e lies in a
// bucket of width 2^(e-7) that starts at or above 2^e, so a bucket is at most 1/128 of its lower
// bound wide. A percentile is reported as the middle of the bucket that holds the sample of that
// nearest rank (clamped to the recorded min and max), hence
//
//   |reported - exact| <= exact * k_relative_error,  k_relative_error = 1/256 (0.39 %)
//
// for the nearest-rank percentile of the recorded values, whatever their distribution.
// record() is O(1), never allocates and never throws; the buckets are allocated once, by the
// constructor (7,424 counters, 58 KiB).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace perfgate::slo {

class LogHistogram {
 public:
  static constexpr int k_sub_bucket_bits = 7;
  static constexpr std::uint64_t k_sub_buckets = std::uint64_t{1} << k_sub_bucket_bits;
  static constexpr std::size_t k_bucket_count =
      static_cast<std::size_t>((64 - k_sub_bucket_bits + 1) * k_sub_buckets);
  // The bound on the relative error of every percentile (see the top of the file).
  static constexpr double k_relative_error = 1.0 / (2.0 * static_cast<double>(k_sub_buckets));

  LogHistogram() : m_buckets(k_bucket_count, 0) {}

  // Adds one value. O(1), no allocation.
  void record(std::uint64_t value) noexcept { record_n(value, 1); }

  // Adds `n` equal values.
  void record_n(std::uint64_t value, std::uint64_t n) noexcept {
    m_buckets[bucket_of(value)] += n;
    m_count += n;
    m_sum += static_cast<double>(value) * static_cast<double>(n);
    m_min = std::min(m_min, value);
    m_max = std::max(m_max, value);
  }

  // Adds every value `other` holds: the histogram of the pooled samples (threads, repetitions).
  void merge(const LogHistogram& other) noexcept {
    if (other.m_count == 0) {
      return;
    }
    for (std::size_t i = 0; i < k_bucket_count; ++i) {
      m_buckets[i] += other.m_buckets[i];
    }
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
  }

  void clear() noexcept {
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_count = 0;
    m_sum = 0;
    m_min = std::numeric_limits<std::uint64_t>::max();
    m_max = 0;
  }

  std::uint64_t count() const noexcept { return m_count; }
  // The smallest and largest recorded values, exact; 0 when empty.
  std::uint64_t min() const noexcept { return m_count == 0 ? 0 : m_min; }
  std::uint64_t max() const noexcept { return m_max; }
  // The mean, exact up to double rounding; NaN when empty.
  double mean() const noexcept {
    return m_count == 0 ? std::numeric_limits<double>::quiet_NaN()
                        : m_sum / static_cast<double>(m_count);
  }

  // The nearest-rank q-quantile (q in [0, 1]; 0.99 is p99): the value of rank ceil(q * count),
  // within k_relative_error. q = 0 is the min and q = 1 the max, exactly. NaN when empty.
  double percentile(double q) const noexcept {
    if (m_count == 0 || !(q >= 0.0 && q <= 1.0)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (q == 0.0) {
      return static_cast<double>(m_min);
    }
    const double wanted = std::ceil(q * static_cast<double>(m_count));
    const std::uint64_t rank =
        std::max<std::uint64_t>(1, std::min(m_count, static_cast<std::uint64_t>(wanted)));
    if (rank == m_count) {
      return static_cast<double>(m_max);
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < k_bucket_count; ++i) {
      seen += m_buckets[i];
      if (seen >= rank) {
        const double low = static_cast<double>(bucket_low(i));
        const double middle = low + static_cast<double>(bucket_width(i) - 1) / 2.0;
        return std::clamp(middle, static_cast<double>(m_min), static_cast<double>(m_max));
      }
    }
    return static_cast<double>(m_max);  // unreachable: the buckets hold m_count values
  }

  // The bucket layout, public for tests and for anyone exporting the buckets.
  static std::size_t bucket_of(std::uint64_t value) noexcept {
    if (value < k_sub_buckets) {
      return static_cast<std::size_t>(value);
    }
    const int top = 63 - count_leading_zeros(value);  // >= k_sub_bucket_bits
    const int shift = top - k_sub_bucket_bits;
    const std::uint64_t mantissa = value >> shift;  // in [k_sub_buckets, 2 * k_sub_buckets)
    return static_cast<std::size_t>(static_cast<std::uint64_t>(shift + 1) * k_sub_buckets +
                                    (mantissa - k_sub_buckets));
  }
  static std::uint64_t bucket_low(std::size_t bucket) noexcept {
    if (bucket < k_sub_buckets) {
      return bucket;
    }
    const std::uint64_t shift = bucket / k_sub_buckets - 1;
    return (k_sub_buckets + bucket % k_sub_buckets) << shift;
  }
  static std::uint64_t bucket_width(std::size_t bucket) noexcept {
    return bucket < k_sub_buckets ? 1 : std::uint64_t{1} << (bucket / k_sub_buckets - 1);
  }

 private:
  static int count_leading_zeros(std::uint64_t value) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_clzll(value);
#else
    int zeros = 0;
    for (std::uint64_t bit = std::uint64_t{1} << 63; (value & bit) == 0; bit >>= 1) {
      ++zeros;
    }
    return zeros;
#endif
  }

  std::vector<std::uint64_t> m_buckets;
  std::uint64_t m_count = 0;
  double m_sum = 0;
  std::uint64_t m_min = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t m_max = 0;
};

}  // namespace perfgate::slo
