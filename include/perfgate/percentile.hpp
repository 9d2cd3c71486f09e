// Percentile counters ("counter:latency_p99_ns", "counter:served_p5_per_s") and how many samples
// a percentile needs to mean something (docs/slo.md, "How many samples a percentile needs").
// Pure; the one place that reads a percentile out of a metric name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate {

// Samples beyond the percentile a rule asks for unless the policy says otherwise: 100 tail samples
// put the percentile within about +-20 % of its tail mass (95 % interval).
inline constexpr int k_default_min_tail_samples = 100;
inline constexpr int k_max_min_tail_samples = 1000000;

// The percentile a metric name stands for: "counter:<x>_p<digits>", optionally followed by a
// unit suffix "_ns", "_us", "_ms", "_s" or "_per_s". The digits are the decimals of the quantile:
// "p50" 0.50, "p95" 0.95, "p99" 0.99, "p999" 0.999, "p05" 0.05; a single digit is a whole
// percent, so "p5" is 0.05 and "p1" 0.01. Not percentiles: "p0", "p00", "p100" (the maximum),
// more than 9 digits, an empty <x>.
struct PercentileName {
  std::string stem;             // "counter:latency": where its sample count is ("<stem>_count")
  std::string label;            // "p99", as written
  std::uint64_t numerator = 0;  // the quantile is numerator / denominator: 99 / 100
  std::uint64_t denominator = 1;

  // The tail that decides it: above the percentile for q >= 0.5 ("beyond"), else below it.
  [[nodiscard]] bool upper_tail() const { return 2 * numerator >= denominator; }
  [[nodiscard]] double quantile() const {
    return static_cast<double>(numerator) / static_cast<double>(denominator);
  }
  // The counters that carry the number of samples behind the percentile, in the order looked
  // for: "<stem>_count" (LatencyRecorder, ValueRecorder), "<stem>_intervals" (RateRecorder).
  [[nodiscard]] std::string count_metric() const { return stem + "_count"; }
  [[nodiscard]] std::string intervals_metric() const { return stem + "_intervals"; }
};

std::optional<PercentileName> percentile_name(std::string_view metric_name);

// The samples a q-quantile needs so that `min_tail_samples` of them lie beyond it, on the side of
// the nearer end: min_tail_samples / (1 - q) for q >= 0.5, min_tail_samples / q below, rounded up
// (p99: 10,000; p5: 2,000; p50: 200 with the default 100).
std::uint64_t needed_samples(const PercentileName& percentile, int min_tail_samples);

}  // namespace perfgate
