// Reader for a fault drill's result ("perfgate.drill/1", `*.drill.json`, written by the drills of
// `ctest -L drill`; docs/readiness.md). Members it does not know are ignored: a newer drill may
// add some.
#include <perfgate/readiness.hpp>

#include "summary_reader.hpp"

namespace perfgate {

namespace {

void read_drill(DrillResult& drill, detail::MemberReader& member, Diagnostics& diagnostics) {
  drill.name = member.text("name", false);
  if (member.contains("name") && drill.name.empty()) {
    diagnostics.error(drill.source, "/name", "must not be empty",
                      "the drill's name, e.g. \"benchmark-crash\"");
  }
  drill.fault = member.contains("fault") ? member.text("fault") : "";
  drill.expected_exit = static_cast<int>(member.integer("expected_exit", 0, 255).value_or(0));
  drill.actual_exit = static_cast<int>(member.integer("actual_exit", 0, 255).value_or(0));
  drill.message_regex = member.contains("message_regex") ? member.text("message_regex") : "";
  drill.message_found = member.boolean("message_found");
  drill.artifacts_written = member.boolean("artifacts_written");
  drill.nothing_lost = member.boolean("nothing_lost");
  drill.passed = member.boolean("passed");
  drill.test = member.contains("test") ? member.text("test") : "";
  drill.details = member.contains("details") ? member.text("details") : "";
}

}  // namespace

Result<DrillResult> parse_drill(std::string_view text, const std::string& source) {
  return detail::read_record<DrillResult>(text, {"perfgate.drill", 1, "a drill result object"},
                                          source, read_drill);
}

}  // namespace perfgate
