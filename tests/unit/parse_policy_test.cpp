#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace perfgate {
namespace {

std::string errors_of(std::string_view text) {
  const auto policy = parse_policy(text, "gates/p.json");
  EXPECT_FALSE(policy.has_value());
  return policy ? std::string() : format_diagnostics(policy.error());
}

TEST(ParsePolicy, ReadsEveryRuleKind) {
  const auto policy = parse_policy(R"({
    "schema": "perfgate.policy/1", "name": "freeze", "on_missing": "warn", "on_new": "fail",
    "rules": [
      {"id": "p95", "benchmarks": "BM_route.*", "metric": "real_time", "statistic": "p95",
       "relative": {"fail": "+15%", "warn": "+5%"}},
      {"metric": "items_per_second", "relative": {"fail": "-10%"}},
      {"id": "slo", "metric": "real_time", "statistic": "p95",
       "absolute": {"fail": "< 500ms", "warn": "<= 400 ms", "env_fail": "P95_MS"}},
      {"metric": "counter:errors", "zero": true},
      {"min_repetitions": 5}
    ]})",
                                   "gates/p.json");
  ASSERT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  EXPECT_EQ(policy->on_missing, OnMissing::warn);
  EXPECT_EQ(policy->on_new, OnNew::fail);
  ASSERT_EQ(policy->rules.size(), 5U);

  const Rule& p95 = policy->rules[0];
  EXPECT_EQ(p95.kind, RuleKind::relative);
  EXPECT_EQ(p95.statistic, Statistic::p95);
  EXPECT_EQ(p95.direction, Direction::lower_is_better);
  EXPECT_DOUBLE_EQ(*p95.relative.fail, 0.15);
  EXPECT_DOUBLE_EQ(*p95.relative.warn, 0.05);

  const Rule& throughput = policy->rules[1];
  EXPECT_EQ(throughput.id, "items_per_second-median");
  EXPECT_EQ(throughput.direction, Direction::higher_is_better);
  EXPECT_DOUBLE_EQ(*throughput.relative.fail, 0.10);

  const Rule& slo = policy->rules[2];
  EXPECT_EQ(slo.kind, RuleKind::absolute);
  EXPECT_DOUBLE_EQ(*slo.absolute.fail, 500e6);  // normalised to ns
  EXPECT_DOUBLE_EQ(*slo.absolute.warn, 400e6);
  EXPECT_EQ(slo.env_fail, "P95_MS");
  EXPECT_EQ(slo.unit, "ms");

  EXPECT_EQ(policy->rules[3].kind, RuleKind::zero);
  EXPECT_EQ(policy->rules[4].kind, RuleKind::min_repetitions);
  EXPECT_EQ(policy->rules[4].min_repetitions, 5);
}

TEST(ParsePolicy, ExplainsRulesInWords) {
  const auto policy = parse_policy(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"id": "p95", "metric": "real_time", "statistic": "p95", "relative": {"fail": "+15%", "warn": "+5%"}},
      {"id": "slo", "metric": "real_time", "statistic": "p95", "absolute": {"fail": "< 500ms", "env_fail": "P95_MS"}},
      {"id": "tp", "metric": "items_per_second", "statistic": "min", "absolute": {"fail": "> 5000", "warn": "> 10000"}}
    ]})",
                                   "p.json");
  ASSERT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  EXPECT_EQ(explain(policy->rules[0]),
            "[p95] For every benchmark: fails if the p95 real_time rises by more than 15%, warns "
            "above 5% against the baseline; a change of 5% or more the other way is reported as "
            "improved.");
  EXPECT_EQ(explain(policy->rules[1]),
            "[slo] For every benchmark: the p95 real_time must be < 500 ms, whatever the baseline "
            "says; $P95_MS overrides the fail limit.");
  EXPECT_EQ(explain(policy->rules[2]),
            "[tp] For every benchmark: the min items_per_second must be > 5000 (warns unless > "
            "10000), whatever the baseline says.");
}

// "accept_bootstrap_verdicts": a gate against a provisional baseline keeps its verdict.
TEST(ParsePolicy, AcceptBootstrapVerdictsIsAnExplicitBoolean) {
  const std::string head = R"({"schema": "perfgate.policy/1", "name": "t", )";
  const std::string rules = R"("rules": [{"metric": "real_time", "relative": {"fail": "+10%"}}]})";
  const auto accepted = parse_policy(head + R"("accept_bootstrap_verdicts": true, )" + rules, "p.json");
  ASSERT_TRUE(accepted.has_value()) << format_diagnostics(accepted.error());
  EXPECT_TRUE(accepted->accept_bootstrap_verdicts);
  const auto plain = parse_policy(head + rules, "p.json");
  ASSERT_TRUE(plain.has_value()) << format_diagnostics(plain.error());
  EXPECT_FALSE(plain->accept_bootstrap_verdicts);
  EXPECT_NE(errors_of(head + R"("accept_bootstrap_verdicts": "yes", )" + rules)
                .find("/accept_bootstrap_verdicts: expected true or false"),
            std::string::npos);
}

TEST(ParsePolicy, UnknownKeyGetsDidYouMean) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "real_time", "relatve": {"fail": "+15%"}}]})"),
            "gates/p.json: error: /rules/0/relatve: unknown key \"relatve\"\n"
            "  hint: did you mean \"relative\"?\n"
            "gates/p.json: error: /rules/0: a rule needs one of \"relative\", \"absolute\", "
            "\"zero\" or \"min_repetitions\"\n"
            "  hint: split it into one rule per check\n");
}

TEST(ParsePolicy, UnknownMetricIsAnError) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "real_tme", "relative": {"fail": "+15%"}}]})"),
            "gates/p.json: error: /rules/0/metric: unknown metric \"real_tme\"\n"
            "  hint: did you mean \"real_time\"? (user counters are \"counter:<name>\")\n");
}

TEST(ParsePolicy, RejectsBadThresholdsAndReportsThemAll) {
  const std::string errors = errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "real_time", "relative": {"fail": "15", "warn": "+5%"}},
      {"metric": "real_time", "absolute": {"fail": "< 500"}},
      {"metric": "cpu_time", "relative": {"fail": "+5%", "warn": "+15%"}},
      {"metric": "real_time", "benchmarks": "BM_(", "relative": {"fail": "+5%"}}
    ]})");
  EXPECT_NE(errors.find("/rules/0/relative/fail: expected a percentage such as \"+15%\" or "
                        "\"-10%\", got \"15\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("/rules/1/absolute/fail: a time limit needs a unit (ns, us, \u00B5s, ms or "
                        "s), got \"< 500\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("/rules/2/relative/warn: the warn level is beyond the fail level"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("/rules/3/benchmarks: invalid regular expression \"BM_(\""),
            std::string::npos)
      << errors;
}

TEST(ParsePolicy, BenchmarksPatternIsRe2AndLookaroundIsRejected) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "t", "rules": [
      {"metric": "real_time", "benchmarks": "(?!BM_slow).*", "relative": {"fail": "+5%"}}]})"),
            "gates/p.json: error: /rules/0/benchmarks: invalid regular expression "
            "\"(?!BM_slow).*\": invalid perl operator: (?!\n"
            "  hint: RE2 syntax (docs/policy.md): Perl's without backreferences or lookaround, "
            "matched against the whole benchmark name, e.g. \"BM_sort/.*\"\n");
  const auto policy = parse_policy(R"({"schema": "perfgate.policy/1", "name": "t", "rules": [
      {"metric": "real_time", "benchmarks": "BM_(sort|copy)/\\d+", "relative": {"fail": "+5%"}}]})",
                                   "gates/p.json");
  ASSERT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  EXPECT_EQ(policy->rules[0].benchmarks, "BM_(sort|copy)/\\d+");
}

TEST(ParsePolicy, EnvironmentVariableNamesAreIdentifiers) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "t", "rules": [
      {"metric": "real_time", "absolute": {"fail": "< 5 ms", "env_fail": "9LIMIT"}},
      {"metric": "real_time", "absolute": {"fail": "< 5 ms", "env_fail": "P95-MS"}}]})"),
            "gates/p.json: error: /rules/0/absolute/env_fail: \"9LIMIT\" is not an environment "
            "variable name\n"
            "gates/p.json: error: /rules/1/absolute/env_fail: \"P95-MS\" is not an environment "
            "variable name\n");
}

TEST(ParsePolicy, SyntaxErrorsSayWhatWasSeen) {
  EXPECT_EQ(errors_of("{\"schema\": \"perfgate.policy/1\", \"name\": \"t\",\n"
                      "  \"rules\": [{\"metric\": \"real_time\", \"relative\": "
                      "{\"fail\": \"+5%\"}},]}"),
            "gates/p.json:2: error: invalid JSON at column 66: a comma before ']': JSON allows no "
            "trailing comma\n"
            "  hint: remove the comma on line 2\n");
  EXPECT_EQ(errors_of("rules:\n  - metric: real_time\n"),
            "gates/p.json:1: error: invalid JSON at column 1: the file starts with text before the "
            "JSON: 'rules:'\n"
            "  hint: perfgate reads JSON: is this the right file?\n");
}

TEST(ParsePolicy, AcceptsAUtf8ByteOrderMark) {
  const auto policy =
      parse_policy("\xEF\xBB\xBF{\"schema\": \"perfgate.policy/1\", \"name\": \"t\", "
                   "\"rules\": [{\"metric\": \"real_time\", \"relative\": {\"fail\": \"+5%\"}}]}",
                   "gates/p.json");
  ASSERT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  EXPECT_EQ(policy->name, "t");
}

TEST(ParsePolicy, RejectsWrongSchemaAndEmptyRules) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/2", "name": "n", "rules": []})"),
            "gates/p.json: error: /schema: unsupported version \"perfgate.policy/2\": this "
            "perfgate reads \"perfgate.policy/1\"\n"
            "  hint: a newer perfgate wrote this file; upgrade perfgate\n");
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": []})"),
            "gates/p.json: error: /rules: the policy has no rules, so it would gate nothing\n"
            "  hint: add at least one rule; see docs/policy.md\n");
  EXPECT_EQ(errors_of("[1, 2]"), "gates/p.json: error: expected a policy object, got an array\n"
                                 "  hint: see docs/policy.md\n");
}

TEST(ParsePolicy, RejectsDuplicateRuleIds) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"id": "t", "metric": "real_time", "relative": {"fail": "+15%"}},
      {"id": "t", "metric": "cpu_time", "relative": {"fail": "+15%"}}]})"),
            "gates/p.json: error: /rules/1/id: rule id \"t\" is used twice\n"
            "  hint: give each rule its own \"id\"\n");
}

// The one diagnostic of a limit that is not one.
std::string error_of(const Result<AbsoluteLimit>& limit) {
  return limit ? std::string() : limit.error().items().front().message;
}

TEST(ParsePolicy, ParsesLimitsIndependentlyOfTheRest) {
  const auto percent = parse_percent("-7.5%");
  ASSERT_TRUE(percent);
  EXPECT_DOUBLE_EQ(percent->fraction, 0.075);
  EXPECT_EQ(percent->direction, Direction::higher_is_better);
  const auto limit = parse_absolute(">= 2.5us", true);
  ASSERT_TRUE(limit);
  EXPECT_DOUBLE_EQ(limit->value, 2500.0);
  EXPECT_EQ(limit->direction, Direction::higher_is_better);
  EXPECT_EQ(error_of(parse_absolute("< 5ms", false)),
            "\"< 5ms\" has a time unit, but the metric is not a time");
  const auto bad_percent = parse_percent("15");
  ASSERT_FALSE(bad_percent);
  EXPECT_EQ(format_diagnostics(bad_percent.error()),
            "perfgate: error: expected a percentage such as \"+15%\" or \"-10%\", got \"15\"\n");
}

TEST(ParsePolicy, ReadsEveryTimeUnitOfTheOneTable) {
  for (const auto& [text, nanoseconds] : std::vector<std::pair<std::string, double>>{
           {"< 7ns", 7.0},
           {"< 7us", 7e3},
           {"< 7\u00B5s", 7e3},
           {"< 7 \u03BCs", 7e3},
           {"< 7ms", 7e6},
           {"< 7 s", 7e9}}) {
    const auto limit = parse_absolute(text, true);
    ASSERT_TRUE(limit) << text << ": " << error_of(limit);
    EXPECT_DOUBLE_EQ(limit->value, nanoseconds) << text;
  }
  EXPECT_EQ(error_of(parse_absolute("< 7 minutes", true)),
            "a time limit needs a unit (ns, us, \u00B5s, ms or s), got \"< 7 minutes\"");
  EXPECT_EQ(error_of(parse_absolute("< 7\u00B5s", false)),
            "\"< 7\u00B5s\" has a time unit, but the metric is not a time");
}

}  // namespace
}  // namespace perfgate
