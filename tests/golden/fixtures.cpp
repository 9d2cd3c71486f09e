#include "fixtures.hpp"

#include <limits>
#include <optional>
#include <utility>

namespace perfgate::golden {

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_infinity = std::numeric_limits<double>::infinity();

SampleSummary samples(std::size_t n, double p50, double p95, double p99, double mean) {
  SampleSummary summary;
  summary.n = n;
  summary.min = p50 * 0.97;
  summary.p50 = p50;
  summary.p95 = p95;
  summary.p99 = p99;
  summary.max = p99 * 1.01;
  summary.mean = mean;
  return summary;
}

// A relative decision on a metric with the usual numbers filled in.
Decision relative(std::string benchmark, std::string metric, std::string unit, Direction direction,
                  double baseline, double candidate, double limit, double warn_limit,
                  std::string limit_text, Verdict verdict, std::string note) {
  Decision decision;
  decision.benchmark = std::move(benchmark);
  decision.rule = metric + "-relative";
  decision.metric = std::move(metric);
  decision.kind = RuleKind::relative;
  decision.statistic = Statistic::median;
  decision.verdict = verdict;
  decision.unit = std::move(unit);
  decision.direction = direction;
  decision.baseline = baseline;
  decision.candidate = candidate;
  const double change = (candidate - baseline) / baseline;
  decision.change = change;
  decision.limit = limit;
  decision.warn_limit = warn_limit;
  // Percentage points of change left before the fail limit, in the bad direction.
  decision.headroom = direction == Direction::lower_is_better ? limit - change : limit + change;
  decision.limit_text = std::move(limit_text);
  decision.baseline_samples =
      samples(10, baseline, baseline * 1.04, baseline * 1.06, baseline * 1.01);
  decision.candidate_samples =
      samples(10, candidate, candidate * 1.05, candidate * 1.08, candidate * 1.02);
  decision.note = std::move(note);
  return decision;
}

void count(GateResult& result) {
  for (const Decision& decision : result.decisions) {
    ++result.counts.by_verdict[decision.verdict];
  }
}

GateResult mixed() {
  GateResult result;
  result.policy_name = "default";
  result.baseline_source = "baselines/x86_64-gcc12/bm_fixed_work.json";
  result.candidate_source = "build/perfgate-artifacts/bm_fixed_work & co.json";

  // An errored benchmark: its candidate is NaN, and an infinite sample made the max infinite.
  {
    Decision decision;
    decision.benchmark = "BM_Broken";
    decision.metric = "real_time";
    decision.rule = "real_time-relative";
    decision.verdict = Verdict::error;
    decision.unit = "ns";
    decision.baseline = 812.5;
    decision.candidate = k_nan;
    decision.change = k_nan;
    decision.limit = 0.10;
    decision.warn_limit = 0.05;
    decision.limit_text = "+10%";
    decision.baseline_samples = samples(10, 812.5, 830.0, 841.0, 815.0);
    decision.candidate_samples.n = 10;
    decision.candidate_samples.p50 = k_nan;
    decision.candidate_samples.max = k_infinity;
    decision.candidate_samples.mean = -k_infinity;
    decision.note = "non-finite real_time in the candidate (NaN in 3 of 10 repetitions)";
    result.decisions.push_back(decision);
  }
  result.decisions.push_back(relative(
      "BM_Copy/1024", "bytes_per_second", "B/s", Direction::higher_is_better, 8.1e9, 9.3e9, 0.10,
      0.05, "-10%", Verdict::improved, "bytes_per_second +14.8% better than the baseline"));
  {
    Decision decision = relative("BM_Copy/1024", "real_time", "ns", Direction::lower_is_better,
                                 1234.5, 1250.1, 0.10, 0.05, "+10%", Verdict::pass, "");
    decision.change_low = -0.005;
    decision.change_high = 0.031;
    decision.method = "hl-exact-rank";
    decision.mde = 0.021;
    decision.p_value = 0.93;
    result.decisions.push_back(decision);
  }
  {
    Decision decision;
    decision.benchmark = "BM_Errors";
    decision.metric = "counter:errors";
    decision.rule = "errors-zero";
    decision.kind = RuleKind::zero;
    decision.statistic = Statistic::max;
    decision.verdict = Verdict::fail;
    decision.baseline = 0;
    decision.candidate = 3;
    decision.limit = 0;
    decision.limit_text = "== 0";
    decision.baseline_samples = samples(10, 0, 0, 0, 0);
    decision.candidate_samples = samples(10, 0, 2, 3, 0.6);
    decision.note = "counter:errors must be 0 in every repetition; max is 3";
    result.decisions.push_back(decision);
  }
  {
    Decision decision;
    decision.benchmark = "BM_Gone";
    decision.verdict = Verdict::missing;
    decision.baseline_samples.n = 10;
    decision.note = "in the baseline but not in the results";
    result.decisions.push_back(decision);
  }
  {
    Decision decision;
    decision.benchmark = "BM_Latency/real_time";
    decision.metric = "real_time";
    decision.rule = "p95-slo";
    decision.kind = RuleKind::absolute;
    decision.statistic = Statistic::p95;
    decision.verdict = Verdict::warn;
    decision.unit = "ns";
    decision.baseline = 4.31e8;
    decision.candidate = 4.6e8;
    decision.change = (4.6e8 - 4.31e8) / 4.31e8;
    decision.limit = 5e8;
    decision.warn_limit = 4.5e8;
    decision.headroom = 0.08;
    decision.limit_text = "< 500 ms";
    decision.baseline_samples = samples(20, 4.1e8, 4.31e8, 4.4e8, 4.15e8);
    decision.candidate_samples = samples(20, 4.4e8, 4.6e8, 4.7e8, 4.45e8);
    decision.note = "p95 460 ms is above the warn limit 450 ms (SLO_P95_MS=500)";
    result.decisions.push_back(decision);
  }
  {
    Decision decision;
    decision.benchmark = "BM_MinReps";
    decision.rule = "min-repetitions";
    decision.kind = RuleKind::min_repetitions;
    decision.verdict = Verdict::error;
    decision.candidate = 2;
    decision.limit = 5;
    decision.limit_text = ">= 5 repetitions";
    decision.candidate_samples.n = 2;
    decision.baseline_samples.n = 10;
    decision.note = "2 repetitions, the policy asks for at least 5";
    result.decisions.push_back(decision);
  }
  {
    Decision decision;
    decision.benchmark = "BM_New/8";
    decision.verdict = Verdict::new_benchmark;
    decision.candidate_samples.n = 10;
    decision.note = "not in the baseline; record one with 'perfgate baseline update'";
    result.decisions.push_back(decision);
  }
  {
    Decision decision = relative("BM_Noisy", "cpu_time", "ns", Direction::lower_is_better, 15200,
                                 16100, 0.10, 0.05, "+10%", Verdict::noisy,
                                 "CI [-20.0%, +31.0%] is wider than the limit: cannot gate");
    decision.change_low = -0.20;
    decision.change_high = 0.31;
    decision.method = "hl-normal-rank";
    decision.mde = k_infinity;  // the repetitions cannot reach the gate's level at all
    decision.p_value = 0.41;
    result.decisions.push_back(decision);
  }
  {
    // A name that needs escaping everywhere: | for Markdown, " and , for CSV, < > & for XML.
    Decision decision =
        relative("BM_Parse<std::string, \"a|b\">/8", "real_time", "ns", Direction::lower_is_better,
                 2.0e6, 2.6e6, 0.15, 0.05, "+15%", Verdict::fail,
                 "median real_time +30.0% > +15% (fail);\nsee \"perf|log\" <1>");
    decision.change_low = 0.25;
    decision.change_high = 0.35;
    decision.method = "hl-exact-rank";
    decision.mde = 0.03;
    decision.p_value = 0.00042;
    result.decisions.push_back(decision);
  }
  {
    Decision decision =
        relative("BM_Threads/threads:4", "items_per_second", "items/s", Direction::higher_is_better,
                 1.23e7, 1.15e7, 0.10, 0.05, "-10%", Verdict::warn,
                 "items_per_second -6.5%, beyond the warn limit -5%");
    decision.method = "sequential:hl-run-to-run-t";
    decision.undecided = true;
    result.decisions.push_back(decision);
  }
  result.decisions.push_back(relative("BM_Waived", "real_time", "ns", Direction::lower_is_better,
                                      999.7, 1180.0, 0.10, 0.05, "+10%", Verdict::waived,
                                      "waived until 2031-01-01: known regression (PERF-42)"));
  count(result);
  result.next_repetitions = 20;  // BM_Threads is undecided

  Diagnostic scaling;
  scaling.severity = Severity::warning;
  scaling.file = "build/perfgate-artifacts/bm_fixed_work & co.json";
  scaling.line = 7;
  scaling.pointer = "/context/cpu_scaling_enabled";
  scaling.message = "CPU frequency scaling is enabled; timings may be noisy";
  scaling.hint = "run 'cpupower frequency-set --governor performance'";
  result.notes.push_back(scaling);
  Diagnostic waiver;
  waiver.severity = Severity::note;
  waiver.message = "1 waiver applied (PERF-42, expires 2031-01-01)";
  result.notes.push_back(waiver);
  return result;
}

GateResult all_pass() {
  GateResult result;
  result.policy_name = "smoke";
  result.baseline_source = "baselines/x86_64-gcc12/bm_counters.json";
  result.candidate_source = "build/perfgate-artifacts/bm_counters.json";
  result.decisions.push_back(relative("BM_Hash/64", "cpu_time", "ns", Direction::lower_is_better,
                                      48.25, 47.9, 0.10, 0.05, "+10%", Verdict::pass, ""));
  result.decisions.push_back(relative("BM_Hash/64", "real_time", "ns", Direction::lower_is_better,
                                      48.5, 48.1, 0.10, 0.05, "+10%", Verdict::pass, ""));
  result.decisions.push_back(relative("BM_Sort/1048576", "items_per_second", "items/s",
                                      Direction::higher_is_better, 8.4e7, 8.52e7, 0.10, 0.05,
                                      "-10%", Verdict::pass, ""));
  result.decisions.push_back(relative("BM_Sort/1048576", "real_time", "ns",
                                      Direction::lower_is_better, 1.2483e7, 1.2301e7, 0.10, 0.05,
                                      "+10%", Verdict::pass, ""));
  count(result);
  return result;
}

// Nothing failed, one comparison undecided (the gate exits 4) and one undecided comparison that
// its rule accepts: no report may show a check mark, "passed" or "holds" for either.
GateResult inconclusive() {
  GateResult result;
  result.policy_name = "default";
  result.baseline_source = "baselines/x86_64-gcc12/bm_codec.json";
  result.candidate_source = "build/perfgate-artifacts/bm_codec.json";
  result.family_size = 3;
  result.decisions.push_back(relative("BM_Decode/4096", "real_time", "us",
                                      Direction::lower_is_better, 12.5, 12.6, 0.10, 0.05, "+10%",
                                      Verdict::pass, ""));
  Decision undecided = relative(
      "BM_Encode/4096", "real_time", "us", Direction::lower_is_better, 20.0, 26.0, 0.10, 0.05,
      "+10%", Verdict::noisy,
      "real_time median could not be decided at +10%: the smallest change it can detect is 41.2% "
      "(noise sd 9.8%, 3 + 3 repetitions, 3 comparisons); the estimate changed +30.0% (95% "
      "family-wise CI -12.1% to +92.4%) (likely a regression, not proven). To gate it: about 51 "
      "repetitions per side (--benchmark_repetitions), a wider limit, the paired lane (perfgate "
      "gate --reference), or gate instruction counts (docs/statistics.md)");
  undecided.change_low = -0.121;
  undecided.change_high = 0.924;
  undecided.method = "t-moderated";
  result.decisions.push_back(undecided);
  Decision accepted = relative("BM_Encode/64", "real_time", "us", Direction::lower_is_better, 1.0,
                               1.01, 0.10, 0.05, "+10%", Verdict::noisy,
                               "real_time median could not be decided at +10%; accepted by the "
                               "rule's on_inconclusive \"warn\": not gated");
  accepted.accepted = true;
  result.decisions.push_back(accepted);
  count(result);
  return result;
}

// A gate decided by evaluate() itself on fixed samples (not hand-made decisions): the golden
// files pin the decision step's own notes, intervals and numbers, and golden.locale.evaluated
// runs it under a comma-decimal locale, where not one byte may change.
GateResult evaluated() {
  const auto side = [](const char* source, double slow) {
    RunSet runs;
    runs.source = source;
    const char* names[] = {"BM_Parse/64", "BM_Parse/4096", "BM_Sort/1024", "BM_Sort/65536"};
    for (int b = 0; b < 4; ++b) {
      Benchmark& benchmark = runs.benchmarks.emplace_back();
      benchmark.name = names[b];
      benchmark.family = family_of(benchmark.name);
      std::vector<double> samples;
      for (int r = 0; r < 5; ++r) {
        const double wobble = 1.0 + 0.01 * static_cast<double>((r * 3 + b) % 5 - 2);
        samples.push_back((100.0 + 37.0 * b) * wobble * (b == 2 ? slow : 1.0));
      }
      benchmark.series("real_time").samples = samples;
    }
    return runs;
  };
  return evaluate(side("baselines/x86_64-gcc12/bm_parse.json", 1.0),
                  side("build/perfgate-artifacts/bm_parse.json", 1.3), default_policy());
}

// A failing wall-time gate whose header says everything RunInfo can: the test, commit, lane,
// baseline kind, a confirmation run and two conditions. The candidate lies under the build tree
// (a path root: shown relative to it in Markdown and HTML); the baseline under no root (shown by
// its file name only).
GateResult contended() {
  GateResult result;
  result.run.test = "perf.example.BM_Sort";
  result.run.suite = "example";
  result.run.family = "BM_Sort";
  result.run.commit = "3f2c9e1";
  result.run.lane = "wall-time";
  result.run.baseline_kind = "committed";
  result.run.confirmation = "the confirmation run replicated the fail (real_time +31.2%)";
  result.run.conditions = {
      "measured under contention: load average 3.1 on 2 cores, 14% steal time",
      "real time rose much more than cpu time (+30.0% against +2.1%): likely a busy neighbour"};
  result.policy_name = "default";
  result.baseline_source = "/opt/ci/checkout/baselines/x86_64-amd-epyc-2c-gcc12/example.json";
  result.candidate_source =
      "/home/runner/work/proj/build/perfgate-artifacts/example/BM_Sort/results-1.json";
  result.decisions.push_back(relative("BM_Sort<int>/1024/real_time", "cpu_time", "ns",
                                      Direction::lower_is_better, 5000, 5105, 0.10, 0.05, "+10%",
                                      Verdict::pass, ""));
  result.decisions.push_back(relative("BM_Sort<int>/1024/real_time", "real_time", "ns",
                                      Direction::lower_is_better, 5000, 6500, 0.10, 0.05, "+10%",
                                      Verdict::fail, "median real_time +30.0% > +10% (fail)"));
  // The local store's recent runs: cpu time steady, real time rising.
  result.decisions[0].recent = RecentHistory{20, 4950, 5100, 5010, 0.0001};
  result.decisions[1].recent = RecentHistory{20, 4980, 5600, 5200, 0.012};
  count(result);
  Diagnostic note;
  note.severity = Severity::warning;
  note.file = "/home/runner/work/proj/build/perfgate-artifacts/example/BM_Sort/run.json";
  note.pointer = "/load";
  note.message = "measured under contention";
  result.notes.push_back(note);
  return result;
}

// A baseline record's before/after comparison: regressions and an improvement, all accepted.
GateResult recorded() {
  GateResult result;
  result.run.test = "perf.example.record";
  result.run.suite = "example";
  result.run.commit = "3f2c9e1";
  result.run.lane = "instructions";
  result.run.baseline_kind = "previous baseline";
  result.run.record = true;
  result.policy_name = "default";
  result.baseline_source = "baselines/callgrind-gcc12.2/example.json (before)";
  result.candidate_source = "baselines/callgrind-gcc12.2/example.json (after)";
  result.decisions.push_back(relative("BM_Fnv1a/4096", "instructions", "",
                                      Direction::lower_is_better, 40000, 44000, 0.01, 0.005, "+1%",
                                      Verdict::fail, "median instructions +10.0% > +1% (fail)"));
  result.decisions.push_back(relative("BM_SortInts/1024", "instructions", "",
                                      Direction::lower_is_better, 90000, 81000, 0.01, 0.005, "+1%",
                                      Verdict::improved,
                                      "instructions -10.0% better than the baseline"));
  result.decisions.push_back(relative("BM_SortInts/64", "instructions", "",
                                      Direction::lower_is_better, 3000, 3000, 0.01, 0.005, "+1%",
                                      Verdict::pass, ""));
  count(result);
  return result;
}

GateResult empty() {
  GateResult result;
  result.policy_name = "default";
  result.baseline_source = "baselines/x86_64-gcc12/bm_empty.json";
  result.candidate_source = "build/perfgate-artifacts/bm_empty.json";
  return result;
}

// A waiver as a file would hold it (docs/waivers.md).
WaiverUse waiver_use(std::string benchmark, std::string metric, double max_change_pct,
                     std::string owner, std::string tracking, const char* expires,
                     std::size_t index, WaiverStatus status) {
  Waiver waiver;
  waiver.benchmark = std::move(benchmark);
  waiver.metric = std::move(metric);
  waiver.max_change_pct = max_change_pct;
  waiver.owner = std::move(owner);
  waiver.reason = "new allocator; fix tracked";
  waiver.tracking = std::move(tracking);
  waiver.created = *Date::parse("2026-12-01");
  waiver.expires = *Date::parse(expires);
  waiver.source = "gates/waivers.json";
  waiver.pointer = "/waivers/" + std::to_string(index);
  return WaiverUse{waiver, status};
}

// A gate on 2026-12-20 with a waiver in force, one exceeded, one ready to retire and one expired.
GateResult waived() {
  GateResult result;
  result.policy_name = "default";
  result.baseline_source = "baselines/x86_64-gcc12/bm_sort.json";
  result.candidate_source = "build/perfgate-artifacts/bm_sort.json";
  const WaiverUse in_force = waiver_use("BM_Sort/.*", "real_time", 25, "alice",
                                        "https://tracker.example/PERF-7", "2026-12-31", 0,
                                        WaiverStatus::in_force);
  const WaiverUse exceeded = waiver_use("BM_Hash/64", "cpu_time", 5, "bob <bob@example.com>",
                                        "PERF-8", "2026-12-24", 1, WaiverStatus::exceeded);
  const WaiverUse retire = waiver_use("BM_Hash/64", "real_time", 15, "carol", "PERF-9",
                                      "2026-12-28", 2, WaiverStatus::ready_to_retire);
  const WaiverUse expired = waiver_use("BM_Copy/.*", "real_time", 10, "dave", "PERF-3",
                                       "2026-12-15", 3, WaiverStatus::expired);
  Decision copy = relative("BM_Copy/4096", "real_time", "ns", Direction::lower_is_better, 640,
                           645, 0.10, 0.05, "+10%", Verdict::pass,
                           describe(expired.waiver) + " expired and no longer applies");
  copy.waiver = expired;
  result.decisions.push_back(copy);
  Decision expiry;
  expiry.benchmark = "BM_Copy/.*";
  expiry.verdict = Verdict::fail;
  expiry.waiver = expired;
  expiry.note = describe(expired.waiver) +
                " expired on 2026-12-15 (today is 2026-12-20) and matches 1 decision(s) of this "
                "gate: renew it under review (a new \"created\" and \"expires\") or remove it from "
                "gates/waivers.json";
  result.decisions.push_back(expiry);
  Decision hash_cpu = relative("BM_Hash/64", "cpu_time", "ns", Direction::lower_is_better, 48.25,
                               60.0, 0.10, 0.05, "+10%", Verdict::fail,
                               "cpu_time median changed +24.4%, beyond the fail limit +10%; the "
                               "change +24.4% exceeds the +5.0% that " +
                                   describe(exceeded.waiver) +
                                   " allows: the waiver's limit was exceeded, so it still fails");
  hash_cpu.waiver = exceeded;
  result.decisions.push_back(hash_cpu);
  Decision hash_real = relative("BM_Hash/64", "real_time", "ns", Direction::lower_is_better, 48.5,
                                48.1, 0.10, 0.05, "+10%", Verdict::pass,
                                describe(retire.waiver) +
                                    " is ready to retire: this passes without it");
  hash_real.waiver = retire;
  result.decisions.push_back(hash_real);
  Decision sort = relative("BM_Sort/1048576", "real_time", "ns", Direction::lower_is_better,
                           1.2483e7, 1.4e7, 0.10, 0.05, "+10%", Verdict::waived,
                           "real_time median changed +12.2%, beyond the fail limit +10%; waived: "
                           "the change +12.2% is within the +25.0% that " +
                               describe(in_force.waiver) +
                               " allows; reason: new allocator; fix tracked");
  sort.waiver = in_force;
  result.decisions.push_back(sort);
  result.waivers = {in_force, exceeded, retire, expired};
  Diagnostic note;
  note.severity = Severity::warning;
  note.file = "gates/waivers.json";
  note.pointer = "/waivers/2";
  note.message = describe(retire.waiver) +
                 " is ready to retire: every decision it matches passes without it";
  note.hint = "remove it under review";
  result.notes.push_back(note);
  count(result);
  return result;
}

}  // namespace

std::vector<Case> cases() {
  return {{"mixed", mixed()},
          {"all_pass", all_pass()},
          {"empty", empty()},
          {"inconclusive", inconclusive()},
          {"evaluated", evaluated()},
          {"contended", contended(), {"/home/runner/work/proj/build", "/home/runner/work/proj"}},
          {"recorded", recorded()},
          {"waived", waived()}};
}

}  // namespace perfgate::golden
