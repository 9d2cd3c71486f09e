// The text of `perfgate changes`: one block per series, one line per change point or creep, rows
// named by their id.
#include <perfgate/changes.hpp>
#include <perfgate/number_format.hpp>

#include <cmath>
#include <cstddef>
#include <string>

namespace perfgate {

namespace {

std::string row_name(const SeriesReport& report, std::size_t index) {
  std::string name = "row " + format_integer(index);
  if (index < report.ids.size() && !report.ids[index].empty()) {
    name += " (" + report.ids[index] + ")";
  }
  return name;
}

std::size_t finite_count(const std::vector<double>& values) {
  std::size_t count = 0;
  for (const double value : values) {
    count += std::isfinite(value) ? 1U : 0U;
  }
  return count;
}

}  // namespace

void render_changes_text(const std::vector<SeriesReport>& reports, std::ostream& out) {
  std::string text;
  for (const SeriesReport& report : reports) {
    const auto& changes = report.changes;
    text += report.name + ": " + format_integer(finite_count(report.values)) + " points, " +
            format_integer(changes.change_points.size()) +
            (changes.change_points.size() == 1 ? " change point, " : " change points, ") +
            format_integer(changes.creeps.size()) +
            (changes.creeps.size() == 1 ? " creep\n" : " creeps\n");
    for (const ChangePoint& point : changes.change_points) {
      text += "  change at " + row_name(report, point.index) + ": " +
              format_general(point.before, 6) + " -> " + format_general(point.after, 6) + " (" +
              format_percent(point.change) + ", p = " + format_general(point.p, 3) + ")\n";
    }
    for (const Creep& creep : changes.creeps) {
      text += "  creep from " + row_name(report, creep.first) + " to " +
              row_name(report, creep.last) + ": " + format_percent(creep.per_point, 2) +
              " per point, " + format_percent(creep.total) +
              " in all (p = " + format_general(creep.p, 3) + ")\n";
    }
  }
  out << text;
}

}  // namespace perfgate
