// perfgate statistics engine. See include/perfgate/statistics.hpp and docs/statistics.md.
#include <perfgate/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace perfgate::stats {

namespace {

constexpr double k_infinity = std::numeric_limits<double>::infinity();
constexpr double k_mad_to_sigma = 1.482602218505602;
constexpr double k_pi = 3.14159265358979323846;
// Asymptotic variance inflation of the Hodges-Lehmann estimator relative to the
// mean under normal errors (1 / ARE = pi / 3).
constexpr double k_hl_variance_factor = k_pi / 3.0;
// Asymptotic variance of the sample median relative to the mean (pi / 2).
constexpr double k_median_variance_factor = k_pi / 2.0;
// A comparison's own variance beyond this upper quantile of the prior's F distribution does not
// borrow from the prior (compare_moderated).
constexpr double k_prior_misfit = 1.0e-4;
// Above this many degrees of freedom Student t is replaced by the normal (a moderated test of a
// large gate has d0 + d in the tens of thousands; at 1e5 df the tail probabilities at the levels
// of a 20 000-benchmark gate differ from the normal's by under 0.2 %, and Boost's t functions are
// slow there).
constexpr double k_df_normal = 1.0e5;

double to_double(std::size_t value) { return static_cast<double>(value); }

double normal_cdf(double z) {
  if (std::isinf(z)) {
    return z > 0.0 ? 1.0 : 0.0;
  }
  const boost::math::normal_distribution<double> standard;
  return boost::math::cdf(standard, z);
}

double normal_upper(double z) {
  if (std::isinf(z)) {
    return z > 0.0 ? 0.0 : 1.0;
  }
  const boost::math::normal_distribution<double> standard;
  return boost::math::cdf(boost::math::complement(standard, z));
}

// The one-sided p-values of a rank statistic from its normal approximation, with continuity
// correction; both 1 when the statistic has no variance (every value tied).
void normal_rank_p_values(double statistic, double mean, double variance,
                          ComparisonResult& result) {
  if (variance <= 0.0) {
    result.p_worse = 1.0;
    result.p_not_worse = 1.0;
    return;
  }
  const double sd = std::sqrt(variance);
  result.p_worse = normal_upper((statistic - mean - 0.5) / sd);
  result.p_not_worse = normal_cdf((statistic - mean + 0.5) / sd);
}

double normal_quantile(double p) {
  if (p <= 0.0) {
    return -k_infinity;
  }
  if (p >= 1.0) {
    return k_infinity;
  }
  const boost::math::normal_distribution<double> standard;
  return boost::math::quantile(standard, p);
}

bool use_normal(double df) { return !(df > 0.0) || std::isinf(df) || df > k_df_normal; }

double t_cdf(double t, double df) {
  if (use_normal(df) || std::isinf(t)) {
    return normal_cdf(t);
  }
  const boost::math::students_t_distribution<double> dist(df);
  return boost::math::cdf(dist, t);
}

double t_upper(double t, double df) {
  if (use_normal(df) || std::isinf(t)) {
    return normal_upper(t);
  }
  const boost::math::students_t_distribution<double> dist(df);
  return boost::math::cdf(boost::math::complement(dist, t));
}

double t_quantile(double p, double df) {
  if (use_normal(df) || p <= 0.0 || p >= 1.0) {
    return normal_quantile(p);
  }
  const boost::math::students_t_distribution<double> dist(df);
  return boost::math::quantile(dist, p);
}

// The upper `tail` quantile of F(d1, d2); d2 beyond 1e6 is the chi-square limit chi2(d1) / d1.
double f_upper_quantile(double d1, double d2, double tail) {
  if (d2 > 1.0e6) {
    const boost::math::chi_squared_distribution<double> chi2(d1);
    return boost::math::quantile(boost::math::complement(chi2, tail)) / d1;
  }
  const boost::math::fisher_f_distribution<double> f(d1, d2);
  return boost::math::quantile(boost::math::complement(f, tail));
}

double clamp_probability(double p) { return std::min(1.0, std::max(0.0, p)); }

double sign_of(Direction direction) { return direction == Direction::lower_is_better ? 1.0 : -1.0; }

void validate_options(const ComparisonOptions& options) {
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw std::invalid_argument("confidence must be in (0, 1)");
  }
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw std::invalid_argument("alpha must be in (0, 1)");
  }
  if (!(options.power > 0.0 && options.power < 1.0)) {
    throw std::invalid_argument("power must be in (0, 1)");
  }
}

// Sorts (value, flag) pairs and returns the sum of the mid-ranks (1-based, ties averaged) of the
// flagged ones; adds each tie group's (t^3 - t) to `tie_term`. Shared by both rank tests.
double flagged_mid_rank_sum(std::vector<std::pair<double, bool>>& items, double& tie_term,
                            bool& ties) {
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  double sum = 0.0;
  std::size_t i = 0;
  while (i < items.size()) {
    std::size_t j = i;
    while (j + 1 < items.size() && items[j + 1].first == items[i].first) {
      ++j;
    }
    const double mid_rank = 0.5 * (to_double(i) + to_double(j)) + 1.0;
    const double t = to_double(j - i + 1);
    if (j > i) {
      ties = true;
      tie_term += t * t * t - t;
    }
    for (std::size_t k = i; k <= j; ++k) {
      if (items[k].second) {
        sum += mid_rank;
      }
    }
    i = j + 1;
  }
  return sum;
}

// Sum of Mann-Whitney counts: U = #{y_j > x_i} + 0.5 #{y_j == x_i}, via mid-ranks.
struct RankSum {
  double u = 0.0;
  double tie_term = 0.0;  // sum over tie groups of (t^3 - t)
  bool ties = false;
};

RankSum rank_sum(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, bool>> all;  // (value, is_y)
  all.reserve(x.size() + y.size());
  for (const double v : x) {
    all.emplace_back(v, false);
  }
  for (const double v : y) {
    all.emplace_back(v, true);
  }
  RankSum result;
  const double rank_sum_y = flagged_mid_rank_sum(all, result.tie_term, result.ties);
  const double n2 = to_double(y.size());
  result.u = rank_sum_y - n2 * (n2 + 1.0) / 2.0;
  return result;
}

struct SignedRankSum {
  double t_plus = 0.0;
  std::size_t n = 0;  // non-zero differences
  double tie_term = 0.0;
  bool ties = false;
};

SignedRankSum signed_rank_sum(const std::vector<double>& values) {
  std::vector<std::pair<double, bool>> magnitudes;  // (|v|, positive)
  for (const double v : values) {
    if (v != 0.0) {
      magnitudes.emplace_back(std::fabs(v), v > 0.0);
    }
  }
  SignedRankSum result;
  result.n = magnitudes.size();
  result.t_plus = flagged_mid_rank_sum(magnitudes, result.tie_term, result.ties);
  return result;
}

// Largest c with P(S <= c) <= tail, or -1 when even P(S <= 0) exceeds it.
long long lower_critical_count(const std::vector<double>& pmf, double tail) {
  double cumulative = 0.0;
  long long c = -1;
  for (std::size_t u = 0; u < pmf.size(); ++u) {
    cumulative += pmf[u];
    if (cumulative <= tail * (1.0 + 1.0e-12)) {
      c = static_cast<long long>(u);
    } else {
      break;
    }
  }
  return c;
}

double upper_tail(const std::vector<double>& pmf, double observed) {
  // P(S >= observed) for integer-valued S.
  const double start = std::ceil(observed - 1.0e-9);
  double sum = 0.0;
  for (std::size_t u = pmf.size(); u-- > 0;) {
    if (to_double(u) < start) {
      break;
    }
    sum += pmf[u];
  }
  return clamp_probability(sum);
}

double lower_tail(const std::vector<double>& pmf, double observed) {
  const double stop = std::floor(observed + 1.0e-9);
  double sum = 0.0;
  for (std::size_t u = 0; u < pmf.size(); ++u) {
    if (to_double(u) > stop) {
      break;
    }
    sum += pmf[u];
  }
  return clamp_probability(sum);
}

// Interval from sorted candidate differences and an excluded count c on each side.
Interval order_statistic_interval(const std::vector<double>& sorted, long long c) {
  if (c < 0 || sorted.empty()) {
    return Interval{-k_infinity, k_infinity};
  }
  const auto index = static_cast<std::size_t>(c);
  if (index >= sorted.size() || sorted.size() - 1 - index < index) {
    const double mid = median(sorted);
    return Interval{mid, mid};
  }
  return Interval{sorted[index], sorted[sorted.size() - 1 - index]};
}

Interval exp_interval(const Interval& interval) {
  return Interval{std::exp(interval.lower), std::exp(interval.upper)};
}

// Pass: the bad-side bound of the shift interval is on the good side of the margin.
bool interval_passes(const Interval& shift_ci, double log_margin, Direction direction) {
  if (direction == Direction::lower_is_better) {
    return shift_ci.upper < log_margin;
  }
  return -shift_ci.lower < log_margin;
}

double pooled_sigma(const std::vector<std::vector<double>>& groups, double* df_out) {
  double weighted = 0.0;
  double df = 0.0;
  for (const auto& group : groups) {
    if (group.size() >= 2) {
      const double sigma = mad_sigma(group);
      const double w = to_double(group.size() - 1);
      weighted += w * sigma * sigma;
      df += w;
    }
  }
  if (df_out != nullptr) {
    *df_out = df;
  }
  return df > 0.0 ? std::sqrt(weighted / df) : 0.0;
}

void finish_result(ComparisonResult& result, const ComparisonOptions& options, double log_margin) {
  result.ratio = std::exp(result.shift);
  result.ratio_ci = exp_interval(result.shift_ci);
  const bool insufficient = is_insufficient(result.min_attainable_p, options.alpha);
  result.mde = insufficient
                   ? k_infinity
                   : minimum_detectable_effect(result.standard_error, result.df, options.alpha,
                                               options.power, options.direction,
                                               options.null_cache);
  result.noisy = is_noisy(result.mde, options.margin);
  result.p_adjusted = result.p_worse;
  result.within_margin = interval_passes(result.shift_ci, log_margin, options.direction);
  if (result.p_worse <= options.alpha) {
    result.verdict = Outcome::fail;
  } else if (result.within_margin) {
    result.verdict = Outcome::pass;
  } else if (insufficient) {
    result.verdict = Outcome::insufficient;
  } else {
    result.verdict = Outcome::inconclusive;
  }
}

std::vector<std::vector<double>> non_empty_log_groups(
    const std::vector<std::vector<double>>& groups) {
  std::vector<std::vector<double>> result;
  for (const auto& group : groups) {
    if (!group.empty()) {
      result.push_back(log_values(group));
    }
  }
  return result;
}

// Label-blind outlier screen: values above median + k * MAD-sigma of the pooled
// values, if they are few (at most max(1, N / 10)). Returns +inf when nothing is screened.
double screening_threshold(const std::vector<double>& pooled, double k, double floor = 0.0) {
  // Without a floor from the gate, the MAD of fewer than 8 values is too unreliable to call one of
  // them an outlier (and screening would break the t test's level); with a floor, from 4.
  if (!(k > 0.0) || pooled.size() < (floor > 0.0 ? 4U : 8U)) {
    return k_infinity;
  }
  // A MAD of a few values can be tiny by chance; the gate's typical noise bounds it from below.
  const double spread = std::max(mad_sigma(pooled), floor);
  if (!(spread > 0.0)) {
    return k_infinity;
  }
  const double threshold = median(pooled) + k * spread;
  const auto above = static_cast<std::size_t>(
      std::count_if(pooled.begin(), pooled.end(), [&](double v) { return v > threshold; }));
  if (above == 0 || above > std::max<std::size_t>(1, pooled.size() / 5)) {
    return k_infinity;
  }
  return threshold;
}

std::vector<double> keep_at_most(const std::vector<double>& values, double threshold) {
  std::vector<double> kept;
  kept.reserve(values.size());
  for (const double v : values) {
    if (!(v > threshold)) {
      kept.push_back(v);
    }
  }
  return kept;
}

// The two samples of a comparison on the log scale, and in the orientation of the margin test:
// xs = badness of the baseline logs, ys = badness of the candidate logs minus the log margin, so
// "worse by more than the margin" is "ys stochastically larger than xs".
struct OrientedSamples {
  std::vector<double> x;  // log(baseline)
  std::vector<double> y;  // log(candidate)
  std::vector<double> xs;
  std::vector<double> ys;
  double log_margin = 0.0;
};

OrientedSamples orient(const std::vector<double>& baseline, const std::vector<double>& candidate,
                       const ComparisonOptions& options) {
  validate_options(options);
  if (baseline.empty() || candidate.empty()) {
    throw std::invalid_argument("both samples must be non-empty");
  }
  OrientedSamples out;
  out.x = log_values(baseline);
  out.y = log_values(candidate);
  const double sign = sign_of(options.direction);
  out.log_margin = practical_log_margin(options.margin, options.direction);
  out.xs.reserve(out.x.size());
  out.ys.reserve(out.y.size());
  for (const double v : out.x) {
    out.xs.push_back(sign * v);
  }
  for (const double v : out.y) {
    out.ys.push_back(sign * v - out.log_margin);
  }
  return out;
}

// Both samples after the label-blind screen of the pooled values (screening_threshold); both
// unscreened when the screen would empty a side.
std::pair<std::vector<double>, std::vector<double>> screen_two_samples(
    const std::vector<double>& xs, const std::vector<double>& ys, double k, double floor = 0.0) {
  std::vector<double> pooled = xs;
  pooled.insert(pooled.end(), ys.begin(), ys.end());
  const double threshold = screening_threshold(pooled, k, floor);
  std::vector<double> xt = keep_at_most(xs, threshold);
  std::vector<double> yt = keep_at_most(ys, threshold);
  if (xt.empty() || yt.empty()) {
    return {xs, ys};
  }
  return {std::move(xt), std::move(yt)};
}

double mean_of(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / to_double(values.size());
}

double sum_of_squares(const std::vector<double>& values, double centre) {
  double sum = 0.0;
  for (const double v : values) {
    sum += (v - centre) * (v - centre);
  }
  return sum;
}

// The exact null distribution from the cache when there is one, else computed into `storage`.
const std::vector<double>& mann_whitney_pmf(std::size_t n1, std::size_t n2,
                                            NullDistributionCache* cache,
                                            std::vector<double>& storage) {
  if (cache != nullptr) {
    return cache->mann_whitney(n1, n2);
  }
  storage = mann_whitney_null_pmf(n1, n2);
  return storage;
}

const std::vector<double>& signed_rank_pmf(std::size_t n, NullDistributionCache* cache,
                                           std::vector<double>& storage) {
  if (cache != nullptr) {
    return cache->signed_rank(n);
  }
  storage = signed_rank_null_pmf(n);
  return storage;
}

double min_attainable_p_for(SequentialTest test, std::size_t n) {
  return test == SequentialTest::signed_rank ? signed_rank_min_p(n) : mann_whitney_min_p(n, n);
}

}  // namespace

// ---- basic robust statistics -------------------------------------------------

double median(std::vector<double> values) {
  if (values.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const std::size_t n = values.size();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  const double upper = *middle;
  if (n % 2 == 1) {
    return upper;
  }
  const double lower = *std::max_element(values.begin(), middle);
  return 0.5 * (lower + upper);
}

double mad_sigma(const std::vector<double>& values) {
  if (values.size() < 2) {
    return 0.0;
  }
  const double center = median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (const double v : values) {
    deviations.push_back(std::fabs(v - center));
  }
  return k_mad_to_sigma * median(std::move(deviations));
}

std::vector<double> log_values(const std::vector<double>& positive_values) {
  std::vector<double> result;
  result.reserve(positive_values.size());
  for (const double v : positive_values) {
    if (!(v > 0.0) || !std::isfinite(v)) {
      throw std::invalid_argument("samples must be positive and finite");
    }
    result.push_back(std::log(v));
  }
  return result;
}

double hodges_lehmann_shift(const std::vector<double>& baseline,
                            const std::vector<double>& candidate) {
  std::vector<double> differences;
  differences.reserve(baseline.size() * candidate.size());
  for (const double y : candidate) {
    for (const double x : baseline) {
      differences.push_back(y - x);
    }
  }
  return median(std::move(differences));
}

double hodges_lehmann_one_sample(const std::vector<double>& values) {
  std::vector<double> walsh;
  walsh.reserve(values.size() * (values.size() + 1) / 2);
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = i; j < values.size(); ++j) {
      walsh.push_back(0.5 * (values[i] + values[j]));
    }
  }
  return median(std::move(walsh));
}

// ---- null distributions ----------------------------------------------------------

std::vector<double> mann_whitney_null_pmf(std::size_t n1, std::size_t n2) {
  // Generating function of U: prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i) (Harding 1984).
  const std::size_t m = std::min(n1, n2);
  const std::size_t n = std::max(n1, n2);
  const std::size_t degree = m * n;
  std::vector<double> f(degree + 1, 0.0);
  f[0] = 1.0;
  for (std::size_t i = 1; i <= m; ++i) {
    const std::size_t step_up = n + i;
    for (std::size_t u = degree; u >= step_up && u <= degree; --u) {
      f[u] -= f[u - step_up];
      if (u == step_up) {
        break;
      }
    }
    for (std::size_t u = i; u <= degree; ++u) {
      f[u] += f[u - i];
    }
  }
  double total = 0.0;
  for (double& value : f) {
    value = std::max(0.0, value);
    total += value;
  }
  for (double& value : f) {
    value /= total;
  }
  return f;
}

std::vector<double> signed_rank_null_pmf(std::size_t n) {
  const std::size_t max_t = n * (n + 1) / 2;
  std::vector<double> p(max_t + 1, 0.0);
  p[0] = 1.0;
  for (std::size_t i = 1; i <= n; ++i) {
    const std::size_t top = i * (i + 1) / 2;
    for (std::size_t t = top; t >= i; --t) {
      p[t] = 0.5 * (p[t] + p[t - i]);
    }
    for (std::size_t t = 0; t < i && t <= top; ++t) {
      p[t] *= 0.5;
    }
  }
  return p;
}

const std::vector<double>& NullDistributionCache::mann_whitney(std::size_t n1, std::size_t n2) {
  // The distribution is symmetric in (n1, n2).
  const auto key = std::make_pair(std::min(n1, n2), std::max(n1, n2));
  auto found = m_mann_whitney.find(key);
  if (found == m_mann_whitney.end()) {
    found = m_mann_whitney.emplace(key, mann_whitney_null_pmf(key.first, key.second)).first;
  }
  return found->second;
}

const std::vector<double>& NullDistributionCache::signed_rank(std::size_t n) {
  auto found = m_signed_rank.find(n);
  if (found == m_signed_rank.end()) {
    found = m_signed_rank.emplace(n, signed_rank_null_pmf(n)).first;
  }
  return found->second;
}

double NullDistributionCache::t_quantile(double p, double df) {
  const auto [it, inserted] = m_t_quantile.emplace(std::make_pair(p, df), 0.0);
  if (inserted) {
    it->second = perfgate::stats::t_quantile(p, df);
  }
  return it->second;
}

double NullDistributionCache::f_upper_quantile(double d1, double d2, double tail) {
  const auto [it, inserted] = m_f_quantile.emplace(std::make_pair(d1, d2), 0.0);
  if (inserted) {
    it->second = perfgate::stats::f_upper_quantile(d1, d2, tail);
  }
  return it->second;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) {
    return 1.0;
  }
  const double log_choose = std::lgamma(to_double(n1 + n2) + 1.0) -
                            std::lgamma(to_double(n1) + 1.0) - std::lgamma(to_double(n2) + 1.0);
  return std::exp(-log_choose);
}

double signed_rank_min_p(std::size_t n) { return std::pow(2.0, -to_double(n)); }

bool is_insufficient(double min_attainable_p, double required_alpha) {
  return min_attainable_p > required_alpha;
}

double practical_log_margin(double margin, Direction direction) {
  if (!(margin >= 0.0)) {
    throw std::invalid_argument("margin must be >= 0");
  }
  if (direction == Direction::lower_is_better) {
    return std::log1p(margin);
  }
  if (!(margin < 1.0)) {
    throw std::invalid_argument("margin must be < 1 for lower-is-worse metrics");
  }
  return -std::log1p(-margin);
}

// ---- comparisons ------------------------------------------------------------------

ComparisonResult compare_independent(const std::vector<double>& baseline,
                                     const std::vector<double>& candidate,
                                     const ComparisonOptions& options) {
  const OrientedSamples sides = orient(baseline, candidate, options);
  const std::vector<double>& x = sides.x;
  const std::vector<double>& y = sides.y;
  const double log_margin = sides.log_margin;
  const std::size_t n1 = x.size();
  const std::size_t n2 = y.size();
  const std::size_t cells = n1 * n2;

  std::vector<double> differences;
  differences.reserve(cells);
  for (const double yj : y) {
    for (const double xi : x) {
      differences.push_back(yj - xi);
    }
  }
  std::sort(differences.begin(), differences.end());

  ComparisonResult result;
  result.n_baseline = n1;
  result.n_candidate = n2;
  result.shift = median(differences);

  // Shifted test: is ys (candidate badness minus the margin) stochastically larger than xs?
  const std::vector<double>& xs = sides.xs;
  const std::vector<double>& ys = sides.ys;
  // Label-blind screening of slow-side outliers keeps the permutation null exact.
  const auto [xt, yt] = screen_two_samples(xs, ys, options.screen_k);
  result.screened = (n1 + n2) - (xt.size() + yt.size());
  const RankSum rs = rank_sum(xt, yt);
  const double nn1 = to_double(n1);
  const double nn2 = to_double(n2);
  const double big_n = nn1 + nn2;
  const double mean_u = nn1 * nn2 / 2.0;
  const double sd_untied = std::sqrt(nn1 * nn2 * (big_n + 1.0) / 12.0);
  const bool small = cells <= options.exact_max_cells;
  const double tail = (1.0 - options.confidence) / 2.0;

  std::vector<double> pmf_storage;
  const std::vector<double>* pmf = nullptr;
  if (small) {
    pmf = &mann_whitney_pmf(n1, n2, options.null_cache, pmf_storage);
  }
  const double tn1 = to_double(xt.size());
  const double tn2 = to_double(yt.size());
  const double test_n = tn1 + tn2;
  const double test_mean = tn1 * tn2 / 2.0;
  if (small && !rs.ties) {
    result.method = Method::exact_rank;
    std::vector<double> test_storage;
    const std::vector<double>& test_pmf =
        result.screened == 0
            ? *pmf
            : mann_whitney_pmf(xt.size(), yt.size(), options.null_cache, test_storage);
    result.p_worse = upper_tail(test_pmf, rs.u);
    result.p_not_worse = lower_tail(test_pmf, rs.u);
  } else {
    result.method = Method::normal_rank;
    const double tie_fraction = test_n > 1.0 ? rs.tie_term / (test_n * (test_n - 1.0)) : 0.0;
    const double variance = tn1 * tn2 / 12.0 * ((test_n + 1.0) - tie_fraction);
    normal_rank_p_values(rs.u, test_mean, variance, result);
  }

  long long excluded = -1;
  if (small) {
    excluded = lower_critical_count(*pmf, tail);
  } else {
    excluded =
        static_cast<long long>(std::floor(mean_u - 0.5 - normal_quantile(1.0 - tail) * sd_untied));
  }
  result.shift_ci = order_statistic_interval(differences, excluded);

  double within_df = 0.0;
  const double sigma = pooled_sigma({x, y}, &within_df);
  result.within_run_sd = sigma;
  result.standard_error = sigma * std::sqrt(k_hl_variance_factor * (1.0 / nn1 + 1.0 / nn2));
  result.df = k_infinity;
  result.min_attainable_p = mann_whitney_min_p(n1, n2);
  finish_result(result, options, log_margin);
  return result;
}

namespace {

// Both samples on the log scale in the margin's orientation, after the label-blind screen of
// slow outliers. The screen looks at the pooled values after aligning the candidate by the HL
// shift, so an outlier is seen as one even when a large change separates the two samples; it is
// the same rule for both sides and drops at most max(1, N / 10) values.
struct ScreenedSamples {
  OrientedSamples sides;
  std::vector<double> xt;  // badness of the kept baseline logs
  std::vector<double> yt;  // badness of the kept candidate logs, minus the log margin
  std::size_t screened = 0;
};

ScreenedSamples screen_aligned(const std::vector<double>& baseline,
                               const std::vector<double>& candidate,
                               const ComparisonOptions& options) {
  ScreenedSamples out;
  out.sides = orient(baseline, candidate, options);
  if (!(options.same_job_screen_k > 0.0)) {
    // No screen (the unscreened first pass of the gate's variance prior): nothing to align, and
    // the Hodges-Lehmann shift, the costly part, is not needed.
    out.xt = out.sides.xs;
    out.yt = out.sides.ys;
    return out;
  }
  const double aligned_by = hodges_lehmann_shift(out.sides.xs, out.sides.ys);
  std::vector<double> aligned = out.sides.ys;
  for (double& v : aligned) {
    v -= aligned_by;
  }
  auto [xt, aligned_kept] = screen_two_samples(out.sides.xs, aligned, options.same_job_screen_k,
                                               options.screen_floor);
  for (double& v : aligned_kept) {
    v += aligned_by;
  }
  out.xt = std::move(xt);
  out.yt = std::move(aligned_kept);
  out.screened = (baseline.size() + candidate.size()) - (out.xt.size() + out.yt.size());
  return out;
}

// Pooled sum of squares around each side's mean and its degrees of freedom.
SampleVariance pooled_variance(const std::vector<double>& xt, const std::vector<double>& yt,
                               double* sum_squares_out) {
  double sum_squares = 0.0;
  double df = 0.0;
  for (const std::vector<double>* side : {&xt, &yt}) {
    if (side->size() >= 2) {
      sum_squares += sum_of_squares(*side, mean_of(*side));
      df += to_double(side->size() - 1);
    }
  }
  if (sum_squares_out != nullptr) {
    *sum_squares_out = sum_squares;
  }
  return SampleVariance{df > 0.0 ? sum_squares / df : 0.0, df};
}

}  // namespace

namespace {
double misfit_ratio(double own_df, double prior_df, const ComparisonOptions& options) {
  return options.null_cache != nullptr
             ? options.null_cache->f_upper_quantile(own_df, prior_df, k_prior_misfit)
             : f_upper_quantile(own_df, prior_df, k_prior_misfit);
}
}  // namespace

SampleVariance screened_log_variance(const std::vector<double>& baseline,
                                     const std::vector<double>& candidate,
                                     const ComparisonOptions& options) {
  const ScreenedSamples samples = screen_aligned(baseline, candidate, options);
  return pooled_variance(samples.xt, samples.yt, nullptr);
}

VariancePrior fit_variance_prior(const std::vector<SampleVariance>& variances) {
  // Robust to the outliers of benchmark timings (a comparison whose screen kept a slow
  // repetition has a variance far above the rest): the prior is fitted to the trimmed spread of
  // the log variances, not to all their moments. log s^2 = log s0^2 + log F(d, d0) for the
  // comparisons' typical df d; d0 is the df whose F distribution has the observed variance between
  // the 5% and the 85% quantiles (the spread beyond what d alone gives is the spread of the true
  // variances), and s0^2 puts the median of the fitted distribution on the observed median. The
  // trimmed variance uses every comparison inside the range, so it is far less noisy than an
  // interquartile range, and up to 15% of the comparisons may carry outliers.
  std::vector<double> logs;
  std::vector<double> dfs;
  double total_df = 0.0;
  for (const SampleVariance& v : variances) {
    if (!(v.df > 0.0) || !(v.variance > 0.0) || !std::isfinite(v.variance)) {
      continue;
    }
    logs.push_back(std::log(v.variance));
    dfs.push_back(v.df);
    total_df += v.df;
  }
  if (logs.size() < 3) {
    return {};
  }
  std::sort(logs.begin(), logs.end());
  constexpr double k_low = 0.05;
  constexpr double k_high = 0.85;
  const auto first = static_cast<std::size_t>(std::floor(k_low * to_double(logs.size())));
  const auto last = std::max(first + 2, static_cast<std::size_t>(
                                            std::ceil(k_high * to_double(logs.size()))));
  const std::vector<double> kept(logs.begin() + static_cast<std::ptrdiff_t>(first),
                                 logs.begin() + static_cast<std::ptrdiff_t>(
                                                    std::min(last, logs.size())));
  // The trimmed variance, less one standard error of its own: whatever spread the sampling noise
  // of a few hundred variances could explain is not taken for a spread of the true variances (the
  // misfit rule of compare_moderated keeps a comparison that is far noisier than its gate out of
  // the prior's reach).
  const double kept_mean = mean_of(kept);
  const double kept_n = to_double(kept.size());
  const double raw_spread = sum_of_squares(kept, kept_mean) / kept_n;
  double fourth = 0.0;
  for (const double v : kept) {
    fourth += std::pow(v - kept_mean, 4.0);
  }
  const double spread_error = std::sqrt(std::max(0.0, fourth / kept_n - raw_spread * raw_spread) /
                                        kept_n);
  const double observed_spread = raw_spread - spread_error;
  const double observed_median = median(logs);
  const double d = median(dfs);
  // Quantiles of log F(d, d0); d0 beyond 1e6 is the chi-square limit.
  const auto log_f_quantile = [&](double d0, double q) {
    if (d0 > 1.0e6) {
      const boost::math::chi_squared_distribution<double> chi2(d);
      return std::log(boost::math::quantile(chi2, q) / d);
    }
    const boost::math::fisher_f_distribution<double> f(d, d0);
    return std::log(boost::math::quantile(f, q));
  };
  // The same trimmed variance of log F(d, d0), by the midpoint rule on its quantile function.
  const auto spread_of = [&](double d0) {
    constexpr int k_points = 16;
    std::vector<double> points;
    for (int j = 0; j < k_points; ++j) {
      points.push_back(log_f_quantile(d0, k_low + (k_high - k_low) * (j + 0.5) / k_points));
    }
    return sum_of_squares(points, mean_of(points)) / to_double(points.size());
  };
  // The prior cannot carry more information than the comparisons it was estimated from.
  const double cap = total_df;
  double d0 = cap;
  if (observed_spread > spread_of(cap)) {
    // spread_of falls as d0 grows: bisection on log d0.
    double low = std::log(0.05);
    double high = std::log(cap);
    for (int iteration = 0; iteration < 20; ++iteration) {
      const double middle = (low + high) / 2.0;
      if (spread_of(std::exp(middle)) > observed_spread) {
        low = middle;
      } else {
        high = middle;
      }
    }
    d0 = std::exp((low + high) / 2.0);
  }
  return VariancePrior{d0, std::exp(observed_median - log_f_quantile(d0, 0.5))};
}

ComparisonResult compare_moderated(const std::vector<double>& baseline,
                                   const std::vector<double>& candidate,
                                   const ComparisonOptions& options) {
  const ScreenedSamples samples = screen_aligned(baseline, candidate, options);
  const std::vector<double>& xt = samples.xt;
  const std::vector<double>& yt = samples.yt;
  const double sign = sign_of(options.direction);
  const double log_margin = samples.sides.log_margin;
  double sum_squares = 0.0;
  const SampleVariance own = pooled_variance(xt, yt, &sum_squares);
  const VariancePrior& prior = options.prior;
  // A comparison whose own variance the prior could not have produced (beyond the 1 - 1e-4
  // quantile of s0^2 F(d, d0): a slow repetition the screen kept, or a benchmark noisier than its
  // gate) borrows nothing: the prior would hide its noise (docs/statistics.md, section 2).
  const bool has_prior = prior.df > 0.0 && prior.variance > 0.0 &&
                         !(own.df > 0.0 &&
                           own.variance > prior.variance * misfit_ratio(own.df, prior.df, options));
  const double df = own.df + (has_prior ? prior.df : 0.0);

  ComparisonResult result;
  result.n_baseline = baseline.size();
  result.n_candidate = candidate.size();
  result.method = has_prior ? Method::moderated_t : Method::screened_t;
  result.screened = samples.screened;
  const double n1 = to_double(xt.size());
  const double n2 = to_double(yt.size());
  const double badness_minus_margin = mean_of(yt) - mean_of(xt);  // shifted: 0 at the margin
  result.shift = sign * (badness_minus_margin + log_margin);
  if (!(df > 0.0)) {
    // One value per side and nothing to borrow: no statement about the noise is possible.
    result.standard_error = k_infinity;
    result.df = 0.0;
    result.shift_ci = {-k_infinity, k_infinity};
    result.p_worse = 1.0;
    result.p_not_worse = 1.0;
    result.min_attainable_p = 1.0;
    finish_result(result, options, log_margin);
    return result;
  }
  const double variance =
      has_prior ? (prior.df * prior.variance + sum_squares) / df : sum_squares / df;
  result.within_run_sd = std::sqrt(own.variance);
  result.df = df;
  result.standard_error = std::sqrt(variance * (1.0 / n1 + 1.0 / n2));
  result.min_attainable_p = 0.0;  // a continuous statistic: every level can be reached
  if (result.standard_error > 0.0) {
    const double t = badness_minus_margin / result.standard_error;
    result.p_worse = clamp_probability(t_upper(t, df));
    result.p_not_worse = clamp_probability(t_cdf(t, df));
    const double p = 1.0 - (1.0 - options.confidence) / 2.0;
    const double half_width = (options.null_cache != nullptr ? options.null_cache->t_quantile(p, df)
                                                             : t_quantile(p, df)) *
                              result.standard_error;
    result.shift_ci = {result.shift - half_width, result.shift + half_width};
  } else {
    // No spread anywhere (identical values): the sign decides.
    result.p_worse = badness_minus_margin > 0.0 ? 0.0 : 1.0;
    result.p_not_worse = badness_minus_margin < 0.0 ? 0.0 : 1.0;
    result.shift_ci = {result.shift, result.shift};
  }
  finish_result(result, options, log_margin);
  return result;
}

ComparisonResult compare_same_job(const std::vector<double>& baseline,
                                  const std::vector<double>& candidate,
                                  const ComparisonOptions& options) {
  return compare_moderated(baseline, candidate, options);
}


ComparisonResult compare_same_job_runs(const std::vector<std::vector<double>>& baseline_runs,
                                       const std::vector<std::vector<double>>& candidate_runs,
                                       const ComparisonOptions& options) {
  validate_options(options);
  const std::vector<double> baseline = flatten(baseline_runs);
  const std::vector<double> candidate = flatten(candidate_runs);
  ComparisonResult result = compare_same_job(baseline, candidate, options);
  const std::size_t runs_baseline = non_empty_log_groups(baseline_runs).size();
  const std::size_t runs_candidate = non_empty_log_groups(candidate_runs).size();
  if (runs_baseline + runs_candidate < 3) {
    return result;
  }
  const ComparisonResult runs = compare_grouped(baseline_runs, candidate_runs, options);
  result.runs_baseline = runs.runs_baseline;
  result.runs_candidate = runs.runs_candidate;
  result.between_run_sd = runs.between_run_sd;
  result.method = Method::screened_t_runs;
  result.p_worse = std::max(result.p_worse, runs.p_worse);
  result.p_not_worse = std::max(result.p_not_worse, runs.p_not_worse);
  result.shift_ci = {std::min(result.shift_ci.lower, runs.shift_ci.lower),
                     std::max(result.shift_ci.upper, runs.shift_ci.upper)};
  const auto resolution = [&](const ComparisonResult& r) {
    return minimum_detectable_effect(r.standard_error, r.df, options.alpha, options.power,
                                     options.direction);
  };
  if (resolution(runs) > resolution(result)) {
    result.standard_error = runs.standard_error;
    result.df = runs.df;
  }
  result.min_attainable_p = std::max(result.min_attainable_p, runs.min_attainable_p);
  finish_result(result, options, practical_log_margin(options.margin, options.direction));
  return result;
}

ComparisonResult compare_grouped(const std::vector<std::vector<double>>& baseline_runs,
                                 const std::vector<std::vector<double>>& candidate_runs,
                                 const ComparisonOptions& options) {
  validate_options(options);
  const std::vector<std::vector<double>> base_logs = non_empty_log_groups(baseline_runs);
  const std::vector<std::vector<double>> cand_logs = non_empty_log_groups(candidate_runs);
  if (base_logs.empty() || cand_logs.empty()) {
    throw std::invalid_argument("both sides need at least one non-empty run");
  }
  const std::size_t k_b = base_logs.size();
  const std::size_t k_c = cand_logs.size();
  if (k_b < 2 && k_c < 2 && !(options.min_between_run_sd > 0.0)) {
    ComparisonResult flat =
        compare_independent(flatten(baseline_runs), flatten(candidate_runs), options);
    flat.runs_baseline = k_b;
    flat.runs_candidate = k_c;
    return flat;
  }

  const std::vector<double> x = flatten(base_logs);
  const std::vector<double> y = flatten(cand_logs);
  const double nn1 = to_double(x.size());
  const double nn2 = to_double(y.size());
  const double sign = sign_of(options.direction);
  const double log_margin = practical_log_margin(options.margin, options.direction);

  ComparisonResult result;
  result.method = Method::random_effects;
  result.n_baseline = x.size();
  result.n_candidate = y.size();
  result.runs_baseline = k_b;
  result.runs_candidate = k_c;
  result.shift = hodges_lehmann_shift(x, y);

  // Within-run spread: pooled MAD sigma over all runs of both sides.
  std::vector<std::vector<double>> all_groups = base_logs;
  all_groups.insert(all_groups.end(), cand_logs.begin(), cand_logs.end());
  double within_df = 0.0;
  const double sigma = pooled_sigma(all_groups, &within_df);
  result.within_run_sd = sigma;
  const double se_within_sq = sigma * sigma * k_hl_variance_factor * (1.0 / nn1 + 1.0 / nn2);

  // Run-to-run variation: every run is summarised by its median. The spread of the
  // run medians around each side's mean (pooled, k_b + k_c - 2 df) estimates
  // tau^2 + (within-run noise of a median); the shift of the side means then has
  // variance s_run^2 (1/k_b + 1/k_c) and a Student t reference with k_b + k_c - 2 df
  // (a t-test on run-level summaries, exact for normal run effects).
  double sum_squares = 0.0;
  double expected_within = 0.0;
  std::size_t runs_used = 0;
  const auto accumulate_side = [&](const std::vector<std::vector<double>>& groups) {
    if (groups.size() < 2) {
      return;
    }
    std::vector<double> medians;
    for (const auto& group : groups) {
      medians.push_back(median(group));
      expected_within += k_median_variance_factor * sigma * sigma / to_double(group.size());
      ++runs_used;
    }
    const double mean =
        std::accumulate(medians.begin(), medians.end(), 0.0) / to_double(medians.size());
    for (const double m : medians) {
      sum_squares += (m - mean) * (m - mean);
    }
  };
  accumulate_side(base_logs);
  accumulate_side(cand_logs);
  const double run_df = to_double((k_b - 1) + (k_c - 1));
  const double run_factor = 1.0 / to_double(k_b) + 1.0 / to_double(k_c);
  double se_sq = se_within_sq;
  result.df = within_df > 0.0 ? within_df : k_infinity;
  if (run_df > 0.0) {
    const double run_variance = sum_squares / run_df;
    result.between_run_sd =
        std::sqrt(std::max(0.0, run_variance - expected_within / to_double(runs_used)));
    const double se_run_sq = run_variance * run_factor;
    if (se_run_sq > se_sq) {
      se_sq = se_run_sq;
    }
    result.df = run_df;
  }
  const double floor_sd = options.min_between_run_sd;
  if (floor_sd > 0.0) {
    const double known_sq = se_within_sq + floor_sd * floor_sd * run_factor;
    if (known_sq > se_sq) {
      // A known (prior) run-to-run sd carries no estimation uncertainty.
      se_sq = known_sq;
      result.df = k_infinity;
      result.between_run_sd = std::max(result.between_run_sd, floor_sd);
    }
  }
  result.standard_error = std::sqrt(se_sq);

  const double tail = (1.0 - options.confidence) / 2.0;
  const double badness = sign * result.shift - log_margin;
  if (result.standard_error > 0.0) {
    const double q = t_quantile(1.0 - tail, result.df);
    result.shift_ci = Interval{result.shift - q * result.standard_error,
                               result.shift + q * result.standard_error};
    const double t = badness / result.standard_error;
    result.p_worse = t_upper(t, result.df);
    result.p_not_worse = t_cdf(t, result.df);
  } else {
    result.shift_ci = Interval{result.shift, result.shift};
    result.p_worse = badness > 0.0 ? 0.0 : 1.0;
    result.p_not_worse = badness < 0.0 ? 0.0 : 1.0;
  }
  result.min_attainable_p = mann_whitney_min_p(x.size(), y.size());
  finish_result(result, options, log_margin);
  return result;
}

ComparisonResult compare_paired(const std::vector<double>& reference,
                                const std::vector<double>& candidate,
                                const ComparisonOptions& options) {
  validate_options(options);
  if (reference.size() != candidate.size()) {
    throw std::invalid_argument("paired samples must have equal sizes");
  }
  if (reference.empty()) {
    throw std::invalid_argument("paired samples must be non-empty");
  }
  const std::vector<double> r = log_values(reference);
  const std::vector<double> c = log_values(candidate);
  const std::size_t n = r.size();
  const double sign = sign_of(options.direction);
  const double log_margin = practical_log_margin(options.margin, options.direction);

  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = c[i] - r[i];
  }
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      walsh.push_back(0.5 * (d[i] + d[j]));
    }
  }
  std::sort(walsh.begin(), walsh.end());

  ComparisonResult result;
  result.n_baseline = n;
  result.n_candidate = n;
  result.shift = median(walsh);

  std::vector<double> shifted(n);
  for (std::size_t i = 0; i < n; ++i) {
    shifted[i] = sign * d[i] - log_margin;
  }
  {
    std::vector<double> magnitudes;
    magnitudes.reserve(n);
    for (const double v : shifted) {
      magnitudes.push_back(std::fabs(v));
    }
    const double threshold = screening_threshold(magnitudes, options.screen_k);
    std::vector<double> kept;
    for (const double v : shifted) {
      if (!(std::fabs(v) > threshold)) {
        kept.push_back(v);
      }
    }
    result.screened = n - kept.size();
    shifted = kept;
  }
  const SignedRankSum sr = signed_rank_sum(shifted);
  const std::size_t n_used = sr.n;
  const std::size_t cells_used = n_used * (n_used + 1) / 2;
  const std::size_t cells = n * (n + 1) / 2;
  const double tail = (1.0 - options.confidence) / 2.0;

  if (n_used == 0) {
    result.method = Method::exact_rank;
    result.p_worse = 1.0;
    result.p_not_worse = 1.0;
  } else if (cells_used <= options.exact_max_cells && !sr.ties) {
    result.method = Method::exact_rank;
    std::vector<double> storage;
    const std::vector<double>& pmf = signed_rank_pmf(n_used, options.null_cache, storage);
    result.p_worse = upper_tail(pmf, sr.t_plus);
    result.p_not_worse = lower_tail(pmf, sr.t_plus);
  } else {
    result.method = Method::normal_rank;
    const double nu = to_double(n_used);
    const double mean_t = nu * (nu + 1.0) / 4.0;
    const double variance = nu * (nu + 1.0) * (2.0 * nu + 1.0) / 24.0 - sr.tie_term / 48.0;
    normal_rank_p_values(sr.t_plus, mean_t, variance, result);
  }

  long long excluded = -1;
  if (cells <= options.exact_max_cells) {
    std::vector<double> storage;
    excluded = lower_critical_count(signed_rank_pmf(n, options.null_cache, storage), tail);
  } else {
    const double nn = to_double(n);
    const double mean_t = nn * (nn + 1.0) / 4.0;
    const double sd = std::sqrt(nn * (nn + 1.0) * (2.0 * nn + 1.0) / 24.0);
    excluded = static_cast<long long>(std::floor(mean_t - 0.5 - normal_quantile(1.0 - tail) * sd));
  }
  result.shift_ci = order_statistic_interval(walsh, excluded);

  const double sigma = mad_sigma(d);
  result.within_run_sd = sigma;
  result.standard_error = sigma * std::sqrt(k_hl_variance_factor / to_double(n));
  result.df = k_infinity;
  result.min_attainable_p = signed_rank_min_p(n);
  finish_result(result, options, log_margin);
  return result;
}

// ---- noise and resolution -----------------------------------------------------------

double minimum_detectable_effect(double standard_error, double df, double alpha, double power,
                                 Direction direction, NullDistributionCache* cache) {
  if (!(alpha > 0.0 && alpha < 1.0) || !(power > 0.0 && power < 1.0)) {
    throw std::invalid_argument("alpha and power must be in (0, 1)");
  }
  if (!(standard_error > 0.0)) {
    return standard_error == 0.0 ? 0.0 : k_infinity;
  }
  const double multiplier = cache != nullptr
                                ? cache->t_quantile(1.0 - alpha, df) + cache->t_quantile(power, df)
                                : t_quantile(1.0 - alpha, df) + t_quantile(power, df);
  const double log_effect = multiplier * standard_error;
  if (direction == Direction::lower_is_better) {
    return std::expm1(log_effect);
  }
  return -std::expm1(-log_effect);
}

bool is_noisy(double mde, double margin) { return !(mde <= margin); }

// ---- family-wise error control --------------------------------------------------------

std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto value = [&](std::size_t i) {
    const double p = p_values[i];
    return std::isnan(p) ? 1.0 : clamp_probability(p);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return value(a) < value(b); });
  std::vector<double> adjusted(m, 1.0);
  double running = 0.0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    const std::size_t index = order[rank];
    const double scaled = std::min(1.0, to_double(m - rank) * value(index));
    running = std::max(running, scaled);
    adjusted[index] = running;
  }
  return adjusted;
}

std::vector<double> conditional_holm_adjust(const std::vector<double>& p_values,
                                            double selection_tau) {
  if (!(selection_tau > 0.0 && selection_tau <= 1.0)) {
    throw std::invalid_argument("selection tau must be in (0, 1]");
  }
  std::vector<double> selected;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    const double p = p_values[i];
    if (!std::isnan(p) && p <= selection_tau) {
      selected.push_back(clamp_probability(p) / selection_tau);
      where.push_back(i);
    }
  }
  const std::vector<double> adjusted_selected = holm_adjust(selected);
  std::vector<double> adjusted(p_values.size(), 1.0);
  for (std::size_t j = 0; j < where.size(); ++j) {
    adjusted[where[j]] = adjusted_selected[j];
  }
  return adjusted;
}

std::vector<double> holm_adjust_members(const std::vector<double>& p_values,
                                        const std::vector<std::size_t>& member,
                                        double selection_tau) {
  if (member.size() != p_values.size()) {
    throw std::invalid_argument("every p-value needs a member");
  }
  if (!(selection_tau > 0.0 && selection_tau <= 1.0)) {
    throw std::invalid_argument("selection tau must be in (0, 1]");
  }
  const auto scaled = [&](std::size_t i) {
    const double p = p_values[i];
    return std::isnan(p) || p > selection_tau ? k_infinity : clamp_probability(p) / selection_tau;
  };
  std::map<std::size_t, double> smallest;  // member -> its smallest scaled p
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    const auto [it, inserted] = smallest.emplace(member[i], scaled(i));
    if (!inserted) {
      it->second = std::min(it->second, scaled(i));
    }
  }
  std::vector<std::pair<double, std::size_t>> order;  // (smallest p, member)
  for (const auto& [m, p] : smallest) {
    if (std::isfinite(p)) {
      order.emplace_back(p, m);
    }
  }
  std::sort(order.begin(), order.end());
  const double members = to_double(order.size());
  std::map<std::size_t, std::pair<double, double>> step;  // member -> (running before, factor)
  double running = 0.0;
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const double factor = members - to_double(rank);
    step[order[rank].second] = {running, factor};
    running = std::max(running, std::min(1.0, factor * order[rank].first));
  }
  std::vector<double> adjusted(p_values.size(), 1.0);
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    const auto it = step.find(member[i]);
    if (it == step.end() || !std::isfinite(scaled(i))) {
      continue;
    }
    adjusted[i] = std::max(it->second.first, std::min(1.0, it->second.second * scaled(i)));
  }
  return adjusted;
}

GateSummary apply_holm(std::vector<ComparisonResult>& results, double family_alpha,
                       double selection_tau) {
  if (!(family_alpha > 0.0 && family_alpha < 1.0)) {
    throw std::invalid_argument("family alpha must be in (0, 1)");
  }
  std::vector<double> p_values;
  p_values.reserve(results.size());
  for (const auto& result : results) {
    p_values.push_back(result.p_worse);
  }
  const std::vector<double> adjusted = conditional_holm_adjust(p_values, selection_tau);
  std::size_t selected = 0;
  for (const double p : p_values) {
    selected += (!std::isnan(p) && p <= selection_tau) ? 1U : 0U;
  }
  const double first_step =
      family_alpha * selection_tau / to_double(std::max<std::size_t>(selected, 1));
  GateSummary summary;
  for (std::size_t i = 0; i < results.size(); ++i) {
    ComparisonResult& result = results[i];
    result.p_adjusted = adjusted[i];
    // The pass rule only looks at the interval, which does not depend on M.
    if (adjusted[i] <= family_alpha) {
      result.verdict = Outcome::fail;
      ++summary.failed;
    } else if (result.within_margin) {
      result.verdict = Outcome::pass;
      ++summary.passed;
    } else if (is_insufficient(result.min_attainable_p, first_step)) {
      result.verdict = Outcome::insufficient;
      ++summary.insufficient;
    } else {
      result.verdict = Outcome::inconclusive;
      ++summary.inconclusive;
    }
  }
  summary.gate_failed = summary.failed > 0;
  return summary;
}

// ---- sequential -------------------------------------------------------------------------

std::vector<double> spending_levels(const std::vector<std::size_t>& looks, double alpha,
                                    SpendingScheme scheme) {
  if (looks.empty()) {
    throw std::invalid_argument("a plan needs at least one look");
  }
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("alpha must be in (0, 1)");
  }
  for (std::size_t k = 0; k < looks.size(); ++k) {
    if (looks[k] == 0 || (k > 0 && looks[k] <= looks[k - 1])) {
      throw std::invalid_argument("looks must be positive and strictly increasing");
    }
  }
  const double total = to_double(looks.back());
  const std::size_t count = looks.size();
  const auto spent = [&](double t) {
    switch (scheme) {
      case SpendingScheme::pocock:
        return alpha * std::log1p((std::exp(1.0) - 1.0) * t);
      case SpendingScheme::obrien_fleming: {
        const double z = normal_quantile(1.0 - alpha / 2.0);
        return 2.0 * normal_upper(z / std::sqrt(t));
      }
      case SpendingScheme::bonferroni:
      default:
        return alpha * t;  // unused
    }
  };
  std::vector<double> levels(count, 0.0);
  if (scheme == SpendingScheme::bonferroni) {
    std::fill(levels.begin(), levels.end(), alpha / to_double(count));
    return levels;
  }
  double previous = 0.0;
  for (std::size_t k = 0; k < count; ++k) {
    const double t = to_double(looks[k]) / total;
    const double now = k + 1 == count ? alpha : spent(t);
    levels[k] = std::max(0.0, now - previous);
    previous = std::max(previous, now);
  }
  return levels;
}

SequentialResult sequential_step(const std::vector<double>& reference,
                                 const std::vector<double>& candidate, const SequentialPlan& plan,
                                 const ComparisonOptions& options) {
  const std::vector<double> levels = spending_levels(plan.looks, plan.alpha, plan.scheme);
  if (!(plan.pass_level > 0.0 && plan.pass_level < 0.5)) {
    throw std::invalid_argument("pass level must be in (0, 0.5)");
  }
  if (reference.size() != candidate.size()) {
    throw std::invalid_argument("sequential samples must have equal sizes per side");
  }
  const std::size_t n = reference.size();
  const auto found = std::find(plan.looks.begin(), plan.looks.end(), n);
  if (found == plan.looks.end()) {
    throw std::invalid_argument("sample size is not a planned look");
  }
  const auto look = static_cast<std::size_t>(found - plan.looks.begin());

  ComparisonOptions look_options = options;
  look_options.alpha = levels[look];
  look_options.confidence = 1.0 - 2.0 * plan.pass_level;

  SequentialResult result;
  result.look_index = look;
  result.alpha_this_look = levels[look];
  result.comparison = plan.test == SequentialTest::signed_rank
                          ? compare_paired(reference, candidate, look_options)
                          : compare_independent(reference, candidate, look_options);
  const ComparisonResult& comparison = result.comparison;
  bool reachable = false;
  for (std::size_t k = look; k < plan.looks.size(); ++k) {
    if (!is_insufficient(min_attainable_p_for(plan.test, plan.looks[k]), levels[k])) {
      reachable = true;
    }
  }
  if (comparison.p_worse <= levels[look]) {
    result.decision = SequentialDecision::decided_fail;
  } else if (comparison.p_not_worse <= plan.pass_level) {
    result.decision = SequentialDecision::decided_pass;
  } else if (!reachable) {
    result.decision = SequentialDecision::insufficient;
  } else if (look + 1 == plan.looks.size()) {
    result.decision = SequentialDecision::inconclusive;
  } else {
    result.decision = SequentialDecision::continue_sampling;
  }
  return result;
}

std::vector<double> flatten(const std::vector<std::vector<double>>& groups) {
  std::vector<double> flat;
  for (const auto& group : groups) {
    flat.insert(flat.end(), group.begin(), group.end());
  }
  return flat;
}

}  // namespace perfgate::stats
