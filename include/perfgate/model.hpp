// The data model every stage shares: benchmark runs, their metrics and the run context.
#pragma once

#include <perfgate/diagnostics.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// Which way a metric gets better. Times get better when they fall, throughput when it rises.
enum class Direction { lower_is_better, higher_is_better };

std::string_view to_string(Direction direction);

// Metric names keep Google Benchmark's field names; user counters are "counter:<name>".
namespace metric {
inline constexpr std::string_view k_real_time = "real_time";
inline constexpr std::string_view k_cpu_time = "cpu_time";
inline constexpr std::string_view k_items_per_second = "items_per_second";
inline constexpr std::string_view k_bytes_per_second = "bytes_per_second";
inline constexpr std::string_view k_allocs_per_iter = "allocs_per_iter";
inline constexpr std::string_view k_max_bytes_used = "max_bytes_used";
inline constexpr std::string_view k_total_allocated_bytes = "total_allocated_bytes";
inline constexpr std::string_view k_net_heap_growth = "net_heap_growth";
inline constexpr std::string_view k_instructions = "instructions";
inline constexpr std::string_view k_counter_prefix = "counter:";
}  // namespace metric

// The one place that knows each built-in metric's unit and direction. User counters are "lower is
// better" with no unit, unless their name ends in a unit (docs/slo.md, "Counter names"): a time
// ("counter:latency_p99_ns", "_us", "_ms", "_s") is a time in nanoseconds like real_time, and a
// rate ("counter:messages_p5_per_s") is "/s", higher is better.
struct MetricTraits {
  std::string unit;
  Direction direction = Direction::lower_is_better;
  bool is_time = false;
  bool known = false;  // a built-in metric or a "counter:" name
};
MetricTraits metric_traits(std::string_view metric_name);
// Nanoseconds per unit of a user counter whose key ends in "_ns", "_us", "_ms" or "_s" (the
// Google Benchmark reader scales such a counter to nanoseconds); nullopt for any other key,
// including rates such as "ops_per_s" and "ops_per_ms".
std::optional<double> counter_time_factor(std::string_view counter_key);
// The built-in metric names, for messages ("did you mean ...").
std::vector<std::string_view> builtin_metrics();
// Google Benchmark's library_version as one number: "v1.9.1" 10901, "1.8.5-10-gef73a300" 10805;
// 0 when empty (the field exists since 1.8.4) or unreadable.
int library_version_number(std::string_view version);

// The one table of time units, read by every reader that takes a time (Google Benchmark's
// "time_unit", a policy's absolute limits): "ns", "us", "µs" (micro sign U+00B5 or Greek mu
// U+03BC), "ms" and "s". Times are normalised to nanoseconds.
struct TimeUnit {
  std::string_view name;
  double nanoseconds = 1;
  bool listed = true;  // named in messages (one spelling of each unit is enough there)
};
// The time units perfgate reads, in ascending size.
const std::vector<TimeUnit>& time_units();
// Nanoseconds per `unit`; nullopt when `unit` is not a time unit.
std::optional<double> time_unit_factor(std::string_view unit);
// The units for messages, each in `quote`: `"ns", "us", "µs", "ms" or "s"`.
std::string time_unit_list(std::string_view quote);

// The samples of one metric of one benchmark: one per repetition, in normalised units
// (times in nanoseconds, rates per second). A sample may be non-finite when the input said so;
// the decision step turns that into a finding, never into a number.
struct MetricSeries {
  std::string name;
  std::string unit;
  Direction direction = Direction::lower_is_better;
  std::vector<double> samples;
  // Which separate process run each sample came from (same size as samples, or empty when all
  // samples come from one run). Lets the statistics see run-to-run noise, not only in-run noise.
  std::vector<int> groups;
  // The library's own aggregates ("mean", "median", "stddev", "cv", custom statistics), in the
  // same normalised units (cv as a fraction). Used only when there are no samples.
  std::map<std::string, double> aggregates;
  // The measurement itself says its numbers cannot be trusted (instruction counts of a
  // multi-threaded benchmark that differ between separate callgrind runs; the memory figures of
  // Google Benchmark before 1.9.2 with repetitions): the decision step reports `noisy` instead of
  // gating on it. `note` says why, or carries the measurement's caveats; `advice` what would make
  // the metric gateable.
  bool noisy = false;
  std::string note;
  std::string advice;
};

// Google Benchmark's complexity fit (the "_BigO" and "_RMS" rows).
struct Complexity {
  std::string big_o;  // "N", "NlgN", "N^2", "f(N)", ...
  std::optional<double> cpu_coefficient;
  std::optional<double> real_coefficient;
  std::optional<double> rms;
};

struct Benchmark {
  std::string name;    // run name: the benchmark instance without any aggregate suffix
  std::string family;  // the part before the first '/': what a CTest test is registered for
  int threads = 1;
  std::int64_t iterations = 0;  // iterations per repetition (of the last repetition read)
  std::string time_unit;        // the unit the input used ("ns", "us", "ms", "s")
  std::string label;
  bool errored = false;  // error_occurred (SkipWithError) in any repetition
  std::string error_message;
  bool skipped = false;  // "skipped" in any repetition (Google Benchmark 1.8+)
  std::string skip_message;
  std::vector<MetricSeries> metrics;  // in the order first seen
  std::optional<Complexity> complexity;

  [[nodiscard]] const MetricSeries* find(std::string_view metric_name) const;
  MetricSeries& series(std::string_view metric_name);  // finds or adds, with metric_traits()
};

// Where and how the numbers were measured. Google Benchmark's "context" plus what perfgate's
// run step adds (git commit, compiler, build type, ...) under `extra`.
struct RunContext {
  std::string date;
  std::string host_name;
  std::string executable;
  int num_cpus = 0;
  double mhz_per_cpu = 0;
  std::optional<bool> cpu_scaling_enabled;
  std::string library_version;     // "v1.9.1", "1.9.1", or empty before 1.8.4
  std::string library_build_type;  // describes the library, not the benchmark
  std::optional<int> json_schema_version;
  std::map<std::string, std::string> extra;  // custom --benchmark_context keys and perfgate's own
};

// Everything one results file said.
struct RunSet {
  std::string source;  // display name of the file it came from
  RunContext context;
  std::vector<Benchmark> benchmarks;  // in input order, names unique
  std::vector<Diagnostic> notes;      // non-fatal findings made while reading (severity note/warning)

  [[nodiscard]] const Benchmark* find(std::string_view name) const;
};

// The family of a benchmark instance name: "BM_sort/1024/threads:2" -> "BM_sort".
std::string family_of(std::string_view benchmark_name);

}  // namespace perfgate

namespace perfgate {

// Several results files of the same suite (separate process runs) as one RunSet: the samples of
// each benchmark and metric are concatenated and MetricSeries::groups says which run each came
// from, so the statistics can see run-to-run noise. Context and notes come from the first run.
RunSet merge_runs(std::vector<RunSet> runs);

}  // namespace perfgate
