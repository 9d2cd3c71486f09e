// The suite summary as JUnit XML: one <testsuite> per suite, one <testcase> per gate test (its
// time the test's duration), a <failure> for every test that did not pass (failed, inconclusive,
// or an error of its run: invalid input, refused, run failed, timeout, no benchmarks) whose
// message is the test's summary line and whose body lists its worst decisions and conditions.
#include <perfgate/summary.hpp>

#include <string>
#include <vector>

#include "summary_support.hpp"

namespace perfgate {

namespace {

std::string seconds(double value) { return detail::format_fixed(value, 3); }

// The body of a test: its header lines, worst decisions and conditions, one per line.
std::string body(const TestSummary& test) {
  std::string text = "status: " + std::string(to_string(test.run.status)) + " (exit code " +
                     detail::format_integer(test.run.exit_code) + ")\n";
  const auto line = [&](std::string_view label, const std::string& value) {
    if (!value.empty()) {
      text += std::string(label) + ": " + value + "\n";
    }
  };
  line("summary", test.run.summary);
  line("commit", test.run.commit);
  line("lane", test.run.lane);
  line("baseline kind", test.run.baseline_kind);
  line("baseline", test.run.baseline);
  line("confirmation", test.run.confirmation);
  for (const std::string& condition : test.run.conditions) {
    line("condition", condition);
  }
  if (test.report) {
    for (const Decision& decision : test.report->worst) {
      line("decision", detail::format_decision_line(decision));
    }
    if (test.report->more > 0) {
      text += "... and " + detail::format_integer(test.report->more) + " more\n";
    }
  }
  line("artifacts", test.folder);
  return text;
}

struct Suite {
  std::string name;
  std::vector<const TestSummary*> tests;
  std::size_t failures = 0;
  double time = 0;
};

}  // namespace

void render_summary_junit(const SuiteSummary& summary, std::ostream& out,
                          const RenderOptions& options) {
  std::vector<Suite> suites;  // tests are sorted by suite
  std::size_t failures = 0;
  double time = 0;
  for (const TestSummary& test : summary.tests) {
    if (suites.empty() || suites.back().name != test.run.suite) {
      suites.push_back(Suite{test.run.suite, {}, 0, 0});
    }
    Suite& suite = suites.back();
    suite.tests.push_back(&test);
    suite.failures += test.passed() ? 0U : 1U;
    suite.time += test.run.duration_seconds;
  }
  for (const Suite& suite : suites) {
    failures += suite.failures;
    time += suite.time;
  }
  detail::StreamBuffer buffer(out);
  std::string& text = buffer.text();
  detail::open_junit(text, {summary.tests.size(), failures, 0, 0}, seconds(time));
  for (const Suite& suite : suites) {
    detail::open_junit_suite(text, "  <testsuite", suite.name,
                             {suite.tests.size(), suite.failures, 0, 0}, seconds(suite.time));
    text += "    <properties>\n      <property name=\"perfgate.version\" value=\"" +
            detail::escape_xml(options.tool_version) + "\"/>\n    </properties>\n";
    for (const TestSummary* test : suite.tests) {
      detail::open_junit_case(text, suite.name, test->run.test,
                              seconds(test->run.duration_seconds));
      if (!test->passed()) {
        text += "      <failure type=\"" + detail::escape_xml(to_string(test->run.status)) +
                "\" message=\"" +
                detail::escape_xml(test->run.summary.empty() ? to_string(test->run.status)
                                                             : test->run.summary) +
                "\">" + detail::escape_xml_text(body(*test)) + "</failure>\n";
      } else {
        text += "      <system-out>" + detail::escape_xml_text(body(*test)) + "</system-out>\n";
      }
      detail::close_junit_case(buffer);
    }
    text += "  </testsuite>\n";
  }
  detail::close_junit(buffer);
}

}  // namespace perfgate
