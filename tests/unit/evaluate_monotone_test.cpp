// Property tests of the decision step over generated data (docs/statistics.md, section 5): more
// repetitions, or fewer benchmarks in the gate, never turn a fail into a pass or an inconclusive;
// at every repetition count from 2 a regression far beyond the limit fails and an unchanged suite
// never fails.
#include <perfgate/evaluate.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace perfgate {
namespace {

// One generated suite: per benchmark a true time, and per side a long sequence of repetitions
// (lognormal, the given CV) of which a gate takes the first k.
struct Suite {
  std::vector<std::vector<double>> base;
  std::vector<std::vector<double>> cand;
};

Suite generate(std::uint64_t seed, std::size_t size, double cv, double slower,
               std::size_t regressed, std::size_t max_reps) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> log_time(std::log(50.0), std::log(5e6));
  Suite suite;
  for (std::size_t b = 0; b < size; ++b) {
    const double truth = std::exp(log_time(engine));
    std::vector<double> base;
    std::vector<double> cand;
    for (std::size_t r = 0; r < max_reps; ++r) {
      base.push_back(truth * std::exp(cv * normal(engine)));
      cand.push_back(truth * (b < regressed ? 1.0 + slower : 1.0) * std::exp(cv * normal(engine)));
    }
    suite.base.push_back(std::move(base));
    suite.cand.push_back(std::move(cand));
  }
  return suite;
}

// The first `reps` repetitions of the first `size` benchmarks, as the two sides of a gate.
GateResult gate(const Suite& suite, std::size_t size, std::size_t reps) {
  RunSet base;
  RunSet cand;
  for (std::size_t b = 0; b < size; ++b) {
    for (RunSet* side : {&base, &cand}) {
      const auto& samples = side == &base ? suite.base[b] : suite.cand[b];
      Benchmark& bench = side->benchmarks.emplace_back();
      bench.name = "BM_gen/" + std::to_string(b);
      bench.family = "BM_gen";
      bench.series("real_time").samples.assign(samples.begin(),
                                                samples.begin() + static_cast<std::ptrdiff_t>(reps));
    }
  }
  return evaluate(base, cand, default_policy());
}

Verdict verdict_of(const GateResult& result, std::size_t benchmark) {
  const std::string name = "BM_gen/" + std::to_string(benchmark);
  for (const Decision& d : result.decisions) {
    if (d.benchmark == name) {
      return d.verdict;
    }
  }
  return Verdict::error;
}

TEST(EvaluateMonotone, MoreRepetitionsNeverUndoAFail) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const double cv = seed % 2 == 0 ? 0.01 : 0.03;
    const Suite suite = generate(seed, 24, cv, 0.30, 3, 20);
    std::vector<bool> failed(3, false);
    for (std::size_t reps = 2; reps <= 20; ++reps) {
      const GateResult result = gate(suite, 24, reps);
      for (std::size_t b = 0; b < 3; ++b) {
        const bool fails = verdict_of(result, b) == Verdict::fail;
        EXPECT_FALSE(failed[b] && !fails)
            << "seed " << seed << ", BM_gen/" << b << ": failed with fewer repetitions, not with "
            << reps;
        failed[b] = failed[b] || fails;
      }
      EXPECT_EQ(exit_code(result), 1) << "seed " << seed << ", " << reps << " repetitions";
    }
  }
}

TEST(EvaluateMonotone, FewerBenchmarksNeverUndoAFail) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const Suite suite = generate(100 + seed, 200, 0.03, 0.30, 1, 5);
    for (const std::size_t reps : {3U, 5U}) {
      bool failed = false;
      for (const std::size_t size : {200U, 120U, 60U, 24U, 6U, 3U, 2U, 1U}) {
        const bool fails = verdict_of(gate(suite, size, reps), 0) == Verdict::fail;
        EXPECT_FALSE(failed && !fails)
            << "seed " << seed << ", " << reps << " repetitions: failed in a gate of more "
            << "benchmarks, not in one of " << size;
        failed = failed || fails;
      }
      EXPECT_TRUE(failed) << "seed " << seed << ": a 30% regression at CV 3% never failed";
    }
  }
}

TEST(EvaluateMonotone, AnUnchangedSuiteNeverFailsAtAnyRepetitionCount) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Suite suite = generate(200 + seed, 60, 0.03, 0.0, 0, 20);
    for (std::size_t reps = 1; reps <= 20; ++reps) {
      const int code = exit_code(gate(suite, 60, reps));
      EXPECT_TRUE(code == 0 || code == 4) << "seed " << seed << ", " << reps
                                          << " repetitions: exit " << code;
    }
  }
}

}  // namespace
}  // namespace perfgate
