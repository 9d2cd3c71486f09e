// Reader for run configurations ("perfgate.run-config/1"; docs/formats.md). CMake writes one per
// suite and build configuration; `perfgate discover` and `perfgate run` read it. The members are
// RunConfig's fields, in snake_case as the struct names them.
#include <perfgate/run_config.hpp>

#include "json_support.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>
#include <cctype>

namespace perfgate {

namespace {

namespace json = boost::json;

// Counts (repetitions, runs, jobs) above this are a mistake, not a plan.
constexpr std::int64_t k_max_count = detail::k_max_repetitions;

// [A-Za-z_][A-Za-z0-9_]*: what a shell accepts as an environment variable name.
bool is_variable_name(std::string_view name) {
  const auto letter = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  if (name.empty() || !letter(name.front())) {
    return false;
  }
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// A whole string that is a finite decimal number ("0.1", "2", "1e-3").
std::optional<double> decimal_of(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class RunConfigReader : detail::ReaderBase {
 public:
  using ReaderBase::ReaderBase;

  RunConfig read(const json::object& root) {
    RunConfig config;
    config.source = m_source;
    detail::check_keys(
        root,
        {"schema", "suite", "target", "executable", "perfgate", "source_dir", "binary_dir",
         "working_directory", "artifacts_root", "ctest_file", "history", "policy", "instructions_policy",
         "waivers",
         "baselines", "runner", "lanes", "filter", "instructions_filter", "repetitions", "runs",
         "max_repetitions", "record_runs", "min_time", "warmup", "timeout", "smoke_min_time",
         "smoke_timeout", "discovery_timeout", "instructions_timeout", "instructions_repeat",
         "instructions_jobs", "reference", "bootstrap", "confirm", "environment", "committed_baselines",
         "baseline_unset_env", "forward_env", "extra_args", "build", "tests"},
        m_source, "", m_diagnostics);
    read_paths(root, config);
    read_lanes(root, config);
    read_measurement(root, config);
    read_environment(root, config);
    read_committed(root, config);
    if (const auto* build = member_object(root, "", "build")) {
      read_build(*build, config.build);
    }
    if (const auto* tests = member_object(root, "", "tests")) {
      detail::check_keys(*tests, {"perf", "instr", "smoke"}, m_source, "/tests", m_diagnostics);
      config.perf = read_test_properties(*tests, "perf");
      config.instr = read_test_properties(*tests, "instr");
      config.smoke = read_test_properties(*tests, "smoke");
    }
    return config;
  }

 private:
  void read_paths(const json::object& root, RunConfig& config) {
    struct Text {
      const char* key;
      std::string RunConfig::*field;
      bool required;
    };
    static constexpr Text k_texts[] = {
        {"suite", &RunConfig::suite, true},
        {"target", &RunConfig::target, true},
        {"source_dir", &RunConfig::source_dir, false},
        {"binary_dir", &RunConfig::binary_dir, false},
        {"working_directory", &RunConfig::working_directory, false},
        {"artifacts_root", &RunConfig::artifacts_root, true},
        {"ctest_file", &RunConfig::ctest_file, true},
        {"history", &RunConfig::history, false},
        {"policy", &RunConfig::policy, true},
        {"instructions_policy", &RunConfig::instructions_policy, false},
        {"waivers", &RunConfig::waivers, false},
        {"baselines", &RunConfig::baselines, false},
        {"runner", &RunConfig::runner, false},
        {"reference", &RunConfig::reference, false},
        {"filter", &RunConfig::filter, false},
    };
    for (const Text& text : k_texts) {
      config.*text.field = string_member(root, "", text.key, text.required);
    }
    config.executable = absolute_path_member(root, "executable");
    config.perfgate = absolute_path_member(root, "perfgate");
    config.instructions_filter = root.contains("instructions_filter")
                                     ? string_member(root, "", "instructions_filter", false)
                                     : config.filter;
  }

  void read_lanes(const json::object& root, RunConfig& config) {
    const auto* value = root.if_contains("lanes");
    if (value == nullptr) {
      error("/lanes", "missing: expected an array such as [\"wall-time\"]");
      return;
    }
    if (!value->is_array() || value->get_array().empty()) {
      error("/lanes",
            value->is_array() ? std::string("expected at least one lane, got an empty array")
                              : "expected an array of lanes, got " + detail::describe(*value),
            "lanes are \"wall-time\" and \"instructions\"; the first one blocks");
      return;
    }
    const std::vector<std::string_view> known{"wall-time", "instructions"};
    std::size_t index = 0;
    for (const auto& item : value->get_array()) {
      const std::string pointer = detail::pointer_append("/lanes", index++);
      if (!item.is_string()) {
        error(pointer, "expected a lane name, got " + detail::describe(item));
        continue;
      }
      const std::string lane(item.get_string());
      if (std::find(known.begin(), known.end(), lane) == known.end()) {
        const auto match = detail::closest_match(lane, known);
        error(pointer, "unknown lane \"" + lane + "\"",
              match ? "did you mean \"" + *match + "\"?"
                    : "lanes are \"wall-time\" and \"instructions\"");
      } else if (std::find(config.lanes.begin(), config.lanes.end(), lane) != config.lanes.end()) {
        error(pointer, "lane \"" + lane + "\" is listed twice", "name each lane once");
      } else {
        config.lanes.push_back(lane);
      }
    }
    const bool instructions =
        std::find(config.lanes.begin(), config.lanes.end(), "instructions") != config.lanes.end();
    if (instructions && config.instructions_policy.empty()) {
      error("/instructions_policy", "the instructions lane is on but has no policy",
            "set \"instructions_policy\" (INSTRUCTIONS_POLICY)");
    }
  }

  void read_measurement(const json::object& root, RunConfig& config) {
    if (const auto* value = root.if_contains("repetitions")) {
      if (value->is_string() && lower(value->get_string()) == "auto") {
        config.repetitions = std::nullopt;
      } else if (const auto count = count_of(*value)) {
        config.repetitions = *count;
      } else {
        error("/repetitions",
              "expected a positive whole number or \"auto\", got " + detail::describe(*value));
      }
    }
    count_member(root, "runs", config.runs);
    count_member(root, "max_repetitions", config.max_repetitions);
    count_member(root, "record_runs", config.record_runs);
    count_member(root, "instructions_repeat", config.instructions_repeat);
    count_member(root, "instructions_jobs", config.instructions_jobs);
    seconds_text_member(root, "min_time", config.min_time);
    seconds_text_member(root, "warmup", config.warmup);
    seconds_text_member(root, "smoke_min_time", config.smoke_min_time);
    timeout_member(root, "", "timeout", false, config.timeout);
    timeout_member(root, "", "smoke_timeout", false, config.smoke_timeout);
    timeout_member(root, "", "discovery_timeout", false, config.discovery_timeout);
    timeout_member(root, "", "instructions_timeout", false, config.instructions_timeout);
    if (const auto* value = root.if_contains("bootstrap")) {
      const std::string word = value->is_string() ? lower(value->get_string()) : std::string();
      if (word == "auto" || word == "accept" || word == "off") {
        config.bootstrap = word != "off";
        config.accept_bootstrap = word == "accept";
      } else {
        error("/bootstrap",
              "expected \"AUTO\", \"ACCEPT\" or \"OFF\", got " + detail::describe(*value));
      }
    }
    bool_member(root, "", "confirm", config.confirm);
  }

  void read_committed(const json::object& root, RunConfig& config) {
    const auto* value = root.if_contains("committed_baselines");
    if (value == nullptr) {
      return;  // a configuration written by hand: nothing known
    }
    if (!value->is_array()) {
      error("/committed_baselines", "expected an array, got " + detail::describe(*value));
      return;
    }
    std::size_t index = 0;
    for (const auto& item : value->get_array()) {
      const std::string pointer = detail::pointer_append("/committed_baselines", index++);
      if (!item.is_object()) {
        error(pointer, "expected an object {\"path\", \"digest\"}, got " + detail::describe(item));
        continue;
      }
      detail::check_keys(item.get_object(), {"path", "digest"}, m_source, pointer, m_diagnostics);
      RunConfig::CommittedBaseline committed;
      committed.path = string_member(item.get_object(), pointer, "path", true);
      committed.digest = string_member(item.get_object(), pointer, "digest", false);
      config.committed_baselines.push_back(std::move(committed));
    }
  }

  void read_environment(const json::object& root, RunConfig& config) {
    config.environment = assignments_member(root, "", "environment");
    config.baseline_unset_env = names_member(root, "baseline_unset_env");
    config.forward_env = names_member(root, "forward_env");
    config.extra_args = strings_member(root, "", "extra_args");
  }

  void read_build(const json::object& object, BuildFacts& build) {
    static constexpr std::pair<const char*, std::string BuildFacts::*> k_facts[] = {
        {"type", &BuildFacts::type},
        {"cxx_compiler", &BuildFacts::cxx_compiler},
        {"cxx_compiler_id", &BuildFacts::cxx_compiler_id},
        {"cxx_compiler_version", &BuildFacts::cxx_compiler_version},
        {"cxx_flags", &BuildFacts::cxx_flags},
        {"target_flags", &BuildFacts::target_flags},
        {"benchmark_version", &BuildFacts::benchmark_version},
    };
    detail::check_keys(object,
                       {"type", "cxx_compiler", "cxx_compiler_id", "cxx_compiler_version",
                        "cxx_flags", "target_flags", "benchmark_version"},
                       m_source, "/build", m_diagnostics);
    for (const auto& [key, field] : k_facts) {
      build.*field = string_member(object, "/build", key, false);
    }
  }

  std::optional<TestProperties> read_test_properties(const json::object& tests, const char* kind) {
    const std::string pointer = detail::pointer_append("/tests", kind);
    const auto* object = member_object(tests, "/tests", kind);
    if (object == nullptr) {
      return std::nullopt;
    }
    detail::check_keys(*object,
                       {"labels", "timeout", "run_serial", "processors", "resource_lock",
                        "fixtures_required", "environment"},
                       m_source, pointer, m_diagnostics);
    TestProperties properties;
    properties.labels = strings_member(*object, pointer, "labels");
    timeout_member(*object, pointer, "timeout", true, properties.timeout);
    bool_member(*object, pointer, "run_serial", properties.run_serial);
    if (const auto* value = object->if_contains("processors")) {
      if (const auto count = count_of(*value)) {
        properties.processors = *count;
      } else {
        error(pointer + "/processors",
              "expected a positive whole number, got " + detail::describe(*value));
      }
    }
    properties.resource_lock = string_member(*object, pointer, "resource_lock", false);
    properties.fixtures_required = strings_member(*object, pointer, "fixtures_required");
    properties.environment = assignments_member(*object, pointer, "environment");
    return properties;
  }

  // --- Members of one kind ----------------------------------------------------------------------

  const json::object* member_object(const json::object& object, const std::string& pointer,
                                    const char* key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      return nullptr;
    }
    if (!value->is_object()) {
      error(detail::pointer_append(pointer, key), "expected an object, got " +
                                                      detail::describe(*value));
      return nullptr;
    }
    return &value->get_object();
  }

  // A run configuration reports a missing string at the member.
  std::string string_member(const json::object& object, const std::string& pointer,
                            const char* key, bool required) {
    return ReaderBase::string_member(object, pointer, key, required, Missing::at_member);
  }

  std::string absolute_path_member(const json::object& root, const char* key) {
    std::string path = string_member(root, "", key, true);
    if (!path.empty() && path.front() != '/') {
      error(detail::pointer_append("", key), "expected an absolute path, got \"" + path + "\"",
            "CMake writes $<TARGET_FILE:...>, which is absolute");
    }
    return path;
  }

  std::optional<std::size_t> count_of(const json::value& value) {
    if (value.is_int64() && value.get_int64() >= 1 && value.get_int64() <= k_max_count) {
      return static_cast<std::size_t>(value.get_int64());
    }
    if (value.is_uint64() && value.get_uint64() >= 1 &&
        value.get_uint64() <= static_cast<std::uint64_t>(k_max_count)) {
      return static_cast<std::size_t>(value.get_uint64());
    }
    return std::nullopt;
  }

  void count_member(const json::object& object, const char* key, std::size_t& out) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      return;
    }
    if (const auto count = count_of(*value)) {
      out = *count;
    } else {
      error(detail::pointer_append("", key),
            "expected a positive whole number, got " + detail::describe(*value));
    }
  }

  // A number of seconds kept as text, as Google Benchmark 1.7 takes it: a bare number >= 0.
  void seconds_text_member(const json::object& object, const char* key, std::string& out) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      return;
    }
    const std::string pointer = detail::pointer_append("", key);
    if (!value->is_string()) {
      error(pointer, "expected a string holding a number of seconds, got " +
                         detail::describe(*value),
            "write it as text, e.g. \"0.1\": it is passed to the benchmark as written");
      return;
    }
    const std::string text(value->get_string());
    const auto seconds = decimal_of(text);
    if (!seconds || *seconds < 0) {
      error(pointer, "expected a number of seconds of at least 0, got \"" + text + "\"",
            "a bare number such as \"0.1\" (Google Benchmark 1.7 takes no unit)");
      return;
    }
    out = text;
  }

  // A number of seconds: positive, or (`zero_allowed`, a test's TIMEOUT) 0 for none.
  void timeout_member(const json::object& object, const std::string& pointer, const char* key,
                      bool zero_allowed, double& out) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      return;
    }
    const auto number = value->is_string() ? std::nullopt : detail::number_of(*value);
    if (!number || !std::isfinite(*number) || *number < 0 || (*number == 0 && !zero_allowed)) {
      error(detail::pointer_append(pointer, key),
            std::string(zero_allowed ? "expected a number of seconds of at least 0"
                                     : "expected a positive number of seconds") +
                ", got " + detail::describe(*value));
      return;
    }
    out = *number;
  }

  void bool_member(const json::object& object, const std::string& pointer, const char* key,
                   bool& out) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      return;
    }
    if (!value->is_bool()) {
      error(detail::pointer_append(pointer, key),
            "expected true or false, got " + detail::describe(*value));
      return;
    }
    out = value->get_bool();
  }

  std::vector<std::string> strings_member(const json::object& object, const std::string& pointer,
                                          const char* key) {
    std::vector<std::string> out;
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      return out;
    }
    const std::string at = detail::pointer_append(pointer, key);
    if (!value->is_array()) {
      error(at, "expected an array of strings, got " + detail::describe(*value));
      return out;
    }
    std::size_t index = 0;
    for (const auto& item : value->get_array()) {
      if (!item.is_string()) {
        error(detail::pointer_append(at, index), "expected a string, got " +
                                                     detail::describe(item));
      } else {
        out.emplace_back(item.get_string());
      }
      ++index;
    }
    return out;
  }

  // "VAR=value" entries (ENVIRONMENT).
  std::vector<std::string> assignments_member(const json::object& object,
                                              const std::string& pointer, const char* key) {
    std::vector<std::string> out = strings_member(object, pointer, key);
    for (std::size_t index = 0; index < out.size(); ++index) {
      const std::string_view entry = out[index];
      const std::size_t eq = entry.find('=');
      if (eq == std::string_view::npos || !is_variable_name(entry.substr(0, eq))) {
        error(detail::pointer_append(detail::pointer_append(pointer, key), index),
              "expected \"VAR=value\", got \"" + out[index] + "\"",
              "a variable name ([A-Za-z_][A-Za-z0-9_]*), then =, then the value");
      }
    }
    return out;
  }

  // Environment variable names (BASELINE_UNSET_ENV, FORWARD_ENV).
  std::vector<std::string> names_member(const json::object& object, const char* key) {
    std::vector<std::string> out = strings_member(object, "", key);
    for (std::size_t index = 0; index < out.size(); ++index) {
      if (!is_variable_name(out[index])) {
        error(detail::pointer_append(detail::pointer_append("", key), index),
              "\"" + out[index] + "\" is not an environment variable name",
              "a name such as MY_SLOWDOWN, without \"=\"");
      }
    }
    return out;
  }
};

}  // namespace

Result<RunConfig> parse_run_config(std::string_view text, const std::string& source) {
  return detail::read_document<RunConfig>(
      text,
      {"perfgate.run-config", 1, "a run configuration object",
       "perfgate_add_benchmarks() writes this file; see docs/formats.md"},
      source, [&](const json::object& root, Diagnostics& diagnostics) {
        return RunConfigReader(source, diagnostics).read(root);
      });
}

}  // namespace perfgate
