// The summary of a whole run: every gate test of one or more suites folded into one SuiteSummary,
// and its renderers (Markdown short enough for one pull-request comment, HTML, JUnit, JSON).
// Pure: the caller finds the artifact folders and reads their files (`perfgate report merge`).
#pragma once

#include <perfgate/evaluate.hpp>
#include <perfgate/evidence.hpp>
#include <perfgate/render.hpp>
#include <perfgate/result.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// How a gate test ended, as `perfgate run` writes it into run.json.
enum class TestStatus {
  passed,
  failed,
  inconclusive,
  invalid_input,
  run_failed,
  timeout,
  refused,
  no_benchmarks,
  error
};

std::string_view to_string(TestStatus status);  // "passed", ..., "invalid-input", "run-failed"
std::optional<TestStatus> test_status_from_string(std::string_view text);

// One gate test's run.json ("perfgate.run/2", docs/reports.md) as a summary reads it back; the
// writer's struct is RunLog (run_record.hpp): one name per type, or the one-definition rule
// breaks (two structs named RunRecord corrupted the stack under ASan). Members the reader does not know
// are ignored (a newer run step may add some); a missing or mistyped one is a diagnostic.
struct RecordedRun {
  std::string source;  // where it was read from (for messages)
  std::string test;    // "perf.example.BM_Sort"
  std::string suite;
  std::string family;
  std::string mode;  // perf, instr, smoke, validate, bootstrap, record, summary
  std::string lane;
  TestStatus status = TestStatus::error;
  int exit_code = 3;    // what CTest saw: 0..4
  std::string summary;  // one line, e.g. "gate FAILED: 1 fail, 7 pass"
  std::string commit;
  std::string runner;
  std::string baseline;  // relative to the source tree when inside it
  std::string baseline_kind;
  std::string confirmation;
  bool contended = false;
  std::vector<std::string> conditions;
  std::string started_at;  // ISO 8601
  double duration_seconds = 0;
  // The processes it ran that measured (every one but a warm-up), and the evidence its gate
  // recorded (absent from a run.json written before perfgate recorded it, or when no gate ran).
  std::size_t measuring_processes = 0;
  std::optional<RunEvidence> evidence;
};

Result<RecordedRun> parse_run_record(std::string_view text, const std::string& source);

// The most decisions a summary keeps per test (the worst ones; the rest are counted).
inline constexpr std::size_t k_worst_per_test = 10;

// What a summary needs from one report.json ("perfgate.report/1", render_json's schema): the
// counts and the worst decisions, most severe first (error, fail, missing, noisy, warn; within a
// verdict the one furthest beyond its limit first).
struct ReportDigest {
  std::string source;
  std::string status;  // "passed", "FAILED", "INCONCLUSIVE", "ERROR", "recorded"
  int exit_code = 0;
  VerdictCounts counts;
  std::size_t decisions = 0;
  std::vector<Decision> worst;  // at most `keep`
  std::size_t more = 0;         // decisions that needed attention beyond those kept
};

Result<ReportDigest> parse_report_digest(std::string_view text, const std::string& source,
                                         std::size_t keep = k_worst_per_test);

// One artifact folder as the caller read it.
struct ArtifactFolder {
  std::string folder;  // how reports name it, e.g. "example/perf.example.BM_Sort"
  std::string run_source;
  std::string run_text;
  std::string report_source;
  std::optional<std::string> report_text;  // report.json, when the gate ran
};

struct TestSummary {
  std::string folder;
  RecordedRun run;
  std::optional<ReportDigest> report;

  // Passed and exited 0: nothing to look at.
  [[nodiscard]] bool passed() const;
};

struct SuiteSummary {
  std::vector<TestSummary> tests;    // by suite, then test name (natural order)
  std::vector<std::string> commits;  // the distinct commits, in order of first appearance

  [[nodiscard]] std::size_t count(TestStatus status) const;
  [[nodiscard]] std::size_t contended() const;
};

// Folds the folders into one summary; every unreadable or invalid file is a diagnostic (file and
// JSON pointer). run.json records of mode "summary" (a summary test's own) are left out.
Result<SuiteSummary> summarize_artifacts(const std::vector<ArtifactFolder>& folders);

// The merged exit code: 2 when there is no test or a test had invalid input or was refused; else
// 3 when a test's run failed; else 1 when one failed; else 4 when one was inconclusive; else 0. A
// test counts by its exit code (what CTest saw); its status is what the reports show.
int exit_code(const SuiteSummary& summary);
// "passed", "FAILED", "INCONCLUSIVE", "ERROR", "INVALID" after exit_code().
std::string_view summary_status(const SuiteSummary& summary);

// Markdown is held under this many characters whatever the number of tests and benchmarks (a
// GitHub comment takes 65 536; a job summary 1 MiB).
inline constexpr std::size_t k_summary_markdown_budget = 60000;
// Rows of the Markdown table of tests that did not pass.
inline constexpr std::size_t k_summary_markdown_rows = 30;

// Format::markdown, html, junit or json (the formats FormatInfo::summary marks).
void render_summary(const SuiteSummary& summary, Format format, std::ostream& out,
                    const RenderOptions& options = {});
void render_summary_markdown(const SuiteSummary& summary, std::ostream& out,
                             const RenderOptions& options);
void render_summary_html(const SuiteSummary& summary, std::ostream& out,
                         const RenderOptions& options);
void render_summary_junit(const SuiteSummary& summary, std::ostream& out,
                          const RenderOptions& options);
void render_summary_json(const SuiteSummary& summary, std::ostream& out,
                         const RenderOptions& options);

}  // namespace perfgate
