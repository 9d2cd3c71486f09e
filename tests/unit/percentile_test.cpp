// Percentile counters and the samples they need (percentile.hpp), the verdict of a percentile rule
// over too few samples (evaluate.hpp), and the policy's "min_tail_samples" (docs/slo.md).
#include <perfgate/evaluate.hpp>
#include <perfgate/parse.hpp>
#include <perfgate/percentile.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perfgate {
namespace {

// ---- Names -------------------------------------------------------------------------------------

TEST(PercentileName, ReadsTheDigitsAsTheQuantilesDecimals) {
  struct Case {
    const char* metric;
    const char* stem;
    const char* label;
    double quantile;
  };
  for (const Case& c : {Case{"counter:latency_p99_ns", "counter:latency", "p99", 0.99},
                        Case{"counter:latency_p50_us", "counter:latency", "p50", 0.50},
                        Case{"counter:latency_p95_ms", "counter:latency", "p95", 0.95},
                        Case{"counter:completion_p99_s", "counter:completion", "p99", 0.99},
                        Case{"counter:first_byte_p999_ns", "counter:first_byte", "p999", 0.999},
                        Case{"counter:served_p5_per_s", "counter:served", "p5", 0.05},
                        Case{"counter:served_p1_per_s", "counter:served", "p1", 0.01},
                        Case{"counter:served_p05_per_s", "counter:served", "p05", 0.05},
                        Case{"counter:x_p90", "counter:x", "p90", 0.90},
                        Case{"counter:a_p_b_p9999_ns", "counter:a_p_b", "p9999", 0.9999}}) {
    const auto p = percentile_name(c.metric);
    ASSERT_TRUE(p.has_value()) << c.metric;
    EXPECT_EQ(p->stem, c.stem) << c.metric;
    EXPECT_EQ(p->label, c.label) << c.metric;
    EXPECT_DOUBLE_EQ(p->quantile(), c.quantile) << c.metric;
  }
  const auto p99 = percentile_name("counter:latency_p99_ns");
  EXPECT_EQ(p99->count_metric(), "counter:latency_count");
  EXPECT_EQ(p99->intervals_metric(), "counter:latency_intervals");
}

TEST(PercentileName, OtherNamesAreNotPercentiles) {
  for (const char* metric :
       {"real_time", "latency_p99_ns", "counter:latency_count", "counter:latency_max_ns",
        "counter:served_min_per_s", "counter:latency_p99_count", "counter:_p99_ns",
        "counter:p99_ns", "counter:x_p0", "counter:x_p00_ns", "counter:x_p100_ns",
        "counter:x_p1000", "counter:x_p_ns", "counter:x_p99x_ns", "counter:x_p1234567890",
        "counter:requests_per_s", "counter:latency_p99_nsx"}) {
    EXPECT_FALSE(percentile_name(metric).has_value()) << metric;
  }
}

TEST(PercentileName, NeedsTheMinimumTailOverTheTailShare) {
  const auto needed = [](const char* metric, int tail = k_default_min_tail_samples) {
    return needed_samples(*percentile_name(metric), tail);
  };
  EXPECT_EQ(needed("counter:l_p50_ns"), 200U);
  EXPECT_EQ(needed("counter:l_p90_ns"), 1000U);
  EXPECT_EQ(needed("counter:l_p95_ns"), 2000U);
  EXPECT_EQ(needed("counter:l_p99_ns"),
            10000U);  // exact: no 10001 from 100 / 0.01 in floating point
  EXPECT_EQ(needed("counter:l_p999_ns"), 100000U);
  EXPECT_EQ(needed("counter:s_p5_per_s"), 2000U);
  EXPECT_EQ(needed("counter:s_p1_per_s"), 10000U);
  EXPECT_EQ(needed("counter:s_p25_per_s"), 400U);
  EXPECT_EQ(needed("counter:l_p99_ns", 10), 1000U);
  EXPECT_EQ(needed("counter:l_p99_ns", 1), 100U);
  EXPECT_EQ(needed("counter:l_p95_ns", 3), 60U);
  EXPECT_EQ(needed("counter:l_p66_ns", 1), 3U);  // 1 / 0.34 = 2.94..., rounded up
}

// ---- Verdicts ----------------------------------------------------------------------------------

// A benchmark with a latency p99 and its count per repetition.
Benchmark latency(std::vector<double> p99_ns, std::vector<double> counts,
                  const std::string& count_name = "counter:latency_count") {
  Benchmark b;
  b.name = "BM_request";
  b.family = "BM_request";
  b.series("counter:latency_p99_ns").samples = std::move(p99_ns);
  if (!counts.empty()) {
    b.series(count_name).samples = std::move(counts);
  }
  return b;
}

RunSet runs(Benchmark benchmark) {
  RunSet r;
  r.source = "r.json";
  r.benchmarks.push_back(std::move(benchmark));
  return r;
}

Policy policy_from(std::string_view text) {
  auto policy = parse_policy(text, "p.json");
  EXPECT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  return policy ? *policy : Policy{};
}

const Policy& p99_ceiling() {
  static const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "rules": [{"id": "p99", "metric": "counter:latency_p99_ns", "statistic": "max",
               "absolute": {"fail": "< 500ms"}}]})");
  return policy;
}

const Decision& only(const GateResult& result) {
  EXPECT_EQ(result.decisions.size(), 1U);
  return result.decisions.front();
}

TEST(TailSamples, AP99OnTwoThousandSamplesIsInconclusiveNotPass) {
  const RunSet cand = runs(latency({200e6, 210e6, 190e6}, {2000, 2100, 2050}));
  const GateResult result = evaluate(cand, cand, p99_ceiling());
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::noisy);
  EXPECT_EQ(d.note,
            "counter:latency_p99_ns max: 2000 samples (counter:latency_count, the fewest of 3 "
            "repetitions) are too few for a p99: it needs 10000 (100 beyond the percentile); "
            "record more or lower min_tail_samples; within the limit on too few samples");
  EXPECT_FALSE(result.passed());
  EXPECT_EQ(status(result), GateStatus::inconclusive);
  EXPECT_EQ(exit_code(result), 4);
}

TEST(TailSamples, OneThinRepetitionIsEnough) {
  const RunSet cand = runs(latency({200e6, 210e6, 190e6}, {20000, 9999, 20000}));
  EXPECT_EQ(only(evaluate(cand, cand, p99_ceiling())).verdict, Verdict::noisy);
}

TEST(TailSamples, EnoughSamplesAreDecidedByTheLimits) {
  const RunSet within = runs(latency({200e6, 210e6, 190e6}, {20000, 21000, 20500}));
  const GateResult pass = evaluate(within, within, p99_ceiling());
  EXPECT_EQ(only(pass).verdict, Verdict::pass);
  EXPECT_EQ(only(pass).note, "");
  EXPECT_EQ(exit_code(pass), 0);

  const RunSet beyond = runs(latency({200e6, 600e6, 190e6}, {20000, 21000, 20500}));
  const GateResult fail = evaluate(beyond, beyond, p99_ceiling());
  EXPECT_EQ(only(fail).verdict, Verdict::fail);
  EXPECT_EQ(exit_code(fail), 1);
}

TEST(TailSamples, ABreachOnTooFewSamplesStillFails) {
  const RunSet beyond = runs(latency({200e6, 600e6, 190e6}, {2000, 2000, 2000}));
  const GateResult result = evaluate(beyond, beyond, p99_ceiling());
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::fail);
  EXPECT_EQ(d.note,
            "counter:latency_p99_ns max breaks the limit < 500 ms; counter:latency_p99_ns max: "
            "2000 samples (counter:latency_count, the fewest of 3 repetitions) are too few for a "
            "p99: it needs 10000 (100 beyond the percentile); record more or lower "
            "min_tail_samples; the estimate breaks the limit all the same: the fail stands");
  EXPECT_EQ(exit_code(result), 1);
}

TEST(TailSamples, AWarningOnTooFewSamplesIsInconclusive) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "rules": [{"metric": "counter:latency_p99_ns", "statistic": "max",
               "absolute": {"fail": "< 500ms", "warn": "< 100ms"}}]})");
  const RunSet cand = runs(latency({200e6}, {50}));
  const GateResult result = evaluate(cand, cand, policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::noisy);
  EXPECT_EQ(d.note,
            "counter:latency_p99_ns max: 50 samples (counter:latency_count) are too few for a "
            "p99: it needs 10000 (100 beyond the percentile); record more or lower "
            "min_tail_samples; counter:latency_p99_ns max is past the warn limit < 100 ms");
}

TEST(TailSamples, WithoutACountSeriesNothingIsKnownAndTheRuleDecidesAsBefore) {
  const RunSet cand = runs(latency({200e6, 210e6, 190e6}, {}));
  EXPECT_EQ(only(evaluate(cand, cand, p99_ceiling())).verdict, Verdict::pass);
}

TEST(TailSamples, AFloorReadsTheIntervalsOfARateRecorder) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "floor",
    "rules": [{"id": "floor", "metric": "counter:served_p5_per_s", "statistic": "min",
               "absolute": {"fail": "> 10"}}]})");
  const auto served = [](double intervals) {
    Benchmark b;
    b.name = "BM_serve";
    b.series("counter:served_p5_per_s").samples = {50, 55, 60};
    b.series("counter:served_intervals").samples = {intervals, intervals, intervals};
    return runs(b);
  };
  const GateResult thin = evaluate(served(300), served(300), policy);
  EXPECT_EQ(only(thin).verdict, Verdict::noisy);
  EXPECT_EQ(only(thin).note,
            "counter:served_p5_per_s min: 300 samples (counter:served_intervals, the fewest of 3 "
            "repetitions) are too few for a p5: it needs 2000 (100 below the percentile); record "
            "more or lower min_tail_samples; within the limit on too few samples");
  EXPECT_EQ(only(evaluate(served(2000), served(2000), policy)).verdict, Verdict::pass);
}

TEST(TailSamples, ARelativeRuleChecksTheBaselineToo) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "rel",
    "rules": [{"id": "p99", "metric": "counter:latency_p99_ns", "statistic": "max",
               "relative": {"fail": "+50%"}}]})");
  const RunSet base = runs(latency({200e6, 200e6, 200e6}, {500, 20000, 20000}));
  const RunSet cand = runs(latency({200e6, 200e6, 200e6}, {20000, 20000, 20000}));
  const GateResult result = evaluate(base, cand, policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::noisy);
  EXPECT_EQ(d.note.substr(0, d.note.find(';')),
            "counter:latency_p99_ns max: the baseline's 500 samples (counter:latency_count, the "
            "fewest of 3 repetitions) are too few for a p99: it needs 10000 (100 beyond the "
            "percentile)");
  // The same thin baseline does not matter to an absolute rule, which reads the candidate only.
  EXPECT_EQ(only(evaluate(base, cand, p99_ceiling())).verdict, Verdict::pass);
}

TEST(TailSamples, MinTailSamplesLowersWhatAPercentileNeeds) {
  const RunSet cand = runs(latency({200e6, 210e6, 190e6}, {2000, 2100, 2050}));
  const Policy per_rule = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "rules": [{"metric": "counter:latency_p99_ns", "statistic": "max", "min_tail_samples": 20,
               "absolute": {"fail": "< 500ms"}}]})");
  EXPECT_EQ(per_rule.rules[0].min_tail_samples, 20);
  EXPECT_EQ(only(evaluate(cand, cand, per_rule)).verdict, Verdict::pass);

  const Policy policy_wide = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "min_tail_samples": 20,
    "rules": [{"metric": "counter:latency_p99_ns", "statistic": "max",
               "absolute": {"fail": "< 500ms"}},
              {"id": "strict", "metric": "counter:latency_p99_ns", "statistic": "max",
               "min_tail_samples": 1000, "absolute": {"fail": "< 500ms"}}]})");
  EXPECT_EQ(policy_wide.min_tail_samples, 20);
  const GateResult result = evaluate(cand, cand, policy_wide);
  ASSERT_EQ(result.decisions.size(), 2U);
  EXPECT_EQ(result.decisions[0].verdict, Verdict::pass);   // 2000 needed, and 2000 the fewest
  EXPECT_EQ(result.decisions[1].verdict, Verdict::noisy);  // 100000 needed
  EXPECT_NE(result.decisions[1].note.find("it needs 100000 (1000 beyond the percentile)"),
            std::string::npos);
}

TEST(TailSamples, OnInconclusiveWarnAcceptsThinSamples) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "rules": [{"metric": "counter:latency_p99_ns", "statistic": "max",
               "on_inconclusive": "warn", "absolute": {"fail": "< 500ms"}}]})");
  const RunSet cand = runs(latency({200e6}, {2000}));
  const GateResult result = evaluate(cand, cand, policy);
  EXPECT_EQ(only(result).verdict, Verdict::noisy);
  EXPECT_TRUE(only(result).accepted);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(TailSamples, AReportOnlyRunWarns) {
  EvaluateOptions options;
  options.report_only = true;
  const RunSet cand = runs(latency({200e6}, {2000}));
  const GateResult result = evaluate(cand, cand, p99_ceiling(), options);
  EXPECT_EQ(only(result).verdict, Verdict::warn);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(TailSamples, AggregatesOnlyUseTheSmallestCentralCount) {
  Benchmark b;
  b.name = "BM_request";
  MetricSeries& p99 = b.series("counter:latency_p99_ns");
  p99.aggregates = {{"mean", 200e6}, {"median", 200e6}};
  b.series("counter:latency_count").aggregates = {{"mean", 3000}, {"median", 2500}};
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "rules": [{"metric": "counter:latency_p99_ns", "absolute": {"fail": "< 500ms"}}]})");
  const RunSet cand = runs(b);
  const GateResult result = evaluate(cand, cand, policy);
  const Decision& d = only(result);
  EXPECT_EQ(d.verdict, Verdict::noisy);
  EXPECT_NE(d.note.find("2500 samples (counter:latency_count, from the library's aggregates)"),
            std::string::npos)
      << d.note;
}

// ---- Policy ------------------------------------------------------------------------------------

std::string errors_of(std::string_view text) {
  const auto policy = parse_policy(text, "gates/p.json");
  EXPECT_FALSE(policy.has_value());
  return policy ? std::string() : format_diagnostics(policy.error());
}

TEST(TailSamples, PolicyErrorsNameTheFileAndThePointer) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
    {"metric": "counter:latency_p99_ns", "min_tail_samples": 0, "absolute": {"fail": "< 1s"}}]})"),
            "gates/p.json: error: /rules/0/min_tail_samples: expected a whole number of samples "
            "beyond the percentile from 1 to 1000000, got number 0\n"
            "  hint: the default is 100: 100 samples beyond a percentile put it within about 20 % "
            "of its tail mass (docs/slo.md)\n");
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "min_tail_samples": "many",
    "rules": [{"metric": "counter:latency_p99_ns", "absolute": {"fail": "< 1s"}}]})"),
            "gates/p.json: error: /min_tail_samples: expected a whole number of samples beyond "
            "the percentile from 1 to 1000000, got string \"many\"\n"
            "  hint: the default is 100: 100 samples beyond a percentile put it within about 20 % "
            "of its tail mass (docs/slo.md)\n");
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
    {"metric": "real_time", "min_tail_samples": 10, "relative": {"fail": "+10%"}}]})"),
            "gates/p.json: error: /rules/0/min_tail_samples: min_tail_samples applies to "
            "percentile counters, and \"real_time\" is not one\n"
            "  hint: a percentile counter is \"counter:<name>_p<digits>\" with an optional unit "
            "suffix, e.g. \"counter:latency_p99_ns\" (docs/slo.md)\n");
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
    {"min_repetitions": 5, "min_tail_samples": 10}]})"),
            "gates/p.json: error: /rules/0/min_tail_samples: min_tail_samples applies to rules "
            "on a percentile counter, not to min_repetitions\n"
            "  hint: set it on the rule that gates the percentile, e.g. "
            "\"counter:latency_p99_ns\"\n");
  EXPECT_NE(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
    {"metric": "counter:latency_p99_ns", "min_tail_sample": 10, "absolute": {"fail": "< 1s"}}]})")
                .find("did you mean \"min_tail_samples\""),
            std::string::npos);
}

TEST(TailSamples, PolicyCheckExplainsWhatAPercentileNeeds) {
  const Policy policy = policy_from(R"({"schema": "perfgate.policy/1", "name": "slo",
    "rules": [{"id": "floor", "metric": "counter:served_p5_per_s", "statistic": "min",
               "min_tail_samples": 50, "absolute": {"fail": "> 10"}}]})");
  EXPECT_EQ(explain(policy.rules[0]),
            "[floor] For every benchmark: the min counter:served_p5_per_s must be > 10, whatever "
            "the baseline says. A p5 needs 1000 samples in every repetition (50 below it): "
            "fewer, as counter:served_count or counter:served_intervals says, is noisy.");
}

}  // namespace
}  // namespace perfgate
