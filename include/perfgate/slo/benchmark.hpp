// SLO helpers for Google Benchmark (1.7 and later): per-operation latency percentiles, per-interval
// throughput floors, success ratios and error and invariant counters, peak RSS. Each is recorded
// per thread without locks or allocation and handed over after the timed loop; the last thread
// of a run to hand over publishes the pooled numbers as user counters (docs/slo.md).
//
//   static void BM_request(benchmark::State& state) {
//     perfgate::slo::LatencyRecorder latency(state, "latency");
//     for (auto _ : state) {
//       const auto start = perfgate::slo::now();
//       serve_one();
//       latency.record_since(start);
//     }
//     latency.publish();  // latency_p50_ns ... latency_max_ns, latency_count
//   }
//   BENCHMARK(BM_request)->Threads(4)->UseRealTime();
//
// Counter names end in their unit so that perfgate reads them with it: "_ns" is a time in
// nanoseconds, "_per_s" a rate (higher is better); ratios and counts have no suffix.
#pragma once

#include <perfgate/slo/histogram.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace perfgate::slo {

using Clock = std::chrono::steady_clock;
inline Clock::time_point now() noexcept {
  return Clock::now();
}

// How threads hand over (src/slo/benchmark.cpp): each recorder of a run is pooled under its kind
// and name; publish() merges this thread's numbers into the pool under a lock, and the last of the
// run's recorders of that name to do so sets the counters on its own State and empties the pool
// for the next run. Google Benchmark sums the counters of a run's threads, so the one thread that
// sets them decides their values. Runs and repetitions are sequential; the threads of one run are
// not, but they all pass a barrier before their timed loop, so every recorder of the run exists
// before the first hand-over. Make recorders before the timed loop (in any or all threads) and
// call publish() after it; the destructor publishes if you forget.

// Per-operation latencies of one thread, pooled over the run's threads when published.
// Counters (for name "latency"): latency_p50_ns, latency_p90_ns, latency_p95_ns, latency_p99_ns,
// latency_p999_ns, latency_max_ns, latency_mean_ns and latency_count (the number of samples,
// which says how far a tail percentile can be trusted: docs/slo.md).
class LatencyRecorder {
 public:
  LatencyRecorder(benchmark::State& state, std::string name);
  LatencyRecorder(const LatencyRecorder&) = delete;
  LatencyRecorder& operator=(const LatencyRecorder&) = delete;
  ~LatencyRecorder();  // publishes if publish() was not called

  void record(std::chrono::nanoseconds latency) noexcept {
    m_histogram.record(latency.count() < 0 ? 0 : static_cast<std::uint64_t>(latency.count()));
  }
  void record_ns(std::uint64_t nanoseconds) noexcept { m_histogram.record(nanoseconds); }
  // Records now() - start.
  void record_since(Clock::time_point start) noexcept {
    record(std::chrono::duration_cast<std::chrono::nanoseconds>(now() - start));
  }

  // Hands this thread's histogram over, after the timed loop. Once per recorder.
  void publish();

  const LogHistogram& histogram() const noexcept { return m_histogram; }

 private:
  benchmark::State& m_state;
  std::string m_name;
  LogHistogram m_histogram;
  bool m_published = false;
};

// Throughput per fixed interval of wall time (operations per interval, shown per second), pooled
// over the run's threads interval by interval. The floor of seed 002 is a low percentile of these:
// counters (for name "messages") messages_p5_per_s, messages_p50_per_s, messages_min_per_s,
// messages_mean_per_s and messages_intervals (how many full intervals were seen). The first and
// the last interval of the run are partial and left out when there are more than two.
class RateRecorder {
 public:
  RateRecorder(benchmark::State& state, std::string name,
               std::chrono::nanoseconds interval = std::chrono::milliseconds(100));
  RateRecorder(const RateRecorder&) = delete;
  RateRecorder& operator=(const RateRecorder&) = delete;
  ~RateRecorder();

  // Counts `n` operations done at `when` (pass the time you already read for the latency).
  void tick(Clock::time_point when, std::uint64_t n = 1) {
    const auto since = when - m_epoch;
    const auto index = since.count() < 0 ? 0 : static_cast<std::size_t>(since / m_interval);
    if (index >= m_counts.size()) {
      m_counts.resize(index + 1 + m_counts.size(), 0);  // amortised; reserved for ~100 s
    }
    m_counts[index] += n;
  }
  void tick(std::uint64_t n = 1) { tick(now(), n); }

  void publish();

 private:
  void publish_rates(const std::vector<std::uint64_t>& counts);  // the last hand-over's counters

  benchmark::State& m_state;
  std::string m_name;
  std::chrono::nanoseconds m_interval;
  Clock::time_point m_epoch;  // shared by every thread of the run
  std::vector<std::uint64_t> m_counts;
  bool m_published = false;
};

// Any non-negative per-item values, pooled over the run's threads: e.g. the message rate of each
// session, whose p5 is seed 002's throughput floor ("95 % of sessions reach 10 messages/s").
// Values are kept in thousandths, so the percentiles are within LogHistogram::k_relative_error of
// the exact ones for values of at least 0.128, and within 0.0005 below. `unit_suffix` ends every
// counter's name so that perfgate reads the unit ("_per_s": a rate, "_ns": a time, "": none).
// Counters (for name "session_rate", suffix "_per_s"): session_rate_p5_per_s, _p50_per_s,
// _p95_per_s, _p99_per_s, _min_per_s, _max_per_s, _mean_per_s and session_rate_count.
class ValueRecorder {
 public:
  ValueRecorder(benchmark::State& state, std::string name, std::string unit_suffix);
  ValueRecorder(const ValueRecorder&) = delete;
  ValueRecorder& operator=(const ValueRecorder&) = delete;
  ~ValueRecorder();

  // Negative values count as 0; NaN is not recorded.
  void record(double value) noexcept {
    if (value >= 0) {
      m_histogram.record(static_cast<std::uint64_t>(std::min(value, 1e15) * 1000.0 + 0.5));
    } else if (value < 0) {
      m_histogram.record(0);
    }
  }

  void publish();

 private:
  benchmark::State& m_state;
  std::string m_name;
  std::string m_suffix;
  LogHistogram m_histogram;
  bool m_published = false;
};

// Outcomes of operations: successes, errors and invariant violations. Counters (for name
// "requests"): requests_attempts, requests_errors, requests_error_ratio, requests_success_ratio
// and requests_invariant_violations. Ratios of zero attempts are NaN, which perfgate reports as a
// non-finite value, never as a pass.
class Outcomes {
 public:
  Outcomes(benchmark::State& state, std::string name);
  Outcomes(const Outcomes&) = delete;
  Outcomes& operator=(const Outcomes&) = delete;
  ~Outcomes();

  void success(std::uint64_t n = 1) noexcept { m_successes += n; }
  void error(std::uint64_t n = 1) noexcept { m_errors += n; }
  // An invariant that must never break broke (a zero-only rule gates these).
  void invariant_violation(std::uint64_t n = 1) noexcept { m_violations += n; }

  void publish();

 private:
  benchmark::State& m_state;
  std::string m_name;
  std::uint64_t m_successes = 0;
  std::uint64_t m_errors = 0;
  std::uint64_t m_violations = 0;
  bool m_published = false;
};

// The process's peak resident set size so far (getrusage), in bytes; 0 where unknown.
std::uint64_t peak_rss_bytes();
// Sets the counter peak_rss_bytes on thread 0 only (counters of threads are summed).
void publish_peak_rss(benchmark::State& state);

}  // namespace perfgate::slo
