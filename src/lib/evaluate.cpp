// The decision step: policy x baseline x candidate -> one Decision per benchmark x metric x rule.
// Pure: everything it needs comes in through its arguments. This file holds the verdicts, the
// gate status and the sample statistics; evaluate() and its parts are in evaluate_*.cpp
// (evaluate_internal.hpp).
#include <perfgate/evaluate.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace perfgate {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::warn:
      return "warn";
    case Verdict::fail:
      return "fail";
    case Verdict::improved:
      return "improved";
    case Verdict::new_benchmark:
      return "new";
    case Verdict::missing:
      return "missing";
    case Verdict::noisy:
      return "noisy";
    case Verdict::waived:
      return "waived";
    case Verdict::error:
      return "error";
  }
  return "error";
}

std::size_t VerdictCounts::count(Verdict verdict) const {
  const auto it = by_verdict.find(verdict);
  return it == by_verdict.end() ? 0 : it->second;
}

std::size_t GateResult::accepted_inconclusive() const {
  return static_cast<std::size_t>(
      std::count_if(decisions.begin(), decisions.end(),
                    [](const Decision& d) { return d.verdict == Verdict::noisy && d.accepted; }));
}

std::size_t GateResult::inconclusive() const {
  return counts.count(Verdict::noisy) - accepted_inconclusive();
}

bool GateResult::passed() const {
  return counts.count(Verdict::fail) == 0 && counts.count(Verdict::missing) == 0 &&
         counts.count(Verdict::error) == 0 && inconclusive() == 0;
}

GateStatus status(const GateResult& result) {
  if (result.counts.count(Verdict::error) > 0) {
    return GateStatus::run_failed;
  }
  if (result.counts.count(Verdict::fail) > 0 || result.counts.count(Verdict::missing) > 0) {
    return GateStatus::failed;
  }
  return result.inconclusive() > 0 ? GateStatus::inconclusive : GateStatus::passed;
}

std::string_view to_string(GateStatus status) {
  switch (status) {
    case GateStatus::passed:
      return "passed";
    case GateStatus::failed:
      return "FAILED";
    case GateStatus::inconclusive:
      return "INCONCLUSIVE";
    case GateStatus::run_failed:
      return "ERROR";
  }
  return "ERROR";
}

int exit_code(const GateResult& result) {
  switch (status(result)) {
    case GateStatus::passed:
      return 0;
    case GateStatus::failed:
      return 1;
    case GateStatus::run_failed:
      return 3;
    case GateStatus::inconclusive:
      return 4;
  }
  return 3;
}

namespace {

std::vector<double> finite_sorted(const std::vector<double>& samples) {
  std::vector<double> values;
  values.reserve(samples.size());
  std::copy_if(samples.begin(), samples.end(), std::back_inserter(values),
               [](double v) { return std::isfinite(v); });
  std::sort(values.begin(), values.end());
  return values;
}

// Linear interpolation between closest ranks (Hyndman & Fan type 7, as numpy and R default).
double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * weight;
}

}  // namespace

SampleSummary summarize(const std::vector<double>& samples) {
  SampleSummary summary;
  summary.n = samples.size();
  const std::vector<double> sorted = finite_sorted(samples);
  if (sorted.empty()) {
    return summary;
  }
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p50 = quantile_sorted(sorted, 0.50);
  summary.p95 = quantile_sorted(sorted, 0.95);
  summary.p99 = quantile_sorted(sorted, 0.99);
  double sum = 0;
  for (const double v : sorted) {
    sum += v;
  }
  summary.mean = sum / static_cast<double>(sorted.size());
  return summary;
}

std::optional<double> compute_statistic(const std::vector<double>& samples, Statistic statistic) {
  const std::vector<double> sorted = finite_sorted(samples);
  if (sorted.empty()) {
    return std::nullopt;
  }
  switch (statistic) {
    case Statistic::median:
      return quantile_sorted(sorted, 0.50);
    case Statistic::mean: {
      double sum = 0;
      for (const double v : sorted) {
        sum += v;
      }
      return sum / static_cast<double>(sorted.size());
    }
    case Statistic::min:
      return sorted.front();
    case Statistic::max:
      return sorted.back();
    case Statistic::p90:
      return quantile_sorted(sorted, 0.90);
    case Statistic::p95:
      return quantile_sorted(sorted, 0.95);
    case Statistic::p99:
      return quantile_sorted(sorted, 0.99);
  }
  return std::nullopt;
}

}  // namespace perfgate
