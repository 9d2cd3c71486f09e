// The verdicts of the default policy on a real suite cut to every repetition count (issue 9's
// "never a silent pass" on real data): a real Google Benchmark file of 19 benchmarks x 20
// repetitions, cut to k repetitions per benchmark; one benchmark made 30% slower must fail at
// every k from 2 (at k = 1: fail or inconclusive, never a pass), and the next k repetitions of the
// unchanged suite must never fail.
#include <perfgate/evaluate.hpp>
#include <perfgate/io.hpp>
#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace perfgate {
namespace {

namespace fs = std::filesystem;

const char* const k_file = "01-cxxgraph-v1.5-era-reps-aggregates-437.json";

// Repetitions [first, first + count) of every benchmark, real and CPU time of the first benchmark
// scaled by `factor`.
RunSet cut(const RunSet& full, std::size_t first, std::size_t count, double factor) {
  RunSet out;
  out.source = full.source;
  out.context = full.context;
  for (const Benchmark& benchmark : full.benchmarks) {
    Benchmark copy = benchmark;
    for (MetricSeries& series : copy.metrics) {
      series.aggregates.clear();
      series.groups.clear();
      if (series.samples.size() < first + count) {
        series.samples.clear();
        continue;
      }
      std::vector<double> kept(series.samples.begin() + static_cast<std::ptrdiff_t>(first),
                               series.samples.begin() + static_cast<std::ptrdiff_t>(first + count));
      const bool scaled = &benchmark == &full.benchmarks.front() &&
                          (series.name == "real_time" || series.name == "cpu_time");
      for (double& v : kept) {
        v *= scaled ? factor : 1.0;
      }
      series.samples = std::move(kept);
    }
    out.benchmarks.push_back(std::move(copy));
  }
  return out;
}

TEST(EvaluateReal, ThirtyPercentSlowerFailsAtEveryRepetitionCount) {
  const fs::path path = fs::path(PERFGATE_GBENCH_REAL_DIR) / k_file;
  if (!fs::exists(path)) {
    GTEST_SKIP() << "real Google Benchmark files not found: " << path;
  }
  const auto text = read_text_file(path.string());
  ASSERT_TRUE(text.has_value());
  const auto full = parse_gbench(*text, k_file);
  ASSERT_TRUE(full.has_value()) << format_diagnostics(full.error());
  ASSERT_EQ(full->benchmarks.front().find("real_time")->samples.size(), 20U);
  for (std::size_t k = 1; k <= 10; ++k) {
    const RunSet base = cut(*full, 0, k, 1.0);
    const GateResult slowed = evaluate(base, cut(*full, 0, k, 1.3), default_policy());
    const GateResult unchanged = evaluate(base, cut(*full, k, k, 1.0), default_policy());
    if (k == 1) {
      EXPECT_TRUE(exit_code(slowed) == 1 || exit_code(slowed) == 4) << "k = 1";
    } else {
      EXPECT_EQ(exit_code(slowed), 1) << "k = " << k;
      const std::string& first = full->benchmarks.front().name;
      for (const Decision& d : slowed.decisions) {
        if (d.benchmark == first) {
          EXPECT_EQ(d.verdict, Verdict::fail) << "k = " << k << ": " << d.metric << ": " << d.note;
        }
      }
    }
    EXPECT_TRUE(exit_code(unchanged) == 0 || exit_code(unchanged) == 4)
        << "k = " << k << ": exit " << exit_code(unchanged);
  }
}

}  // namespace
}  // namespace perfgate
