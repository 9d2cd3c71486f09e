// Readers: text in, model or diagnostics out. No file system access: callers pass the text and
// the name to report it under.
#pragma once

#include <perfgate/baseline.hpp>
#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>
#include <perfgate/result.hpp>

#include <string>
#include <string_view>

namespace perfgate {

// Google Benchmark JSON of every released layout (1.4 to 1.9).
Result<RunSet> parse_gbench(std::string_view text, const std::string& source);

// How strictly a baseline is read. Every gate, check and update reads `verified`: the file must be
// "perfgate.baseline/2" and carry the digest of its content (a mismatch is an error naming the
// file: changed by hand or damaged). `adopt_legacy` also accepts a "perfgate.baseline/1" file,
// which has no digest, for `perfgate baseline update --adopt` only (docs/baselines.md).
enum class BaselineRead { verified, adopt_legacy };

// "perfgate.baseline/2" (and /1 when adopting).
Result<Baseline> parse_baseline(std::string_view text, const std::string& source,
                                BaselineRead mode = BaselineRead::verified);

// "perfgate.policy/1".
Result<Policy> parse_policy(std::string_view text, const std::string& source);

// A results file is either Google Benchmark JSON or a perfgate baseline; this reads either into
// a RunSet (a baseline's runs).
Result<RunSet> parse_results(std::string_view text, const std::string& source);

}  // namespace perfgate

#include <map>

namespace perfgate {

// A run-context file ("perfgate.context/1"): a flat object of strings that perfgate's run step
// writes next to the results (git commit, compiler, build type, CPU model, ...).
Result<std::map<std::string, std::string>> parse_context(std::string_view text,
                                                         const std::string& source);

}  // namespace perfgate
