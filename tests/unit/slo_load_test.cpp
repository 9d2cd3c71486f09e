// The load harness inside real Google Benchmark runs (include/perfgate/slo/load.hpp): loads of a
// few hundred milliseconds registered and run in this process, their reports captured. Every
// assertion is on counts and on orderings that hold sample by sample, never on a time.
#include <perfgate/slo/histogram.hpp>
#include <perfgate/slo/load.hpp>

#include "slo_capture.hpp"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using perfgate::slo::LoadOptions;
using perfgate::slo::LoadProfile;
using perfgate::slo::Request;
using namespace std::chrono_literals;

using perfgate::slo::test::Capture;
using perfgate::slo::test::counter;
using perfgate::slo::test::has;

std::vector<Capture::Run> run_benchmark(const std::string& name) {
  // The full name goes on with "/iterations:1/manual_time" (and "/repeats:n").
  return perfgate::slo::test::run_benchmarks("^" + name + "(/|$)");
}

// Google Benchmark 1.7 reports an error as error_occurred/error_message, 1.8 as skipped.
template <class Run>
auto error_of(const Run& run, int) -> decltype(run.error_occurred, std::string()) {
  return run.error_occurred ? run.error_message : std::string();
}
template <class Run>
auto error_of(const Run& run, long) -> decltype(run.skip_message, std::string()) {
  return run.skipped ? run.skip_message : std::string();
}

// Sets (or unsets, with nullopt) the harness's environment for one test and restores it after.
class Environment {
 public:
  Environment(std::optional<std::string> profile, std::optional<std::string> workers = {},
              std::optional<std::string> duration = {}, std::optional<std::string> warmup = {}) {
    set("PERFGATE_PROFILE", profile);
    set("PERFGATE_LOAD_WORKERS", workers);
    set("PERFGATE_LOAD_DURATION_MS", duration);
    set("PERFGATE_LOAD_WARMUP_MS", warmup);
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  ~Environment() {
    for (const auto& [name, value] : m_saved) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  void set(const std::string& name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name.c_str());
    m_saved.emplace_back(name, old == nullptr ? std::nullopt : std::optional<std::string>(old));
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

// Every profile the same: the tests do not depend on PERFGATE_PROFILE unless they set it.
LoadOptions same_everywhere(LoadProfile profile) {
  LoadOptions options;
  options.smoke = options.normal = options.stress = options.soak = profile;
  options.memory_interval = 50ms;
  return options;
}

const LoadProfile k_four_workers{300ms, 100ms, 4};

TEST(SloLoad, CountsEveryMeasuredRequestOnceWithItsOutcome) {
  const Environment environment(std::nullopt);
  static std::atomic<std::uint64_t> calls{0};
  static std::atomic<std::uint64_t> warmup_calls{0};
  static std::mutex mutex;
  static std::set<int> workers_seen;
  perfgate::slo::register_load(
      "BM_load_test_outcomes", same_everywhere(k_four_workers), [](Request& request) {
        ++calls;
        if (request.warmup()) {
          ++warmup_calls;
        }
        {
          const std::lock_guard<std::mutex> lock(mutex);
          workers_seen.insert(request.worker());
        }
        request.invariant_violation();  // every request: so only the measured ones may count
        std::this_thread::sleep_for(20us);
        request.first_byte();
        std::this_thread::sleep_for(20us);
        if (request.index() % 20 == 9) {
          request.fail();
        } else if (request.index() % 20 == 19) {
          throw std::runtime_error("a failed request");
        }
      });
  const auto runs = run_benchmark("BM_load_test_outcomes");
  ASSERT_EQ(runs.size(), 1U);
  const auto& run = runs[0];
  ASSERT_EQ(error_of(run, 0), "");
  EXPECT_EQ(counter(run, "load_workers"), 4);
  EXPECT_EQ(workers_seen, (std::set<int>{0, 1, 2, 3}));

  const double attempts = counter(run, "requests_attempts");
  ASSERT_GT(attempts, 0);
  EXPECT_EQ(counter(run, "completion_count"), attempts);
  EXPECT_EQ(counter(run, "first_byte_count"), attempts);
  EXPECT_EQ(counter(run, "requests_invariant_violations"), attempts);
  EXPECT_GT(warmup_calls.load(), 0U);
  EXPECT_GE(static_cast<double>(calls.load()), attempts + static_cast<double>(warmup_calls));

  // One request in ten fails (by fail() or by throwing), counted per worker over a contiguous
  // range of its requests: each worker's errors are within one of a tenth of its requests.
  const double errors = counter(run, "requests_errors");
  EXPECT_LE(std::abs(errors - attempts / 10), 4 + 1e-9) << errors << " of " << attempts;
  EXPECT_DOUBLE_EQ(counter(run, "requests_error_ratio"), errors / attempts);
  EXPECT_DOUBLE_EQ(counter(run, "requests_success_ratio"), (attempts - errors) / attempts);

  for (const char* statistic : {"p50", "p90", "p95", "p99", "p999", "max", "mean"}) {
    const std::string suffix = std::string("_") + statistic + "_ns";
    EXPECT_LE(counter(run, "first_byte" + suffix), counter(run, "completion" + suffix))
        << statistic;
    EXPECT_GT(counter(run, "completion" + suffix), 0) << statistic;
  }
  EXPECT_GT(counter(run, "requests_per_s"), 0);
  EXPECT_LE(counter(run, "worker_min_per_s"), counter(run, "worker_p5_per_s"));
  EXPECT_LE(counter(run, "worker_min_per_s"), counter(run, "worker_mean_per_s"));
  // p5 is a histogram percentile (within LogHistogram::k_relative_error); the mean is exact.
  EXPECT_LE(counter(run, "worker_p5_per_s"),
            counter(run, "worker_mean_per_s") * (1 + perfgate::slo::LogHistogram::k_relative_error));
  // The mean per-worker rate is the total rate shared by the workers (thousandths kept).
  EXPECT_NEAR(counter(run, "worker_mean_per_s") * 4, counter(run, "requests_per_s"),
              counter(run, "requests_per_s") * 0.01);
  EXPECT_FALSE(has(run, "session_rate_count"));  // message() was never called
  EXPECT_TRUE(has(run, "peak_rss_bytes"));
  EXPECT_TRUE(has(run, "rss_growth_bytes"));
  EXPECT_TRUE(has(run, "memory_growth_bytes_per_hour"));
  // The manual time is the measured period, about 300 ms: only its existence is checked.
  EXPECT_GT(run.GetAdjustedRealTime(), 0);
}

TEST(SloLoad, WithoutFirstByteTheFirstByteLatencyIsTheCompletionLatency) {
  const Environment environment(std::nullopt);
  perfgate::slo::register_load("BM_load_test_no_first_byte",
                               same_everywhere({200ms, 20ms, 2}),
                               [](Request&) { std::this_thread::sleep_for(50us); });
  const auto runs = run_benchmark("BM_load_test_no_first_byte");
  ASSERT_EQ(runs.size(), 1U);
  for (const char* statistic : {"p50", "p99", "max", "mean"}) {
    const std::string suffix = std::string("_") + statistic + "_ns";
    EXPECT_EQ(counter(runs[0], "first_byte" + suffix), counter(runs[0], "completion" + suffix));
  }
}

TEST(SloLoad, MessagesGiveEveryRequestASessionRate) {
  const Environment environment(std::nullopt);
  perfgate::slo::register_load("BM_load_test_messages", same_everywhere({200ms, 20ms, 3}),
                               [](Request& request) {
                                 std::this_thread::sleep_for(50us);
                                 request.message(5);
                               })
      ->Repetitions(2);
  const auto runs = run_benchmark("BM_load_test_messages");
  ASSERT_EQ(runs.size(), 2U);  // every repetition is a load run of its own
  for (const auto& run : runs) {
    EXPECT_EQ(counter(run, "session_rate_count"), counter(run, "completion_count"));
    EXPECT_GT(counter(run, "session_rate_p5_per_s"), 0);
    EXPECT_LE(counter(run, "session_rate_min_per_s"), counter(run, "session_rate_p5_per_s"));
    EXPECT_LE(counter(run, "session_rate_p5_per_s"), counter(run, "session_rate_p50_per_s"));
    EXPECT_EQ(counter(run, "load_workers"), 3);
  }
}

TEST(SloLoad, TheHeapThatRequestsKeepIsTheGrowth) {
  const Environment environment(std::nullopt);
  static std::mutex mutex;
  static std::vector<char*> kept;
  kept.reserve(1 << 20);  // before the run: in the baseline
  perfgate::slo::register_load("BM_load_test_leak", same_everywhere({300ms, 20ms, 2}),
                               [](Request&) {
                                 std::this_thread::sleep_for(50us);
                                 char* block = new char[1024];
                                 const std::lock_guard<std::mutex> lock(mutex);
                                 if (kept.size() < kept.capacity()) {
                                   kept.push_back(block);
                                 } else {
                                   delete[] block;
                                 }
                               });
  const auto runs = run_benchmark("BM_load_test_leak");
  ASSERT_EQ(runs.size(), 1U);
  const double attempts = counter(runs[0], "requests_attempts");
  // This program links perfgate::slo_heap, so the live heap is counted. Every measured request
  // kept 1 KiB; what else was freed in the period (the workers' handler copies) is far less.
  EXPECT_GE(counter(runs[0], "heap_growth_bytes"), 1024 * attempts - 65536);
  EXPECT_GT(counter(runs[0], "memory_growth_bytes_per_hour"), 0);
  for (char* block : kept) {
    delete[] block;
  }
  kept.clear();
}

LoadOptions distinct_profiles() {
  LoadOptions options;
  options.smoke = {150ms, 10ms, 1};
  options.normal = {150ms, 10ms, 2};
  options.stress = {150ms, 10ms, 5};
  options.soak = {150ms, 10ms, 3};
  return options;
}

void register_distinct(const std::string& name) {
  perfgate::slo::register_load(name, distinct_profiles(),
                               [](Request&) { std::this_thread::sleep_for(100us); });
}

TEST(SloLoad, TheEnvironmentChoosesTheProfile) {
  register_distinct("BM_load_test_profiles");
  const std::pair<std::optional<std::string>, double> cases[] = {
      {std::nullopt, 2}, {"", 2}, {"default", 2}, {"smoke", 1}, {"stress", 5}, {"soak", 3}};
  for (const auto& [profile, workers] : cases) {
    const Environment environment(profile);
    const auto runs = run_benchmark("BM_load_test_profiles");
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(counter(runs[0], "load_workers"), workers) << profile.value_or("(unset)");
  }
}

TEST(SloLoad, TheEnvironmentOverridesSingleValues) {
  register_distinct("BM_load_test_overrides");
  const Environment environment("stress", "4", "120", "0");
  const auto runs = run_benchmark("BM_load_test_overrides");
  ASSERT_EQ(runs.size(), 1U);
  ASSERT_EQ(error_of(runs[0], 0), "");
  EXPECT_EQ(counter(runs[0], "load_workers"), 4);
}

TEST(SloLoad, AnInvalidEnvironmentIsAnErrorNamingTheVariableAndWhatIsAccepted) {
  register_distinct("BM_load_test_invalid");
  struct Case {
    Environment* (*make)();
    std::vector<std::string> mentions;
  };
  const Case cases[] = {
      {[] { return new Environment("fast"); },
       {"PERFGATE_PROFILE", "\"fast\"", "smoke, default, stress, soak"}},
      {[] { return new Environment(std::nullopt, "0"); },
       {"PERFGATE_LOAD_WORKERS", "\"0\"", "from 1 to"}},
      {[] { return new Environment(std::nullopt, "four"); }, {"PERFGATE_LOAD_WORKERS", "four"}},
      {[] { return new Environment(std::nullopt, std::nullopt, "-5"); },
       {"PERFGATE_LOAD_DURATION_MS", "\"-5\"", "milliseconds"}},
      {[] { return new Environment(std::nullopt, std::nullopt, std::nullopt, "1.5"); },
       {"PERFGATE_LOAD_WARMUP_MS", "\"1.5\"", "from 0"}},
  };
  for (const Case& c : cases) {
    const std::unique_ptr<Environment> environment(c.make());
    const auto runs = run_benchmark("BM_load_test_invalid");
    ASSERT_EQ(runs.size(), 1U);
    const std::string error = error_of(runs[0], 0);
    for (const std::string& mention : c.mentions) {
      EXPECT_NE(error.find(mention), std::string::npos) << error << "\nlacks " << mention;
    }
    EXPECT_FALSE(has(runs[0], "requests_attempts"));
  }
}

TEST(SloLoad, EachWorkerMakesItsOwnHandler) {
  const Environment environment(std::nullopt);
  static std::atomic<int> made{0};
  static std::atomic<int> wrong_worker{0};
  perfgate::slo::register_load_per_worker(
      "BM_load_test_per_worker", same_everywhere({150ms, 10ms, 3}), [](int worker) {
        ++made;
        return [worker](Request& request) {
          if (request.worker() != worker) {
            ++wrong_worker;
          }
          std::this_thread::sleep_for(50us);
        };
      });
  const auto runs = run_benchmark("BM_load_test_per_worker");
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(made.load(), 3);
  EXPECT_EQ(wrong_worker.load(), 0);
  EXPECT_GT(counter(runs[0], "requests_attempts"), 0);
}

TEST(SloLoad, AWorkerThatCannotMakeItsHandlerStopsTheRunWithAnError) {
  const Environment environment(std::nullopt);
  perfgate::slo::register_load_per_worker(
      "BM_load_test_setup_fails", same_everywhere({150ms, 10ms, 3}),
      [](int worker) -> perfgate::slo::Handler {
        if (worker == 2) {
          throw std::runtime_error("no connection");
        }
        return [](Request&) {};
      });
  const auto runs = run_benchmark("BM_load_test_setup_fails");
  ASSERT_EQ(runs.size(), 1U);
  const std::string error = error_of(runs[0], 0);
  EXPECT_NE(error.find("worker 2"), std::string::npos) << error;
  EXPECT_NE(error.find("no connection"), std::string::npos) << error;
}

}  // namespace
