// The statistical pass of the decision step (evaluate_internal.hpp; docs/statistics.md): every
// relative rule of the gate whose samples support a confidence statement, decided together.
#include <perfgate/number_format.hpp>

#include "evaluate_internal.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>

namespace perfgate::detail {

namespace {

// Conditional Holm's selection threshold in the paired lane (docs/statistics.md, section 6).
constexpr double k_paired_tau = 0.5;
// Adaptive repetitions: pass early once the one-sided 70% upper bound is inside the margin.
constexpr double k_sequential_pass_level = 0.30;

std::vector<std::vector<double>> samples_by_run(const MetricSeries& series) {
  if (series.groups.size() != series.samples.size()) {
    return {series.samples};
  }
  std::map<int, std::vector<double>> by_group;
  for (std::size_t i = 0; i < series.samples.size(); ++i) {
    by_group[series.groups[i]].push_back(series.samples[i]);
  }
  std::vector<std::vector<double>> runs;
  for (auto& [group, samples] : by_group) {
    runs.push_back(std::move(samples));
  }
  return runs;
}

// Wall-clock metrics: times and the rates Google Benchmark computes from them. One value of
// these says nothing about their noise.
bool is_wall_clock(const std::string& metric) {
  const std::string_view suffix = "_per_second";
  return metric_traits(metric).is_time ||
         (metric.size() > suffix.size() &&
          metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          metric.rfind("counter:", 0) != 0);
}

// True when rate * time is the same in every repetition of the benchmark (to 1e-6): the rate is
// that time seen the other way up, not a second measurement.
bool derived_from(const MetricSeries& rate, const MetricSeries* time) {
  if (time == nullptr || time->samples.size() != rate.samples.size() || rate.samples.size() < 2) {
    return false;
  }
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (std::size_t i = 0; i < rate.samples.size(); ++i) {
    const double product = rate.samples[i] * time->samples[i];
    if (!(product > 0) || !std::isfinite(product)) {
      return false;
    }
    const double log_product = std::log(product);
    low = std::min(low, log_product);
    high = std::max(high, log_product);
  }
  return high - low < 1e-6;
}

std::string family_member(const Benchmark& base, const Benchmark& cand, const std::string& metric) {
  if (is_wall_clock(metric) && !metric_traits(metric).is_time) {
    for (const char* time : {"cpu_time", "real_time"}) {
      const MetricSeries* cand_rate = cand.find(metric);
      const MetricSeries* base_rate = base.find(metric);
      if (cand_rate != nullptr && base_rate != nullptr &&
          derived_from(*cand_rate, cand.find(time)) && derived_from(*base_rate, base.find(time))) {
        return cand.name + "\n" + time;
      }
    }
  }
  return cand.name + "\n" + metric;
}

// Looks of the adaptive design: 4, 5, 6, 7, 8, 10, 12, 16, 20, 30, 40 below the cap, then it.
std::vector<std::size_t> sequential_looks(std::size_t cap) {
  std::vector<std::size_t> looks;
  for (const std::size_t n :
       std::initializer_list<std::size_t>{4U, 5U, 6U, 7U, 8U, 10U, 12U, 16U, 20U, 30U, 40U}) {
    if (n < cap) {
      looks.push_back(n);
    }
  }
  looks.push_back(std::max<std::size_t>(cap, 1));
  return looks;
}

// The bad-side bound of the comparison's estimate at one-sided min(level / 2, 1e-4), as a change.
double strict_worse_high(const stats::ComparisonResult& r, double level, bool lower_is_better) {
  if (!(r.standard_error > 0) || !std::isfinite(r.standard_error) || !(r.df > 0) ||
      r.method == stats::Method::exact_rank || r.method == stats::Method::normal_rank) {
    return lower_is_better ? r.ratio_ci.upper - 1 : 1 - r.ratio_ci.lower;
  }
  const double tail = std::min(level / 2, 1e-4);
  const double q =
      r.df >= 1e5
          ? -boost::math::quantile(boost::math::normal(), tail)
          : boost::math::quantile(boost::math::complement(boost::math::students_t(r.df), tail));
  return lower_is_better ? std::expm1(r.shift + q * r.standard_error)
                         : -std::expm1(r.shift - q * r.standard_error);
}

}  // namespace

struct StatisticalPass::Settled {
  stats::ComparisonResult r;
  double adjusted = 1.0;      // the p-value adjusted for the family (and the look)
  double level = 0.0;         // Bonferroni's per-comparison level alpha / M
  bool undecided = false;     // adaptive: more repetitions follow
  bool passed_early = false;  // adaptive: inside the margin at a look
  bool sequential = false;
};

void StatisticalPass::consider(const Rule& rule, const Benchmark& base_benchmark,
                               const Benchmark& cand_benchmark, const MetricSeries& base,
                               const MetricSeries& cand, Decision& d, std::size_t index) {
  d.method = "point-estimate";
  if (d.verdict == Verdict::noisy || d.verdict == Verdict::error) {
    return;
  }
  if (rule.statistic != Statistic::median && rule.statistic != Statistic::mean) {
    return;  // a shift test answers a question about location, not about a tail
  }
  const auto spread = [](const std::vector<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return *hi - *lo;
  };
  const std::size_t n_base = base.samples.size();
  const std::size_t n_cand = cand.samples.size();
  if (n_base == 0 || n_cand == 0) {
    return;  // from aggregates
  }
  const bool wall_clock = is_wall_clock(rule.metric);
  const bool single = n_base == 1 && n_cand == 1;
  if (spread(base.samples) == 0 && spread(cand.samples) == 0 && !(wall_clock && single)) {
    d.method = "exact";  // deterministic (e.g. instruction counts): nothing to be uncertain about
    return;
  }
  if (single && (rule.allow_single_values || m_options.report_only)) {
    // A report-only run (smoke: one short repetition) says what looks slower; it gates nothing.
    add_note(d, rule.allow_single_values ? "one value per side, decided on the point estimate "
                                           "(the rule's allow_single_values)"
                                         : "one value per side, decided on the point estimate "
                                           "(report only: not gated)");
    return;
  }
  const auto positive = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return x > 0 && std::isfinite(x); });
  };
  const double margin = rule.relative.fail ? *rule.relative.fail : *rule.relative.warn;
  const bool margin_ok =
      margin >= 0 && (rule.direction == Direction::lower_is_better || margin < 1);
  if (!positive(base.samples) || !positive(cand.samples) || !margin_ok) {
    return;
  }
  Case& c = m_cases.emplace_back();
  c.decision = index;
  c.rule = &rule;
  c.margin = margin;
  c.baseline_runs = samples_by_run(base);
  c.candidate_runs = samples_by_run(cand);
  c.baseline = stats::flatten(c.baseline_runs);
  c.candidate = stats::flatten(c.candidate_runs);
  c.caveat = cand.note;
  c.member = family_member(base_benchmark, cand_benchmark, rule.metric);
}

// The number of members of the gate's family and each case's member index.
std::vector<std::size_t> StatisticalPass::member_indices(std::size_t& members) const {
  std::map<std::string_view, std::size_t> index;
  std::vector<std::size_t> out;
  out.reserve(m_cases.size());
  for (const Case& c : m_cases) {
    out.push_back(index.emplace(c.member, index.size()).first->second);
  }
  members = index.size();
  return out;
}

// The gate's variance prior per metric (docs/statistics.md, section 2): fitted to the screened
// variances of every comparison of that metric whose runs are pooled (one run a side, or the
// paired lane's same-job test).
std::map<std::string, stats::VariancePrior> StatisticalPass::variance_priors() const {
  // Two passes: the first, unscreened, finds the gate's typical noise; the second screens each
  // comparison's slow outliers against at least that noise and fits the prior the tests use.
  std::map<std::string, stats::VariancePrior> priors;
  for (const bool screened : {false, true}) {
    std::map<std::string, std::vector<stats::SampleVariance>> by_metric;
    for (const Case& c : m_cases) {
      stats::ComparisonOptions options;
      options.margin = c.margin;
      options.direction = c.rule->direction;
      if (!screened) {
        options.same_job_screen_k = 0.0;
      } else {
        options.screen_floor = std::sqrt(priors[c.rule->metric].variance);
      }
      by_metric[c.rule->metric].push_back(
          stats::screened_log_variance(c.baseline, c.candidate, options));
    }
    for (const auto& [metric, variances] : by_metric) {
      priors[metric] = stats::fit_variance_prior(variances);
    }
  }
  return priors;
}

stats::ComparisonOptions StatisticalPass::options_for(const Case& c, double level,
                                                      stats::NullDistributionCache& cache) const {
  stats::ComparisonOptions options;
  options.null_cache = &cache;
  options.margin = c.margin;
  options.direction = c.rule->direction;
  options.confidence = 1.0 - level;
  options.alpha = level;
  options.power = 0.80;
  return options;
}

// One comparison of a gate with a fixed number of repetitions.
stats::ComparisonResult StatisticalPass::compare(
    const Case& c, double level, const std::map<std::string, stats::VariancePrior>& priors,
    stats::NullDistributionCache& cache) const {
  stats::ComparisonOptions options = options_for(c, level, cache);
  const auto prior = priors.find(c.rule->metric);
  if (prior != priors.end()) {
    options.prior = prior->second;
    options.screen_floor = std::sqrt(prior->second.variance);
  }
  if (m_options.paired) {
    return stats::compare_same_job_runs(c.baseline_runs, c.candidate_runs, options);
  }
  if (c.baseline_runs.size() <= 1 && c.candidate_runs.size() <= 1) {
    return stats::compare_moderated(c.baseline, c.candidate, options);
  }
  return stats::compare_grouped(c.baseline_runs, c.candidate_runs, options);
}

// One look of the adaptive design (paired lane with sequential_max).
void StatisticalPass::look(const Case& c, double level, const std::vector<std::size_t>& looks,
                           stats::NullDistributionCache& cache, Settled& settled,
                           GateResult& result) const {
  const stats::ComparisonOptions options = options_for(c, level, cache);
  std::vector<double> base = c.baseline;
  std::vector<double> cand = c.candidate;
  const std::size_t n = std::min(base.size(), cand.size());
  std::size_t look = looks.size();
  for (std::size_t k = 0; k < looks.size() && looks[k] <= n; ++k) {
    look = k;
  }
  if (look == looks.size()) {  // not yet at the first look: judge what there is, undecided
    settled.undecided = true;
    result.next_repetitions = std::max(result.next_repetitions, looks.front());
    settled.r = stats::compare_independent(base, cand, options);
    settled.adjusted = 1.0;
    return;
  }
  base.resize(looks[look]);
  cand.resize(looks[look]);
  stats::SequentialPlan plan;
  plan.looks = looks;
  plan.scheme = stats::SpendingScheme::obrien_fleming;
  plan.alpha = level;  // Bonferroni over the comparisons: they stop at different looks
  plan.pass_level = k_sequential_pass_level;
  plan.test = stats::SequentialTest::mann_whitney;
  const stats::SequentialResult step = stats::sequential_step(base, cand, plan, options);
  settled.r = step.comparison;
  settled.adjusted =
      std::min(1.0, step.comparison.p_worse * m_options.family_alpha / step.alpha_this_look);
  settled.passed_early = step.decision == stats::SequentialDecision::decided_pass;
  if (step.decision == stats::SequentialDecision::continue_sampling) {
    settled.undecided = true;
    result.next_repetitions = std::max(result.next_repetitions, looks[look + 1]);
  }
}

// Every statistical comparison of the gate, then the family-wise adjustment (Holm over the
// family's members; conditional Holm in the paired lane; alpha/M spent over the looks with
// adaptive repetitions), then the verdicts.
void StatisticalPass::decide(std::vector<Decision>& decisions, GateResult& result) {
  if (m_cases.empty()) {
    return;
  }
  const double alpha = m_options.family_alpha;
  if (!(alpha > 0 && alpha < 1)) {  // fail closed: a gate without a valid level decides nothing
    for (const Case& c : m_cases) {
      decisions[c.decision].verdict = Verdict::error;
      decisions[c.decision].note = "the family-wise alpha must be between 0 and 1";
    }
    return;
  }
  std::size_t members = 0;
  const std::vector<std::size_t> member = member_indices(members);
  m_members = members;
  result.family_size = members;
  // Bonferroni's level: what one lone regression must reach, and the level of each one-sided
  // bound of the reported intervals (two-sided 1 - alpha / M: family-wise 1 - alpha).
  const double level = alpha / static_cast<double>(members);
  const bool sequential = m_options.paired && m_options.sequential_max > 0;
  std::vector<Settled> settled(m_cases.size());
  // The comparisons of one gate mostly share their sample sizes: each exact null distribution
  // is computed once per evaluate() call.
  stats::NullDistributionCache null_cache;
  if (sequential) {
    const std::vector<std::size_t> looks = sequential_looks(m_options.sequential_max);
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
      look(m_cases[i], level, looks, null_cache, settled[i], result);
    }
  } else {
    const std::map<std::string, stats::VariancePrior> priors = variance_priors();
    std::vector<double> p_values;
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
      settled[i].r = compare(m_cases[i], level, priors, null_cache);
      p_values.push_back(settled[i].r.p_worse);
    }
    const std::vector<double> adjusted =
        stats::holm_adjust_members(p_values, member, m_options.paired ? k_paired_tau : 1.0);
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
      settled[i].adjusted = adjusted[i];
    }
  }
  for (std::size_t i = 0; i < m_cases.size(); ++i) {
    settled[i].level = level;
    settled[i].sequential = sequential;
    Decision& d = decisions[m_cases[i].decision];
    settle(m_cases[i], settled[i], d);
    if (!m_cases[i].caveat.empty()) {
      add_note(d, m_cases[i].caveat);
    }
  }
}

// The verdict of one statistical comparison (docs/statistics.md, section 3):
//   fail          Holm over the family's members says so, or the whole family-wise interval
//                 lies beyond the limit (never weaker than the evidence printed);
//   noisy         the comparison cannot resolve a change of the limit's size (its minimum
//                 detectable effect at the family level is beyond the limit, or there is no
//                 estimate of the noise at all) and the interval does not rule the limit out;
//                 or the estimate is beyond the limit without proof: exit 4, never a pass;
//   warn/improved/pass  as the estimate says, when the comparison could have seen a regression.
void StatisticalPass::settle(const Case& c, const Settled& s, Decision& d) {
  const stats::ComparisonResult& r = s.r;
  const Rule& rule = *c.rule;
  const bool lower_is_better = rule.direction == Direction::lower_is_better;
  // exp(log differences) - 1 of identical samples leaves rounding dust such as -7.8e-16: 0.
  const double change = std::fabs(r.ratio - 1) < 1e-12 ? 0.0 : r.ratio - 1;
  const double worse = lower_is_better ? change : -change;
  const double worse_low = lower_is_better ? r.ratio_ci.lower - 1 : 1 - r.ratio_ci.upper;
  const double worse_high = lower_is_better ? r.ratio_ci.upper - 1 : 1 - r.ratio_ci.lower;
  // The comparison was made at alpha = level and power 0.80: its own minimum detectable effect.
  // Whether it could have seen a regression is judged with the noise's 90% upper confidence
  // bound (sd * sqrt(df / chi2_{df, 0.10})): with few degrees of freedom a variance that is small
  // by chance must not make a comparison look decidable (docs/statistics.md, section 3).
  const double decidable_mde =
      std::isfinite(r.mde) && r.df > 0 && r.df < 1e5
          ? stats::minimum_detectable_effect(r.standard_error * sigma_upper_factor(r.df), r.df,
                                             s.level, 0.80, rule.direction)
          : r.mde;
  d.method = (m_options.paired ? "paired:" : "") + std::string(s.sequential ? "sequential:" : "") +
             method_name(r);
  d.change = change;
  const bool finite_interval =
      std::isfinite(r.ratio_ci.lower) && std::isfinite(r.ratio_ci.upper) && r.ratio_ci.lower > 0;
  if (finite_interval) {
    d.change_low = r.ratio_ci.lower - 1;
    d.change_high = r.ratio_ci.upper - 1;
  }
  d.mde = r.mde;
  d.p_value = s.adjusted;
  d.undecided = s.undecided;
  const double reference = rule.relative.fail ? *rule.relative.fail : *rule.relative.warn;
  d.headroom = reference - worse;
  d.note.clear();
  const StatisticalWords words{rule, d, s.adjusted, m_options.family_alpha, m_members};
  const bool beyond_by_interval = !s.undecided && finite_interval && worse_low > reference;
  if (!s.undecided && (s.adjusted <= m_options.family_alpha || beyond_by_interval)) {
    d.verdict = rule.relative.fail ? Verdict::fail : Verdict::warn;
    d.note = words.what() + " " + words.estimate() + ", shown to exceed the " +
             (rule.relative.fail ? "fail" : "warn") + " limit " + d.limit_text + " (" +
             words.evidence() + ")";
    return;
  }
  if (s.undecided) {
    d.verdict = worse > reference ? Verdict::warn : Verdict::pass;
    d.note = words.what() + " " + words.estimate() + "; undecided after " +
             format_integer(std::min(r.n_baseline, r.n_candidate)) +
             " repetitions per side: more repetitions follow";
    return;
  }
  // An adaptive early pass is a decision of the design up to its cap (the upper bound at this
  // look is inside the margin), so the resolution of this one look does not make it noisy.
  // A pass on the interval alone (when the comparison is too noisy to have seen a regression)
  // needs a stricter bound than the family's: at one-sided 1e-4 at least, so that a lone
  // benchmark with two repetitions does not pass a real regression on a lucky draw.
  const bool ruled_out =
      finite_interval && strict_worse_high(r, s.level, lower_is_better) <= reference;
  if (!s.passed_early && !(decidable_mde <= c.margin) && !ruled_out) {
    d.verdict = Verdict::noisy;
    d.note = words.what() + " could not be decided at " + d.limit_text + ": " +
             noise_text(r, r.mde, s.level, m_members) + "; the estimate " + words.estimate() +
             (worse > reference ? " (likely a regression, not proven)" : std::string()) + ". " +
             advice(r, r.mde, c.margin, s.level, m_options.paired);
    return;
  }
  if (worse > reference) {
    // The comparison could have shown a regression of this size and did not: not a pass.
    d.verdict = Verdict::noisy;
    d.note = words.what() + " " + words.estimate() + ": beyond " + d.limit_text +
             " but not proven at the gate's confidence (" + words.evidence() +
             "). Re-run the gate, or run more repetitions";
    return;
  }
  if (rule.relative.warn && worse > *rule.relative.warn) {
    d.verdict = Verdict::warn;
    d.note = words.what() + " " + words.estimate() + ", beyond the warn limit " +
             describe_limit(rule, *rule.relative.warn);
    return;
  }
  if (-worse >= rule.improvement && rule.improvement > 0) {
    const bool proven = finite_interval && worse_high < 0;
    d.verdict = proven ? Verdict::improved : Verdict::pass;
    d.note = proven ? "improved by " + percent_text(std::fabs(change)).substr(1) + words.interval()
                    : words.what() + " " + words.estimate() + ": an improvement, not proven";
    return;
  }
  d.verdict = Verdict::pass;
  if (s.passed_early) {
    d.note = words.what() + " " + words.estimate() + ": inside the margin after " +
             format_integer(std::min(r.n_baseline, r.n_candidate)) +
             " repetitions per side, so the adaptive design stopped early";
  }
}

// sqrt(df / chi2_{df, 0.10}): how much larger the true sd may be than its estimate, at 90%.
double StatisticalPass::sigma_upper_factor(double df) {
  const auto [it, inserted] = m_sigma_upper.emplace(df, 0.0);
  if (inserted) {
    const boost::math::chi_squared_distribution<double> chi2(df);
    it->second = std::sqrt(df / boost::math::quantile(chi2, 0.10));
  }
  return it->second;
}

}  // namespace perfgate::detail
