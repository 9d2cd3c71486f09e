// The JSON report, schema "perfgate.report/1" (docs/reports.md). Built as a Boost.JSON value
// (objects keep insertion order, so the key order is fixed) and written by a small pretty
// printer of our own: numbers go through std::to_chars (Boost.JSON 1.81 would write 1.5 as
// "1.5E0"), and a non-finite number is written as null and named under "non_finite".
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <perfgate/render.hpp>
#include <string>

#include "render_support.hpp"

namespace perfgate {

namespace {

namespace json = boost::json;

constexpr std::string_view k_schema = "perfgate.report/1";

json::string_view view(std::string_view text) { return {text.data(), text.size()}; }

json::value string_or_null(std::string_view text) {
  return text.empty() ? json::value(nullptr) : json::value(view(text));
}

// Adds `key: value` (null when absent or non-finite); a non-finite value is also recorded in
// `non_finite` under `path` as "NaN", "Infinity" or "-Infinity".
void put_number(json::object& object, std::string_view key, const std::optional<double>& value,
                json::object& non_finite, std::string_view path) {
  if (!value) {
    object.emplace(view(key), nullptr);
    return;
  }
  if (!std::isfinite(*value)) {
    object.emplace(view(key), nullptr);
    non_finite.emplace(view(path), view(detail::format_shortest(*value)));
    return;
  }
  object.emplace(view(key), *value);
}

json::object samples_object(const SampleSummary& samples, std::string_view prefix,
                            json::object& non_finite) {
  json::object object;
  object.emplace("n", static_cast<std::uint64_t>(samples.n));
  const auto put = [&](std::string_view key, const std::optional<double>& value) {
    put_number(object, key, value, non_finite, std::string(prefix) + "." + std::string(key));
  };
  put("min", samples.min);
  put("p50", samples.p50);
  put("p95", samples.p95);
  put("p99", samples.p99);
  put("max", samples.max);
  put("mean", samples.mean);
  return object;
}

json::object decision_object(const Decision& decision) {
  json::object non_finite;
  json::object object;
  object.emplace("benchmark", view(decision.benchmark));
  object.emplace("metric", string_or_null(decision.metric));
  object.emplace("rule", string_or_null(decision.rule));
  // A decision about a whole benchmark (missing, new) has no rule kind or statistic.
  object.emplace("kind", decision.rule.empty() ? json::value(nullptr)
                                               : json::value(view(to_string(decision.kind))));
  object.emplace("statistic", decision.metric.empty()
                                  ? json::value(nullptr)
                                  : json::value(view(to_string(decision.statistic))));
  object.emplace("verdict", view(to_string(decision.verdict)));
  object.emplace("unit", view(decision.unit));
  object.emplace("direction", view(to_string(decision.direction)));
  const auto put = [&](std::string_view key, const std::optional<double>& value) {
    put_number(object, key, value, non_finite, key);
  };
  put("baseline", decision.baseline);
  put("candidate", decision.candidate);
  put("change", decision.change);
  put("change_low", decision.change_low);
  put("change_high", decision.change_high);
  put("limit", decision.limit);
  put("warn_limit", decision.warn_limit);
  put("headroom", decision.headroom);
  object.emplace("limit_text", view(decision.limit_text));
  object.emplace("method", string_or_null(decision.method));
  put("mde", decision.mde);
  put("p_value", decision.p_value);
  object.emplace("undecided", decision.undecided);
  object.emplace("baseline_samples",
                 samples_object(decision.baseline_samples, "baseline_samples", non_finite));
  object.emplace("candidate_samples",
                 samples_object(decision.candidate_samples, "candidate_samples", non_finite));
  object.emplace("note", view(decision.note));
  object.emplace("non_finite", std::move(non_finite));
  return object;
}

json::object note_object(const Diagnostic& note) {
  json::object object;
  object.emplace("severity", view(detail::severity_name(note.severity)));
  object.emplace("file", view(note.file));
  if (note.line) {
    object.emplace("line", static_cast<std::uint64_t>(*note.line));
  } else {
    object.emplace("line", nullptr);
  }
  object.emplace("pointer", view(note.pointer));
  object.emplace("message", view(note.message));
  object.emplace("hint", view(note.hint));
  return object;
}

json::object report_object(const GateResult& result, const RenderOptions& options) {
  json::object report;
  report.emplace("schema", view(k_schema));
  json::object tool;
  tool.emplace("name", "perfgate");
  tool.emplace("version", view(options.tool_version));
  report.emplace("tool", std::move(tool));
  report.emplace("policy", view(result.policy_name));
  json::object sources;
  sources.emplace("baseline", view(result.baseline_source));
  sources.emplace("candidate", view(result.candidate_source));
  report.emplace("sources", std::move(sources));
  report.emplace("passed", detail::gate_passed(result));
  report.emplace("exit_code", exit_code(result));
  json::object counts;
  for (const Verdict verdict : detail::k_verdict_order) {
    counts.emplace(view(to_string(verdict)),
                   static_cast<std::uint64_t>(detail::verdict_count(result, verdict)));
  }
  report.emplace("counts", std::move(counts));
  report.emplace("next_repetitions", static_cast<std::uint64_t>(result.next_repetitions));
  json::array decisions;
  decisions.reserve(result.decisions.size());
  for (const Decision& decision : result.decisions) {
    decisions.emplace_back(decision_object(decision));
  }
  report.emplace("decisions", std::move(decisions));
  json::array notes;
  for (const Diagnostic& note : result.notes) {
    notes.emplace_back(note_object(note));
  }
  report.emplace("notes", std::move(notes));
  return report;
}

// A JSON string literal (RFC 8259): " and \ escaped, control characters as \n, \t, ... or \u00XX,
// everything else (UTF-8 included) as is. Written by hand because json::serialize builds a
// serializer per call, which dominates the time of a report with thousands of decisions.
void write_string(std::string_view text, std::string& out) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20U) {
          out += "\\u00";
          out += k_hex[byte >> 4U];
          out += k_hex[byte & 0x0FU];
        } else {
          out += c;
        }
        break;
      }
    }
  }
  out += '"';
}

// Two-space indentation, one member per line, "[]" and "{}" for empty containers.
void write_value(const json::value& value, std::string& out, std::size_t depth) {
  const auto newline = [&out](std::size_t level) {
    out += '\n';
    out.append(level * 2, ' ');
  };
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      out += detail::format_integer(value.get_int64());
      return;
    case json::kind::uint64:
      out += detail::format_integer(value.get_uint64());
      return;
    case json::kind::double_:
      out += detail::format_shortest(value.get_double());
      return;
    case json::kind::string:
      write_string(std::string_view(value.get_string().data(), value.get_string().size()), out);
      return;
    case json::kind::array: {
      const json::array& array = value.get_array();
      if (array.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const json::value& element : array) {
        if (!first) {
          out += ',';
        }
        first = false;
        newline(depth + 1);
        write_value(element, out, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    }
    case json::kind::object: {
      const json::object& object = value.get_object();
      if (object.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& member : object) {
        if (!first) {
          out += ',';
        }
        first = false;
        newline(depth + 1);
        write_string(std::string_view(member.key().data(), member.key().size()), out);
        out += ": ";
        write_value(member.value(), out, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

void render_json(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  std::string text;
  text.reserve(512 + result.decisions.size() * 1024);
  write_value(json::value(report_object(result, options)), text, 0);
  text += '\n';
  out << text;
}

}  // namespace perfgate
