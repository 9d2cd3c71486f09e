// Baselines: the versioned record of what a suite's numbers are allowed to be.
// The file format ("perfgate.baseline/2") is described in docs/formats.md and docs/baselines.md.
#pragma once

#include <perfgate/model.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// Who recorded a baseline, from what, when and why.
struct Provenance {
  std::string recorded_at;   // UTC, ISO 8601
  std::string recorded_by;   // user or CI job that recorded it
  std::string reason;        // the written justification
  std::string source;        // results file(s) it was made from
  std::string tool_version;  // perfgate version that wrote it
  std::string command;       // how it was made, e.g. "perfgate baseline update ..."
  // In a history entry: the digest of the file this recording was (empty when it had none, a
  // perfgate.baseline/1 file). The current recording's digest is Baseline::digest.
  std::string digest;
};

struct Baseline {
  std::string suite;
  std::string runner;        // runner class the numbers belong to (may be empty)
  Provenance provenance;
  std::vector<Provenance> history;  // provenance of the baselines this one replaced, newest first
  RunSet runs;               // the samples, aggregates and run context
  // What the file carries: "sha256:<hex>" of the canonical text of everything else in it
  // (baseline_digest). Set by the reader; the writer computes its own.
  std::string digest;
};

}  // namespace perfgate

namespace perfgate {

// The baseline file's text ("perfgate.baseline/2"), deterministic: same input, same bytes. It
// carries its own "digest" (baseline_digest of the rest), which every read checks.
std::string write_baseline(const Baseline& baseline);

// The digest a baseline file's text must carry: "sha256:<hex>" of the canonical text of the
// document without its "digest" member (detail::canonical_json: no white space, numbers exactly as
// written). nullopt when the text is not JSON.
std::optional<std::string> baseline_digest(std::string_view text);

}  // namespace perfgate

namespace perfgate {

// The measurement lane a run context belongs to: its "lane" key ("instructions" for
// `perfgate measure instructions`); "wall-time" when it has none.
inline constexpr std::string_view k_lane_instructions = "instructions";
inline constexpr std::string_view k_lane_wall_time = "wall-time";
std::string lane_of(const RunContext& context);

// The run-context keys that must agree between a baseline and a candidate of `lane` for their
// numbers to be comparable. Wall time (a runner class): CPU model, core count, speed band, cache
// signature (host.hpp), compiler, build type. Instructions (toolchain-keyed, not CPU-keyed):
// compiler, flags, build type, the benchmark library, C++ runtime and C library, valgrind. A key
// the baseline does not record is not checked.
std::vector<std::string> fingerprint_keys(std::string_view lane = k_lane_wall_time);

// One line per fingerprint key the baseline records and the candidate contradicts (or lacks),
// under the baseline's lane; a candidate of another lane is a mismatch too.
std::vector<std::string> fingerprint_mismatches(const RunContext& baseline,
                                                const RunContext& candidate);

}  // namespace perfgate
