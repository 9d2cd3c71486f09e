// History entries, their export formats and the recent band (history.hpp).
#include <perfgate/history.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace perfgate {
namespace {

GateResult two_decisions() {
  GateResult result;
  Decision time;
  time.benchmark = "BM_Sort/1024";
  time.metric = "real_time";
  time.rule = "time";
  time.unit = "ns";
  time.verdict = Verdict::fail;
  time.candidate = 1250.5;
  time.baseline = 1000;
  time.change = 0.2505;
  time.limit = 0.1;
  time.limit_text = "+10%";
  time.candidate_samples.n = 5;
  time.candidate_samples.min = 1200;
  time.candidate_samples.max = 1300;
  time.candidate_samples.mean = 1251;
  result.decisions.push_back(time);
  Decision missing;
  missing.benchmark = "BM_Gone";
  missing.verdict = Verdict::missing;
  result.decisions.push_back(missing);
  return result;
}

HistoryRunContext context() {
  return {"2026-12-07T10:00:00Z/perf.s.BM_Sort/1", "2026-12-07T10:00:00Z", "abc123", "s",
          "perf.s.BM_Sort", "wall-time", "class-a"};
}

TEST(History, EntriesAreTheDecisionsWithAMetric) {
  const auto entries = history_entries(two_decisions(), context());
  ASSERT_EQ(entries.size(), 1U);  // the missing benchmark has no value to chart
  const HistoryEntry& e = entries.front();
  EXPECT_EQ(e.benchmark, "BM_Sort/1024");
  EXPECT_EQ(e.metric, "real_time");
  EXPECT_EQ(e.verdict, "fail");
  EXPECT_EQ(e.direction, "lower_is_better");
  EXPECT_EQ(e.statistic, "median");
  EXPECT_EQ(e.runner_class, "class-a");
  EXPECT_EQ(e.samples, 5U);
  EXPECT_DOUBLE_EQ(*e.value, 1250.5);
  EXPECT_DOUBLE_EQ(*e.limit, 0.1);
}

TEST(History, JsonExportReadsBackExactly) {
  auto entries = history_entries(two_decisions(), context());
  entries.front().change = 0.1 + 0.2;  // not exactly 0.3: must round-trip
  std::ostringstream json;
  render_history_json(entries, json);
  const auto back = parse_history_json(json.str(), "export.json");
  ASSERT_TRUE(back.has_value()) << format_diagnostics(back.error());
  ASSERT_EQ(back->size(), 1U);
  EXPECT_EQ(back->front().run_id, entries.front().run_id);
  EXPECT_EQ(*back->front().change, 0.1 + 0.2);
  EXPECT_FALSE(back->front().warn_limit.has_value());
  std::ostringstream again;
  render_history_json(*back, again);
  EXPECT_EQ(again.str(), json.str());
}

TEST(History, JsonErrorsNameThePlace) {
  const auto wrong = parse_history_json(
      R"({"schema": "perfgate.history/1", "entries": [{"run_id": 3}]})", "h.json");
  ASSERT_FALSE(wrong.has_value());
  const std::string text = format_diagnostics(wrong.error());
  EXPECT_NE(text.find("h.json"), std::string::npos) << text;
  EXPECT_NE(text.find("/entries/0/run_id"), std::string::npos) << text;
  const auto other = parse_history_json(R"({"schema": "perfgate.baseline/1"})", "b.json");
  ASSERT_FALSE(other.has_value());
}

// Found with the fuzz targets (docs/fuzzing.md): "samples": 1e19 was converted to long long
// before its range was checked, which is undefined behaviour.
TEST(History, JsonRefusesASampleCountBeyondEveryInteger) {
  auto entries = history_entries(two_decisions(), context());
  std::ostringstream json;
  render_history_json(entries, json);
  std::string text = json.str();
  const std::string samples = "\"samples\": ";
  const std::size_t at = text.find(samples);
  ASSERT_NE(at, std::string::npos) << text;
  const std::size_t end = text.find_first_of(",}", at);
  text.replace(at + samples.size(), end - at - samples.size(), "1e19");
  const auto wrong = parse_history_json(text, "h.json");
  ASSERT_FALSE(wrong.has_value());
  const std::string errors = format_diagnostics(wrong.error());
  EXPECT_NE(errors.find("h.json: error: /entries/0/samples: expected a whole number from 0 to "),
            std::string::npos)
      << errors;
}

TEST(History, CsvHasAHeaderAndQuotesWhereNeeded) {
  auto entries = history_entries(two_decisions(), context());
  entries.front().benchmark = "BM_Sort/1024,\"x\"";
  std::ostringstream csv;
  render_history_csv(entries, csv);
  const std::string text = csv.str();
  EXPECT_EQ(text.rfind("run_id,started_at,commit,suite,test,benchmark,metric,", 0), 0U) << text;
  EXPECT_NE(text.find("\"BM_Sort/1024,\"\"x\"\"\""), std::string::npos) << text;
  EXPECT_NE(text.find(",1250.5,1200,1300,1251,1000,0.2505,0.1,,+10%,relative,fail\r\n"),
            std::string::npos)
      << text;
}

TEST(History, RecentBandAndTrend) {
  EXPECT_FALSE(recent_history({1, 2}).has_value());
  std::vector<double> flat(30, 100.0);
  const auto band = recent_history(flat);
  ASSERT_TRUE(band.has_value());
  EXPECT_EQ(band->runs, 20U);  // the last 20 runs
  EXPECT_DOUBLE_EQ(band->low, 100);
  EXPECT_DOUBLE_EQ(band->high, 100);
  EXPECT_DOUBLE_EQ(*band->slope, 0);
  std::vector<double> creep;
  for (int i = 0; i < 20; ++i) {
    creep.push_back(100.0 * (1 + 0.01 * i));
  }
  creep.push_back(std::nan(""));  // a run without a value is left out
  const auto rising = recent_history(creep);
  ASSERT_TRUE(rising.has_value());
  EXPECT_EQ(rising->runs, 19U);
  EXPECT_NEAR(*rising->slope, 0.0091, 0.0005);  // 1 per run of a median near 110
  EXPECT_LT(rising->low, rising->median);
  EXPECT_LT(rising->median, rising->high);
}

TEST(History, SeriesKeyOrdersAndNames) {
  HistoryEntry a;
  a.suite = "s";
  a.benchmark = "BM_A";
  a.metric = "real_time";
  a.lane = "wall-time";
  HistoryEntry b = a;
  b.benchmark = "BM_B";
  EXPECT_TRUE(series_key(a) < series_key(b));
  EXPECT_TRUE(series_key(a) == series_key(a));
  EXPECT_EQ(to_string(series_key(a)), "s/BM_A/real_time (wall-time)");
}

}  // namespace
}  // namespace perfgate
