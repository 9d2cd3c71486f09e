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
  std::vector<HistoryEntry> runs;  // run order
  SeriesChanges changes;
  std::vector<TrendFinding> findings;
};

struct TrendResult {
  std::vector<TrendSeries> series;  // ordered by key
  [[nodiscard]] std::size_t regressions(bool persistent_only) const;
};

// Groups the entries by series and analyses each.
TrendResult analyse_trend(const std::vector<HistoryEntry>& entries, const TrendOptions& options = {});

void render_trend_text(const TrendResult& result, std::ostream& out);
void render_trend_json(const TrendResult& result, std::ostream& out);
// One self-contained file (inline SVG, CSS and script; no network), byte-stable for the same input.
void render_trend_html(const TrendResult& result, std::ostream& out);

}  // namespace perfgate
