// The JSON report, schema "perfgate.report/1" (docs/reports.md). Streamed straight into one
// string, in a fixed key order, by a small pretty printer of our own (two-space indentation,
// one member per line, "[]" and "{}" for empty containers): numbers go through std::to_chars
// (never the locale), and a non-finite number is written as null and named under "non_finite".
// No DOM: a report with tens of thousands of decisions costs one pass, no per-value allocation,
// and goes to the stream in pieces of about 64 KiB.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <perfgate/render.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render_json_writer.hpp"
#include "render_support.hpp"

namespace perfgate {

namespace {

using detail::JsonWriter;

constexpr std::string_view k_schema = "perfgate.report/1";

// The non-finite numbers of one decision, by path ("change", "candidate_samples.p50"), in the
// order they were written; a decision has at most 22 numbers.
class NonFinite {
 public:
  void add(std::string_view prefix, std::string_view key, double value) {
    std::string path;
    if (!prefix.empty()) {
      path.reserve(prefix.size() + 1 + key.size());
      path += prefix;
      path += '.';
    }
    path += key;
    m_entries.emplace_back(std::move(path), detail::format_shortest(value));
  }

  void write(JsonWriter& json) const {
    json.begin_object();
    for (const auto& [path, text] : m_entries) {
      json.key(path);
      json.string(text);
    }
    json.end_object();
  }

 private:
  std::vector<std::pair<std::string, std::string>> m_entries;
};

// `key: value` (null when absent or non-finite); a non-finite value is also recorded in
// `non_finite` under "<prefix>.<key>" (or "<key>") as "NaN", "Infinity" or "-Infinity".
void number_member(JsonWriter& json, std::string_view key, const std::optional<double>& value,
                   NonFinite& non_finite, std::string_view prefix = {}) {
  json.number_member(key, value);
  if (value && !std::isfinite(*value)) {
    non_finite.add(prefix, key, *value);
  }
}

void write_samples(JsonWriter& json, const SampleSummary& samples, std::string_view prefix,
                   NonFinite& non_finite) {
  json.begin_object();
  json.integer_member("n", static_cast<std::uint64_t>(samples.n));
  number_member(json, "min", samples.min, non_finite, prefix);
  number_member(json, "p50", samples.p50, non_finite, prefix);
  number_member(json, "p95", samples.p95, non_finite, prefix);
  number_member(json, "p99", samples.p99, non_finite, prefix);
  number_member(json, "max", samples.max, non_finite, prefix);
  number_member(json, "mean", samples.mean, non_finite, prefix);
  json.end_object();
}

// A waiver and what it did (docs/waivers.md): the fields `perfgate readiness` reads.
void write_waiver(JsonWriter& json, const WaiverUse& use) {
  const Waiver& waiver = use.waiver;
  json.begin_object();
  json.string_member("benchmark", waiver.benchmark);
  json.string_member("metric", waiver.metric);
  json.number_member("max_change_pct", waiver.max_change_pct);
  json.string_member("owner", waiver.owner);
  json.string_member("reason", waiver.reason);
  json.string_member("tracking", waiver.tracking);
  json.string_member("created", waiver.created.text());
  json.string_member("expires", waiver.expires.text());
  json.string_member("status", to_string(use.status));
  json.string_member("source", waiver.source);
  json.string_member("pointer", waiver.pointer);
  json.end_object();
}

void write_decision(JsonWriter& json, const Decision& decision) {
  NonFinite non_finite;
  json.begin_object();
  json.string_member("benchmark", decision.benchmark);
  json.text_member("metric", decision.metric);
  json.text_member("rule", decision.rule);
  // A decision about a whole benchmark (missing, new) has no rule kind or statistic.
  json.key("kind");
  if (decision.rule.empty()) {
    json.null();
  } else {
    json.string(to_string(decision.kind));
  }
  json.key("statistic");
  if (decision.metric.empty()) {
    json.null();
  } else {
    json.string(to_string(decision.statistic));
  }
  json.string_member("verdict", to_string(decision.verdict));
  json.string_member("unit", decision.unit);
  json.string_member("direction", to_string(decision.direction));
  number_member(json, "baseline", decision.baseline, non_finite);
  number_member(json, "candidate", decision.candidate, non_finite);
  number_member(json, "change", decision.change, non_finite);
  number_member(json, "change_low", decision.change_low, non_finite);
  number_member(json, "change_high", decision.change_high, non_finite);
  number_member(json, "limit", decision.limit, non_finite);
  number_member(json, "warn_limit", decision.warn_limit, non_finite);
  number_member(json, "headroom", decision.headroom, non_finite);
  json.string_member("limit_text", decision.limit_text);
  json.text_member("method", decision.method);
  number_member(json, "mde", decision.mde, non_finite);
  number_member(json, "p_value", decision.p_value, non_finite);
  json.boolean_member("undecided", decision.undecided);
  json.boolean_member("accepted", decision.accepted);
  json.key("baseline_samples");
  write_samples(json, decision.baseline_samples, "baseline_samples", non_finite);
  json.key("candidate_samples");
  write_samples(json, decision.candidate_samples, "candidate_samples", non_finite);
  json.key("recent");
  if (decision.recent) {
    const RecentHistory& recent = *decision.recent;
    json.begin_object();
    json.integer_member("runs", recent.runs);
    json.number_member("low", recent.low);
    json.number_member("high", recent.high);
    json.number_member("median", recent.median);
    json.number_member("slope", recent.slope);
    json.end_object();
  } else {
    json.null();
  }
  // Only on a decision a waiver touched, so that reports of gates without waivers stay as they were.
  if (decision.waiver) {
    json.key("waiver");
    write_waiver(json, *decision.waiver);
  }
  json.string_member("note", decision.note);
  json.key("non_finite");
  non_finite.write(json);
  json.end_object();
}

void write_note(JsonWriter& json, const Diagnostic& note) {
  json.begin_object();
  json.string_member("severity", detail::severity_name(note.severity));
  json.string_member("file", note.file);
  json.key("line");
  if (note.line) {
    json.integer(static_cast<std::uint64_t>(*note.line));
  } else {
    json.null();
  }
  json.string_member("pointer", note.pointer);
  json.string_member("message", note.message);
  json.string_member("hint", note.hint);
  json.end_object();
}

// What the caller said about the run (RunInfo); every key always present, empty text as null.
void write_run(JsonWriter& json, const RunInfo& run) {
  json.begin_object();
  json.text_member("test", run.test);
  json.text_member("suite", run.suite);
  json.text_member("family", run.family);
  json.text_member("commit", run.commit);
  json.text_member("lane", run.lane);
  json.text_member("baseline_kind", run.baseline_kind);
  json.text_member("confirmation", run.confirmation);
  json.string_array("conditions", run.conditions);
  json.boolean_member("record", run.record);
  if (run.record) {  // only an update's comparison has them
    json.text_member("reason", run.reason);
    json.text_member("digest", run.digest);
  }
  json.end_object();
}

void write_report(
JsonWriter& json, detail::StreamBuffer& buffer, const GateResult& result,
                  const RenderOptions& options) {
  json.begin_document(k_schema, options.tool_version);
  json.string_member("policy", result.policy_name);
  json.key("sources");
  json.begin_object();
  json.string_member("baseline", result.baseline_source);
  json.string_member("candidate", result.candidate_source);
  json.end_object();
  json.key("run");
  write_run(json, result.run);
  json.boolean_member("passed", detail::gate_passed(result));
  json.string_member("status",
                     result.run.record ? std::string_view("recorded") : to_string(status(result)));
  json.integer_member("inconclusive", static_cast<std::int64_t>(result.inconclusive()));
  json.integer_member("accepted_inconclusive",
                      static_cast<std::int64_t>(result.accepted_inconclusive()));
  json.integer_member("exit_code", static_cast<std::int64_t>(detail::report_exit_code(result)));
  json.counts_member("counts", detail::k_verdict_order,
                     [&](Verdict verdict) { return detail::verdict_count(result, verdict); });
  json.integer_member("next_repetitions", static_cast<std::uint64_t>(result.next_repetitions));
  json.key("decisions");
  json.begin_array();
  for (const Decision& decision : result.decisions) {
    json.element();
    write_decision(json, decision);
    buffer.maybe_flush();
  }
  json.end_array();
  json.key("notes");
  json.begin_array();
  for (const Diagnostic& note : result.notes) {
    json.element();
    write_note(json, note);
  }
  json.end_array();
  // Every waiver that matched this gate, with its status; absent when none did.
  if (!result.waivers.empty()) {
    json.key("waivers");
    json.begin_array();
    for (const WaiverUse& use : result.waivers) {
      json.element();
      write_waiver(json, use);
    }
    json.end_array();
  }
  json.end_object();
}

}  // namespace

void render_json(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  detail::StreamBuffer buffer(out);
  JsonWriter json(buffer.text());
  write_report(json, buffer, result, options);
  buffer.text() += '\n';
  buffer.flush();
}

}  // namespace perfgate
