#include <perfgate/baseline.hpp>

namespace perfgate {

std::vector<std::string> fingerprint_keys() {
  return {"cpu_model", "num_cpus", "compiler", "build_type"};
}

std::vector<std::string> fingerprint_mismatches(const RunContext& baseline,
                                                const RunContext& candidate) {
  std::vector<std::string> mismatches;
  for (const auto& key : fingerprint_keys()) {
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
