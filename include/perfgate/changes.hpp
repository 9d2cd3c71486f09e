// Change points and creeps in a series of measurements (docs/history.md), for `perfgate changes`
// (any CSV series) and `perfgate trend` (the history store). Pure and deterministic: the same
// values and options give the same answer on every machine.
#pragma once

#include <perfgate/result.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

inline constexpr std::string_view k_changes_schema = "perfgate.changes/1";

struct ChangeOptions {
  double max_p = 0.001;         // a split is a change point when its significance p <= max_p
  std::size_t window = 50;      // points on each side that a split is tested against
  std::size_t min_segment = 3;  // fewest points on each side of a change point (outliers)
  double min_change = 0.0;      // smaller relative changes (fraction of `before`) are not reported
  // A creep: a run of at least creep_min_points points whose values drift monotonically (a
  // significant linear slope, p <= creep_max_p) by at least creep_min_total in all, with no
  // single step that explains it. Reported as one creep, not as a string of change points.
  std::size_t creep_min_points = 10;
  double creep_min_total = 0.02;
  double creep_max_p = 0.001;
};

struct ChangePoint {
  std::size_t index = 0;  // 0-based index of the first point after the change
  double before = 0;      // the median of the segment before (robust to outliers)
  double after = 0;       // the median of the segment after
  double change = 0;      // (after - before) / before, a fraction
  double p = 1;           // the significance of the split, corrected for the splits tried
};

struct Creep {
  std::size_t first = 0;  // index of the first point of the drift
  std::size_t last = 0;   // index of its last point (inclusive)
  double per_point = 0;   // slope per point, a fraction of the value at `first`
  double total = 0;       // fitted change from first to last, a fraction
  double p = 1;           // the significance of the slope
};

struct SeriesChanges {
  std::vector<ChangePoint> change_points;  // by index
  std::vector<Creep> creeps;               // by first
  // The scan state update_changes resumes from (not part of any output): the scan never looks
  // back before `resume`, and `settled` are the change points it found there, before creeps
  // were formed from them. A default SeriesChanges makes update_changes start over.
  std::size_t resume = 0;
  std::vector<ChangePoint> settled;
};

// Non-finite values are a programming error for this function: callers drop them first.
SeriesChanges find_changes(const std::vector<double>& values, const ChangeOptions& options = {});

// Incremental form: the answer for `values` given the answer `previous` for its first
// `previous_size` points; equal to find_changes(values, options), faster when few were appended.
SeriesChanges update_changes(const std::vector<double>& values, const SeriesChanges& previous,
                             std::size_t previous_size, const ChangeOptions& options = {});

// For a column with gaps: NaN values are skipped, and every index of the answer is that of the
// row (the position in `values`), not of the point among the finite ones.
SeriesChanges find_changes_in_rows(const std::vector<double>& values,
                                   const ChangeOptions& options = {});

// A table of series read from CSV: one row per run, an id column first, then value columns.
struct NamedSeries {
  std::string name;
  std::vector<double> values;  // NaN where the cell is empty
};
struct SeriesTable {
  std::string source;
  std::string id_column;
  std::vector<std::string> ids;
  std::vector<NamedSeries> columns;
};
Result<SeriesTable> parse_series_csv(std::string_view text, const std::string& source);
// The value column whose name is closest to a misspelt `name`, for "did you mean" hints.
std::optional<std::string> closest_column(const SeriesTable& table, std::string_view name);

struct SeriesReport {
  std::string name;
  std::vector<std::string> ids;  // the row ids, to name the rows of change points
  std::vector<double> values;
  SeriesChanges changes;
};

// {"schema": "perfgate.changes/1", "series": [{"name", "change_points": [{"index", "before",
// "after", "change_pct", "p"}], "creeps": [...]}]}
void render_changes_json(const std::vector<SeriesReport>& reports, std::ostream& out);
void render_changes_text(const std::vector<SeriesReport>& reports, std::ostream& out);

}  // namespace perfgate
