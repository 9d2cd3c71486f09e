// Tests of change points and creeps (src/lib/changes.cpp), the series CSV reader and the two
// renderers of `perfgate changes`.
#include <perfgate/changes.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace perfgate {
namespace {

// Lognormal noise around `level` (sigma of the log), seeded: the same series on every machine.
std::vector<double> noise(std::size_t n, double sigma, std::uint64_t seed, double level = 100.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<double> values(n);
  for (double& value : values) {
    value = level * std::exp(normal(rng));
  }
  return values;
}

std::vector<double> with_step(std::vector<double> values, std::size_t at, double factor) {
  for (std::size_t i = at; i < values.size(); ++i) {
    values[i] *= factor;
  }
  return values;
}

std::vector<std::size_t> indices(const SeriesChanges& changes) {
  std::vector<std::size_t> found;
  for (const ChangePoint& point : changes.change_points) {
    found.push_back(point.index);
  }
  return found;
}

bool equal(const SeriesChanges& a, const SeriesChanges& b) {
  if (a.change_points.size() != b.change_points.size() || a.creeps.size() != b.creeps.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.change_points.size(); ++i) {
    const ChangePoint& x = a.change_points[i];
    const ChangePoint& y = b.change_points[i];
    if (x.index != y.index || x.before != y.before || x.after != y.after || x.p != y.p) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.creeps.size(); ++i) {
    const Creep& x = a.creeps[i];
    const Creep& y = b.creeps[i];
    if (x.first != y.first || x.last != y.last || x.total != y.total || x.p != y.p) {
      return false;
    }
  }
  return true;
}

TEST(Changes, FindsAStepAtItsIndex) {
  for (const std::size_t at : {20U, 50U, 77U}) {
    const auto values = with_step(noise(100, 0.03, at), at, 1.15);
    const auto changes = find_changes(values);
    ASSERT_EQ(changes.change_points.size(), 1U) << "step at " << at;
    EXPECT_NEAR(static_cast<double>(changes.change_points[0].index), static_cast<double>(at), 1.0);
    EXPECT_NEAR(changes.change_points[0].change, 0.15, 0.03);
    EXPECT_LE(changes.change_points[0].p, 0.001);
    EXPECT_TRUE(changes.creeps.empty());
  }
}

TEST(Changes, FindsStepsBothWaysInALongSeries) {
  auto values = with_step(noise(400, 0.03, 7), 120, 1.2);
  values = with_step(values, 260, 1.0 / 1.2);
  const auto found = indices(find_changes(values));
  ASSERT_EQ(found.size(), 2U);
  EXPECT_NEAR(static_cast<double>(found[0]), 120.0, 1.0);
  EXPECT_NEAR(static_cast<double>(found[1]), 260.0, 1.0);
}

TEST(Changes, NoChangeInNoise) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_TRUE(find_changes(noise(100, 0.08, seed)).change_points.empty()) << "seed " << seed;
  }
}

TEST(Changes, ASingleOutlierIsNeverAChangePoint) {
  for (const std::size_t at : {0U, 1U, 2U, 3U, 50U, 96U, 97U, 98U, 99U}) {
    auto values = noise(100, 0.03, 11);
    values[at] *= 5.0;
    const auto changes = find_changes(values);
    EXPECT_TRUE(changes.change_points.empty()) << "outlier at " << at;
    EXPECT_TRUE(changes.creeps.empty()) << "outlier at " << at;
  }
}

TEST(Changes, APairOfOutliersIsNeverAChangePoint) {
  for (const std::size_t at : {0U, 1U, 40U, 97U, 98U}) {
    auto values = noise(100, 0.03, 12);
    values[at] *= 4.0;
    values[at + 1] *= 4.0;
    EXPECT_TRUE(find_changes(values).change_points.empty()) << "outliers at " << at;
  }
  // Even at the very end, where a new run just came in twice slower.
  auto values = noise(60, 0.03, 13);
  values[58] *= 2.0;
  values[59] *= 2.0;
  EXPECT_TRUE(find_changes(values).change_points.empty());
}

TEST(Changes, ACreepIsOneCreepNotAStringOfSteps) {
  auto values = noise(100, 0.02, 21);
  for (std::size_t i = 35; i < values.size(); ++i) {
    values[i] *= 1.0 + 0.005 * static_cast<double>(std::min<std::size_t>(i - 35, 29));
  }
  const auto changes = find_changes(values);
  ASSERT_EQ(changes.creeps.size(), 1U);
  EXPECT_TRUE(changes.change_points.empty());
  const Creep& creep = changes.creeps[0];
  EXPECT_NEAR(static_cast<double>(creep.first), 35.0, 4.0);
  EXPECT_NEAR(static_cast<double>(creep.last), 64.0, 4.0);
  EXPECT_NEAR(creep.per_point, 0.005, 0.0015);
  EXPECT_NEAR(creep.total, 0.145, 0.03);
  EXPECT_LE(creep.p, 0.001);
}

TEST(Changes, ACreepOverTheWholeSeries) {
  auto values = noise(100, 0.02, 22);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] *= 1.0 + 0.005 * static_cast<double>(i);
  }
  const auto changes = find_changes(values);
  ASSERT_EQ(changes.creeps.size(), 1U);
  EXPECT_TRUE(changes.change_points.empty());
}

// Twenty runs of history with a clean +30% step, the values repeating (equal instruction counts):
// the exact rank test finds it where the normal approximation, after the correction for the
// splits tried, could not (p 3e-3 > 0.001).
TEST(Changes, AStepInAShortSeriesWithTies) {
  std::vector<double> values;
  for (int i = 0; i < 20; ++i) {
    values.push_back((i < 12 ? 100.0 : 130.0) + (i % 2 == 0 ? 0.5 : -0.5));
  }
  const SeriesChanges changes = find_changes(values);
  ASSERT_EQ(changes.change_points.size(), 1U);
  EXPECT_EQ(changes.change_points[0].index, 12U);
  EXPECT_LT(changes.change_points[0].p, 0.001);
  // Without ties too. 10 + 10 runs is about the least that can carry a step at max_p = 0.001
  // (exact p 1.1e-5 times 15 splits tried); 6 + 6 cannot (2 / 924 times 7).
  std::vector<double> distinct;
  for (int i = 0; i < 20; ++i) {
    distinct.push_back((i < 10 ? 100.0 : 150.0) + 0.01 * i);
  }
  EXPECT_EQ(find_changes(distinct).change_points.size(), 1U);
  distinct.resize(12);
  for (int i = 6; i < 12; ++i) {
    distinct[static_cast<std::size_t>(i)] = 150.0 + 0.01 * i;
  }
  EXPECT_TRUE(find_changes(distinct).change_points.empty());
}

// Short A/A series of exact, tied counts with one value that moves now and then: nothing.
TEST(Changes, NoChangeInAShortTiedSeries) {
  for (int length = 6; length <= 40; ++length) {
    std::vector<double> values;
    for (int i = 0; i < length; ++i) {
      values.push_back(i % 7 == 3 ? 1001.0 : 1000.0);
    }
    EXPECT_TRUE(find_changes(values).change_points.empty()) << length;
  }
}

TEST(Changes, IsDeterministic) {
  const auto values = with_step(noise(300, 0.05, 31), 150, 1.1);
  const auto first = find_changes(values);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(equal(first, find_changes(values)));
  }
}

TEST(Changes, UpdateEqualsFindOnTheWholeSeries) {
  auto values = with_step(noise(600, 0.04, 41), 130, 1.2);
  values = with_step(values, 333, 0.85);
  for (std::size_t i = 450; i < values.size(); ++i) {
    values[i] *= 1.0 + 0.004 * static_cast<double>(i - 450);
  }
  const auto first = [&](std::size_t size) {
    return std::vector<double>(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(size));
  };
  for (const std::size_t step : {1U, 7U, 60U}) {
    SeriesChanges state = find_changes(first(50));
    for (std::size_t size = 50 + step; size <= values.size(); size += step) {
      state = update_changes(first(size), state, size - step);
      ASSERT_TRUE(equal(state, find_changes(first(size)))) << "at size " << size;
    }
  }
  // A default answer starts over.
  EXPECT_TRUE(equal(update_changes(values, SeriesChanges{}, 0), find_changes(values)));
}

TEST(Changes, UpdateResumesNearTheEnd) {
  auto values = with_step(noise(500, 0.03, 42), 100, 1.3);
  const auto changes = find_changes(values);
  EXPECT_GE(changes.resume, values.size() - 2 * ChangeOptions{}.window);
  EXPECT_EQ(changes.settled.size(), 1U);
}

TEST(Changes, ShortAndConstantSeries) {
  EXPECT_TRUE(find_changes(std::vector<double>{}).change_points.empty());
  EXPECT_TRUE(find_changes(std::vector<double>{1.0}).change_points.empty());
  EXPECT_TRUE(find_changes(std::vector<double>{1.0, 2.0, 3.0, 4.0, 5.0}).change_points.empty());
  EXPECT_TRUE(find_changes(std::vector<double>(200, 7.0)).change_points.empty());
  EXPECT_TRUE(find_changes(std::vector<double>(200, 0.0)).creeps.empty());
  // Two flat levels: ties everywhere, one change point.
  std::vector<double> levels(40, 1.0);
  levels.resize(80, 2.0);
  const auto found = indices(find_changes(levels));
  EXPECT_EQ(found, std::vector<std::size_t>{40});
}

TEST(Changes, MinimumChangeDropsSmallSteps) {
  const auto values = with_step(noise(100, 0.01, 51), 50, 1.05);
  EXPECT_EQ(find_changes(values).change_points.size(), 1U);
  ChangeOptions options;
  options.min_change = 0.1;
  EXPECT_TRUE(find_changes(values, options).change_points.empty());
}

TEST(Changes, GapsKeepTheRowsOfTheirSeries) {
  auto values = with_step(noise(100, 0.03, 61), 50, 1.2);
  const double gap = std::numeric_limits<double>::quiet_NaN();
  values.insert(values.begin() + 10, gap);
  values.insert(values.begin() + 20, gap);
  const auto changes = find_changes_in_rows(values);
  ASSERT_EQ(changes.change_points.size(), 1U);
  EXPECT_NEAR(static_cast<double>(changes.change_points[0].index), 52.0, 1.0);
}

TEST(ParseSeriesCsv, ReadsIdsColumnsAndGaps) {
  const auto table =
      parse_series_csv("run,\"wall, ns\",cpu\r\na1,1.5,2\r\n\"a\"\"2\",,3e2\r\n", "s.csv");
  ASSERT_TRUE(table.has_value()) << format_diagnostics(table.error());
  EXPECT_EQ(table->id_column, "run");
  EXPECT_EQ(table->ids, (std::vector<std::string>{"a1", "a\"2"}));
  ASSERT_EQ(table->columns.size(), 2U);
  EXPECT_EQ(table->columns[0].name, "wall, ns");
  EXPECT_EQ(table->columns[0].values[0], 1.5);
  EXPECT_TRUE(std::isnan(table->columns[0].values[1]));
  EXPECT_EQ(table->columns[1].values, (std::vector<double>{2.0, 300.0}));
}

TEST(ParseSeriesCsv, NamesTheRowAndColumnOfANonNumber) {
  const auto table = parse_series_csv("id,time\nr1,10\nr2,fast\n", "s.csv");
  ASSERT_FALSE(table.has_value());
  EXPECT_EQ(format_diagnostics(table.error()),
            "s.csv:3: error: row 2 (r2), column \"time\": expected a number, got \"fast\"\n"
            "  hint: an empty cell is a gap; numbers are written with a '.' decimal point\n");
}

TEST(ParseSeriesCsv, RejectsMalformedTables) {
  const auto message = [](std::string_view text) {
    const auto table = parse_series_csv(text, "s.csv");
    return table ? std::string("(read)") : format_diagnostics(table.error());
  };
  EXPECT_EQ(message(""),
            "s.csv: error: the file is empty\n"
            "  hint: a header row (the id column, then the value columns) comes first\n");
  EXPECT_EQ(message("id\nr1\n"),
            "s.csv:1: error: the header names no value column\n"
            "  hint: one row per run: an id column first, then one column per series\n");
  EXPECT_EQ(message("id,a\n"), "s.csv:1: error: the file has a header but no rows\n");
  EXPECT_EQ(message("id,a,a\nr,1,2\n"), "s.csv:1: error: column \"a\" appears twice\n");
  EXPECT_EQ(message("id,a\nr,1,2\n"), "s.csv:2: error: row 1: 3 fields, the header has 2\n");
  EXPECT_EQ(message("id,a\nr,\"1\n"),
            "s.csv:2: error: a quoted field is not closed\n"
            "  hint: a '\"' inside a quoted field is written twice (RFC 4180)\n");
}

TEST(ParseSeriesCsv, SuggestsTheClosestColumn) {
  const auto table = parse_series_csv("id,real_time,cpu_time\nr,1,2\n", "s.csv");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(closest_column(*table, "real_tme"), std::optional<std::string>("real_time"));
  EXPECT_EQ(closest_column(*table, "bytes"), std::nullopt);
}

SeriesReport small_report() {
  SeriesReport report;
  report.name = "wall";
  report.ids = {"r0", "r1", "r2"};
  report.values = {1.0, 2.0, 2.0};
  report.changes.change_points.push_back(ChangePoint{1, 1.0, 2.0, 1.0, 0.0005});
  report.changes.creeps.push_back(Creep{0, 2, 0.005, 0.01, 0.0001});
  return report;
}

TEST(RenderChanges, JsonHasTheSchemaAndRowIndices) {
  std::ostringstream out;
  render_changes_json({small_report()}, out);
  EXPECT_EQ(out.str(), R"({
  "schema": "perfgate.changes/1",
  "series": [
    {
      "name": "wall",
      "points": 3,
      "change_points": [
        {
          "index": 1,
          "id": "r1",
          "before": 1,
          "after": 2,
          "change_pct": 100,
          "p": 5e-04
        }
      ],
      "creeps": [
        {
          "first": 0,
          "last": 2,
          "per_point_pct": 0.5,
          "total_pct": 1,
          "p": 1e-04
        }
      ]
    }
  ]
}
)");
}

TEST(RenderChanges, TextNamesRowsByTheirIds) {
  std::ostringstream out;
  render_changes_text({small_report()}, out);
  EXPECT_EQ(out.str(),
            "wall: 3 points, 1 change point, 1 creep\n"
            "  change at row 1 (r1): 1 -> 2 (+100.0%, p = 0.0005)\n"
            "  creep from row 0 (r0) to row 2 (r2): +0.50% per point, +1.0% in all (p = "
            "0.0001)\n");
}

}  // namespace
}  // namespace perfgate
