// Fixed GateResults that the golden tests render in every format. Built in C++ rather than read
// from files so that a renderer test does not depend on the parser or the evaluator.
#pragma once

#include <perfgate/evaluate.hpp>
#include <string>
#include <vector>

namespace perfgate::golden {

struct Case {
  std::string name;  // file stem of the golden files: tests/golden/<name>.<extension>
  GateResult result;
  std::vector<std::string> path_roots = {};  // RenderOptions::path_roots
};

// "mixed": every verdict kind, non-finite values, names that need escaping in every format.
// "all_pass": a small passing gate. "empty": no decisions and no notes. "contended": a failing
// gate with every RunInfo field (conditions included) and absolute paths, one under a path root
// and one under none. "recorded": a baseline record's before/after comparison. "waived": waivers in force,
// exceeded, ready to retire and expired (docs/waivers.md).
std::vector<Case> cases();

}  // namespace perfgate::golden
