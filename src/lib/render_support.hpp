// Internal: what every renderer shares. Locale-independent number formatting (std::to_chars
// only), human units, escaping for XML/HTML, CSV and Markdown, and the gate summary.
// Header-only so that the renderers and their unit tests share one definition.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <ostream>
#include <perfgate/evaluate.hpp>
#include <perfgate/number_format.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace perfgate::detail {

// ---------------------------------------------------------------------------------------------
// Numbers. Never through iostreams or printf: the locale must not change a single byte.

// The shortest text that reads back the same; "NaN", "Infinity", "-Infinity" when non-finite.
// The renderers' names for the shared formatter (include/perfgate/number_format.hpp).
inline std::string format_shortest(double value) { return perfgate::format_number(value); }

// `value` with exactly `decimals` digits after the point.
inline std::string format_fixed(double value, int decimals) {
  return perfgate::format_fixed(value, decimals);
}

template <class Integer, class = std::enable_if_t<std::is_integral_v<Integer>>>
std::string format_integer(Integer value) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc() ? end : buffer.data());
}

// `value` with at most `precision` significant digits, trailing zeros dropped ("12.34",
// "1.5e-07"): for derived numbers such as per cents, whose last bits are rounding noise.
inline std::string format_general(double value, int precision) {
  return perfgate::format_general(value, precision);
}

// Three significant digits for a non-negative finite value: 1.23, 12.3, 123, 0.0123.
inline std::string three_significant(double value) {
  if (value == 0.0) {
    return "0";
  }
  if (value >= 99.95) {
    return format_fixed(value, 0);
  }
  if (value >= 9.995) {
    return format_fixed(value, 1);
  }
  if (value >= 0.9995) {
    return format_fixed(value, 2);
  }
  return perfgate::format_general(value, 3);
}

// Picks the largest prefix `factors[i]` not above `magnitude`, moving up one more when the
// rounded number would read 1000 (999.7 us is "1.00 ms", not "1000 us").
struct Scaled {
  double shown = 0;
  std::size_t index = 0;
};
template <std::size_t N>
Scaled scale_to_prefix(double magnitude, const std::array<double, N>& factors) {
  std::size_t index = 0;
  while (index + 1 < N && magnitude >= factors[index + 1]) {
    ++index;
  }
  double shown = magnitude / factors[index];
  if (shown >= 999.5 && index + 1 < N) {
    ++index;
    shown = magnitude / factors[index];
  }
  return {shown, index};
}

// A value in perfgate's normalised unit written for people, with three significant digits:
// times (unit "ns") as "456 ns", "1.23 us", "1.23 ms", "12.3 s"; bytes ("B", "B/s") with
// binary prefixes, "1.50 GiB/s"; everything else with SI prefixes on the number,
// "12.3M items/s", "1.20k allocs", "3 allocs", "0.5".
inline std::string format_human(double value, std::string_view unit) {
  if (!std::isfinite(value)) {
    return format_shortest(value);
  }
  std::string text = value < 0 ? "-" : "";
  const double magnitude = std::fabs(value);
  if (unit == "ns") {
    static constexpr std::array<double, 4> k_factors{1.0, 1e3, 1e6, 1e9};
    static constexpr std::array<std::string_view, 4> k_units{"ns", "us", "ms", "s"};
    const Scaled scaled = scale_to_prefix(magnitude, k_factors);
    return text + three_significant(scaled.shown) + " " + std::string(k_units[scaled.index]);
  }
  if (unit == "B" || unit == "B/s") {
    static constexpr std::array<double, 5> k_factors{1.0, 1024.0, 1048576.0, 1073741824.0,
                                                     1099511627776.0};
    static constexpr std::array<std::string_view, 5> k_prefixes{"", "Ki", "Mi", "Gi", "Ti"};
    const Scaled scaled = scale_to_prefix(magnitude, k_factors);
    return text + three_significant(scaled.shown) + " " + std::string(k_prefixes[scaled.index]) +
           std::string(unit);
  }
  static constexpr std::array<double, 5> k_factors{1.0, 1e3, 1e6, 1e9, 1e12};
  static constexpr std::array<std::string_view, 5> k_prefixes{"", "k", "M", "G", "T"};
  const Scaled scaled = scale_to_prefix(magnitude, k_factors);
  // Counts read as counts: "3 allocs", not "3.00 allocs".
  const bool whole = scaled.index == 0 && scaled.shown == std::floor(scaled.shown);
  text += whole ? format_integer(static_cast<long long>(scaled.shown))
                : three_significant(scaled.shown);
  text += k_prefixes[scaled.index];
  if (!unit.empty()) {
    text += ' ';
    text += unit;
  }
  return text;
}

// A fraction as a signed percentage with one decimal: 0.1234 -> "+12.3%", -0.05 -> "-5.0%".
inline std::string format_percent(double fraction) {
  return perfgate::format_percent(fraction, 1);
}

// A confidence interval of the change: "[-0.5%, +3.1%]"; empty when the decision has none.
inline std::string format_interval(const Decision& decision) {
  if (!decision.change_low || !decision.change_high) {
    return {};
  }
  return "[" + format_percent(*decision.change_low) + ", " + format_percent(*decision.change_high) +
         "]";
}

// Headroom as people read it: percentage points of change for a relative rule ("3.2 pp"),
// per cent of the limit for an absolute one ("12.0%"). Negative means beyond the limit.
inline std::string format_headroom(const Decision& decision) {
  if (!decision.headroom) {
    return {};
  }
  const double headroom = *decision.headroom;
  if (!std::isfinite(headroom)) {
    return format_shortest(headroom);
  }
  if (decision.kind == RuleKind::relative) {
    return format_fixed(headroom * 100.0, 1) + " pp";
  }
  return format_fixed(headroom * 100.0, 1) + "%";
}

// A decision's recent history in the local store (Decision::recent): the band of the last runs
// and their trend, e.g. "4.95 us to 5.10 us (20 runs), +0.4%/run"; "" when there is none. A
// trend under 0.05% per run is left out: that is noise, not a direction.
inline std::string format_recent(const Decision& decision) {
  if (!decision.recent) {
    return {};
  }
  const RecentHistory& recent = *decision.recent;
  std::string text = format_human(recent.low, decision.unit) + " to " +
                     format_human(recent.high, decision.unit) + " (" +
                     std::to_string(recent.runs) + " runs)";
  if (recent.slope && std::isfinite(*recent.slope) && std::abs(*recent.slope) >= 0.0005) {
    text += ", " + format_percent(*recent.slope) + "/run";
  }
  return text;
}

// An optional value in human units, or "" when absent.
inline std::string format_optional_human(const std::optional<double>& value,
                                         std::string_view unit) {
  return value ? format_human(*value, unit) : std::string();
}

// ---------------------------------------------------------------------------------------------
// Escaping.

// XML 1.0 / HTML: & < > " ' as entities; other C0 controls, which XML 1.0 cannot carry at all,
// become U+FFFD. In attribute values (`keep_line_breaks` false) tab, LF and CR become character
// references so they survive attribute-value normalisation; in element text they stay.
inline void append_escaped_xml(std::string& out, std::string_view text,
                               bool keep_line_breaks = false) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
        out += keep_line_breaks ? "\t" : "&#9;";
        break;
      case '\n':
        out += keep_line_breaks ? "\n" : "&#10;";
        break;
      case '\r':
        out += keep_line_breaks ? "\r" : "&#13;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20U || c == '\x7f') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
        break;
    }
  }
}

inline std::string escape_xml(std::string_view text, bool keep_line_breaks = false) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_escaped_xml(out, text, keep_line_breaks);
  return out;
}

// Element text that may span lines (JUnit <failure> bodies, <system-out>).
inline std::string escape_xml_text(std::string_view text) { return escape_xml(text, true); }

// The same rules suit HTML element content and attribute values.
inline std::string escape_html(std::string_view text) { return escape_xml(text); }

// A name (benchmark, metric, test) as HTML text with a line-break opportunity (<wbr>) after each
// of `separators` ('/' for benchmark names, "/." for test names), so that a narrow page wraps
// "BM_Sort<int>/1024/real_time" between its parts, never inside one (the page's CSS keeps words
// whole).
inline void append_breakable_name(std::string& out, std::string_view text,
                                  std::string_view separators = "/") {
  std::size_t start = 0;
  for (std::size_t at = text.find_first_of(separators); at != std::string_view::npos;
       at = text.find_first_of(separators, start)) {
    append_escaped_xml(out, text.substr(start, at + 1 - start));
    if (at + 1 < text.size()) {
      out += "<wbr>";
    }
    start = at + 1;
  }
  append_escaped_xml(out, text.substr(start));
}

// One RFC 4180 field: quoted (with "" for ") when it holds a comma, quote, CR or LF, or starts
// or ends with a space; otherwise as is.
inline std::string csv_field(std::string_view text) {
  bool quote = !text.empty() && (text.front() == ' ' || text.back() == ' ');
  for (const char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    return std::string(text);
  }
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

// Text for one GitHub-flavoured Markdown table cell: `|` and the punctuation that would start
// emphasis, code, links or HTML are backslash-escaped, `&` becomes &amp; and line breaks
// become spaces (a cell is one line).
inline std::string markdown_cell(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (const char c : text) {
    switch (c) {
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '~':
        out += '\\';
        out += c;
        break;
      case '&':
        out += "&amp;";
        break;
      case '\r':
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output. A report is collected in a buffer of about 64 KiB that goes to the stream whenever it
// fills, so a large report is never held (and copied) whole in memory a second time.
class StreamBuffer {
 public:
  static constexpr std::size_t k_flush_size = 64 * 1024;

  explicit StreamBuffer(std::ostream& out) : m_out(out) { m_text.reserve(k_flush_size + 8192); }
  StreamBuffer(const StreamBuffer&) = delete;
  StreamBuffer& operator=(const StreamBuffer&) = delete;

  std::string& text() { return m_text; }
  // Call between pieces of output (rows, elements), never in the middle of a piece that may
  // still be edited.
  void maybe_flush() {
    if (m_text.size() >= k_flush_size) {
      flush();
    }
  }
  void flush() {
    m_out.write(m_text.data(), static_cast<std::streamsize>(m_text.size()));
    m_text.clear();
  }

 private:
  std::ostream& m_out;
  std::string m_text;
};

// ---------------------------------------------------------------------------------------------
// JUnit XML: the frame both JUnit renderers write (the gate's report and the suite summary).

// How many tests of a <testsuites> or <testsuite> element there are and how they ended.
struct JunitCounts {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::size_t skipped = 0;
};

// `<tag name="…" tests="…" failures="…" errors="…" skipped="…" time="…">` and a newline, where
// `tag` is "<testsuites" or, indented, "  <testsuite".
inline void open_junit_suite(std::string& text, std::string_view tag, std::string_view name,
                             const JunitCounts& counts, std::string_view time) {
  text += tag;
  text += " name=\"";
  append_escaped_xml(text, name);
  text += "\" tests=\"" + format_integer(counts.tests) + "\" failures=\"" +
          format_integer(counts.failures) + "\" errors=\"" + format_integer(counts.errors) +
          "\" skipped=\"" + format_integer(counts.skipped) + "\" time=\"";
  text += time;
  text += "\">\n";
}

// The XML declaration and `<testsuites name="perfgate" …>`.
inline void open_junit(std::string& text, const JunitCounts& counts, std::string_view time) {
  text += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  open_junit_suite(text, "<testsuites", "perfgate", counts, time);
}

// `    <testcase classname="…" name="…" time="…">` and a newline.
inline void open_junit_case(std::string& text, std::string_view classname, std::string_view name,
                            std::string_view time) {
  text += "    <testcase classname=\"";
  append_escaped_xml(text, classname);
  text += "\" name=\"";
  append_escaped_xml(text, name);
  text += "\" time=\"";
  text += time;
  text += "\">\n";
}

// Closes a <testcase>; the buffer goes out when it is full.
inline void close_junit_case(StreamBuffer& buffer) {
  buffer.text() += "    </testcase>\n";
  buffer.maybe_flush();
}

// Closes the <testsuites> and sends the rest of the document.
inline void close_junit(StreamBuffer& buffer) {
  buffer.text() += "</testsuites>\n";
  buffer.flush();
}

// ---------------------------------------------------------------------------------------------
// Verdicts and the gate summary. Renderers read what the evaluator decided; they never decide.

// Most severe first: the order of counts in every summary.
inline constexpr std::array<Verdict, 9> k_verdict_order{
    Verdict::error,  Verdict::fail,     Verdict::missing,       Verdict::noisy, Verdict::warn,
    Verdict::waived, Verdict::improved, Verdict::new_benchmark, Verdict::pass};

inline std::size_t verdict_count(const GateResult& result, Verdict verdict) {
  const auto found = result.counts.by_verdict.find(verdict);
  return found == result.counts.by_verdict.end() ? 0 : found->second;
}

// The gate passed exactly when its exit code is 0 (warnings allowed). A baseline record's
// before/after comparison is an accepted change, never a failed gate.
inline bool gate_passed(const GateResult& result) {
  return result.run.record || exit_code(result) == 0;
}

// The exit code a report states: the gate's, or 0 for a baseline record (the record succeeded).
inline int report_exit_code(const GateResult& result) {
  return result.run.record ? 0 : exit_code(result);
}

// A record's changes: every decision that is not a plain pass.
inline std::size_t changed_count(const GateResult& result) {
  std::size_t changed = 0;
  for (const Decision& decision : result.decisions) {
    if (decision.verdict != Verdict::pass) {
      ++changed;
    }
  }
  return changed;
}

// "baseline updated: 3 changes accepted, reason: ..." (1 change, no changes): an update is an
// accepted change, never a failed gate.
inline std::string format_recorded(const GateResult& result) {
  const std::size_t changed = changed_count(result);
  std::string text = "baseline updated: " +
                     (changed == 0 ? std::string("no changes")
                                   : format_integer(changed) + (changed == 1 ? " change" : " changes")) +
                     " accepted";
  if (!result.run.reason.empty()) {
    text += ", reason: " + result.run.reason;
  }
  return text;
}

// "2 fail, 1 missing, 3 warn, 40 pass", most severe first; "no decisions" when empty.
inline std::string format_counts(const GateResult& result) {
  std::string text;
  for (const Verdict verdict : k_verdict_order) {
    const std::size_t count = verdict_count(result, verdict);
    if (count == 0) {
      continue;
    }
    if (!text.empty()) {
      text += ", ";
    }
    text += format_integer(count);
    text += ' ';
    text += to_string(verdict);
  }
  return text.empty() ? std::string("no decisions") : text;
}

// "gate FAILED: 2 fail, ...", "gate INCONCLUSIVE: 3 noisy, 40 pass" or "gate passed: 40 pass";
// a pass that the policy let through with undecided comparisons says how many went ungated; a
// baseline record "baseline recorded: 2 changes accepted (2 fail, 40 pass)".
inline std::string format_summary(const GateResult& result) {
  if (result.run.record) {
    return format_recorded(result) + " (" + format_counts(result) + ")";
  }
  std::string text = "gate " + std::string(to_string(status(result))) + ": " + format_counts(result);
  const std::size_t accepted = result.accepted_inconclusive();
  if (accepted > 0) {
    text += " (" + format_integer(accepted) + " not gated: accepted by on_inconclusive \"warn\")";
  }
  return text;
}

// The headline of a report: "gate passed", "gate FAILED", "gate INCONCLUSIVE", "gate ERROR",
// "gate passed, N not gated" when the policy accepted undecided comparisons, and for a baseline
// record "baseline recorded: N changes accepted".
inline std::string format_headline(const GateResult& result) {
  if (result.run.record) {
    return format_recorded(result);
  }
  std::string text = "gate " + std::string(to_string(status(result)));
  const std::size_t accepted = result.accepted_inconclusive();
  if (accepted > 0) {
    text += ", " + format_integer(accepted) + " not gated";
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// The report header: what the caller said about the run (RunInfo), as labelled lines, empty fields
// left out. Every format shows these; conditions (e.g. "measured under contention: ...") each get a
// line of their own.
struct HeaderLine {
  std::string_view label;  // "test", "commit", "lane", "baseline kind", "confirmation", "condition"
  std::string value;
};

inline std::vector<HeaderLine> run_header(const RunInfo& run) {
  std::vector<HeaderLine> lines;
  const auto add = [&](std::string_view label, const std::string& value) {
    if (!value.empty()) {
      lines.push_back(HeaderLine{label, value});
    }
  };
  add("test", run.test);
  add("commit", run.commit);
  add("lane", run.lane);
  add("baseline kind", run.baseline_kind);
  add("confirmation", run.confirmation);
  if (run.record) {
    lines.push_back(HeaderLine{"record", "before/after comparison of an updated baseline"});
  }
  add("reason", run.reason);
  add("baseline digest", run.digest);
  for (const std::string& condition : run.conditions) {
    add("condition", condition);
  }
  return lines;
}

// A CSS class / identifier for a verdict that never depends on how it is spelt for people.
inline std::string_view verdict_slug(Verdict verdict) { return to_string(verdict); }

inline std::string_view severity_name(Severity severity) { return to_string(severity); }

// ANSI SGR sequence for a verdict in the terminal table; reset with k_ansi_reset.
inline constexpr std::string_view k_ansi_reset = "\x1b[0m";
inline std::string_view ansi_colour(Verdict verdict) {
  switch (verdict) {
    case Verdict::fail:
    case Verdict::missing:
    case Verdict::error:
      return "\x1b[1;31m";  // bold red
    case Verdict::warn:
    case Verdict::noisy:
      return "\x1b[33m";  // yellow
    case Verdict::improved:
      return "\x1b[1;32m";  // bold green
    case Verdict::pass:
      return "\x1b[32m";  // green
    case Verdict::new_benchmark:
      return "\x1b[36m";  // cyan
    case Verdict::waived:
      return "\x1b[35m";  // magenta
  }
  return "";
}

// "benchmark-level" decisions (missing, new, an errored benchmark) have no metric; reports
// show this instead of an empty cell.
inline constexpr std::string_view k_no_value = "-";

}  // namespace perfgate::detail
