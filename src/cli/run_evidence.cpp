// The evidence block of run.json (evidence.hpp): the digests of the files a gate test's verdict
// rests on, taken when its gate read them, so that `perfgate readiness` can tell evidence measured
// here from files replayed or altered since (docs/readiness.md).
#include <perfgate/digest.hpp>
#include <perfgate/io.hpp>

#include "run.hpp"

#include <algorithm>
#include <filesystem>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

// `path` relative to the artifact folder when it lies inside it (the folder can then be moved and
// checked again), else absolute.
std::string recorded_path(const RunState& state, const std::string& path) {
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(path, ec);
  const fs::path folder = fs::weakly_canonical(state.artifacts, ec);
  const fs::path inside = file.lexically_relative(folder);
  if (!inside.empty() && inside.native().rfind("..", 0) != 0) {
    return inside.generic_string();
  }
  return file.generic_string();
}

// Adds or updates the file's entry; a file that cannot be read gets no digest (the reader then
// calls the evidence unverifiable, never live).
void record_file(RunState& state, RunEvidence& evidence, const std::string& role,
                 const std::string& path) {
  if (path.empty()) {
    return;
  }
  RecordedFile file;
  file.role = role;
  file.path = recorded_path(state, path);
  if (auto text = read_text_file(path)) {
    file.digest = sha256_digest(*text);
  }
  const auto same = std::find_if(evidence.files.begin(), evidence.files.end(),
                                 [&](const RecordedFile& f) { return f.path == file.path; });
  if (same != evidence.files.end()) {
    *same = std::move(file);
  } else {
    evidence.files.push_back(std::move(file));
  }
}

}  // namespace

void record_evidence(RunState& state, const GateCall& call) {
  RunEvidence& evidence =
      state.record.evidence ? *state.record.evidence : state.record.evidence.emplace();
  evidence.measured = state.lane == run::Lane::instr ? "instructions"
                      : call.reference.empty()       ? "benchmark"
                                                     : "paired";
  evidence.runner_fingerprint = state.context["runner_fingerprint"];
  const BuildFacts& build = state.config.build;
  evidence.toolchain = !state.toolchain.name.empty()
                           ? state.toolchain.name
                           : build.cxx_compiler_id + " " + build.cxx_compiler_version + " " +
                                 (build.type.empty() ? "no build type" : build.type);
  for (const std::string& results : call.results) {
    record_file(state, evidence, "results", results);
  }
  record_file(state, evidence, "policy", call.policy);
  for (const std::string& baseline : call.baseline) {
    record_file(state, evidence, "baseline", baseline);
  }
  for (const std::string& reference : call.reference) {
    record_file(state, evidence, "reference", reference);
  }
}

}  // namespace perfgate::cli
