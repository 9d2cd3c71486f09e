// Reader of `perfgate history export` JSON ("perfgate.history/1", history.hpp), for `perfgate
// history import` and `perfgate trend --from`. Every problem names the file and the JSON pointer.
#include <perfgate/history.hpp>

#include "summary_reader.hpp"

namespace perfgate {

namespace {

HistoryEntry read_entry(detail::MemberReader& member) {
  HistoryEntry e;
  e.run_id = member.text("run_id", false);
  e.started_at = member.text("started_at", false);
  e.commit = member.text("commit");
  e.suite = member.text("suite");
  e.test = member.text("test");
  e.benchmark = member.text("benchmark", false);
  e.metric = member.text("metric", false);
  e.rule = member.text("rule");
  e.lane = member.text("lane");
  e.runner_class = member.text("runner_class");
  e.unit = member.text("unit");
  e.direction = member.text("direction");
  e.statistic = member.text("statistic");
  e.samples = static_cast<std::size_t>(member.integer("samples", 0, 1LL << 40).value_or(0));
  e.value = member.number_or_null("value");
  e.min = member.number_or_null("min");
  e.max = member.number_or_null("max");
  e.mean = member.number_or_null("mean");
  e.baseline = member.number_or_null("baseline");
  e.change = member.number_or_null("change");
  e.limit = member.number_or_null("limit");
  e.warn_limit = member.number_or_null("warn_limit");
  e.limit_text = member.text("limit_text");
  e.rule_kind = member.text("rule_kind");
  e.verdict = member.text("verdict");
  return e;
}

}  // namespace

Result<std::vector<HistoryEntry>> parse_history_json(std::string_view text,
                                                     const std::string& source) {
  return detail::read_document<std::vector<HistoryEntry>>(
      text, {"perfgate.history", 1, "a history export object"}, source,
      [&](const boost::json::object& root, Diagnostics& diagnostics) {
        std::vector<HistoryEntry> entries;
        const boost::json::value* list = root.if_contains("entries");
        if (list == nullptr || !list->is_array()) {
          diagnostics.error(source, "/entries",
                            list == nullptr ? "missing required member \"entries\""
                                            : "expected an array, got " + detail::describe(*list));
          return entries;
        }
        const boost::json::array& array = list->get_array();
        entries.reserve(array.size());
        for (std::size_t index = 0; index < array.size(); ++index) {
          const std::string pointer = detail::pointer_append("/entries", index);
          if (!array[index].is_object()) {
            diagnostics.error(source, pointer,
                              "expected an object, got " + detail::describe(array[index]));
            continue;
          }
          detail::MemberReader member(array[index].get_object(), source, pointer, diagnostics);
          entries.push_back(read_entry(member));
          const HistoryEntry& e = entries.back();
          if (e.run_id.empty() || e.benchmark.empty() || e.metric.empty()) {
            diagnostics.error(source, pointer, "run_id, benchmark and metric must not be empty");
          }
        }
        return entries;
      });
}

}  // namespace perfgate
