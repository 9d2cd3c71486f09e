// `perfgate history export --format json` ("perfgate.history/1", history.hpp): the entries in the
// order given, each member always present (null when absent), read back by parse_history_json.
#include <perfgate/history.hpp>
#include <perfgate/version.hpp>

#include "render_json_writer.hpp"

namespace perfgate {

void render_history_json(const std::vector<HistoryEntry>& entries, std::ostream& out) {
  std::string text;
  text.reserve(256 + entries.size() * 640);
  detail::JsonWriter json(text);
  json.begin_document(k_history_schema, k_version);
  json.key("entries");
  json.begin_array();
  for (const HistoryEntry& e : entries) {
    json.element();
    json.begin_object();
    json.string_member("run_id", e.run_id);
    json.string_member("started_at", e.started_at);
    json.string_member("commit", e.commit);
    json.string_member("suite", e.suite);
    json.string_member("test", e.test);
    json.string_member("benchmark", e.benchmark);
    json.string_member("metric", e.metric);
    json.string_member("rule", e.rule);
    json.string_member("lane", e.lane);
    json.string_member("runner_class", e.runner_class);
    json.string_member("unit", e.unit);
    json.string_member("direction", e.direction);
    json.string_member("statistic", e.statistic);
    json.integer_member("samples", e.samples);
    json.number_member("value", e.value);
    json.number_member("min", e.min);
    json.number_member("max", e.max);
    json.number_member("mean", e.mean);
    json.number_member("baseline", e.baseline);
    json.number_member("change", e.change);
    json.number_member("limit", e.limit);
    json.number_member("warn_limit", e.warn_limit);
    json.string_member("limit_text", e.limit_text);
    json.string_member("rule_kind", e.rule_kind);
    json.string_member("verdict", e.verdict);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  text += '\n';
  out << text;
}

}  // namespace perfgate
