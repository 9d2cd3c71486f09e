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

// The measuring processes of "processes": every one but a warm-up ("measure-warmup", ...).
// Tolerated when absent or odd: perfgate.run/2 always has it, but only this count matters here.
std::size_t measuring_processes(const boost::json::object& root) {
  const boost::json::value* processes = root.if_contains("processes");
  if (processes == nullptr || !processes->is_array()) {
    return 0;
  }
  std::size_t count = 0;
  for (const boost::json::value& process : processes->get_array()) {
    const boost::json::value* role =
        process.is_object() ? process.get_object().if_contains("role") : nullptr;
    const std::string_view name = role != nullptr && role->is_string()
                                      ? std::string_view(role->get_string())
                                      : std::string_view();
    if (!name.empty() && (name.size() < 6 || name.substr(name.size() - 6) != "warmup")) {
      ++count;
    }
  }
  return count;
}

bool valid_digest(std::string_view digest) {
  constexpr std::string_view k_prefix = "sha256:";
  return digest.size() == k_prefix.size() + 64 && digest.substr(0, k_prefix.size()) == k_prefix &&
         digest.find_first_not_of("0123456789abcdef", k_prefix.size()) == std::string_view::npos;
}

// The optional "evidence" member (evidence.hpp), which perfgate writes: every member checked.
std::optional<RunEvidence> read_evidence(const boost::json::value& value,
                                         const std::string& source, Diagnostics& diagnostics) {
  if (!value.is_object()) {
    diagnostics.error(source, "/evidence",
                      "expected an object (measured, runner_fingerprint, toolchain, files), got " +
                          detail::describe(value));
    return std::nullopt;
  }
  detail::MemberReader member(value.get_object(), source, "/evidence", diagnostics);
  RunEvidence evidence;
  evidence.measured = member.text("measured", false);
  evidence.runner_fingerprint = member.text("runner_fingerprint");
  evidence.toolchain = member.text("toolchain");
  const boost::json::value* files = member.required("files");
  if (files != nullptr && !files->is_array()) {
    member.wrong("files", "an array of {role, path, digest}", *files);
  } else if (files != nullptr) {
    const boost::json::array& array = files->get_array();
    for (std::size_t index = 0; index < array.size(); ++index) {
      const std::string pointer = detail::pointer_append("/evidence/files", index);
      if (!array[index].is_object()) {
        diagnostics.error(source, pointer,
                          "expected {role, path, digest}, got " + detail::describe(array[index]));
        continue;
      }
      detail::MemberReader entry(array[index].get_object(), source, pointer, diagnostics);
      RecordedFile file;
      file.role = entry.text("role", false);
      file.path = entry.text("path", false);
      file.digest = entry.text("digest");
      if (!file.digest.empty() && !valid_digest(file.digest)) {
        diagnostics.error(source, entry.pointer("digest"),
                          "expected \"sha256:\" and 64 lower-case hex digits, got \"" +
                              file.digest + "\"");
      }
      evidence.files.push_back(std::move(file));
    }
  }
  return evidence;
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
  return detail::read_document<RecordedRun>(
      text, {"perfgate.run", 2}, source,
      [&](const boost::json::object& root, Diagnostics& diagnostics) {
        detail::MemberReader member(root, source, "", diagnostics);
        RecordedRun run;
        run.source = source;
        read_run(run, member, diagnostics);
        run.measuring_processes = measuring_processes(root);
        if (const boost::json::value* evidence = root.if_contains("evidence")) {
          run.evidence = read_evidence(*evidence, source, diagnostics);
        }
        return run;
      });
}

}  // namespace perfgate
