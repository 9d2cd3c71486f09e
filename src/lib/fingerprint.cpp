#include <perfgate/baseline.hpp>

namespace perfgate {

std::vector<std::string> fingerprint_keys(std::string_view lane) {
  if (lane == k_lane_instructions) {
    // Instruction counts do not depend on the machine's speed, model or load, only on the code
    // that runs: the compiler and its flags, the libraries and valgrind it runs with, and how
    // perfgate pins the host the program sees (its heap and stack layout; docs/lanes.md).
    return {"compiler",    "cxx_flags", "build_type",       "benchmark_library",
            "cxx_runtime", "libc",      "valgrind_version", "pinned_host"};
  }
  // The runner class names these too (perfgate/host.hpp): a pool that shares one PERFGATE_RUNNER
  // name but not the speed of its hosts is still refused.
  return {"cpu_model", "num_cpus", "cpu_speed_band", "cpu_cache_signature", "compiler",
          "build_type"};
}

std::string lane_of(const RunContext& context) {
  const auto it = context.extra.find("lane");
  return it == context.extra.end() || it->second.empty() ? std::string(k_lane_wall_time)
                                                         : it->second;
}

std::vector<std::string> fingerprint_mismatches(const RunContext& baseline,
                                                const RunContext& candidate) {
  std::vector<std::string> mismatches;
  const std::string lane = lane_of(baseline);
  if (lane != lane_of(candidate)) {
    mismatches.push_back("lane: the baseline was measured in the " + lane +
                         " lane, this run in the " + lane_of(candidate) + " lane");
  }
  for (const auto& key : fingerprint_keys(lane)) {
    const auto recorded = baseline.extra.find(key);
    if (recorded == baseline.extra.end() || recorded->second.empty()) {
      continue;  // the baseline does not pin this key
    }
    const auto measured = candidate.extra.find(key);
    if (measured == candidate.extra.end()) {
      mismatches.push_back(key + ": the baseline was recorded with \"" + recorded->second +
                           "\", the candidate does not say");
    } else if (measured->second != recorded->second) {
      mismatches.push_back(key + ": the baseline was recorded with \"" + recorded->second +
                           "\", this run has \"" + measured->second + "\"");
    }
  }
  return mismatches;
}

}  // namespace perfgate
