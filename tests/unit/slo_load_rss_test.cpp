// The load harness in a program without perfgate::slo_heap (include/perfgate/slo/load.hpp): it
// links (the live-heap query is a weak reference), publishes no heap_growth_bytes and measures
// memory by RSS instead. No assertion on any time or size.
#include <perfgate/slo/load.hpp>

#include "slo_capture.hpp"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

TEST(SloLoadWithoutHeap, MeasuresMemoryByRss) {
  for (const char* variable : {"PERFGATE_PROFILE", "PERFGATE_LOAD_WORKERS",
                               "PERFGATE_LOAD_DURATION_MS", "PERFGATE_LOAD_WARMUP_MS"}) {
    unsetenv(variable);
  }
  perfgate::slo::LoadOptions options;
  options.normal = {std::chrono::milliseconds(150), std::chrono::milliseconds(10), 2};
  perfgate::slo::register_load("BM_load_rss_test", options, [](perfgate::slo::Request&) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  });
  const auto runs = perfgate::slo::test::run_benchmarks("^BM_load_rss_test(/|$)");
  ASSERT_EQ(runs.size(), 1U);
  const auto& counters = runs[0].counters;
  EXPECT_EQ(counters.count("heap_growth_bytes"), 0U);
  EXPECT_EQ(counters.count("rss_growth_bytes"), 1U);
  EXPECT_EQ(counters.count("memory_growth_bytes_per_hour"), 1U);
  ASSERT_EQ(counters.count("requests_attempts"), 1U);
  EXPECT_GT(counters.at("requests_attempts").value, 0);
}

}  // namespace
