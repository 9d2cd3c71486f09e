#include "trend_fixture.hpp"

#include <string>
#include <vector>

namespace perfgate::golden {

namespace {

// `values.size()` runs of one series, a day apart; verdicts from `verdicts` (default pass).
TrendSeries series(const std::string& benchmark, const std::string& metric,
                   const std::vector<double>& values, const std::string& rule_kind,
                   double limit, std::vector<std::string> verdicts = {}) {
  TrendSeries out;
  out.key = SeriesKey{"example", benchmark, metric, metric == "real_time" ? "time" : "throughput",
                      "wall-time", "x86_64-4c"};
  for (std::size_t index = 0; index < values.size(); ++index) {
    HistoryEntry run;
    const std::string day = (index + 1 < 10 ? "0" : "") + std::to_string(index + 1);
    run.started_at = "2026-11-" + day + "T02:00:00Z";
    run.test = "perf.example." + benchmark;
    run.run_id = run.test + "@" + run.started_at;
    run.commit = "0123456789abcdef" + std::to_string(index);
    run.suite = out.key.suite;
    run.benchmark = benchmark;
    run.metric = metric;
    run.rule = out.key.rule;
    run.lane = out.key.lane;
    run.runner_class = out.key.runner_class;
    run.unit = metric == "real_time" ? "ns" : "items/s";
    run.direction = metric == "real_time" ? "lower_is_better" : "higher_is_better";
    run.statistic = "median";
    run.samples = 10;
    run.value = values[index];
    run.rule_kind = rule_kind;
    run.limit = limit;
    if (rule_kind == "relative") {
      run.baseline = values.front();
      run.warn_limit = limit / 2;
      run.limit_text = (metric == "real_time" ? "+" : "-") + std::to_string(int(limit * 100)) + "%";
    } else {
      run.limit_text = "< 1.3 us";
    }
    run.verdict = index < verdicts.size() ? verdicts[index] : "pass";
    out.runs.push_back(run);
  }
  return out;
}

TrendFinding finding(const TrendSeries& of, std::size_t index, double change, bool regression,
                     bool persistent, const std::string& note) {
  TrendFinding out;
  out.index = index;
  out.last = index;
  out.change = change;
  out.p = 1e-5;
  out.regression = regression;
  out.persistent = persistent;
  out.run_id = of.runs[index].run_id;
  out.commit = of.runs[index].commit;
  out.note = note;
  return out;
}

}  // namespace

TrendResult trend_fixture() {
  TrendResult result;
  // BM_Copy: a quiet series.
  result.series.push_back(series("BM_Copy", "real_time",
                                 {500, 502, 499, 501, 500, 498, 503, 500, 501, 499, 500, 502},
                                 "relative", 0.10));
  // BM_Hash/1024: items/s dropped by 20% at run 8, persistent.
  TrendSeries hash = series("BM_Hash/1024", "items_per_second",
                            {1e9, 1.01e9, 0.99e9, 1e9, 1.02e9, 0.98e9, 1e9, 0.8e9, 0.79e9, 0.81e9,
                             0.8e9, 0.8e9},
                            "relative", 0.10,
                            {"pass", "pass", "pass", "pass", "pass", "pass", "pass", "fail", "fail",
                             "fail", "fail", "fail"});
  hash.changes.change_points.push_back(ChangePoint{7, 1e9, 0.8e9, -0.2, 1e-6});
  hash.findings.push_back(finding(hash, 7, -0.2, true, true,
                                  "-20.0% in the bad direction, beyond the fail limit -10%"));
  result.series.push_back(hash);
  // BM_Parse<json>: an absolute limit, a step beyond it two runs ago (not yet persistent).
  TrendSeries parse = series("BM_Parse<json>", "real_time",
                             {1100, 1110, 1090, 1105, 1100, 1095, 1102, 1098, 1101, 1400, 1410},
                             "absolute", 1300,
                             {"pass", "pass", "pass", "pass", "pass", "pass", "pass", "pass",
                              "pass", "fail", "fail"});
  parse.changes.change_points.push_back(ChangePoint{9, 1100, 1405, 0.277, 1e-4});
  parse.findings.push_back(finding(parse, 9, 0.277, true, false,
                                   "+27.7% in the bad direction; the level after it (1.41 us) is "
                                   "beyond the fail limit < 1.3 us"));
  result.series.push_back(parse);
  // BM_Sort/1024: an improvement and a creep within the limit.
  TrendSeries sort = series("BM_Sort/1024", "real_time",
                            {800, 805, 798, 802, 600, 601, 606, 610, 615, 619, 624, 628, 633, 637},
                            "relative", 0.15,
                            {"pass", "pass", "pass", "pass", "improved", "improved", "improved",
                             "pass", "pass", "pass", "pass", "warn", "warn", "warn"});
  sort.changes.change_points.push_back(ChangePoint{4, 801.25, 620, -0.226, 1e-5});
  sort.changes.creeps.push_back(Creep{5, 13, 0.0075, 0.06, 1e-4});
  sort.findings.push_back(finding(sort, 4, -0.226, false, true, "-22.6%: in the good direction"));
  TrendFinding creep = finding(sort, 5, 0.06, false, true,
                               "creep over 9 runs: +6.0% in the bad direction, within the fail "
                               "limit +15%");
  creep.kind = TrendFinding::Kind::creep;
  creep.last = 13;
  sort.findings.push_back(creep);
  result.series.push_back(sort);
  return result;
}

}  // namespace perfgate::golden
