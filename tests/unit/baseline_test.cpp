#include <perfgate/baseline.hpp>
#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

namespace perfgate {
namespace {

Baseline sample_baseline() {
  Baseline baseline;
  baseline.suite = "example";
  baseline.runner = "x86_64-test";
  baseline.provenance = {"2026-11-22T10:00:00Z", "ci", "first baseline for the example suite",
                         "results.json", "0.1.0", "perfgate baseline record", ""};
  baseline.runs.context.num_cpus = 2;
  baseline.runs.context.library_version = "v1.7.1";
  baseline.runs.context.extra["cpu_model"] = "Test CPU";
  Benchmark& b = baseline.runs.benchmarks.emplace_back();
  b.name = "BM_sort/1024";
  b.family = "BM_sort";
  b.iterations = 1000;
  b.time_unit = "us";
  MetricSeries& real = b.series("real_time");
  real.samples = {1500.5, 1510.25, 1490};
  real.groups = {0, 0, 1};
  real.aggregates["mean"] = 1500.25;
  b.series("counter:bytes").samples = {1e12, 2e-7, 0};
  return baseline;
}

TEST(Baseline, RoundTripsThroughItsFileFormat) {
  const Baseline original = sample_baseline();
  const std::string text = write_baseline(original);
  const auto read = parse_baseline(text, "b.json");
  ASSERT_TRUE(read.has_value()) << format_diagnostics(read.error());
  EXPECT_EQ(read->suite, "example");
  EXPECT_EQ(read->provenance.reason, "first baseline for the example suite");
  EXPECT_EQ(read->runs.context.extra.at("cpu_model"), "Test CPU");
  ASSERT_EQ(read->runs.benchmarks.size(), 1U);
  const MetricSeries* real = read->runs.benchmarks[0].find("real_time");
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(real->samples, original.runs.benchmarks[0].find("real_time")->samples);
  EXPECT_EQ(real->groups, (std::vector<int>{0, 0, 1}));
  EXPECT_DOUBLE_EQ(real->aggregates.at("mean"), 1500.25);
  EXPECT_EQ(read->runs.benchmarks[0].find("counter:bytes")->samples,
            (std::vector<double>{1e12, 2e-7, 0}));
  // Writing is deterministic: same baseline, same bytes.
  EXPECT_EQ(write_baseline(*read), text);
}

TEST(Baseline, ResultsReaderAcceptsBaselineFiles) {
  const auto runs = parse_results(write_baseline(sample_baseline()), "b.json");
  ASSERT_TRUE(runs.has_value()) << format_diagnostics(runs.error());
  EXPECT_EQ(runs->benchmarks.size(), 1U);
}

TEST(Baseline, RejectsUnknownKeysNegativeTimesAndDuplicates) {
  std::string text = write_baseline(sample_baseline());
  text.replace(text.find("\"suite\""), 7, "\"suit\"");
  text.replace(text.find("1510.25"), 7, "-1510.2");
  const auto read = parse_baseline(text, "b.json");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(format_diagnostics(read.error()),
            "b.json: error: /digest: digest mismatch: the file was changed by hand or damaged; re-record "
            "with perfgate baseline update\n"
            "  hint: restore the committed file from version control (git checkout -- <file>), or "
            "re-record it with perfgate baseline update --reason \"...\" (docs/baselines.md)\n"
            "b.json: error: /suit: unknown key \"suit\"\n"
            "  hint: did you mean \"suite\"?\n"
            "b.json: error: missing \"suite\"\n"
            "b.json: error: /benchmarks/0/metrics/0/samples/1: expected a time of 0 ns or more, "
            "got number -1510.2\n"
            "b.json: error: /benchmarks/0/metrics/0/groups: expected one group per sample (2), "
            "got 3\n");
}

TEST(Baseline, FingerprintMismatchNamesEachKey) {
  RunContext recorded;
  recorded.extra = {{"cpu_model", "A"}, {"num_cpus", "2"}, {"compiler", "GNU 12.2.0"}};
  RunContext measured;
  measured.extra = {{"cpu_model", "B"}, {"num_cpus", "2"}};
  EXPECT_EQ(fingerprint_mismatches(recorded, measured),
            (std::vector<std::string>{
                "cpu_model: the baseline was recorded with \"A\", this run has \"B\"",
                "compiler: the baseline was recorded with \"GNU 12.2.0\", the candidate does not "
                "say"}));
  EXPECT_TRUE(fingerprint_mismatches(recorded, recorded).empty());
}

TEST(Baseline, InstructionsLaneIsKeyedByToolchainNotCpu) {
  EXPECT_EQ(fingerprint_keys(k_lane_instructions),
            (std::vector<std::string>{"compiler", "cxx_flags", "build_type", "benchmark_library",
                                      "cxx_runtime", "libc", "valgrind_version",
                                      "pinned_host"}));
  RunContext recorded;
  recorded.extra = {{"lane", "instructions"},       {"cpu_model", "A"},
                    {"num_cpus", "2"},             {"compiler", "GNU 12.2.0"},
                    {"valgrind_version", "3.19.0"}, {"benchmark_library", "libbenchmark.so.1.7.1"}};
  RunContext other_machine = recorded;
  other_machine.extra["cpu_model"] = "B";
  other_machine.extra["num_cpus"] = "64";
  EXPECT_TRUE(fingerprint_mismatches(recorded, other_machine).empty());

  RunContext other_toolchain = other_machine;
  other_toolchain.extra["valgrind_version"] = "3.20.0";
  other_toolchain.extra.erase("benchmark_library");
  EXPECT_EQ(fingerprint_mismatches(recorded, other_toolchain),
            (std::vector<std::string>{
                "benchmark_library: the baseline was recorded with \"libbenchmark.so.1.7.1\", the "
                "candidate does not say",
                "valgrind_version: the baseline was recorded with \"3.19.0\", this run has "
                "\"3.20.0\""}));

  RunContext wall_time = recorded;
  wall_time.extra.erase("lane");
  EXPECT_EQ(fingerprint_mismatches(recorded, wall_time),
            (std::vector<std::string>{
                "lane: the baseline was measured in the instructions lane, this run in the "
                "wall-time lane"}));
}

}  // namespace
}  // namespace perfgate
