// Unit tests of the readiness packet (readiness.hpp): the drill reader, the report facts reader
// (waivers), and the fold: every kind of blocker, live versus sample evidence, the requirements,
// the exit code, and the JSON renderer's top-level members.
#include <perfgate/readiness.hpp>

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

namespace perfgate::readiness {
namespace {

const std::string k_results = "sha256:" + std::string(64, 'a');
const std::string k_policy = "sha256:" + std::string(64, 'b');
const std::string k_baseline = "sha256:" + std::string(64, 'c');

// A run.json of a gate test; `evidence` is spliced in as the "evidence" member when not empty.
std::string run_json(const std::string& suite, const std::string& test, const std::string& status,
                     int exit_code, const std::string& evidence, bool measured = true) {
  std::string text = R"({"schema": "perfgate.run/2", "test": ")" + test + R"(", "suite": ")" +
                     suite + R"(", "family": "BM_X", "mode": "perf", "lane": "wall-time",
    "status": ")" + status +
                     R"(", "exit_code": )" + std::to_string(exit_code) + R"(, "summary": "gate )" +
                     status + R"(", "commit": "abc123",
    "runner": "ci", "baseline": "b.json", "baseline_kind": "committed", "confirmation": null,
    "contended": false, "conditions": [], "started_at": "2026-01-02T03:04:05Z",
    "duration_seconds": 1, "processes": [)";
  if (measured) {
    text += R"({"role": "warmup"}, {"role": "measure"})";
  }
  text += "]";
  if (!evidence.empty()) {
    text += R"(, "evidence": )" + evidence;
  }
  return text + "}";
}

std::string evidence_json() {
  return R"({"measured": "benchmark", "runner_fingerprint": "fp-1", "toolchain": "GNU 12 Release",
    "files": [{"role": "results", "path": "results.json", "digest": ")" +
         k_results + R"("},
              {"role": "policy", "path": "/src/gates/default.json", "digest": ")" +
         k_policy + R"("},
              {"role": "baseline", "path": "/src/baselines/ci/s.json", "digest": ")" +
         k_baseline + R"("}]})";
}

// A report.json with `fail` failing decisions and `extra` members.
std::string report_json(int exit_code, const std::string& status,
                        const std::string& decisions = "[]", const std::string& extra = "") {
  return R"({"schema": "perfgate.report/1", "run": {"test": "t", "suite": "replayed"},
    "sources": {"baseline": "base.json", "candidate": "new.json"}, "status": ")" +
         status + R"(", "exit_code": )" + std::to_string(exit_code) +
         R"(, "counts": {"error": 0, "fail": 0, "missing": 0, "noisy": 0, "warn": 0, "waived": 0,
    "improved": 0, "new": 0, "pass": 1}, "decisions": )" +
         decisions + extra + "}";
}

std::string drill_json(const std::string& name, int expected, int actual, bool passed,
                       bool found = true) {
  return R"({"schema": "perfgate.drill/1", "name": ")" + name +
         R"(", "fault": "injected", "expected_exit": )" + std::to_string(expected) +
         R"(, "actual_exit": )" + std::to_string(actual) +
         R"(, "message_regex": "x", "message_found": )" + (found ? "true" : "false") +
         R"(, "artifacts_written": true, "nothing_lost": true, "passed": )" +
         (passed ? "true" : "false") + R"(, "test": "drill.)" + name + R"(", "details": ""})";
}

GateArtifact run_folder(const std::string& suite, const std::string& test,
                        const std::string& run_text) {
  GateArtifact artifact;
  artifact.folder = suite + "/" + test;
  artifact.directory = "/build/perfgate-artifacts/" + suite + "/" + test;
  artifact.run_source = artifact.folder + "/run.json";
  artifact.run_text = run_text;
  return artifact;
}

// The file system as the fold sees it: path -> digest now.
struct Files {
  std::map<std::string, std::string> digests{
      {"/build/perfgate-artifacts/s/perf.s.A/results.json", k_results},
      {"/build/perfgate-artifacts/s/perf.s.B/results.json", k_results},
      {"/src/gates/default.json", k_policy},
      {"/src/baselines/ci/s.json", k_baseline}};
  DigestOf lookup() const {
    return [this](const std::string& path) -> std::optional<std::string> {
      const auto found = digests.find(path);
      return found == digests.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
  }
};

Inputs live_inputs() {
  Inputs inputs;
  inputs.roots = {"build/perfgate-artifacts"};
  inputs.gates.push_back(
      run_folder("s", "perf.s.A", run_json("s", "perf.s.A", "passed", 0, evidence_json())));
  inputs.gates.push_back(
      run_folder("s", "perf.s.B", run_json("s", "perf.s.B", "passed", 0, evidence_json())));
  return inputs;
}

bool has_blocker(const Packet& packet, const std::string& kind) {
  for (const Finding& finding : packet.blockers) {
    if (finding.kind == kind) {
      return true;
    }
  }
  return false;
}

TEST(ParseDrill, ReadsEveryMember) {
  const auto drill = parse_drill(drill_json("benchmark-crash", 3, 3, true), "crash.drill.json");
  ASSERT_TRUE(drill.has_value()) << format_diagnostics(drill.error());
  EXPECT_EQ(drill->name, "benchmark-crash");
  EXPECT_EQ(drill->expected_exit, 3);
  EXPECT_TRUE(drill->passed);
  EXPECT_EQ(drill->test, "drill.benchmark-crash");
}

TEST(ParseDrill, NamesTheFileAndMemberOfAWrongType) {
  const auto drill = parse_drill(
      R"({"schema": "perfgate.drill/1", "name": "x", "expected_exit": "three", "actual_exit": 3,
          "message_found": true, "artifacts_written": true, "nothing_lost": true, "passed": true})",
      "x.drill.json");
  ASSERT_FALSE(drill.has_value());
  EXPECT_EQ(format_diagnostic(drill.error().items().front()),
            "x.drill.json: error: /expected_exit: expected a whole number from 0 to 255, got "
            "string \"three\"\n");
}

TEST(ParseDrill, RefusesAnotherSchema) {
  const auto drill = parse_drill(R"({"schema": "perfgate.run/2"})", "x.drill.json");
  ASSERT_FALSE(drill.has_value());
  EXPECT_NE(format_diagnostics(drill.error()).find("expected \"perfgate.drill/1\""),
            std::string::npos);
}

TEST(ParseReportFacts, ReadsWaiversOfDecisionsAndTheTopLevelListOnce) {
  const std::string waiver =
      R"({"benchmark": "BM_A", "metric": "real_time", "max_change_pct": 5, "owner": "ann",
          "reason": "known", "tracking": "https://x/1", "expires": "2027-01-01", "status": "in_force"})";
  const auto facts = parse_report_facts(
      report_json(0, "passed",
                  R"([{"benchmark": "BM_A", "verdict": "waived", "waiver": )" + waiver + "}]",
                  R"(, "waivers": [)" + waiver + "]"),
      "report.json");
  ASSERT_TRUE(facts.has_value()) << format_diagnostics(facts.error());
  ASSERT_EQ(facts->waivers.size(), 1U);
  EXPECT_EQ(facts->waivers[0].owner, "ann");
  EXPECT_EQ(facts->waivers[0].max_change_pct, 5.0);
  EXPECT_EQ(facts->suite, "replayed");
}

TEST(ParseReportFacts, RejectsAnUnknownWaiverStatus) {
  const auto facts = parse_report_facts(
      report_json(0, "passed", "[]",
                  R"(, "waivers": [{"benchmark": "BM_A", "status": "forever"}])"),
      "report.json");
  ASSERT_FALSE(facts.has_value());
  EXPECT_EQ(format_diagnostic(facts.error().items().front()),
            "report.json: error: /waivers/0/status: expected \"in_force\", \"exceeded\", "
            "\"expired\" or \"ready_to_retire\", got \"forever\"\n");
}

TEST(Readiness, ACleanLiveRunIsReady) {
  const Files files;
  const Packet packet = fold(live_inputs(), files.lookup());
  EXPECT_TRUE(packet.ready);
  EXPECT_TRUE(packet.blockers.empty());
  EXPECT_EQ(packet.evidence, Evidence::live);
  EXPECT_EQ(exit_code(packet), 0);
  ASSERT_EQ(packet.suites.size(), 1U);
  EXPECT_EQ(packet.suites[0].passed, 2U);
  EXPECT_EQ(packet.commits, std::vector<std::string>{"abc123"});
  EXPECT_EQ(packet.runner_fingerprints, std::vector<std::string>{"fp-1"});
  EXPECT_EQ(packet.materials.size(), 6U);
}

TEST(Readiness, AFailingSuiteIsABlockerNamingIt) {
  Inputs inputs = live_inputs();
  inputs.gates.push_back(
      run_folder("search", "perf.search.F", run_json("search", "perf.search.F", "failed", 1, "")));
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_FALSE(packet.ready);
  ASSERT_EQ(packet.blockers.size(), 1U);
  EXPECT_EQ(packet.blockers[0].kind, "test-failed");
  EXPECT_EQ(packet.blockers[0].suite, "search");
  EXPECT_EQ(packet.blockers[0].file, "search/perf.search.F/run.json");
  EXPECT_EQ(exit_code(packet), 1);
}

TEST(Readiness, InconclusiveAndRunFailedTestsAreBlockers) {
  Inputs inputs = live_inputs();
  inputs.gates.push_back(
      run_folder("s", "perf.s.C", run_json("s", "perf.s.C", "inconclusive", 4, "")));
  inputs.gates.push_back(
      run_folder("s", "perf.s.D", run_json("s", "perf.s.D", "run-failed", 3, "")));
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_TRUE(has_blocker(packet, "test-inconclusive"));
  EXPECT_TRUE(has_blocker(packet, "test-run-failed"));
  EXPECT_EQ(packet.suites[0].run_failed, 1U);
  EXPECT_EQ(packet.suites[0].inconclusive, 1U);
}

TEST(Readiness, AChangedRecordedFileIsABlockerAndNotLive) {
  Files files;
  files.digests["/src/baselines/ci/s.json"] = "sha256:" + std::string(64, 'd');
  const Packet packet = fold(live_inputs(), files.lookup());
  EXPECT_FALSE(packet.ready);
  EXPECT_TRUE(has_blocker(packet, "evidence-mismatch"));
  EXPECT_EQ(packet.evidence, Evidence::sample);
}

TEST(Readiness, AMissingRecordedFileMakesSampleEvidence) {
  Files files;
  files.digests.erase("/src/gates/default.json");
  const Packet warned = fold(live_inputs(), files.lookup());
  EXPECT_TRUE(warned.ready);
  EXPECT_EQ(warned.evidence, Evidence::sample);
  ASSERT_FALSE(warned.warnings.empty());
  EXPECT_EQ(warned.warnings[0].kind, "sample-evidence");

  Inputs inputs = live_inputs();
  inputs.requirements.live = true;
  const Packet refused = fold(inputs, files.lookup());
  EXPECT_FALSE(refused.ready);
  EXPECT_TRUE(has_blocker(refused, "sample-evidence"));
  EXPECT_NE(refused.blockers[0].message.find("no longer exists"), std::string::npos);
}

TEST(Readiness, ReplayedResultsAreSampleAndRefusedUnderRequireLive) {
  Inputs inputs;
  GateArtifact replayed;
  replayed.folder = "gate-over-files";
  replayed.report_source = "gate-over-files/report.json";
  replayed.report_text = report_json(0, "passed");
  inputs.gates.push_back(replayed);
  // run.json of a run that measured nothing (no benchmark process), and one without digests.
  inputs.gates.push_back(
      run_folder("s", "perf.s.A", run_json("s", "perf.s.A", "passed", 0, evidence_json(), false)));
  inputs.gates.push_back(run_folder("s", "perf.s.B", run_json("s", "perf.s.B", "passed", 0, "")));
  inputs.requirements.live = true;
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_FALSE(packet.ready);
  EXPECT_EQ(packet.evidence, Evidence::sample);
  std::size_t sample = 0;
  for (const Finding& finding : packet.blockers) {
    sample += finding.kind == "sample-evidence" ? 1U : 0U;
  }
  EXPECT_EQ(sample, 3U);
}

TEST(Readiness, MixedEvidence) {
  Inputs inputs = live_inputs();
  inputs.gates.push_back(run_folder("s", "perf.s.C", run_json("s", "perf.s.C", "passed", 0, "")));
  const Files files;
  EXPECT_EQ(fold(inputs, files.lookup()).evidence, Evidence::mixed);
}

TEST(Readiness, NoGateResultIsNotReady) {
  const Files files;
  Inputs inputs;
  inputs.roots = {"empty"};
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_FALSE(packet.ready);
  EXPECT_EQ(packet.evidence, Evidence::none);
  ASSERT_EQ(packet.blockers.size(), 1U);
  EXPECT_EQ(packet.blockers[0].kind, "no-gate-results");
  EXPECT_EQ(exit_code(packet), 1);
}

TEST(Readiness, AnInvalidArtifactIsABlockerNamingTheFileAndBadInput) {
  Inputs inputs = live_inputs();
  inputs.gates.push_back(run_folder("s", "perf.s.Z", R"({"schema": "perfgate.run/2", "test": 7})"));
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_FALSE(packet.ready);
  ASSERT_TRUE(has_blocker(packet, "invalid-artifact"));
  EXPECT_EQ(packet.blockers[0].file, "s/perf.s.Z/run.json");
  EXPECT_EQ(exit_code(packet), 2);
}

TEST(Readiness, FailedAndInconsistentDrillsAreBlockers) {
  Inputs inputs = live_inputs();
  inputs.drills.push_back({"a.drill.json", drill_json("benchmark-crash", 3, 3, true)});
  inputs.drills.push_back({"b.drill.json", drill_json("benchmark-hang", 3, 0, false)});
  inputs.drills.push_back({"c.drill.json", drill_json("benchmark-garbage", 3, 2, true)});
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_FALSE(packet.ready);
  EXPECT_TRUE(has_blocker(packet, "drill-failed"));
  EXPECT_TRUE(has_blocker(packet, "drill-inconsistent"));
  ASSERT_EQ(packet.drills.size(), 3U);
  EXPECT_EQ(packet.drills[0].name, "benchmark-crash");
  EXPECT_TRUE(packet.drills[0].passed);
  EXPECT_FALSE(packet.drills[1].passed);
}

TEST(Readiness, RequiredSuitesAndDrillsMustBeThere) {
  Inputs inputs = live_inputs();
  inputs.drills.push_back({"a.drill.json", drill_json("benchmark-crash", 3, 3, true)});
  inputs.requirements.suites = {"s", "other"};
  inputs.requirements.drills = {"benchmark-crash", "disk-full"};
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  ASSERT_EQ(packet.blockers.size(), 2U);
  EXPECT_EQ(packet.blockers[0].kind, "missing-suite");
  EXPECT_EQ(packet.blockers[0].suite, "other");
  EXPECT_EQ(packet.blockers[1].kind, "missing-drill");
  EXPECT_EQ(packet.blockers[1].drill, "disk-full");
}

TEST(Readiness, WaiversAreListedAndAnExpiredOneBlocks) {
  Inputs inputs = live_inputs();
  inputs.gates[0].report_source = "s/perf.s.A/report.json";
  inputs.gates[0].report_text = report_json(
      0, "passed", "[]",
      R"(, "waivers": [{"benchmark": "BM_A", "metric": "real_time", "expires": "2026-01-01", "status": "expired"},
                       {"benchmark": "BM_B", "status": "ready_to_retire"},
                       {"benchmark": "BM_C", "status": "in_force"}])");
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_EQ(packet.waivers.size(), 3U);
  EXPECT_TRUE(has_blocker(packet, "waiver-expired"));
  EXPECT_EQ(packet.blockers.size(), 1U);
  bool retire = false;
  for (const Finding& warning : packet.warnings) {
    retire = retire || warning.kind == "waiver-ready-to-retire";
  }
  EXPECT_TRUE(retire);
}

TEST(Readiness, SummaryAndRecordRunsAreNotGateResults) {
  Inputs inputs = live_inputs();
  std::string summary = run_json("s", "perfgate.s.summary", "passed", 0, "");
  summary.replace(summary.find("\"perf\""), 6, "\"summary\"");
  inputs.gates.push_back(run_folder("s", "summary", summary));
  const Files files;
  const Packet packet = fold(inputs, files.lookup());
  EXPECT_EQ(packet.tests.size(), 2U);
  EXPECT_TRUE(packet.ready);
}

TEST(RenderReadiness, JsonHasTheTopLevelMembers) {
  Inputs inputs = live_inputs();
  inputs.tool_version = "9.9.9";
  const Files files;
  std::ostringstream out;
  render_json(fold(inputs, files.lookup()), out);
  const std::string json = out.str();
  EXPECT_NE(json.find("\"schema\": \"perfgate.readiness/1\""), std::string::npos);
  EXPECT_NE(json.find("\"ready\": true"), std::string::npos);
  EXPECT_NE(json.find("\"blocker_count\": 0"), std::string::npos);
  EXPECT_NE(json.find("\"evidence\": \"live\""), std::string::npos);
  EXPECT_NE(json.find("\"sha256\": \"" + std::string(64, 'a') + "\""), std::string::npos);
}

TEST(RenderReadiness, MarkdownLeadsWithTheAnswer) {
  Inputs inputs = live_inputs();
  inputs.gates.push_back(
      run_folder("search", "perf.search.F", run_json("search", "perf.search.F", "failed", 1, "")));
  const Files files;
  std::ostringstream out;
  render_markdown(fold(inputs, files.lookup()), out);
  const std::string md = out.str();
  EXPECT_EQ(md.rfind("# perfgate readiness: NOT READY\n\nready: false, blocker_count: 1", 0), 0U)
      << md;
  EXPECT_NE(md.find("| `test-failed` | search / perf.search.F |"), std::string::npos) << md;
}

}  // namespace
}  // namespace perfgate::readiness

namespace perfgate::readiness {
namespace {

TEST(RenderReadiness, InTotoStatementSaysFailedAndNamesTheFailedTest) {
  Inputs inputs = live_inputs();
  inputs.gates.push_back(
      run_folder("search", "perf.search.F",
                 run_json("search", "perf.search.F", "failed", 1, evidence_json())));
  Files files;
  files.digests["/build/perfgate-artifacts/search/perf.search.F/results.json"] = k_results;
  std::ostringstream out;
  render_in_toto(fold(inputs, files.lookup()), out);
  const std::string json = out.str();
  EXPECT_NE(json.find("\"predicateType\": \"https://in-toto.io/attestation/test-result/v0.1\""),
            std::string::npos);
  EXPECT_NE(json.find("\"result\": \"FAILED\""), std::string::npos);
  EXPECT_NE(json.find("\"gitCommit\": \"abc123\""), std::string::npos);
  EXPECT_NE(json.find("\"failedTests\": [\n      \"search/perf.search.F\"\n    ]"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"name\": \"/src/gates/default.json\""), std::string::npos);
}

}  // namespace
}  // namespace perfgate::readiness
