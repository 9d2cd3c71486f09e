// A load harness for request/response code: N concurrent workers call a handler for a fixed
// duration after a warm-up, inside one Google Benchmark iteration, and the run publishes
// first-byte and completion latency percentiles, request outcomes, per-worker throughput,
// per-request message rates and memory growth as user counters (docs/slo.md, "Load harness").
//
//   perfgate::slo::register_load("BM_stream", perfgate::slo::LoadOptions{},
//                                [](perfgate::slo::Request& request) {
//                                  auto reply = client.send(make_request(request.index()));
//                                  request.first_byte();            // the first chunk arrived
//                                  while (reply.next()) { request.message(); }
//                                  if (!reply.ok()) { request.fail(); }
//                                });
//
// Why threads of its own, not Google Benchmark's ->Threads(n): a load run is a fixed duration of
// many concurrent clients, but Google Benchmark picks an iteration count per thread and times
// the threads' loops; here one benchmark iteration is one whole load run (manual time = the
// measured period), and the workers are std::threads that the harness starts, warms up, measures
// and stops together. Every repetition (->Repetitions(n)) is a fresh load run.
//
// Latency under concurrency is wall time: gate these counters in the wall-time lane.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace perfgate::slo {

// One load profile: how long to warm up (handler called, nothing recorded), how long to measure,
// and how many concurrent workers.
struct LoadProfile {
  std::chrono::milliseconds duration;
  std::chrono::milliseconds warmup;
  int workers;
};

// The profiles a load benchmark runs under; the environment picks one at run time:
//   PERFGATE_PROFILE          smoke | default | stress | soak   (unset or empty: default)
//   PERFGATE_LOAD_WORKERS     a positive number of workers, overriding the profile's
//   PERFGATE_LOAD_DURATION_MS a positive measured duration in milliseconds, overriding
//   PERFGATE_LOAD_WARMUP_MS   a warm-up of zero or more milliseconds, overriding
// An invalid value makes the benchmark report an error (SkipWithError) that names the variable,
// its value and what is accepted; perfgate gives it the verdict error, which fails the gate. The
// defaults are seed 002's profiles (10 s/5, 60 s/50, 300 s/200, 3600 s/50 workers) scaled down
// (docs/slo.md, "Profiles").
struct LoadOptions {
  LoadProfile smoke{std::chrono::seconds(1), std::chrono::milliseconds(200), 4};
  LoadProfile normal{std::chrono::seconds(5), std::chrono::milliseconds(500), 16};  // "default"
  LoadProfile stress{std::chrono::seconds(20), std::chrono::seconds(1), 64};
  LoadProfile soak{std::chrono::seconds(60), std::chrono::seconds(2), 8};
  // How often the memory in use is sampled during the measured period (for the growth slope).
  std::chrono::milliseconds memory_interval{250};
};

// One request, handed to the handler. Not thread-safe: it belongs to the worker calling the
// handler, and lives for that call only.
class Request {
 public:
  // The first byte of the reply arrived now. The first call counts; without one, the request's
  // first-byte latency is its completion latency.
  void first_byte() noexcept {
    if (!m_has_first_byte) {
      m_first_byte = std::chrono::steady_clock::now();
      m_has_first_byte = true;
    }
  }
  // The request failed (an error, counted in requests_errors; its latencies are still recorded).
  void fail() noexcept { m_failed = true; }
  // An invariant broke (counted in requests_invariant_violations, which a zero-only rule gates).
  void invariant_violation(std::uint64_t n = 1) noexcept { m_violations += n; }
  // The reply carried `n` more messages; a request with any has a session rate: its messages
  // divided by its completion latency (session_rate_* counters).
  void message(std::uint64_t n = 1) noexcept { m_messages += n; }

  // This request's number within its worker (0, 1, ...; counting the warm-up's requests too).
  std::uint64_t index() const noexcept { return m_index; }
  // The worker calling the handler: 0 .. workers - 1.
  int worker() const noexcept { return m_worker; }
  // True while the harness warms up (nothing about this request is recorded).
  bool warmup() const noexcept { return m_warmup; }

 private:
  friend class LoadWorker;
  Request() = default;

  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_first_byte;
  bool m_has_first_byte = false;
  bool m_failed = false;
  bool m_warmup = false;
  std::uint64_t m_violations = 0;
  std::uint64_t m_messages = 0;
  std::uint64_t m_index = 0;
  int m_worker = 0;
};

// Called for every request, by many workers at once: it must be safe to call concurrently, and it
// must return (the harness joins the requests in flight when the measured period ends).
// An exception thrown out of it counts as a failed request.
using Handler = std::function<void(Request&)>;
// Makes the handler of one worker (called once per worker and load run, on the worker's thread,
// before the warm-up): for per-worker state such as a connection, kept in the returned closure.
// An exception thrown out of it stops the run with an error.
using WorkerHandlerFactory = std::function<Handler(int worker)>;

// Runs the load inside a benchmark function (one load run per iteration; register with
// Iterations(1) and UseManualTime(), or use register_load) and publishes the counters:
//   first_byte_{p50,p90,p95,p99,p999,max,mean}_ns, first_byte_count
//   completion_{p50,p90,p95,p99,p999,max,mean}_ns, completion_count
//   requests_attempts, requests_errors, requests_error_ratio, requests_success_ratio,
//   requests_invariant_violations
//   requests_per_s, worker_p5_per_s, worker_min_per_s, worker_mean_per_s, load_workers
//   session_rate_{p5,p50,p95,p99,min,max,mean}_per_s, session_rate_count (only if message() was used)
//   heap_growth_bytes (only when perfgate::slo_heap is linked), rss_growth_bytes,
//   memory_growth_bytes_per_hour, peak_rss_bytes
// Only requests that start and complete inside the measured period are counted; those in flight
// at its end are completed (the workers are joined) but not counted.
void run_load(benchmark::State& state, const LoadOptions& options, const Handler& handler);
void run_load_per_worker(benchmark::State& state, const LoadOptions& options,
                         const WorkerHandlerFactory& make_handler);

// Registers a load benchmark: Iterations(1), UseManualTime(), Unit(kMillisecond). Chain ->Repetitions(n) for more load runs.
benchmark::internal::Benchmark* register_load(const std::string& name, LoadOptions options,
                                              Handler handler);
benchmark::internal::Benchmark* register_load_per_worker(const std::string& name,
                                                         LoadOptions options,
                                                         WorkerHandlerFactory make_handler);

}  // namespace perfgate::slo
