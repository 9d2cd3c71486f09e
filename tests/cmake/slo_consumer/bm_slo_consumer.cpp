// A consumer of the installed SLO helpers: latency percentiles, outcomes and heap counters from a
// benchmark with two threads.
#include <perfgate/slo/benchmark.hpp>
#include <perfgate/slo/heap.hpp>

#include <benchmark/benchmark.h>

#include <memory>

static void BM_consumer(benchmark::State& state) {
  perfgate::slo::LatencyRecorder latency(state, "latency");
  perfgate::slo::Outcomes requests(state, "requests");
  perfgate::slo::HeapProbe heap(state);
  for (auto _ : state) {
    const auto start = perfgate::slo::now();
    auto block = std::make_unique<int>(42);
    benchmark::DoNotOptimize(block.get());
    latency.record_since(start);
    requests.success();
  }
  latency.publish();
  requests.publish();
  heap.publish();
}
BENCHMARK(BM_consumer)->Threads(2);

BENCHMARK_MAIN();
