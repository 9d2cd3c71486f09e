// Reader for perfgate baseline files ("perfgate.baseline/2", and /1 to adopt; docs/formats.md).
#include <perfgate/parse.hpp>

#include "json_support.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_set>

namespace perfgate {

namespace {

namespace json = boost::json;

class BaselineReader : detail::ReaderBase {
 public:
  using ReaderBase::ReaderBase;

  Baseline read(const json::object& root) {
    Baseline baseline;
    baseline.runs.source = m_source;
    detail::check_keys(root,
                       {"schema", "digest", "suite", "runner", "provenance", "history", "context",
                        "benchmarks"},
                       m_source, "", m_diagnostics);
    baseline.suite = string_at(root, "", "suite");
    baseline.runner = string_at(root, "", "runner");
    if (const auto* provenance = object_at(root, "", "provenance")) {
      baseline.provenance = read_provenance(*provenance, "/provenance");
    }
    if (const auto* history = array_at(root, "", "history")) {
      std::size_t index = 0;
      for (const auto& item : *history) {
        const std::string pointer = detail::pointer_append("/history", index++);
        if (item.is_object()) {
          baseline.history.push_back(read_provenance(item.get_object(), pointer));
        } else {
          error(pointer, "expected a provenance object, got " + detail::describe(item));
        }
      }
    }
    if (const auto* context = object_at(root, "", "context")) {
      baseline.runs.context = read_context(*context);
    }
    if (const auto* benchmarks = array_at(root, "", "benchmarks")) {
      if (benchmarks->empty()) {
        error("/benchmarks", "the baseline holds no benchmarks",
              "record it again from a results file that has some");
      }
      std::unordered_set<std::string> names;
      std::size_t index = 0;
      for (const auto& item : *benchmarks) {
        const std::string pointer = detail::pointer_append("/benchmarks", index++);
        if (!item.is_object()) {
          error(pointer, "expected a benchmark object, got " + detail::describe(item));
          continue;
        }
        Benchmark benchmark = read_benchmark(item.get_object(), pointer);
        if (!names.insert(benchmark.name).second) {
          error(pointer + "/name", "benchmark \"" + benchmark.name + "\" appears twice");
        }
        baseline.runs.benchmarks.push_back(std::move(benchmark));
      }
    }
    return baseline;
  }

 private:
  Provenance read_provenance(const json::object& object, const std::string& pointer) {
    detail::check_keys(object,
                       {"recorded_at", "recorded_by", "reason", "source", "tool_version", "command",
                        "digest"},
                       m_source, pointer, m_diagnostics);
    Provenance provenance;
    provenance.recorded_at = string_at(object, pointer, "recorded_at");
    provenance.recorded_by = string_at(object, pointer, "recorded_by");
    provenance.reason = string_at(object, pointer, "reason");
    provenance.source = string_at(object, pointer, "source");
    provenance.tool_version = string_at(object, pointer, "tool_version");
    provenance.command = string_at(object, pointer, "command");
    if (object.contains("digest")) {
      provenance.digest = string_at(object, pointer, "digest");
    }
    return provenance;
  }

  RunContext read_context(const json::object& object) {
    const std::string pointer = "/context";
    detail::check_keys(object,
                       {"date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
                        "cpu_scaling_enabled", "library_version", "library_build_type",
                        "json_schema_version", "extra"},
                       m_source, pointer, m_diagnostics);
    RunContext context;
    context.date = string_at(object, pointer, "date");
    context.host_name = string_at(object, pointer, "host_name");
    context.executable = string_at(object, pointer, "executable");
    context.num_cpus = static_cast<int>(
        integer_at(object, pointer, "num_cpus", 0, std::numeric_limits<int>::max()).value_or(0));
    context.mhz_per_cpu = number_at(object, pointer, "mhz_per_cpu").value_or(0);
    if (const auto* scaling = object.if_contains("cpu_scaling_enabled");
        scaling != nullptr && !scaling->is_null()) {
      if (scaling->is_bool()) {
        context.cpu_scaling_enabled = scaling->get_bool();
      } else {
        error(pointer + "/cpu_scaling_enabled",
              "expected true, false or null, got " + detail::describe(*scaling));
      }
    }
    context.library_version = string_at(object, pointer, "library_version");
    context.library_build_type = string_at(object, pointer, "library_build_type");
    if (const auto version = integer_at(object, pointer, "json_schema_version", 0,
                                        std::numeric_limits<int>::max())) {
      context.json_schema_version = static_cast<int>(*version);
    }
    if (const auto* extra = object_at(object, pointer, "extra")) {
      for (const auto& entry : *extra) {
        if (entry.value().is_string()) {
          context.extra[std::string(entry.key())] = std::string(entry.value().get_string());
        } else {
          error(detail::pointer_append(pointer + "/extra", entry.key()),
                "expected a string, got " + detail::describe(entry.value()));
        }
      }
    }
    return context;
  }

  Benchmark read_benchmark(const json::object& object, const std::string& pointer) {
    detail::check_keys(object,
                       {"name", "family", "threads", "iterations", "time_unit", "label", "metrics",
                        "complexity", "error_message"},
                       m_source, pointer, m_diagnostics);
    Benchmark benchmark;
    benchmark.name = string_at(object, pointer, "name");
    if (object.contains("error_message")) {  // a results file of a failed measurement
      benchmark.errored = true;
      benchmark.error_message = string_at(object, pointer, "error_message");
    }
    if (benchmark.name.empty()) {
      error(pointer + "/name", "expected a non-empty benchmark name");
    }
    benchmark.family = string_at(object, pointer, "family");
    if (benchmark.family.empty()) {
      benchmark.family = family_of(benchmark.name);
    }
    benchmark.threads = static_cast<int>(
        integer_at(object, pointer, "threads", 1, detail::k_max_threads).value_or(1));
    benchmark.iterations =
        integer_at(object, pointer, "iterations", 0, std::numeric_limits<std::int64_t>::max())
            .value_or(0);
    benchmark.time_unit = string_at(object, pointer, "time_unit");
    benchmark.label = string_at(object, pointer, "label");
    if (const auto* metrics = array_at(object, pointer, "metrics")) {
      std::size_t index = 0;
      for (const auto& item : *metrics) {
        const std::string item_pointer = detail::pointer_append(pointer + "/metrics", index++);
        if (!item.is_object()) {
          error(item_pointer, "expected a metric object, got " + detail::describe(item));
          continue;
        }
        read_series(item.get_object(), item_pointer, benchmark);
      }
    }
    if (const auto* complexity = object.if_contains("complexity");
        complexity != nullptr && !complexity->is_null()) {
      if (complexity->is_object()) {
        const auto& c = complexity->get_object();
        const std::string c_pointer = pointer + "/complexity";
        detail::check_keys(c, {"big_o", "cpu_coefficient", "real_coefficient", "rms"}, m_source,
                           c_pointer, m_diagnostics);
        benchmark.complexity = Complexity{string_at(c, c_pointer, "big_o"),
                                          number_at(c, c_pointer, "cpu_coefficient"),
                                          number_at(c, c_pointer, "real_coefficient"),
                                          number_at(c, c_pointer, "rms")};
      } else {
        error(pointer + "/complexity", "expected an object or null, got " +
                                           detail::describe(*complexity));
      }
    }
    return benchmark;
  }

  void read_series(const json::object& object, const std::string& pointer, Benchmark& benchmark) {
    detail::check_keys(object,
                       {"name", "unit", "direction", "samples", "groups", "aggregates", "noisy",
                        "note"},
                       m_source, pointer, m_diagnostics);
    const std::string name = string_at(object, pointer, "name");
    if (name.empty() || !metric_traits(name).known) {
      error(pointer + "/name", "expected a metric name, got \"" + name + "\"");
      return;
    }
    if (benchmark.find(name) != nullptr) {
      error(pointer + "/name", "metric \"" + name + "\" appears twice in this benchmark");
      return;
    }
    MetricSeries& series = benchmark.series(name);
    series.unit = string_at(object, pointer, "unit");
    const std::string direction = string_at(object, pointer, "direction");
    if (direction == "higher_is_better") {
      series.direction = Direction::higher_is_better;
    } else if (direction == "lower_is_better") {
      series.direction = Direction::lower_is_better;
    } else {
      error(pointer + "/direction",
            "expected \"lower_is_better\" or \"higher_is_better\", got \"" + direction + "\"");
    }
    const bool is_time = metric_traits(name).is_time;
    if (const auto* samples = array_at(object, pointer, "samples")) {
      std::size_t index = 0;
      for (const auto& item : *samples) {
        const std::string item_pointer = detail::pointer_append(pointer + "/samples", index++);
        if (item.is_null()) {
          series.samples.push_back(std::numeric_limits<double>::quiet_NaN());
          continue;
        }
        const auto value = detail::number_of(item);
        if (!value) {
          error(item_pointer, "expected a number, got " + detail::describe(item));
        } else if (is_time && !(*value >= 0 && std::isfinite(*value))) {
          error(item_pointer, "expected a time of 0 ns or more, got " + detail::describe(item));
        } else {
          series.samples.push_back(*value);
        }
      }
    }
    if (const auto* groups = array_at(object, pointer, "groups")) {
      std::size_t index = 0;
      for (const auto& item : *groups) {
        const auto group =
            integer_in(item, detail::pointer_append(pointer + "/groups", index++), 0,
                       std::numeric_limits<int>::max());
        series.groups.push_back(static_cast<int>(group.value_or(0)));
      }
      if (!series.groups.empty() && series.groups.size() != series.samples.size()) {
        error(pointer + "/groups", "expected one group per sample (" +
                                       std::to_string(series.samples.size()) + "), got " +
                                       std::to_string(series.groups.size()));
      }
    }
    if (const auto* aggregates = object_at(object, pointer, "aggregates")) {
      for (const auto& entry : *aggregates) {
        // null is how a non-finite aggregate is written; anything else must be a number.
        const auto value = detail::number_of(entry.value());
        if (!value && !entry.value().is_null()) {
          error(detail::pointer_append(pointer + "/aggregates", entry.key()),
                "expected a number or null, got " + detail::describe(entry.value()));
        }
        series.aggregates[std::string(entry.key())] =
            value.value_or(std::numeric_limits<double>::quiet_NaN());
      }
    }
    if (series.samples.empty() && series.aggregates.empty()) {
      error(pointer, "metric \"" + name + "\" has neither samples nor aggregates");
    }
    if (const auto* noisy = object.if_contains("noisy")) {
      if (noisy->is_bool()) {
        series.noisy = noisy->get_bool();
      } else {
        error(pointer + "/noisy", "expected true or false, got " + detail::describe(*noisy));
      }
    }
    if (object.contains("note")) {
      series.note = string_at(object, pointer, "note");
    }
  }

  // A whole number from `minimum` to `maximum`: nullopt after an error for anything else, and
  // nullopt without one when the key is absent or null. Never casts a value out of range
  // (threads 1e300 or -5 once reached static_cast<int>).
  std::optional<std::int64_t> integer_at(const json::object& object, const std::string& pointer,
                                         const char* key, std::int64_t minimum,
                                         std::int64_t maximum) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    return integer_in(*value, detail::pointer_append(pointer, key), minimum, maximum);
  }

  std::optional<std::int64_t> integer_in(const json::value& value, const std::string& pointer,
                                         std::int64_t minimum, std::int64_t maximum) {
    std::optional<std::int64_t> integer;
    if (value.is_int64()) {
      integer = value.get_int64();
    } else if (value.is_double()) {
      const double number = value.get_double();
      constexpr double k_int64_end = 9223372036854775808.0;  // 2^63
      if (std::trunc(number) == number && number >= -k_int64_end && number < k_int64_end) {
        integer = static_cast<std::int64_t>(number);
      }
    }
    if (!integer || *integer < minimum || *integer > maximum) {
      error(pointer, "expected an integer from " + std::to_string(minimum) + " to " +
                         std::to_string(maximum) + ", got " + detail::describe(value));
      return std::nullopt;
    }
    return integer;
  }

  std::string string_at(const json::object& object, const std::string& pointer, const char* key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      error(pointer, std::string("missing \"") + key + "\"");
      return {};
    }
    if (!value->is_string()) {
      error(detail::pointer_append(pointer, key),
            "expected a string, got " + detail::describe(*value));
      return {};
    }
    return std::string(value->get_string());
  }

  std::optional<double> number_at(const json::object& object, const std::string& pointer,
                                  const char* key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    const auto number = detail::number_of(*value);
    if (!number) {
      error(detail::pointer_append(pointer, key),
            "expected a number, got " + detail::describe(*value));
    }
    return number;
  }

  const json::object* object_at(const json::object& object, const std::string& pointer,
                                const char* key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || !value->is_object()) {
      error(value == nullptr ? pointer : detail::pointer_append(pointer, key),
            value == nullptr ? std::string("missing \"") + key + "\""
                             : "expected an object, got " + detail::describe(*value));
      return nullptr;
    }
    return &value->get_object();
  }

  const json::array* array_at(const json::object& object, const std::string& pointer,
                              const char* key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || !value->is_array()) {
      error(value == nullptr ? pointer : detail::pointer_append(pointer, key),
            value == nullptr ? std::string("missing \"") + key + "\""
                             : "expected an array, got " + detail::describe(*value));
      return nullptr;
    }
    return &value->get_array();
  }
};

constexpr std::string_view k_rerecord =
    "restore the committed file from version control (git checkout -- <file>), or re-record it with "
    "perfgate baseline update --reason \"...\" (docs/baselines.md)";

// The "digest" member against the digest of the rest of the text.
std::string check_digest(std::string_view text, const json::object& root, const std::string& source,
                         Diagnostics& diagnostics) {
  const auto* stored = root.if_contains("digest");
  if (stored == nullptr) {
    diagnostics.error(source, "", "missing \"digest\": a perfgate.baseline/2 file carries the digest "
                                  "of its content",
                      std::string(k_rerecord));
    return {};
  }
  if (!stored->is_string() || stored->get_string().size() != 71 ||
      std::string_view(stored->get_string()).substr(0, 7) != "sha256:") {
    diagnostics.error(source, "/digest",
                      "expected \"sha256:\" and 64 hex digits, got " + detail::describe(*stored),
                      std::string(k_rerecord));
    return {};
  }
  const std::string digest(stored->get_string());
  if (baseline_digest(text) != digest) {
    diagnostics.error(source, "/digest",
                      "digest mismatch: the file was changed by hand or damaged; re-record with "
                      "perfgate baseline update",
                      std::string(k_rerecord));
  }
  return digest;
}

}  // namespace

Result<Baseline> parse_baseline(std::string_view text, const std::string& source,
                                BaselineRead mode) {
  Diagnostics diagnostics;
  std::optional<json::object> root =
      detail::parse_json_object(text, "a baseline object", {}, source, diagnostics);
  if (!root) {
    return diagnostics;
  }
  const auto* schema = root->if_contains("schema");
  const bool legacy =
      schema != nullptr && schema->is_string() && schema->get_string() == "perfgate.baseline/1";
  if (!legacy && !detail::check_schema(*root, "perfgate.baseline", 2, source, diagnostics)) {
    return diagnostics;
  }
  // The digest first: when it does not match, it explains whatever else is wrong.
  const std::string digest = legacy ? std::string() : check_digest(text, *root, source, diagnostics);
  Baseline baseline = BaselineReader(source, diagnostics).read(*root);
  baseline.digest = digest;
  if (legacy && mode != BaselineRead::adopt_legacy) {
    // Fail closed: nothing can show that the numbers of a file without a digest are the ones
    // that were recorded (docs/baselines.md, "Digests").
    diagnostics.error(source, "/schema",
                      "a perfgate.baseline/1 file carries no digest, so its numbers cannot be "
                      "checked; this perfgate reads \"perfgate.baseline/2\"",
                      "check it against version control, then adopt it once with perfgate baseline "
                      "update --adopt --out " + source + " --reason \"...\" (its numbers are kept)");
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  return baseline;
}

Result<RunSet> parse_results(std::string_view text, const std::string& source) {
  // A cheap look at the start decides which reader gets the text; each reader reports its own
  // errors in full.
  const std::string_view head = text.substr(0, 4096);
  if (head.find("\"perfgate.baseline/") != std::string_view::npos) {
    auto baseline = parse_baseline(text, source);
    if (!baseline) {
      return baseline.error();
    }
    return std::move(baseline->runs);
  }
  return parse_gbench(text, source);
}

}  // namespace perfgate
