#include <perfgate/forecast.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace perfgate {
namespace {

Benchmark noisy_benchmark(const std::string& name, double center, double step, std::size_t n) {
  Benchmark b;
  b.name = name;
  b.family = family_of(name);
  auto& samples = b.series("real_time").samples;
  for (std::size_t i = 0; i < n; ++i) {
    samples.push_back(center * (1.0 + step * (static_cast<double>(i % 5) - 2.0)));
  }
  return b;
}

TEST(Forecast, TypicalCandidateKeepsTheBaselinesLocationAndNoise) {
  RunSet base;
  base.benchmarks.push_back(noisy_benchmark("BM_a", 100, 0.01, 10));
  const RunSet typical = typical_candidate(base, 4);
  const auto& samples = typical.benchmarks[0].find("real_time")->samples;
  ASSERT_EQ(samples.size(), 4U);
  double mean = 0;
  for (const double v : samples) {
    mean += std::log(v) / 4.0;
  }
  double base_mean = 0;
  for (const double v : base.benchmarks[0].find("real_time")->samples) {
    base_mean += std::log(v) / 10.0;
  }
  EXPECT_NEAR(mean, base_mean, 1e-12);
}

TEST(Forecast, SaysWhichComparisonsNeedMoreRepetitions) {
  RunSet base;
  base.source = "base.json";
  for (int i = 0; i < 10; ++i) {
    base.benchmarks.push_back(noisy_benchmark("BM_quiet/" + std::to_string(i), 100, 0.002, 10));
  }
  base.benchmarks.push_back(noisy_benchmark("BM_loud", 100, 0.03, 20));
  const Forecast at_three = forecast(base, default_policy(), 3);
  ASSERT_EQ(at_three.items.size(), 11U);
  EXPECT_EQ(at_three.undecidable(), 1U);
  const ForecastItem& loud = at_three.items.front();
  EXPECT_EQ(loud.benchmark, "BM_loud");
  EXPECT_FALSE(loud.decidable);
  EXPECT_GT(loud.repetitions_needed, 3U);
  EXPECT_NE(loud.note.find("could not be decided"), std::string::npos) << loud.note;
  // At the forecast's own advice the gate decides it.
  EXPECT_EQ(forecast(base, default_policy(), loud.repetitions_needed).undecidable(), 0U);
  // Noise that the baseline's own 10 repetitions cannot resolve: no candidate count helps.
  base.benchmarks.back() = noisy_benchmark("BM_loud", 100, 0.08, 10);
  const Forecast hopeless = forecast(base, default_policy(), 3);
  EXPECT_EQ(hopeless.undecidable(), 1U);
  EXPECT_EQ(hopeless.items.front().repetitions_needed, 0U);
}

}  // namespace
}  // namespace perfgate
