// Reader for a gate test's run.json ("perfgate.run/2", written by `perfgate run`; docs/reports.md).
#include <perfgate/summary.hpp>

#include <algorithm>
#include <array>

#include "summary_reader.hpp"

namespace perfgate {

namespace {

constexpr std::array<std::string_view, 7> k_modes{"perf",      "instr",  "smoke",  "validate",
                                                  "bootstrap", "record", "summary"};

// "\"perf\", \"instr\", ..."
std::string quoted_modes() {
  std::string text;
  for (const std::string_view mode : k_modes) {
    text += (text.empty() ? "\"" : ", \"") + std::string(mode) + "\"";
  }
  return text;
}

// run.json's members, in the order `perfgate run` writes them.
void read_run(RecordedRun& run, detail::MemberReader& member, Diagnostics& diagnostics) {
  const std::string& source = run.source;
  run.test = member.text("test", false);
  run.suite = member.text("suite");
  run.family = member.text("family");
  run.mode = member.text("mode", false);
  if (!run.mode.empty() && std::find(k_modes.begin(), k_modes.end(), run.mode) == k_modes.end()) {
    diagnostics.error(source, "/mode",
                      "expected one of " + quoted_modes() + ", got \"" + run.mode + "\"");
  }
  run.lane = member.text("lane");
  const std::string status = member.text("status", false);
  if (const auto parsed = test_status_from_string(status)) {
    run.status = *parsed;
  } else if (member.contains("status")) {
    diagnostics.error(source, "/status",
                      "expected \"passed\", \"failed\", \"inconclusive\", \"invalid-input\", "
                      "\"run-failed\", \"timeout\", \"refused\", \"no-benchmarks\" or \"error\", "
                      "got \"" +
                          status + "\"");
  }
  run.exit_code = static_cast<int>(member.integer("exit_code", 0, 4).value_or(3));
  run.summary = member.text("summary");
  run.commit = member.text("commit");
  run.runner = member.text("runner");
  run.baseline = member.text("baseline");
  run.baseline_kind = member.text("baseline_kind");
  run.confirmation = member.text("confirmation");
  run.contended = member.boolean("contended");
  run.conditions = member.strings("conditions");
  run.started_at = member.text("started_at");
  if (member.required("duration_seconds") != nullptr) {
    const std::optional<double> duration = member.number_or_null("duration_seconds");
    run.duration_seconds = duration && *duration >= 0 ? *duration : 0;
  }
}

}  // namespace

Result<RecordedRun> parse_run_record(std::string_view text, const std::string& source) {
  return detail::read_record<RecordedRun>(text, {"perfgate.run", 2}, source, read_run);
}

}  // namespace perfgate
