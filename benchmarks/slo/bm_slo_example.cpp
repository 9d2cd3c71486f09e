// A tiny SLO benchmark: four threads serve requests of a simulated service and record each
// request's latency, the throughput per 10 ms interval and the outcome of each request; perfgate
// reads the counters (latency_p99_ns, served_p5_per_s, requests_error_ratio, ...) as ordinary
// metrics with units and directions (docs/slo.md). Deterministic work, no sleeping.
#include <perfgate/slo/benchmark.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

namespace {

// A request: a little arithmetic, and every 50th request takes ten times as long (a slow path
// that shows in p99 but not in p50). Every 1000th "fails".
bool serve(std::uint64_t request) {
  const int rounds = request % 50 == 0 ? 2000 : 200;
  std::uint64_t state = request;
  for (int i = 0; i < rounds; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  benchmark::DoNotOptimize(state);
  return request % 1000 != 999;
}

void BM_slo_example(benchmark::State& state) {
  perfgate::slo::LatencyRecorder latency(state, "latency");
  perfgate::slo::RateRecorder served(state, "served", std::chrono::milliseconds(10));
  perfgate::slo::Outcomes requests(state, "requests");
  std::uint64_t request = static_cast<std::uint64_t>(state.thread_index()) << 40;
  for (auto _ : state) {
    const auto start = perfgate::slo::now();
    const bool ok = serve(request++);
    const auto done = perfgate::slo::now();
    latency.record(done - start);
    served.tick(done);
    if (ok) {
      requests.success();
    } else {
      requests.error();
    }
  }
  latency.publish();
  served.publish();
  requests.publish();
  perfgate::slo::publish_peak_rss(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_slo_example)->Threads(4)->UseRealTime()->MinTime(0.2);

}  // namespace

BENCHMARK_MAIN();
