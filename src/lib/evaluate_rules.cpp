// The decision of each rule kind on its point estimate (evaluate_internal.hpp): relative,
// absolute, zero and min_repetitions. The statistical pass (evaluate_stats.cpp) refines the
// relative decisions whose samples support a confidence statement.
#include <perfgate/number_format.hpp>
#include <perfgate/percentile.hpp>

#include "evaluate_internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace perfgate::detail {

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
                  format_integer(non_finite) + " of " + format_integer(series.samples.size()) +
                  " samples)";
    return out;
  }
  if (!series.samples.empty()) {
    out.value = compute_statistic(series.samples, statistic);
    return out;
  }
  const std::string_view aggregate = k_aggregate_for[static_cast<int>(statistic)];
  const auto it =
      aggregate.empty() ? series.aggregates.end() : series.aggregates.find(std::string(aggregate));
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

std::string what(const Rule& rule) {
  return rule.metric + " " + std::string(to_string(rule.statistic));
}

// A series whose measurement says it cannot be trusted (MetricSeries::noisy: instruction counts
// that differ between separate callgrind runs, Google Benchmark's memory figures with
// repetitions) is reported, never gated; caveats the measurement attached to a series go into
// the decision's note.
void apply_series_flags(const MetricSeries& base, const MetricSeries& cand, Decision& d) {
  if (base.noisy || cand.noisy) {
    const MetricSeries& untrusted = cand.noisy ? cand : base;
    d.verdict = Verdict::noisy;
    d.note = d.metric + " is not gated: the " +
             (cand.noisy ? std::string("candidate") : std::string("baseline")) +
             "'s measurement is unreliable (" + untrusted.note + ")" +
             (d.change ? "; the change was " + percent_text(*d.change) : std::string()) +
             (untrusted.advice.empty() ? std::string() : ". " + untrusted.advice);
    return;
  }
  if (!cand.note.empty()) {
    add_note(d, cand.note);
  }
}

// The core test of a relative rule on the point estimate.
void decide_relative(const Rule& rule, Decision& d) {
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
    d.note =
        what(rule) + " changed " + percent_text(change) + ", beyond the fail limit " + d.limit_text;
  } else if (rule.relative.warn && worse > *rule.relative.warn) {
    d.verdict = Verdict::warn;
    d.note = what(rule) + " changed " + percent_text(change) + ", beyond the warn limit " +
             describe_limit(rule, *rule.relative.warn);
  } else if (-worse >= rule.improvement && rule.improvement > 0) {
    d.verdict = Verdict::improved;
    d.note = "improved by " + percent_text(std::fabs(change)).substr(1);
  } else {
    d.verdict = Verdict::pass;
  }
  if (base == 0 && cand != 0) {
    add_note(d, "the baseline is 0");
  }
}

// The limit of an absolute rule: as written, or from the environment variable the rule names.
struct AppliedLimit {
  std::optional<double> value;
  std::string source;    // "$VAR" when the environment set it; why its value is not a limit
  bool invalid = false;  // the variable's value is not a limit: an error, never a fall-back
};

AppliedLimit absolute_limit(const Rule& rule, const std::optional<double>& written,
                            const std::string& variable,
                            const std::map<std::string, std::string>& environment) {
  const auto it = variable.empty() ? environment.end() : environment.find(variable);
  if (it == environment.end() || it->second.empty()) {
    return {written, "", false};
  }
  std::string text = it->second;
  // A bare number in the environment is in the unit the policy wrote.
  if (text.find_first_not_of("0123456789.eE+-") == std::string::npos) {
    text += rule.unit;
  }
  const auto parsed = parse_absolute(text, metric_traits(rule.metric).is_time);
  if (!parsed) {
    return {std::nullopt,
            "$" + variable + "=\"" + it->second +
                "\" is not a valid limit: " + parsed.error().items().front().message,
            true};
  }
  return {parsed->value, "$" + variable, false};
}

void decide_absolute(const Rule& rule, const std::map<std::string, std::string>& environment,
                     Decision& d) {
  const AppliedLimit fail_limit =
      absolute_limit(rule, rule.absolute.fail, rule.env_fail, environment);
  const AppliedLimit warn_limit =
      absolute_limit(rule, rule.absolute.warn, rule.env_warn, environment);
  for (const AppliedLimit* limit : {&fail_limit, &warn_limit}) {
    if (limit->invalid) {
      d.verdict = Verdict::error;
      d.note = limit->source;
      return;
    }
  }
  const std::optional<double>& fail = fail_limit.value;
  const std::optional<double>& warn = warn_limit.value;
  const double value = *d.candidate;
  const bool upper = rule.direction == Direction::lower_is_better;
  const auto beyond = [&](double limit) { return upper ? value > limit : value < limit; };
  const double reference = fail ? *fail : *warn;
  d.limit = fail;
  d.warn_limit = warn;
  d.limit_text = describe_limit(rule, reference);
  if (!fail_limit.source.empty() && fail) {
    d.limit_text += " (" + fail_limit.source + ")";
  }
  d.headroom = reference != 0
                   ? (upper ? reference - value : value - reference) / std::fabs(reference)
                   : std::optional<double>();
  if (fail && beyond(*fail)) {
    d.verdict = Verdict::fail;
    d.note = what(rule) + " breaks the limit " + d.limit_text;
  } else if (warn && beyond(*warn)) {
    d.verdict = Verdict::warn;
    d.note = what(rule) + " is past the warn limit " + describe_limit(rule, *warn);
  } else {
    d.verdict = Verdict::pass;
  }
}

void decide_zero(const Rule& rule, const MetricSeries& series, Decision& d) {
  d.limit = 0;
  d.limit_text = describe_limit(rule, 0);
  const auto nonzero =
      std::count_if(series.samples.begin(), series.samples.end(), [](double v) { return v != 0; });
  const bool from_aggregate_nonzero = series.samples.empty() && d.candidate && *d.candidate != 0;
  if (nonzero > 0 || from_aggregate_nonzero) {
    d.verdict = Verdict::fail;
    d.note = rule.metric + " must be 0 but was " +
             (series.samples.empty() ? std::string("non-zero")
                                     : "non-zero in " + format_integer(nonzero) + " of " +
                                           format_integer(series.samples.size()) + " samples");
  } else {
    d.verdict = Verdict::pass;
  }
}

}  // namespace

void add_note(Decision& d, const std::string& text) {
  d.note += std::string(d.note.empty() ? "" : "; ") + text;
}

Decision metric_decision(const Rule& rule, const Benchmark& benchmark, const MetricSeries* series) {
  Decision d;
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

bool decide_metric(const Rule& rule, const MetricSeries* base, const MetricSeries& cand,
                   const EvaluateOptions& options, Decision& d) {
  d.candidate_samples = summarize(cand.samples);
  if (base != nullptr) {
    d.baseline_samples = summarize(base->samples);
  }
  const SideValue cand_value = side_value(cand, rule.statistic, "candidate");
  if (!cand_value.value) {
    d.verdict = Verdict::error;
    d.note = cand_value.problem;
    return false;
  }
  d.candidate = cand_value.value;
  switch (rule.kind) {
    case RuleKind::zero:
      decide_zero(rule, cand, d);
      return false;
    case RuleKind::absolute:
      decide_absolute(rule, options.environment, d);
      return false;
    case RuleKind::relative:
      break;
    case RuleKind::min_repetitions:
      return false;
  }
  if (base == nullptr) {
    d.verdict = Verdict::new_benchmark;
    d.note = rule.metric + " is not in the baseline: not gated until a baseline includes it";
    return false;
  }
  const SideValue base_value = side_value(*base, rule.statistic, "baseline");
  if (!base_value.value) {
    d.verdict = Verdict::error;
    d.note = base_value.problem;
    return false;
  }
  d.baseline = base_value.value;
  decide_relative(rule, d);
  if (cand_value.from_aggregate || base_value.from_aggregate) {
    add_note(d, "from the library's aggregates (no repetitions were recorded)");
  }
  apply_series_flags(*base, cand, d);
  return true;
}

void decide_repetitions(const Rule& rule, const Benchmark& base, const Benchmark& cand,
                        bool report_only, Decision& d) {
  const auto repetitions = [](const Benchmark& b) {
    std::size_t n = 0;
    for (const auto& series : b.metrics) {
      n = std::max(n, series.samples.size());
    }
    return n;
  };
  const std::size_t base_n = repetitions(base);
  const std::size_t cand_n = repetitions(cand);
  d.metric.clear();
  d.limit = rule.min_repetitions;
  d.limit_text = describe_limit(rule, 0);
  d.baseline = static_cast<double>(base_n);
  d.candidate = static_cast<double>(cand_n);
  d.baseline_samples.n = base_n;
  d.candidate_samples.n = cand_n;
  const auto needed = static_cast<std::size_t>(rule.min_repetitions);
  if (cand_n < needed || base_n < needed) {
    d.verdict = report_only ? Verdict::warn : Verdict::noisy;
    d.note = "too few repetitions to decide: candidate " + format_integer(cand_n) + ", baseline " +
             format_integer(base_n) + ", the policy needs " + format_integer(needed) +
             " (run with --benchmark_repetitions=" + format_integer(needed) + ")";
  }
}

}  // namespace perfgate::detail

namespace perfgate::detail {

namespace {

// The fewest samples a repetition of a benchmark had behind a percentile, and the counter that
// said so. A count that is not a number counts as none (fail closed).
struct SampleCount {
  double fewest = 0;
  std::string metric;
  std::size_t repetitions = 0;
  bool from_aggregate = false;
};

std::optional<SampleCount> fewest_samples(const PercentileName& percentile,
                                          const Benchmark& benchmark) {
  for (const std::string& name : {percentile.count_metric(), percentile.intervals_metric()}) {
    const MetricSeries* series = benchmark.find(name);
    if (series == nullptr) {
      continue;
    }
    SampleCount count;
    count.metric = name;
    count.repetitions = series->samples.size();
    if (!series->samples.empty()) {
      count.fewest = std::numeric_limits<double>::infinity();
      for (const double v : series->samples) {
        count.fewest = std::isfinite(v) ? std::min(count.fewest, v) : 0.0;
        if (count.fewest == 0) {
          break;
        }
      }
      return count;
    }
    // Only the library's aggregates: their smallest central value (some repetition had at most
    // that many).
    std::optional<double> fewest;
    for (const char* aggregate : {"mean", "median"}) {
      if (const auto it = series->aggregates.find(aggregate); it != series->aggregates.end()) {
        const double v = std::isfinite(it->second) ? it->second : 0.0;
        fewest = fewest ? std::min(*fewest, v) : v;
      }
    }
    if (fewest) {
      count.fewest = *fewest;
      count.from_aggregate = true;
      return count;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string tail_shortfall(const Rule& rule, const Benchmark* base, const Benchmark& cand) {
  const auto percentile = percentile_name(rule.metric);
  if (!percentile) {
    return {};
  }
  const std::uint64_t needed = needed_samples(*percentile, rule.min_tail_samples);
  std::vector<std::pair<std::string, const Benchmark*>> sides{{"the candidate's ", &cand}};
  if (rule.kind == RuleKind::relative && base != nullptr) {
    sides.emplace_back("the baseline's ", base);
  }
  std::string found;
  for (const auto& [side, benchmark] : sides) {
    const auto count = fewest_samples(*percentile, *benchmark);
    if (!count || count->fewest >= static_cast<double>(needed)) {
      continue;
    }
    found += found.empty() ? "" : " and ";
    found += (sides.size() > 1 ? side : std::string()) +
             format_integer(static_cast<std::int64_t>(std::floor(count->fewest))) + " samples (" +
             count->metric;
    if (count->from_aggregate) {
      found += ", from the library's aggregates";
    } else if (count->repetitions > 1) {
      found += ", the fewest of " + format_integer(count->repetitions) + " repetitions";
    }
    found += ")";
  }
  if (found.empty()) {
    return {};
  }
  return what(rule) + ": " + found + " are too few for a " + percentile->label + ": it needs " +
         format_integer(needed) + " (" + format_integer(rule.min_tail_samples) +
         (percentile->upper_tail() ? " beyond" : " below") +
         " the percentile); record more or lower min_tail_samples";
}

void apply_tail_shortfall(const std::string& shortfall, bool report_only, Decision& d) {
  if (shortfall.empty()) {
    return;
  }
  switch (d.verdict) {
    case Verdict::pass:
    case Verdict::warn:
    case Verdict::improved: {
      const std::string estimate = d.note;
      d.verdict = report_only ? Verdict::warn : Verdict::noisy;
      d.note = shortfall;
      add_note(d, estimate.empty() ? std::string("within the limit on too few samples") : estimate);
      return;
    }
    case Verdict::fail:
      add_note(d, shortfall);
      add_note(d, "the estimate breaks the limit all the same: the fail stands");
      return;
    case Verdict::noisy:
      add_note(d, shortfall);
      return;
    case Verdict::new_benchmark:
    case Verdict::missing:
    case Verdict::waived:
    case Verdict::error:
      return;
  }
}

}  // namespace perfgate::detail
