// The suite summary as one self-contained HTML page (inline CSS, no scripts, no external assets):
// the headline and counts, then one row per test, most severe first, each with its worst decisions
// in a collapsed <details>. Names wrap only between their parts.
#include <perfgate/summary.hpp>

#include <string>

#include "summary_support.hpp"

namespace perfgate {

namespace {

constexpr std::string_view k_style = R"css(
:root { --fail: #cf222e; --error: #82071e; --noisy: #9a6700; --pass: #1a7f37; --ink: #1f2328;
  --muted: #656d76; --line: #d0d7de; --warn: #bf8700; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1.t-pass { color: var(--pass); } h1.t-fail, h1.t-error { color: var(--fail); }
h1.t-noisy { color: var(--noisy); }
p.contended { padding: 6px 12px; background: #fff8c5; border-left: 4px solid var(--warn); }
div.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; }
.name { font-family: ui-monospace, monospace; white-space: nowrap; word-break: keep-all;
  overflow-wrap: normal; }
td.lane { white-space: nowrap; }
small.folder { color: var(--muted); }
td.status { font-weight: 600; white-space: nowrap; }
.s-pass { color: var(--pass); } .s-fail { color: var(--fail); } .s-noisy { color: var(--noisy); }
.s-error { color: var(--error); }
tr.s-fail > td:first-child, tr.s-error > td:first-child { box-shadow: inset 4px 0 var(--fail); }
tr.s-noisy > td:first-child { box-shadow: inset 4px 0 var(--noisy); }
ul.worst { margin: 4px 0; padding-left: 18px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
)css";

std::string escaped(std::string_view text) { return detail::escape_html(text); }

// The test's worst decisions and its conditions, collapsed.
std::string details_cell(const TestSummary& test) {
  std::string items;
  if (test.report) {
    for (const Decision& decision : test.report->worst) {
      items += "<li>" + escaped(detail::format_decision_line(decision)) + "</li>";
    }
    if (test.report->more > 0) {
      items += "<li>\xE2\x80\xA6 and " + detail::format_integer(test.report->more) +
               " more: see the test's report</li>";
    }
  }
  for (const std::string& condition : test.run.conditions) {
    items += "<li>" + escaped(condition) + "</li>";
  }
  if (!test.run.confirmation.empty()) {
    items += "<li>confirmation: " + escaped(test.run.confirmation) + "</li>";
  }
  if (items.empty()) {
    return escaped(test.run.summary);
  }
  return "<details><summary>" + escaped(test.run.summary) + "</summary><ul class=\"worst\">" +
         items + "</ul></details>";
}

void write_row(std::string& out, const TestSummary& test, const RenderOptions& options) {
  const std::string tone(detail::status_tone(test.run.status));
  out += "<tr class=\"s-" + tone + "\"><td class=\"name\">";
  detail::append_breakable_name(out, test.run.test, "/.");
  out += "<br><small class=\"name folder\">";
  detail::append_breakable_name(out, display_path(test.folder, options.path_roots));
  out += "</small></td><td class=\"status s-" + tone + "\">" + escaped(to_string(test.run.status));
  if (test.run.contended) {
    out += "<br><small>contended</small>";
  }
  out += "</td><td class=\"lane\">" + escaped(test.run.lane) + "</td><td>" +
         escaped(test.run.baseline_kind);
  if (!test.run.baseline.empty()) {
    out += "<br><small class=\"name\">";
    detail::append_breakable_name(out, display_path(test.run.baseline, options.path_roots));
    out += "</small>";
  }
  out += "</td><td>" + details_cell(test) + "</td></tr>\n";
}

}  // namespace

void render_summary_html(const SuiteSummary& summary, std::ostream& out,
                         const RenderOptions& options) {
  detail::StreamBuffer buffer(out);
  std::string& text = buffer.text();
  const std::string headline = detail::format_summary_headline(summary);
  const std::string tone = exit_code(summary) == 0   ? "pass"
                           : exit_code(summary) == 4 ? "noisy"
                                                     : "fail";
  text += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  text += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  text += "<title>" + escaped(headline) + "</title>\n<style>";
  text += k_style;
  text += "</style>\n</head>\n<body>\n<header>\n<h1 class=\"t-" + tone + "\">" + escaped(headline) +
          "</h1>\n";
  text += "<p class=\"summary\">" + escaped(detail::format_status_counts(summary)) +
          " (exit code " + detail::format_integer(exit_code(summary)) + ")";
  for (const std::string& commit : summary.commits) {
    text += " \xC2\xB7 commit " + escaped(commit);
  }
  text += "</p>\n";
  if (const std::size_t contended = summary.contended(); contended > 0) {
    text += "<p class=\"contended\">" + detail::format_integer(contended) +
            (contended == 1 ? " test was" : " tests were") +
            " measured under contention: their wall-time numbers may say more about the machine "
            "than about the code.</p>\n";
  }
  text += "</header>\n<section>\n<h2>Tests (" + detail::format_integer(summary.tests.size()) +
          ")</h2>\n";
  text +=
      "<div class=\"scroll\"><table>\n<thead><tr><th>test</th><th>status</th><th>lane</th>"
      "<th>baseline</th><th>summary</th></tr></thead>\n<tbody>\n";
  // Those that did not pass first, in the order of the summary; then the others.
  for (const bool passed : {false, true}) {
    for (const TestSummary& test : summary.tests) {
      if (test.passed() == passed) {
        write_row(text, test, options);
        buffer.maybe_flush();
      }
    }
  }
  text += "</tbody>\n</table></div>\n</section>\n";
  text += "<footer>Generated by perfgate " + escaped(options.tool_version) +
          ". No scripts, no external assets.</footer>\n</body>\n</html>\n";
  buffer.flush();
}

}  // namespace perfgate
