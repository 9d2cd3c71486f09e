// The JSON of `perfgate changes` (schema perfgate.changes/1, docs/history.md): per series its
// change points and creeps, indices being 0-based rows of the input, changes in percent.
#include <perfgate/changes.hpp>

#include "render_json_writer.hpp"

#include <cmath>
#include <cstddef>
#include <string>

namespace perfgate {

void render_changes_json(const std::vector<SeriesReport>& reports, std::ostream& out) {
  std::string text;
  detail::JsonWriter json(text);
  json.begin_object();
  json.string_member("schema", k_changes_schema);
  json.key("series");
  json.begin_array();
  for (const SeriesReport& report : reports) {
    json.element();
    json.begin_object();
    json.string_member("name", report.name);
    std::size_t points = 0;  // the values analysed: the rows that have one
    for (const double value : report.values) {
      points += std::isfinite(value) ? 1U : 0U;
    }
    json.integer_member("points", points);
    json.key("change_points");
    json.begin_array();
    for (const ChangePoint& point : report.changes.change_points) {
      json.element();
      json.begin_object();
      json.integer_member("index", point.index);
      json.text_member("id", point.index < report.ids.size() ? report.ids[point.index] : "");
      json.number_member("before", point.before);
      json.number_member("after", point.after);
      json.number_member("change_pct", point.change * 100.0);
      json.number_member("p", point.p);
      json.end_object();
    }
    json.end_array();
    json.key("creeps");
    json.begin_array();
    for (const Creep& creep : report.changes.creeps) {
      json.element();
      json.begin_object();
      json.integer_member("first", creep.first);
      json.integer_member("last", creep.last);
      json.number_member("per_point_pct", creep.per_point * 100.0);
      json.number_member("total_pct", creep.total * 100.0);
      json.number_member("p", creep.p);
      json.end_object();
    }
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.end_object();
  text += '\n';
  out << text;
}

}  // namespace perfgate
