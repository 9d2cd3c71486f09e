// The suite summary as JSON, schema "perfgate.summary/1" (docs/reports.md): the overall status and
// counts, then one object per test with what its run.json said, its verdict counts and its worst
// decisions. Every key always present; absent text and numbers are null.
#include <perfgate/summary.hpp>

#include <cmath>
#include <cstdint>
#include <string>

#include "render_json_writer.hpp"
#include "summary_support.hpp"

namespace perfgate {

namespace {

using detail::JsonWriter;

void number_or_null(JsonWriter& json, std::string_view key, const std::optional<double>& value) {
  json.key(key);
  if (value && std::isfinite(*value)) {
    json.finite_number(*value);
  } else {
    json.null();
  }
}

void write_decision(JsonWriter& json, const Decision& decision) {
  json.begin_object();
  json.key("benchmark");
  json.string(decision.benchmark);
  json.key("metric");
  json.string_or_null(decision.metric);
  json.key("verdict");
  json.string(to_string(decision.verdict));
  number_or_null(json, "change", decision.change);
  json.key("limit_text");
  json.string(decision.limit_text);
  json.key("note");
  json.string(decision.note);
  json.end_object();
}

void write_report(JsonWriter& json, const ReportDigest& report) {
  json.begin_object();
  json.key("status");
  json.string(report.status);
  json.key("decisions");
  json.integer(static_cast<std::uint64_t>(report.decisions));
  json.key("counts");
  json.begin_object();
  for (const Verdict verdict : detail::k_verdict_order) {
    json.key(to_string(verdict));
    json.integer(static_cast<std::uint64_t>(report.counts.count(verdict)));
  }
  json.end_object();
  json.key("worst");
  json.begin_array();
  for (const Decision& decision : report.worst) {
    json.element();
    write_decision(json, decision);
  }
  json.end_array();
  json.key("more");
  json.integer(static_cast<std::uint64_t>(report.more));
  json.end_object();
}

void write_test(JsonWriter& json, const TestSummary& test) {
  const RunRecord& run = test.run;
  json.begin_object();
  json.text_member("test", run.test);
  json.text_member("suite", run.suite);
  json.text_member("family", run.family);
  json.text_member("mode", run.mode);
  json.text_member("lane", run.lane);
  json.key("status");
  json.string(to_string(run.status));
  json.key("exit_code");
  json.integer(run.exit_code);
  json.text_member("summary", run.summary);
  json.text_member("commit", run.commit);
  json.text_member("runner", run.runner);
  json.text_member("baseline", run.baseline);
  json.text_member("baseline_kind", run.baseline_kind);
  json.text_member("confirmation", run.confirmation);
  json.key("contended");
  json.boolean(run.contended);
  json.string_array("conditions", run.conditions);
  json.text_member("started_at", run.started_at);
  number_or_null(json, "duration_seconds", run.duration_seconds);
  json.text_member("folder", test.folder);
  json.key("report");
  if (test.report) {
    write_report(json, *test.report);
  } else {
    json.null();
  }
  json.end_object();
}

}  // namespace

void render_summary_json(const SuiteSummary& summary, std::ostream& out,
                         const RenderOptions& options) {
  detail::StreamBuffer buffer(out);
  JsonWriter json(buffer.text());
  json.begin_object();
  json.key("schema");
  json.string("perfgate.summary/1");
  json.key("tool");
  json.begin_object();
  json.key("name");
  json.string("perfgate");
  json.key("version");
  json.string(options.tool_version);
  json.end_object();
  json.key("status");
  json.string(summary_status(summary));
  json.key("exit_code");
  json.integer(exit_code(summary));
  json.key("counts");
  json.begin_object();
  for (const TestStatus status : detail::k_status_order) {
    json.key(to_string(status));
    json.integer(static_cast<std::uint64_t>(summary.count(status)));
  }
  json.end_object();
  json.key("contended");
  json.integer(static_cast<std::uint64_t>(summary.contended()));
  json.string_array("commits", summary.commits);
  json.key("tests");
  json.begin_array();
  for (const TestSummary& test : summary.tests) {
    json.element();
    write_test(json, test);
    buffer.maybe_flush();
  }
  json.end_array();
  json.end_object();
  buffer.text() += '\n';
  buffer.flush();
}

}  // namespace perfgate
