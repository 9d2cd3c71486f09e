#include <perfgate/evaluate.hpp>
#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace perfgate {
namespace {

Benchmark make(const std::string& name, std::vector<double> real_time) {
  Benchmark b;
  b.name = name;
  b.family = family_of(name);
  b.series("real_time").samples = std::move(real_time);
  return b;
}

RunSet runs(std::vector<Benchmark> benchmarks, const std::string& source = "r.json") {
  RunSet r;
  r.source = source;
  r.benchmarks = std::move(benchmarks);
  return r;
}

Policy policy_from(std::string_view text) {
  auto policy = parse_policy(text, "p.json");
  EXPECT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  return policy ? *policy : Policy{};
}

// The default policy with every rule deciding one value per side on the point estimate: the tests
// of limits, directions and benchmark-level verdicts below use single values.
Policy point_policy() {
  Policy policy = default_policy();
  for (Rule& rule : policy.rules) {
    rule.allow_single_values = true;
  }
  return policy;
}

const Decision& only(const GateResult& result) {
  EXPECT_EQ(result.decisions.size(), 1U);
  return result.decisions.front();
}

TEST(Evaluate, SameNumbersPass) {
  const RunSet base = runs({make("BM_a", {100, 101, 99})});
  const GateResult result = evaluate(base, base, default_policy());
  ASSERT_EQ(result.decisions.size(), 1U);  // only real_time exists; other default rules do not apply
  EXPECT_EQ(result.decisions[0].verdict, Verdict::pass);
  EXPECT_NEAR(*result.decisions[0].change, 0.0, 1e-12);
  EXPECT_TRUE(result.passed());
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, ThirtyPercentSlowerFailsAndNamesBenchmarkAndMetric) {
  const GateResult result = evaluate(runs({make("BM_a", {100}), make("BM_b", {50})}),
                                     runs({make("BM_a", {130}), make("BM_b", {50})}),
                                     point_policy());
  ASSERT_EQ(result.decisions.size(), 2U);
  const Decision& a = result.decisions[0];
  EXPECT_EQ(a.benchmark, "BM_a");
  EXPECT_EQ(a.metric, "real_time");
  EXPECT_EQ(a.verdict, Verdict::fail);
  EXPECT_NEAR(*a.change, 0.30, 1e-12);
  EXPECT_NEAR(*a.headroom, 0.10 - 0.30, 1e-12);
  EXPECT_EQ(a.limit_text, "+10%");
  EXPECT_EQ(a.note,
            "real_time median changed +30.0%, beyond the fail limit +10%; one value per side, "
            "decided on the point estimate (the rule's allow_single_values)");
  EXPECT_EQ(result.decisions[1].verdict, Verdict::pass);
  EXPECT_EQ(exit_code(result), 1);
}

TEST(Evaluate, ThirtyPercentFasterIsImproved) {
  const GateResult result =
      evaluate(runs({make("BM_a", {100})}), runs({make("BM_a", {70})}), point_policy());
  EXPECT_EQ(only(result).verdict, Verdict::improved);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, WarnLevelWarnsButPasses) {
  const GateResult result =
      evaluate(runs({make("BM_a", {100})}), runs({make("BM_a", {107})}), point_policy());
  EXPECT_EQ(only(result).verdict, Verdict::warn);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, ThroughputFallingIsWorse) {
  Benchmark base = make("BM_q", {10});
  base.series("items_per_second").samples = {1000};
  Benchmark cand = make("BM_q", {10});
  cand.series("items_per_second").samples = {850};
  const GateResult result = evaluate(runs({base}), runs({cand}), point_policy());
  ASSERT_EQ(result.decisions.size(), 2U);
  EXPECT_EQ(result.decisions[0].metric, "items_per_second");
  EXPECT_EQ(result.decisions[0].verdict, Verdict::fail);
  EXPECT_EQ(result.decisions[0].limit_text, "-10%");
}

TEST(Evaluate, MissingBenchmarkFailsUnlessPolicyAllowsIt) {
  const RunSet base = runs({make("BM_a", {100}), make("BM_gone", {5})});
  const RunSet cand = runs({make("BM_a", {100})});
  const GateResult strict = evaluate(base, cand, point_policy());
  EXPECT_EQ(strict.counts.count(Verdict::missing), 1U);
  EXPECT_EQ(exit_code(strict), 1);

  Policy lenient = point_policy();
  lenient.on_missing = OnMissing::warn;
  const GateResult relaxed = evaluate(base, cand, lenient);
  EXPECT_EQ(relaxed.counts.count(Verdict::missing), 0U);
  EXPECT_EQ(relaxed.counts.count(Verdict::warn), 1U);
  EXPECT_EQ(exit_code(relaxed), 0);
}

TEST(Evaluate, NewBenchmarkIsReportedNotGated) {
  const GateResult result = evaluate(runs({make("BM_a", {100})}),
                                     runs({make("BM_a", {100}), make("BM_new", {1})}),
                                     point_policy());
  EXPECT_EQ(result.counts.count(Verdict::new_benchmark), 1U);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, ErroredRunIsAnErrorOnEitherSide) {
  Benchmark errored = make("BM_a", {});
  errored.errored = true;
  errored.error_message = "connection refused";
  const RunSet good = runs({make("BM_a", {100})});
  const RunSet bad = runs({errored});
  for (const auto& [base, cand] : {std::pair{&good, &bad}, std::pair{&bad, &good}}) {
    const GateResult result = evaluate(*base, *cand, default_policy());
    EXPECT_EQ(result.counts.count(Verdict::error), 1U);
    EXPECT_EQ(exit_code(result), 3);
  }
  const GateResult both = evaluate(bad, bad, default_policy());
  EXPECT_EQ(exit_code(both), 3);
  EXPECT_NE(both.decisions[0].note.find("connection refused"), std::string::npos);
}

TEST(Evaluate, NonFiniteGatedValueIsAFindingNotZeroChange) {
  Benchmark base = make("BM_a", {10});
  base.series("counter:ratio").samples = {1.0};
  Benchmark cand = make("BM_a", {10});
  cand.series("counter:ratio").samples = {std::numeric_limits<double>::quiet_NaN()};
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "counter:ratio", "relative": {"fail": "+10%"}}]})");
  const GateResult result = evaluate(runs({base}), runs({cand}), policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::error);
  EXPECT_FALSE(d.change.has_value());
  EXPECT_EQ(d.note, "non-finite counter:ratio in the candidate (1 of 1 samples)");
}

TEST(Evaluate, AbsoluteLimitWithEnvironmentOverride) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"id": "slo", "metric": "real_time", "statistic": "p95",
       "absolute": {"fail": "< 500ms", "env_fail": "P95_MS"}}]})");
  const RunSet cand = runs({make("BM_a", {400e6, 410e6, 420e6})});
  EXPECT_EQ(only(evaluate(cand, cand, policy)).verdict, Verdict::pass);

  EvaluateOptions tighter;
  tighter.environment["P95_MS"] = "300";  // bare number: the unit the policy wrote (ms)
  const GateResult result = evaluate(cand, cand, policy, tighter);
  EXPECT_EQ(only(result).verdict, Verdict::fail);
  EXPECT_EQ(only(result).limit_text, "< 300 ms ($P95_MS)");

  EvaluateOptions broken;
  broken.environment["P95_MS"] = "fast";
  EXPECT_EQ(only(evaluate(cand, cand, policy, broken)).verdict, Verdict::error);
}

TEST(Evaluate, ZeroOnlyCounter) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "counter:errors", "zero": true}]})");
  Benchmark clean = make("BM_a", {1});
  clean.series("counter:errors").samples = {0, 0, 0};
  Benchmark dirty = make("BM_a", {1});
  dirty.series("counter:errors").samples = {0, 2, 0};
  EXPECT_EQ(only(evaluate(runs({clean}), runs({clean}), policy)).verdict, Verdict::pass);
  const GateResult result = evaluate(runs({clean}), runs({dirty}), policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::fail);
  EXPECT_EQ(d.note, "counter:errors must be 0 but was non-zero in 1 of 3 samples");
}

TEST(Evaluate, TooFewRepetitionsIsInconclusive) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"min_repetitions": 5}]})");
  const RunSet three = runs({make("BM_a", {1, 2, 3})});
  const GateResult result = evaluate(three, three, policy);
  EXPECT_EQ(only(result).verdict, Verdict::noisy);
  EXPECT_EQ(status(result), GateStatus::inconclusive);
  EXPECT_EQ(exit_code(result), 4);
}

TEST(Evaluate, SingleWallTimeValuesAreInconclusiveUnlessTheRuleAllowsThem) {
  const RunSet base = runs({make("BM_a", {100}), make("BM_b", {50})});
  const RunSet cand = runs({make("BM_a", {130}), make("BM_b", {50})});
  const GateResult refused = evaluate(base, cand, default_policy());
  ASSERT_EQ(refused.decisions.size(), 2U);
  for (const Decision& d : refused.decisions) {
    EXPECT_EQ(d.verdict, Verdict::noisy) << d.benchmark;
    EXPECT_NE(d.note.find("one value per side says nothing about the noise"), std::string::npos)
        << d.note;
    EXPECT_NE(d.note.find("about 5 repetitions per side"), std::string::npos) << d.note;
  }
  EXPECT_EQ(exit_code(refused), 4);
  EXPECT_EQ(exit_code(evaluate(base, cand, point_policy())), 1);
}

TEST(Evaluate, AReportOnlyRunDecidesSingleValuesOnThePointEstimate) {
  // Smoke: one short repetition says what looks slower; it gates nothing (--warn-only).
  EvaluateOptions smoke;
  smoke.report_only = true;
  const GateResult result = evaluate(runs({make("BM_a", {100})}), runs({make("BM_a", {300})}),
                                     default_policy(), smoke);
  EXPECT_EQ(only(result).verdict, Verdict::fail);
  EXPECT_NE(only(result).note.find("report only: not gated"), std::string::npos)
      << only(result).note;
}

TEST(Evaluate, OnInconclusiveWarnAcceptsButNamesTheUndecided) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "real_time", "relative": {"fail": "+10%"}, "on_inconclusive": "warn"}]})");
  const RunSet base = runs({make("BM_a", {100})});
  const GateResult result = evaluate(base, base, policy);
  EXPECT_EQ(only(result).verdict, Verdict::noisy);
  EXPECT_TRUE(only(result).accepted);
  EXPECT_EQ(result.accepted_inconclusive(), 1U);
  EXPECT_EQ(result.inconclusive(), 0U);
  EXPECT_EQ(exit_code(result), 0);
  EXPECT_NE(only(result).note.find("accepted by the rule's on_inconclusive"), std::string::npos);
}

TEST(Evaluate, AGateThatComparedNothingIsNeverAPass) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n",
      "on_missing": "warn", "rules": [{"metric": "real_time", "relative": {"fail": "+10%"}}]})");
  const GateResult result =
      evaluate(runs({make("BM_a", {100, 101})}), runs({make("BM_b", {100, 101})}), policy);
  EXPECT_NE(exit_code(result), 0);
  EXPECT_FALSE(result.passed());
}

TEST(Evaluate, ThreadCountChangeIsNotComparable) {
  Benchmark two = make("BM_a/threads:2", {100});
  two.threads = 2;
  Benchmark four = two;
  four.threads = 4;
  const GateResult result = evaluate(runs({two}), runs({four}), default_policy());
  EXPECT_EQ(only(result).verdict, Verdict::error);
  EXPECT_EQ(only(result).note,
            "thread count changed from 2 to 4: the numbers are not comparable");
}

TEST(Evaluate, RulesSelectBenchmarksByWholeName) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"benchmarks": "BM_hot.*", "metric": "real_time", "relative": {"fail": "+1%"},
       "allow_single_values": true}]})");
  const GateResult result = evaluate(runs({make("BM_hot/1", {100}), make("BM_cold", {100})}),
                                     runs({make("BM_hot/1", {102}), make("BM_cold", {200})}),
                                     policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.benchmark, "BM_hot/1");
  EXPECT_EQ(d.verdict, Verdict::fail);
}

TEST(Evaluate, OrdersDecisionsByBenchmarkMetricRule) {
  const RunSet base = runs({make("BM_z", {1}), make("BM_a", {1})});
  const GateResult result = evaluate(base, base, default_policy());
  ASSERT_EQ(result.decisions.size(), 2U);
  EXPECT_EQ(result.decisions[0].benchmark, "BM_a");
  EXPECT_EQ(result.decisions[1].benchmark, "BM_z");
}

TEST(Evaluate, SummarizesSamplesWithInterpolatedPercentiles) {
  const SampleSummary s = summarize({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(s.n, 10U);
  EXPECT_DOUBLE_EQ(*s.p50, 5.5);
  EXPECT_DOUBLE_EQ(*s.p95, 9.55);
  EXPECT_DOUBLE_EQ(*s.mean, 5.5);
  EXPECT_FALSE(summarize({}).p50.has_value());
}


// ---- relative rules decided by statistics (docs/statistics.md) --------------------------------

// Deterministic, slightly irregular samples around `center` (relative steps of `step`).
std::vector<double> around(double center, std::size_t n, double step) {
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    const double k = static_cast<double>((i * 7) % n) - static_cast<double>(n) / 2.0;
    out.push_back(center * (1.0 + step * k));
  }
  return out;
}

Benchmark grouped(const std::string& name, const std::vector<std::vector<double>>& runs) {
  Benchmark b = make(name, {});
  MetricSeries& series = b.series("real_time");
  for (std::size_t run = 0; run < runs.size(); ++run) {
    series.samples.insert(series.samples.end(), runs[run].begin(), runs[run].end());
    series.groups.insert(series.groups.end(), runs[run].size(), static_cast<int>(run));
  }
  return b;
}

TEST(EvaluateStatistics, ClearRegressionFailsWithIntervalPValueAndMde) {
  const GateResult result = evaluate(runs({make("BM_a", around(100, 10, 0.002))}),
                                     runs({make("BM_a", around(130, 10, 0.002))}),
                                     default_policy());
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::fail);
  EXPECT_EQ(d.method, "t-screened");
  EXPECT_NEAR(*d.change, 0.30, 1e-3);
  ASSERT_TRUE(d.change_low && d.change_high && d.p_value && d.mde);
  EXPECT_LE(*d.change_low, 0.30);
  EXPECT_GE(*d.change_high, 0.30);
  EXPECT_LT(*d.p_value, 0.05);
  EXPECT_LT(*d.mde, 0.10);
  EXPECT_NE(d.note.find("shown to exceed the fail limit +10%"), std::string::npos) << d.note;
}

TEST(EvaluateStatistics, RunToRunNoiseOfTheBaselineKeepsAnOffsetFromFailing) {
  // Four baseline runs at -8%, +9%, 0%, +4%, tight inside each run; the candidate run is 12%
  // above the first baseline run: inside what separate runs do, so not a proven regression.
  std::vector<std::vector<double>> base_runs;
  for (const double offset : {0.92, 1.09, 1.00, 1.04}) {
    base_runs.push_back(around(100 * offset, 10, 0.001));
  }
  const GateResult result = evaluate(runs({grouped("BM_a", base_runs)}),
                                     runs({make("BM_a", around(103, 10, 0.001))}),
                                     default_policy());
  const Decision& d = only(result);
  EXPECT_EQ(d.method, "hl-run-to-run-t");
  EXPECT_NE(d.verdict, Verdict::fail);
  // All repetitions treated as one run would have claimed a proven change.
  EXPECT_GT(*d.change_high - *d.change_low, 0.05);
}

TEST(EvaluateStatistics, NoiseAboveTheMarginIsNoisyWithAdvice) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "real_time", "relative": {"fail": "+2%"}}]})");
  const GateResult result = evaluate(runs({make("BM_a", around(100, 5, 0.08))}),
                                     runs({make("BM_a", around(101, 5, 0.08))}), policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::noisy);
  ASSERT_TRUE(d.mde.has_value());
  EXPECT_GT(*d.mde, 0.02);
  EXPECT_NE(d.note.find("could not be decided at +2%"), std::string::npos) << d.note;
  EXPECT_NE(d.note.find("repetitions per side"), std::string::npos) << d.note;
  EXPECT_NE(d.note.find("--reference"), std::string::npos) << d.note;
  EXPECT_EQ(exit_code(result), 4);  // never a silent pass: inconclusive
  EXPECT_EQ(result.counts.count(Verdict::noisy), 1U);
}

TEST(EvaluateStatistics, TwoRepetitionsAreDecidedByTheTTest) {
  const GateResult result = evaluate(runs({make("BM_a", {100, 101})}),
                                     runs({make("BM_a", {130, 131})}), default_policy());
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::fail);
  EXPECT_EQ(d.method, "t-screened");
}

TEST(EvaluateStatistics, AWholeIntervalBeyondTheLimitAlwaysFails) {
  // Six benchmarks, five repetitions, one 30% slower: the interval the report prints lies beyond
  // +10%, so the verdict is fail whatever else the gate holds.
  std::vector<Benchmark> base;
  std::vector<Benchmark> cand;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "BM_" + std::to_string(i);
    base.push_back(make(name, around(100 + i, 5, 0.01)));
    cand.push_back(make(name, around((100 + i) * (i == 2 ? 1.3 : 1.0), 5, 0.01)));
  }
  const GateResult result = evaluate(runs(base), runs(cand), default_policy());
  for (const Decision& d : result.decisions) {
    ASSERT_TRUE(d.change_low.has_value()) << d.benchmark;
    if (*d.change_low > 0.10) {
      EXPECT_EQ(d.verdict, Verdict::fail) << d.benchmark << ": " << d.note;
    }
  }
  EXPECT_EQ(result.decisions[2].verdict, Verdict::fail) << result.decisions[2].note;
  EXPECT_EQ(exit_code(result), 1);
}

TEST(EvaluateStatistics, DeterministicSamplesAreDecidedExactly) {
  const GateResult result = evaluate(runs({make("BM_a", {100, 100, 100})}),
                                     runs({make("BM_a", {111, 111, 111})}), default_policy());
  EXPECT_EQ(only(result).verdict, Verdict::fail);
  EXPECT_EQ(only(result).method, "exact");
}

TEST(EvaluateStatistics, HolmAdjustsOverEveryComparisonOfTheGate) {
  const std::vector<double> base = around(100, 5, 0.004);
  const std::vector<double> slow = around(118, 5, 0.004);
  const GateResult alone =
      evaluate(runs({make("BM_a", base)}), runs({make("BM_a", slow)}), default_policy());
  std::vector<Benchmark> many_base = {make("BM_a", base)};
  std::vector<Benchmark> many_cand = {make("BM_a", slow)};
  for (int i = 0; i < 40; ++i) {
    many_base.push_back(make("BM_z" + std::to_string(i), base));
    many_cand.push_back(make("BM_z" + std::to_string(i), base));
  }
  const GateResult crowd = evaluate(runs(many_base), runs(many_cand), default_policy());
  EXPECT_EQ(only(alone).verdict, Verdict::fail);
  const Decision& a = crowd.decisions.front();
  ASSERT_EQ(a.benchmark, "BM_a");
  // Holm makes the level stricter, the forty other comparisons lend their noise estimate: 5 vs 5
  // repetitions still prove the regression (a rank test of 5 vs 5 could not reach alpha/41).
  EXPECT_EQ(a.verdict, Verdict::fail) << a.note;
  EXPECT_EQ(a.method, "t-moderated");
  EXPECT_NE(a.note.find("adjusted over 41 comparisons"), std::string::npos) << a.note;
}

TEST(EvaluateStatistics, DerivedRatesAreNotSeparateFamilyMembers) {
  // items_per_second = items / cpu_time in every repetition: the same measurement seen the other
  // way up, so the gate has two members (real_time, cpu_time), not three.
  Benchmark b = make("BM_a", around(100, 5, 0.01));
  b.series("cpu_time").samples = around(99, 5, 0.012);
  for (const double t : b.series("cpu_time").samples) {
    b.series("items_per_second").samples.push_back(4096.0 / (t * 1e-9));
  }
  const GateResult result = evaluate(runs({b}), runs({b}), default_policy());
  ASSERT_EQ(result.decisions.size(), 3U);
  for (const Decision& d : result.decisions) {
    EXPECT_EQ(d.verdict, Verdict::pass) << d.metric << ": " << d.note;
  }
  EXPECT_EQ(result.family_size, 2U);
  Benchmark independent = b;  // a rate that is not items / time is a member of its own
  independent.series("items_per_second").samples = around(4.0e10, 5, 0.02);
  EXPECT_EQ(evaluate(runs({independent}), runs({independent}), default_policy()).family_size, 3U);
}

TEST(EvaluateStatistics, LikelyRegressionNotProvenIsInconclusive) {
  // +12% against a +10% limit with moderate noise: the estimate is beyond, the evidence is not.
  const GateResult result = evaluate(runs({make("BM_a", around(100, 12, 0.015))}),
                                     runs({make("BM_a", around(112, 12, 0.015))}),
                                     default_policy());
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::noisy);
  EXPECT_NE(d.note.find("beyond +10% but not proven"), std::string::npos) << d.note;
  EXPECT_EQ(exit_code(result), 4);  // never a silent pass
}

TEST(EvaluateStatistics, PairedLaneDecidesSameJobSamplesWithStudentT) {
  EvaluateOptions options;
  options.paired = true;
  const GateResult slow = evaluate(runs({make("BM_a", around(100, 10, 0.004))}),
                                   runs({make("BM_a", around(125, 10, 0.004))}),
                                   default_policy(), options);
  EXPECT_EQ(only(slow).method, "paired:t-screened");
  EXPECT_EQ(only(slow).verdict, Verdict::fail);
  const GateResult same = evaluate(runs({make("BM_a", around(100, 10, 0.004))}),
                                   runs({make("BM_a", around(100, 10, 0.004))}),
                                   default_policy(), options);
  EXPECT_EQ(only(same).verdict, Verdict::pass);
  EXPECT_EQ(only(same).method, "paired:t-screened");
}

TEST(EvaluateStatistics, SequentialLooksContinueThenDecide) {
  EvaluateOptions options;
  options.paired = true;
  options.sequential_max = 20;
  const GateResult early = evaluate(runs({make("BM_a", around(100, 4, 0.002))}),
                                    runs({make("BM_a", around(130, 4, 0.002))}),
                                    default_policy(), options);
  EXPECT_TRUE(only(early).undecided);
  EXPECT_EQ(early.next_repetitions, 5U);
  EXPECT_EQ(only(early).method, "paired:sequential:hl-exact-rank");
  const GateResult late = evaluate(runs({make("BM_a", around(100, 20, 0.002))}),
                                   runs({make("BM_a", around(130, 20, 0.002))}),
                                   default_policy(), options);
  EXPECT_FALSE(only(late).undecided);
  EXPECT_EQ(late.next_repetitions, 0U);
  EXPECT_EQ(only(late).verdict, Verdict::fail);
  const GateResult same = evaluate(runs({make("BM_a", around(100, 5, 0.002))}),
                                   runs({make("BM_a", around(100, 5, 0.002))}),
                                   default_policy(), options);
  EXPECT_FALSE(only(same).undecided);  // passes early: the upper bound is inside the margin
  EXPECT_EQ(only(same).verdict, Verdict::pass);
  // 4 vs 4 repetitions could never fail alone, yet an early pass is a decision of the whole
  // design up to the cap: a pass, not "noisy".
  std::vector<Benchmark> four_base;
  std::vector<Benchmark> four_cand;
  for (int i = 0; i < 4; ++i) {
    four_base.push_back(make("BM_" + std::to_string(i), around(100, 4, 0.002)));
    four_cand.push_back(make("BM_" + std::to_string(i), around(100, 4, 0.002)));
  }
  const GateResult early_pass = evaluate(runs(four_base), runs(four_cand), default_policy(), options);
  for (const Decision& d : early_pass.decisions) {
    EXPECT_EQ(d.verdict, Verdict::pass) << d.note;
    EXPECT_NE(d.note.find("adaptive design stopped early"), std::string::npos) << d.note;
  }
  EXPECT_EQ(early_pass.next_repetitions, 0U);
}
}  // namespace
}  // namespace perfgate

namespace perfgate {
namespace {

TEST(Evaluate, APolicyThatGatesNothingIsAnError) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "counter:absent", "zero": true}]})");
  const RunSet both = runs({make("BM_a", {1, 2, 3})});
  const GateResult result = evaluate(both, both, policy);
  ASSERT_EQ(result.decisions.size(), 1U);
  EXPECT_EQ(result.decisions[0].verdict, Verdict::error);
  EXPECT_EQ(result.decisions[0].note,
            "the policy \"n\" gated nothing: none of its rules applies to any metric of the 1 "
            "benchmark(s) present on both sides; check the rules' \"benchmarks\" patterns and "
            "metric names");
  EXPECT_EQ(exit_code(result), 3);
}

TEST(Evaluate, UngatedBenchmarksAreSaid) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"benchmarks": "BM_hot", "metric": "real_time", "relative": {"fail": "+10%"},
       "allow_single_values": true}]})");
  const RunSet both = runs({make("BM_hot", {1}), make("BM_cold", {1})});
  const GateResult result = evaluate(both, both, policy);
  ASSERT_EQ(result.notes.size(), 1U);
  EXPECT_EQ(result.notes[0].message,
            "1 benchmark(s) matched no rule of policy \"n\" and are not gated: BM_cold");
  EXPECT_EQ(exit_code(result), 0);
}

}  // namespace
}  // namespace perfgate
