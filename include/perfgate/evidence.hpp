// What a gate test's run.json records of the evidence its verdict rests on: the files it gated
// (results, policy, baseline or reference) with their content digests, and the machine and
// toolchain it measured on. Written by `perfgate run` (the optional "evidence" member of
// "perfgate.run/2", docs/formats.md), checked again by `perfgate readiness` (docs/readiness.md).
#pragma once

#include <string>
#include <vector>

namespace perfgate {

// One file a verdict rests on.
struct RecordedFile {
  std::string role;    // "results", "policy", "baseline" or "reference"
  std::string path;    // relative to the artifact folder when inside it, else absolute
  std::string digest;  // "sha256:<hex>" (digest.hpp) of the bytes the gate read
};

struct RunEvidence {
  // How the candidate was measured in this run: "benchmark" (the benchmark executable ran),
  // "paired" (baseline and candidate builds ran interleaved) or "instructions" (callgrind).
  std::string measured;
  std::string runner_fingerprint;  // the machine's fingerprint (fingerprint.hpp)
  std::string toolchain;           // the toolchain class, else "<compiler> <version> <build type>"
  std::vector<RecordedFile> files;
};

}  // namespace perfgate
