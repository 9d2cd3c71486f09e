// Unit tests of the trend (trend.hpp): grouping and run order, the mapping of change points past
// runs without a value, the classification of changes under the policy (relative and absolute
// limits, both directions, no limit), persistence, creeps, and the reports' promises (schema,
// self-contained and small HTML, byte-stable output).
#include <perfgate/trend.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace perfgate {
namespace {

// A run of the series example/BM_Sort/real_time, "time" rule, wall-time lane: `index` orders it.
HistoryEntry entry(int index, std::optional<double> value, std::string benchmark = "BM_Sort") {
  HistoryEntry run;
  const std::string day = (index + 1 < 10 ? "0" : "") + std::to_string(index + 1);
  run.run_id = "perf.example." + benchmark + "@2026-11-" + day + "T02:00:00Z";
  run.started_at = "2026-11-" + day + "T02:00:00Z";
  run.commit = "c0ffee" + std::to_string(index);
  run.suite = "example";
  run.test = "perf.example." + benchmark;
  run.benchmark = benchmark;
  run.metric = "real_time";
  run.rule = "time";
  run.lane = "wall-time";
  run.runner_class = "x86_64-4c";
  run.unit = "ns";
  run.direction = "lower_is_better";
  run.statistic = "median";
  run.samples = 10;
  run.value = value;
  run.baseline = 100;
  run.limit = 0.10;
  run.warn_limit = 0.05;
  run.limit_text = "+10%";
  run.rule_kind = "relative";
  run.verdict = "pass";
  return run;
}

// `count` runs at 100 (±0.5, alternating), then at `after` from run `step` on.
std::vector<HistoryEntry> stepped(int count, int step, double after,
                                  const std::string& benchmark = "BM_Sort") {
  std::vector<HistoryEntry> runs;
  for (int index = 0; index < count; ++index) {
    const double level = index < step ? 100 : after;
    runs.push_back(entry(index, level + (index % 2 == 0 ? 0.5 : -0.5), benchmark));
  }
  return runs;
}

SeriesChanges one_step(std::size_t index, double before, double after) {
  SeriesChanges changes;
  changes.change_points.push_back(
      ChangePoint{index, before, after, (after - before) / before, 1e-9});
  return changes;
}

TEST(Trend, GroupsBySeriesAndOrdersRunsByStartThenRunId) {
  std::vector<HistoryEntry> entries;
  for (int index = 5; index >= 0; --index) {
    entries.push_back(entry(index, 100, "BM_Sort"));
    entries.push_back(entry(index, 50, "BM_Hash"));
  }
  HistoryEntry same_start = entry(2, 100, "BM_Sort");
  same_start.run_id = "a-first@same-start";  // sorts before the other run started then
  entries.push_back(same_start);
  const TrendResult result = analyse_trend(entries);
  ASSERT_EQ(result.series.size(), 2U);
  EXPECT_EQ(result.series[0].key.benchmark, "BM_Hash");  // by key
  EXPECT_EQ(result.series[1].key.benchmark, "BM_Sort");
  const std::vector<HistoryEntry>& runs = result.series[1].runs;
  ASSERT_EQ(runs.size(), 7U);
  for (std::size_t index = 1; index < runs.size(); ++index) {
    EXPECT_LE(runs[index - 1].started_at, runs[index].started_at);
  }
  EXPECT_EQ(runs[2].run_id, "a-first@same-start");
  EXPECT_TRUE(result.series[0].findings.empty());
  EXPECT_EQ(result.regressions(false), 0U);
}

TEST(Trend, AStepBeyondTheLimitIsARegressionNamedByItsRun) {
  const TrendResult result = analyse_trend(stepped(20, 12, 130));
  ASSERT_EQ(result.series.size(), 1U);
  const TrendSeries& series = result.series[0];
  ASSERT_EQ(series.findings.size(), 1U);
  const TrendFinding& finding = series.findings[0];
  EXPECT_EQ(finding.kind, TrendFinding::Kind::step);
  EXPECT_EQ(finding.index, 12U);
  EXPECT_EQ(finding.run_id, series.runs[12].run_id);
  EXPECT_EQ(finding.commit, "c0ffee12");
  EXPECT_NEAR(finding.change, 0.30, 0.01);
  EXPECT_TRUE(finding.regression);
  EXPECT_TRUE(finding.persistent);
  EXPECT_NE(finding.note.find("beyond the fail limit +10%"), std::string::npos) << finding.note;
  EXPECT_EQ(result.regressions(true), 1U);
}

TEST(Trend, RunsWithoutAFiniteValueAreSkippedButIndexesNameRuns) {
  std::vector<HistoryEntry> runs = stepped(20, 12, 130);
  runs[3].value = std::nullopt;
  runs[5].value = std::numeric_limits<double>::quiet_NaN();
  const TrendResult result = analyse_trend(runs);
  ASSERT_EQ(result.series[0].findings.size(), 1U);
  EXPECT_EQ(result.series[0].findings[0].index, 12U);
  EXPECT_EQ(result.series[0].changes.change_points.at(0).index, 12U);
  EXPECT_EQ(result.series[0].findings[0].run_id, result.series[0].runs[12].run_id);
}

TEST(TrendClassify, RelativeLimitInTheBadDirectionOnly) {
  const std::vector<HistoryEntry> runs = stepped(20, 10, 100);
  const auto classify = [&](double after) {
    return classify_changes(runs, one_step(10, 100, after)).at(0);
  };
  EXPECT_TRUE(classify(115).regression);   // +15% > +10%
  EXPECT_FALSE(classify(108).regression);  // within the limit
  EXPECT_NE(classify(108).note.find("within the fail limit"), std::string::npos);
  EXPECT_FALSE(classify(70).regression);   // faster
  EXPECT_NE(classify(70).note.find("good direction"), std::string::npos);
}

TEST(TrendClassify, HigherIsBetterRegressesDownwards) {
  std::vector<HistoryEntry> runs = stepped(20, 10, 100);
  for (HistoryEntry& run : runs) {
    run.metric = "counter:items_per_second";
    run.direction = "higher_is_better";
    run.limit_text = "-10%";
  }
  EXPECT_TRUE(classify_changes(runs, one_step(10, 100, 85)).at(0).regression);
  EXPECT_FALSE(classify_changes(runs, one_step(10, 100, 95)).at(0).regression);
  EXPECT_FALSE(classify_changes(runs, one_step(10, 100, 150)).at(0).regression);
}

TEST(TrendClassify, TheLatestRunsLimitDecides) {
  std::vector<HistoryEntry> runs = stepped(20, 10, 100);
  for (HistoryEntry& run : runs) {
    run.limit = 0.5;
  }
  runs.back().limit = 0.10;
  EXPECT_TRUE(classify_changes(runs, one_step(10, 100, 120)).at(0).regression);
  runs.back().limit = std::nullopt;  // the last run that stored one: 50%
  EXPECT_FALSE(classify_changes(runs, one_step(10, 100, 120)).at(0).regression);
}

TEST(TrendClassify, AbsoluteLimitLooksAtTheLevelAfterTheChange) {
  std::vector<HistoryEntry> runs = stepped(20, 10, 100);
  for (HistoryEntry& run : runs) {
    run.rule_kind = "absolute";
    run.limit = 450;
    run.limit_text = "< 450 ns";
  }
  EXPECT_TRUE(classify_changes(runs, one_step(10, 440, 460)).at(0).regression);
  EXPECT_FALSE(classify_changes(runs, one_step(10, 300, 440)).at(0).regression);  // +47%, under
  EXPECT_FALSE(classify_changes(runs, one_step(10, 500, 460)).at(0).regression);  // got better
  for (HistoryEntry& run : runs) {
    run.direction = "higher_is_better";
    run.limit = 1000;
  }
  EXPECT_TRUE(classify_changes(runs, one_step(10, 1100, 900)).at(0).regression);
  EXPECT_FALSE(classify_changes(runs, one_step(10, 1500, 1100)).at(0).regression);
}

TEST(TrendClassify, WithoutALimitAChangeIsNeverARegression) {
  std::vector<HistoryEntry> runs = stepped(20, 10, 100);
  for (HistoryEntry& run : runs) {
    run.limit = std::nullopt;
    run.limit_text.clear();
  }
  const TrendFinding large = classify_changes(runs, one_step(10, 100, 140)).at(0);
  EXPECT_FALSE(large.regression);
  EXPECT_NE(large.note.find("beyond the default +5.0%"), std::string::npos) << large.note;
  const TrendFinding small = classify_changes(runs, one_step(10, 100, 103)).at(0);
  EXPECT_NE(small.note.find("within the default"), std::string::npos) << small.note;
}

TEST(TrendClassify, PersistentOnceTheChangeHeldForPersistRuns) {
  const std::vector<HistoryEntry> runs = stepped(10, 5, 100);
  TrendOptions options;
  options.persist = 3;
  EXPECT_TRUE(classify_changes(runs, one_step(7, 100, 130), options).at(0).persistent);
  EXPECT_FALSE(classify_changes(runs, one_step(8, 100, 130), options).at(0).persistent);
  options.persist = 1;
  EXPECT_TRUE(classify_changes(runs, one_step(9, 100, 130), options).at(0).persistent);
}

TEST(TrendClassify, CreepsAreFindingsInIndexOrder) {
  const std::vector<HistoryEntry> runs = stepped(40, 0, 100);
  SeriesChanges changes = one_step(30, 100, 95);
  changes.creeps.push_back(Creep{5, 20, 0.01, 0.15, 1e-5});
  const std::vector<TrendFinding> findings = classify_changes(runs, changes);
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].kind, TrendFinding::Kind::creep);
  EXPECT_EQ(findings[0].index, 5U);
  EXPECT_EQ(findings[0].last, 20U);
  EXPECT_TRUE(findings[0].regression);  // +15% > +10%
  EXPECT_EQ(findings[0].run_id, runs[5].run_id);
  EXPECT_NE(findings[0].note.find("creep over 16 runs"), std::string::npos) << findings[0].note;
  EXPECT_EQ(findings[1].kind, TrendFinding::Kind::step);
  EXPECT_FALSE(findings[1].regression);
}

TEST(Trend, RegressionsCountsPersistentOnesOnRequest) {
  TrendResult result;
  result.series.resize(2);
  result.series[0].findings.resize(2);
  result.series[0].findings[0].regression = true;
  result.series[0].findings[0].persistent = true;
  result.series[0].findings[1].regression = true;
  result.series[1].findings.resize(1);  // a change, not a regression
  EXPECT_EQ(result.regressions(false), 2U);
  EXPECT_EQ(result.regressions(true), 1U);
}

// 1 000 series of 50 runs, one in ten with a step: what the timing script opens in Chromium.
TrendResult large_result() {
  std::vector<HistoryEntry> entries;
  for (int series = 0; series < 1000; ++series) {
    const std::string name = "BM_Family" + std::to_string(series / 10) + "/" + std::to_string(series);
    for (HistoryEntry& run : stepped(50, 35, series % 10 == 0 ? 125 : 100, name)) {
      entries.push_back(std::move(run));
    }
  }
  return analyse_trend(entries);
}

TEST(TrendReport, HtmlIsSelfContainedSmallAndByteStable) {
  const TrendResult result = large_result();
  ASSERT_EQ(result.series.size(), 1000U);
  EXPECT_EQ(result.regressions(true), 100U);
  std::ostringstream first;
  render_trend_html(result, first, "1.2.3");
  const std::string html = first.str();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("NaN"), std::string::npos);
  // About 50 000 runs, most in series without findings (whose passing runs get no point):
  // under 100 bytes a run keeps the page a few MB, quick to open.
  EXPECT_LT(html.size(), 50000U * 100U) << html.size();
  // The overview comes first and opens on the regressions.
  const std::size_t overview = html.find("What changed (100 of 1000 series)");
  ASSERT_NE(overview, std::string::npos);
  EXPECT_LT(overview, html.find("<svg"));
  std::ostringstream second;
  render_trend_html(result, second, "1.2.3");
  EXPECT_EQ(html, second.str());
}

TEST(TrendReport, JsonAndTextNameTheSchemaAndTheRegressions) {
  const TrendResult result = analyse_trend(stepped(20, 12, 130));
  std::ostringstream json;
  render_trend_json(result, json, "1.2.3");
  EXPECT_NE(json.str().find("\"schema\": \"perfgate.trend/1\""), std::string::npos);
  EXPECT_NE(json.str().find("\"persistent_regressions\": 1"), std::string::npos);
  std::ostringstream text;
  render_trend_text(result, text);
  EXPECT_NE(text.str().find("regression: step +30"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("example/BM_Sort/real_time (time, wall-time, x86_64-4c)"),
            std::string::npos)
      << text.str();
}

}  // namespace
}  // namespace perfgate
