// CSV (RFC 4180): a header, then one row per decision (benchmark x metric x rule), CRLF line
// ends. Numbers are raw and in normalised units (times in ns, change as a fraction) so a
// spreadsheet or pandas can compute with them; an absent value is an empty field and a
// non-finite one is written as NaN, Infinity or -Infinity.
#include <optional>
#include <perfgate/render.hpp>
#include <string>

#include "render_support.hpp"

namespace perfgate {

namespace {

constexpr std::string_view k_header =
    "benchmark,metric,rule,kind,statistic,verdict,unit,direction,baseline,candidate,change,"
    "change_low,change_high,limit,warn_limit,limit_text,headroom,method,mde,p_value,undecided,"
    "candidate_p50,candidate_p95,"
    "candidate_p99,candidate_mean,candidate_samples,baseline_samples,notes";

void append_number(std::string& line, const std::optional<double>& value) {
  line += ',';
  if (value) {
    line += detail::format_shortest(*value);
  }
}

void append_text(std::string& line, std::string_view text) {
  line += ',';
  line += detail::csv_field(text);
}

}  // namespace

void render_csv(const GateResult& result, std::ostream& out, const RenderOptions& /*options*/) {
  out << k_header << "\r\n";
  std::string line;
  for (const Decision& decision : result.decisions) {
    line = detail::csv_field(decision.benchmark);
    append_text(line, decision.metric);
    append_text(line, decision.rule);
    // A decision about a whole benchmark (missing, new) has no rule kind or statistic.
    append_text(line, decision.rule.empty() ? std::string_view() : to_string(decision.kind));
    append_text(line, decision.metric.empty() ? std::string_view() : to_string(decision.statistic));
    append_text(line, to_string(decision.verdict));
    append_text(line, decision.unit);
    append_text(line, to_string(decision.direction));
    append_number(line, decision.baseline);
    append_number(line, decision.candidate);
    append_number(line, decision.change);
    append_number(line, decision.change_low);
    append_number(line, decision.change_high);
    append_number(line, decision.limit);
    append_number(line, decision.warn_limit);
    append_text(line, decision.limit_text);
    append_number(line, decision.headroom);
    append_text(line, decision.method);
    append_number(line, decision.mde);
    append_number(line, decision.p_value);
    line += decision.undecided ? ",true" : ",false";
    append_number(line, decision.candidate_samples.p50);
    append_number(line, decision.candidate_samples.p95);
    append_number(line, decision.candidate_samples.p99);
    append_number(line, decision.candidate_samples.mean);
    line += ',';
    line += detail::format_integer(decision.candidate_samples.n);
    line += ',';
    line += detail::format_integer(decision.baseline_samples.n);
    append_text(line, decision.note);
    line += "\r\n";
    out << line;
  }
}

}  // namespace perfgate
