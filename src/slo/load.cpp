// The load harness (include/perfgate/slo/load.hpp, docs/slo.md "Load harness").
//
// One load run: the benchmark's thread starts the workers, waits until each has made its handler,
// lets them call it for the warm-up, then switches the shared phase to "measured", samples memory
// at intervals for the measured duration, switches the phase to "stopped" and joins the workers.
// A worker reads the phase before and after each request: only a request that starts and ends
// while the phase is "measured" is recorded. After the join, the benchmark's thread merges the
// workers' numbers and publishes them as its own counters (no other thread touches the State).
#include <perfgate/slo/benchmark.hpp>
#include <perfgate/slo/load.hpp>

#include "publish.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

// The live heap bytes of perfgate::slo_heap, when the program links it: a weak reference, so that
// perfgate::slo does not need perfgate::slo_heap (heap.hpp declares it; heap.cpp defines it).
#if defined(__GNUC__) || defined(__clang__)
namespace perfgate::slo {
std::int64_t live_heap_bytes() noexcept __attribute__((weak));
}
#define PERFGATE_SLO_WEAK_HEAP 1
#endif

namespace perfgate::slo {

namespace {

enum class Phase { setup, warmup, measured, stopped };

// What one worker recorded over the measured period of one run.
struct WorkerResult {
  LogHistogram first_byte;
  LogHistogram completion;
  LogHistogram session_rate;  // thousandths of messages per second, as ValueRecorder keeps them
  std::uint64_t successes = 0;
  std::uint64_t errors = 0;
  std::uint64_t violations = 0;
  bool messages_used = false;
  std::string setup_error;  // non-empty: the worker could not make its handler
};

// --- The environment ---------------------------------------------------------------------------

const char* k_profile_variable = "PERFGATE_PROFILE";
const char* k_workers_variable = "PERFGATE_LOAD_WORKERS";
const char* k_duration_variable = "PERFGATE_LOAD_DURATION_MS";
const char* k_warmup_variable = "PERFGATE_LOAD_WARMUP_MS";

constexpr std::uint64_t k_max_workers = 10'000;
constexpr std::uint64_t k_max_milliseconds = 30ULL * 24 * 3600 * 1000;  // 30 days

// A whole number in [low, high] written with digits only; nullopt otherwise.
std::optional<std::uint64_t> parse_whole(const std::string& text, std::uint64_t low,
                                         std::uint64_t high) {
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const std::uint64_t value = std::stoull(text);
  if (value < low || value > high) {
    return std::nullopt;
  }
  return value;
}

std::string invalid(const char* variable, const std::string& value, const std::string& expected) {
  return std::string("perfgate load: ") + variable + "=\"" + value + "\" is not valid: expected " +
         expected;
}

// Sets `value` from the variable when it is set: false, with `error`, when the variable's text is
// not a whole number of `what` from `low` to `high`.
bool read_whole(const char* variable, std::uint64_t low, std::uint64_t high, const char* what,
                std::optional<std::uint64_t>& value, std::string& error) {
  const char* text = std::getenv(variable);
  if (text == nullptr) {
    return true;
  }
  const auto parsed = parse_whole(text, low, high);
  if (!parsed) {
    error = invalid(variable, text,
                    "a whole number of " + std::string(what) + " from " + std::to_string(low) +
                        " to " + std::to_string(high));
    return false;
  }
  value = parsed;
  return true;
}

// The profile the environment asks for, or the error that says why it cannot be used.
LoadProfile choose_profile(const LoadOptions& options, std::string& error) {
  LoadProfile profile = options.normal;
  const char* name = std::getenv(k_profile_variable);
  if (name != nullptr && *name != '\0') {
    const std::string chosen = name;
    if (chosen == "smoke") {
      profile = options.smoke;
    } else if (chosen == "default") {
      profile = options.normal;
    } else if (chosen == "stress") {
      profile = options.stress;
    } else if (chosen == "soak") {
      profile = options.soak;
    } else {
      error = invalid(k_profile_variable, chosen,
                      "one of smoke, default, stress, soak (unset means default)");
      return profile;
    }
  }
  std::optional<std::uint64_t> workers;
  std::optional<std::uint64_t> duration;
  std::optional<std::uint64_t> warmup;
  if (!read_whole(k_workers_variable, 1, k_max_workers, "workers", workers, error) ||
      !read_whole(k_duration_variable, 1, k_max_milliseconds, "milliseconds", duration, error) ||
      !read_whole(k_warmup_variable, 0, k_max_milliseconds, "milliseconds", warmup, error)) {
    return profile;
  }
  if (workers) {
    profile.workers = static_cast<int>(*workers);
  }
  if (duration) {
    profile.duration = std::chrono::milliseconds(static_cast<std::int64_t>(*duration));
  }
  if (warmup) {
    profile.warmup = std::chrono::milliseconds(static_cast<std::int64_t>(*warmup));
  }
  if (profile.workers < 1 || profile.duration.count() < 1 || profile.warmup.count() < 0) {
    error = "perfgate load: the chosen profile has " + std::to_string(profile.workers) +
            " workers, a duration of " + std::to_string(profile.duration.count()) +
            " ms and a warm-up of " + std::to_string(profile.warmup.count()) +
            " ms: expected at least 1 worker, 1 ms and 0 ms (LoadOptions)";
  }
  return profile;
}

// --- Memory ------------------------------------------------------------------------------------

bool heap_counted() noexcept {
#if defined(PERFGATE_SLO_WEAK_HEAP)
  return &live_heap_bytes != nullptr;
#else
  return false;
#endif
}

// The resident set size now (/proc/self/statm), in bytes; nullopt where unknown.
std::optional<double> rss_bytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) {
    return std::nullopt;
  }
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int read = std::fscanf(file, "%llu %llu", &size, &resident);
  std::fclose(file);
  const long page = sysconf(_SC_PAGESIZE);
  if (read != 2 || page <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(resident) * static_cast<double>(page);
}

// The memory in use now: live heap bytes when counted, else RSS.
std::optional<double> memory_in_use() {
#if defined(PERFGATE_SLO_WEAK_HEAP)
  if (heap_counted()) {
    return static_cast<double>(live_heap_bytes());
  }
#endif
  return rss_bytes();
}

struct MemorySample {
  double seconds;  // since the start of the (first) measured period, measured time only
  double bytes;
};

// The least-squares slope of bytes over seconds; 0 with fewer than two distinct times.
double slope(const std::vector<MemorySample>& samples) {
  if (samples.size() < 2) {
    return 0;
  }
  double mean_t = 0;
  double mean_b = 0;
  for (const MemorySample& s : samples) {
    mean_t += s.seconds;
    mean_b += s.bytes;
  }
  mean_t /= static_cast<double>(samples.size());
  mean_b /= static_cast<double>(samples.size());
  double covariance = 0;
  double variance = 0;
  for (const MemorySample& s : samples) {
    covariance += (s.seconds - mean_t) * (s.bytes - mean_b);
    variance += (s.seconds - mean_t) * (s.seconds - mean_t);
  }
  return variance > 0 ? covariance / variance : 0;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::uint64_t nanoseconds_between(Clock::time_point from, Clock::time_point to) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
  return ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
}

std::uint64_t thousandths(double value) {
  return static_cast<std::uint64_t>(std::min(std::max(value, 0.0), 1e15) * 1000.0 + 0.5);
}

}  // namespace

// --- One worker --------------------------------------------------------------------------------

// Named (not in the anonymous namespace) because Request befriends it.
class LoadWorker {
 public:
  static void run(int worker, const WorkerHandlerFactory& make_handler,
                  const std::atomic<Phase>& phase, std::atomic<int>& ready, WorkerResult& out) {
    Handler handler;
    try {
      handler = make_handler(worker);
      if (!handler) {
        out.setup_error = "the handler factory returned an empty handler";
      }
    } catch (const std::exception& e) {
      out.setup_error = std::string("the handler factory threw: ") + e.what();
    } catch (...) {
      out.setup_error = "the handler factory threw an exception that is not a std::exception";
    }
    ready.fetch_add(1, std::memory_order_acq_rel);
    if (!out.setup_error.empty()) {
      return;
    }
    while (phase.load(std::memory_order_acquire) == Phase::setup) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    for (std::uint64_t index = 0;; ++index) {
      const Phase at_start = phase.load(std::memory_order_acquire);
      if (at_start == Phase::stopped) {
        return;
      }
      Request request;
      request.m_worker = worker;
      request.m_index = index;
      request.m_warmup = at_start != Phase::measured;
      request.m_start = now();
      try {
        handler(request);
      } catch (...) {
        request.m_failed = true;  // documented: an exception is a failed request
      }
      const Clock::time_point end = now();
      if (at_start != Phase::measured || phase.load(std::memory_order_acquire) != Phase::measured) {
        continue;  // warm-up, or in flight at the end of the measured period
      }
      const std::uint64_t completion = nanoseconds_between(request.m_start, end);
      out.completion.record(completion);
      out.first_byte.record(request.m_has_first_byte
                                ? std::min(completion, nanoseconds_between(request.m_start,
                                                                           request.m_first_byte))
                                : completion);
      if (request.m_failed) {
        ++out.errors;
      } else {
        ++out.successes;
      }
      out.violations += request.m_violations;
      if (request.m_messages > 0) {
        out.messages_used = true;
      }
      const double seconds = static_cast<double>(completion) / 1e9;
      out.session_rate.record(
          thousandths(seconds > 0 ? static_cast<double>(request.m_messages) / seconds : 0.0));
    }
  }
};

// --- One benchmark: load runs, then the counters --------------------------------------------------

void run_load_per_worker(benchmark::State& state, const LoadOptions& options,
                         const WorkerHandlerFactory& make_handler) {
  std::string error;
  const LoadProfile profile = choose_profile(options, error);
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  const auto workers = static_cast<std::size_t>(profile.workers);
  const auto interval = std::max(options.memory_interval, std::chrono::milliseconds(1));

  WorkerResult total;
  LogHistogram worker_rates;  // thousandths of requests per second, one value per worker and run
  double measured_seconds = 0;
  std::vector<MemorySample> memory;
  std::optional<double> rss_start;
  std::optional<double> rss_end;
  std::optional<double> heap_start;
  std::optional<double> heap_end;

  for (auto _ : state) {
    std::vector<std::unique_ptr<WorkerResult>> results;
    results.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) {
      results.push_back(std::make_unique<WorkerResult>());
    }
    std::atomic<Phase> phase{Phase::setup};
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) {
      threads.emplace_back(LoadWorker::run, static_cast<int>(w), std::cref(make_handler),
                           std::cref(phase), std::ref(ready), std::ref(*results[w]));
    }
    while (ready.load(std::memory_order_acquire) < profile.workers) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    for (std::size_t w = 0; w < workers && error.empty(); ++w) {
      if (!results[w]->setup_error.empty()) {
        error = "perfgate load: worker " + std::to_string(w) + ": " + results[w]->setup_error;
      }
    }
    if (!error.empty()) {
      phase.store(Phase::stopped, std::memory_order_release);
      for (std::thread& thread : threads) {
        thread.join();
      }
      state.SkipWithError(error.c_str());
      break;
    }

    phase.store(Phase::warmup, std::memory_order_release);
    std::this_thread::sleep_for(profile.warmup);

    const double offset = measured_seconds;  // samples of later runs follow the earlier ones
    if (!rss_start) {
      rss_start = rss_bytes();
      if (heap_counted()) {
        heap_start = memory_in_use();
      }
    }
    if (const auto bytes = memory_in_use()) {
      memory.push_back({offset, *bytes});
    }
    const Clock::time_point start = now();
    phase.store(Phase::measured, std::memory_order_release);
    const Clock::time_point deadline = start + profile.duration;
    for (Clock::time_point next = start + interval; next < deadline; next += interval) {
      std::this_thread::sleep_until(next);
      if (const auto bytes = memory_in_use()) {
        memory.push_back({offset + seconds_between(start, now()), *bytes});
      }
    }
    std::this_thread::sleep_until(deadline);
    phase.store(Phase::stopped, std::memory_order_release);
    const Clock::time_point end = now();
    for (std::thread& thread : threads) {
      thread.join();  // completes the requests in flight; they are not recorded
    }
    const double seconds = seconds_between(start, end);
    measured_seconds += seconds;
    // After the join, so that what the workers' requests still held is freed: what stays grew.
    if (const auto bytes = memory_in_use()) {
      memory.push_back({offset + seconds, *bytes});
    }
    rss_end = rss_bytes();
    if (heap_counted()) {
      heap_end = memory_in_use();
    }
    state.SetIterationTime(seconds);

    for (const auto& result : results) {
      total.first_byte.merge(result->first_byte);
      total.completion.merge(result->completion);
      total.session_rate.merge(result->session_rate);
      total.successes += result->successes;
      total.errors += result->errors;
      total.violations += result->violations;
      total.messages_used = total.messages_used || result->messages_used;
      const auto completed = static_cast<double>(result->successes + result->errors);
      worker_rates.record(thousandths(seconds > 0 ? completed / seconds : 0.0));
    }
  }
  if (state.error_occurred()) {
    return;
  }

  detail::publish_latency(state, "first_byte", total.first_byte);
  detail::publish_latency(state, "completion", total.completion);
  detail::publish_outcomes(state, "requests", total.successes, total.errors, total.violations);
  const auto completed = static_cast<double>(total.successes + total.errors);
  detail::set_counter(state, "requests_per_s",
                      measured_seconds > 0 ? completed / measured_seconds : 0.0);
  detail::set_counter(state, "worker_p5_per_s", worker_rates.percentile(0.05) / 1000.0);
  detail::set_counter(state, "worker_min_per_s", worker_rates.percentile(0.0) / 1000.0);
  detail::set_counter(state, "worker_mean_per_s", worker_rates.mean() / 1000.0);
  detail::set_counter(state, "load_workers", static_cast<double>(profile.workers));
  if (total.messages_used) {
    detail::publish_values(state, "session_rate", "_per_s", total.session_rate);
  }
  if (heap_start && heap_end) {
    detail::set_counter(state, "heap_growth_bytes", *heap_end - *heap_start);
  }
  if (rss_start && rss_end) {
    detail::set_counter(state, "rss_growth_bytes", *rss_end - *rss_start);
  }
  if (!memory.empty()) {
    detail::set_counter(state, "memory_growth_bytes_per_hour", slope(memory) * 3600.0);
  }
  detail::set_counter(state, "peak_rss_bytes", static_cast<double>(peak_rss_bytes()));
}

void run_load(benchmark::State& state, const LoadOptions& options, const Handler& handler) {
  run_load_per_worker(state, options, [&handler](int) { return handler; });
}

benchmark::internal::Benchmark* register_load_per_worker(const std::string& name,
                                                         LoadOptions options,
                                                         WorkerHandlerFactory make_handler) {
  return benchmark::RegisterBenchmark(
             name.c_str(),
             [options, make_handler = std::move(make_handler)](benchmark::State& state) {
               run_load_per_worker(state, options, make_handler);
             })
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

benchmark::internal::Benchmark* register_load(const std::string& name, LoadOptions options,
                                              Handler handler) {
  return register_load_per_worker(
      name, options, [handler = std::move(handler)](int) { return handler; });
}

}  // namespace perfgate::slo
