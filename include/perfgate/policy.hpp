// Policies: which benchmarks and metrics are gated, how, and with what tolerance.
// The file format ("perfgate.policy/1") is described in docs/policy.md.
#pragma once

#include <perfgate/model.hpp>
#include <perfgate/percentile.hpp>
#include <perfgate/result.hpp>
#include <perfgate/waiver.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// Which number of a metric's repetitions a rule looks at.
enum class Statistic { median, mean, min, max, p90, p95, p99 };

std::string_view to_string(Statistic statistic);
std::optional<Statistic> statistic_from_string(std::string_view text);

enum class RuleKind {
  relative,         // change against the baseline, in one direction ("p95 +15% fails")
  absolute,         // an SLO on the candidate alone ("p95 < 500 ms"), limits overridable from the environment
  zero,             // every sample must be exactly zero (error and invariant counters)
  min_repetitions,  // the candidate (and baseline) must carry at least this many samples
};

std::string_view to_string(RuleKind kind);

// A threshold with two levels: crossing `fail` fails the gate, crossing `warn` only warns.
// Relative thresholds are fractions in the bad direction (0.15 for "+15%" on a time,
// 0.10 for "-10%" on a throughput); absolute ones are in the metric's normalised unit.
struct Threshold {
  std::optional<double> fail;
  std::optional<double> warn;
};

// "inconclusive": the gate exits 4 when this rule cannot be decided; "warn": accepted, but still
// counted and named in every report.
enum class OnInconclusive { inconclusive, warn };

struct Rule {
  std::string id;               // stable name used in reports; defaults to "<metric>-<kind>"
  std::string description;      // optional words from the policy author
  std::string benchmarks = ".*";  // RE2 pattern (NamePattern), must match the whole name
  std::string metric;           // exact metric name ("real_time", "counter:errors"); empty for min_repetitions
  Statistic statistic = Statistic::median;
  RuleKind kind = RuleKind::relative;

  // relative: which way is bad (from the sign in the file, else from the metric), the two levels,
  // and how large a change in the good direction is reported as "improved".
  Direction direction = Direction::lower_is_better;
  Threshold relative;
  double improvement = 0.05;

  // absolute: for lower-is-better metrics an upper bound ("< 500ms"), else a lower bound.
  Threshold absolute;
  std::string unit;           // the unit the limits were written in, for messages ("ms")
  std::string env_fail;       // environment variable that overrides the fail limit, may be empty
  std::string env_warn;       // likewise for the warn limit

  int min_repetitions = 0;

  // What a decision that the data cannot decide (noisy, too few repetitions) does to the gate.
  OnInconclusive on_inconclusive = OnInconclusive::inconclusive;
  // Decide a wall-time comparison of one value per side on the point estimate.
  bool allow_single_values = false;
  // Percentile rules (percentile.hpp: "counter:<x>_p99_ns" and the like) whose side carries the
  // sample count ("counter:<x>_count" or "_intervals"): the samples beyond the percentile each
  // repetition must have, else the decision is `noisy` (docs/slo.md). From the rule's
  // "min_tail_samples", else the policy's, else 100.
  int min_tail_samples = k_default_min_tail_samples;
};

enum class OnMissing { fail, warn };
enum class OnNew { pass, warn, fail };

struct Policy {
  std::string source;  // display name of the file it came from ("<built-in default>")
  std::string name;
  std::string description;
  OnMissing on_missing = OnMissing::fail;
  OnNew on_new = OnNew::warn;
  std::vector<Rule> rules;
  // Waivers written into the policy ("waivers"; docs/waivers.md), and how many days a waiver may
  // run from its "created" to its "expires" date ("waiver_max_days", at most 90).
  std::vector<Waiver> waivers;
  int waiver_max_days = k_default_waiver_max_days;
  // "accept_bootstrap_verdicts": a gate test against a provisional (bootstrapped) baseline keeps
  // its verdict instead of being inconclusive (docs/baselines.md). Default false.
  bool accept_bootstrap_verdicts = false;
  // "min_tail_samples": the default of the rules that do not set their own (Rule::min_tail_samples).
  int min_tail_samples = k_default_min_tail_samples;
};

// The policy `perfgate compare` uses when none is given: median real and CPU time +10% fails,
// +5% warns; throughput -10% fails, -5% warns; a missing benchmark fails.
Policy default_policy();

// One line of plain English per rule, for `perfgate policy check`.
std::string explain(const Rule& rule);

}  // namespace perfgate

namespace perfgate {

// "+15%" -> 0.15 worse when rising; "-10%" -> 0.10 worse when falling; "15%" -> no direction.
struct PercentLimit {
  double fraction = 0;
  std::optional<Direction> direction;  // lower_is_better for "+", higher_is_better for "-"
};
// Like every reader: the limit, or one diagnostic (without file or pointer: the caller knows them)
// saying what was expected.
Result<PercentLimit> parse_percent(std::string_view text);

// "< 500ms", "<= 2.5 us", "> 1e6", "500 ms": a bound in the metric's normalised unit (times in
// ns). Time metrics need a unit (time_units(): ns, us or µs, ms, s); other metrics take a
// bare number.
struct AbsoluteLimit {
  double value = 0;
  std::optional<Direction> direction;  // lower_is_better for "<", higher_is_better for ">"
  std::string unit;                    // as written ("ms"), empty for bare numbers
};
Result<AbsoluteLimit> parse_absolute(std::string_view text, bool is_time);

}  // namespace perfgate

namespace perfgate {

// A threshold as the policy author wrote it: "+15%", "-10%", "< 500 ms", "> 1000", "== 0".
// `value` is a fraction for relative rules and a normalised value for absolute ones.
std::string describe_limit(const Rule& rule, double value);

}  // namespace perfgate
