// Writer for perfgate baseline files ("perfgate.baseline/2"; docs/formats.md), and their digest.
#include <perfgate/baseline.hpp>
#include <perfgate/digest.hpp>

#include "json_support.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace perfgate {

namespace {

namespace json = boost::json;

json::value number_or_null(double value) {
  return std::isfinite(value) ? json::value(value) : json::value(nullptr);
}

json::object provenance_json(const Provenance& provenance) {
  json::object out{
      {"recorded_at", provenance.recorded_at}, {"recorded_by", provenance.recorded_by},
      {"reason", provenance.reason},           {"source", provenance.source},
      {"tool_version", provenance.tool_version}, {"command", provenance.command},
  };
  if (!provenance.digest.empty()) {
    out["digest"] = provenance.digest;  // a history entry: the digest of the file it was
  }
  return out;
}

json::object context_json(const RunContext& context) {
  json::object extra;
  for (const auto& [key, value] : context.extra) {
    extra[key] = value;
  }
  json::object out{
      {"date", context.date},
      {"host_name", context.host_name},
      {"executable", context.executable},
      {"num_cpus", context.num_cpus},
      {"mhz_per_cpu", context.mhz_per_cpu},
      {"cpu_scaling_enabled", context.cpu_scaling_enabled ? json::value(*context.cpu_scaling_enabled)
                                                          : json::value(nullptr)},
      {"library_version", context.library_version},
      {"library_build_type", context.library_build_type},
      {"json_schema_version", context.json_schema_version
                                  ? json::value(*context.json_schema_version)
                                  : json::value(nullptr)},
  };
  out["extra"] = std::move(extra);
  return out;
}

json::object series_json(const MetricSeries& series) {
  json::array samples;
  for (const double sample : series.samples) {
    samples.push_back(number_or_null(sample));
  }
  json::array groups;
  for (const int group : series.groups) {
    groups.push_back(group);
  }
  json::object aggregates;
  for (const auto& [name, value] : series.aggregates) {
    aggregates[name] = number_or_null(value);
  }
  json::object out{
      {"name", series.name},
      {"unit", series.unit},
      {"direction", to_string(series.direction)},
      {"samples", std::move(samples)},
      {"groups", std::move(groups)},
      {"aggregates", std::move(aggregates)},
  };
  // Written only when set, so files without them stay byte-identical.
  if (series.noisy) {
    out["noisy"] = true;
  }
  if (!series.note.empty()) {
    out["note"] = series.note;
  }
  return out;
}

json::object benchmark_json(const Benchmark& benchmark) {
  json::array metrics;
  for (const auto& series : benchmark.metrics) {
    metrics.push_back(series_json(series));
  }
  json::value complexity = nullptr;
  if (benchmark.complexity) {
    const auto optional_number = [](const std::optional<double>& v) {
      return v ? number_or_null(*v) : json::value(nullptr);
    };
    complexity = json::object{
        {"big_o", benchmark.complexity->big_o},
        {"cpu_coefficient", optional_number(benchmark.complexity->cpu_coefficient)},
        {"real_coefficient", optional_number(benchmark.complexity->real_coefficient)},
        {"rms", optional_number(benchmark.complexity->rms)},
    };
  }
  json::object out{
      {"name", benchmark.name},
      {"family", benchmark.family},
      {"threads", benchmark.threads},
      {"iterations", benchmark.iterations},
      {"time_unit", benchmark.time_unit},
      {"label", benchmark.label},
      {"metrics", std::move(metrics)},
      {"complexity", std::move(complexity)},
  };
  // Only results files carry it (perfgate measure); a baseline is never recorded from a failed
  // run. Written only when set, so files without it stay byte-identical.
  if (benchmark.errored) {
    out["error_message"] = benchmark.error_message;
  }
  return out;
}

}  // namespace

std::string write_baseline(const Baseline& baseline) {
  json::array history;
  for (const auto& entry : baseline.history) {
    history.push_back(provenance_json(entry));
  }
  json::array benchmarks;
  for (const auto& benchmark : baseline.runs.benchmarks) {
    benchmarks.push_back(benchmark_json(benchmark));
  }
  json::object root{
      {"schema", "perfgate.baseline/2"},
      {"suite", baseline.suite},
      {"runner", baseline.runner},
      {"provenance", provenance_json(baseline.provenance)},
      {"history", std::move(history)},
      {"context", context_json(baseline.runs.context)},
      {"benchmarks", std::move(benchmarks)},
  };
  // The digest of everything else, then the file with it right after the schema.
  const std::optional<std::string> digest = baseline_digest(detail::pretty(root));
  json::object with_digest;
  for (const auto& entry : root) {
    with_digest[entry.key()] = entry.value();
    if (entry.key() == "schema") {
      with_digest["digest"] = digest.value_or("");
    }
  }
  return detail::pretty(with_digest);
}

std::optional<std::string> baseline_digest(std::string_view text) {
  const std::optional<std::string> canonical = detail::canonical_json(text, "digest");
  if (!canonical) {
    return std::nullopt;
  }
  return sha256_digest(*canonical);
}

}  // namespace perfgate
