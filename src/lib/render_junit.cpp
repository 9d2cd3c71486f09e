// JUnit XML for CI test views (GitLab, Jenkins, GitHub test reporters). One <testsuite> per
// benchmark family (what a CTest test is registered for), one <testcase> per decision, plus a
// "perfgate" suite whose single "gate" testcase carries the gate's own verdict, so a CI system
// that reads only this file still fails when the gate fails with no failing decision (an empty
// result, an error note).
//
//   fail, missing        -> <failure>     the gate rejects it
//   error                -> <error>       it could not be measured or read
//   noisy                -> <failure>     it could not be decided: the gate is inconclusive (exit 4)
//   noisy accepted by the policy's on_inconclusive "warn", waived, new
//                        -> <skipped>     not enforced: let through, or no baseline
//   pass, improved, warn -> passed        warn and improved explain themselves in
//   <system-out>
//
// A baseline record's before/after comparison (RunInfo::record) is an accepted change: no
// <failure>, the gate testcase passes, and the summary says "baseline updated: N changes
// accepted".
#include <algorithm>
#include <cstddef>
#include <map>
#include <perfgate/render.hpp>
#include <string>
#include <vector>

#include "render_support.hpp"

namespace perfgate {

namespace {

enum class Outcome { passed, failure, error, skipped };

// A baseline record's before/after comparison is an accepted change: what would fail a gate
// passes (its numbers still in <system-out>).
Outcome outcome_of(const Decision& decision, bool record) {
  if (record && decision.verdict != Verdict::error) {
    return decision.verdict == Verdict::waived || decision.verdict == Verdict::new_benchmark
               ? Outcome::skipped
               : Outcome::passed;
  }
  switch (decision.verdict) {
    case Verdict::fail:
    case Verdict::missing:
      return Outcome::failure;
    case Verdict::error:
      return Outcome::error;
    case Verdict::noisy:
      return decision.accepted ? Outcome::skipped : Outcome::failure;
    case Verdict::waived:
    case Verdict::new_benchmark:
      return Outcome::skipped;
    case Verdict::pass:
    case Verdict::improved:
    case Verdict::warn:
      return Outcome::passed;
  }
  return Outcome::error;
}

struct Suite {
  std::string name;
  std::vector<const Decision*> decisions;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::size_t skipped = 0;
};

// "real_time/real_time-relative"; only the non-empty parts; "benchmark" for a decision about the
// benchmark as a whole (missing, new).
std::string testcase_name(const Decision& decision) {
  std::string name = decision.metric;
  if (!decision.rule.empty()) {
    if (!name.empty()) {
      name += '/';
    }
    name += decision.rule;
  }
  return name.empty() ? std::string("benchmark") : name;
}

// The numbers behind a decision, one per line: the body of <failure> and <error>, else
// <system-out>.
std::string details(const Decision& decision) {
  std::string text = "verdict: " + std::string(to_string(decision.verdict)) + "\n";
  if (!decision.metric.empty()) {
    text +=
        "metric: " + decision.metric + " (" + std::string(to_string(decision.statistic)) + ")\n";
  }
  if (decision.baseline) {
    text += "baseline: " + detail::format_human(*decision.baseline, decision.unit) + "\n";
  }
  if (decision.candidate) {
    text += "candidate: " + detail::format_human(*decision.candidate, decision.unit) + "\n";
  }
  if (decision.change) {
    text += "change: " + detail::format_percent(*decision.change);
    const std::string interval = detail::format_interval(decision);
    if (!interval.empty()) {
      text += " CI " + interval;
    }
    text += '\n';
  }
  if (!decision.limit_text.empty()) {
    text += "limit: " + decision.limit_text + "\n";
  }
  if (decision.headroom) {
    text += "headroom: " + detail::format_headroom(decision) + "\n";
  }
  if (!decision.method.empty()) {
    text += "method: " + decision.method + "\n";
  }
  if (decision.mde) {
    text += "minimum detectable effect: " + detail::format_percent(*decision.mde) + "\n";
  }
  if (decision.p_value) {
    text += "p-value: " + detail::format_general(*decision.p_value, 3) + "\n";
  }
  if (decision.undecided) {
    text += "undecided: more repetitions needed\n";
  }
  if (!decision.note.empty()) {
    text += "note: " + decision.note + "\n";
  }
  return text;
}

void property(std::string& out, std::string_view name, std::string_view value) {
  out += "      <property name=\"";
  out += detail::escape_xml(name);
  out += "\" value=\"";
  out += detail::escape_xml(value);
  out += "\"/>\n";
}

// The run's identity, once, on the gate's suite.
void write_properties(std::string& text, const GateResult& result, const RenderOptions& options) {
  text += "    <properties>\n";
  property(text, "perfgate.version", options.tool_version);
  property(text, "perfgate.policy", result.policy_name);
  property(text, "perfgate.baseline", result.baseline_source);
  property(text, "perfgate.candidate", result.candidate_source);
  std::size_t condition = 0;
  for (const detail::HeaderLine& line : detail::run_header(result.run)) {
    // "baseline kind" -> perfgate.baseline_kind; conditions numbered: perfgate.condition.1, ...
    std::string name = "perfgate." + std::string(line.label);
    std::replace(name.begin(), name.end(), ' ', '_');
    if (line.label == "condition") {
      name += "." + detail::format_integer(++condition);
    }
    property(text, name, line.value);
  }
  text += "    </properties>\n";
}

}  // namespace

void render_junit(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  // Suites in order of first appearance; decisions keep their given order inside a suite.
  std::vector<Suite> suites;
  std::map<std::string, std::size_t, std::less<>> suite_index;
  for (const Decision& decision : result.decisions) {
    std::string family = family_of(decision.benchmark);
    auto found = suite_index.find(family);
    if (found == suite_index.end()) {
      found = suite_index.emplace(family, suites.size()).first;
      suites.push_back(Suite{family, {}, 0, 0, 0});
    }
    Suite& suite = suites[found->second];
    suite.decisions.push_back(&decision);
    switch (outcome_of(decision, result.run.record)) {
      case Outcome::failure:
        ++suite.failures;
        break;
      case Outcome::error:
        ++suite.errors;
        break;
      case Outcome::skipped:
        ++suite.skipped;
        break;
      case Outcome::passed:
        break;
    }
  }

  const bool passed = detail::gate_passed(result);
  std::size_t failures = passed ? 0 : 1;  // the "gate" testcase
  std::size_t errors = 0;
  std::size_t skipped = 0;
  for (const Suite& suite : suites) {
    failures += suite.failures;
    errors += suite.errors;
    skipped += suite.skipped;
  }
  const std::size_t tests = result.decisions.size() + 1;

  detail::StreamBuffer buffer(out);
  std::string& text = buffer.text();
  detail::open_junit(text, {tests, failures, errors, skipped}, "0");

  // The gate itself.
  detail::open_junit_suite(text, "  <testsuite", "perfgate", {1, passed ? 0U : 1U, 0, 0}, "0");
  write_properties(text, result, options);
  const std::string summary = detail::format_summary(result);
  detail::open_junit_case(text, "perfgate", "gate", "0");
  if (!passed) {
    text += "      <failure type=\"gate\" message=\"" + detail::escape_xml(summary) + "\">" +
            detail::escape_xml_text(summary + " (exit code " +
                                    detail::format_integer(exit_code(result)) + ")\n") +
            "</failure>\n";
  }
  std::string gate_out = summary + "\n";
  for (const Diagnostic& note : result.notes) {
    gate_out += format_diagnostic(note);
  }
  text += "      <system-out>" + detail::escape_xml_text(gate_out) + "</system-out>\n";
  detail::close_junit_case(buffer);
  text += "  </testsuite>\n";

  for (const Suite& suite : suites) {
    detail::open_junit_suite(text, "  <testsuite", suite.name,
                             {suite.decisions.size(), suite.failures, suite.errors, suite.skipped},
                             "0");
    for (const Decision* decision : suite.decisions) {
      detail::open_junit_case(text, decision->benchmark, testcase_name(*decision), "0");
      const std::string_view verdict = to_string(decision->verdict);
      const auto write_message = [&] {
        detail::append_escaped_xml(text, verdict);
        if (!decision->note.empty()) {
          text += ": ";
          detail::append_escaped_xml(text, decision->note);
        }
      };
      const auto write_details = [&] {
        detail::append_escaped_xml(text, details(*decision), true);
      };
      switch (outcome_of(*decision, result.run.record)) {
        case Outcome::failure:
          text += "      <failure type=\"";
          detail::append_escaped_xml(text, verdict);
          text += "\" message=\"";
          write_message();
          text += "\">";
          write_details();
          text += "</failure>\n";
          break;
        case Outcome::error:
          text += "      <error type=\"";
          detail::append_escaped_xml(text, verdict);
          text += "\" message=\"";
          write_message();
          text += "\">";
          write_details();
          text += "</error>\n";
          break;
        case Outcome::skipped:
          text += "      <skipped message=\"";
          write_message();
          text += "\"/>\n      <system-out>";
          write_details();
          text += "</system-out>\n";
          break;
        case Outcome::passed:
          text += "      <system-out>";
          write_details();
          text += "</system-out>\n";
          break;
      }
      detail::close_junit_case(buffer);
    }
    text += "  </testsuite>\n";
  }
  detail::close_junit(buffer);
}

}  // namespace perfgate
