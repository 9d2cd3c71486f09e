// Internal: what the trend renderers (render_trend_*.cpp) share: counts and the words of a finding.
#pragma once

#include <perfgate/number_format.hpp>
#include <perfgate/trend.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace perfgate::detail {

struct TrendCounts {
  std::size_t series = 0;
  std::size_t changed = 0;  // series with at least one finding
  std::size_t steps = 0;
  std::size_t creeps = 0;
  std::size_t regressions = 0;
  std::size_t persistent = 0;  // persistent regressions
};

inline TrendCounts trend_counts(const TrendResult& result) {
  TrendCounts counts;
  counts.series = result.series.size();
  for (const TrendSeries& series : result.series) {
    counts.changed += series.findings.empty() ? 0U : 1U;
    for (const TrendFinding& finding : series.findings) {
      (finding.kind == TrendFinding::Kind::step ? counts.steps : counts.creeps) += 1U;
      counts.regressions += finding.regression ? 1U : 0U;
      counts.persistent += finding.regression && finding.persistent ? 1U : 0U;
    }
  }
  return counts;
}

inline std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return format_integer(count) + " " + std::string(count == 1 ? one : many);
}

// "1000 series, 3 change points, 1 creep, 2 regressions (1 persistent)".
inline std::string format_trend_counts(const TrendCounts& counts) {
  return plural(counts.series, "series", "series") + ", " +
         plural(counts.steps, "change point", "change points") + ", " +
         plural(counts.creeps, "creep", "creeps") + ", " +
         plural(counts.regressions, "regression", "regressions") + " (" +
         format_integer(counts.persistent) + " persistent)";
}

inline std::string_view kind_name(TrendFinding::Kind kind) {
  return kind == TrendFinding::Kind::step ? "step" : "creep";
}

// "regression" (persistent), "new regression" (not yet persistent) or "change".
inline std::string_view finding_class(const TrendFinding& finding) {
  if (!finding.regression) {
    return "change";
  }
  return finding.persistent ? "regression" : "new regression";
}

// A commit as people scan it: its first 10 characters.
inline std::string short_commit(std::string_view commit) {
  return std::string(commit.substr(0, 10));
}

// How severe a series' findings are, for ordering: 0 persistent regression, 1 regression,
// 2 change, 3 nothing.
inline int series_rank(const TrendSeries& series) {
  int rank = 3;
  for (const TrendFinding& finding : series.findings) {
    const int own = finding.regression ? (finding.persistent ? 0 : 1) : 2;
    rank = own < rank ? own : rank;
  }
  return rank;
}

}  // namespace perfgate::detail
