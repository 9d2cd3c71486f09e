// Change points and creeps (docs/history.md, "Change points"): a windowed split/merge segmentation
// in the manner of Apache Otava's E-Divisive with a t-test, with a rank statistic in place of the
// energy statistic and the t-test, so that an outlier weighs as much as any other point.
//
//   split  In a window of 2 * window points, the split with the largest standardised
//          Mann-Whitney statistic (midranks, tie-corrected) is a candidate; it is significant
//          when its two-sided normal p, times the number of splits that were tried (Bonferroni:
//          the best of many splits is no ordinary p), is at most max_p. Both sides are split again
//          until nothing significant is left.
//   place  The split is moved, within 10 points, to where the medians of its two sides fit best
//          in absolute deviation: the rank statistic favours balanced splits and can be pulled
//          by an outlier next to a small step.
//   merge  Each change point of the window is tested again against its neighbours' segments; the
//          weakest one above max_p is dropped, and the test repeats until all pass.
//   scan   Windows slide left to right: after a window with change points the next starts at the
//          last one, after one without, `window` points further. Only the last, partial window
//          can change when points are appended: update_changes resumes there.
//   creep  A run of change points in one direction is one creep when a flat-ramp-flat fit of its
//          region explains the data better (by BIC) than the steps found and than any single
//          step, over at least creep_min_points points, by at least creep_min_total, with a
//          significant slope.
#include <perfgate/changes.hpp>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

namespace perfgate {

namespace {

// How far refine() looks on each side of the split the rank statistic chose.
constexpr std::size_t k_refine_reach = 10;

// A read-only view of consecutive values (std::span once the library is C++20).
class Values {
 public:
  Values(const double* data, std::size_t size) : m_data(data), m_size(size) {}
  [[nodiscard]] const double* begin() const { return m_data; }
  [[nodiscard]] const double* end() const { return m_data + m_size; }
  [[nodiscard]] std::size_t size() const { return m_size; }
  [[nodiscard]] bool empty() const { return m_size == 0; }
  const double& operator[](std::size_t index) const { return m_data[index]; }
  [[nodiscard]] Values subspan(std::size_t offset, std::size_t count) const {
    return {m_data + offset, count};
  }

 private:
  const double* m_data;
  std::size_t m_size;
};

double to_double(std::size_t value) {
  return static_cast<double>(value);
}

// Two-sided normal p of |z|.
double two_sided_p(double z) {
  return std::erfc(std::abs(z) / std::sqrt(2.0));
}

// Short series get their split's exact p: the normal approximation understates how unlikely a
// clean separation of a short series is (12 runs at 100 and 8 at 130 give z = 3.7, p = 2e-4,
// against the exact 1.6e-5), and the Bonferroni factor then hides a plain +30% step in 20 runs of
// history. Up to k_exact_tied_points points the exact permutation distribution with ties (equal
// instruction counts are common); up to k_exact_rank_points points without ties, the faster
// Gaussian-binomial form.
constexpr std::size_t k_exact_tied_points = 40;
constexpr std::size_t k_exact_rank_points = 60;

double log_choose(std::size_t m, std::size_t k) {
  return std::lgamma(static_cast<double>(m) + 1.0) - std::lgamma(static_cast<double>(k) + 1.0) -
         std::lgamma(static_cast<double>(m - k) + 1.0);
}

// The exact two-sided p of Mann-Whitney's U = `u` for samples of k and m - k distinct values:
// the coefficients of the Gaussian binomial [m choose k]_q count the orderings with each U. Only
// the smaller tail is summed, so only its coefficients are needed, and they are exact integers.
double exact_rank_p(double u, std::size_t k, std::size_t m) {
  const std::size_t n = m - k;
  const double most = static_cast<double>(k * n);
  const auto tail = static_cast<std::size_t>(std::floor(std::min(u, most - u) + 1e-9));
  std::vector<double> c(tail + 1, 0.0);
  c[0] = 1.0;
  for (std::size_t i = 1; i <= k; ++i) {
    const std::size_t grow = n + i;  // times (1 - q^(n+i)) ...
    for (std::size_t d = tail; d >= grow && d <= tail; --d) {
      c[d] -= c[d - grow];
    }
    for (std::size_t d = i; d <= tail; ++d) {  // ... divided by (1 - q^i)
      c[d] += c[d - i];
    }
  }
  double count = 0.0;
  for (const double coefficient : c) {
    count += coefficient;
  }
  return std::min(1.0, 2.0 * count * std::exp(-log_choose(m, k)));
}

// The exact two-sided p of the rank sum `rank_sum` of the first k of m values whose midranks are
// `ranks` (ties allowed): every choice of k of the m values is equally likely under no change, so
// count, tie group by tie group, the choices whose rank sum lies as far from its mean or farther.
double exact_tied_rank_p(const std::vector<double>& ranks, std::size_t m, double rank_sum,
                         std::size_t k) {
  std::vector<double> sorted(ranks.begin(), ranks.begin() + static_cast<std::ptrdiff_t>(m));
  std::sort(sorted.begin(), sorted.end());
  const std::size_t sums = m * (m + 1) + 1;  // doubled rank sums 0 .. m(m+1)
  std::vector<double> ways((k + 1) * sums, 0.0);
  std::vector<double> next(ways.size());
  ways[0] = 1.0;
  std::size_t seen = 0;
  std::size_t reach = 0;  // the largest doubled rank sum reachable so far
  for (std::size_t i = 0; i < m;) {
    std::size_t j = i;
    while (j < m && sorted[j] == sorted[i]) {
      ++j;
    }
    const std::size_t group = j - i;
    const auto doubled = static_cast<std::size_t>(std::lround(2.0 * sorted[i]));
    std::fill(next.begin(), next.begin() + static_cast<std::ptrdiff_t>((std::min(k, seen + group) + 1) * sums), 0.0);
    for (std::size_t chosen = 0; chosen <= std::min(k, seen); ++chosen) {
      for (std::size_t sum = 0; sum <= reach; ++sum) {
        const double w = ways[chosen * sums + sum];
        if (w == 0.0) {
          continue;
        }
        double pick = 1.0;  // C(group, a)
        for (std::size_t a = 0; a <= group && chosen + a <= k; ++a) {
          const std::size_t to = sum + a * doubled;
          if (to < sums) {
            next[(chosen + a) * sums + to] += w * pick;
          }
          pick = pick * static_cast<double>(group - a) / static_cast<double>(a + 1);
        }
      }
    }
    ways.swap(next);
    seen += group;
    reach = std::min(sums - 1, reach + std::min(group, k) * doubled);
    i = j;
  }
  const double mean = static_cast<double>(k * (m + 1));  // doubled
  const double distance = std::abs(2.0 * rank_sum - mean) - 1e-6;
  double count = 0.0;
  for (std::size_t sum = 0; sum < sums; ++sum) {
    if (std::abs(static_cast<double>(sum) - mean) >= distance) {
      count += ways[k * sums + sum];
    }
  }
  return std::min(1.0, count * std::exp(-log_choose(m, k)));
}

// The two-sided p of a split after k of m points (rank sum of the first part `rank_sum`, U `u`,
// normal score `z`): exact for a short series, else the normal approximation.
double rank_p(const std::vector<double>& ranks, double rank_sum, double u, double z, std::size_t k,
              std::size_t m, double ties) {
  if (ties == 0.0 && m <= k_exact_rank_points) {
    return exact_rank_p(u, k, m);
  }
  if (m <= k_exact_tied_points) {
    // The smaller part: its rank sum is as far from its mean as the other part's.
    if (2 * k > m) {
      return exact_tied_rank_p(ranks, m, static_cast<double>(m * (m + 1)) / 2.0 - rank_sum, m - k);
    }
    return exact_tied_rank_p(ranks, m, rank_sum, k);
  }
  return two_sided_p(z);
}

double median_of(Values values) {
  if (values.empty()) {
    return 0.0;
  }
  std::vector<double> sorted(values.begin(), values.end());
  const std::size_t middle = sorted.size() / 2;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle),
                   sorted.end());
  const double upper = sorted[middle];
  if (sorted.size() % 2 == 1) {
    return upper;
  }
  const double lower =
      *std::max_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2.0;
}

// The best split of one segment: the offset of the first point after it, and its p corrected for
// the number of splits tried.
struct Split {
  std::size_t offset = 0;
  double p = 1.0;
};

// Midranks of `values` (1-based) and the tie term sum(t^3 - t).
double midranks(Values values, std::vector<double>& ranks, std::vector<std::size_t>& order) {
  const std::size_t m = values.size();
  order.resize(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return values[a] < values[b] || (values[a] == values[b] && a < b);
  });
  ranks.assign(m, 0.0);
  double ties = 0.0;
  for (std::size_t i = 0; i < m;) {
    std::size_t j = i + 1;
    while (j < m && values[order[j]] == values[order[i]]) {
      ++j;
    }
    const double rank = (to_double(i) + to_double(j) + 1.0) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      ranks[order[k]] = rank;
    }
    const double t = to_double(j - i);
    ties += t * t * t - t;
    i = j;
  }
  return ties;
}

class Detector {
 public:
  Detector(const std::vector<double>& values, const ChangeOptions& options)
      : m_values(values.data(), values.size()),
        m_options(options),
        m_min_segment(std::max<std::size_t>(options.min_segment, 1)) {}

  // The best split of [first, last), if any split is allowed.
  Split best_split(std::size_t first, std::size_t last) {
    Split best;
    const std::size_t m = last - first;
    if (m < 2 * m_min_segment) {
      return best;
    }
    const double ties = midranks(m_values.subspan(first, m), m_ranks, m_order);
    const double md = to_double(m);
    const double spread = (md + 1.0) - ties / (md * (md - 1.0));
    if (!(spread > 0.0)) {
      return best;  // every value tied
    }
    double rank_sum = 0.0;
    double best_z = -1.0;
    double best_u = 0.0;
    double best_rank_sum = 0.0;
    for (std::size_t k = 1; k + m_min_segment <= m; ++k) {
      rank_sum += m_ranks[k - 1];
      if (k < m_min_segment) {
        continue;
      }
      const double kd = to_double(k);
      const double u = rank_sum - kd * (kd + 1.0) / 2.0;
      const double mean = kd * (md - kd) / 2.0;
      const double variance = kd * (md - kd) / 12.0 * spread;
      const double z = std::abs(u - mean) / std::sqrt(variance);
      if (z > best_z + 1e-12) {
        best_z = z;
        best_u = u;
        best_rank_sum = rank_sum;
        best.offset = k;
      }
    }
    const double tried = to_double(m - 2 * m_min_segment + 1);
    const double p = rank_p(m_ranks, best_rank_sum, best_u, best_z, best.offset, m, ties);
    best.p = std::min(1.0, p * tried);
    return best;
  }

  // The rank statistic places a split well, but an outlier next to it can pull it a few points:
  // among the splits within min_segment of `at`, the one whose two medians fit [first, last)
  // best in absolute deviation (an outlier costs every split alike), the nearest on a tie.
  std::size_t refine(std::size_t first, std::size_t at, std::size_t last) const {
    const std::size_t reach = std::max<std::size_t>(m_min_segment, k_refine_reach);
    const std::size_t low = std::max(first + m_min_segment, at > reach ? at - reach : 0);
    const std::size_t high = std::min(last - m_min_segment, at + reach);
    std::size_t best = at;
    double best_cost = std::numeric_limits<double>::infinity();
    for (std::size_t k = low; k <= high; ++k) {
      const double cost = absolute_deviation(first, k) + absolute_deviation(k, last);
      const std::size_t distance = k > at ? k - at : at - k;
      const std::size_t best_distance = best > at ? best - at : at - best;
      if (k == low || cost < best_cost - 1e-12 * std::abs(best_cost) ||
          (cost <= best_cost + 1e-12 * std::abs(best_cost) && distance < best_distance)) {
        best_cost = cost;
        best = k;
      }
    }
    return best;
  }

  double absolute_deviation(std::size_t first, std::size_t last) const {
    const auto piece = m_values.subspan(first, last - first);
    const double middle = median_of(piece);
    double sum = 0.0;
    for (const double value : piece) {
      sum += std::abs(value - middle);
    }
    return sum;
  }

  // Binary segmentation of [first, last): appends the significant splits to `found`.
  void split(std::size_t first, std::size_t last, std::vector<std::size_t>& found) {
    const Split best = best_split(first, last);
    if (best.offset == 0 || best.p > m_options.max_p) {
      return;
    }
    const std::size_t at = refine(first, first + best.offset, last);
    split(first, at, found);
    found.push_back(at);
    split(at, last, found);
  }

  // The change points of the window [first, last), after the merge step.
  std::vector<ChangePoint> window_points(std::size_t first, std::size_t last) {
    std::vector<std::size_t> found;
    split(first, last, found);
    std::vector<ChangePoint> points;
    while (true) {
      points.clear();
      std::size_t weakest = found.size();
      double weakest_p = m_options.max_p;
      for (std::size_t i = 0; i < found.size(); ++i) {
        const std::size_t from = i == 0 ? first : found[i - 1];
        const std::size_t to = i + 1 == found.size() ? last : found[i + 1];
        const Split tested = best_split_at(from, found[i], to);
        if (tested.p > weakest_p) {
          weakest_p = tested.p;
          weakest = i;
        }
        points.push_back(describe(from, found[i], to, tested.p));
      }
      if (weakest == found.size()) {
        return points;
      }
      found.erase(found.begin() + static_cast<std::ptrdiff_t>(weakest));
    }
  }

  // The left-to-right scan from `start`, the change points before it being `settled`.
  SeriesChanges scan(std::size_t start, std::vector<ChangePoint> settled) {
    const std::size_t n = m_values.size();
    const std::size_t window = std::max<std::size_t>(m_options.window, m_min_segment);
    std::size_t first = start;
    while (first + 2 * window < n) {
      const std::vector<ChangePoint> points = window_points(first, first + 2 * window);
      if (points.empty()) {
        first += window;
      } else {
        settled.insert(settled.end(), points.begin(), points.end());
        first = points.back().index;
      }
    }
    SeriesChanges changes;
    changes.resume = first;
    changes.settled = settled;
    std::vector<ChangePoint> all = std::move(settled);
    const std::vector<ChangePoint> tail = window_points(first, n);
    all.insert(all.end(), tail.begin(), tail.end());
    form_creeps(all, changes);
    return changes;
  }

 private:
  // The p of the split at `at` within [from, to), corrected as best_split corrects its p.
  Split best_split_at(std::size_t from, std::size_t at, std::size_t to) {
    Split result{at - from, 1.0};
    const std::size_t m = to - from;
    const double ties = midranks(m_values.subspan(from, m), m_ranks, m_order);
    const double md = to_double(m);
    const double spread = (md + 1.0) - ties / (md * (md - 1.0));
    if (!(spread > 0.0) || m < 2 * m_min_segment) {
      return result;
    }
    const std::size_t k = at - from;
    const double kd = to_double(k);
    double rank_sum = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      rank_sum += m_ranks[i];
    }
    const double u = rank_sum - kd * (kd + 1.0) / 2.0;
    const double z = std::abs(u - kd * (md - kd) / 2.0) / std::sqrt(kd * (md - kd) / 12.0 * spread);
    const double p = rank_p(m_ranks, rank_sum, u, z, k, m, ties);
    result.p = std::min(1.0, p * to_double(m - 2 * m_min_segment + 1));
    return result;
  }

  // A change point at `at` between the segments [from, at) and [at, to), each limited to
  // `window` points next to it.
  ChangePoint describe(std::size_t from, std::size_t at, std::size_t to, double p) const {
    const std::size_t window = std::max<std::size_t>(m_options.window, m_min_segment);
    from = std::max(from, at > window ? at - window : 0);
    to = std::min(to, at + window);
    ChangePoint point;
    point.index = at;
    point.before = median_of(m_values.subspan(from, at - from));
    point.after = median_of(m_values.subspan(at, to - at));
    point.change =
        point.before != 0.0 ? (point.after - point.before) / std::abs(point.before) : 0.0;
    point.p = p;
    return point;
  }

  // The creep pass: runs of change points in one direction that a ramp explains better.
  void form_creeps(const std::vector<ChangePoint>& all, SeriesChanges& changes) const {
    const std::size_t n = m_values.size();
    const std::size_t window = std::max<std::size_t>(m_options.window, m_min_segment);
    std::size_t i = 0;
    while (i < all.size()) {
      const bool up = all[i].change > 0.0;
      std::size_t j = i + 1;
      while (j < all.size() && (all[j].change > 0.0) == up) {
        ++j;
      }
      // Change points [i, j) in one direction; their region reaches the neighbouring ones.
      const std::size_t from = std::max(i == 0 ? 0 : all[i - 1].index,
                                        all[i].index > window ? all[i].index - window : 0);
      const std::size_t to =
          std::min(j == all.size() ? n : all[j].index, all[j - 1].index + window);
      std::vector<std::size_t> steps;
      for (std::size_t k = i; k < j; ++k) {
        steps.push_back(all[k].index);
      }
      if (const auto creep = ramp(from, to, steps)) {
        changes.creeps.push_back(*creep);
      } else {
        changes.change_points.insert(changes.change_points.end(),
                                     all.begin() + static_cast<std::ptrdiff_t>(i),
                                     all.begin() + static_cast<std::ptrdiff_t>(j));
      }
      i = j;
    }
    auto& points = changes.change_points;
    points.erase(std::remove_if(points.begin(), points.end(),
                                [&](const ChangePoint& point) {
                                  return std::abs(point.change) < m_options.min_change;
                                }),
                 points.end());
  }

  // Whether [from, to) is a creep rather than the steps at `steps`: the best flat-ramp-flat fit
  // against the steps' piecewise-constant fit, both on values clipped to 3 robust standard
  // deviations of the steps' fit (an outlier must not decide between them).
  std::optional<Creep> ramp(std::size_t from, std::size_t to,
                            const std::vector<std::size_t>& steps) const {
    const std::size_t m = to - from;
    const std::size_t min_points = std::max<std::size_t>(m_options.creep_min_points, 3);
    if (m < min_points + 2) {
      return std::nullopt;
    }
    // The steps' fit: the median of each piece.
    std::vector<double> fit(m);
    std::size_t piece = from;
    for (std::size_t s = 0; s <= steps.size(); ++s) {
      const std::size_t end = s == steps.size() ? to : steps[s];
      const double level = median_of(m_values.subspan(piece, end - piece));
      for (std::size_t t = piece; t < end; ++t) {
        fit[t - from] = level;
      }
      piece = end;
    }
    std::vector<double> residuals(m);
    for (std::size_t t = 0; t < m; ++t) {
      residuals[t] = std::abs(m_values[from + t] - fit[t]);
    }
    const double scale = 1.4826 * median_of(Values(residuals.data(), residuals.size()));
    std::vector<double> y(m);
    for (std::size_t t = 0; t < m; ++t) {
      const double limit = 3.0 * scale;
      y[t] = std::clamp(m_values[from + t], fit[t] - limit, fit[t] + limit);
    }
    // Residual sum of squares of the steps (means of the clipped pieces).
    double rss_steps = 0.0;
    piece = 0;
    for (std::size_t s = 0; s <= steps.size(); ++s) {
      const std::size_t end = s == steps.size() ? m : steps[s] - from;
      double sum = 0.0;
      for (std::size_t t = piece; t < end; ++t) {
        sum += y[t];
      }
      const double mean = sum / to_double(end - piece);
      for (std::size_t t = piece; t < end; ++t) {
        rss_steps += (y[t] - mean) * (y[t] - mean);
      }
      piece = end;
    }
    // Prefix sums for the ramp fits: y = alpha + beta * g(t), g = 0 before a, (t - a) / (b - a)
    // from a to b, 1 after b.
    std::vector<double> sy(m + 1, 0.0), sty(m + 1, 0.0);
    double syy = 0.0;
    for (std::size_t t = 0; t < m; ++t) {
      sy[t + 1] = sy[t] + y[t];
      sty[t + 1] = sty[t] + to_double(t) * y[t];
      syy += y[t] * y[t];
    }
    const double md = to_double(m);
    const double mean_y = sy[m] / md;
    const double syy_c = syy - md * mean_y * mean_y;
    double best_rss = std::numeric_limits<double>::infinity();
    double best_short = std::numeric_limits<double>::infinity();  // a step or a short ramp
    std::size_t best_a = 0;
    std::size_t best_b = 0;
    double best_beta = 0.0;
    double best_sgg = 0.0;
    // The best single step anywhere in the region, by least squares.
    for (std::size_t k = 1; k < m; ++k) {
      const double left = sy[k];
      const double right = sy[m] - sy[k];
      best_short =
          std::min(best_short, syy - left * left / to_double(k) - right * right / to_double(m - k));
    }
    // Ramps that start at or before the first step and end at or after the last.
    const std::size_t first_step = steps.front() - from;
    const std::size_t last_step = steps.back() - from;
    for (std::size_t a = 0; a <= first_step && a + 1 < m; ++a) {
      for (std::size_t b = std::max(a + min_points - 1, last_step - 1); b < m; ++b) {
        // Over [a, b]: g = (t - a) / L with L = b - a; after b: g = 1.
        const double length = to_double(b - a);
        // sum over j = 0..L of j and j^2
        const double sj = length * (length + 1.0) / 2.0;
        const double sjj = length * (length + 1.0) * (2.0 * length + 1.0) / 6.0;
        const double after = md - to_double(b) - 1.0;
        const double sg = sj / length + after;
        const double sgg = sjj / (length * length) + after;
        const double ramp_y = sty[b + 1] - sty[a] - to_double(a) * (sy[b + 1] - sy[a]);
        const double sgy = ramp_y / length + (sy[m] - sy[b + 1]);
        const double sgg_c = sgg - sg * sg / md;
        const double sgy_c = sgy - sg * mean_y;
        if (!(sgg_c > 0.0)) {
          continue;
        }
        const double rss = syy_c - sgy_c * sgy_c / sgg_c;
        if (rss < best_rss - 1e-15 * syy) {
          best_rss = rss;
          best_a = a;
          best_b = b;
          best_beta = sgy_c / sgg_c;
          best_sgg = sgg_c;
        }
      }
    }
    if (!std::isfinite(best_rss)) {
      return std::nullopt;
    }
    // BIC: the ramp has 4 parameters (two levels, two ends), the steps 2k + 1.
    const double floor = 1e-12 * (syy + 1e-300);
    const double bic_ramp = md * std::log(std::max(best_rss, floor) / md) + 4.0 * std::log(md);
    const double bic_steps = md * std::log(std::max(rss_steps, floor) / md) +
                             (2.0 * to_double(steps.size()) + 1.0) * std::log(md);
    // The best single step anywhere in the region, as 3 parameters.
    const double bic_short = md * std::log(std::max(best_short, floor) / md) + 3.0 * std::log(md);
    if (!(bic_ramp < bic_steps) || !(bic_ramp < bic_short)) {
      return std::nullopt;
    }
    // The level before the ramp: alpha = mean_y - beta * mean_g.
    const double length = to_double(best_b - best_a);
    const double sj = length * (length + 1.0) / 2.0;
    const double mean_g = (sj / length + (md - to_double(best_b) - 1.0)) / md;
    const double alpha = mean_y - best_beta * mean_g;
    if (!(std::abs(alpha) > 0.0)) {
      return std::nullopt;
    }
    Creep creep;
    creep.first = from + best_a;
    creep.last = from + best_b;
    creep.total = best_beta / std::abs(alpha);
    creep.per_point = creep.total / length;
    const double df = md - 2.0;
    const double se = std::sqrt(std::max(best_rss, floor) / df / best_sgg);
    const double t = std::abs(best_beta) / se;
    const boost::math::students_t_distribution<double> student(df);
    creep.p = 2.0 * boost::math::cdf(boost::math::complement(student, t));
    if (std::abs(creep.total) < m_options.creep_min_total || creep.p > m_options.creep_max_p) {
      return std::nullopt;
    }
    return creep;
  }

  Values m_values;
  const ChangeOptions& m_options;
  std::size_t m_min_segment;
  std::vector<double> m_ranks;
  std::vector<std::size_t> m_order;
};

}  // namespace

SeriesChanges find_changes(const std::vector<double>& values, const ChangeOptions& options) {
  Detector detector(values, options);
  return detector.scan(0, {});
}

SeriesChanges update_changes(const std::vector<double>& values, const SeriesChanges& previous,
                             std::size_t previous_size, const ChangeOptions& options) {
  Detector detector(values, options);
  if (previous_size > values.size() || previous.resume > previous_size) {
    return detector.scan(0, {});
  }
  return detector.scan(previous.resume, previous.settled);
}

SeriesChanges find_changes_in_rows(const std::vector<double>& values,
                                   const ChangeOptions& options) {
  std::vector<double> finite;
  std::vector<std::size_t> rows;
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (std::isfinite(values[row])) {
      finite.push_back(values[row]);
      rows.push_back(row);
    }
  }
  SeriesChanges changes = find_changes(finite, options);
  for (ChangePoint& point : changes.change_points) {
    point.index = rows[point.index];
  }
  for (Creep& creep : changes.creeps) {
    creep.first = rows[creep.first];
    creep.last = rows[creep.last];
  }
  // Indices of rows, not of points: update_changes could not resume from this state.
  changes.resume = 0;
  changes.settled.clear();
  return changes;
}

}  // namespace perfgate
