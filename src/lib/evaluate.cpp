// The decision step: policy x baseline x candidate -> one Decision per benchmark x metric x rule.
// Pure: everything it needs comes in through its arguments.
#include <perfgate/evaluate.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
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

bool GateResult::passed() const {
  return counts.count(Verdict::fail) == 0 && counts.count(Verdict::missing) == 0 &&
         counts.count(Verdict::error) == 0;
}

int exit_code(const GateResult& result) {
  if (result.counts.count(Verdict::error) > 0) {
    return 3;
  }
  return result.passed() ? 0 : 1;
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

std::string percent_text(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%+.1f%%", fraction * 100.0);
  return buffer;
}

class Evaluator {
 public:
  Evaluator(const Policy& policy, const EvaluateOptions& options)
      : m_policy(policy), m_options(options) {
    for (const auto& rule : policy.rules) {
      m_match_all.push_back(rule.benchmarks == ".*");
      m_patterns.emplace_back(rule.benchmarks, std::regex::ECMAScript | std::regex::optimize);
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
      compare(base, *found->second, crosses_thread_timing_change, baseline, candidate);
    }
    for (const auto& cand : candidate.benchmarks) {
      if (in_baseline.count(cand.name) == 0) {
        add_new(cand);
      }
    }

    std::stable_sort(m_decisions.begin(), m_decisions.end(),
                     [](const Decision& a, const Decision& b) {
                       if (a.benchmark != b.benchmark) {
                         return a.benchmark < b.benchmark;
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
      if (!m_match_all[i] && !std::regex_match(cand.name, m_patterns[i])) {
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
      decide(rule, cand, base_series, *cand_series);
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
      d.verdict = Verdict::error;
      d.note = "too few repetitions to decide: candidate " + std::to_string(cand_n) +
               ", baseline " + std::to_string(base_n) + ", the policy needs " +
               std::to_string(needed) + " (run with --benchmark_repetitions=" +
               std::to_string(needed) + ")";
    }
  }

  void decide(const Rule& rule, const Benchmark& cand, const MetricSeries* base_series,
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

  const Policy& m_policy;
  const EvaluateOptions& m_options;
  std::vector<std::regex> m_patterns;
  std::vector<bool> m_match_all;  // ".*": skip the regex engine on the hot path
  std::vector<Decision> m_decisions;
};

}  // namespace

GateResult evaluate(const RunSet& baseline, const RunSet& candidate, const Policy& policy,
                    const EvaluateOptions& options) {
  return Evaluator(policy, options).run(baseline, candidate);
}

}  // namespace perfgate
