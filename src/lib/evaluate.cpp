// The decision step: policy x baseline x candidate -> one Decision per benchmark x metric x rule.
// Pure: everything it needs comes in through its arguments.
#include <perfgate/evaluate.hpp>
#include <perfgate/natural_order.hpp>
#include <perfgate/number_format.hpp>
#include <perfgate/pattern.hpp>
#include <perfgate/statistics.hpp>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

namespace perfgate {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::warn:
      return "warn";
    case Verdict::fail:
      return "fail";
    case Verdict::improved:
      return "improved";
    case Verdict::new_benchmark:
      return "new";
    case Verdict::missing:
      return "missing";
    case Verdict::noisy:
      return "noisy";
    case Verdict::waived:
      return "waived";
    case Verdict::error:
      return "error";
  }
  return "error";
}

std::size_t VerdictCounts::count(Verdict verdict) const {
  const auto it = by_verdict.find(verdict);
  return it == by_verdict.end() ? 0 : it->second;
}

std::size_t GateResult::accepted_inconclusive() const {
  return static_cast<std::size_t>(
      std::count_if(decisions.begin(), decisions.end(),
                    [](const Decision& d) { return d.verdict == Verdict::noisy && d.accepted; }));
}

std::size_t GateResult::inconclusive() const {
  return counts.count(Verdict::noisy) - accepted_inconclusive();
}

bool GateResult::passed() const {
  return counts.count(Verdict::fail) == 0 && counts.count(Verdict::missing) == 0 &&
         counts.count(Verdict::error) == 0 && inconclusive() == 0;
}

GateStatus status(const GateResult& result) {
  if (result.counts.count(Verdict::error) > 0) {
    return GateStatus::run_failed;
  }
  if (result.counts.count(Verdict::fail) > 0 || result.counts.count(Verdict::missing) > 0) {
    return GateStatus::failed;
  }
  return result.inconclusive() > 0 ? GateStatus::inconclusive : GateStatus::passed;
}

std::string_view to_string(GateStatus status) {
  switch (status) {
    case GateStatus::passed:
      return "passed";
    case GateStatus::failed:
      return "FAILED";
    case GateStatus::inconclusive:
      return "INCONCLUSIVE";
    case GateStatus::run_failed:
      return "ERROR";
  }
  return "ERROR";
}

int exit_code(const GateResult& result) {
  switch (status(result)) {
    case GateStatus::passed:
      return 0;
    case GateStatus::failed:
      return 1;
    case GateStatus::run_failed:
      return 3;
    case GateStatus::inconclusive:
      return 4;
  }
  return 3;
}

namespace {

std::vector<double> finite_sorted(const std::vector<double>& samples) {
  std::vector<double> values;
  values.reserve(samples.size());
  std::copy_if(samples.begin(), samples.end(), std::back_inserter(values),
               [](double v) { return std::isfinite(v); });
  std::sort(values.begin(), values.end());
  return values;
}

// Linear interpolation between closest ranks (Hyndman & Fan type 7, as numpy and R default).
double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * weight;
}

}  // namespace

SampleSummary summarize(const std::vector<double>& samples) {
  SampleSummary summary;
  summary.n = samples.size();
  const std::vector<double> sorted = finite_sorted(samples);
  if (sorted.empty()) {
    return summary;
  }
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p50 = quantile_sorted(sorted, 0.50);
  summary.p95 = quantile_sorted(sorted, 0.95);
  summary.p99 = quantile_sorted(sorted, 0.99);
  double sum = 0;
  for (const double v : sorted) {
    sum += v;
  }
  summary.mean = sum / static_cast<double>(sorted.size());
  return summary;
}

std::optional<double> compute_statistic(const std::vector<double>& samples, Statistic statistic) {
  const std::vector<double> sorted = finite_sorted(samples);
  if (sorted.empty()) {
    return std::nullopt;
  }
  switch (statistic) {
    case Statistic::median:
      return quantile_sorted(sorted, 0.50);
    case Statistic::mean: {
      double sum = 0;
      for (const double v : sorted) {
        sum += v;
      }
      return sum / static_cast<double>(sorted.size());
    }
    case Statistic::min:
      return sorted.front();
    case Statistic::max:
      return sorted.back();
    case Statistic::p90:
      return quantile_sorted(sorted, 0.90);
    case Statistic::p95:
      return quantile_sorted(sorted, 0.95);
    case Statistic::p99:
      return quantile_sorted(sorted, 0.99);
  }
  return std::nullopt;
}

namespace {

constexpr std::string_view k_aggregate_for[] = {"median", "mean", "min", "max", "", "", ""};

struct SideValue {
  std::optional<double> value;
  std::string problem;  // why there is no value, when there is none
  bool from_aggregate = false;
};

// The statistic of one side: from the repetitions, or from the library's aggregate when the
// input carried only aggregates. A non-finite sample is a finding, never a number.
SideValue side_value(const MetricSeries& series, Statistic statistic, std::string_view side) {
  SideValue out;
  const auto non_finite = std::count_if(series.samples.begin(), series.samples.end(),
                                        [](double v) { return !std::isfinite(v); });
  if (non_finite > 0) {
    out.problem = "non-finite " + series.name + " in the " + std::string(side) + " (" +
                  std::to_string(non_finite) + " of " + std::to_string(series.samples.size()) +
                  " samples)";
    return out;
  }
  if (!series.samples.empty()) {
    out.value = compute_statistic(series.samples, statistic);
    return out;
  }
  const std::string_view aggregate = k_aggregate_for[static_cast<int>(statistic)];
  const auto it = aggregate.empty() ? series.aggregates.end()
                                    : series.aggregates.find(std::string(aggregate));
  if (it == series.aggregates.end()) {
    out.problem = "the " + std::string(side) + " has no repetitions of " + series.name +
                  " to compute the " + std::string(to_string(statistic)) +
                  " from (only aggregates were recorded)";
    return out;
  }
  if (!std::isfinite(it->second)) {
    out.problem = "non-finite " + std::string(aggregate) + " of " + series.name + " in the " +
                  std::string(side);
    return out;
  }
  out.value = it->second;
  out.from_aggregate = true;
  return out;
}

std::string percent_text(double fraction) { return format_percent(fraction, 1); }

// Conditional Holm's selection threshold in the paired lane (docs/statistics.md, section 6).
constexpr double k_paired_tau = 0.5;
// Adaptive repetitions: pass early once the one-sided 70% upper bound is inside the margin.
constexpr double k_sequential_pass_level = 0.30;

class Evaluator {
 public:
  Evaluator(const Policy& policy, const EvaluateOptions& options)
      : m_policy(policy), m_options(options) {
    for (const auto& rule : policy.rules) {
      m_match_all.push_back(rule.benchmarks == ".*");
      // parse_policy() checked the pattern: one that does not compile is a broken invariant.
      m_patterns.push_back(NamePattern::compile(rule.benchmarks).value());
    }
  }

  GateResult run(const RunSet& baseline, const RunSet& candidate) {
    GateResult result;
    result.policy_name = m_policy.name;
    result.baseline_source = baseline.source;
    result.candidate_source = candidate.source;
    for (const auto& note : baseline.notes) {
      result.notes.push_back(note);
    }
    for (const auto& note : candidate.notes) {
      result.notes.push_back(note);
    }

    std::unordered_map<std::string_view, const Benchmark*> in_candidate;
    in_candidate.reserve(candidate.benchmarks.size());
    for (const auto& benchmark : candidate.benchmarks) {
      in_candidate.emplace(benchmark.name, &benchmark);
    }
    std::unordered_map<std::string_view, const Benchmark*> in_baseline;
    in_baseline.reserve(baseline.benchmarks.size());
    for (const auto& benchmark : baseline.benchmarks) {
      in_baseline.emplace(benchmark.name, &benchmark);
    }

    const bool crosses_thread_timing_change =
        (major_minor(baseline.context.library_version) < 109) !=
        (major_minor(candidate.context.library_version) < 109);
    for (const auto& base : baseline.benchmarks) {
      const auto found = in_candidate.find(base.name);
      if (found == in_candidate.end()) {
        add_missing(base);
        continue;
      }
      const std::size_t before = m_decisions.size();
      compare(base, *found->second, crosses_thread_timing_change, baseline, candidate);
      if (m_decisions.size() == before && !found->second->metrics.empty()) {
        m_ungated.push_back(base.name);
      }
      ++m_compared;
    }
    for (const auto& cand : candidate.benchmarks) {
      if (in_baseline.count(cand.name) == 0) {
        add_new(cand);
      }
    }

    if (m_compared == 0 && !baseline.benchmarks.empty()) {
      Decision& d = m_decisions.emplace_back();
      d.verdict = Verdict::error;
      d.note = "compared nothing: none of the baseline's " +
               std::to_string(baseline.benchmarks.size()) +
               " benchmark(s) is in the candidate, so nothing was checked";
    }
    report_ungated(result);
    decide_statistically(result);
    accept_inconclusive();
    std::stable_sort(m_decisions.begin(), m_decisions.end(),
                     [](const Decision& a, const Decision& b) {
                       if (a.benchmark != b.benchmark) {
                         return natural_less(a.benchmark, b.benchmark);
                       }
                       if (a.metric != b.metric) {
                         return a.metric < b.metric;
                       }
                       return a.rule < b.rule;
                     });
    for (const auto& decision : m_decisions) {
      ++result.counts.by_verdict[decision.verdict];
    }
    result.decisions = std::move(m_decisions);
    return result;
  }

 private:
  // "v1.9.1", "1.8.5-10-gef73a300" -> 109, 108; unknown (older than 1.8.4) -> 100.
  static int major_minor(const std::string& version) {
    std::size_t i = version.empty() || version[0] != 'v' ? 0 : 1;
    int major = 0;
    int minor = 0;
    if (std::sscanf(version.c_str() + i, "%d.%d", &major, &minor) != 2) {
      return 100;
    }
    return major * 100 + minor;
  }

  Decision& benchmark_decision(const Benchmark& benchmark, Verdict verdict, std::string note) {
    Decision& d = m_decisions.emplace_back();
    d.benchmark = benchmark.name;
    d.verdict = verdict;
    d.note = std::move(note);
    return d;
  }

  void add_missing(const Benchmark& base) {
    if (m_policy.on_missing == OnMissing::warn) {
      benchmark_decision(base, Verdict::warn,
                         "missing from the candidate (the policy's on_missing is \"warn\")");
    } else {
      benchmark_decision(base, Verdict::missing,
                         "in the baseline but missing from the candidate: was it removed or "
                         "renamed? Record a new baseline if that was intended");
    }
  }

  void add_new(const Benchmark& cand) {
    if (cand.errored || cand.skipped) {
      add_run_problem(cand, "candidate");
      return;
    }
    if (m_policy.on_new == OnNew::fail) {
      benchmark_decision(cand, Verdict::fail,
                         "not in the baseline (the policy's on_new is \"fail\"): record a "
                         "baseline that includes it");
      return;
    }
    benchmark_decision(cand, Verdict::new_benchmark,
                       "not in the baseline: not gated until a baseline includes it");
  }

  void add_run_problem(const Benchmark& benchmark, std::string_view side) {
    const std::string what = benchmark.errored ? "reported an error" : "was skipped";
    const std::string& message = benchmark.errored ? benchmark.error_message : benchmark.skip_message;
    benchmark_decision(benchmark, Verdict::error,
                       "the " + std::string(side) + " run " + what +
                           (message.empty() ? std::string() : ": \"" + message + "\""));
  }

  void compare(const Benchmark& base, const Benchmark& cand, bool crosses_thread_timing_change,
               const RunSet& baseline, const RunSet& candidate) {
    if (base.errored || base.skipped || cand.errored || cand.skipped) {
      if (base.errored || base.skipped) {
        add_run_problem(base, "baseline");
      }
      if (cand.errored || cand.skipped) {
        add_run_problem(cand, "candidate");
      }
      return;
    }
    if (base.threads != cand.threads) {
      benchmark_decision(cand, Verdict::error,
                         "thread count changed from " + std::to_string(base.threads) + " to " +
                             std::to_string(cand.threads) + ": the numbers are not comparable");
      return;
    }
    if (cand.threads > 1 && crosses_thread_timing_change) {
      benchmark_decision(
          cand, Verdict::error,
          "not comparable: Google Benchmark 1.9 changed how multi-threaded real time is measured "
          "(baseline " + version_or_unknown(baseline.context.library_version) + ", candidate " +
              version_or_unknown(candidate.context.library_version) +
              "); record a baseline with the candidate's library");
      return;
    }
    for (std::size_t i = 0; i < m_policy.rules.size(); ++i) {
      const Rule& rule = m_policy.rules[i];
      if (!m_match_all[i] && !m_patterns[i].full_match(cand.name)) {
        continue;
      }
      if (rule.kind == RuleKind::min_repetitions) {
        check_repetitions(rule, base, cand);
        continue;
      }
      const MetricSeries* base_series = base.find(rule.metric);
      const MetricSeries* cand_series = cand.find(rule.metric);
      if (cand_series == nullptr) {
        if (base_series != nullptr) {
          Decision& d = metric_decision(rule, cand, base_series);
          d.verdict = Verdict::error;
          d.note = rule.metric + " is in the baseline but the candidate did not report it";
        }
        continue;  // a rule for a metric neither side has does not apply to this benchmark
      }
      decide(rule, base, cand, base_series, *cand_series);
    }
  }

  static std::string version_or_unknown(const std::string& version) {
    return version.empty() ? "before 1.8.4" : version;
  }

  Decision& metric_decision(const Rule& rule, const Benchmark& benchmark,
                            const MetricSeries* series) {
    Decision& d = m_decisions.emplace_back();
    d.benchmark = benchmark.name;
    d.metric = rule.metric;
    d.rule = rule.id;
    d.kind = rule.kind;
    d.statistic = rule.statistic;
    d.direction = rule.direction;
    if (series != nullptr) {
      d.unit = series->unit;
    }
    return d;
  }

  void check_repetitions(const Rule& rule, const Benchmark& base, const Benchmark& cand) {
    const auto repetitions = [](const Benchmark& b) {
      std::size_t n = 0;
      for (const auto& series : b.metrics) {
        n = std::max(n, series.samples.size());
      }
      return n;
    };
    const std::size_t base_n = repetitions(base);
    const std::size_t cand_n = repetitions(cand);
    Decision& d = metric_decision(rule, cand, nullptr);
    d.metric.clear();
    d.limit = rule.min_repetitions;
    d.limit_text = describe_limit(rule, 0);
    d.baseline = static_cast<double>(base_n);
    d.candidate = static_cast<double>(cand_n);
    d.baseline_samples.n = base_n;
    d.candidate_samples.n = cand_n;
    const auto needed = static_cast<std::size_t>(rule.min_repetitions);
    if (cand_n < needed || base_n < needed) {
      d.verdict = m_options.report_only ? Verdict::warn : Verdict::noisy;
      d.note = "too few repetitions to decide: candidate " + std::to_string(cand_n) +
               ", baseline " + std::to_string(base_n) + ", the policy needs " +
               std::to_string(needed) + " (run with --benchmark_repetitions=" +
               std::to_string(needed) + ")";
    }
  }

  void decide(const Rule& rule, const Benchmark& base, const Benchmark& cand,
              const MetricSeries* base_series,
              const MetricSeries& cand_series) {
    Decision& d = metric_decision(rule, cand, &cand_series);
    d.candidate_samples = summarize(cand_series.samples);
    if (base_series != nullptr) {
      d.baseline_samples = summarize(base_series->samples);
    }
    const SideValue cand_value = side_value(cand_series, rule.statistic, "candidate");
    if (!cand_value.value) {
      d.verdict = Verdict::error;
      d.note = cand_value.problem;
      return;
    }
    d.candidate = cand_value.value;
    switch (rule.kind) {
      case RuleKind::zero:
        decide_zero(rule, cand_series, d);
        return;
      case RuleKind::absolute:
        decide_absolute(rule, d);
        return;
      case RuleKind::relative:
        break;
      case RuleKind::min_repetitions:
        return;
    }
    if (base_series == nullptr) {
      d.verdict = Verdict::new_benchmark;
      d.note = rule.metric + " is not in the baseline: not gated until a baseline includes it";
      return;
    }
    const SideValue base_value = side_value(*base_series, rule.statistic, "baseline");
    if (!base_value.value) {
      d.verdict = Verdict::error;
      d.note = base_value.problem;
      return;
    }
    d.baseline = base_value.value;
    decide_relative(rule, d);
    if (cand_value.from_aggregate || base_value.from_aggregate) {
      d.note += std::string(d.note.empty() ? "" : "; ") +
                "from the library's aggregates (no repetitions were recorded)";
    }
    apply_series_flags(*base_series, cand_series, d);
    consider_statistics(rule, base, cand, *base_series, cand_series, d);
  }

  // A series whose measurement says it jitters (MetricSeries::noisy, e.g. instruction counts
  // that differ between separate callgrind runs) is reported, never gated; caveats the
  // measurement attached to a series go into the decision's note.
  static void apply_series_flags(const MetricSeries& base, const MetricSeries& cand, Decision& d) {
    if (base.noisy || cand.noisy) {
      d.verdict = Verdict::noisy;
      d.note = d.metric + " is not gated: the " +
               (cand.noisy ? std::string("candidate") : std::string("baseline")) +
               "'s measurement jitters (" + (cand.noisy ? cand.note : base.note) + ")" +
               (d.change ? "; the change was " + percent_text(*d.change) : std::string()) +
               ". Make the benchmark single-threaded or uncontended to gate it here, or gate it "
               "in a wall-time lane (docs/lanes.md)";
      return;
    }
    if (!cand.note.empty()) {
      d.note += std::string(d.note.empty() ? "" : "; ") + cand.note;
    }
  }

  // The core test of a relative rule. The statistics of the noise-aware lane replace this
  // function; readers and renderers do not change.
  static void decide_relative(const Rule& rule, Decision& d) {
    const double base = *d.baseline;
    const double cand = *d.candidate;
    const bool lower_is_better = rule.direction == Direction::lower_is_better;
    double change = 0;
    if (base != 0) {
      change = (cand - base) / std::fabs(base);
    } else if (cand != 0) {
      change = cand > 0 ? std::numeric_limits<double>::infinity()
                        : -std::numeric_limits<double>::infinity();
    }
    d.change = change;
    const double worse = lower_is_better ? change : -change;  // > 0 means worse
    d.limit = rule.relative.fail;
    d.warn_limit = rule.relative.warn;
    const double reference = rule.relative.fail ? *rule.relative.fail : *rule.relative.warn;
    d.limit_text = describe_limit(rule, reference);
    d.headroom = reference - worse;
    if (rule.relative.fail && worse > *rule.relative.fail) {
      d.verdict = Verdict::fail;
      d.note = rule.metric + " " + std::string(to_string(rule.statistic)) + " changed " +
               percent_text(change) + ", beyond the fail limit " + d.limit_text;
    } else if (rule.relative.warn && worse > *rule.relative.warn) {
      d.verdict = Verdict::warn;
      d.note = rule.metric + " " + std::string(to_string(rule.statistic)) + " changed " +
               percent_text(change) + ", beyond the warn limit " +
               describe_limit(rule, *rule.relative.warn);
    } else if (-worse >= rule.improvement && rule.improvement > 0) {
      d.verdict = Verdict::improved;
      d.note = "improved by " + percent_text(std::fabs(change)).substr(1);
    } else {
      d.verdict = Verdict::pass;
    }
    if (base == 0 && cand != 0) {
      d.note += std::string(d.note.empty() ? "" : "; ") + "the baseline is 0";
    }
  }

  void decide_absolute(const Rule& rule, Decision& d) {
    const auto limit_of = [&](const std::optional<double>& written, const std::string& variable,
                              std::string& source) -> std::optional<double> {
      if (variable.empty()) {
        return written;
      }
      const auto it = m_options.environment.find(variable);
      if (it == m_options.environment.end() || it->second.empty()) {
        return written;
      }
      std::string error;
      auto text = it->second;
      const bool is_time = metric_traits(rule.metric).is_time;
      // A bare number in the environment is in the unit the policy wrote.
      if (!text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos) {
        text += rule.unit;
      }
      const auto parsed = parse_absolute(text, is_time, error);
      if (!parsed) {
        source = "$" + variable + "=\"" + it->second + "\" is not a valid limit: " + error;
        return std::nullopt;
      }
      source = "$" + variable;
      return parsed->value;
    };
    std::string fail_source;
    std::string warn_source;
    const auto fail = limit_of(rule.absolute.fail, rule.env_fail, fail_source);
    const auto warn = limit_of(rule.absolute.warn, rule.env_warn, warn_source);
    for (const std::string* source : {&fail_source, &warn_source}) {
      if (source->find("is not a valid limit") != std::string::npos) {
        d.verdict = Verdict::error;
        d.note = *source;
        return;
      }
    }
    const double value = *d.candidate;
    const bool upper = rule.direction == Direction::lower_is_better;
    const auto beyond = [&](double limit) { return upper ? value > limit : value < limit; };
    const double reference = fail ? *fail : *warn;
    d.limit = fail;
    d.warn_limit = warn;
    d.limit_text = describe_limit(rule, reference);
    if (!fail_source.empty() && fail) {
      d.limit_text += " (" + fail_source + ")";
    }
    d.headroom = reference != 0 ? (upper ? reference - value : value - reference) / std::fabs(reference)
                                : std::optional<double>();
    if (fail && beyond(*fail)) {
      d.verdict = Verdict::fail;
      d.note = rule.metric + " " + std::string(to_string(rule.statistic)) + " breaks the limit " +
               d.limit_text;
    } else if (warn && beyond(*warn)) {
      d.verdict = Verdict::warn;
      d.note = rule.metric + " " + std::string(to_string(rule.statistic)) +
               " is past the warn limit " + describe_limit(rule, *warn);
    } else {
      d.verdict = Verdict::pass;
    }
  }

  static void decide_zero(const Rule& rule, const MetricSeries& series, Decision& d) {
    d.limit = 0;
    d.limit_text = describe_limit(rule, 0);
    const auto nonzero = std::count_if(series.samples.begin(), series.samples.end(),
                                       [](double v) { return v != 0; });
    const bool from_aggregate_nonzero = series.samples.empty() && d.candidate && *d.candidate != 0;
    if (nonzero > 0 || from_aggregate_nonzero) {
      d.verdict = Verdict::fail;
      d.note = rule.metric + " must be 0 but was " +
               (series.samples.empty() ? std::string("non-zero")
                                       : "non-zero in " + std::to_string(nonzero) + " of " +
                                             std::to_string(series.samples.size()) + " samples");
    } else {
      d.verdict = Verdict::pass;
    }
  }


  // ---- relative rules decided by statistics (docs/statistics.md) -----------------------------

  // A relative rule whose samples support a confidence statement, kept for the second pass: the
  // family-wise adjustment and the gate's variance prior need every comparison of the gate before
  // any can be decided.
  struct StatisticalCase {
    std::size_t decision = 0;  // index into m_decisions
    const Rule* rule = nullptr;
    double margin = 0;  // the fail limit (else the warn limit): the change that must be exceeded
    std::vector<std::vector<double>> baseline_runs;  // samples per run (MetricSeries::groups)
    std::vector<std::vector<double>> candidate_runs;
    std::string caveat;  // the measurement's own note (MetricSeries::note), kept in the note
    // The member of the family this comparison belongs to: "<benchmark>\n<metric>", where a rate
    // that Google Benchmark derives from a time (items_per_second = items / cpu_time) is the
    // member of that time (docs/statistics.md, section 4).
    std::string member;
  };

  static std::vector<std::vector<double>> samples_by_run(const MetricSeries& series) {
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
  static bool is_wall_clock(const std::string& metric) {
    const std::string_view suffix = "_per_second";
    return metric_traits(metric).is_time ||
           (metric.size() > suffix.size() &&
            metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            metric.rfind("counter:", 0) != 0);
  }

  // True when rate * time is the same in every repetition of the benchmark (to 1e-6): the rate is
  // that time seen the other way up, not a second measurement.
  static bool derived_from(const MetricSeries& rate, const MetricSeries* time) {
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

  static std::string family_member(const Benchmark& base, const Benchmark& cand,
                                   const std::string& metric) {
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

  // After the point estimate has decided `d`: keep the comparison for the statistical second pass
  // when the samples support one, else say why the point estimate stands.
  void consider_statistics(const Rule& rule, const Benchmark& base_benchmark,
                           const Benchmark& cand_benchmark, const MetricSeries& base,
                           const MetricSeries& cand, Decision& d) {
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
    StatisticalCase& c = m_cases.emplace_back();
    c.decision = static_cast<std::size_t>(&d - m_decisions.data());
    c.rule = &rule;
    c.margin = margin;
    c.baseline_runs = samples_by_run(base);
    c.candidate_runs = samples_by_run(cand);
    c.caveat = cand.note;
    c.member = family_member(base_benchmark, cand_benchmark, rule.metric);
  }

  static void add_note(Decision& d, const std::string& text) {
    d.note += std::string(d.note.empty() ? "" : "; ") + text;
  }

  static std::vector<double> flatten(const std::vector<std::vector<double>>& runs) {
    std::vector<double> flat;
    for (const auto& run : runs) {
      flat.insert(flat.end(), run.begin(), run.end());
    }
    return flat;
  }

  static std::string method_name(const stats::ComparisonResult& r) {
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

  // The number of members of the gate's family and each case's member index.
  std::vector<std::size_t> member_indices(std::size_t& members) const {
    std::map<std::string_view, std::size_t> index;
    std::vector<std::size_t> out;
    out.reserve(m_cases.size());
    for (const StatisticalCase& c : m_cases) {
      out.push_back(index.emplace(c.member, index.size()).first->second);
    }
    members = index.size();
    return out;
  }

  // The gate's variance prior per metric (docs/statistics.md, section 2): fitted to the screened
  // variances of every comparison of that metric whose runs are pooled (one run a side, or the
  // paired lane's same-job test).
  std::map<std::string, stats::VariancePrior> variance_priors() const {
    // Two passes: the first, unscreened, finds the gate's typical noise; the second screens each
    // comparison's slow outliers against at least that noise and fits the prior the tests use.
    std::map<std::string, stats::VariancePrior> priors;
    for (const bool screened : {false, true}) {
      std::map<std::string, std::vector<stats::SampleVariance>> by_metric;
      for (const StatisticalCase& c : m_cases) {
        stats::ComparisonOptions options;
        options.margin = c.margin;
        options.direction = c.rule->direction;
        if (!screened) {
          options.same_job_screen_k = 0.0;
        } else {
          options.screen_floor = std::sqrt(priors[c.rule->metric].variance);
        }
        by_metric[c.rule->metric].push_back(stats::screened_log_variance(
            flatten(c.baseline_runs), flatten(c.candidate_runs), options));
      }
      for (const auto& [metric, variances] : by_metric) {
        priors[metric] = stats::fit_variance_prior(variances);
      }
    }
    return priors;
  }

  // The second pass: every statistical comparison of the gate, then the family-wise adjustment
  // (Holm over the family's members; conditional Holm in the paired lane; alpha/M spent over the
  // looks with adaptive repetitions), then the verdicts.
  void decide_statistically(GateResult& result) {
    if (m_cases.empty()) {
      return;
    }
    const double alpha = m_options.family_alpha;
    if (!(alpha > 0 && alpha < 1)) {  // fail closed: a gate without a valid level decides nothing
      for (const StatisticalCase& c : m_cases) {
        m_decisions[c.decision].verdict = Verdict::error;
        m_decisions[c.decision].note = "the family-wise alpha must be between 0 and 1";
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
    std::vector<stats::ComparisonResult> results;
    std::vector<double> adjusted;
    std::vector<bool> undecided(m_cases.size(), false);
    std::vector<bool> passed_early(m_cases.size(), false);  // adaptive: inside the margin at a look
    const std::vector<std::size_t> looks = sequential_looks(m_options.sequential_max);
    const std::map<std::string, stats::VariancePrior> priors =
        sequential ? std::map<std::string, stats::VariancePrior>() : variance_priors();
    // The comparisons of one gate mostly share their sample sizes: each exact null distribution
    // is computed once per evaluate() call.
    stats::NullDistributionCache null_cache;
    results.reserve(m_cases.size());
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
      const StatisticalCase& c = m_cases[i];
      stats::ComparisonOptions options;
      options.null_cache = &null_cache;
      options.margin = c.margin;
      options.direction = c.rule->direction;
      options.confidence = 1.0 - level;
      options.alpha = level;
      options.power = 0.80;
      if (!sequential) {
        const auto prior = priors.find(c.rule->metric);
        if (prior != priors.end()) {
          options.prior = prior->second;
          options.screen_floor = std::sqrt(prior->second.variance);
        }
        const bool one_run_each = c.baseline_runs.size() <= 1 && c.candidate_runs.size() <= 1;
        if (m_options.paired) {
          results.push_back(
              stats::compare_same_job_runs(c.baseline_runs, c.candidate_runs, options));
        } else if (one_run_each) {
          results.push_back(stats::compare_moderated(flatten(c.baseline_runs),
                                                     flatten(c.candidate_runs), options));
        } else {
          results.push_back(stats::compare_grouped(c.baseline_runs, c.candidate_runs, options));
        }
        continue;
      }
      std::vector<double> base = flatten(c.baseline_runs);
      std::vector<double> cand = flatten(c.candidate_runs);
      const std::size_t n = std::min(base.size(), cand.size());
      std::size_t look = looks.size();
      for (std::size_t k = 0; k < looks.size() && looks[k] <= n; ++k) {
        look = k;
      }
      if (look == looks.size()) {  // not yet at the first look: judge what there is, undecided
        undecided[i] = true;
        result.next_repetitions = std::max(result.next_repetitions, looks.front());
        results.push_back(stats::compare_independent(base, cand, options));
        adjusted.push_back(1.0);
        continue;
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
      results.push_back(step.comparison);
      adjusted.push_back(std::min(1.0, step.comparison.p_worse * alpha / step.alpha_this_look));
      passed_early[i] = step.decision == stats::SequentialDecision::decided_pass;
      if (step.decision == stats::SequentialDecision::continue_sampling) {
        undecided[i] = true;
        result.next_repetitions = std::max(result.next_repetitions, looks[look + 1]);
      }
    }
    if (!sequential) {
      std::vector<double> p_values;
      for (const auto& r : results) {
        p_values.push_back(r.p_worse);
      }
      adjusted = stats::holm_adjust_members(p_values, member,
                                            m_options.paired ? k_paired_tau : 1.0);
    }
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
      settle(m_cases[i], results[i], adjusted[i], level, undecided[i], passed_early[i],
             sequential);
    }
  }

  // Looks of the adaptive design: 4, 5, 6, 7, 8, 10, 12, 16, 20, 30, 40 below the cap, then it.
  static std::vector<std::size_t> sequential_looks(std::size_t cap) {
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

  void settle(const StatisticalCase& c, const stats::ComparisonResult& r, double adjusted,
              double level, bool undecided, bool passed_early, bool sequential) {
    settle_verdict(c, r, adjusted, level, undecided, passed_early, sequential);
    if (!c.caveat.empty()) {
      add_note(m_decisions[c.decision], c.caveat);
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
  void settle_verdict(const StatisticalCase& c, const stats::ComparisonResult& r,
                      double adjusted, double level, bool undecided, bool passed_early,
                      bool sequential) {
    Decision& d = m_decisions[c.decision];
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
    const double mde = r.mde;
    const double decidable_mde =
        std::isfinite(r.mde) && r.df > 0 && r.df < 1e5
            ? stats::minimum_detectable_effect(r.standard_error * sigma_upper_factor(r.df), r.df,
                                               level, 0.80, rule.direction)
            : mde;
    d.method = (m_options.paired ? "paired:" : "") + std::string(sequential ? "sequential:" : "") +
               method_name(r);
    d.change = change;
    const bool finite_interval = std::isfinite(r.ratio_ci.lower) && std::isfinite(r.ratio_ci.upper) &&
                                 r.ratio_ci.lower > 0;
    if (finite_interval) {
      d.change_low = r.ratio_ci.lower - 1;
      d.change_high = r.ratio_ci.upper - 1;
    }
    d.mde = mde;
    d.p_value = adjusted;
    d.undecided = undecided;
    const double reference = rule.relative.fail ? *rule.relative.fail : *rule.relative.warn;
    d.headroom = reference - worse;
    d.note.clear();
    // The words are made only for the decisions that carry a note (a gate has thousands of passes).
    const auto what = [&] { return rule.metric + " " + std::string(to_string(rule.statistic)); };
    const auto interval = [&] {
      return finite_interval ? " (" + confidence_text() + " CI " + percent_text(*d.change_low) +
                                   " to " + percent_text(*d.change_high) + ")"
                             : std::string();
    };
    const auto estimate = [&] { return "changed " + percent_text(change) + interval(); };
    const auto evidence = [&] {
      return "p = " + number_text(adjusted) + " adjusted over " + std::to_string(m_members) +
             " comparison" + (m_members == 1 ? "" : "s") + ", alpha " +
             number_text(m_options.family_alpha);
    };
    const bool beyond_by_interval = !undecided && finite_interval && worse_low > reference;
    if (!undecided && (adjusted <= m_options.family_alpha || beyond_by_interval)) {
      d.verdict = rule.relative.fail ? Verdict::fail : Verdict::warn;
      d.note = what() + " " + estimate() + ", shown to exceed the " +
               (rule.relative.fail ? "fail" : "warn") + " limit " + d.limit_text + " (" +
               evidence() + ")";
      return;
    }
    if (undecided) {
      d.verdict = worse > reference ? Verdict::warn : Verdict::pass;
      d.note = what() + " " + estimate() + "; undecided after " +
               std::to_string(std::min(r.n_baseline, r.n_candidate)) +
               " repetitions per side: more repetitions follow";
      return;
    }
    // An adaptive early pass is a decision of the design up to its cap (the upper bound at this
    // look is inside the margin), so the resolution of this one look does not make it noisy.
    // A pass on the interval alone (when the comparison is too noisy to have seen a regression)
    // needs a stricter bound than the family's: at one-sided 1e-4 at least, so that a lone
    // benchmark with two repetitions does not pass a real regression on a lucky draw.
    const bool ruled_out = finite_interval && strict_worse_high(r, level, lower_is_better) <= reference;
    if (!passed_early && !(decidable_mde <= c.margin) && !ruled_out) {
      d.verdict = Verdict::noisy;
      d.note = what() + " could not be decided at " + d.limit_text + ": " +
               noise_text(r, mde, level) + "; the estimate " + estimate() +
               (worse > reference ? " (likely a regression, not proven)" : std::string()) + ". " +
               advice(r, mde, c.margin, level);
      return;
    }
    if (worse > reference) {
      // The comparison could have shown a regression of this size and did not: not a pass.
      d.verdict = Verdict::noisy;
      d.note = what() + " " + estimate() + ": beyond " + d.limit_text +
               " but not proven at the gate's confidence (" + evidence() +
               "). Re-run the gate, or run more repetitions";
      return;
    }
    if (rule.relative.warn && worse > *rule.relative.warn) {
      d.verdict = Verdict::warn;
      d.note = what() + " " + estimate() + ", beyond the warn limit " +
               describe_limit(rule, *rule.relative.warn);
      return;
    }
    if (-worse >= rule.improvement && rule.improvement > 0) {
      if (finite_interval && worse_high < 0) {
        d.verdict = Verdict::improved;
        d.note = "improved by " + percent_text(std::fabs(change)).substr(1) + interval();
        return;
      }
      d.verdict = Verdict::pass;
      d.note = what() + " " + estimate() + ": an improvement, not proven";
      return;
    }
    d.verdict = Verdict::pass;
    if (passed_early) {
      d.note = what() + " " + estimate() + ": inside the margin after " +
               std::to_string(std::min(r.n_baseline, r.n_candidate)) +
               " repetitions per side, so the adaptive design stopped early";
    }
  }

  // The bad-side bound of the comparison's estimate at one-sided min(level / 2, 1e-4), as a change.
  double strict_worse_high(const stats::ComparisonResult& r, double level, bool lower_is_better) {
    if (!(r.standard_error > 0) || !std::isfinite(r.standard_error) || !(r.df > 0) ||
        r.method == stats::Method::exact_rank || r.method == stats::Method::normal_rank) {
      return lower_is_better ? r.ratio_ci.upper - 1 : 1 - r.ratio_ci.lower;
    }
    const double tail = std::min(level / 2, 1e-4);
    const double q = r.df >= 1e5 ? -boost::math::quantile(boost::math::normal(), tail)
                                 : boost::math::quantile(boost::math::complement(
                                       boost::math::students_t(r.df), tail));
    return lower_is_better ? std::expm1(r.shift + q * r.standard_error)
                           : -std::expm1(r.shift - q * r.standard_error);
  }

  // sqrt(df / chi2_{df, 0.10}): how much larger the true sd may be than its estimate, at 90%.
  double sigma_upper_factor(double df) {
    const auto [it, inserted] = m_sigma_upper.emplace(df, 0.0);
    if (inserted) {
      const boost::math::chi_squared_distribution<double> chi2(df);
      it->second = std::sqrt(df / boost::math::quantile(chi2, 0.10));
    }
    return it->second;
  }

  // "95% family-wise" over several comparisons, "95%" for one.
  std::string confidence_text() const {
    const std::string level = format_general(100 * (1 - m_options.family_alpha), 4) + "%";
    return m_members > 1 ? level + " family-wise" : level;
  }

  static std::string number_text(double value) { return format_general(value, 2); }

  std::string noise_text(const stats::ComparisonResult& r, double mde, double level) const {
    if (std::isinf(mde)) {
      if (r.df == 0) {
        return "one value per side says nothing about the noise, and no other comparison of the "
               "gate has repetitions to borrow it from";
      }
      return std::to_string(r.n_baseline) + " and " + std::to_string(r.n_candidate) +
             " repetitions cannot reach the gate's confidence (the smallest possible p-value is " +
             number_text(r.min_attainable_p) + ", the gate needs " + number_text(level) + " for " +
             std::to_string(m_members) + " comparisons)";
    }
    std::string text = "the smallest change it can detect is " + percent_text(mde).substr(1) +
                       " (noise sd " + percent_text(r.within_run_sd).substr(1);
    if (r.runs_baseline > 1 || r.runs_candidate > 1) {
      text += ", run-to-run sd " + percent_text(r.between_run_sd).substr(1) + " over " +
              std::to_string(r.runs_baseline) + " + " + std::to_string(r.runs_candidate) +
              " runs";
    }
    return text + ", " + std::to_string(r.n_baseline) + " + " + std::to_string(r.n_candidate) +
           " repetitions, " + std::to_string(m_members) + " comparisons)";
  }

  std::string advice(const stats::ComparisonResult& r, double mde, double margin,
                     double level) const {
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
      text += "about " + std::to_string(n) + " repetitions per side (--benchmark_repetitions)";
    }
    return text + ", a wider limit" +
           (m_options.paired ? std::string()
                             : ", the paired lane (perfgate gate --reference)") +
           ", or gate instruction counts (docs/statistics.md)";
  }
  // A rule with "on_inconclusive": "warn" accepts its noisy decisions; they stay `noisy` in every
  // report and are counted as accepted.
  void accept_inconclusive() {
    for (Decision& d : m_decisions) {
      if (d.verdict != Verdict::noisy) {
        continue;
      }
      for (const Rule& rule : m_policy.rules) {
        if (rule.id == d.rule && rule.on_inconclusive == OnInconclusive::warn) {
          d.accepted = true;
          add_note(d, "accepted by the rule's on_inconclusive \"warn\": not gated");
        }
      }
    }
  }

  // Benchmarks on both sides that no rule applied to are said, never silently passed; a gate in
  // which no rule applied to anything checked nothing and is an error.
  void report_ungated(GateResult& result) {
    if (m_ungated.empty()) {
      return;
    }
    if (m_ungated.size() == m_compared) {
      Decision& d = m_decisions.emplace_back();
      d.verdict = Verdict::error;
      d.note = "the policy \"" + m_policy.name + "\" gated nothing: none of its rules applies to any "
               "metric of the " + std::to_string(m_compared) +
               " benchmark(s) present on both sides; check the rules' \"benchmarks\" patterns "
               "and metric names";
      return;
    }
    std::string names;
    for (std::size_t i = 0; i < m_ungated.size() && i < 5; ++i) {
      names += (i == 0 ? "" : ", ") + m_ungated[i];
    }
    if (m_ungated.size() > 5) {
      names += ", ...";
    }
    Diagnostic note;
    note.severity = Severity::warning;
    note.message = std::to_string(m_ungated.size()) + " benchmark(s) matched no rule of policy \"" +
                   m_policy.name + "\" and are not gated: " + names;
    result.notes.push_back(std::move(note));
  }

  const Policy& m_policy;
  const EvaluateOptions& m_options;
  std::vector<std::string> m_ungated;
  std::size_t m_compared = 0;
  std::vector<NamePattern> m_patterns;
  std::vector<bool> m_match_all;  // ".*": skip the regex engine on the hot path
  std::vector<Decision> m_decisions;
  std::vector<StatisticalCase> m_cases;
  std::size_t m_members = 0;  // members of the statistical family (decide_statistically)
  std::map<double, double> m_sigma_upper;  // sigma_upper_factor by df
};

}  // namespace

GateResult evaluate(const RunSet& baseline, const RunSet& candidate, const Policy& policy,
                    const EvaluateOptions& options) {
  return Evaluator(policy, options).run(baseline, candidate);
}

}  // namespace perfgate
