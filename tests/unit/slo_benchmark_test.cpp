// The SLO helpers inside real Google Benchmark runs (include/perfgate/slo/benchmark.hpp, heap.hpp):
// benchmarks registered and run in this process with ->Threads(4), fixed iteration counts and
// repetitions, their reports captured. Deterministic inputs, no assertion on any time.
#include <perfgate/slo/benchmark.hpp>
#include <perfgate/slo/heap.hpp>
#include <perfgate/slo/histogram.hpp>

#include "slo_capture.hpp"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using perfgate::slo::LogHistogram;

constexpr int k_threads = 4;
constexpr benchmark::IterationCount k_iterations = 50'000;

using perfgate::slo::test::Capture;
using perfgate::slo::test::counter;
using perfgate::slo::test::run_benchmarks;

// Thread t's latencies: lognormal, each thread around a different median (1x, 2x, 4x, 8x), so the
// pooled p99 is not any one thread's p99.
const std::vector<std::uint64_t>& latencies_of(int thread) {
  static const std::vector<std::vector<std::uint64_t>> all = [] {
    std::vector<std::vector<std::uint64_t>> out(k_threads);
    for (int t = 0; t < k_threads; ++t) {
      std::mt19937_64 random(static_cast<std::uint64_t>(100 + t));
      std::lognormal_distribution<double> distribution(std::log(50'000.0 * (1 << t)), 0.8);
      for (benchmark::IterationCount i = 0; i < k_iterations; ++i) {
        out[static_cast<std::size_t>(t)].push_back(
            static_cast<std::uint64_t>(distribution(random)));
      }
    }
    return out;
  }();
  return all[static_cast<std::size_t>(thread)];
}

double exact_percentile(std::vector<std::uint64_t> samples, double q) {
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
  return static_cast<double>(samples[std::max<std::size_t>(rank, 1) - 1]);
}

void BM_slo_test_latency(benchmark::State& state) {
  const auto& latencies = latencies_of(state.thread_index());
  perfgate::slo::LatencyRecorder latency(state, "latency");
  perfgate::slo::Outcomes requests(state, "requests");
  std::size_t i = 0;
  for (auto _ : state) {
    latency.record_ns(latencies[i]);
    // Thread t fails requests t, t + 100, t + 200, ...: 1 % errors; thread 3 breaks one invariant.
    if (i % 100 == static_cast<std::size_t>(state.thread_index())) {
      requests.error();
    } else {
      requests.success();
    }
    if (state.thread_index() == 3 && i == 7) {
      requests.invariant_violation();
    }
    ++i;
  }
  latency.publish();
  requests.publish();
}
BENCHMARK(BM_slo_test_latency)->Threads(k_threads)->Iterations(k_iterations)->Repetitions(2);

TEST(SloBenchmark, FourThreadsPublishThePooledPercentilesInEveryRepetition) {
  std::vector<std::uint64_t> pooled;
  for (int t = 0; t < k_threads; ++t) {
    pooled.insert(pooled.end(), latencies_of(t).begin(), latencies_of(t).end());
  }
  const auto runs = run_benchmarks("BM_slo_test_latency");
  ASSERT_EQ(runs.size(), 2U);  // one per repetition
  for (const auto& run : runs) {
    EXPECT_EQ(run.threads, k_threads);
    EXPECT_EQ(counter(run, "latency_count"), static_cast<double>(pooled.size()));
    for (const auto& [name, q] : {std::pair<std::string, double>{"latency_p50_ns", 0.5},
                                  {"latency_p90_ns", 0.9},
                                  {"latency_p95_ns", 0.95},
                                  {"latency_p99_ns", 0.99},
                                  {"latency_p999_ns", 0.999},
                                  {"latency_max_ns", 1.0}}) {
      const double exact = exact_percentile(pooled, q);
      EXPECT_LE(std::abs(counter(run, name) - exact), exact * LogHistogram::k_relative_error)
          << name << " repetition " << run.repetition_index << ": exact " << exact;
    }
    EXPECT_EQ(counter(run, "requests_attempts"), static_cast<double>(pooled.size()));
    EXPECT_EQ(counter(run, "requests_errors"), static_cast<double>(k_threads * k_iterations / 100));
    EXPECT_DOUBLE_EQ(counter(run, "requests_error_ratio"), 0.01);
    EXPECT_DOUBLE_EQ(counter(run, "requests_success_ratio"), 0.99);
    EXPECT_EQ(counter(run, "requests_invariant_violations"), 1.0);
  }
}

// A recorder in thread 0 only: the run still publishes, once per repetition, and one
// repetition's samples never leak into the next.
void BM_slo_test_one_thread_records(benchmark::State& state) {
  std::optional<perfgate::slo::LatencyRecorder> latency;
  if (state.thread_index() == 0) {
    latency.emplace(state, "solo");
  }
  std::uint64_t i = 0;
  for (auto _ : state) {
    if (latency) {
      latency->record_ns(1000 + i++ % 100);
    }
  }
}
BENCHMARK(BM_slo_test_one_thread_records)->Threads(k_threads)->Iterations(1000)->Repetitions(3);

TEST(SloBenchmark, RecorderInOneThreadPublishesItsOwnSamplesPerRepetition) {
  const auto runs = run_benchmarks("BM_slo_test_one_thread_records");
  ASSERT_EQ(runs.size(), 3U);
  for (const auto& run : runs) {
    EXPECT_EQ(counter(run, "solo_count"), 1000.0) << "repetition " << run.repetition_index;
    EXPECT_EQ(counter(run, "solo_max_ns"), 1099.0);
    EXPECT_NEAR(counter(run, "solo_p50_ns"), 1049.0, 1049.0 * LogHistogram::k_relative_error);
  }
}

// Per-session values (seed 002's messages per second of each session): thread t records
// 1 + 10 t + 0.037 k for its k-th session.
double session_rate(int thread, benchmark::IterationCount k) {
  return 1.0 + 10.0 * thread + 0.037 * static_cast<double>(k);
}

void BM_slo_test_values(benchmark::State& state) {
  perfgate::slo::ValueRecorder rates(state, "session_rate", "_per_s");
  benchmark::IterationCount k = 0;
  for (auto _ : state) {
    rates.record(session_rate(state.thread_index(), k++));
  }
}
BENCHMARK(BM_slo_test_values)->Threads(k_threads)->Iterations(2000);

TEST(SloBenchmark, ValueRecorderPublishesLowPercentilesOfThePooledValues) {
  std::vector<double> pooled;
  for (int t = 0; t < k_threads; ++t) {
    for (benchmark::IterationCount k = 0; k < 2000; ++k) {
      pooled.push_back(session_rate(t, k));
    }
  }
  std::sort(pooled.begin(), pooled.end());
  const auto exact = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(pooled.size())));
    return pooled[std::max<std::size_t>(rank, 1) - 1];
  };
  const auto runs = run_benchmarks("BM_slo_test_values");
  ASSERT_EQ(runs.size(), 1U);
  const auto& run = runs.front();
  EXPECT_EQ(counter(run, "session_rate_count"), static_cast<double>(pooled.size()));
  for (const auto& [name, q] : {std::pair<std::string, double>{"session_rate_p5_per_s", 0.05},
                                {"session_rate_p50_per_s", 0.5},
                                {"session_rate_p99_per_s", 0.99}}) {
    EXPECT_NEAR(counter(run, name), exact(q), exact(q) * LogHistogram::k_relative_error + 0.0005)
        << name;
  }
  EXPECT_NEAR(counter(run, "session_rate_min_per_s"), 1.0, 0.0005);
  EXPECT_NEAR(counter(run, "session_rate_max_per_s"), session_rate(3, 1999), 0.0005);
}

void BM_slo_test_rate(benchmark::State& state) {
  perfgate::slo::RateRecorder served(state, "served", std::chrono::milliseconds(1));
  for (auto _ : state) {
    served.tick();
  }
  served.publish();
  perfgate::slo::publish_peak_rss(state);
}
BENCHMARK(BM_slo_test_rate)->Threads(k_threads)->Iterations(200'000);

TEST(SloBenchmark, RatesArePublishedOncePerRunWithTheirIntervals) {
  const auto runs = run_benchmarks("BM_slo_test_rate");
  ASSERT_EQ(runs.size(), 1U);
  const auto& run = runs.front();
  const double intervals = counter(run, "served_intervals");
  EXPECT_GE(intervals, 1.0);
  // Every operation is counted in some interval: the mean rate times the intervals' span is at
  // most all of them (the partial first and last intervals are left out when there are more).
  EXPECT_LE(counter(run, "served_mean_per_s") * intervals * 1e-3, 4 * 200'000.0 + 1e-6);
  EXPECT_LE(counter(run, "served_min_per_s"), counter(run, "served_p5_per_s"));
  EXPECT_LE(counter(run, "served_p5_per_s"), counter(run, "served_p50_per_s"));
  // Thread 0 alone sets the peak RSS (the counters of threads are summed).
  EXPECT_GT(counter(run, "peak_rss_bytes"), 0.0);
  EXPECT_LE(counter(run, "peak_rss_bytes"), static_cast<double>(perfgate::slo::peak_rss_bytes()));
}

// Every iteration allocates 32 bytes and keeps them until the run's end: one allocation per
// operation, and live bytes that grow by at least 32 per operation of all threads.
void BM_slo_test_heap(benchmark::State& state) {
  std::vector<char*> kept;
  kept.reserve(static_cast<std::size_t>(state.max_iterations));
  perfgate::slo::HeapProbe heap(state);
  for (auto _ : state) {
    kept.push_back(new char[32]);
  }
  heap.publish();
  for (char* block : kept) {
    delete[] block;
  }
}
BENCHMARK(BM_slo_test_heap)->Threads(k_threads)->Iterations(10'000);

TEST(SloBenchmark, HeapProbeCountsAllocationsAndTheLiveBytesTheRunKept) {
  const auto runs = run_benchmarks("BM_slo_test_heap");
  ASSERT_EQ(runs.size(), 1U);
  const auto& run = runs.front();
  EXPECT_DOUBLE_EQ(counter(run, "heap_allocs_per_op"), 1.0);
  EXPECT_GE(counter(run, "heap_bytes_per_op"), 32.0);
  EXPECT_LT(counter(run, "heap_bytes_per_op"), 64.0);
  // Threads publish one after another while the others still hold their blocks: by the last
  // publish at least that thread's blocks are live, and the peak saw all of them.
  EXPECT_GE(counter(run, "heap_peak_bytes"), 4 * 10'000 * 32.0);
  EXPECT_GE(counter(run, "heap_growth_bytes"), 10'000 * 32.0);
}

TEST(SloHeap, CountsThisThreadsAllocations) {
  const auto before = perfgate::slo::thread_heap_counts();
  const auto live_before = perfgate::slo::live_heap_bytes();
  auto* block = new std::uint64_t[100];
  benchmark::DoNotOptimize(block);
  const auto after = perfgate::slo::thread_heap_counts();
  EXPECT_EQ(after.allocations - before.allocations, 1U);
  EXPECT_GE(after.bytes - before.bytes, 800U);
  EXPECT_GE(perfgate::slo::live_heap_bytes() - live_before, 800);
  delete[] block;
  EXPECT_LT(perfgate::slo::live_heap_bytes() - live_before, 800);
}

}  // namespace
