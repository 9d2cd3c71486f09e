// Unit tests of the suite summary: the readers of run.json and report.json (on real reports that
// `perfgate gate --report-dir` wrote, tests/data/summary/), the fold, the merged exit code and the
// renderers' promises (Markdown under its budget for 20 000 benchmarks, JUnit failures, JSON
// schema, HTML without scripts).
#include <perfgate/render.hpp>
#include <perfgate/summary.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace perfgate {
namespace {

const std::string k_data = std::string(PERFGATE_TEST_DATA_DIR) + "/summary";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The artifact folder tests/data/summary/<name>: run.json and, when there is one, report.json.
ArtifactFolder folder(const std::string& name) {
  ArtifactFolder artifact;
  artifact.folder = name;
  artifact.run_source = name + "/run.json";
  artifact.run_text = read(k_data + "/" + name + "/run.json");
  artifact.report_source = name + "/report.json";
  const std::string report = read(k_data + "/" + name + "/report.json");
  if (!report.empty()) {
    artifact.report_text = report;
  }
  return artifact;
}

// A run.json text with `status` and `exit_code`; `extra` is spliced in as further members.
std::string run_json(const std::string& test, const std::string& status, int exit_code,
                     const std::string& extra = "") {
  return R"({"schema": "perfgate.run/2", "test": ")" + test +
         R"(", "suite": "example", "family": "BM_Sort", "mode": "perf", "lane": "wall-time",
  "status": ")" +
         status + R"(", "exit_code": )" + std::to_string(exit_code) + R"(, "summary": "gate )" +
         status + R"(", "commit": "3f2c9e1", "runner": "x86_64",
  "baseline": "baselines/x86_64/example.json", "baseline_kind": "committed",
  "confirmation": null, "contended": false, "conditions": [],
  "started_at": "2026-01-02T03:04:05Z", "duration_seconds": 1.5)" +
         extra + "}";
}

ArtifactFolder inline_folder(const std::string& test, const std::string& status, int exit_code) {
  ArtifactFolder artifact;
  artifact.folder = test;
  artifact.run_source = test + "/run.json";
  artifact.run_text = run_json(test, status, exit_code);
  artifact.report_source = test + "/report.json";
  return artifact;
}

SuiteSummary fold(const std::vector<ArtifactFolder>& folders) {
  auto summary = summarize_artifacts(folders);
  EXPECT_TRUE(summary.has_value()) << (summary ? "" : format_diagnostics(summary.error()));
  return summary ? *summary : SuiteSummary{};
}

std::string rendered(const SuiteSummary& summary, Format format) {
  std::ostringstream out;
  RenderOptions options;
  options.tool_version = "1.2.3";
  render_summary(summary, format, out, options);
  return out.str();
}

TEST(ParseRun, ReadsEveryStatusOfTheFixtures) {
  const std::vector<std::pair<std::string, TestStatus>> cases{
      {"passed", TestStatus::passed},
      {"failed", TestStatus::failed},
      {"inconclusive", TestStatus::inconclusive},
      {"invalid-input", TestStatus::invalid_input},
      {"run-failed", TestStatus::run_failed},
      {"timeout", TestStatus::timeout},
      {"refused", TestStatus::refused},
      {"no-benchmarks", TestStatus::no_benchmarks},
      {"error", TestStatus::error}};
  for (const auto& [name, status] : cases) {
    const auto run = parse_run_record(read(k_data + "/" + name + "/run.json"), name);
    ASSERT_TRUE(run.has_value()) << name << ": " << format_diagnostics(run.error());
    EXPECT_EQ(run->status, status) << name;
    EXPECT_EQ(to_string(run->status), name);
  }
}

TEST(ParseRun, IgnoresUnknownMembers) {
  const auto run = parse_run_record(
      run_json("perf.example.BM_Sort", "passed", 0, R"(, "seed": 42, "schedule": ["a", "b"])"),
      "run.json");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->test, "perf.example.BM_Sort");
  EXPECT_EQ(run->baseline_kind, "committed");
  EXPECT_EQ(run->confirmation, "");
  EXPECT_DOUBLE_EQ(run->duration_seconds, 1.5);
}

TEST(ParseRun, NamesTheFileAndPointerOfAMissingOrWrongMember) {
  const auto run = parse_run_record(
      R"({"schema": "perfgate.run/2", "test": "perf.x", "suite": "s", "family": "f",
          "mode": "perf", "lane": "", "status": "fine", "exit_code": 7, "summary": "",
          "commit": "", "runner": "", "baseline": "", "baseline_kind": "", "confirmation": "",
          "contended": "no", "conditions": [1], "started_at": ""})",
      "artifacts/x/run.json");
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(format_diagnostics(run.error()),
            "artifacts/x/run.json: error: /status: expected \"passed\", \"failed\", "
            "\"inconclusive\", \"invalid-input\", \"run-failed\", \"timeout\", \"refused\", "
            "\"no-benchmarks\" or \"error\", got \"fine\"\n"
            "artifacts/x/run.json: error: /exit_code: expected a whole number from 0 to 4, got "
            "number 7\n"
            "artifacts/x/run.json: error: /contended: expected true or false, got string \"no\"\n"
            "artifacts/x/run.json: error: /conditions/0: expected a string, got number 1\n"
            "artifacts/x/run.json: error: /duration_seconds: missing required member "
            "\"duration_seconds\"\n");
}

// Found with the fuzz targets (docs/fuzzing.md): a number far outside a whole-number member's
// range was converted to long long before its range was checked, which is undefined behaviour.
TEST(ParseRun, RefusesAnExitCodeBeyondEveryInteger) {
  for (const char* written : {"1e19", "-1e19", "1e308", "9223372036854775808"}) {
    const auto run = parse_run_record(
        std::string(R"({"schema": "perfgate.run/2", "test": "perf.x", "suite": "s", "family": "f",
          "mode": "perf", "lane": "", "status": "failed", "exit_code": )") +
            written + R"(, "summary": "", "commit": "", "runner": "", "baseline": "",
          "baseline_kind": "", "confirmation": "", "contended": false, "conditions": [],
          "started_at": "", "duration_seconds": 1})",
        "artifacts/x/run.json");
    ASSERT_FALSE(run.has_value()) << written;
    const std::string text = format_diagnostics(run.error());
    EXPECT_EQ(text.rfind("artifacts/x/run.json: error: /exit_code: expected a whole number from 0 "
                         "to 4, got number ",
                         0),
              0U)
        << text;
  }
}

TEST(ParseRun, RefusesAnotherKindOfFile) {
  const auto run = parse_run_record(R"({"schema": "perfgate.report/1"})", "run.json");
  ASSERT_FALSE(run.has_value());
  EXPECT_NE(format_diagnostics(run.error())
                .find("run.json: error: /schema: expected "
                      "\"perfgate.run/2\", got \"perfgate.report/1\""),
            std::string::npos);
}

TEST(ParseReport, ReadsTheWorstDecisionsOfARealFailingReport) {
  const auto report =
      parse_report_digest(read(k_data + "/failed/report.json"), "failed/report.json");
  ASSERT_TRUE(report.has_value()) << format_diagnostics(report.error());
  EXPECT_EQ(report->status, "FAILED");
  EXPECT_EQ(report->exit_code, 1);
  EXPECT_GE(report->counts.count(Verdict::fail), 1U);
  ASSERT_FALSE(report->worst.empty());
  EXPECT_EQ(report->worst.front().verdict, Verdict::fail);
  EXPECT_EQ(report->worst.front().benchmark, "BM_Sort<int>/1024");
  ASSERT_TRUE(report->worst.front().change.has_value());
  EXPECT_GT(*report->worst.front().change, 0.2);
  EXPECT_FALSE(report->worst.front().note.empty());
}

TEST(ParseReport, KeepsOnlyTheWorstAndCountsTheRest) {
  GateResult result;
  for (int index = 0; index < 4000; ++index) {
    Decision decision;
    decision.benchmark = "BM_Many/" + std::to_string(index);
    decision.metric = "real_time";
    decision.verdict = index % 4 == 0 ? Verdict::fail : Verdict::pass;
    decision.headroom = -0.0001 * index;  // the later, the further beyond the limit
    decision.note = "a regression";
    ++result.counts.by_verdict[decision.verdict];
    result.decisions.push_back(decision);
  }
  std::ostringstream json;
  render_json(result, json, {});
  const auto report = parse_report_digest(json.str(), "report.json", 3);
  ASSERT_TRUE(report.has_value()) << format_diagnostics(report.error());
  EXPECT_EQ(report->decisions, 4000U);
  ASSERT_EQ(report->worst.size(), 3U);
  EXPECT_EQ(report->worst[0].benchmark, "BM_Many/3996");
  EXPECT_EQ(report->worst[1].benchmark, "BM_Many/3992");
  EXPECT_EQ(report->more, 1000U - 3U);
}

TEST(Summary, ExitCodeIsTheWorstTestsInTheDocumentedOrder) {
  const auto code = [](std::vector<std::pair<std::string, int>> tests) {
    std::vector<ArtifactFolder> folders;
    for (const auto& [status, exit] : tests) {
      folders.push_back(inline_folder("perf.example." + status, status, exit));
    }
    return exit_code(fold(folders));
  };
  EXPECT_EQ(code({{"passed", 0}, {"passed", 0}}), 0);
  EXPECT_EQ(code({{"passed", 0}, {"inconclusive", 4}}), 4);
  EXPECT_EQ(code({{"inconclusive", 4}, {"failed", 1}}), 1);
  EXPECT_EQ(code({{"failed", 1}, {"run-failed", 3}}), 3);
  EXPECT_EQ(code({{"timeout", 3}, {"refused", 2}}), 2);
  EXPECT_EQ(code({}), 2);  // zero tests is never a pass
}

TEST(Summary, FoldsTheFixturesAndLeavesOutASummaryTestsOwnRecord) {
  std::vector<ArtifactFolder> folders;
  for (const char* name : {"passed", "failed", "inconclusive", "run-failed", "summary"}) {
    folders.push_back(folder(name));
  }
  const SuiteSummary summary = fold(folders);
  ASSERT_EQ(summary.tests.size(), 4U);
  EXPECT_EQ(summary.count(TestStatus::failed), 1U);
  EXPECT_EQ(summary.contended(), 1U);
  EXPECT_EQ(exit_code(summary), 3);
  EXPECT_EQ(summary_status(summary), "ERROR");
  ASSERT_EQ(summary.commits.size(), 1U);
}

TEST(Summary, ReportsEveryBadFileAndRefusesToFold) {
  ArtifactFolder broken = inline_folder("perf.a", "passed", 0);
  broken.report_text = "{\"schema\": \"perfgate.report/1\"}";
  ArtifactFolder truncated = inline_folder("perf.b", "passed", 0);
  truncated.run_text = "{\"schema\": ";
  const auto summary = summarize_artifacts({broken, truncated});
  ASSERT_FALSE(summary.has_value());
  const std::string text = format_diagnostics(summary.error());
  EXPECT_NE(text.find("perf.a/report.json: error: /status: missing required member"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("perf.b/run.json"), std::string::npos) << text;
}

// 20 000 benchmarks: 2 000 tests of 10 benchmarks each, every third failing with all ten.
SuiteSummary large_summary() {
  SuiteSummary summary;
  for (int test_index = 0; test_index < 2000; ++test_index) {
    TestSummary test;
    test.run.test = "perf.suite" + std::to_string(test_index % 7) + ".BM_Family_with_a_long_name_" +
                    std::to_string(test_index);
    test.run.suite = "suite" + std::to_string(test_index % 7);
    test.run.lane = "wall-time";
    test.run.baseline_kind = "committed";
    const bool failed = test_index % 3 == 0;
    test.run.status = failed ? TestStatus::failed : TestStatus::passed;
    test.run.exit_code = failed ? 1 : 0;
    test.run.summary = failed ? "gate FAILED: 10 fail" : "gate passed: 10 pass";
    ReportDigest report;
    report.decisions = 10;
    for (int b = 0; failed && b < 10; ++b) {
      Decision decision;
      decision.benchmark =
          "BM_Family_with_a_long_name_" + std::to_string(test_index) + "/" + std::to_string(b);
      decision.metric = "real_time";
      decision.verdict = Verdict::fail;
      decision.change = 0.3;
      decision.limit_text = "+10%";
      decision.note = std::string(300, 'x');
      report.worst.push_back(decision);
    }
    test.report = report;
    summary.tests.push_back(test);
  }
  return summary;
}

TEST(SummaryMarkdown, StaysUnderItsBudgetForTwentyThousandBenchmarks) {
  const std::string text = rendered(large_summary(), Format::markdown);
  EXPECT_LT(text.size(), k_summary_markdown_budget);
  EXPECT_EQ(text.rfind("## \xE2\x9D\x8C perfgate: FAILED, 667 of 2000 tests did not pass", 0), 0U)
      << text.substr(0, 200);
  EXPECT_NE(text.find("**667 failed, 1333 passed** (exit code 1)"), std::string::npos);
  EXPECT_NE(text.find("\xE2\x80\xA6 and "), std::string::npos);
  EXPECT_NE(text.find("more tests: see summary.html"), std::string::npos);
  EXPECT_NE(text.find("</details>"), std::string::npos);
}

TEST(SummaryMarkdown, CapsTheTableOfTestsThatDidNotPass) {
  const std::string text = rendered(large_summary(), Format::markdown);
  const std::size_t start = text.find("### Did not pass (667)");
  ASSERT_NE(start, std::string::npos);
  const std::size_t end = text.find("\n\n", start + 30);
  const std::string table = text.substr(start, end - start);
  // Heading, blank line, header, separator, then at most 30 rows.
  EXPECT_EQ(static_cast<std::size_t>(std::count(table.begin(), table.end(), '\n')), 3U + 30U)
      << table;
  // 667 tests x 10 decisions, 30 rows shown.
  EXPECT_NE(text.find("\xE2\x80\xA6 and 6640 more (tests or decisions)"), std::string::npos);
}

TEST(SummaryMarkdown, CollapsesPassingSuitesToOneLine) {
  const SuiteSummary summary = fold({inline_folder("perf.example.BM_A", "passed", 0),
                                     inline_folder("perf.example.BM_B", "passed", 0)});
  const std::string text = rendered(summary, Format::markdown);
  EXPECT_EQ(text.rfind("## \xE2\x9C\x85 perfgate: every test passed (2 tests)", 0), 0U) << text;
  EXPECT_NE(text.find("\xE2\x9C\x85 every test passed in: example (2)\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("Did not pass"), std::string::npos);
}

TEST(SummaryJunit, FailsEveryTestThatDidNotPass) {
  const SuiteSummary summary = fold({inline_folder("perf.example.BM_A", "passed", 0),
                                     inline_folder("perf.example.BM_B", "failed", 1),
                                     inline_folder("perf.example.BM_C", "inconclusive", 4),
                                     inline_folder("perf.example.BM_D", "run-failed", 3)});
  const std::string text = rendered(summary, Format::junit);
  EXPECT_NE(text.find("<testsuite name=\"example\" tests=\"4\" failures=\"3\""), std::string::npos)
      << text;
  EXPECT_NE(text.find("<testcase classname=\"example\" name=\"perf.example.BM_A\" time=\"1.500\">"
                      "\n      <system-out>"),
            std::string::npos)
      << text;
  for (const char* status : {"failed", "inconclusive", "run-failed"}) {
    EXPECT_NE(text.find("<failure type=\"" + std::string(status) + "\" message=\"gate " + status),
              std::string::npos)
        << status;
  }
}

TEST(SummaryJson, WritesItsSchemaAndEveryTest) {
  const SuiteSummary summary = fold({folder("failed"), folder("passed")});
  const std::string text = rendered(summary, Format::json);
  EXPECT_NE(text.find("\"schema\": \"perfgate.summary/1\""), std::string::npos);
  EXPECT_NE(text.find("\"status\": \"FAILED\""), std::string::npos);
  EXPECT_NE(text.find("\"exit_code\": 1"), std::string::npos);
  EXPECT_NE(text.find("\"benchmark\": \"BM_Sort<int>/1024\""), std::string::npos);
}

TEST(SummaryHtml, IsSelfContainedAndBreaksNamesOnlyBetweenParts) {
  const SuiteSummary summary = fold({folder("failed"), folder("passed")});
  const std::string text = rendered(summary, Format::html);
  EXPECT_EQ(text.find("<script"), std::string::npos);
  EXPECT_EQ(text.find("http://"), std::string::npos);
  EXPECT_EQ(text.find("https://"), std::string::npos);
  EXPECT_NE(text.find("perf.<wbr>example.<wbr>BM_Sort"), std::string::npos) << text;
}

}  // namespace
}  // namespace perfgate
