#include <perfgate/run_config.hpp>

#include <gtest/gtest.h>

#include <string>

namespace perfgate {
namespace {

constexpr const char* k_source = "build/perfgate/example/run-config-Release.json";

// A complete configuration as perfgate_add_benchmarks() writes it; `extra` is spliced in at the
// end of the root object (",\"key\": value").
std::string config_with(const std::string& extra, const std::string& lanes = R"(["wall-time"])") {
  return R"({
    "schema": "perfgate.run-config/1",
    "suite": "example", "target": "bm_example",
    "executable": "/b/bin/bm_example", "perfgate": "/b/bin/perfgate",
    "source_dir": "/s/benchmarks/example", "binary_dir": "/b",
    "working_directory": "/b/benchmarks/example",
    "artifacts_root": "/b/perfgate-artifacts/example",
    "ctest_file": "/b/perfgate/example/discovered_tests.cmake",
    "policy": "/s/gates/default.json", "baselines": "/s/baselines",
    "lanes": )" + lanes + extra + "}";
}

std::string errors_of(const std::string& text) {
  const auto config = parse_run_config(text, k_source);
  EXPECT_FALSE(config.has_value());
  return config ? std::string() : format_diagnostics(config.error());
}

std::string error_of(const std::string& extra) { return errors_of(config_with(extra)); }

std::string expected(const std::string& pointer, const std::string& message,
                     const std::string& hint = {}) {
  return std::string(k_source) + ": error: " + pointer + ": " + message + "\n" +
         (hint.empty() ? "" : "  hint: " + hint + "\n");
}

TEST(ParseRunConfig, ReadsEveryMember) {
  const auto config = parse_run_config(config_with(R"(,
    "instructions_policy": "/s/gates/instructions.json", "runner": "ci-small",
    "filter": "/(100|2000)$", "instructions_filter": "/10$",
    "repetitions": 6, "runs": 4, "max_repetitions": 30, "record_runs": 5,
    "min_time": "0.05", "warmup": "0", "timeout": 180, "smoke_min_time": "0.01",
    "smoke_timeout": 45.5, "discovery_timeout": 20, "instructions_timeout": 240,
    "instructions_repeat": 3, "instructions_jobs": 4, "reference": "/ref/build",
    "bootstrap": "off", "confirm": false,
    "environment": ["A=1", "B=x=y"], "baseline_unset_env": ["SLOWDOWN"],
    "forward_env": ["CI"], "extra_args": ["--benchmark_counters_tabular=true", "a;b"],
    "build": {"type": "Release", "cxx_compiler": "/usr/bin/c++", "cxx_compiler_id": "GNU",
              "cxx_compiler_version": "12.2.0", "cxx_flags": "-O3 -DNDEBUG",
              "target_flags": "-march=native", "benchmark_version": "1.7.1"},
    "tests": {
      "perf": {"labels": ["perf-walltime", "example"], "timeout": 180, "run_serial": true,
               "fixtures_required": ["v", "b"], "environment": ["A=1"]},
      "instr": {"labels": ["perf-gate"], "timeout": 240, "processors": 4,
                "resource_lock": "perfgate_valgrind"},
      "smoke": {"labels": ["smoke"], "timeout": 0}
    })",
                                                   R"(["instructions", "wall-time"])"),
                                       k_source);
  ASSERT_TRUE(config.has_value()) << format_diagnostics(config.error());
  EXPECT_EQ(config->source, k_source);
  EXPECT_EQ(config->suite, "example");
  EXPECT_EQ(config->executable, "/b/bin/bm_example");
  EXPECT_EQ(config->ctest_file, "/b/perfgate/example/discovered_tests.cmake");
  EXPECT_EQ(config->lanes, (std::vector<std::string>{"instructions", "wall-time"}));
  EXPECT_EQ(config->filter, "/(100|2000)$");
  EXPECT_EQ(config->instructions_filter, "/10$");
  EXPECT_EQ(config->repetitions, std::optional<std::size_t>(6));
  EXPECT_EQ(config->runs, 4U);
  EXPECT_EQ(config->max_repetitions, 30U);
  EXPECT_EQ(config->record_runs, 5U);
  EXPECT_EQ(config->min_time, "0.05");
  EXPECT_EQ(config->warmup, "0");
  EXPECT_DOUBLE_EQ(config->smoke_timeout, 45.5);
  EXPECT_DOUBLE_EQ(config->discovery_timeout, 20);
  EXPECT_EQ(config->instructions_jobs, 4U);
  EXPECT_FALSE(config->bootstrap);
  EXPECT_FALSE(config->confirm);
  EXPECT_EQ(config->environment, (std::vector<std::string>{"A=1", "B=x=y"}));
  EXPECT_EQ(config->extra_args.back(), "a;b");
  EXPECT_EQ(config->build.cxx_compiler_version, "12.2.0");
  EXPECT_EQ(config->build.target_flags, "-march=native");
  ASSERT_TRUE(config->perf && config->instr && config->smoke);
  EXPECT_TRUE(config->perf->run_serial);
  EXPECT_EQ(config->perf->fixtures_required, (std::vector<std::string>{"v", "b"}));
  EXPECT_EQ(config->instr->processors, 4U);
  EXPECT_EQ(config->instr->resource_lock, "perfgate_valgrind");
  EXPECT_DOUBLE_EQ(config->smoke->timeout, 0);
}

TEST(ParseRunConfig, DefaultsWhatIsLeftOut) {
  const auto config = parse_run_config(config_with(R"(, "filter": "Sort")"), k_source);
  ASSERT_TRUE(config.has_value()) << format_diagnostics(config.error());
  const RunConfig defaults;
  EXPECT_EQ(config->repetitions, std::nullopt);
  EXPECT_EQ(config->instructions_filter, "Sort");  // INSTRUCTIONS_FILTER defaults to FILTER
  EXPECT_EQ(config->min_time, defaults.min_time);
  EXPECT_DOUBLE_EQ(config->timeout, defaults.timeout);
  EXPECT_TRUE(config->bootstrap);
  EXPECT_TRUE(config->confirm);
  EXPECT_FALSE(config->perf || config->instr || config->smoke);
}

TEST(ParseRunConfig, ReadsAutoRepetitionsAndBootstrapInAnyCase) {
  const auto config =
      parse_run_config(config_with(R"(, "repetitions": "AUTO", "bootstrap": "Auto")"), k_source);
  ASSERT_TRUE(config.has_value()) << format_diagnostics(config.error());
  EXPECT_EQ(config->repetitions, std::nullopt);
  EXPECT_TRUE(config->bootstrap);
  EXPECT_FALSE(config->accept_bootstrap);
}

TEST(ParseRunConfig, ReadsBootstrapAcceptAndTheCommittedBaselinesOfConfigureTime) {
  const auto config = parse_run_config(
      config_with(R"(, "bootstrap": "ACCEPT", "committed_baselines": [)"
                  R"({"path": "/src/baselines/r/s.json", "digest": "sha256:ab"}])"),
      k_source);
  ASSERT_TRUE(config.has_value()) << format_diagnostics(config.error());
  EXPECT_TRUE(config->bootstrap);
  EXPECT_TRUE(config->accept_bootstrap);
  ASSERT_EQ(config->committed_baselines.size(), 1U);
  EXPECT_EQ(config->committed_baselines[0].path, "/src/baselines/r/s.json");
  EXPECT_EQ(config->committed_baselines[0].digest, "sha256:ab");
  const std::string wrong = error_of(R"(, "committed_baselines": [{"file": "x"}])");
  EXPECT_NE(wrong.find("/committed_baselines/0/file: unknown key \"file\""), std::string::npos)
      << wrong;
}

TEST(ParseRunConfig, RejectsUnknownMembersWithAHint) {
  EXPECT_EQ(error_of(R"(, "repetitons": 5)"),
            expected("/repetitons", "unknown key \"repetitons\"", "did you mean \"repetitions\"?"));
  EXPECT_EQ(error_of(R"(, "tests": {"perf": {"label": ["x"]}})"),
            expected("/tests/perf/label", "unknown key \"label\"", "did you mean \"labels\"?"));
  EXPECT_EQ(error_of(R"(, "tests": {"perfs": {}})"),
            expected("/tests/perfs", "unknown key \"perfs\"", "did you mean \"perf\"?"));
  EXPECT_EQ(error_of(R"(, "build": {"typ": "Release"})"),
            expected("/build/typ", "unknown key \"typ\"", "did you mean \"type\"?"));
}

TEST(ParseRunConfig, RejectsAnotherSchema) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.policy/1"})"),
            expected("/schema", "expected \"perfgate.run-config/1\", got \"perfgate.policy/1\"",
                     "is this the right kind of file?"));
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.run-config/2"})"),
            expected("/schema",
                     "unsupported version \"perfgate.run-config/2\": this perfgate reads "
                     "\"perfgate.run-config/1\"",
                     "a newer perfgate wrote this file; upgrade perfgate"));
  EXPECT_EQ(errors_of("[1]"),
            std::string(k_source) + ": error: expected a run configuration object, got an array\n"
                                    "  hint: perfgate_add_benchmarks() writes this file; see "
                                    "docs/formats.md\n");
}

TEST(ParseRunConfig, RejectsMissingAndMistypedPaths) {
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.run-config/1", "suite": "s", "target": "t",
    "executable": "bin/bm", "perfgate": "/p", "artifacts_root": "/a", "ctest_file": "/c",
    "policy": 7, "lanes": ["wall-time"]})"),
            expected("/policy", "expected a string, got number 7") +
                expected("/executable", "expected an absolute path, got \"bin/bm\"",
                         "CMake writes $<TARGET_FILE:...>, which is absolute"));
  EXPECT_EQ(errors_of(R"({"schema": "perfgate.run-config/1", "suite": "", "target": "t",
    "executable": "/bm", "perfgate": "/p", "artifacts_root": "/a", "ctest_file": "/c",
    "policy": "/p.json"})"),
            expected("/suite", "must not be empty") +
                expected("/lanes", "missing: expected an array such as [\"wall-time\"]"));
}

TEST(ParseRunConfig, RejectsBadLanes) {
  const auto lanes_error = [](const std::string& lanes) {
    return errors_of(config_with("", lanes));
  };
  EXPECT_EQ(lanes_error("[]"),
            expected("/lanes", "expected at least one lane, got an empty array",
                     "lanes are \"wall-time\" and \"instructions\"; the first one blocks"));
  EXPECT_EQ(lanes_error(R"(["walltime"])"),
            expected("/lanes/0", "unknown lane \"walltime\"", "did you mean \"wall-time\"?"));
  EXPECT_EQ(lanes_error(R"(["wall-time", "wall-time"])"),
            expected("/lanes/1", "lane \"wall-time\" is listed twice", "name each lane once"));
  EXPECT_EQ(lanes_error(R"(["instructions"])"),
            expected("/instructions_policy", "the instructions lane is on but has no policy",
                     "set \"instructions_policy\" (INSTRUCTIONS_POLICY)"));
}

TEST(ParseRunConfig, RejectsBadCounts) {
  EXPECT_EQ(error_of(R"(, "repetitions": 0)"),
            expected("/repetitions",
                     "expected a positive whole number or \"auto\", got number 0"));
  EXPECT_EQ(error_of(R"(, "repetitions": "automatic")"),
            expected("/repetitions",
                     "expected a positive whole number or \"auto\", got string \"automatic\""));
  EXPECT_EQ(error_of(R"(, "runs": 2.5)"),
            expected("/runs", "expected a positive whole number, got number 2.5"));
  EXPECT_EQ(error_of(R"(, "instructions_jobs": -1)"),
            expected("/instructions_jobs", "expected a positive whole number, got number -1"));
  EXPECT_EQ(error_of(R"(, "tests": {"instr": {"processors": 0}})"),
            expected("/tests/instr/processors", "expected a positive whole number, got number 0"));
}

TEST(ParseRunConfig, RejectsBadTimes) {
  const std::string unit_hint =
      "a bare number such as \"0.1\" (Google Benchmark 1.7 takes no unit)";
  EXPECT_EQ(error_of(R"(, "min_time": "0.1s")"),
            expected("/min_time", "expected a number of seconds of at least 0, got \"0.1s\"",
                     unit_hint));
  EXPECT_EQ(error_of(R"(, "warmup": "-1")"),
            expected("/warmup", "expected a number of seconds of at least 0, got \"-1\"",
                     unit_hint));
  EXPECT_EQ(error_of(R"(, "smoke_min_time": 0.01)"),
            expected("/smoke_min_time",
                     "expected a string holding a number of seconds, got number 0.01",
                     "write it as text, e.g. \"0.1\": it is passed to the benchmark as written"));
  EXPECT_EQ(error_of(R"(, "timeout": 0)"),
            expected("/timeout", "expected a positive number of seconds, got number 0"));
  EXPECT_EQ(error_of(R"(, "discovery_timeout": "10")"),
            expected("/discovery_timeout",
                     "expected a positive number of seconds, got string \"10\""));
  EXPECT_EQ(error_of(R"(, "tests": {"smoke": {"timeout": -5}})"),
            expected("/tests/smoke/timeout",
                     "expected a number of seconds of at least 0, got number -5"));
}

TEST(ParseRunConfig, RejectsBadSwitches) {
  EXPECT_EQ(error_of(R"(, "bootstrap": "maybe")"),
            expected("/bootstrap", "expected \"AUTO\", \"ACCEPT\" or \"OFF\", got string \"maybe\""));
  EXPECT_EQ(error_of(R"(, "confirm": "yes")"),
            expected("/confirm", "expected true or false, got string \"yes\""));
  EXPECT_EQ(error_of(R"(, "tests": {"perf": {"run_serial": 1}})"),
            expected("/tests/perf/run_serial", "expected true or false, got number 1"));
}

TEST(ParseRunConfig, RejectsBadEnvironmentAndLists) {
  const std::string assignment_hint =
      "a variable name ([A-Za-z_][A-Za-z0-9_]*), then =, then the value";
  EXPECT_EQ(error_of(R"(, "environment": ["A=1", "NOVALUE"])"),
            expected("/environment/1", "expected \"VAR=value\", got \"NOVALUE\"",
                     assignment_hint));
  EXPECT_EQ(error_of(R"(, "tests": {"perf": {"environment": ["1X=2"]}})"),
            expected("/tests/perf/environment/0", "expected \"VAR=value\", got \"1X=2\"",
                     assignment_hint));
  EXPECT_EQ(error_of(R"(, "baseline_unset_env": ["SLOW=1"])"),
            expected("/baseline_unset_env/0", "\"SLOW=1\" is not an environment variable name",
                     "a name such as MY_SLOWDOWN, without \"=\""));
  EXPECT_EQ(error_of(R"(, "extra_args": "--x")"),
            expected("/extra_args", "expected an array of strings, got string \"--x\""));
  EXPECT_EQ(error_of(R"(, "tests": {"perf": {"labels": ["a", 2]}})"),
            expected("/tests/perf/labels/1", "expected a string, got number 2"));
  EXPECT_EQ(error_of(R"(, "tests": {"smoke": []})"),
            expected("/tests/smoke", "expected an object, got an array"));
}

TEST(ParseRunConfig, ReportsEveryProblemOfAFile) {
  const auto config =
      parse_run_config(config_with(R"(, "runs": 0, "confirm": 1, "warmup": "x")"), k_source);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().error_count(), 3U);
}

TEST(ParseRunConfig, RejectsInvalidJson) {
  const auto config = parse_run_config("{\"schema\": ", k_source);
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(format_diagnostics(config.error()).find(k_source), std::string::npos);
}

}  // namespace
}  // namespace perfgate
