// Trends over the history store (docs/history.md): change points per benchmark x metric, which of
// them are regressions under the policy, and the self-contained HTML trend report. Pure: the
// caller reads the store (history_store.hpp) and writes the files.
#pragma once

#include <perfgate/changes.hpp>
#include <perfgate/history.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

inline constexpr std::string_view k_trend_schema = "perfgate.trend/1";

struct TrendOptions {
  ChangeOptions changes;
  // Without a stored fail limit, a change in the bad direction larger than this fraction is named a
  // change (never a regression: only the policy says what is one).
  double default_change = 0.05;
  // A regression under the policy persists for this many runs (the change point and the runs after
  // it) before --fail-on-change fails on it.
  std::size_t persist = 3;
};

// One flagged change of a series.
struct TrendFinding {
  enum class Kind { step, creep };
  Kind kind = Kind::step;
  std::size_t index = 0;        // the first run after the change (a creep: its first run)
  std::size_t last = 0;         // a creep's last run; == index for a step
  double change = 0;            // fraction, signed as measured
  double p = 1;
  bool regression = false;      // in the metric's bad direction and beyond the policy's fail limit
  bool persistent = false;      // the run count since `index` >= TrendOptions::persist
  std::string run_id;           // the run at `index`
  std::string commit;
  std::string note;             // why, in words
};

struct TrendSeries {
  SeriesKey key;
  std::vector<HistoryEntry> runs;  // run order: (started_at, run_id)
  SeriesChanges changes;           // indexes into `runs` (runs without a finite value are skipped)
  std::vector<TrendFinding> findings;
};

struct TrendResult {
  std::vector<TrendSeries> series;  // ordered by key
  [[nodiscard]] std::size_t regressions(bool persistent_only) const;
};

// Groups the entries by series, orders each series' runs by (started_at, run_id), finds its change
// points and creeps over the runs with a finite value and classifies them (classify_changes).
TrendResult analyse_trend(const std::vector<HistoryEntry>& entries, const TrendOptions& options = {});

// One finding per change point and creep of `changes` (indexes into `runs`), in index order, each
// classified under the policy the latest run of the series was gated with:
//  * regression: in the bad direction of the metric (HistoryEntry::direction) and beyond the fail
//    limit: for a relative rule |change| > limit; for an absolute rule the level after the change
//    (a step: the mean of the segment after it; a creep: its fitted end) is beyond the limit;
//  * without a stored limit never a regression; the note says whether it exceeds default_change;
//  * persistent: runs.size() - index >= persist (the run at `index` counts).
std::vector<TrendFinding> classify_changes(const std::vector<HistoryEntry>& runs,
                                           const SeriesChanges& changes,
                                           const TrendOptions& options = {});

// The reports. `tool_version` goes into the JSON's "tool" member and the HTML's footer.
void render_trend_text(const TrendResult& result, std::ostream& out);
// {"schema": "perfgate.trend/1", "tool", "summary", "series": [{key..., "runs", "findings"}]}
void render_trend_json(const TrendResult& result, std::ostream& out,
                       std::string_view tool_version = {});
// One self-contained file (inline SVG and CSS; no script, no network), byte-stable for the same
// input: an overview of what changed (regressions first), then a chart per series.
void render_trend_html(const TrendResult& result, std::ostream& out,
                       std::string_view tool_version = {});

}  // namespace perfgate
