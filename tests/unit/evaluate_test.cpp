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

const Decision& only(const GateResult& result) {
  EXPECT_EQ(result.decisions.size(), 1U);
  return result.decisions.front();
}

TEST(Evaluate, SameNumbersPass) {
  const RunSet base = runs({make("BM_a", {100, 101, 99})});
  const GateResult result = evaluate(base, base, default_policy());
  ASSERT_EQ(result.decisions.size(), 1U);  // only real_time exists; other default rules do not apply
  EXPECT_EQ(result.decisions[0].verdict, Verdict::pass);
  EXPECT_DOUBLE_EQ(*result.decisions[0].change, 0.0);
  EXPECT_TRUE(result.passed());
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, ThirtyPercentSlowerFailsAndNamesBenchmarkAndMetric) {
  const GateResult result = evaluate(runs({make("BM_a", {100}), make("BM_b", {50})}),
                                     runs({make("BM_a", {130}), make("BM_b", {50})}),
                                     default_policy());
  ASSERT_EQ(result.decisions.size(), 2U);
  const Decision& a = result.decisions[0];
  EXPECT_EQ(a.benchmark, "BM_a");
  EXPECT_EQ(a.metric, "real_time");
  EXPECT_EQ(a.verdict, Verdict::fail);
  EXPECT_NEAR(*a.change, 0.30, 1e-12);
  EXPECT_NEAR(*a.headroom, 0.10 - 0.30, 1e-12);
  EXPECT_EQ(a.limit_text, "+10%");
  EXPECT_EQ(a.note, "real_time median changed +30.0%, beyond the fail limit +10%");
  EXPECT_EQ(result.decisions[1].verdict, Verdict::pass);
  EXPECT_EQ(exit_code(result), 1);
}

TEST(Evaluate, ThirtyPercentFasterIsImproved) {
  const GateResult result =
      evaluate(runs({make("BM_a", {100})}), runs({make("BM_a", {70})}), default_policy());
  EXPECT_EQ(only(result).verdict, Verdict::improved);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, WarnLevelWarnsButPasses) {
  const GateResult result =
      evaluate(runs({make("BM_a", {100})}), runs({make("BM_a", {107})}), default_policy());
  EXPECT_EQ(only(result).verdict, Verdict::warn);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(Evaluate, ThroughputFallingIsWorse) {
  Benchmark base = make("BM_q", {10});
  base.series("items_per_second").samples = {1000};
  Benchmark cand = make("BM_q", {10});
  cand.series("items_per_second").samples = {850};
  const GateResult result = evaluate(runs({base}), runs({cand}), default_policy());
  ASSERT_EQ(result.decisions.size(), 2U);
  EXPECT_EQ(result.decisions[0].metric, "items_per_second");
  EXPECT_EQ(result.decisions[0].verdict, Verdict::fail);
  EXPECT_EQ(result.decisions[0].limit_text, "-10%");
}

TEST(Evaluate, MissingBenchmarkFailsUnlessPolicyAllowsIt) {
  const RunSet base = runs({make("BM_a", {100}), make("BM_gone", {5})});
  const RunSet cand = runs({make("BM_a", {100})});
  const GateResult strict = evaluate(base, cand, default_policy());
  EXPECT_EQ(strict.counts.count(Verdict::missing), 1U);
  EXPECT_EQ(exit_code(strict), 1);

  Policy lenient = default_policy();
  lenient.on_missing = OnMissing::warn;
  const GateResult relaxed = evaluate(base, cand, lenient);
  EXPECT_EQ(relaxed.counts.count(Verdict::missing), 0U);
  EXPECT_EQ(relaxed.counts.count(Verdict::warn), 1U);
  EXPECT_EQ(exit_code(relaxed), 0);
}

TEST(Evaluate, NewBenchmarkIsReportedNotGated) {
  const GateResult result = evaluate(runs({make("BM_a", {100})}),
                                     runs({make("BM_a", {100}), make("BM_new", {1})}),
                                     default_policy());
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

TEST(Evaluate, TooFewRepetitionsIsAnError) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"min_repetitions": 5}]})");
  const RunSet three = runs({make("BM_a", {1, 2, 3})});
  const GateResult result = evaluate(three, three, policy);
  EXPECT_EQ(only(result).verdict, Verdict::error);
  EXPECT_EQ(exit_code(result), 3);
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
      {"benchmarks": "BM_hot.*", "metric": "real_time", "relative": {"fail": "+1%"}}]})");
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

}  // namespace
}  // namespace perfgate
