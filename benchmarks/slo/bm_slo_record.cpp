// What recording costs: one LogHistogram::record() of a latency (the O(1) hot path of the SLO
// helpers, docs/slo.md), the same through LatencyRecorder with and without the clock read, and
// with four threads recording at once (each into its own histogram: no sharing, no locks).
// A measurement, not a test: run it with
//   build/bin/bm_slo_record --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <perfgate/slo/benchmark.hpp>
#include <perfgate/slo/histogram.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

// 4096 lognormal latencies around 200 us, so that record() meets realistic, varying buckets.
const std::vector<std::uint64_t>& latencies() {
  static const std::vector<std::uint64_t> values = [] {
    std::mt19937_64 random(42);
    std::lognormal_distribution<double> distribution(std::log(200'000.0), 1.0);
    std::vector<std::uint64_t> out(4096);
    for (auto& value : out) {
      value = static_cast<std::uint64_t>(distribution(random));
    }
    return out;
  }();
  return values;
}

void BM_slo_histogram_record(benchmark::State& state) {
  const auto& values = latencies();
  perfgate::slo::LogHistogram histogram;
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(histogram.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_slo_histogram_record);

void BM_slo_recorder_record(benchmark::State& state) {
  const auto& values = latencies();
  perfgate::slo::LatencyRecorder recorder(state, "recorded");
  std::size_t i = 0;
  for (auto _ : state) {
    recorder.record_ns(values[i++ & 4095]);
  }
  recorder.publish();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_slo_recorder_record)->Threads(1)->Threads(4);

// The whole per-operation cost a user pays: two steady_clock reads and a record.
void BM_slo_recorder_record_since(benchmark::State& state) {
  perfgate::slo::LatencyRecorder recorder(state, "timed");
  for (auto _ : state) {
    recorder.record_since(perfgate::slo::now());
  }
  recorder.publish();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_slo_recorder_record_since);

}  // namespace

BENCHMARK_MAIN();
