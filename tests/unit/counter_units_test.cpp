// User counters named in a unit (docs/slo.md, "Counter names"): "_ns"/"_us"/"_ms"/"_s" are times,
// read in nanoseconds like real_time and gated with time limits; "_per_s" is a rate, higher is
// better; anything else keeps the counter default (no unit, lower is better).
#include <perfgate/model.hpp>
#include <perfgate/parse.hpp>
#include <perfgate/policy.hpp>

#include <gtest/gtest.h>

#include <string>

namespace perfgate {
namespace {

std::string gbench_file(const std::string& counters, const std::string& aggregate_counters) {
  const std::string head = R"({"context": {"date": "2024-05-01T10:00:00+00:00", "host_name": "h",
    "num_cpus": 2, "mhz_per_cpu": 2400, "library_version": "v1.7.1", "library_build_type": "release"},
  "benchmarks": [)";
  const std::string common = R"("family_index": 0, "per_family_instance_index": 0,
      "run_name": "BM_serve/threads:4", "repetitions": 1, "threads": 4, "iterations": 100,
      "real_time": 1.0, "cpu_time": 1.0, "time_unit": "us")";
  return head +
         R"({"name": "BM_serve/threads:4", "run_type": "iteration", "repetition_index": 0, )" +
         common + counters + R"(}, {"name": "BM_serve/threads:4_mean", "run_type": "aggregate",
         "aggregate_name": "mean", "aggregate_unit": "time", )" +
         common + aggregate_counters +
         R"(}, {"name": "BM_serve/threads:4_cv", "run_type": "aggregate",
         "aggregate_name": "cv", "aggregate_unit": "percentage", )" +
         common + aggregate_counters + "}]}";
}

TEST(CounterUnits, TimeSuffixesAreTimesInNanoseconds) {
  for (const auto& [key, factor] : {std::pair<std::string, double>{"latency_p99_ns", 1.0},
                                    {"latency_p99_us", 1e3},
                                    {"latency_p99_ms", 1e6},
                                    {"completion_p99_s", 1e9}}) {
    ASSERT_EQ(counter_time_factor(key), factor) << key;
    const MetricTraits traits = metric_traits("counter:" + key);
    EXPECT_TRUE(traits.is_time) << key;
    EXPECT_EQ(traits.unit, "ns") << key;
    EXPECT_EQ(traits.direction, Direction::lower_is_better) << key;
  }
}

TEST(CounterUnits, RatesAreHigherIsBetterAndNotTimes) {
  for (const std::string key : {"messages_p5_per_s", "ops_per_ms", "per_s"}) {
    EXPECT_FALSE(counter_time_factor(key)) << key;
    EXPECT_FALSE(metric_traits("counter:" + key).is_time) << key;
  }
  const MetricTraits rate = metric_traits("counter:messages_p5_per_s");
  EXPECT_EQ(rate.unit, "/s");
  EXPECT_EQ(rate.direction, Direction::higher_is_better);
}

TEST(CounterUnits, OtherCountersKeepTheDefault) {
  for (const std::string key : {"errors", "requests_error_ratio", "latency_count", "items", "ns",
                                "_ns", "bytes_s2", "latency_p99_nsx"}) {
    EXPECT_FALSE(counter_time_factor(key)) << key;
    const MetricTraits traits = metric_traits("counter:" + key);
    EXPECT_FALSE(traits.is_time) << key;
    EXPECT_EQ(traits.unit, "") << key;
    EXPECT_EQ(traits.direction, Direction::lower_is_better) << key;
  }
}

TEST(CounterUnits, ReaderScalesTimeCountersButNotTheirCv) {
  const auto counters = R"(, "latency_p99_ms": 2.5, "latency_p50_ns": 700, "errors": 3)";
  const auto aggregates = R"(, "latency_p99_ms": 0.5, "latency_p50_ns": 0.25, "errors": 0.5)";
  const Result<RunSet> result = parse_gbench(gbench_file(counters, aggregates), "bm.json");
  ASSERT_TRUE(result.has_value()) << format_diagnostics(result.error());
  const Benchmark& benchmark = result.value().benchmarks.at(0);
  const MetricSeries* p99 = benchmark.find("counter:latency_p99_ms");
  ASSERT_NE(p99, nullptr);
  EXPECT_EQ(p99->unit, "ns");
  ASSERT_EQ(p99->samples.size(), 1U);
  EXPECT_DOUBLE_EQ(p99->samples[0], 2.5e6);
  EXPECT_DOUBLE_EQ(p99->aggregates.at("mean"), 0.5e6);
  EXPECT_DOUBLE_EQ(p99->aggregates.at("cv"), 0.5);  // a fraction, not a time
  const MetricSeries* p50 = benchmark.find("counter:latency_p50_ns");
  ASSERT_NE(p50, nullptr);
  EXPECT_DOUBLE_EQ(p50->samples.at(0), 700.0);
  const MetricSeries* errors = benchmark.find("counter:errors");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->unit, "");
  EXPECT_DOUBLE_EQ(errors->samples.at(0), 3.0);
}

TEST(CounterUnits, PolicyLimitsOnTimeCountersNeedATimeUnit) {
  const auto with_limit = [](const std::string& limit) {
    return parse_policy(R"({"schema": "perfgate.policy/1", "name": "n", "rules": [
      {"metric": "counter:latency_p99_ns", "statistic": "max", "absolute": {"fail": ")" +
                            limit + R"("}}]})",
                        "p.json");
  };
  const auto good = with_limit("< 2ms");
  ASSERT_TRUE(good.has_value()) << format_diagnostics(good.error());
  EXPECT_DOUBLE_EQ(*good.value().rules.at(0).absolute.fail, 2e6);
  const auto bare = with_limit("< 2");
  ASSERT_FALSE(bare.has_value());
  EXPECT_NE(format_diagnostics(bare.error()).find("a time limit needs a unit"), std::string::npos)
      << format_diagnostics(bare.error());
}

}  // namespace
TEST(LibraryVersionNumber, ReadsGoogleBenchmarksVersionStrings) {
  EXPECT_EQ(library_version_number("v1.9.1"), 10901);
  EXPECT_EQ(library_version_number("1.9.2"), 10902);
  EXPECT_EQ(library_version_number("1.8.5-10-gef73a300"), 10805);
  EXPECT_EQ(library_version_number("v1.10"), 11000);
  EXPECT_EQ(library_version_number(""), 0);  // the field exists since 1.8.4
  EXPECT_EQ(library_version_number("main"), 0);
  EXPECT_EQ(library_version_number("v2"), 0);
}

}  // namespace perfgate
