// The trend report (docs/trend.md): one self-contained HTML page (inline CSS and SVG drawn here; no
// script, no network). It opens on what changed: a table of the series with findings, regressions
// first, each linked to its chart. Then one chart per series: the values run by run (each point
// coloured by its verdict, with a tooltip), the policy's warn and fail limits as bands, change
// points as vertical markers with their change, creeps as shaded ranges. Charts of series without
// findings sit in one closed <details>, so the browser lays out only what changed. Byte-stable:
// every number through number_format, ordering by key, nothing of the time of rendering.
#include <perfgate/trend.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "render_support.hpp"
#include "trend_support.hpp"

namespace perfgate {

namespace {

constexpr std::string_view k_style = R"css(
:root { --fail: #cf222e; --warn: #bf8700; --noisy: #9a6700; --pass: #4ac26b; --improved: #1a7f37;
  --other: #8c959f; --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --change: #0969da; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1.t-pass { color: var(--improved); } h1.t-fail { color: var(--fail); }
h1.t-change { color: var(--change); }
h2 { font-size: 17px; margin: 28px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.name { font-family: ui-monospace, monospace; white-space: nowrap; word-break: keep-all;
  overflow-wrap: normal; }
div.scroll { overflow-x: auto; }
td.status { font-weight: 600; white-space: nowrap; }
.c-regression { color: var(--fail); } .c-new-regression { color: var(--warn); }
.c-change { color: var(--change); }
tr.c-regression > td:first-child { box-shadow: inset 4px 0 var(--fail); }
tr.c-new-regression > td:first-child { box-shadow: inset 4px 0 var(--warn); }
ul.findings { margin: 0; padding-left: 18px; }
section.series { margin: 18px 0; content-visibility: auto; contain-intrinsic-size: auto 230px; }
section.series h3 { font-size: 14px; margin: 0 0 2px; }
p.meta { margin: 0 0 4px; color: var(--muted); font-size: 12px; }
svg.trend { display: block; max-width: 100%; height: auto; }
svg .frame { fill: none; stroke: var(--line); }
svg .line { fill: none; stroke: var(--ink); stroke-width: 1.2; }
svg .band-fail { fill: var(--fail); fill-opacity: 0.12; }
svg .band-warn { fill: var(--warn); fill-opacity: 0.12; }
svg .limit-fail { fill: none; stroke: var(--fail); stroke-width: 1; stroke-dasharray: 4 2; }
svg .limit-warn { fill: none; stroke: var(--warn); stroke-width: 1; stroke-dasharray: 2 2; }
svg .creep { fill: var(--change); fill-opacity: 0.10; }
svg .cp { stroke: var(--change); stroke-width: 1.5; }
svg .cp-regression { stroke: var(--fail); stroke-width: 2; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg text.cp { fill: var(--change); stroke: none; font-weight: 600; }
svg text.cp-regression { fill: var(--fail); stroke: none; font-weight: 600; }
svg circle { r: 2.5px; fill: var(--pass); } svg .v-warn { fill: var(--warn); }
svg .v-fail { fill: var(--fail); } svg .v-improved { fill: var(--improved); }
svg .v-noisy { fill: var(--noisy); } svg .v-other { fill: var(--other); }
details.quiet > summary { cursor: pointer; font-weight: 600; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
  vertical-align: middle; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
)css";

// The chart's geometry, in SVG user units.
constexpr double k_width = 760;
constexpr double k_height = 170;
constexpr double k_left = 96;
constexpr double k_right = 10;
constexpr double k_top = 16;
constexpr double k_bottom = 20;
constexpr double k_plot_width = k_width - k_left - k_right;
constexpr double k_plot_height = k_height - k_top - k_bottom;
// Above this many runs a chart marks only the runs that did not pass (each with its tooltip).
constexpr std::size_t k_all_points_max = 200;

std::string escaped(std::string_view text) { return detail::escape_html(text); }
std::string coordinate(double value) { return format_fixed(value, 1); }

std::string_view verdict_class(std::string_view verdict) {
  if (verdict == "pass" || verdict == "warn" || verdict == "fail" || verdict == "improved" ||
      verdict == "noisy") {
    return verdict;
  }
  return "other";
}

std::string class_slug(const TrendFinding& finding) {
  std::string slug(detail::finding_class(finding));
  std::replace(slug.begin(), slug.end(), ' ', '-');
  return slug;
}

std::optional<double> finite(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? value : std::nullopt;
}

// The fail and warn limit of each run as values of the metric (nullopt where none is known):
// baseline x (1 ± limit) for a relative rule (each run's own baseline and limit, else the latest
// run's), the limit itself for an absolute rule.
struct Limits {
  std::vector<std::optional<double>> fail;
  std::vector<std::optional<double>> warn;
  bool higher_is_better = false;
};

Limits series_limits(const TrendSeries& series) {
  Limits limits;
  const std::size_t count = series.runs.size();
  limits.fail.resize(count);
  limits.warn.resize(count);
  if (count == 0) {
    return limits;
  }
  const HistoryEntry& latest = series.runs.back();
  limits.higher_is_better = latest.direction == "higher_is_better";
  const double sign = limits.higher_is_better ? -1.0 : 1.0;
  for (std::size_t index = 0; index < count; ++index) {
    const HistoryEntry& run = series.runs[index];
    if (latest.rule_kind == "absolute") {
      limits.fail[index] = finite(latest.limit);
      limits.warn[index] = finite(latest.warn_limit);
    } else if (latest.rule_kind == "relative") {
      const std::optional<double> baseline =
          finite(run.baseline) ? finite(run.baseline) : finite(latest.baseline);
      const std::optional<double> fail = finite(run.limit) ? finite(run.limit) : finite(latest.limit);
      const std::optional<double> warn =
          finite(run.warn_limit) ? finite(run.warn_limit) : finite(latest.warn_limit);
      if (baseline && fail) {
        limits.fail[index] = *baseline * (1 + sign * std::fabs(*fail));
      }
      if (baseline && warn) {
        limits.warn[index] = *baseline * (1 + sign * std::fabs(*warn));
      }
    }
  }
  return limits;
}

class Chart {
 public:
  Chart(const TrendSeries& series, const Limits& limits) : m_series(series), m_limits(limits) {
    const std::size_t count = series.runs.size();
    m_step = count > 1 ? k_plot_width / static_cast<double>(count - 1) : k_plot_width;
    double low = INFINITY;
    double high = -INFINITY;
    for (const HistoryEntry& run : series.runs) {
      if (const auto value = finite(run.value)) {
        low = std::min(low, *value);
        high = std::max(high, *value);
      }
    }
    if (low > high) {
      low = 0;
      high = 1;
    }
    // Limits within reach of the values widen the range; far ones are drawn at the edge.
    const double mid = (low + high) / 2;
    const double reach = 3 * std::max(high - low, 0.05 * std::fabs(mid));
    for (const auto* lines : {&limits.fail, &limits.warn}) {
      for (const std::optional<double>& limit : *lines) {
        if (limit && std::fabs(*limit - mid) <= reach) {
          low = std::min(low, *limit);
          high = std::max(high, *limit);
        }
      }
    }
    const double pad = high > low ? 0.08 * (high - low) : std::max(0.05 * std::fabs(mid), 1e-9);
    m_low = low - pad;
    m_high = high + pad;
  }

  [[nodiscard]] double x(std::size_t index) const {
    return m_series.runs.size() > 1 ? k_left + m_step * static_cast<double>(index)
                                    : k_left + k_plot_width / 2;
  }
  [[nodiscard]] double y(double value) const {
    const double at = k_top + (m_high - value) / (m_high - m_low) * k_plot_height;
    return std::clamp(at, k_top, k_top + k_plot_height);
  }
  [[nodiscard]] double low() const { return m_low; }
  [[nodiscard]] double high() const { return m_high; }

  // The region beyond a limit line (a step per run), to the edge of the plot on the bad side,
  // and the line itself.
  void band(std::string& out, const std::vector<std::optional<double>>& limit,
            std::string_view name) const {
    const double edge = m_limits.higher_is_better ? k_top + k_plot_height : k_top;
    // Runs with the same limit side by side make one level segment.
    struct Segment {
      double from;
      double to;
      std::string at;
    };
    std::vector<Segment> segments;
    for (std::size_t index = 0; index < limit.size(); ++index) {
      if (!limit[index]) {
        continue;
      }
      const double from = std::max(k_left, x(index) - m_step / 2);
      const double to = std::min(k_left + k_plot_width, x(index) + m_step / 2);
      std::string at = coordinate(y(*limit[index]));
      if (!segments.empty() && segments.back().at == at && index > 0 && limit[index - 1]) {
        segments.back().to = to;
      } else {
        segments.push_back(Segment{from, to, std::move(at)});
      }
    }
    if (segments.empty()) {
      return;
    }
    std::string line;
    for (const Segment& segment : segments) {
      line += (line.empty() ? "M" : " L") + coordinate(segment.from) + " " + segment.at + " L" +
              coordinate(segment.to) + " " + segment.at;
    }
    out += "<path class=\"band-" + std::string(name) + "\" d=\"" + line + " L" +
           coordinate(segments.back().to) + " " + coordinate(edge) + " L" +
           coordinate(segments.front().from) + " " + coordinate(edge) + " Z\"/>";
    out += "<path class=\"limit-" + std::string(name) + "\" d=\"" + line + "\"/>";
  }

 private:
  const TrendSeries& m_series;
  const Limits& m_limits;
  double m_step = 0;
  double m_low = 0;
  double m_high = 1;
};

// "run 12, 2026-11-12T02:00:00Z", the commit, the value and the verdict (the run id is the
// series' test and the start, so it is not repeated).
std::string tooltip(const HistoryEntry& run, std::size_t index) {
  std::string text = "run " + format_integer(index + 1);
  if (!run.started_at.empty()) {
    text += ", " + run.started_at;
  }
  if (!run.commit.empty()) {
    text += "\ncommit " + detail::short_commit(run.commit);
  }
  text += "\n" + (finite(run.value) ? detail::format_human(*run.value, run.unit) : "no value");
  if (!run.verdict.empty()) {
    text += "\nverdict: " + run.verdict;
  }
  return escaped(text);
}

std::string finding_words(const TrendFinding& finding, const TrendSeries& series) {
  std::string text = std::string(detail::kind_name(finding.kind)) + " " +
                     format_percent(finding.change) + " at run " +
                     format_integer(finding.index + 1);
  if (!finding.commit.empty()) {
    text += " (commit " + detail::short_commit(finding.commit) + ")";
  } else if (!finding.run_id.empty()) {
    text += " (" + finding.run_id + ")";
  }
  if (finding.index < series.runs.size() && !series.runs[finding.index].started_at.empty()) {
    text += ", " + series.runs[finding.index].started_at.substr(0, 10);
  }
  return text;
}

void write_chart(std::string& out, const TrendSeries& series) {
  const Limits limits = series_limits(series);
  const Chart chart(series, limits);
  const std::string unit = series.runs.empty() ? std::string() : series.runs.back().unit;
  out += "<svg class=\"trend\" viewBox=\"0 0 " + coordinate(k_width) + " " + coordinate(k_height) +
         "\" width=\"" + format_integer(static_cast<int>(k_width)) + "\" height=\"" +
         format_integer(static_cast<int>(k_height)) + "\" role=\"img\">";
  out += "<rect class=\"frame\" x=\"" + coordinate(k_left) + "\" y=\"" + coordinate(k_top) +
         "\" width=\"" + coordinate(k_plot_width) + "\" height=\"" + coordinate(k_plot_height) +
         "\"/>";
  chart.band(out, limits.warn, "warn");
  chart.band(out, limits.fail, "fail");
  for (const TrendFinding& finding : series.findings) {
    if (finding.kind != TrendFinding::Kind::creep) {
      continue;
    }
    const double from = chart.x(finding.index);
    out += "<rect class=\"creep\" x=\"" + coordinate(from) + "\" y=\"" + coordinate(k_top) +
           "\" width=\"" + coordinate(chart.x(finding.last) - from) + "\" height=\"" +
           coordinate(k_plot_height) + "\"><title>" + escaped(finding.note) + "</title></rect>";
  }
  // The values: one path, broken where a run has none.
  std::string line;
  bool pen_down = false;
  for (std::size_t index = 0; index < series.runs.size(); ++index) {
    const auto value = finite(series.runs[index].value);
    if (!value) {
      pen_down = false;
      continue;
    }
    line += (line.empty() ? "M" : pen_down ? " L" : " M") + coordinate(chart.x(index)) + " " +
            coordinate(chart.y(*value));
    pen_down = true;
  }
  if (!line.empty()) {
    out += "<path class=\"line\" d=\"" + line + "\"/>";
  }
  for (const TrendFinding& finding : series.findings) {
    if (finding.kind != TrendFinding::Kind::step) {
      continue;
    }
    const double at = finding.index > 0 ? (chart.x(finding.index - 1) + chart.x(finding.index)) / 2
                                        : chart.x(finding.index);
    const std::string css = finding.regression ? "cp-regression" : "cp";
    out += "<line class=\"" + css + "\" x1=\"" + coordinate(at) + "\" y1=\"" +
           coordinate(k_top) + "\" x2=\"" + coordinate(at) + "\" y2=\"" +
           coordinate(k_top + k_plot_height) + "\"><title>" + escaped(finding.note) +
           "</title></line>";
    out += "<text class=\"" + css + "\" x=\"" + coordinate(at + 3) + "\" y=\"" +
           coordinate(k_top - 4) + "\">" + escaped(format_percent(finding.change)) + "</text>";
  }
  // A series without findings (collapsed, seldom opened) and a long one mark only the runs that
  // did not pass: a page of 1 000 series stays small enough to open in well under a second.
  const bool all_points = !series.findings.empty() && series.runs.size() <= k_all_points_max;
  for (std::size_t index = 0; index < series.runs.size(); ++index) {
    const HistoryEntry& run = series.runs[index];
    const auto value = finite(run.value);
    if (!value || (!all_points && run.verdict == "pass")) {
      continue;
    }
    // A pass is the default look (CSS), so most points carry no class.
    const std::string_view css = verdict_class(run.verdict);
    out += css == "pass" ? std::string("<circle") : "<circle class=\"v-" + std::string(css) + "\"";
    out += " cx=\"" + coordinate(chart.x(index)) + "\" cy=\"" + coordinate(chart.y(*value)) +
           "\"><title>" + tooltip(run, index) + "</title></circle>";
  }
  // The value axis: the top and bottom of the range; the run axis: the first and last date.
  out += "<text x=\"" + coordinate(k_left - 4) + "\" y=\"" + coordinate(k_top + 8) +
         "\" text-anchor=\"end\">" + escaped(detail::format_human(chart.high(), unit)) + "</text>";
  out += "<text x=\"" + coordinate(k_left - 4) + "\" y=\"" + coordinate(k_top + k_plot_height) +
         "\" text-anchor=\"end\">" + escaped(detail::format_human(chart.low(), unit)) + "</text>";
  if (!series.runs.empty()) {
    const double base = k_height - 5;
    out += "<text x=\"" + coordinate(k_left) + "\" y=\"" + coordinate(base) + "\">" +
           escaped(series.runs.front().started_at.substr(0, 10)) + "</text>";
    out += "<text x=\"" + coordinate(k_left + k_plot_width) + "\" y=\"" + coordinate(base) +
           "\" text-anchor=\"end\">" + escaped(series.runs.back().started_at.substr(0, 10)) +
           "</text>";
  }
  out += "</svg>\n";
}

void write_series(std::string& out, const TrendSeries& series, std::size_t id) {
  out += "<section class=\"series\" id=\"s" + format_integer(id) + "\"><h3 class=\"name\">";
  detail::append_breakable_name(out, to_string(series.key));
  out += "</h3><p class=\"meta\">" + format_integer(series.runs.size()) +
         (series.runs.size() == 1 ? " run" : " runs");
  if (!series.runs.empty()) {
    const HistoryEntry& latest = series.runs.back();
    if (finite(latest.value)) {
      out += " \xC2\xB7 latest " + escaped(detail::format_human(*latest.value, latest.unit));
    }
    if (!latest.limit_text.empty()) {
      out += " \xC2\xB7 fail limit " + escaped(latest.limit_text);
    }
    if (!latest.direction.empty()) {
      out += " \xC2\xB7 " + escaped(latest.direction);
    }
  }
  for (const TrendFinding& finding : series.findings) {
    out += "<br><span class=\"c-" + class_slug(finding) + "\">" +
           escaped(std::string(detail::finding_class(finding)) + ": " +
                   finding_words(finding, series)) +
           "</span> \xE2\x80\x94 " + escaped(finding.note);
  }
  out += "</p>\n";
  write_chart(out, series);
  out += "</section>\n";
}

void write_overview(std::string& out, const TrendResult& result,
                    const std::vector<std::size_t>& changed) {
  out += "<section>\n<h2>What changed (" + format_integer(changed.size()) + " of " +
         format_integer(result.series.size()) + " series)</h2>\n";
  if (changed.empty()) {
    out += "<p>No change point and no creep in any series.</p>\n</section>\n";
    return;
  }
  out +=
      "<div class=\"scroll\"><table>\n<thead><tr><th>series</th><th>status</th><th>runs</th>"
      "<th>findings</th></tr></thead>\n<tbody>\n";
  for (const std::size_t id : changed) {
    const TrendSeries& series = result.series[id];
    // The most severe finding names the row.
    const TrendFinding* worst = &series.findings.front();
    for (const TrendFinding& finding : series.findings) {
      const auto rank = [](const TrendFinding& f) { return f.regression ? (f.persistent ? 0 : 1) : 2; };
      if (rank(finding) < rank(*worst)) {
        worst = &finding;
      }
    }
    const std::string slug = class_slug(*worst);
    out += "<tr class=\"c-" + slug + "\"><td class=\"name\"><a href=\"#s" + format_integer(id) +
           "\">";
    detail::append_breakable_name(out, to_string(series.key));
    out += "</a></td><td class=\"status c-" + slug + "\">" +
           escaped(detail::finding_class(*worst)) + "</td><td class=\"num\">" +
           format_integer(series.runs.size()) + "</td><td><ul class=\"findings\">";
    for (const TrendFinding& finding : series.findings) {
      out += "<li class=\"c-" + class_slug(finding) + "\">" +
             escaped(finding_words(finding, series)) + "</li>";
    }
    out += "</ul></td></tr>\n";
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

constexpr std::string_view k_legend =
    "<p class=\"legend\"><span><i style=\"background:var(--pass)\"></i>pass</span>"
    "<span><i style=\"background:var(--warn)\"></i>warn</span>"
    "<span><i style=\"background:var(--fail)\"></i>fail</span>"
    "<span><i style=\"background:var(--improved)\"></i>improved</span>"
    "<span><i style=\"background:var(--noisy)\"></i>noisy</span>"
    "<span><i style=\"background:var(--other)\"></i>other verdict</span>"
    "<span><i style=\"background:var(--fail);opacity:.25\"></i>beyond the fail limit</span>"
    "<span><i style=\"background:var(--warn);opacity:.25\"></i>beyond the warn limit</span>"
    "<span><i style=\"background:var(--change)\"></i>change point</span>"
    "<span><i style=\"background:var(--change);opacity:.2\"></i>creep</span></p>\n";

}  // namespace

void render_trend_html(const TrendResult& result, std::ostream& out,
                       std::string_view tool_version) {
  detail::StreamBuffer buffer(out);
  std::string& text = buffer.text();
  const detail::TrendCounts counts = detail::trend_counts(result);
  const std::string headline =
      counts.regressions > 0
          ? "trend: " + detail::plural(counts.regressions, "regression", "regressions") + " (" +
                format_integer(counts.persistent) + " persistent)"
      : counts.changed > 0 ? "trend: " + detail::plural(counts.changed, "series", "series") +
                                 " changed, no regression"
                           : "trend: no change";
  const std::string tone = counts.regressions > 0 ? "fail" : counts.changed > 0 ? "change" : "pass";
  text += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  text += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  text += "<title>" + escaped(headline) + "</title>\n<style>";
  text += k_style;
  text += "</style>\n</head>\n<body>\n<header>\n<h1 class=\"t-" + tone + "\">" + escaped(headline) +
          "</h1>\n<p class=\"summary\">" + escaped(detail::format_trend_counts(counts)) +
          "</p>\n</header>\n";
  // Most severe first, then by key (the result's order).
  std::vector<std::size_t> changed;
  std::vector<std::size_t> quiet;
  for (int rank = 0; rank < 4; ++rank) {
    for (std::size_t id = 0; id < result.series.size(); ++id) {
      if (detail::series_rank(result.series[id]) == rank) {
        (rank < 3 ? changed : quiet).push_back(id);
      }
    }
  }
  write_overview(text, result, changed);
  text += k_legend;
  if (!changed.empty()) {
    text += "<section>\n<h2>Series that changed</h2>\n";
    for (const std::size_t id : changed) {
      write_series(text, result.series[id], id);
      buffer.maybe_flush();
    }
    text += "</section>\n";
  }
  if (!quiet.empty()) {
    text += "<section>\n<h2>Series without change (" + format_integer(quiet.size()) +
            ")</h2>\n<details class=\"quiet\"><summary>Show " +
            detail::plural(quiet.size(), "chart", "charts") + "</summary>\n";
    for (const std::size_t id : quiet) {
      write_series(text, result.series[id], id);
      buffer.maybe_flush();
    }
    text += "</details>\n</section>\n";
  }
  text += "<footer>Generated by perfgate";
  if (!tool_version.empty()) {
    text += " " + escaped(tool_version);
  }
  text += ". No scripts, no external assets.</footer>\n</body>\n</html>\n";
  buffer.flush();
}

}  // namespace perfgate
