// `perfgate history export --format csv`: one row per history entry (history.hpp), RFC 4180, a
// header row; numbers in shortest round-trip form, absent ones empty. The columns are those of the
// JSON export, in its order, so a spreadsheet or `perfgate changes` can read either.
#include <perfgate/history.hpp>

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "render_support.hpp"

namespace perfgate {

namespace {

constexpr std::array<std::string_view, 25> k_columns{
    "run_id",   "started_at", "commit",       "suite",     "test",       "benchmark", "metric",
    "rule",     "lane",       "runner_class", "unit",      "direction",  "statistic", "samples",
    "value",    "min",        "max",          "mean",      "baseline",   "change",    "limit",
    "warn_limit", "limit_text", "rule_kind",  "verdict"};

void number(std::string& line, const std::optional<double>& value) {
  line += ',';
  if (value && std::isfinite(*value)) {
    line += detail::format_shortest(*value);
  }
}

void text(std::string& line, std::string_view value, bool first = false) {
  if (!first) {
    line += ',';
  }
  line += detail::csv_field(value);
}

}  // namespace

void render_history_csv(const std::vector<HistoryEntry>& entries, std::ostream& out) {
  std::string line;
  for (const std::string_view column : k_columns) {
    text(line, column, line.empty());
  }
  out << line << "\r\n";
  for (const HistoryEntry& e : entries) {
    line.clear();
    text(line, e.run_id, true);
    for (const std::string* field : {&e.started_at, &e.commit, &e.suite, &e.test, &e.benchmark,
                                     &e.metric, &e.rule, &e.lane, &e.runner_class, &e.unit,
                                     &e.direction, &e.statistic}) {
      text(line, *field);
    }
    line += ',' + std::to_string(e.samples);
    for (const std::optional<double>* field :
         {&e.value, &e.min, &e.max, &e.mean, &e.baseline, &e.change, &e.limit, &e.warn_limit}) {
      number(line, *field);
    }
    text(line, e.limit_text);
    text(line, e.rule_kind);
    text(line, e.verdict);
    out << line << "\r\n";
  }
}

}  // namespace perfgate
