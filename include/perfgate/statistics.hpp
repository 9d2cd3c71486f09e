// perfgate statistics engine: robust, distribution-free comparison of benchmark samples against a
// practical margin.
//
// All functions are pure: no I/O, no global state, no clock, no randomness. All effects are
// computed on log values, so an additive shift d of the logs is a multiplicative ratio exp(d) of
// the raw values (candidate / baseline). The direction of a metric is perfgate::Direction:
// lower_is_better (times: worse by the margin means ratio > 1 + margin) or higher_is_better
// (throughput: worse by the margin means ratio < 1 - margin). See docs/statistics.md.
#pragma once

#include <perfgate/model.hpp>

#include <cstddef>
#include <map>
#include <utility>
#include <vector>

namespace perfgate::stats {

// How the interval and p-values of a comparison were obtained.
enum class Method {
  exact_rank,     // exact permutation distribution of the rank statistic
  normal_rank,    // normal approximation of the rank statistic (large n or ties)
  random_effects,  // HL estimate, SE widened by run-to-run variance, Student t
  screened_t,      // Student t on the mean logs after the label-blind outlier screen
  screened_t_runs,  // screened_t and the run-to-run test of compare_grouped, both must show it
  moderated_t       // screened_t with the variance moderated by the gate's VariancePrior
};

// The outcome of one test (before or after the family-wise adjustment of apply_holm).
enum class Outcome {
  pass,          // CI for the ratio lies entirely on the good side of the margin
  fail,          // worse than the margin with the required (adjusted) confidence
  inconclusive,  // neither; more repetitions would help (see noisy / mde)
  insufficient   // the sample sizes cannot reach the required confidence at all
};

// Alpha spending shapes for sequential looks. All are applied as a union bound (per-look levels
// that sum to the total alpha), so they are valid for any correlation between looks and for exact
// rank tests.
enum class SpendingScheme {
  bonferroni,     // alpha / K at every look
  pocock,         // Lan-DeMets Pocock-type spending  alpha * ln(1 + (e - 1) t)
  obrien_fleming  // Lan-DeMets O'Brien-Fleming-type   2 - 2 Phi(z_{1-alpha/2} / sqrt(t))
};

enum class SequentialDecision {
  continue_sampling,
  decided_fail,
  decided_pass,
  inconclusive,
  insufficient
};

// Rank test used by the sequential procedure.
enum class SequentialTest {
  signed_rank,  // pairs (reference_i, candidate_i): Wilcoxon signed-rank / Walsh averages
  mann_whitney  // same-job samples treated as two independent samples
};

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

// Exact null distributions and quantiles, computed once per size and kept: a gate compares
// thousands of benchmarks with the same repetition counts and degrees of freedom. Not
// synchronised: one cache per thread, e.g. one per evaluate() call (the library keeps no global
// state). References stay valid as long as the cache lives.
class NullDistributionCache {
 public:
  const std::vector<double>& mann_whitney(std::size_t n1, std::size_t n2);  // mann_whitney_null_pmf
  const std::vector<double>& signed_rank(std::size_t n);                    // signed_rank_null_pmf
  double t_quantile(double p, double df);  // Student t (normal for df <= 0 or very large df)
  double f_upper_quantile(double d1, double d2, double tail);  // upper `tail` quantile of F

 private:
  std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> m_mann_whitney;
  std::map<std::size_t, std::vector<double>> m_signed_rank;
  std::map<std::pair<double, double>, double> m_t_quantile;
  std::map<std::pair<double, double>, double> m_f_quantile;  // tail is fixed per gate
};

// What the other comparisons of a gate say about the noise of one (empirical Bayes, as limma does
// for thousands of genes with three replicates): the log-scale variances of the comparisons are
// taken to scatter around `variance` like a scaled inverse chi-square with `df` degrees of
// freedom. A comparison with few repetitions then borrows `df` degrees of freedom from the gate.
// df 0: no prior (each comparison stands alone); df infinite: the variance is known.
struct VariancePrior {
  double df = 0.0;
  double variance = 0.0;
};

// The log-scale variance of one comparison and its degrees of freedom, as the moderated t test
// sees it (after the outlier screen, pooled over both sides): input to fit_variance_prior.
struct SampleVariance {
  double variance = 0.0;
  double df = 0.0;
};

struct ComparisonOptions {
  double margin = 0.05;  // practical margin, relative (0.05 = 5 %)
  Direction direction = Direction::lower_is_better;
  double confidence = 0.95;  // two-sided level of the reported interval
  double alpha = 0.05;       // one-sided level of the fail test (unadjusted)
  double power = 0.80;       // power used for the minimum detectable effect
  std::size_t exact_max_cells =
      4000;  // exact null distribution if n1*n2 (or n(n+1)/2) <= this and no ties
  double min_between_run_sd = 0.0;  // optional known floor for run-to-run sd (log scale)
  // Where exact null distributions are memoised (not owned); nullptr computes each one afresh.
  NullDistributionCache* null_cache = nullptr;
  // Label-blind screening of slow-side outliers for the rank tests: pooled values above
  // pooled median + screen_k * pooled MAD-sigma are left out of the test statistic
  // (at most 10 % of the values; 0 disables). Estimates and intervals use all values.
  double screen_k = 5.0;
  // The same screen for compare_same_job's t test, after aligning the two samples by their HL
  // shift; wider, because the t statistic is not exact after screening (0 disables).
  double same_job_screen_k = 7.0;
  // The gate's variance prior for the moderated t test (compare_moderated); df 0 = none.
  VariancePrior prior;
  // A lower bound of the screens' MAD-sigma (log scale): the gate's typical noise, so that a few
  // values whose MAD is tiny by chance do not lose a legitimate value to the screen. 0 = none.
  double screen_floor = 0.0;
};

struct ComparisonResult {
  std::size_t n_baseline = 0;
  std::size_t n_candidate = 0;
  std::size_t runs_baseline = 1;
  std::size_t runs_candidate = 1;
  Method method = Method::exact_rank;
  double shift = 0.0;             // Hodges-Lehmann estimate of log(candidate) - log(baseline)
  double ratio = 1.0;             // exp(shift): candidate / baseline
  Interval shift_ci;              // interval for the shift (log scale), confidence two-sided
  Interval ratio_ci;              // exp of shift_ci
  double p_worse = 1.0;           // one-sided p, H0: not worse than the margin
  double p_not_worse = 1.0;       // one-sided p, H0: worse by at least the margin
  double within_run_sd = 0.0;     // robust (MAD) log-scale sd inside a run
  double between_run_sd = 0.0;    // estimated run-to-run sd of run locations (log scale)
  double standard_error = 0.0;    // log-scale standard error of shift (incl. run-to-run)
  double df = 0.0;                // degrees of freedom of standard_error (inf for rank methods)
  double mde = 0.0;               // minimum detectable effect, relative, at alpha / power
  double min_attainable_p = 0.0;  // smallest p-value the design can produce
  std::size_t screened = 0;       // values (or pairs) left out of the rank test as outliers
  bool noisy = false;             // mde > margin
  bool within_margin = false;     // interval entirely on the good side of the margin
  Outcome verdict = Outcome::inconclusive;  // at alpha, or after apply_holm at the family level
  double p_adjusted = 1.0;                  // Holm-adjusted p_worse (set by apply_holm)
};

struct GateSummary {
  std::size_t failed = 0;
  std::size_t passed = 0;
  std::size_t inconclusive = 0;
  std::size_t insufficient = 0;
  bool gate_failed = false;
};

struct SequentialPlan {
  std::vector<std::size_t> looks;  // planned cumulative repetitions per side, increasing
  SpendingScheme scheme = SpendingScheme::obrien_fleming;
  double alpha = 0.05;       // total one-sided fail level of this comparison
  double pass_level = 0.20;  // beta: pass if the (1 - beta) upper bound is below the margin
  SequentialTest test = SequentialTest::signed_rank;
};

struct SequentialResult {
  SequentialDecision decision = SequentialDecision::continue_sampling;
  std::size_t look_index = 0;
  double alpha_this_look = 0.0;
  ComparisonResult comparison;
};

// ---- basic robust statistics -------------------------------------------------

// Median; NaN for an empty input.
double median(std::vector<double> values);
// 1.4826 * median absolute deviation (consistent for the normal sd); 0 for n < 2.
double mad_sigma(const std::vector<double>& values);
// Natural log of every value. Throws std::invalid_argument on values <= 0 or non-finite.
std::vector<double> log_values(const std::vector<double>& positive_values);
// The groups one after the other (the samples of several runs as one sample).
std::vector<double> flatten(const std::vector<std::vector<double>>& groups);
// Median of all differences candidate_j - baseline_i (two-sample Hodges-Lehmann).
double hodges_lehmann_shift(const std::vector<double>& baseline,
                            const std::vector<double>& candidate);
// Median of the Walsh averages (x_i + x_j) / 2, i <= j (one-sample Hodges-Lehmann).
double hodges_lehmann_one_sample(const std::vector<double>& values);

// ---- null distributions and resolution ----------------------------------------

// P(U = u), u = 0 .. n1*n2, for the Mann-Whitney count U without ties.
std::vector<double> mann_whitney_null_pmf(std::size_t n1, std::size_t n2);
// P(T+ = t), t = 0 .. n(n+1)/2, for the Wilcoxon signed-rank statistic without ties.
std::vector<double> signed_rank_null_pmf(std::size_t n);
// Smallest attainable one-sided p-value: 1 / C(n1+n2, n1) and 2^-n respectively.
double mann_whitney_min_p(std::size_t n1, std::size_t n2);
double signed_rank_min_p(std::size_t n);
// True when even a perfect separation could not reach required_alpha.
bool is_insufficient(double min_attainable_p, double required_alpha);

// log(1 + margin) for lower_is_better, -log(1 - margin) for higher_is_better: the margin as
// a shift of the "badness" sign * log(candidate / baseline).
double practical_log_margin(double margin, Direction direction);

// ---- comparisons -----------------------------------------------------------------

// Two independent samples (one run each, or pooled). HL shift of the logs, Moses
// interval and shifted Mann-Whitney p-values (exact for small n without ties).
ComparisonResult compare_independent(const std::vector<double>& baseline,
                                     const std::vector<double>& candidate,
                                     const ComparisonOptions& options);

// Two samples measured in the same job (the paired lane: reference and candidate interleaved,
// so the job's offset is common to both). Student t on the mean logs after the label-blind
// outlier screen (pooled variance, n1 + n2 - 2 degrees of freedom); the estimate is the
// difference of the screened mean logs with a t interval. Falls back to compare_independent
// with fewer than 8 values on a side or when neither side has any spread.
ComparisonResult compare_same_job(const std::vector<double>& baseline,
                                  const std::vector<double>& candidate,
                                  const ComparisonOptions& options);

// ---- the moderated t test (docs/statistics.md, section 2) ------------------------------

// The screened, pooled log-scale variance of two samples: the label-blind outlier screen of
// compare_same_job (candidate aligned by the HL shift, values above pooled median +
// same_job_screen_k MAD-sigma left out, at most max(1, N / 10)), then the pooled variance with
// n1 + n2 - 2 degrees of freedom (0 with one value per side).
SampleVariance screened_log_variance(const std::vector<double>& baseline,
                                     const std::vector<double>& candidate,
                                     const ComparisonOptions& options);

// Fits the prior (Smyth 2004's model, as limma) to the variances of a gate's comparisons, robustly:
// by the median and interquartile range of the log variances against log F(d, d0) for their
// median df d, so that a quarter of the comparisons may carry outliers. Comparisons with df 0 or
// a zero variance carry no information and are left out; with fewer than 3 left there is no prior
// (df 0). The prior's df never exceeds the total df it was estimated from.
VariancePrior fit_variance_prior(const std::vector<SampleVariance>& variances);

// Two samples, Student t on the screened mean logs with the variance moderated by options.prior:
// s~^2 = (d0 s0^2 + d s^2) / (d0 + d) with d0 + d degrees of freedom. The interval is at
// options.confidence (two-sided) and the p-values one-sided against the margin. With no degrees of
// freedom at all (one value per side and no prior) the result is Outcome::insufficient with an
// infinite standard error.
ComparisonResult compare_moderated(const std::vector<double>& baseline,
                                   const std::vector<double>& candidate,
                                   const ComparisonOptions& options);

// compare_same_job for samples grouped by process run (the paired lane with several runs per
// side). Repetitions of one process share its conditions, and a slowdown of the machine for a
// few seconds moves whole runs: the fail test must then also hold for the run medians
// (compare_grouped), so p_worse and p_not_worse are the larger of the two tests', the interval
// spans both intervals and the resolution (standard error, df) is the coarser one. With one run
// per side this is compare_same_job.
ComparisonResult compare_same_job_runs(const std::vector<std::vector<double>>& baseline_runs,
                                       const std::vector<std::vector<double>>& candidate_runs,
                                       const ComparisonOptions& options);

// Samples grouped by process run. With at least two runs on one side the standard
// error of the HL shift is widened by the estimated run-to-run variance
// (random effects, Satterthwaite df, Student t). With one run per side this is
// compare_independent on the pooled values (within-run spread only).
ComparisonResult compare_grouped(const std::vector<std::vector<double>>& baseline_runs,
                                 const std::vector<std::vector<double>>& candidate_runs,
                                 const ComparisonOptions& options);

// Interleaved pairs (reference_i, candidate_i). One-sample HL (Walsh averages) of
// log(candidate_i / reference_i), Wilcoxon signed-rank interval and p-values.
// Throws std::invalid_argument if the sizes differ.
ComparisonResult compare_paired(const std::vector<double>& reference,
                                const std::vector<double>& candidate,
                                const ComparisonOptions& options);

// ---- noise and resolution ---------------------------------------------------------

// Smallest true change (relative, in the bad direction) that a one-sided test at
// alpha detects with the given power when the shift estimate has the given log-scale
// standard error and degrees of freedom (df <= 0 or inf: normal).
double minimum_detectable_effect(double standard_error, double df, double alpha, double power,
                                 Direction direction, NullDistributionCache* cache = nullptr);
// "Noisy": the comparison cannot resolve a change of the size of the margin.
bool is_noisy(double mde, double margin);

// ---- family-wise error control -----------------------------------------------------

// Holm step-down adjusted p-values, same order as the input. NaN counts as 1.
std::vector<double> holm_adjust(const std::vector<double>& p_values);
// Conditional Holm (Zhao, Small & Su 2019): p-values above selection_tau are set to 1,
// the others are Holm-adjusted as p / selection_tau among the selected ones.
// Controls the family-wise error when the null p-values are independent and
// uniformly conservative (one-sided tests of a shifted null whose true effect lies
// inside the null). selection_tau = 1 is plain Holm.
std::vector<double> conditional_holm_adjust(const std::vector<double>& p_values,
                                            double selection_tau);
// Holm over the members of a family: comparisons with the same member index are one member (a
// rate that Google Benchmark derives from a time measures the same thing, so it does not make the
// family larger). A member's p is the smallest of its comparisons'; M is the number of members
// (of the selected ones with selection_tau < 1, as conditional_holm_adjust). Each comparison's
// adjusted p is the running maximum up to its member's step, with its own p at that step.
std::vector<double> holm_adjust_members(const std::vector<double>& p_values,
                                        const std::vector<std::size_t>& member,
                                        double selection_tau = 1.0);
// Apply (conditional) Holm at family level family_alpha to all comparisons of a
// gate: sets p_adjusted and verdict (fail / pass / insufficient / inconclusive).
// Insufficient: min attainable p above the first step, family_alpha * tau / (number selected).
// Use selection_tau = 1 (plain Holm, any dependence) unless the comparisons are
// independent (e.g. the paired lane, where the shared run offset cancels).
GateSummary apply_holm(std::vector<ComparisonResult>& results, double family_alpha,
                       double selection_tau = 1.0);

// ---- sequential / adaptive ------------------------------------------------------------

// Per-look one-sided levels (union-bound alpha spending); they sum to alpha.
std::vector<double> spending_levels(const std::vector<std::size_t>& looks, double alpha,
                                    SpendingScheme scheme);
// Decision at a planned look. The current sample size per side must equal one of
// plan.looks (throws std::invalid_argument otherwise). Fail when the look's
// one-sided p-value is below its spent level; pass when the (1 - pass_level)
// upper bound of the ratio is below the margin; Insufficient when no remaining
// look can reach its level; Inconclusive at the last look; otherwise Continue.
SequentialResult sequential_step(const std::vector<double>& reference,
                                 const std::vector<double>& candidate, const SequentialPlan& plan,
                                 const ComparisonOptions& options);

}  // namespace perfgate::stats
