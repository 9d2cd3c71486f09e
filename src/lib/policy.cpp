#include <perfgate/policy.hpp>
#include <perfgate/number_format.hpp>

#include <array>
#include <charconv>
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
  // As written in a policy: 15%, 2.5%, 0.25%.
  return format_rounded(fraction * 100.0, 2) + "%";
}

std::string value_with_unit(double value, const Rule& rule) {
  return format_number(value) + (rule.unit.empty() ? "" : " " + rule.unit);
}
}  // namespace

std::string describe_limit(const Rule& rule, double value);

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
      out += "For " + scope + ": the " + what + " must be ";
      out += rule.absolute.fail ? describe_limit(rule, *rule.absolute.fail) : "(no fail level)";
      if (rule.absolute.warn) {
        out += " (warns unless " + describe_limit(rule, *rule.absolute.warn) + ")";
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
  if (const auto percentile = percentile_name(rule.metric);
      percentile && rule.kind != RuleKind::min_repetitions) {
    out += " A " + percentile->label + " needs " +
           format_integer(needed_samples(*percentile, rule.min_tail_samples)) +
           " samples in every repetition (" + format_integer(rule.min_tail_samples) +
           (percentile->upper_tail() ? " beyond" : " below") + " it): fewer, as " +
           percentile->count_metric() + " or " + percentile->intervals_metric() +
           " says, is noisy.";
  }
  if (!rule.description.empty()) {
    out += " (" + rule.description + ")";
  }
  return out;
}

}  // namespace perfgate

namespace perfgate {

namespace {
std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// A leading number; the rest (after spaces) goes to `rest`.
std::optional<double> leading_number(std::string_view text, std::string_view& rest) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !std::isfinite(value)) {
    return std::nullopt;
  }
  rest = trim(text.substr(static_cast<std::size_t>(end - text.data())));
  return value;
}

// The one diagnostic of a limit that is not one.
Diagnostics limit_error(std::string message) {
  Diagnostics diagnostics;
  diagnostics.error("", "", std::move(message));
  return diagnostics;
}
}  // namespace

Result<PercentLimit> parse_percent(std::string_view text) {
  std::string_view body = trim(text);
  PercentLimit limit;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    limit.direction = body.front() == '+' ? Direction::lower_is_better : Direction::higher_is_better;
    body.remove_prefix(1);
  }
  std::string_view rest;
  const auto number = leading_number(body, rest);
  if (!number || rest != "%") {
    return limit_error(
        "expected a percentage such as \"+15%\" or \"-10%\", got \"" + std::string(text) + "\"");
  }
  if (*number < 0 || *number > 10000) {
    return limit_error("a percentage must be between 0% and 10000%, got \"" + std::string(text) +
                       "\"");
  }
  limit.fraction = *number / 100.0;
  return limit;
}

Result<AbsoluteLimit> parse_absolute(std::string_view text, bool is_time) {
  std::string_view body = trim(text);
  AbsoluteLimit limit;
  if (!body.empty() && (body.front() == '<' || body.front() == '>')) {
    limit.direction = body.front() == '<' ? Direction::lower_is_better : Direction::higher_is_better;
    body.remove_prefix(1);
    if (!body.empty() && body.front() == '=') {
      body.remove_prefix(1);
    }
    body = trim(body);
  }
  std::string_view unit;
  const auto number = leading_number(body, unit);
  if (!number) {
    return limit_error(
        "expected a limit such as \"< 500ms\" or \"> 1000\", got \"" + std::string(text) + "\"");
  }
  limit.unit = std::string(unit);
  if (is_time) {
    const auto factor = time_unit_factor(unit);
    if (!factor) {
      return limit_error("a time limit needs a unit (" + time_unit_list("") + "), got \"" +
                         std::string(text) + "\"");
    }
    limit.value = *number * *factor;
  } else {
    if (time_unit_factor(unit)) {
      return limit_error("\"" + std::string(text) +
                         "\" has a time unit, but the metric is not a time");
    }
    limit.value = *number;  // any other suffix ("items/s") is a label for the reader
  }
  return limit;
}

}  // namespace perfgate

namespace perfgate {

std::string describe_limit(const Rule& rule, double value) {
  const bool lower = rule.direction == Direction::lower_is_better;
  switch (rule.kind) {
    case RuleKind::relative:
      return (lower ? "+" : "-") + percent(value);
    case RuleKind::absolute: {
      double shown = value;
      if (const auto factor = time_unit_factor(rule.unit); factor && metric_traits(rule.metric).is_time) {
        shown = value / *factor;
      }
      return std::string(lower ? "< " : "> ") + value_with_unit(shown, rule);
    }
    case RuleKind::zero:
      return "== 0";
    case RuleKind::min_repetitions:
      return ">= " + std::to_string(rule.min_repetitions) + " repetitions";
  }
  return {};
}

}  // namespace perfgate
