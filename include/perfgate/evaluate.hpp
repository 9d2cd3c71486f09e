// Deciding: one decision per benchmark x metric x rule, and the gate's verdict. Pure: no I/O,
// no clock, no environment. The caller passes in what it read.
#pragma once

#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>
#include <perfgate/waiver.hpp>

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

// The recent history of a decision's series in the local store (history.hpp): the band of the
// last runs' values and their trend, shown next to today's verdict. Reports only; never decides.
struct RecentHistory {
  std::size_t runs = 0;         // how many earlier runs the band is made of
  double low = 0;               // 10th percentile of their values
  double high = 0;              // 90th percentile
  double median = 0;
  std::optional<double> slope;  // least-squares change per run, a fraction of the median
};

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
  // How a relative rule was decided (docs/statistics.md): "point-estimate" (too few repetitions or
  // a tail statistic), "exact" (no spread on either side), or the statistical method, e.g.
  // "hl-exact-rank", "hl-normal-rank", "hl-run-to-run-t", prefixed "paired:" in the paired lane and
  // "sequential:" with adaptive repetitions. Empty for the other rule kinds.
  std::string method;
  // The smallest change this comparison could have detected (relative, in the bad direction; at the
  // gate's per-comparison level alpha/M with 80% power); infinite when the repetitions cannot reach
  // that level at all. Above the fail limit the verdict is `noisy`.
  std::optional<double> mde;
  // The p-value of "changed by more than the fail limit", adjusted for the gate's family of
  // comparisons (Holm; sequential looks: scaled by the look's share of alpha). Fails at <= alpha.
  std::optional<double> p_value;
  // Adaptive repetitions: more repetitions are needed before this decision is final.
  bool undecided = false;
  // A `noisy` decision (the data could not decide it) that the rule accepts with
  // "on_inconclusive": "warn": it does not make the gate inconclusive, but every report names it.
  bool accepted = false;
  std::string note;  // why, in words: every non-pass decision has one
  std::optional<RecentHistory> recent;  // set by `perfgate run` when the store has history
  // The waiver that matched this benchmark x metric (waiver.hpp) and what it did here: in_force
  // (the verdict is `waived`), exceeded (still `fail`), expired or ready_to_retire.
  std::optional<WaiverUse> waiver;
};

struct VerdictCounts {
  std::map<Verdict, std::size_t> by_verdict;
  [[nodiscard]] std::size_t count(Verdict verdict) const;
};

// What a report says about the run that produced it (its header), filled in by the caller that ran
// it (`perfgate run`); empty fields are not shown. evaluate() leaves it empty.
struct RunInfo {
  std::string test;           // the CTest test, e.g. "perf.example.BM_Sort"
  std::string suite;
  std::string family;
  std::string commit;         // the candidate's git commit ("" when unknown)
  std::string lane;           // "wall-time", "wall-time (paired)", "instructions", "smoke"
  std::string baseline_kind;  // "committed", "provisional", "reference", "previous baseline"
  std::string confirmation;   // "" when no confirmation run ran; else what it found
  // Conditions of the run every report must show, e.g. "measured under contention: ...".
  std::vector<std::string> conditions;
  // A baseline record's before/after comparison: an accepted change, not a gate.
  bool record = false;
  std::string reason;  // the update's written reason (a record only)
  std::string digest;  // the digest of the baseline it wrote (a record only)
};

struct GateResult {
  RunInfo run;
  std::string policy_name;
  std::string baseline_source;
  std::string candidate_source;
  std::vector<Decision> decisions;  // ordered by (benchmark, metric, rule)
  std::vector<Diagnostic> notes;    // findings that are not tied to one decision
  VerdictCounts counts;
  // Adaptive repetitions (EvaluateOptions::sequential_max): the repetitions per side the next look
  // needs; 0 when every decision is final.
  std::size_t next_repetitions = 0;
  // Members of the family of statistical comparisons whose false-fail rate the gate controls (a
  // rate derived from a time is not a member of its own); 0 when nothing was decided statistically.
  std::size_t family_size = 0;
  // Every waiver that matched a decision of this gate, with what it did (waiver.hpp).
  std::vector<WaiverUse> waivers;

  // fail, missing (unless the policy allows it), an error or an inconclusive decision: the gate
  // did not pass.
  [[nodiscard]] bool passed() const;
  // Decisions the data could not decide (noisy), with and without the policy's acceptance.
  [[nodiscard]] std::size_t inconclusive() const;
  [[nodiscard]] std::size_t accepted_inconclusive() const;
};

// The gate as a whole, as its exit code says it: run_failed 3, failed 1, inconclusive 4, passed 0.
enum class GateStatus { passed, failed, inconclusive, run_failed };
GateStatus status(const GateResult& result);
std::string_view to_string(GateStatus status);  // "passed", "FAILED", "INCONCLUSIVE", "ERROR"

struct EvaluateOptions {
  // Values of the environment variables the policy names (env_fail/env_warn), read by the caller.
  std::map<std::string, std::string> environment;
  // A report-only run (smoke: one short repetition) cannot meet min_repetitions by design; such a
  // rule then warns instead of being inconclusive, and single wall-time values are decided on the
  // point estimate, so that a developer sees what looks slower. Everything else is decided as usual.
  bool report_only = false;
  // Family-wise false-fail rate of the relative rules decided by statistics (docs/statistics.md).
  double family_alpha = 0.05;
  // Lane (b): the baseline is a reference build run interleaved with the candidate in the same job
  // (`perfgate gate --reference`), so the shared run-to-run offset cancels: the comparison uses the
  // same-job samples and conditional Holm.
  bool paired = false;
  // Adaptive repetitions (paired lane only): > 0 is the cap of repetitions per side. Each call is one
  // look; undecided decisions ask for more (GateResult::next_repetitions).
  std::size_t sequential_max = 0;
  // Waivers (docs/waivers.md), applied with the policy's own when `today` is set: the date a
  // waiver's expiry is judged against, read by the caller (never a clock here). Without `today` no
  // waiver applies (a failing decision stays failing).
  std::vector<Waiver> waivers;
  std::optional<Date> today;
};

GateResult evaluate(const RunSet& baseline, const RunSet& candidate, const Policy& policy,
                    const EvaluateOptions& options = {});

// Exit code of a gate: 0 passed (warnings allowed), 1 failed (regression, missing benchmark,
// SLO breach), 3 the run itself failed (errored or skipped benchmarks, non-finite gated values),
// 4 inconclusive (nothing failed, but a gated comparison could not be decided).
int exit_code(const GateResult& result);

}  // namespace perfgate
