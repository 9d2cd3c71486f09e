// A single self-contained HTML page: inline CSS, no JavaScript, no external assets, every piece
// of text escaped. A headline, the counts as a stacked bar, then the decisions that need
// attention and all decisions, each row with a small inline SVG chart: for a relative rule the
// change (with its confidence interval) against the warn and fail limits; for an absolute rule
// the candidate against the limit. Verdicts are coloured by CSS class.
#include <algorithm>
#include <cmath>
#include <optional>
#include <perfgate/render.hpp>
#include <string>

#include "render_support.hpp"

namespace perfgate {

namespace {

constexpr std::string_view k_style = R"css(
:root { --fail: #cf222e; --error: #82071e; --missing: #bc4c00; --noisy: #9a6700; --warn: #bf8700;
  --waived: #8250df; --improved: #1a7f37; --new: #0969da; --pass: #4ac26b; --ink: #1f2328;
  --muted: #656d76; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1.passed { color: var(--improved); } h1.failed { color: var(--fail); }
h2 { font-size: 17px; margin: 28px 0 8px; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 12px 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: middle; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { font-family: ui-monospace, monospace; white-space: nowrap; word-break: keep-all;
  overflow-wrap: normal; }
div.scroll { overflow-x: auto; }
ul.conditions { margin: 8px 0; padding: 6px 12px 6px 28px; background: #fff8c5;
  border-left: 4px solid var(--warn); }
h1.recorded { color: var(--ink); }
body.record td.verdict { color: var(--ink); }
body.record tr > td:first-child { box-shadow: none; }
td.verdict { font-weight: 600; white-space: nowrap; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
svg.chart { display: block; }
svg.counts { max-width: 100%; height: auto; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .limit-fail { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .limit-warn { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 2 2; }
svg .bad { fill: var(--fail); fill-opacity: 0.08; }
svg .ci { stroke: var(--ink); stroke-width: 1.2; }
td.note { color: var(--muted); }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
)css";

// Per verdict: text colour (.v-), chart fill (.f-), legend swatch (.b-) and the row's left edge
// (.r-), all from the --<verdict> colour above.
std::string verdict_style() {
  std::string css;
  for (const Verdict verdict : detail::k_verdict_order) {
    const std::string slug(detail::verdict_slug(verdict));
    const std::string colour = "var(--" + slug + ")";
    css += ".v-" + slug + " { color: " + colour + "; } .f-" + slug + " { fill: " + colour +
           "; } .b-" + slug + " { background: " + colour + "; }\n";
    css += ".r-" + slug + " > td:first-child { box-shadow: inset 4px 0 " + colour + "; }\n";
  }
  return css;
}

// SVG coordinates with one decimal: enough for a 200-pixel chart, and stable text.
std::string coordinate(double value) { return detail::format_fixed(value, 1); }

constexpr double k_chart_width = 220.0;
constexpr double k_chart_height = 22.0;

// The change of a relative rule on a symmetric axis around 0, scaled per row so the bar and
// the limits are always visible; the fail limit sits on the bad side (right for lower-is-better,
// left for higher-is-better) and the area beyond it is tinted.
std::string relative_chart(const Decision& decision) {
  const double change = *decision.change;
  const double bad_sign = decision.direction == Direction::higher_is_better ? -1.0 : 1.0;
  const std::optional<double> fail =
      decision.limit && std::isfinite(*decision.limit)
          ? std::optional<double>(bad_sign * std::fabs(*decision.limit))
          : std::nullopt;
  const std::optional<double> warn =
      decision.warn_limit && std::isfinite(*decision.warn_limit)
          ? std::optional<double>(bad_sign * std::fabs(*decision.warn_limit))
          : std::nullopt;
  double span = std::fabs(change);
  for (const std::optional<double>& value :
       {fail, warn, decision.change_low, decision.change_high}) {
    if (value && std::isfinite(*value)) {
      span = std::max(span, std::fabs(*value));
    }
  }
  span = std::max(span * 1.15, 0.01);
  const double half = k_chart_width / 2.0;
  const auto x = [&](double value) {
    return half + std::clamp(value / span, -1.0, 1.0) * (half - 4.0);
  };

  std::string svg;
  const double x0 = x(0.0);
  const double xc = x(change);
  if (fail) {
    const double xf = x(*fail);
    const double left = bad_sign > 0 ? xf : 0.0;
    const double width = bad_sign > 0 ? k_chart_width - xf : xf;
    svg += "<rect class=\"bad\" x=\"" + coordinate(left) + "\" y=\"0\" width=\"" +
           coordinate(width) + "\" height=\"" + coordinate(k_chart_height) + "\"/>";
  }
  svg += "<rect class=\"f-" + std::string(detail::verdict_slug(decision.verdict)) + "\" x=\"" +
         coordinate(std::min(x0, xc)) + "\" y=\"6\" width=\"" +
         coordinate(std::max(std::fabs(xc - x0), 1.0)) + "\" height=\"10\"/>";
  if (decision.change_low && decision.change_high && std::isfinite(*decision.change_low) &&
      std::isfinite(*decision.change_high)) {
    const std::string low = coordinate(x(*decision.change_low));
    const std::string high = coordinate(x(*decision.change_high));
    svg += "<path class=\"ci\" d=\"M" + low + " 11H" + high + "M" + low + " 7V15M" + high +
           " 7V15\"/>";
  }
  svg += "<line class=\"axis\" x1=\"" + coordinate(x0) + "\" y1=\"2\" x2=\"" + coordinate(x0) +
         "\" y2=\"20\"/>";
  if (warn) {
    const std::string xw = coordinate(x(*warn));
    svg += "<line class=\"limit-warn\" x1=\"" + xw + "\" y1=\"0\" x2=\"" + xw + "\" y2=\"22\"/>";
  }
  if (fail) {
    const std::string xf = coordinate(x(*fail));
    svg += "<line class=\"limit-fail\" x1=\"" + xf + "\" y1=\"0\" x2=\"" + xf + "\" y2=\"22\"/>";
  }
  std::string title = "change " + detail::format_percent(change);
  const std::string interval = detail::format_interval(decision);
  if (!interval.empty()) {
    title += " " + interval;
  }
  if (!decision.limit_text.empty()) {
    title += ", limit " + decision.limit_text;
  }
  return "<title>" + detail::escape_html(title) + "</title>" + svg;
}

// The candidate of an absolute rule on an axis from 0, against the limit.
std::string absolute_chart(const Decision& decision) {
  const double candidate = *decision.candidate;
  double span = std::fabs(candidate);
  for (const std::optional<double>& value : {decision.limit, decision.warn_limit}) {
    if (value && std::isfinite(*value)) {
      span = std::max(span, std::fabs(*value));
    }
  }
  if (span == 0.0) {
    span = 1.0;
  }
  span *= 1.15;
  const auto x = [&](double value) {
    return 4.0 + std::clamp(value / span, 0.0, 1.0) * (k_chart_width - 8.0);
  };
  std::string svg;
  const bool lower_bound = decision.direction == Direction::higher_is_better;
  if (decision.limit && std::isfinite(*decision.limit)) {
    const double xl = x(*decision.limit);
    const double left = lower_bound ? 0.0 : xl;
    const double width = lower_bound ? xl : k_chart_width - xl;
    svg += "<rect class=\"bad\" x=\"" + coordinate(left) + "\" y=\"0\" width=\"" +
           coordinate(width) + "\" height=\"" + coordinate(k_chart_height) + "\"/>";
  }
  svg += "<rect class=\"f-" + std::string(detail::verdict_slug(decision.verdict)) + "\" x=\"" +
         coordinate(x(0.0)) + "\" y=\"6\" width=\"" +
         coordinate(std::max(x(candidate) - x(0.0), 1.0)) + "\" height=\"10\"/>";
  svg += "<line class=\"axis\" x1=\"4.0\" y1=\"2\" x2=\"4.0\" y2=\"20\"/>";
  if (decision.warn_limit && std::isfinite(*decision.warn_limit)) {
    const std::string xw = coordinate(x(*decision.warn_limit));
    svg += "<line class=\"limit-warn\" x1=\"" + xw + "\" y1=\"0\" x2=\"" + xw + "\" y2=\"22\"/>";
  }
  if (decision.limit && std::isfinite(*decision.limit)) {
    const std::string xl = coordinate(x(*decision.limit));
    svg += "<line class=\"limit-fail\" x1=\"" + xl + "\" y1=\"0\" x2=\"" + xl + "\" y2=\"22\"/>";
  }
  std::string title = "candidate " + detail::format_human(candidate, decision.unit);
  if (!decision.limit_text.empty()) {
    title += ", limit " + decision.limit_text;
  }
  return "<title>" + detail::escape_html(title) + "</title>" + svg;
}

// The chart cell of one decision; empty when there is nothing to draw.
std::string decision_chart(const Decision& decision) {
  std::string body;
  if (decision.kind == RuleKind::relative && decision.change && std::isfinite(*decision.change)) {
    body = relative_chart(decision);
  } else if (decision.kind == RuleKind::absolute && decision.candidate &&
             std::isfinite(*decision.candidate)) {
    body = absolute_chart(decision);
  } else {
    return {};
  }
  return "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"220\" height=\"22\" "
         "viewBox=\"0 0 220 22\" role=\"img\">" +
         body + "</svg>";
}

// The counts as one stacked bar, most severe first, with a legend.
std::string counts_chart(const GateResult& result) {
  std::size_t total = 0;
  for (const Verdict verdict : detail::k_verdict_order) {
    total += detail::verdict_count(result, verdict);
  }
  if (total == 0) {
    return {};
  }
  constexpr double k_width = 600.0;
  std::string svg =
      "<svg class=\"counts\" xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"18\" "
      "viewBox=\"0 0 600 18\" role=\"img\"><title>" +
      detail::escape_html(detail::format_counts(result)) + "</title>";
  std::string legend = "<p class=\"legend\">";
  double x = 0.0;
  for (const Verdict verdict : detail::k_verdict_order) {
    const std::size_t count = detail::verdict_count(result, verdict);
    if (count == 0) {
      continue;
    }
    const double width = k_width * static_cast<double>(count) / static_cast<double>(total);
    const std::string slug(detail::verdict_slug(verdict));
    svg += "<rect class=\"f-" + slug + "\" x=\"" + coordinate(x) + "\" y=\"0\" width=\"" +
           coordinate(width) + "\" height=\"18\"/>";
    x += width;
    legend += "<span><i class=\"b-" + slug + "\"></i>" + detail::format_integer(count) + " " +
              detail::escape_html(to_string(verdict)) + "</span>";
  }
  svg += "</svg>\n";
  legend += "</p>\n";
  return svg + legend;
}

// One table cell, appended to `out`: the escaped text, or "-" when there is none.
void cell(std::string& out, std::string_view css_class, std::string_view text) {
  out += "<td";
  if (!css_class.empty()) {
    out += " class=\"";
    out += css_class;
    out += '"';
  }
  out += '>';
  if (text.empty()) {
    out += detail::k_no_value;
  } else {
    detail::append_escaped_xml(out, text);
  }
  out += "</td>";
}

// A cell of a name (benchmark, metric), breakable only between its parts.
void name_cell(std::string& out, std::string_view text) {
  if (text.empty()) {
    cell(out, "name", text);
    return;
  }
  out += "<td class=\"name\">";
  detail::append_breakable_name(out, text);
  out += "</td>";
}

void write_table(detail::StreamBuffer& buffer, const GateResult& result, bool only_attention,
                 bool with_interval, bool with_recent) {
  std::string& out = buffer.text();
  out +=
      "<div class=\"scroll\"><table>\n<thead><tr><th>verdict</th><th>benchmark</th>"
      "<th>metric</th><th>stat</th>"
      "<th>baseline</th><th>candidate</th><th>change</th>";
  if (with_interval) {
    out += "<th>CI</th>";
  }
  out += "<th>limit</th><th>headroom</th><th>change vs limit</th>";
  if (with_recent) {
    out += "<th>recent runs</th>";
  }
  out += "<th>note</th></tr></thead>\n<tbody>\n";
  for (const Decision& decision : result.decisions) {
    if (only_attention && decision.verdict == Verdict::pass) {
      continue;
    }
    const std::string_view slug = detail::verdict_slug(decision.verdict);
    out += "<tr class=\"r-";
    out += slug;
    out += "\"><td class=\"verdict v-";
    out += slug;
    out += "\">";
    detail::append_escaped_xml(out, to_string(decision.verdict));
    out += "</td>";
    name_cell(out, decision.benchmark);
    name_cell(out, decision.metric);
    cell(out, "", decision.metric.empty() ? std::string_view() : to_string(decision.statistic));
    cell(out, "num", detail::format_optional_human(decision.baseline, decision.unit));
    cell(out, "num", detail::format_optional_human(decision.candidate, decision.unit));
    cell(out, "num", decision.change ? detail::format_percent(*decision.change) : std::string());
    if (with_interval) {
      cell(out, "num", detail::format_interval(decision));
    }
    cell(out, "", decision.limit_text);
    cell(out, "num", detail::format_headroom(decision));
    out += "<td>";
    out += decision_chart(decision);
    out += "</td>";
    if (with_recent) {
      cell(out, "", detail::format_recent(decision));
    }
    cell(out, "note", decision.note);
    out += "</tr>\n";
    buffer.maybe_flush();
  }
  out += "</tbody>\n</table></div>\n";
}

// The page's header: headline, counts, the sources (paths relative to the roots), what the caller
// said about the run (conditions set apart, they qualify every number below) and the counts chart.
void write_header(std::string& text, const GateResult& result, const RenderOptions& options,
                  const std::string& headline) {
  const bool passed = detail::gate_passed(result) && result.accepted_inconclusive() == 0;
  const char* headline_class = result.run.record ? "recorded" : passed ? "passed" : "failed";
  text += "<header>\n<h1 class=\"" + std::string(headline_class) + "\">" +
          detail::escape_html(headline) + "</h1>\n";
  text += "<p class=\"summary\">" + detail::escape_html(detail::format_counts(result)) +
          " (exit code " + detail::format_integer(detail::report_exit_code(result)) + ")</p>\n";
  text += "<dl class=\"meta\">";
  const auto meta = [&](std::string_view label, const std::string& value) {
    text += "<dt>" + detail::escape_html(label) + "</dt><dd>" + detail::escape_html(value) +
            "</dd>";
  };
  meta("policy", result.policy_name);
  meta("baseline", display_path(result.baseline_source, options.path_roots));
  meta("candidate", display_path(result.candidate_source, options.path_roots));
  std::string conditions;
  for (const detail::HeaderLine& line : detail::run_header(result.run)) {
    if (line.label == "condition") {
      conditions += "<li>" + detail::escape_html(line.value) + "</li>\n";
    } else {
      meta(line.label, line.value);
    }
  }
  text += "</dl>\n";
  if (!conditions.empty()) {
    text += "<ul class=\"conditions\">\n" + conditions + "</ul>\n";
  }
  text += counts_chart(result);
  text += "</header>\n";
}

}  // namespace

void render_html(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  const std::string headline = "perfgate: " + detail::format_headline(result);
  detail::StreamBuffer buffer(out);
  std::string& text = buffer.text();
  text += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  text += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  text += "<meta name=\"generator\" content=\"perfgate " +
          detail::escape_html(options.tool_version) + "\">\n";
  text += "<title>" + detail::escape_html(headline + " \xE2\x80\x94 " + result.policy_name) +
          "</title>\n";
  text += "<style>";
  text += k_style;
  text += verdict_style();
  text += result.run.record ? "</style>\n</head>\n<body class=\"record\">\n"
                            : "</style>\n</head>\n<body>\n";
  write_header(text, result, options, headline);

  const bool with_interval = std::any_of(
      result.decisions.begin(), result.decisions.end(),
      [](const Decision& decision) { return decision.change_low && decision.change_high; });
  const bool with_recent =
      std::any_of(result.decisions.begin(), result.decisions.end(),
                  [](const Decision& decision) { return decision.recent.has_value(); });
  const bool any_attention =
      std::any_of(result.decisions.begin(), result.decisions.end(),
                  [](const Decision& decision) { return decision.verdict != Verdict::pass; });
  if (any_attention) {
    text += result.run.record ? "<section>\n<h2>Accepted changes</h2>\n"
                              : "<section>\n<h2>Needs attention</h2>\n";
    write_table(buffer, result, true, with_interval, with_recent);
    text += "</section>\n";
  }
  text += "<section>\n<h2>All decisions (" + detail::format_integer(result.decisions.size()) +
          ")</h2>\n";
  if (result.decisions.empty()) {
    text += "<p>No decisions were made.</p>\n";
  } else {
    text +=
        "<p class=\"legend\">Chart: the bar is the change (or, for an absolute limit, the "
        "candidate); the whisker is its confidence interval; the red dashed line is the fail "
        "limit and the tinted area beyond it fails; the amber line is the warn limit.</p>\n";
    write_table(buffer, result, false, with_interval, with_recent);
  }
  text += "</section>\n";

  if (!result.notes.empty()) {
    text += "<section>\n<h2>Notes</h2>\n<ul>\n";
    for (const Diagnostic& note : result.notes) {
      Diagnostic shown = note;
      shown.file = display_path(note.file, options.path_roots);
      std::string line = format_diagnostic(shown);
      while (!line.empty() && line.back() == '\n') {
        line.pop_back();
      }
      text += "<li><pre>" + detail::escape_xml_text(line) + "</pre></li>\n";
    }
    text += "</ul>\n</section>\n";
  }
  text += "<footer>Generated by perfgate " + detail::escape_html(options.tool_version) +
          ". No scripts, no external assets.</footer>\n";
  text += "</body>\n</html>\n";
  buffer.flush();
}

}  // namespace perfgate
