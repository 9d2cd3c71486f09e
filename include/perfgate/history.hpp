// The history of gate runs (docs/history.md): one HistoryEntry per gated decision of a gate test
// run, what the local store keeps (history_store.hpp) and what `perfgate history export` writes.
// Pure: building entries from a GateResult, rendering and reading the export formats, and the
// recent band of a benchmark that the gate's reports show next to today's verdict.
#pragma once

#include <perfgate/evaluate.hpp>
#include <perfgate/result.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

inline constexpr std::string_view k_history_schema = "perfgate.history/1";

// One gated decision of one gate test run. The key of a series is (suite, benchmark, metric, rule,
// lane, runner_class); the key of an entry is (run_id, benchmark, metric, rule).
struct HistoryEntry {
  std::string run_id;       // one gate test run: "<test>@<started_at>" (unique per test and start)
  std::string started_at;   // ISO 8601 UTC, e.g. "2026-12-07T11:00:41Z"
  std::string commit;       // "" when unknown
  std::string suite;
  std::string test;         // the CTest test, e.g. "perf.example.BM_Sort"
  std::string benchmark;
  std::string metric;
  std::string rule;
  std::string lane;          // "wall-time", "wall-time (paired)", "instructions", "smoke"
  std::string runner_class;  // runner class (wall time) or toolchain class (instructions)
  std::string unit;
  std::string direction;     // "lower_is_better" or "higher_is_better"
  std::string statistic;     // "median", "mean", "p95", ...
  std::size_t samples = 0;   // candidate repetitions
  std::optional<double> value;     // the statistic over the candidate samples
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> mean;
  std::optional<double> baseline;  // the statistic over the baseline samples
  std::optional<double> change;    // fraction
  std::optional<double> limit;     // the fail threshold: a fraction (relative) or a value (absolute)
  std::optional<double> warn_limit;
  std::string limit_text;          // "+15%", "< 500 ms"
  std::string rule_kind;           // "relative", "absolute", ...
  std::string verdict;             // to_string(Verdict)
};

// What the caller knows about the run that the GateResult does not say.
struct HistoryRunContext {
  std::string run_id;
  std::string started_at;
  std::string commit;
  std::string suite;
  std::string test;
  std::string lane;
  std::string runner_class;
};

// One entry per decision with a metric (benchmark-level decisions such as "missing" are left out:
// they have no value to chart).
std::vector<HistoryEntry> history_entries(const GateResult& result, const HistoryRunContext& run);

// The identity of a series: entries with the same key form one line of history.
struct SeriesKey {
  std::string suite;
  std::string benchmark;
  std::string metric;
  std::string rule;
  std::string lane;
  std::string runner_class;
  bool operator<(const SeriesKey& other) const;
  bool operator==(const SeriesKey& other) const;
};
SeriesKey series_key(const HistoryEntry& entry);
std::string to_string(const SeriesKey& key);  // "example/BM_Sort/real_time (time, wall-time, <class>)"

// Export formats of `perfgate history export`: CSV (one row per entry, RFC 4180, a header row) and
// JSON ({"schema": "perfgate.history/1", "entries": [...]}); both read back by parse_history.
void render_history_csv(const std::vector<HistoryEntry>& entries, std::ostream& out);
void render_history_json(const std::vector<HistoryEntry>& entries, std::ostream& out);
// Reads the JSON export; every error names the source and the JSON pointer.
Result<std::vector<HistoryEntry>> parse_history_json(std::string_view text, const std::string& source);

// The recent history of one series (RecentHistory, evaluate.hpp), for the gate's reports.
// `earlier` in run order (oldest first); uses the last `window` of them; nullopt with fewer than 3.
std::optional<RecentHistory> recent_history(const std::vector<double>& earlier,
                                            std::size_t window = 20);

}  // namespace perfgate
