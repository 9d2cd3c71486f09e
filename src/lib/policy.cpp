#include <perfgate/policy.hpp>

#include "json_support.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace perfgate {

namespace {
constexpr std::array<std::pair<Statistic, std::string_view>, 7> k_statistics{{
    {Statistic::median, "median"},
    {Statistic::mean, "mean"},
    {Statistic::min, "min"},
    {Statistic::max, "max"},
    {Statistic::p90, "p90"},
    {Statistic::p95, "p95"},
    {Statistic::p99, "p99"},
}};

std::string percent(double fraction) {
  // Whole or one-decimal percentages read best: 15%, 2.5%.
  const double rounded = std::round(fraction * 1000.0) / 10.0;
  return detail::format_number(rounded) + "%";
}

std::string value_with_unit(double value, const Rule& rule) {
  return detail::format_number(value) + (rule.unit.empty() ? "" : " " + rule.unit);
}
}  // namespace

std::string_view to_string(Statistic statistic) {
  for (const auto& [value, name] : k_statistics) {
    if (value == statistic) {
      return name;
    }
  }
  return "median";
}

std::optional<Statistic> statistic_from_string(std::string_view text) {
  for (const auto& [value, name] : k_statistics) {
    if (name == text) {
      return value;
    }
  }
  if (text == "p50") {
    return Statistic::median;
  }
  return std::nullopt;
}

std::string_view to_string(RuleKind kind) {
  switch (kind) {
    case RuleKind::relative:
      return "relative";
    case RuleKind::absolute:
      return "absolute";
    case RuleKind::zero:
      return "zero";
    case RuleKind::min_repetitions:
      return "min_repetitions";
  }
  return "relative";
}

Policy default_policy() {
  Policy policy;
  policy.source = "<built-in default policy>";
  policy.name = "default";
  policy.description =
      "Median real and CPU time may not rise more than 10% (5% warns); throughput may not fall "
      "more than 10% (5% warns); every baseline benchmark must be present.";
  const auto add = [&](std::string_view metric_name, Direction direction) {
    Rule rule;
    rule.metric = std::string(metric_name);
    rule.id = rule.metric;
    rule.kind = RuleKind::relative;
    rule.direction = direction;
    rule.relative = Threshold{0.10, 0.05};
    rule.improvement = 0.05;
    policy.rules.push_back(std::move(rule));
  };
  add(metric::k_real_time, Direction::lower_is_better);
  add(metric::k_cpu_time, Direction::lower_is_better);
  add(metric::k_items_per_second, Direction::higher_is_better);
  add(metric::k_bytes_per_second, Direction::higher_is_better);
  return policy;
}

std::string explain(const Rule& rule) {
  std::string out = "[" + rule.id + "] ";
  const std::string scope =
      rule.benchmarks == ".*" ? std::string("every benchmark")
                              : "benchmarks matching /" + rule.benchmarks + "/";
  const std::string what = std::string(to_string(rule.statistic)) + " " + rule.metric;
  switch (rule.kind) {
    case RuleKind::relative: {
      const bool lower = rule.direction == Direction::lower_is_better;
      const std::string worse = lower ? "rises" : "falls";
      out += "For " + scope + ": fails if the " + what + " " + worse + " by more than ";
      out += rule.relative.fail ? percent(*rule.relative.fail) : std::string("(no fail level)");
      if (rule.relative.warn) {
        out += ", warns above " + percent(*rule.relative.warn);
      }
      out += " against the baseline; a change of " + percent(rule.improvement) +
             " or more the other way is reported as improved.";
      break;
    }
    case RuleKind::absolute: {
      const bool upper = rule.direction == Direction::lower_is_better;
      const std::string bound = upper ? "must stay below " : "must stay above ";
      out += "For " + scope + ": the " + what + " " + bound;
      out += rule.absolute.fail ? value_with_unit(*rule.absolute.fail, rule) : "(no fail level)";
      if (rule.absolute.warn) {
        out += " (warns beyond " + value_with_unit(*rule.absolute.warn, rule) + ")";
      }
      out += ", whatever the baseline says";
      if (!rule.env_fail.empty()) {
        out += "; $" + rule.env_fail + " overrides the fail limit";
      }
      if (!rule.env_warn.empty()) {
        out += "; $" + rule.env_warn + " overrides the warn limit";
      }
      out += ".";
      break;
    }
    case RuleKind::zero:
      out += "For " + scope + ": every sample of " + rule.metric +
             " must be exactly 0; any other value fails.";
      break;
    case RuleKind::min_repetitions:
      out += "For " + scope + ": the candidate and the baseline need at least " +
             std::to_string(rule.min_repetitions) +
             " repetitions; fewer is an error, never a pass.";
      break;
  }
  if (!rule.description.empty()) {
    out += " (" + rule.description + ")";
  }
  return out;
}

}  // namespace perfgate
