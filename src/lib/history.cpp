// History entries from a gate's decisions, series keys and the recent band of a series
// (history.hpp).
#include <perfgate/history.hpp>
#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace perfgate {

std::vector<HistoryEntry> history_entries(const GateResult& result, const HistoryRunContext& run) {
  std::vector<HistoryEntry> entries;
  entries.reserve(result.decisions.size());
  for (const Decision& decision : result.decisions) {
    if (decision.metric.empty()) {
      continue;  // missing, new, error: nothing to chart
    }
    HistoryEntry entry;
    entry.run_id = run.run_id;
    entry.started_at = run.started_at;
    entry.commit = run.commit;
    entry.suite = run.suite;
    entry.test = run.test;
    entry.benchmark = decision.benchmark;
    entry.metric = decision.metric;
    entry.rule = decision.rule;
    entry.lane = run.lane;
    entry.runner_class = run.runner_class;
    entry.unit = decision.unit;
    entry.direction = std::string(to_string(decision.direction));
    entry.statistic = std::string(to_string(decision.statistic));
    entry.samples = decision.candidate_samples.n;
    entry.value = decision.candidate;
    entry.min = decision.candidate_samples.min;
    entry.max = decision.candidate_samples.max;
    entry.mean = decision.candidate_samples.mean;
    entry.baseline = decision.baseline;
    entry.change = decision.change;
    entry.limit = decision.limit;
    entry.warn_limit = decision.warn_limit;
    entry.limit_text = decision.limit_text;
    entry.rule_kind = std::string(to_string(decision.kind));
    entry.verdict = std::string(to_string(decision.verdict));
    entries.push_back(std::move(entry));
  }
  return entries;
}

SeriesKey series_key(const HistoryEntry& entry) {
  return {entry.suite, entry.benchmark, entry.metric, entry.rule, entry.lane, entry.runner_class};
}

bool SeriesKey::operator<(const SeriesKey& other) const {
  return std::tie(suite, benchmark, metric, rule, lane, runner_class) <
         std::tie(other.suite, other.benchmark, other.metric, other.rule, other.lane,
                  other.runner_class);
}

bool SeriesKey::operator==(const SeriesKey& other) const {
  return std::tie(suite, benchmark, metric, rule, lane, runner_class) ==
         std::tie(other.suite, other.benchmark, other.metric, other.rule, other.lane,
                  other.runner_class);
}

std::string to_string(const SeriesKey& key) {
  std::string text = key.suite.empty() ? key.benchmark : key.suite + "/" + key.benchmark;
  text += "/" + key.metric + " (";
  if (!key.rule.empty()) {
    text += key.rule + ", ";
  }
  text += key.lane;
  if (!key.runner_class.empty()) {
    text += ", " + key.runner_class;
  }
  return text + ")";
}

namespace {

// Linear interpolation between order statistics (Hyndman and Fan type 7, as R's default).
double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

std::optional<RecentHistory> recent_history(const std::vector<double>& earlier, std::size_t window) {
  std::vector<double> values;
  const std::size_t first = earlier.size() > window ? earlier.size() - window : 0;
  for (std::size_t index = first; index < earlier.size(); ++index) {
    if (std::isfinite(earlier[index])) {
      values.push_back(earlier[index]);
    }
  }
  if (values.size() < 3) {
    return std::nullopt;
  }
  RecentHistory recent;
  recent.runs = values.size();
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  recent.low = quantile_of_sorted(sorted, 0.1);
  recent.high = quantile_of_sorted(sorted, 0.9);
  recent.median = quantile_of_sorted(sorted, 0.5);
  // Least-squares slope over the run index, as a fraction of the median per run.
  const auto n = static_cast<double>(values.size());
  const double mean_x = (n - 1) / 2;
  double mean_y = 0;
  for (const double v : values) {
    mean_y += v / n;
  }
  double sxy = 0;
  double sxx = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double dx = static_cast<double>(i) - mean_x;
    sxy += dx * (values[i] - mean_y);
    sxx += dx * dx;
  }
  if (sxx > 0 && recent.median != 0) {
    recent.slope = sxy / sxx / std::abs(recent.median);
  }
  return recent;
}

}  // namespace perfgate
