// CTest measurements for CDash. CTest 3.25 picks <CTestMeasurement ...>value</CTestMeasurement>
// out of a test's output, reads it with an XML parser and stores it as a NamedMeasurement in
// Test.xml; CDash graphs the numeric ones over builds, keyed by test name + measurement name.
// So names are built only from what does not change between runs (benchmark, metric, rule id,
// field) and never from values, verdicts or positions:
//
//   <benchmark>/<metric>/<rule>/candidate      the statistic over the candidate, normalised unit
//   <benchmark>/<metric>/<rule>/baseline       the same over the baseline
//   <benchmark>/<metric>/<rule>/change_pct     (candidate - baseline) / baseline, in per cent
//   <benchmark>/<metric>/<rule>/headroom_pct   headroom x 100 (pp of change, or % of an absolute
//   limit)
//   <benchmark>/<metric>/<rule>/limit_pct      a relative rule's fail limit x 100, in the bad
//                                              direction ("+15%" on a time and "-10%" on a
//                                              throughput both read 15 and 10)
//   <benchmark>/<metric>/<rule>/limit          any other rule's fail limit, in the metric's
//                                              normalised unit (ns for times)
//   <benchmark>/<metric>/<rule>/verdict        the verdict as a number, higher is worse, so that
//                                              CDash's chart of it reads as a status line:
//     0 pass, 1 improved, 2 new, 3 waived, 4 warn, 5 noisy (inconclusive), 6 missing, 7 fail,
//     8 error (docs/cdash.md has the same table)
//
// CDash computes no threshold and raises no alert on a custom measurement, so the limit and the
// verdict travel with the value.
//
// An empty metric or rule is left out of the name (with its '/'). Absent and non-finite values
// are not written (CDash cannot graph them; the verdict text says why). Then the run's header as
// text measurements where set (perfgate/commit, perfgate/lane, perfgate/baseline: the baseline
// kind, perfgate/confirmation, perfgate/conditions joined by "; ", perfgate/waivers: each waiver
// that matched and its status) and "perfgate verdict", the gate's summary line.
#include <cmath>
#include <optional>
#include <perfgate/render.hpp>
#include <string>

#include "render_support.hpp"

namespace perfgate {

namespace {

std::string measurement_prefix(const Decision& decision) {
  std::string name = decision.benchmark;
  for (const std::string* part : {&decision.metric, &decision.rule}) {
    if (!part->empty()) {
      name += '/';
      name += *part;
    }
  }
  return name;
}

// Raw values are written to read back exactly; per cents (a fraction x 100) are rounded to 10
// significant digits so that 0.1234 reads 12.34, not 12.340000000000002.
void numeric(std::string& out, const std::string& escaped_prefix, std::string_view field,
             const std::optional<double>& value, bool as_percent) {
  if (!value || !std::isfinite(*value)) {
    return;
  }
  out += "<CTestMeasurement type=\"numeric/double\" name=\"";
  out += escaped_prefix;
  out += '/';
  out += field;
  out += "\">";
  out += as_percent ? detail::format_general(*value * 100.0, 10) : detail::format_shortest(*value);
  out += "</CTestMeasurement>\n";
}

// The verdict as CDash draws it: one number per verdict, ordered from best to worst.
double verdict_code(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return 0;
    case Verdict::improved:
      return 1;
    case Verdict::new_benchmark:
      return 2;
    case Verdict::waived:
      return 3;
    case Verdict::warn:
      return 4;
    case Verdict::noisy:
      return 5;
    case Verdict::missing:
      return 6;
    case Verdict::fail:
      return 7;
    case Verdict::error:
      return 8;
  }
  return 8;
}

void text_measurement(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) {
    return;
  }
  out += "<CTestMeasurement type=\"text/string\" name=\"";
  out += detail::escape_xml(name);
  out += "\">";
  out += detail::escape_xml(value);
  out += "</CTestMeasurement>\n";
}

}  // namespace

void render_ctest(const GateResult& result, std::ostream& out, const RenderOptions& /*options*/) {
  std::string text;
  text.reserve(256 + result.decisions.size() * 400);
  for (const Decision& decision : result.decisions) {
    const std::string prefix = detail::escape_xml(measurement_prefix(decision));
    numeric(text, prefix, "candidate", decision.candidate, false);
    numeric(text, prefix, "baseline", decision.baseline, false);
    numeric(text, prefix, "change_pct", decision.change, true);
    numeric(text, prefix, "headroom_pct", decision.headroom, true);
    if (decision.kind == RuleKind::relative) {
      numeric(text, prefix, "limit_pct", decision.limit, true);
    } else {
      numeric(text, prefix, "limit", decision.limit, false);
    }
    numeric(text, prefix, "verdict", verdict_code(decision.verdict), false);
  }
  // The run's header, where the caller set it.
  const RunInfo& run = result.run;
  text_measurement(text, "perfgate/commit", run.commit);
  text_measurement(text, "perfgate/lane", run.lane);
  text_measurement(text, "perfgate/baseline", run.baseline_kind);
  text_measurement(text, "perfgate/confirmation", run.confirmation);
  std::string conditions;
  for (const std::string& condition : run.conditions) {
    conditions += conditions.empty() ? condition : "; " + condition;
  }
  text_measurement(text, "perfgate/conditions", conditions);
  // The waivers that matched this gate: pattern, metric, status, owner, expiry and tracking.
  std::string waivers;
  for (const WaiverUse& use : result.waivers) {
    waivers += (waivers.empty() ? "" : "; ") + describe(use.waiver) + ": " +
               std::string(to_string(use.status));
  }
  text_measurement(text, "perfgate/waivers", waivers);
  text_measurement(text, "perfgate verdict", detail::format_summary(result));
  out << text;
}

}  // namespace perfgate
