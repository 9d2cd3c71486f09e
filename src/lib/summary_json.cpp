// The suite summary as JSON, schema "perfgate.summary/1" (docs/reports.md): the overall status and
// counts, then one object per test with what its run.json said, its verdict counts and its worst
// decisions. Every key always present; absent text and numbers are null.
#include <perfgate/summary.hpp>

#include "render_json_writer.hpp"
#include "summary_support.hpp"

#include <cstdint>
#include <string>

namespace perfgate {

namespace {

using detail::JsonWriter;

void write_decision(JsonWriter& json, const Decision& decision) {
  json.begin_object();
  json.string_member("benchmark", decision.benchmark);
  json.text_member("metric", decision.metric);
  json.string_member("verdict", to_string(decision.verdict));
  json.number_member("change", decision.change);
  json.string_member("limit_text", decision.limit_text);
  json.string_member("note", decision.note);
  json.end_object();
}

void write_report(JsonWriter& json, const ReportDigest& report) {
  json.begin_object();
  json.string_member("status", report.status);
  json.integer_member("decisions", static_cast<std::uint64_t>(report.decisions));
  json.counts_member("counts", detail::k_verdict_order,
                     [&](Verdict verdict) { return report.counts.count(verdict); });
  json.key("worst");
  json.begin_array();
  for (const Decision& decision : report.worst) {
    json.element();
    write_decision(json, decision);
  }
  json.end_array();
  json.integer_member("more", static_cast<std::uint64_t>(report.more));
  json.end_object();
}

void write_test(JsonWriter& json, const TestSummary& test) {
  const RecordedRun& run = test.run;
  json.begin_object();
  json.text_member("test", run.test);
  json.text_member("suite", run.suite);
  json.text_member("family", run.family);
  json.text_member("mode", run.mode);
  json.text_member("lane", run.lane);
  json.string_member("status", to_string(run.status));
  json.integer_member("exit_code", run.exit_code);
  json.text_member("summary", run.summary);
  json.text_member("commit", run.commit);
  json.text_member("runner", run.runner);
  json.text_member("baseline", run.baseline);
  json.text_member("baseline_kind", run.baseline_kind);
  json.text_member("confirmation", run.confirmation);
  json.boolean_member("contended", run.contended);
  json.string_array("conditions", run.conditions);
  json.text_member("started_at", run.started_at);
  json.number_member("duration_seconds", run.duration_seconds);
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
  json.begin_document("perfgate.summary/1", options.tool_version);
  json.string_member("status", summary_status(summary));
  json.integer_member("exit_code", exit_code(summary));
  json.counts_member("counts", detail::k_status_order,
                     [&](TestStatus status) { return summary.count(status); });
  json.integer_member("contended", static_cast<std::uint64_t>(summary.contended()));
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
