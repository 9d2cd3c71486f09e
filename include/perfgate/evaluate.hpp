// Deciding: one decision per benchmark x metric x rule, and the gate's verdict. Pure: no I/O,
// no clock, no environment. The caller passes in what it read.
#pragma once

#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

enum class Verdict { pass, warn, fail, improved, new_benchmark, missing, noisy, waived, error };

std::string_view to_string(Verdict verdict);  // "pass", "warn", ..., "new", ...

// Order statistics of one side's samples, for reports (CSV asks for p50/p95/p99/mean/samples).
struct SampleSummary {
  std::size_t n = 0;
  std::optional<double> min;
  std::optional<double> p50;
  std::optional<double> p95;
  std::optional<double> p99;
  std::optional<double> max;
  std::optional<double> mean;
};

SampleSummary summarize(const std::vector<double>& samples);
// The value of `statistic` over `samples` (finite samples only); nullopt when empty.
std::optional<double> compute_statistic(const std::vector<double>& samples, Statistic statistic);

struct Decision {
  std::string benchmark;
  std::string metric;  // empty for a benchmark-level decision (missing, new, error)
  std::string rule;    // rule id; empty for benchmark-level decisions
  RuleKind kind = RuleKind::relative;
  Statistic statistic = Statistic::median;
  Verdict verdict = Verdict::pass;
  std::string unit;
  Direction direction = Direction::lower_is_better;

  std::optional<double> baseline;   // the statistic over the baseline samples
  std::optional<double> candidate;  // the statistic over the candidate samples
  std::optional<double> change;     // (candidate - baseline) / baseline
  std::optional<double> change_low;   // confidence interval of the change, when the method gives one
  std::optional<double> change_high;
  std::optional<double> limit;        // the fail threshold: a fraction (relative) or a value (absolute)
  std::optional<double> warn_limit;
  // How far the candidate is from the fail threshold, in the threshold's terms: percentage points
  // of change for a relative rule, a fraction of the limit for an absolute one. Negative = beyond.
  std::optional<double> headroom;
  std::string limit_text;  // the threshold as the policy wrote it: "+15%", "< 500 ms", "== 0"

  SampleSummary baseline_samples;
  SampleSummary candidate_samples;
  std::string note;  // why, in words: every non-pass decision has one
};

struct VerdictCounts {
  std::map<Verdict, std::size_t> by_verdict;
  [[nodiscard]] std::size_t count(Verdict verdict) const;
};

struct GateResult {
  std::string policy_name;
  std::string baseline_source;
  std::string candidate_source;
  std::vector<Decision> decisions;  // ordered by (benchmark, metric, rule)
  std::vector<Diagnostic> notes;    // findings that are not tied to one decision
  VerdictCounts counts;

  // fail, missing (unless the policy allows it) or an error: the gate did not pass.
  [[nodiscard]] bool passed() const;
};

struct EvaluateOptions {
  // Values of the environment variables the policy names (env_fail/env_warn), read by the caller.
  std::map<std::string, std::string> environment;
};

GateResult evaluate(const RunSet& baseline, const RunSet& candidate, const Policy& policy,
                    const EvaluateOptions& options = {});

// Exit code of a gate: 0 passed (warnings allowed), 1 failed (regression, missing benchmark,
// SLO breach), 3 the run itself failed (errored or skipped benchmarks, non-finite gated values).
int exit_code(const GateResult& result);

}  // namespace perfgate
