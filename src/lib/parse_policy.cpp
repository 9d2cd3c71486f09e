// Reader for perfgate policy files ("perfgate.policy/1"; docs/policy.md).
#include <perfgate/parse.hpp>
#include <perfgate/percentile.hpp>
#include <perfgate/pattern.hpp>

#include "json_support.hpp"
#include "waiver_reader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace perfgate {

namespace {

namespace json = boost::json;

// [A-Za-z_][A-Za-z0-9_]*: what a shell accepts as an environment variable name.
bool is_identifier(std::string_view name) {
  const auto letter = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (name.empty() || !letter(name.front())) {
    return false;
  }
  return std::all_of(name.begin() + 1, name.end(), [&](char c) { return letter(c) || digit(c); });
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto name : names) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

class PolicyReader : detail::ReaderBase {
 public:
  using ReaderBase::ReaderBase;

  Policy read(const json::object& root) {
    Policy policy;
    policy.source = m_source;
    detail::check_keys(root, {"schema", "name", "description", "on_missing", "on_new", "rules",
                              "waivers", "waiver_max_days", "accept_bootstrap_verdicts",
                              "min_tail_samples"},
                       m_source, "", m_diagnostics);
    if (const auto* accept = root.if_contains("accept_bootstrap_verdicts")) {
      if (accept->is_bool()) {
        policy.accept_bootstrap_verdicts = accept->get_bool();
      } else {
        error("/accept_bootstrap_verdicts", "expected true or false, got " + detail::describe(*accept));
      }
    }
    policy.name = string_member(root, "", "name", true);
    policy.description = string_member(root, "", "description", false);
    const std::string on_missing = string_member(root, "", "on_missing", false);
    if (on_missing == "warn") {
      policy.on_missing = OnMissing::warn;
    } else if (!on_missing.empty() && on_missing != "fail") {
      error("/on_missing", "expected \"fail\" or \"warn\", got \"" + on_missing + "\"");
    }
    const std::string on_new = string_member(root, "", "on_new", false);
    if (on_new == "pass") {
      policy.on_new = OnNew::pass;
    } else if (on_new == "fail") {
      policy.on_new = OnNew::fail;
    } else if (!on_new.empty() && on_new != "warn") {
      error("/on_new", "expected \"pass\", \"warn\" or \"fail\", got \"" + on_new + "\"");
    }
    read_waivers(root, policy);
    if (const auto* value = root.if_contains("min_tail_samples")) {
      if (const auto samples = tail_samples(*value, "/min_tail_samples")) {
        policy.min_tail_samples = *samples;
      }
    }
    m_min_tail_samples = policy.min_tail_samples;
    const auto* rules = root.if_contains("rules");
    if (rules == nullptr || !rules->is_array()) {
      error("/rules", rules == nullptr ? "missing \"rules\": expected an array of rules"
                                       : "expected an array of rules, got " +
                                             detail::describe(*rules));
      return policy;
    }
    if (rules->get_array().empty()) {
      error("/rules", "the policy has no rules, so it would gate nothing",
            "add at least one rule; see docs/policy.md");
    }
    std::set<std::string> ids;
    std::size_t index = 0;
    for (const auto& item : rules->get_array()) {
      const std::string pointer = detail::pointer_append("/rules", index++);
      if (!item.is_object()) {
        error(pointer, "expected a rule object, got " + detail::describe(item));
        continue;
      }
      if (auto rule = read_rule(item.get_object(), pointer)) {
        if (!ids.insert(rule->id).second) {
          error(pointer + "/id", "rule id \"" + rule->id + "\" is used twice",
                "give each rule its own \"id\"");
        }
        policy.rules.push_back(std::move(*rule));
      }
    }
    return policy;
  }

 private:
  // "waiver_max_days" (1 to 90, default 30), then the "waivers" array, read as a waiver file's.
  void read_waivers(const json::object& root, Policy& policy) {
    bool max_days_set = false;
    if (const auto* value = root.if_contains("waiver_max_days")) {
      const auto number = detail::number_of(*value);
      if (!number || !(value->is_int64() || value->is_uint64()) || *number < 1 ||
          *number > k_waiver_max_days_limit) {
        error("/waiver_max_days",
              "expected a whole number of days from 1 to " +
                  std::to_string(k_waiver_max_days_limit) + ", got " + detail::describe(*value),
              "waivers are short by design; the default is " +
                  std::to_string(k_default_waiver_max_days) + " days");
      } else {
        policy.waiver_max_days = static_cast<int>(*number);
        max_days_set = true;
      }
    }
    if (const auto* waivers = root.if_contains("waivers")) {
      policy.waivers = detail::read_waiver_list(
          *waivers, m_source, "/waivers", policy.waiver_max_days,
          max_days_set ? "the policy's waiver_max_days" : "the default", m_diagnostics);
    }
  }

  std::optional<Rule> read_rule(const json::object& object, const std::string& pointer) {
    detail::check_keys(object,
                       {"id", "description", "benchmarks", "metric", "statistic", "relative",
                        "absolute", "zero", "min_repetitions", "on_inconclusive", "allow_single_values",
                        "min_tail_samples"},
                       m_source, pointer, m_diagnostics);
    const std::size_t errors_before = m_diagnostics.error_count();
    Rule rule;
    rule.description = string_member(object, pointer, "description", false);
    read_inconclusive_settings(object, pointer, rule);
    if (object.contains("benchmarks")) {
      rule.benchmarks = string_member(object, pointer, "benchmarks", true);
      if (const auto pattern = NamePattern::compile(rule.benchmarks); !pattern) {
        error(pointer + "/benchmarks", pattern.error());
      }
    }
    const std::string statistic = string_member(object, pointer, "statistic", false);
    if (!statistic.empty()) {
      if (const auto parsed = statistic_from_string(statistic)) {
        rule.statistic = *parsed;
      } else {
        error(pointer + "/statistic", "unknown statistic \"" + statistic + "\"",
              "one of: median, mean, min, max, p90, p95, p99");
      }
    }

    const char* kinds[] = {"relative", "absolute", "zero", "min_repetitions"};
    int kind_count = 0;
    for (const char* kind : kinds) {
      kind_count += object.contains(kind) ? 1 : 0;
    }
    if (kind_count != 1) {
      error(pointer,
            kind_count == 0 ? "a rule needs one of \"relative\", \"absolute\", \"zero\" or "
                              "\"min_repetitions\""
                            : "a rule takes only one of \"relative\", \"absolute\", \"zero\" and "
                              "\"min_repetitions\"",
            "split it into one rule per check");
      return std::nullopt;
    }

    if (object.contains("min_repetitions")) {
      rule.kind = RuleKind::min_repetitions;
      const auto& value = object.at("min_repetitions");
      const auto number = detail::number_of(value);
      if (!value.is_int64() && !value.is_uint64() && !(number && *number == std::floor(*number))) {
        error(pointer + "/min_repetitions",
              "expected a whole number of repetitions, got " + detail::describe(value));
      } else if (*number < 1 || *number > 100000) {
        error(pointer + "/min_repetitions",
              "expected at least 1 repetition, got " + detail::describe(value));
      } else {
        rule.min_repetitions = static_cast<int>(*number);
      }
      if (object.contains("metric")) {
        error(pointer + "/metric", "a min_repetitions rule applies to every metric; remove \"metric\"");
      }
      if (object.contains("min_tail_samples")) {
        error(pointer + "/min_tail_samples",
              "min_tail_samples applies to rules on a percentile counter, not to min_repetitions",
              "set it on the rule that gates the percentile, e.g. \"counter:latency_p99_ns\"");
      }
      rule.id = id_or(object, pointer, "min-repetitions");
      return finish(rule, errors_before);
    }

    rule.metric = string_member(object, pointer, "metric", true);
    const MetricTraits traits = metric_traits(rule.metric);
    if (!rule.metric.empty() && !traits.known) {
      const std::vector<std::string_view> names = builtin_metrics();
      const auto match = detail::closest_match(rule.metric, names);
      error(pointer + "/metric", "unknown metric \"" + rule.metric + "\"",
            match ? "did you mean \"" + *match + "\"? (user counters are \"counter:<name>\")"
                  : "a built-in metric (" + joined(names) + ") or \"counter:<name>\"");
    }
    rule.direction = traits.direction;
    read_min_tail_samples(object, pointer, rule);

    if (object.contains("zero")) {
      rule.kind = RuleKind::zero;
      const auto& value = object.at("zero");
      if (!value.is_bool() || !value.get_bool()) {
        error(pointer + "/zero", "expected true, got " + detail::describe(value));
      }
      rule.statistic = Statistic::max;
      rule.id = id_or(object, pointer, rule.metric + "-zero");
      return finish(rule, errors_before);
    }

    if (object.contains("relative")) {
      rule.kind = RuleKind::relative;
      read_relative(object.at("relative"), pointer + "/relative", rule);
      rule.id = id_or(object, pointer, rule.metric + "-" + std::string(to_string(rule.statistic)));
      return finish(rule, errors_before);
    }

    rule.kind = RuleKind::absolute;
    read_absolute(object.at("absolute"), pointer + "/absolute", traits, rule);
    rule.id = id_or(object, pointer,
                    rule.metric + "-" + std::string(to_string(rule.statistic)) + "-limit");
    return finish(rule, errors_before);
  }

  // "on_inconclusive": what a decision of this rule that the data cannot decide does to the gate
  // ("inconclusive", the default: exit 4; "warn": accepted, counted and named in every report).
  // "allow_single_values": decide a wall-time comparison of one value per side on the point
  // estimate (by default it is inconclusive: one value says nothing about the noise).
  void read_inconclusive_settings(const json::object& object, const std::string& pointer,
                                  Rule& rule) {
    const std::string on_inconclusive = string_member(object, pointer, "on_inconclusive", false);
    if (on_inconclusive == "warn") {
      rule.on_inconclusive = OnInconclusive::warn;
    } else if (!on_inconclusive.empty() && on_inconclusive != "inconclusive") {
      error(pointer + "/on_inconclusive", "expected \"inconclusive\" or \"warn\", got \"" +
                                              on_inconclusive + "\"",
            "\"warn\" accepts what the data cannot decide; the default fails closed (exit 4)");
    }
    if (object.contains("allow_single_values")) {
      const auto& value = object.at("allow_single_values");
      if (!value.is_bool()) {
        error(pointer + "/allow_single_values", "expected true or false, got " +
                                                    detail::describe(value));
      } else {
        rule.allow_single_values = value.get_bool();
      }
    }
  }

  // "min_tail_samples" of a rule on a percentile counter (percentile.hpp), else the policy's.
  void read_min_tail_samples(const json::object& object, const std::string& pointer, Rule& rule) {
    rule.min_tail_samples = m_min_tail_samples;
    const auto* value = object.if_contains("min_tail_samples");
    if (value == nullptr) {
      return;
    }
    const std::string at = pointer + "/min_tail_samples";
    if (!rule.metric.empty() && !percentile_name(rule.metric)) {
      error(at, "min_tail_samples applies to percentile counters, and \"" + rule.metric +
                    "\" is not one",
            "a percentile counter is \"counter:<name>_p<digits>\" with an optional unit suffix, "
            "e.g. \"counter:latency_p99_ns\" (docs/slo.md)");
      return;
    }
    if (const auto samples = tail_samples(*value, at)) {
      rule.min_tail_samples = *samples;
    }
  }

  // A number of samples beyond a percentile: a whole number from 1 to k_max_min_tail_samples.
  std::optional<int> tail_samples(const json::value& value, const std::string& pointer) {
    const auto number = detail::number_of(value);
    if (!number || !(value.is_int64() || value.is_uint64()) || *number < 1 ||
        *number > k_max_min_tail_samples) {
      error(pointer,
            "expected a whole number of samples beyond the percentile from 1 to " +
                std::to_string(k_max_min_tail_samples) + ", got " + detail::describe(value),
            "the default is " + std::to_string(k_default_min_tail_samples) +
                ": 100 samples beyond a percentile put it within about 20 % of its tail mass "
                "(docs/slo.md)");
      return std::nullopt;
    }
    return static_cast<int>(*number);
  }

  // The limit at `key` of `object` as `parse` reads it (parse_percent, parse_absolute), and its
  // text; nullopt when the key is absent, or when the limit is invalid (the error says why).
  template <class Parse>
  auto read_limit(const json::object& object, const std::string& pointer, const char* key,
                  Parse parse, std::string& text)
      -> std::optional<typename decltype(parse(std::string_view()))::value_type> {
    text = string_member(object, pointer, key, false);
    if (text.empty()) {
      return std::nullopt;
    }
    const auto parsed = parse(text);
    if (!parsed) {
      error(detail::pointer_append(pointer, key), parsed.error());
      return std::nullopt;
    }
    return *parsed;
  }

  void read_relative(const json::value& value, const std::string& pointer, Rule& rule) {
    if (!value.is_object()) {
      error(pointer, "expected an object such as {\"fail\": \"+15%\", \"warn\": \"+5%\"}, got " +
                         detail::describe(value));
      return;
    }
    const auto& object = value.get_object();
    detail::check_keys(object, {"fail", "warn", "improved"}, m_source, pointer, m_diagnostics);
    std::optional<Direction> direction;
    const auto level = [&](const char* key, std::optional<double>& out) {
      std::string text;
      const auto parsed = read_limit(object, pointer, key, parse_percent, text);
      if (!parsed) {
        return;
      }
      if (parsed->direction) {
        if (direction && *direction != *parsed->direction) {
          error(detail::pointer_append(pointer, key),
                "\"fail\" and \"warn\" point in different directions",
                "both \"+\" (a rise is bad) or both \"-\" (a fall is bad)");
        }
        direction = parsed->direction;
      }
      out = parsed->fraction;
    };
    level("fail", rule.relative.fail);
    level("warn", rule.relative.warn);
    if (!rule.relative.fail && !rule.relative.warn) {
      error(pointer, "a relative rule needs \"fail\" or \"warn\" (or both)");
    }
    if (rule.relative.fail && rule.relative.warn && *rule.relative.warn > *rule.relative.fail) {
      error(detail::pointer_append(pointer, "warn"),
            "the warn level is beyond the fail level, so it could never warn",
            "warn is the smaller change: {\"fail\": \"+15%\", \"warn\": \"+5%\"}");
    }
    if (direction) {
      rule.direction = *direction;  // the sign written in the file wins over the metric's default
    }
    const std::string improved = string_member(object, pointer, "improved", false);
    if (!improved.empty()) {
      if (const auto parsed = parse_percent(improved)) {
        rule.improvement = parsed->fraction;
      } else {
        error(detail::pointer_append(pointer, "improved"), parsed.error());
      }
    }
  }

  void read_absolute(const json::value& value, const std::string& pointer,
                     const MetricTraits& traits, Rule& rule) {
    if (!value.is_object()) {
      error(pointer, "expected an object such as {\"fail\": \"< 500ms\"}, got " +
                         detail::describe(value));
      return;
    }
    const auto& object = value.get_object();
    detail::check_keys(object, {"fail", "warn", "env_fail", "env_warn"}, m_source, pointer,
                       m_diagnostics);
    std::optional<Direction> direction;
    const auto parse = [&](std::string_view text) { return parse_absolute(text, traits.is_time); };
    const auto level = [&](const char* key, std::optional<double>& out) {
      std::string text;
      const auto parsed = read_limit(object, pointer, key, parse, text);
      if (!parsed) {
        return;
      }
      if (!parsed->direction) {
        error(detail::pointer_append(pointer, key),
              "say which side is allowed: \"< " + text + "\" (an upper bound) or \"> " + text +
                  "\" (a lower bound)");
        return;
      }
      if (direction && *direction != *parsed->direction) {
        error(detail::pointer_append(pointer, key), "\"fail\" and \"warn\" bound different sides");
      }
      direction = parsed->direction;
      out = parsed->value;
      if (rule.unit.empty()) {
        rule.unit = parsed->unit;
      }
    };
    level("fail", rule.absolute.fail);
    level("warn", rule.absolute.warn);
    if (!rule.absolute.fail && !rule.absolute.warn) {
      error(pointer, "an absolute rule needs \"fail\" or \"warn\" (or both)");
    }
    if (direction) {
      rule.direction = *direction;
    }
    if (rule.absolute.fail && rule.absolute.warn) {
      const bool upper = rule.direction == Direction::lower_is_better;
      if (upper ? *rule.absolute.warn > *rule.absolute.fail
                : *rule.absolute.warn < *rule.absolute.fail) {
        error(detail::pointer_append(pointer, "warn"),
              "the warn level is beyond the fail level, so it could never warn");
      }
    }
    rule.env_fail = env_name(object, pointer, "env_fail");
    rule.env_warn = env_name(object, pointer, "env_warn");
  }

  std::string env_name(const json::object& object, const std::string& pointer, const char* key) {
    std::string name = string_member(object, pointer, key, false);
    if (!name.empty() && !is_identifier(name)) {
      error(detail::pointer_append(pointer, key),
            "\"" + name + "\" is not an environment variable name");
    }
    return name;
  }

  std::string id_or(const json::object& object, const std::string& pointer,
                    const std::string& fallback) {
    std::string id = string_member(object, pointer, "id", false);
    return id.empty() ? fallback : id;
  }

  std::optional<Rule> finish(Rule& rule, std::size_t errors_before) {
    if (m_diagnostics.error_count() != errors_before) {
      return std::nullopt;
    }
    return std::move(rule);
  }

  int m_min_tail_samples = k_default_min_tail_samples;  // the policy's, for the rules

  using ReaderBase::error;
  // The one diagnostic of a value reader that names no file (parse_percent, NamePattern), at
  // `pointer` of this file.
  void error(const std::string& pointer, const Diagnostics& why) {
    const Diagnostic problem = why.items().front();
    error(pointer, problem.message, problem.hint);
  }
};

}  // namespace

Result<Policy> parse_policy(std::string_view text, const std::string& source) {
  return detail::read_document<Policy>(
      text, {"perfgate.policy", 1, "a policy object", "see docs/policy.md"}, source,
      [&](const json::object& root, Diagnostics& diagnostics) {
        return PolicyReader(source, diagnostics).read(root);
      });
}

}  // namespace perfgate
