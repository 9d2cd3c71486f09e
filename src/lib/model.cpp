#include <perfgate/model.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace perfgate {

namespace {
bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

struct BuiltinMetric {
  std::string_view name;
  std::string_view unit;
  Direction direction;
  bool is_time;
};

// The one table of built-in metrics: add a metric here and every stage knows its unit and
// direction.
constexpr std::array<BuiltinMetric, 9> k_builtin_metrics{{
    {metric::k_real_time, "ns", Direction::lower_is_better, true},
    {metric::k_cpu_time, "ns", Direction::lower_is_better, true},
    {metric::k_items_per_second, "items/s", Direction::higher_is_better, false},
    {metric::k_bytes_per_second, "B/s", Direction::higher_is_better, false},
    {metric::k_allocs_per_iter, "allocs", Direction::lower_is_better, false},
    {metric::k_max_bytes_used, "B", Direction::lower_is_better, false},
    {metric::k_total_allocated_bytes, "B", Direction::lower_is_better, false},
    {metric::k_net_heap_growth, "B", Direction::lower_is_better, false},
    {metric::k_instructions, "instr", Direction::lower_is_better, false},
}};
}  // namespace

std::string_view to_string(Direction direction) {
  return direction == Direction::lower_is_better ? "lower_is_better" : "higher_is_better";
}

MetricTraits metric_traits(std::string_view metric_name) {
  for (const auto& entry : k_builtin_metrics) {
    if (entry.name == metric_name) {
      return {std::string(entry.unit), entry.direction, entry.is_time, true};
    }
  }
  const bool is_counter = metric_name.size() > metric::k_counter_prefix.size() &&
                          metric_name.substr(0, metric::k_counter_prefix.size()) ==
                              metric::k_counter_prefix;
  if (is_counter) {
    const std::string_view key = metric_name.substr(metric::k_counter_prefix.size());
    if (counter_time_factor(key)) {
      return {"ns", Direction::lower_is_better, true, true};
    }
    if (ends_with(key, "_per_s")) {
      return {"/s", Direction::higher_is_better, false, true};
    }
  }
  return {"", Direction::lower_is_better, false, is_counter};
}

std::optional<double> counter_time_factor(std::string_view counter_key) {
  const std::size_t underscore = counter_key.rfind('_');
  if (underscore == std::string_view::npos || underscore == 0) {
    return std::nullopt;
  }
  const std::string_view unit = counter_key.substr(underscore + 1);
  if (unit != "ns" && unit != "us" && unit != "ms" && unit != "s") {
    return std::nullopt;
  }
  // "ops_per_s" is a rate, not a time.
  const std::string_view stem = counter_key.substr(0, underscore);
  if (stem == "per" || ends_with(stem, "_per")) {
    return std::nullopt;
  }
  return time_unit_factor(unit);
}

int library_version_number(std::string_view version) {
  if (!version.empty() && version.front() == 'v') {
    version.remove_prefix(1);
  }
  int parts[3] = {0, 0, 0};
  const char* at = version.data();
  const char* const end = version.data() + version.size();
  for (int i = 0; i < 3; ++i) {
    const auto [next, error] = std::from_chars(at, end, parts[i]);
    if (error != std::errc() || parts[i] < 0 || parts[i] > 99) {
      return i < 2 ? 0 : parts[0] * 10000 + parts[1] * 100;  // "1.9" reads as 1.9.0
    }
    at = next;
    if (i < 2 && (at == end || *at != '.')) {
      return i == 0 ? 0 : parts[0] * 10000 + parts[1] * 100;
    }
    ++at;
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

std::vector<std::string_view> builtin_metrics() {
  std::vector<std::string_view> names;
  for (const auto& entry : k_builtin_metrics) {
    names.push_back(entry.name);
  }
  return names;
}

const std::vector<TimeUnit>& time_units() {
  // The source is ASCII: the micro sign and the Greek mu are spelled as their UTF-8 bytes.
  static const std::vector<TimeUnit> k_time_units{
      {"ns", 1.0},
      {"us", 1e3},
      {"\xC2\xB5s", 1e3},         // µs, MICRO SIGN
      {"\xCE\xBCs", 1e3, false},  // μs, GREEK SMALL LETTER MU: looks the same in every font
      {"ms", 1e6},
      {"s", 1e9},
  };
  return k_time_units;
}

std::optional<double> time_unit_factor(std::string_view unit) {
  for (const TimeUnit& entry : time_units()) {
    if (entry.name == unit) {
      return entry.nanoseconds;
    }
  }
  return std::nullopt;
}

std::string time_unit_list(std::string_view quote) {
  std::vector<std::string_view> names;
  for (const TimeUnit& entry : time_units()) {
    if (entry.listed) {
      names.push_back(entry.name);
    }
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
    text += std::string(quote) + std::string(names[i]) + std::string(quote);
  }
  return text;
}

const MetricSeries* Benchmark::find(std::string_view metric_name) const {
  const auto it = std::find_if(metrics.begin(), metrics.end(),
                               [&](const MetricSeries& s) { return s.name == metric_name; });
  return it == metrics.end() ? nullptr : &*it;
}

MetricSeries& Benchmark::series(std::string_view metric_name) {
  const auto it = std::find_if(metrics.begin(), metrics.end(),
                               [&](const MetricSeries& s) { return s.name == metric_name; });
  if (it != metrics.end()) {
    return *it;
  }
  const MetricTraits traits = metric_traits(metric_name);
  MetricSeries& added = metrics.emplace_back();
  added.name = std::string(metric_name);
  added.unit = traits.unit;
  added.direction = traits.direction;
  return added;
}

const Benchmark* RunSet::find(std::string_view name) const {
  const auto it = std::find_if(benchmarks.begin(), benchmarks.end(),
                               [&](const Benchmark& b) { return b.name == name; });
  return it == benchmarks.end() ? nullptr : &*it;
}

std::string family_of(std::string_view benchmark_name) {
  return std::string(benchmark_name.substr(0, benchmark_name.find('/')));
}

}  // namespace perfgate

#include <unordered_map>

namespace perfgate {

RunSet merge_runs(std::vector<RunSet> runs) {
  if (runs.size() == 1) {
    return std::move(runs.front());
  }
  RunSet merged;
  if (runs.empty()) {
    return merged;
  }
  merged.context = runs.front().context;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t run = 0; run < runs.size(); ++run) {
    merged.source += (run == 0 ? "" : ", ") + runs[run].source;
    for (auto& note : runs[run].notes) {
      merged.notes.push_back(std::move(note));
    }
    for (auto& benchmark : runs[run].benchmarks) {
      const auto [it, added] = index.emplace(benchmark.name, merged.benchmarks.size());
      if (added) {
        Benchmark& copy = merged.benchmarks.emplace_back(benchmark);
        for (auto& series : copy.metrics) {
          series.groups.assign(series.samples.size(), static_cast<int>(run));
        }
        continue;
      }
      Benchmark& target = merged.benchmarks[it->second];
      target.errored = target.errored || benchmark.errored;
      target.skipped = target.skipped || benchmark.skipped;
      if (target.error_message.empty()) {
        target.error_message = benchmark.error_message;
      }
      if (target.skip_message.empty()) {
        target.skip_message = benchmark.skip_message;
      }
      for (const auto& series : benchmark.metrics) {
        MetricSeries& into = target.series(series.name);
        into.samples.insert(into.samples.end(), series.samples.begin(), series.samples.end());
        into.groups.insert(into.groups.end(), series.samples.size(), static_cast<int>(run));
        if (into.aggregates.empty()) {
          into.aggregates = series.aggregates;
        }
        into.noisy = into.noisy || series.noisy;
        if (into.note.empty()) {
          into.note = series.note;
        }
      }
    }
  }
  return merged;
}

}  // namespace perfgate
