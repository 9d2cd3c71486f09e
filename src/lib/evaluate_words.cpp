// The wording of the decision step's notes and advice (evaluate_internal.hpp).
#include <perfgate/number_format.hpp>

#include "evaluate_internal.hpp"

#include <algorithm>
#include <cmath>

namespace perfgate::detail {

std::string percent_text(double fraction) {
  return format_percent(fraction, 1);
}

std::string number_text(double value) {
  return format_general(value, 2);
}

std::string method_name(const stats::ComparisonResult& r) {
  switch (r.method) {
    case stats::Method::exact_rank:
      return "hl-exact-rank";
    case stats::Method::normal_rank:
      return "hl-normal-rank";
    case stats::Method::random_effects:
      return "hl-run-to-run-t";
    case stats::Method::screened_t:
      return "t-screened";
    case stats::Method::screened_t_runs:
      return "t-screened+run-to-run";
    case stats::Method::moderated_t:
      return "t-moderated";
  }
  return "hl";
}

std::string confidence_text(double family_alpha, std::size_t members) {
  const std::string level = format_general(100 * (1 - family_alpha), 4) + "%";
  return members > 1 ? level + " family-wise" : level;
}

std::string noise_text(const stats::ComparisonResult& r, double mde, double level,
                       std::size_t members) {
  if (std::isinf(mde)) {
    if (r.df == 0) {
      return "one value per side says nothing about the noise, and no other comparison of the "
             "gate has repetitions to borrow it from";
    }
    return format_integer(r.n_baseline) + " and " + format_integer(r.n_candidate) +
           " repetitions cannot reach the gate's confidence (the smallest possible p-value is " +
           number_text(r.min_attainable_p) + ", the gate needs " + number_text(level) + " for " +
           format_integer(members) + " comparisons)";
  }
  std::string text = "the smallest change it can detect is " + percent_text(mde).substr(1) +
                     " (noise sd " + percent_text(r.within_run_sd).substr(1);
  if (r.runs_baseline > 1 || r.runs_candidate > 1) {
    text += ", run-to-run sd " + percent_text(r.between_run_sd).substr(1) + " over " +
            format_integer(r.runs_baseline) + " + " + format_integer(r.runs_candidate) + " runs";
  }
  return text + ", " + format_integer(r.n_baseline) + " + " + format_integer(r.n_candidate) +
         " repetitions, " + format_integer(members) + " comparisons)";
}

std::string advice(const stats::ComparisonResult& r, double mde, double margin, double level,
                   bool paired) {
  std::string text = "To gate it: ";
  if (r.method == stats::Method::random_effects) {
    text += "record the baseline from more separate runs and pass several --results runs";
  } else if (r.method == stats::Method::screened_t_runs) {
    text += "more process runs per side (RUNS of perfgate_add_benchmarks)";
  } else {
    // The standard error shrinks with the smaller side's repetitions.
    std::size_t n = std::max<std::size_t>(std::min(r.n_baseline, r.n_candidate), 2);
    if (std::isinf(mde) && r.df == 0) {
      n = 5;
    } else if (std::isinf(mde)) {
      while (n < 1000 && stats::is_insufficient(stats::mann_whitney_min_p(n, n), level)) {
        ++n;
      }
    } else {
      const double factor = (mde / margin) * (mde / margin);
      n = static_cast<std::size_t>(std::ceil(static_cast<double>(n) * factor));
    }
    text += "about " + format_integer(n) + " repetitions per side (--benchmark_repetitions)";
  }
  return text + ", a wider limit" +
         (paired ? std::string() : ", the paired lane (perfgate gate --reference)") +
         ", or gate instruction counts (docs/statistics.md)";
}

std::string StatisticalWords::what() const {
  return rule.metric + " " + std::string(to_string(rule.statistic));
}

std::string StatisticalWords::interval() const {
  if (!d.change_low || !d.change_high) {
    return {};
  }
  return " (" + confidence_text(family_alpha, members) + " CI " + percent_text(*d.change_low) +
         " to " + percent_text(*d.change_high) + ")";
}

std::string StatisticalWords::estimate() const {
  return "changed " + percent_text(*d.change) + interval();
}

std::string StatisticalWords::evidence() const {
  return "p = " + number_text(adjusted) + " adjusted over " + format_integer(members) +
         " comparison" + (members == 1 ? "" : "s") + ", alpha " + number_text(family_alpha);
}

}  // namespace perfgate::detail
