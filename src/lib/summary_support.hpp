// Internal: what the suite-summary renderers share: the order and marks of test statuses, the
// headline, the counts, and one decision in a line.
#pragma once

#include <perfgate/summary.hpp>

#include <array>
#include <string>
#include <string_view>

#include "render_support.hpp"

namespace perfgate::detail {

// Most severe first: the order of counts in every summary.
inline constexpr std::array<TestStatus, 9> k_status_order{
    TestStatus::invalid_input, TestStatus::refused,      TestStatus::run_failed,
    TestStatus::timeout,       TestStatus::error,        TestStatus::no_benchmarks,
    TestStatus::failed,        TestStatus::inconclusive, TestStatus::passed};

// "2 failed, 1 inconclusive, 55 passed"; "no tests" when empty.
inline std::string format_status_counts(const SuiteSummary& summary) {
  std::string text;
  for (const TestStatus status : k_status_order) {
    const std::size_t count = summary.count(status);
    if (count == 0) {
      continue;
    }
    text +=
        (text.empty() ? "" : ", ") + format_integer(count) + " " + std::string(to_string(status));
  }
  return text.empty() ? std::string("no tests") : text;
}

// "perfgate: every test passed (58 tests)", "perfgate: FAILED, 3 of 58 tests did not pass".
inline std::string format_summary_headline(const SuiteSummary& summary) {
  const std::size_t total = summary.tests.size();
  std::size_t not_passed = 0;
  for (const TestSummary& test : summary.tests) {
    not_passed += test.passed() ? 0U : 1U;
  }
  const std::string status(summary_status(summary));
  if (total == 0) {
    return "perfgate: " + status + ", no gate results";
  }
  if (not_passed == 0 && status == "passed") {
    return "perfgate: every test passed (" + format_integer(total) +
           (total == 1 ? " test)" : " tests)");
  }
  return "perfgate: " + status + ", " + format_integer(not_passed) + " of " +
         format_integer(total) + (total == 1 ? " test" : " tests") + " did not pass";
}

// A CSS class / JUnit type for a status: its name.
inline std::string_view status_slug(TestStatus status) { return to_string(status); }

// The kind of trouble a status is, for colours: "pass", "fail", "noisy", "error".
inline std::string_view status_tone(TestStatus status) {
  switch (status) {
    case TestStatus::passed:
      return "pass";
    case TestStatus::failed:
      return "fail";
    case TestStatus::inconclusive:
      return "noisy";
    default:
      return "error";
  }
}

// "BM_Sort/1024 real_time +30.0% (limit +10%): median real_time +30.0% > +10% (fail)".
inline std::string format_decision_line(const Decision& decision) {
  std::string text = std::string(to_string(decision.verdict)) + " " + decision.benchmark;
  if (!decision.metric.empty()) {
    text += " " + decision.metric;
  }
  if (decision.change) {
    text += " " + format_percent(*decision.change);
  }
  if (!decision.limit_text.empty()) {
    text += " (limit " + decision.limit_text + ")";
  }
  if (!decision.note.empty()) {
    text += ": " + decision.note;
  }
  return text;
}

// At most `limit` bytes of `text`, cut at a UTF-8 character boundary, with "…" when cut.
inline std::string shorten(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return std::string(text);
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6";
}

}  // namespace perfgate::detail
