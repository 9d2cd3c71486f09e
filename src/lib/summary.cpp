// The suite summary: folding the artifact folders of a run's gate tests into one SuiteSummary,
// and its verdict. Pure: the caller has read the files.
#include <perfgate/summary.hpp>

#include <perfgate/natural_order.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace perfgate {

namespace {

struct StatusName {
  TestStatus status;
  std::string_view name;
};

constexpr std::array<StatusName, 9> k_status_names{{
    {TestStatus::passed, "passed"},
    {TestStatus::failed, "failed"},
    {TestStatus::inconclusive, "inconclusive"},
    {TestStatus::invalid_input, "invalid-input"},
    {TestStatus::run_failed, "run-failed"},
    {TestStatus::timeout, "timeout"},
    {TestStatus::refused, "refused"},
    {TestStatus::no_benchmarks, "no-benchmarks"},
    {TestStatus::error, "error"},
}};

}  // namespace

std::string_view to_string(TestStatus status) {
  for (const StatusName& entry : k_status_names) {
    if (entry.status == status) {
      return entry.name;
    }
  }
  return "error";
}

std::optional<TestStatus> test_status_from_string(std::string_view text) {
  for (const StatusName& entry : k_status_names) {
    if (entry.name == text) {
      return entry.status;
    }
  }
  return std::nullopt;
}

bool TestSummary::passed() const { return run.status == TestStatus::passed && run.exit_code == 0; }

std::size_t SuiteSummary::count(TestStatus status) const {
  return static_cast<std::size_t>(
      std::count_if(tests.begin(), tests.end(),
                    [&](const TestSummary& test) { return test.run.status == status; }));
}

std::size_t SuiteSummary::contended() const {
  return static_cast<std::size_t>(std::count_if(
      tests.begin(), tests.end(), [](const TestSummary& test) { return test.run.contended; }));
}

Result<SuiteSummary> summarize_artifacts(const std::vector<ArtifactFolder>& folders) {
  Diagnostics diagnostics;
  SuiteSummary summary;
  for (const ArtifactFolder& folder : folders) {
    auto run = parse_run_record(folder.run_text, folder.run_source);
    if (!run) {
      diagnostics.append(run.error());
      continue;
    }
    if (run->mode == "summary") {
      continue;  // a summary test's own record, not a gate test
    }
    TestSummary test;
    test.folder = folder.folder;
    test.run = std::move(*run);
    if (folder.report_text) {
      auto report = parse_report_digest(*folder.report_text, folder.report_source);
      if (!report) {
        diagnostics.append(report.error());
        continue;
      }
      test.report = std::move(*report);
    }
    summary.tests.push_back(std::move(test));
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  std::stable_sort(summary.tests.begin(), summary.tests.end(),
                   [](const TestSummary& a, const TestSummary& b) {
                     if (a.run.suite != b.run.suite) {
                       return natural_less(a.run.suite, b.run.suite);
                     }
                     return natural_less(a.run.test, b.run.test);
                   });
  for (const TestSummary& test : summary.tests) {
    const std::string& commit = test.run.commit;
    if (!commit.empty() && std::find(summary.commits.begin(), summary.commits.end(), commit) ==
                               summary.commits.end()) {
      summary.commits.push_back(commit);
    }
  }
  return summary;
}

int exit_code(const SuiteSummary& summary) {
  if (summary.tests.empty()) {
    return 2;
  }
  // Most severe first: invalid input, a failed run, a failed gate, an undecided one.
  constexpr std::array<int, 4> k_severity{2, 3, 1, 4};
  for (const int code : k_severity) {
    const bool any =
        std::any_of(summary.tests.begin(), summary.tests.end(),
                    [&](const TestSummary& test) { return test.run.exit_code == code; });
    if (any) {
      return code;
    }
  }
  return 0;
}

std::string_view summary_status(const SuiteSummary& summary) {
  switch (exit_code(summary)) {
    case 0:
      return "passed";
    case 1:
      return "FAILED";
    case 2:
      return "INVALID";
    case 4:
      return "INCONCLUSIVE";
    default:
      return "ERROR";
  }
}

void render_summary(const SuiteSummary& summary, Format format, std::ostream& out,
                    const RenderOptions& options) {
  switch (format) {
    case Format::html:
      render_summary_html(summary, out, options);
      return;
    case Format::junit:
      render_summary_junit(summary, out, options);
      return;
    case Format::json:
      render_summary_json(summary, out, options);
      return;
    default:
      render_summary_markdown(summary, out, options);
      return;
  }
}

}  // namespace perfgate
