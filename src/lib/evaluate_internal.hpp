// Internal: the parts of the decision step (evaluate.hpp), one file each.
//
//   evaluate_match.cpp  matching: pairs baseline and candidate benchmarks, selects the rules that
//                       apply, makes the benchmark-level decisions (missing, new, errored, not
//                       comparable); evaluate() itself
//   evaluate_rules.cpp  the decision of each rule kind on its point estimate (relative, absolute,
//                       zero, min_repetitions)
//   evaluate_stats.cpp  the statistical pass over every relative rule of the gate (variance
//                       prior, moderated t, Holm over the family's members, sequential looks)
//   evaluate_words.cpp  the wording of notes and advice
#pragma once

#include <perfgate/evaluate.hpp>
#include <perfgate/statistics.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::detail {

// ---- Per-kind decisions (evaluate_rules.cpp) ------------------------------------------------

// A decision of `rule` for one metric of `benchmark`; `series` (may be null) gives the unit.
Decision metric_decision(const Rule& rule, const Benchmark& benchmark, const MetricSeries* series);

// Decides the metric rule `rule` (relative, absolute or zero) on its point estimate into `d`.
// True when a relative rule was decided and the statistical pass may consider it.
bool decide_metric(const Rule& rule, const MetricSeries* base, const MetricSeries& cand,
                   const EvaluateOptions& options, Decision& d);

// A min_repetitions rule over both sides of a benchmark.
void decide_repetitions(const Rule& rule, const Benchmark& base, const Benchmark& cand,
                        bool report_only, Decision& d);

// ---- Samples behind a percentile (evaluate_rules.cpp; docs/slo.md) --------------------------

// Why the samples behind a percentile rule's metric (percentile.hpp) are too few on a side the
// rule gates (the candidate; for a relative rule also the baseline), read from the side's
// "<x>_count" or "<x>_intervals" counter; empty when every repetition has enough, when the
// metric is not a percentile, or when no side carries a count (nothing is known then).
std::string tail_shortfall(const Rule& rule, const Benchmark* base, const Benchmark& cand);

// A shortfall applied to a decision once it is decided (after the statistical pass): pass, warn
// and improved become `noisy` (`warn` in a report-only run), a `fail` stays `fail` (the evidence
// already breaks the limit), and the note says why; other verdicts keep theirs.
void apply_tail_shortfall(const std::string& shortfall, bool report_only, Decision& d);

// Appends `text` to the decision's note ("; " between parts).
void add_note(Decision& d, const std::string& text);

// ---- Waivers (waivers.cpp) -------------------------------------------------------------------

// Applies `waivers` (the policy's, then the caller's) to the gate's decisions as of `today`: a
// failing benchmark x metric within a waiver's limit becomes `waived`; beyond it, it stays `fail`
// and says so; a waiver that expired adds a failing decision naming it; one whose decisions all
// pass without it is ready to retire (a warning in the notes). Every matched waiver is listed in
// result.waivers with its status.
void apply_waivers(std::vector<Decision>& decisions, GateResult& result,
                   const std::vector<Waiver>& waivers, const Date& today);

// ---- The statistical pass (evaluate_stats.cpp) ----------------------------------------------

// Relative rules whose samples support a confidence statement are collected while the gate is
// matched, then decided together: the family-wise adjustment and the gate's variance prior need
// every comparison of the gate before any can be decided (docs/statistics.md).
class StatisticalPass {
 public:
  explicit StatisticalPass(const EvaluateOptions& options) : m_options(options) {}

  // After the point estimate has decided `decisions[index]`: keep the comparison for decide()
  // when the samples support one, else say why the point estimate stands.
  void consider(const Rule& rule, const Benchmark& base_benchmark, const Benchmark& cand_benchmark,
                const MetricSeries& base, const MetricSeries& cand, Decision& d, std::size_t index);

  // Decides every comparison kept: sets their verdicts and notes, and the result's family size
  // and next_repetitions.
  void decide(std::vector<Decision>& decisions, GateResult& result);

 private:
  // A relative rule kept for decide().
  struct Case {
    std::size_t decision = 0;  // index into the decisions
    const Rule* rule = nullptr;
    double margin = 0;  // the fail limit (else the warn limit): the change that must be exceeded
    std::vector<std::vector<double>> baseline_runs;  // samples per run (MetricSeries::groups)
    std::vector<std::vector<double>> candidate_runs;
    std::vector<double> baseline;  // the runs one after the other
    std::vector<double> candidate;
    std::string caveat;  // the measurement's own note (MetricSeries::note), kept in the note
    // The member of the family this comparison belongs to: "<benchmark>\n<metric>", where a rate
    // that Google Benchmark derives from a time (items_per_second = items / cpu_time) is the
    // member of that time (docs/statistics.md, section 4).
    std::string member;
  };
  struct Settled;  // what the comparison of one case found

  stats::ComparisonOptions options_for(const Case& c, double level,
                                       stats::NullDistributionCache& cache) const;
  std::vector<std::size_t> member_indices(std::size_t& members) const;
  std::map<std::string, stats::VariancePrior> variance_priors() const;
  stats::ComparisonResult compare(const Case& c, double level,
                                  const std::map<std::string, stats::VariancePrior>& priors,
                                  stats::NullDistributionCache& cache) const;
  void look(const Case& c, double level, const std::vector<std::size_t>& looks,
            stats::NullDistributionCache& cache, Settled& settled, GateResult& result) const;
  void settle(const Case& c, const Settled& s, Decision& d);
  double sigma_upper_factor(double df);

  const EvaluateOptions& m_options;
  std::vector<Case> m_cases;
  std::size_t m_members = 0;               // members of the statistical family
  std::map<double, double> m_sigma_upper;  // sigma_upper_factor by df
};

// ---- Wording (evaluate_words.cpp) -----------------------------------------------------------

std::string percent_text(double fraction);  // "+12.3%"
std::string number_text(double value);      // two significant digits: p-values, alphas
std::string method_name(const stats::ComparisonResult& r);  // "hl-exact-rank", "t-moderated", ...
// "95% family-wise" over several comparisons, "95%" for one.
std::string confidence_text(double family_alpha, std::size_t members);
// Why a comparison cannot resolve a change of the limit's size.
std::string noise_text(const stats::ComparisonResult& r, double mde, double level,
                       std::size_t members);
// What would make it decidable.
std::string advice(const stats::ComparisonResult& r, double mde, double margin, double level,
                   bool paired);

// The words of one statistical decision, made only for the decisions that carry a note (a gate
// has thousands of passes).
struct StatisticalWords {
  const Rule& rule;
  const Decision& d;  // change, change_low/high and limit_text set
  double adjusted;    // the adjusted p-value
  double family_alpha;
  std::size_t members;

  [[nodiscard]] std::string what() const;      // "real_time median"
  [[nodiscard]] std::string interval() const;  // " (95% CI -0.5% to +3.1%)", or ""
  [[nodiscard]] std::string estimate() const;  // "changed +12.3% (95% CI ...)"
  [[nodiscard]] std::string evidence() const;  // "p = 0.001 adjusted over 4 comparisons, ..."
};

}  // namespace perfgate::detail
