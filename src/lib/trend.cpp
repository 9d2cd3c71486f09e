// Trends over the history (docs/trend.md): every series' change points and creeps, and which of
// them are regressions under the policy its latest run was gated with.
#include <perfgate/number_format.hpp>
#include <perfgate/trend.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

#include "render_support.hpp"

namespace perfgate {

namespace {

// What the latest run of a series says about its rule: the direction, the kind and the fail limit
// (the last run that stored one).
struct SeriesPolicy {
  bool higher_is_better = false;
  bool absolute = false;
  std::optional<double> limit;
  std::string limit_text;
  std::string unit;
};

SeriesPolicy series_policy(const std::vector<HistoryEntry>& runs) {
  SeriesPolicy policy;
  if (runs.empty()) {
    return policy;
  }
  const HistoryEntry& latest = runs.back();
  policy.higher_is_better = latest.direction == "higher_is_better";
  policy.absolute = latest.rule_kind == "absolute";
  policy.unit = latest.unit;
  for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
    if (run->limit && std::isfinite(*run->limit) && run->rule_kind == latest.rule_kind) {
      policy.limit = run->limit;
      policy.limit_text = run->limit_text;
      break;
    }
  }
  return policy;
}

// The limit as people read it: the stored text, else the number.
std::string limit_words(const SeriesPolicy& policy) {
  if (!policy.limit_text.empty()) {
    return policy.limit_text;
  }
  if (policy.absolute) {
    return detail::format_human(*policy.limit, policy.unit);
  }
  return format_percent(std::fabs(*policy.limit));
}

// Classifies one change: `change` the relative change, `level` the value after it.
void classify(TrendFinding& finding, double level, const SeriesPolicy& policy,
              const TrendOptions& options) {
  const bool bad = policy.higher_is_better ? finding.change < 0 : finding.change > 0;
  const std::string amount = format_percent(finding.change);
  if (!bad) {
    finding.note = amount + ": in the good direction";
    return;
  }
  if (!policy.limit) {
    finding.note = amount + " in the bad direction; no limit stored, so not a regression" +
                   (std::fabs(finding.change) > options.default_change
                        ? " (a change beyond the default " +
                              format_percent(options.default_change) + ")"
                        : " (within the default " + format_percent(options.default_change) + ")");
    return;
  }
  if (policy.absolute) {
    finding.regression = policy.higher_is_better ? level < *policy.limit : level > *policy.limit;
    finding.note = amount + " in the bad direction; the level after it (" +
                   detail::format_human(level, policy.unit) + ") is " +
                   (finding.regression ? "beyond" : "within") + " the fail limit " +
                   limit_words(policy);
    return;
  }
  finding.regression = std::fabs(finding.change) > std::fabs(*policy.limit);
  finding.note = amount + " in the bad direction, " +
                 (finding.regression ? "beyond" : "within") + " the fail limit " +
                 limit_words(policy);
}

void fill_run(TrendFinding& finding, const std::vector<HistoryEntry>& runs,
              const TrendOptions& options) {
  if (finding.index < runs.size()) {
    finding.run_id = runs[finding.index].run_id;
    finding.commit = runs[finding.index].commit;
  }
  finding.persistent = finding.index < runs.size() && runs.size() - finding.index >= options.persist;
}

}  // namespace

std::vector<TrendFinding> classify_changes(const std::vector<HistoryEntry>& runs,
                                           const SeriesChanges& changes,
                                           const TrendOptions& options) {
  const SeriesPolicy policy = series_policy(runs);
  std::vector<TrendFinding> findings;
  findings.reserve(changes.change_points.size() + changes.creeps.size());
  for (const ChangePoint& point : changes.change_points) {
    TrendFinding finding;
    finding.kind = TrendFinding::Kind::step;
    finding.index = point.index;
    finding.last = point.index;
    finding.change = point.change;
    finding.p = point.p;
    classify(finding, point.after, policy, options);
    fill_run(finding, runs, options);
    findings.push_back(std::move(finding));
  }
  for (const Creep& creep : changes.creeps) {
    TrendFinding finding;
    finding.kind = TrendFinding::Kind::creep;
    finding.index = creep.first;
    finding.last = creep.last;
    finding.change = creep.total;
    finding.p = creep.p;
    double start = 0;
    if (creep.first < runs.size() && runs[creep.first].value) {
      start = *runs[creep.first].value;
    }
    classify(finding, start * (1 + creep.total), policy, options);
    finding.note = "creep over " + format_integer(creep.last - creep.first + 1) + " runs: " +
                   finding.note;
    fill_run(finding, runs, options);
    findings.push_back(std::move(finding));
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const TrendFinding& a, const TrendFinding& b) {
                     return std::tie(a.index, a.kind) < std::tie(b.index, b.kind);
                   });
  return findings;
}

TrendResult analyse_trend(const std::vector<HistoryEntry>& entries, const TrendOptions& options) {
  std::map<SeriesKey, std::vector<HistoryEntry>> grouped;
  for (const HistoryEntry& entry : entries) {
    grouped[series_key(entry)].push_back(entry);
  }
  TrendResult result;
  result.series.reserve(grouped.size());
  for (auto& [key, runs] : grouped) {
    std::stable_sort(runs.begin(), runs.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
      return std::tie(a.started_at, a.run_id) < std::tie(b.started_at, b.run_id);
    });
    // The detector sees only finite values; `positions` maps its indexes back to runs.
    std::vector<double> values;
    std::vector<std::size_t> positions;
    values.reserve(runs.size());
    positions.reserve(runs.size());
    for (std::size_t index = 0; index < runs.size(); ++index) {
      if (runs[index].value && std::isfinite(*runs[index].value)) {
        values.push_back(*runs[index].value);
        positions.push_back(index);
      }
    }
    TrendSeries series;
    series.key = key;
    series.changes = find_changes(values, options.changes);
    // The count by value: C++17 lambdas cannot capture the structured binding `runs` (clang).
    const std::size_t run_count = runs.size();
    const auto to_run = [&](std::size_t index) {
      return index < positions.size() ? positions[index] : run_count;
    };
    for (ChangePoint& point : series.changes.change_points) {
      point.index = to_run(point.index);
    }
    for (Creep& creep : series.changes.creeps) {
      creep.first = to_run(creep.first);
      creep.last = to_run(creep.last);
    }
    series.runs = std::move(runs);
    series.findings = classify_changes(series.runs, series.changes, options);
    result.series.push_back(std::move(series));
  }
  return result;
}

std::size_t TrendResult::regressions(bool persistent_only) const {
  std::size_t count = 0;
  for (const TrendSeries& each : series) {
    for (const TrendFinding& finding : each.findings) {
      if (finding.regression && (finding.persistent || !persistent_only)) {
        ++count;
      }
    }
  }
  return count;
}

}  // namespace perfgate
