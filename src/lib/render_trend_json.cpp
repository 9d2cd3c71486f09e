// The trend as JSON (schema perfgate.trend/1, docs/trend.md): the counts, then every series with
// its key, its number of runs and its findings.
#include <perfgate/trend.hpp>

#include <string>

#include "render_json_writer.hpp"
#include "render_support.hpp"
#include "trend_support.hpp"

namespace perfgate {

void render_trend_json(const TrendResult& result, std::ostream& out,
                       std::string_view tool_version) {
  detail::StreamBuffer buffer(out);
  detail::JsonWriter json(buffer.text());
  json.begin_document(k_trend_schema, tool_version);
  const detail::TrendCounts counts = detail::trend_counts(result);
  json.key("summary");
  json.begin_object();
  json.integer_member("series", counts.series);
  json.integer_member("series_changed", counts.changed);
  json.integer_member("change_points", counts.steps);
  json.integer_member("creeps", counts.creeps);
  json.integer_member("regressions", counts.regressions);
  json.integer_member("persistent_regressions", counts.persistent);
  json.end_object();
  json.key("series");
  json.begin_array();
  for (const TrendSeries& series : result.series) {
    json.element();
    json.begin_object();
    json.string_member("name", to_string(series.key));
    json.string_member("suite", series.key.suite);
    json.string_member("benchmark", series.key.benchmark);
    json.string_member("metric", series.key.metric);
    json.string_member("rule", series.key.rule);
    json.string_member("lane", series.key.lane);
    json.string_member("runner_class", series.key.runner_class);
    const HistoryEntry* latest = series.runs.empty() ? nullptr : &series.runs.back();
    json.string_member("unit", latest ? latest->unit : "");
    json.string_member("direction", latest ? latest->direction : "");
    json.integer_member("runs", series.runs.size());
    json.text_member("first_at", series.runs.empty() ? "" : series.runs.front().started_at);
    json.text_member("last_at", latest ? latest->started_at : "");
    json.key("findings");
    json.begin_array();
    for (const TrendFinding& finding : series.findings) {
      json.element();
      json.begin_object();
      json.string_member("kind", detail::kind_name(finding.kind));
      json.integer_member("index", finding.index);
      json.integer_member("last", finding.last);
      json.string_member("run_id", finding.run_id);
      json.text_member("commit", finding.commit);
      json.text_member("started_at",
                       finding.index < series.runs.size() ? series.runs[finding.index].started_at
                                                          : "");
      json.number_member("change", finding.change);
      json.string_member("change_pct", format_percent(finding.change, 2));
      json.number_member("p", finding.p);
      json.boolean_member("regression", finding.regression);
      json.boolean_member("persistent", finding.persistent);
      json.string_member("note", finding.note);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    buffer.maybe_flush();
  }
  json.end_array();
  json.end_object();
  buffer.text() += '\n';
  buffer.flush();
}

}  // namespace perfgate
