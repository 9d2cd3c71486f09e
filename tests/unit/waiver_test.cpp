// Waivers: the reader (every error names the file, the pointer and what was expected) and what a
// waiver does to a gate's decisions on an injected date (waivers.cpp through evaluate()).
#include <perfgate/evaluate.hpp>
#include <perfgate/parse.hpp>
#include <perfgate/waiver.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <utility>
#include <vector>

namespace perfgate {
namespace {

// ---- Dates ---------------------------------------------------------------------------------

TEST(WaiverDate, ParsesOnlyRealDaysInOneLayout) {
  const auto date = Date::parse("2026-12-07");
  ASSERT_TRUE(date);
  EXPECT_EQ(date->text(), "2026-12-07");
  EXPECT_TRUE(Date::parse("2024-02-29"));
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-12-32", "2026-12-7", "26-12-07",
                          "2026/12/07", "2026-12-07T00:00:00Z", "", "yesterday"}) {
    EXPECT_FALSE(Date::parse(bad)) << bad;
  }
  EXPECT_EQ(Date::parse("2027-01-01")->days() - Date::parse("2026-12-01")->days(), 31);
  EXPECT_EQ(Date::parse("1970-01-01")->days(), 0);
}

// ---- The reader ------------------------------------------------------------------------------

constexpr const char* k_good_waiver =
    R"({"benchmark": "BM_sort/.*", "metric": "real_time", "max_change_pct": 12,
        "owner": "alice", "reason": "new allocator, fix in PERF-7", "tracking": "PERF-7",
        "created": "2026-12-01", "expires": "2026-12-31"})";

std::string file_with(const std::string& waivers) {
  return R"({"schema": "perfgate.waivers/1", "waivers": [)" + waivers + "]}";
}

std::string errors_of(const std::string& text, int max_days = k_default_waiver_max_days) {
  const auto waivers = parse_waivers(text, "gates/waivers.json", max_days);
  EXPECT_FALSE(waivers.has_value());
  return waivers ? std::string() : format_diagnostics(waivers.error());
}

TEST(ParseWaivers, ReadsEveryField) {
  const auto waivers = parse_waivers(file_with(k_good_waiver), "gates/waivers.json");
  ASSERT_TRUE(waivers.has_value()) << format_diagnostics(waivers.error());
  ASSERT_EQ(waivers->size(), 1U);
  const Waiver& w = waivers->front();
  EXPECT_EQ(w.benchmark, "BM_sort/.*");
  EXPECT_EQ(w.metric, "real_time");
  EXPECT_DOUBLE_EQ(w.max_change_pct, 12);
  EXPECT_DOUBLE_EQ(w.max_change(), 0.12);
  EXPECT_EQ(w.owner, "alice");
  EXPECT_EQ(w.tracking, "PERF-7");
  EXPECT_EQ(w.created.text(), "2026-12-01");
  EXPECT_EQ(w.expires.text(), "2026-12-31");
  EXPECT_EQ(w.source, "gates/waivers.json");
  EXPECT_EQ(w.pointer, "/waivers/0");
  EXPECT_EQ(describe(w), "waiver 'BM_sort/.*' real_time (owner alice, expires 2026-12-31, "
                         "tracking PERF-7)");
}

TEST(ParseWaivers, EmptyListIsValid) {
  const auto waivers = parse_waivers(file_with(""), "w.json");
  ASSERT_TRUE(waivers.has_value());
  EXPECT_TRUE(waivers->empty());
}

TEST(ParseWaivers, SchemaAndShapeErrors) {
  EXPECT_NE(errors_of(R"({"waivers": []})").find("gates/waivers.json: error: /schema: missing "
                                                  "\"schema\": expected \"perfgate.waivers/1\""),
            std::string::npos);
  EXPECT_NE(errors_of(R"({"schema": "perfgate.waivers/2", "waivers": []})")
                .find("/schema: unsupported version \"perfgate.waivers/2\""),
            std::string::npos);
  EXPECT_NE(errors_of(R"({"schema": "perfgate.policy/1", "waivers": []})")
                .find("/schema: expected \"perfgate.waivers/1\", got \"perfgate.policy/1\""),
            std::string::npos);
  EXPECT_NE(errors_of(R"({"schema": "perfgate.waivers/1"})").find("missing \"waivers\""),
            std::string::npos);
  EXPECT_NE(errors_of(R"({"schema": "perfgate.waivers/1", "waivers": {}})")
                .find("/waivers: expected an array of waivers, got an object"),
            std::string::npos);
  EXPECT_NE(errors_of(file_with("3")).find("/waivers/0: expected a waiver object, got number"),
            std::string::npos);
  EXPECT_NE(errors_of(R"({"schema": "perfgate.waivers/1", "waiver": []})")
                .find("did you mean \"waivers\""),
            std::string::npos);
  EXPECT_NE(errors_of("[1, 2").find("gates/waivers.json"), std::string::npos);
}

// The good waiver with `field` set to the raw JSON `value`, or removed when `value` is empty.
std::string waiver_with(const std::string& field, const std::string& value) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"benchmark", "\"BM_sort/.*\""}, {"metric", "\"real_time\""},
      {"max_change_pct", "12"},        {"owner", "\"alice\""},
      {"reason", "\"new allocator\""}, {"tracking", "\"PERF-7\""},
      {"created", "\"2026-12-01\""},   {"expires", "\"2026-12-31\""}};
  std::string object;
  for (const auto& [key, raw] : fields) {
    const std::string shown = key == field ? value : raw;
    if (!shown.empty()) {
      object += (object.empty() ? "{" : ", ") + ("\"" + key + "\": ") + shown;
    }
  }
  return file_with(object + "}");
}

TEST(ParseWaivers, EveryFieldErrorNamesItsPointer) {
  struct Case {
    const char* field;
    const char* value;
    const char* expected;
  };
  const Case cases[] = {
      {"benchmark", "", "/waivers/0: missing \"benchmark\""},
      {"benchmark", "\"BM_(\"", "/waivers/0/benchmark: "},
      {"metric", "", "/waivers/0: missing \"metric\""},
      {"metric", "\"real_tme\"", "/waivers/0/metric: unknown metric \"real_tme\"\n  hint: did you mean \"real_time\"?"},
      {"max_change_pct", "", "/waivers/0: missing \"max_change_pct\""},
      {"max_change_pct", "\"+12%\"", "/waivers/0/max_change_pct: expected a number of per cent"},
      {"max_change_pct", "0", "/waivers/0/max_change_pct: expected more than 0 and at most 1000"},
      {"max_change_pct", "5000", "/waivers/0/max_change_pct: expected more than 0 and at most 1000"},
      {"owner", "", "/waivers/0: missing \"owner\""},
      {"owner", "\"\"", "/waivers/0/owner: must not be empty"},
      {"reason", "", "/waivers/0: missing \"reason\""},
      {"tracking", "", "/waivers/0: missing \"tracking\""},
      {"tracking", "7", "/waivers/0/tracking: expected a string, got number"},
      {"created", "", "/waivers/0: missing \"created\": expected a date YYYY-MM-DD"},
      {"expires", "", "/waivers/0: missing \"expires\": expected a date YYYY-MM-DD"},
      {"expires", "\"31/12/2026\"", "/waivers/0/expires: expected a date YYYY-MM-DD, got \"31/12/2026\""},
      {"expires", "\"2026-11-30\"", "/waivers/0/expires: expires 2026-11-30 before it was created (2026-12-01)"},
      {"expires", "\"2027-01-15\"", "/waivers/0/expires: runs 45 days (2026-12-01 to 2027-01-15), more than the 30 days a waiver may run (the default)"},
  };
  for (const Case& c : cases) {
    const std::string text = waiver_with(c.field, c.value);
    const std::string errors = errors_of(text);
    EXPECT_NE(errors.find(std::string("gates/waivers.json: error: ") + c.expected),
              std::string::npos)
        << c.field << " = " << c.value << "\n" << text << "\n" << errors;
  }
}

TEST(ParseWaivers, UnknownKeyAndDuplicates) {
  std::string unknown = k_good_waiver;
  unknown.insert(1, R"("ownr": "bob", )");
  EXPECT_NE(errors_of(file_with(unknown))
                .find("/waivers/0/ownr: unknown key \"ownr\""),
            std::string::npos)
      << errors_of(file_with(unknown));
  EXPECT_NE(errors_of(file_with(unknown)).find("did you mean \"owner\""), std::string::npos);
  EXPECT_NE(errors_of(file_with(std::string(k_good_waiver) + ", " + k_good_waiver))
                .find("/waivers/1: benchmark \"BM_sort/.*\" and metric \"real_time\" are waived "
                      "twice"),
            std::string::npos);
}

TEST(ParseWaivers, MaximumSpanComesFromThePolicy) {
  const std::string sixty = waiver_with("expires", "\"2027-01-30\"");
  EXPECT_FALSE(parse_waivers(sixty, "w.json").has_value());
  EXPECT_TRUE(parse_waivers(sixty, "w.json", 60).has_value());
  EXPECT_NE(errors_of(sixty, 45).find("more than the 45 days a waiver may run (the policy's "
                                      "waiver_max_days)"),
            std::string::npos);
}

TEST(ParseWaivers, TellsAWaiverFileFromAPolicy) {
  EXPECT_TRUE(is_waiver_file(file_with("")));
  EXPECT_FALSE(is_waiver_file(R"({"schema": "perfgate.policy/1"})"));
  EXPECT_FALSE(is_waiver_file("not json"));
}

TEST(ParsePolicyWaivers, EmbeddedWaiversUseTheSameReader) {
  const std::string policy = std::string(R"({"schema": "perfgate.policy/1", "name": "p",
      "waiver_max_days": 60, "rules": [{"metric": "real_time", "relative": {"fail": "+10%"}}],
      "waivers": [)") + k_good_waiver + "]}";
  const auto parsed = parse_policy(policy, "gates/p.json");
  ASSERT_TRUE(parsed.has_value()) << format_diagnostics(parsed.error());
  EXPECT_EQ(parsed->waiver_max_days, 60);
  ASSERT_EQ(parsed->waivers.size(), 1U);
  EXPECT_EQ(parsed->waivers[0].source, "gates/p.json");

  const auto bad = parse_policy(R"({"schema": "perfgate.policy/1", "name": "p",
      "waiver_max_days": 365, "rules": [{"metric": "real_time", "relative": {"fail": "+10%"}}],
      "waivers": [{"benchmark": "BM_a", "metric": "real_time"}]})",
                                "gates/p.json");
  ASSERT_FALSE(bad.has_value());
  const std::string errors = format_diagnostics(bad.error());
  EXPECT_NE(errors.find("gates/p.json: error: /waiver_max_days: expected a whole number of days "
                        "from 1 to 90, got number 365"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gates/p.json: error: /waivers/0: missing \"owner\""), std::string::npos)
      << errors;
}

// ---- Applying --------------------------------------------------------------------------------

Benchmark make(const std::string& name, double real_time, double items_per_second) {
  Benchmark b;
  b.name = name;
  b.family = family_of(name);
  b.series("real_time").samples = {real_time};
  b.series("items_per_second").samples = {items_per_second};
  return b;
}

RunSet runs(std::vector<Benchmark> benchmarks) {
  RunSet r;
  r.source = "r.json";
  r.benchmarks = std::move(benchmarks);
  return r;
}

// +10% on real_time and -10% on items_per_second fail, decided on one value per side.
Policy policy() {
  auto parsed = parse_policy(R"({"schema": "perfgate.policy/1", "name": "p", "rules": [
      {"metric": "real_time", "relative": {"fail": "+10%"}, "allow_single_values": true},
      {"metric": "items_per_second", "relative": {"fail": "-10%"}, "allow_single_values": true}
    ]})",
                             "p.json");
  EXPECT_TRUE(parsed.has_value());
  return *parsed;
}

Waiver waiver(const std::string& benchmark, const std::string& metric, double pct) {
  Waiver w;
  w.benchmark = benchmark;
  w.metric = metric;
  w.max_change_pct = pct;
  w.owner = "alice";
  w.reason = "known";
  w.tracking = "PERF-7";
  w.created = *Date::parse("2026-12-01");
  w.expires = *Date::parse("2026-12-31");
  w.source = "gates/waivers.json";
  w.pointer = "/waivers/0";
  return w;
}

GateResult gate(const RunSet& candidate, std::vector<Waiver> waivers, const char* today) {
  EvaluateOptions options;
  options.waivers = std::move(waivers);
  options.today = Date::parse(today);
  const RunSet baseline = runs({make("BM_a", 100, 1000), make("BM_b", 100, 1000)});
  return evaluate(baseline, candidate, policy(), options);
}

const Decision& find(const GateResult& result, const std::string& benchmark,
                     const std::string& metric) {
  for (const Decision& d : result.decisions) {
    if (d.benchmark == benchmark && d.metric == metric) {
      return d;
    }
  }
  ADD_FAILURE() << "no decision " << benchmark << " " << metric;
  static const Decision none;
  return none;
}

TEST(ApplyWaivers, LetsExactlyItsBenchmarkAndMetricThroughUpToItsLimit) {
  // Both benchmarks 20% slower and 20% lower throughput; the waiver covers BM_a real_time only.
  const RunSet slower = runs({make("BM_a", 120, 800), make("BM_b", 120, 800)});
  const GateResult result = gate(slower, {waiver("BM_a", "real_time", 25)}, "2026-12-07");
  const Decision& waived = find(result, "BM_a", "real_time");
  EXPECT_EQ(waived.verdict, Verdict::waived);
  ASSERT_TRUE(waived.waiver);
  EXPECT_EQ(waived.waiver->status, WaiverStatus::in_force);
  EXPECT_NE(waived.note.find("waived: the change +20.0% is within the +25.0% that waiver 'BM_a' "
                             "real_time (owner alice, expires 2026-12-31, tracking PERF-7) allows"),
            std::string::npos)
      << waived.note;
  EXPECT_EQ(find(result, "BM_a", "items_per_second").verdict, Verdict::fail);  // another metric
  EXPECT_FALSE(find(result, "BM_a", "items_per_second").waiver);
  EXPECT_EQ(find(result, "BM_b", "real_time").verdict, Verdict::fail);  // another benchmark
  EXPECT_EQ(result.counts.count(Verdict::waived), 1U);
  ASSERT_EQ(result.waivers.size(), 1U);
  EXPECT_EQ(result.waivers[0].status, WaiverStatus::in_force);
  EXPECT_EQ(exit_code(result), 1);  // the other failures still fail

  // Waiving everything that fails lets the gate pass (exit 0), the waived decisions counted.
  const GateResult all = gate(slower,
                              {waiver("BM_.*", "real_time", 25),
                               waiver("BM_.*", "items_per_second", 20)},
                              "2026-12-07");
  EXPECT_EQ(all.counts.count(Verdict::waived), 4U);
  EXPECT_EQ(exit_code(all), 0);
}

TEST(ApplyWaivers, BeyondItsLimitStillFailsAndSaysSo) {
  const RunSet slower = runs({make("BM_a", 130, 1000), make("BM_b", 100, 1000)});
  const GateResult result = gate(slower, {waiver("BM_a", "real_time", 25)}, "2026-12-07");
  const Decision& d = find(result, "BM_a", "real_time");
  EXPECT_EQ(d.verdict, Verdict::fail);
  ASSERT_TRUE(d.waiver);
  EXPECT_EQ(d.waiver->status, WaiverStatus::exceeded);
  EXPECT_NE(d.note.find("the change +30.0% exceeds the +25.0% that waiver 'BM_a' real_time"),
            std::string::npos)
      << d.note;
  EXPECT_NE(d.note.find("the waiver's limit was exceeded"), std::string::npos);
  ASSERT_EQ(result.waivers.size(), 1U);
  EXPECT_EQ(result.waivers[0].status, WaiverStatus::exceeded);
  EXPECT_EQ(exit_code(result), 1);
}

TEST(ApplyWaivers, AThroughputWaiverLimitsTheFall) {
  const GateResult result = gate(runs({make("BM_a", 100, 850), make("BM_b", 100, 1000)}),
                                 {waiver("BM_a", "items_per_second", 20)}, "2026-12-07");
  EXPECT_EQ(find(result, "BM_a", "items_per_second").verdict, Verdict::waived);
  EXPECT_EQ(exit_code(result), 0);
}

TEST(ApplyWaivers, BackWithinTheLimitIsReadyToRetire) {
  const RunSet same = runs({make("BM_a", 101, 1000), make("BM_b", 100, 1000)});
  const GateResult result = gate(same, {waiver("BM_a", "real_time", 25)}, "2026-12-07");
  const Decision& d = find(result, "BM_a", "real_time");
  EXPECT_EQ(d.verdict, Verdict::pass);
  ASSERT_TRUE(d.waiver);
  EXPECT_EQ(d.waiver->status, WaiverStatus::ready_to_retire);
  ASSERT_EQ(result.waivers.size(), 1U);
  EXPECT_EQ(result.waivers[0].status, WaiverStatus::ready_to_retire);
  const auto retire = std::find_if(result.notes.begin(), result.notes.end(), [](const Diagnostic& n) {
    return n.message.find("is ready to retire") != std::string::npos;
  });
  ASSERT_NE(retire, result.notes.end());
  EXPECT_EQ(retire->severity, Severity::warning);
  EXPECT_EQ(retire->file, "gates/waivers.json");
  EXPECT_EQ(retire->pointer, "/waivers/0");
  EXPECT_EQ(exit_code(result), 0);  // a warning, not a failure
}

TEST(ApplyWaivers, InForceOnItsExpiryDayAndFailsTheDayAfterNamingIt) {
  const RunSet slower = runs({make("BM_a", 120, 1000), make("BM_b", 100, 1000)});
  const GateResult last_day = gate(slower, {waiver("BM_a", "real_time", 25)}, "2026-12-31");
  EXPECT_EQ(find(last_day, "BM_a", "real_time").verdict, Verdict::waived);
  EXPECT_EQ(exit_code(last_day), 0);

  const GateResult after = gate(slower, {waiver("BM_a", "real_time", 25)}, "2027-01-01");
  EXPECT_EQ(find(after, "BM_a", "real_time").verdict, Verdict::fail);
  EXPECT_EQ(find(after, "BM_a", "real_time").waiver->status, WaiverStatus::expired);
  const Decision& expired = find(after, "BM_a", "");
  EXPECT_EQ(expired.verdict, Verdict::fail);
  ASSERT_TRUE(expired.waiver);
  EXPECT_EQ(expired.waiver->status, WaiverStatus::expired);
  EXPECT_EQ(expired.note,
            "waiver 'BM_a' real_time (owner alice, expires 2026-12-31, tracking PERF-7) expired on "
            "2026-12-31 (today is 2027-01-01) and matches 1 decision(s) of this gate: renew it "
            "under review (a new \"created\" and \"expires\") or remove it from "
            "gates/waivers.json");
  ASSERT_EQ(after.waivers.size(), 1U);
  EXPECT_EQ(after.waivers[0].status, WaiverStatus::expired);
  EXPECT_EQ(exit_code(after), 1);

  // An expired waiver fails the gate even when what it matches passes today.
  const RunSet same = runs({make("BM_a", 100, 1000), make("BM_b", 100, 1000)});
  EXPECT_EQ(exit_code(gate(same, {waiver("BM_a", "real_time", 25)}, "2027-01-01")), 1);
}

TEST(ApplyWaivers, AWaiverOfAnotherGateOrWithoutADateDoesNothing) {
  const RunSet slower = runs({make("BM_a", 120, 1000), make("BM_b", 100, 1000)});
  const GateResult other = gate(slower, {waiver("BM_zzz", "real_time", 25)}, "2027-06-01");
  EXPECT_TRUE(other.waivers.empty());  // expired, but matches nothing here
  EXPECT_EQ(find(other, "BM_a", "real_time").verdict, Verdict::fail);

  EvaluateOptions no_date;  // no `today`: no waiver applies, a failure stays a failure
  no_date.waivers = {waiver("BM_a", "real_time", 25)};
  const GateResult result = evaluate(runs({make("BM_a", 100, 1000), make("BM_b", 100, 1000)}),
                                     slower, policy(), no_date);
  EXPECT_EQ(find(result, "BM_a", "real_time").verdict, Verdict::fail);
}

TEST(CheckWaivers, ExpiredIsAnErrorThatNamesTheWaiver) {
  const Diagnostics findings = check_waivers({waiver("BM_a", "real_time", 25)},
                                             *Date::parse("2027-01-01"));
  ASSERT_TRUE(findings.has_errors());
  EXPECT_EQ(format_diagnostic(findings.items().front()).substr(0, 60),
            std::string("gates/waivers.json: error: /waivers/0: waiver 'BM_a' real_time (owner "
                        "alice, expires 2026-12-31, tracking PERF-7) expired on 2026-12-31")
                .substr(0, 60));
  EXPECT_FALSE(check_waivers({waiver("BM_a", "real_time", 25)}, *Date::parse("2026-12-07"))
                   .has_errors());
}

}  // namespace
}  // namespace perfgate
