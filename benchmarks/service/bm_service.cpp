// The seeds as benchmarks (docs/slo.md, "The seeds as gates"): the example service (service.hpp)
// under the load harness (perfgate/slo/load.hpp), gated by gates/service-streaming.json (seed
// 002), gates/service-codec.json (seed 003) and gates/service-batch.json (seed 004).
//
//   BM_stream_sessions  seed 002: sessions that stream 8 messages each; every 25th reconnects
//                       half-way and resumes its stream (reconnect_* counters)
//   BM_encode, BM_verify  seed 003: single-thread codec operations after warm-up runs
//   BM_batch_patches    seed 004: batches of 16 patches through the pool; patches_per_s
//
// The environment picks the profile (PERFGATE_PROFILE, read by the harness; the codec's operation
// counts follow it too) and injects faults at run time, so tests need no rebuild:
//   SERVICE_SPIKE_PCT=<p>   p % of the requests (spread evenly) wait SERVICE_SPIKE_MS more
//   SERVICE_SPIKE_MS=<ms>   the spike's extra wait (default 100)
//   SERVICE_ERROR_PCT=<p>   p % of the requests (spread evenly) fail
//   SERVICE_INVARIANT_VIOLATIONS=<n>  the first n requests of the measured period break the
//                           stream's sequence, which the client detects as an invariant violation
// Faults apply to the measured period only, never to the harness's warm-up.
#include "service.hpp"

#include <perfgate/slo/benchmark.hpp>
#include <perfgate/slo/load.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

namespace {

constexpr int k_session_messages = 8;   // seed 002: messages per (short, simulated) session
constexpr int k_message_work = 300;     // rounds of arithmetic per message
constexpr std::uint64_t k_reconnect_every = 25;  // every 25th session reconnects half-way
constexpr int k_batch_patches = 16;     // seed 004: patches per batch
constexpr int k_patch_work = 150;       // rounds of arithmetic per patch

// ---- fault injection -----------------------------------------------------------------------

struct Faults {
  std::uint64_t spike_ppm = 0;  // requests with a spike, in parts per million; 0 = none
  std::chrono::milliseconds spike{100};
  std::uint64_t error_ppm = 0;
  std::uint64_t violations = 0;
};

// A variable's value as a number in [low, high], or an error naming the variable.
std::optional<double> read_number(const char* name, double low, double high, const char* expected,
                                  std::string& error) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text, &end);
  if (errno != 0 || *end != '\0' || !(value >= low && value <= high)) {
    error = std::string(name) + "='" + text + "' is not valid: expected " + expected;
    return std::nullopt;
  }
  return value;
}

// p % in parts per million.
std::uint64_t ppm(double percent) {
  return static_cast<std::uint64_t>(std::llround(percent * 10000.0));
}

// Whether request `ordinal` (1, 2, ...) is one of `rate_ppm` per million, spread evenly: the
// first n requests hold floor(n × rate) of them, so 6 % is exactly 6 in every 100 (3 in 50).
bool picked(std::uint64_t ordinal, std::uint64_t rate_ppm) {
  return rate_ppm != 0 && ordinal * rate_ppm / 1000000 > (ordinal - 1) * rate_ppm / 1000000;
}

Faults read_faults(std::string& error) {
  Faults faults;
  if (const auto pct = read_number("SERVICE_SPIKE_PCT", 0, 100, "a percentage from 0 to 100", error)) {
    faults.spike_ppm = ppm(*pct);
  }
  if (const auto ms = read_number("SERVICE_SPIKE_MS", 0, 600000, "milliseconds from 0 to 600000", error)) {
    faults.spike = std::chrono::milliseconds(static_cast<long long>(*ms));
  }
  if (const auto pct = read_number("SERVICE_ERROR_PCT", 0, 100, "a percentage from 0 to 100", error)) {
    faults.error_ppm = ppm(*pct);
  }
  if (const auto n = read_number("SERVICE_INVARIANT_VIOLATIONS", 0, 1e12, "a count of 0 or more", error)) {
    faults.violations = static_cast<std::uint64_t>(*n);
  }
  return faults;
}

// What one measured request gets, decided by its number in the measured period (1, 2, ...,
// counted over all workers), so the spacing is exact whatever the concurrency.
struct Plan {
  std::uint64_t ordinal = 0;  // 0 for a warm-up request
  bool spike = false;
  bool fail = false;
  bool corrupt = false;
};

class FaultPlan {
 public:
  explicit FaultPlan(const Faults& faults) : m_faults(faults) {}
  Plan next(const perfgate::slo::Request& request) {
    Plan plan;
    if (request.warmup()) {
      return plan;
    }
    plan.ordinal = m_measured.fetch_add(1, std::memory_order_relaxed) + 1;
    plan.spike = picked(plan.ordinal, m_faults.spike_ppm);
    plan.fail = picked(plan.ordinal, m_faults.error_ppm);
    plan.corrupt = plan.ordinal <= m_faults.violations;
    return plan;
  }
  std::chrono::milliseconds spike() const { return m_faults.spike; }

 private:
  Faults m_faults;
  std::atomic<std::uint64_t> m_measured{0};
};

int pool_threads() {
  return static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
}

// The load profiles of the service's benchmarks: seed 002's smoke / default / stress / soak
// (10 s with 5 sessions, 60 s/50, 300 s/200, 3600 s/50) scaled down to seconds.
perfgate::slo::LoadOptions load_options() {
  perfgate::slo::LoadOptions options;
  options.smoke = {std::chrono::seconds(2), std::chrono::milliseconds(200), 4};
  options.normal = {std::chrono::seconds(5), std::chrono::milliseconds(500), 16};
  options.stress = {std::chrono::seconds(20), std::chrono::seconds(1), 64};
  options.soak = {std::chrono::seconds(60), std::chrono::seconds(2), 8};
  return options;
}

// Reads one stream to its end: counts the messages and checks that the sequence has no gap.
struct StreamRead {
  std::uint32_t next_sequence = 0;
  int messages = 0;
  bool gap = false;
  std::uint64_t last = 0;
};
bool read_stream(service::Reply& reply, perfgate::slo::Request& request, StreamRead& read,
                 int stop_after = -1) {
  service::Chunk chunk;
  while ((stop_after < 0 || read.messages < stop_after) && reply.next(chunk)) {
    request.first_byte();
    request.message();
    read.gap = read.gap || chunk.sequence != read.next_sequence;
    read.next_sequence = chunk.sequence + 1;
    read.last = chunk.value;
    ++read.messages;
  }
  return stop_after >= 0 && read.messages == stop_after ? true : reply.ok();
}

// ---- seed 002: streaming sessions ------------------------------------------------------------

void BM_stream_sessions(benchmark::State& state) {
  std::string error;
  const Faults faults = read_faults(error);
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  FaultPlan plan(faults);
  service::Service service(pool_threads());
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::uint64_t> reconnected{0};
  perfgate::slo::Outcomes reconnect(state, "reconnect");
  perfgate::slo::run_load(state, load_options(), [&](perfgate::slo::Request& request) {
    const Plan p = plan.next(request);
    service::Job job;
    job.seed = (static_cast<std::uint64_t>(request.worker()) << 40) + request.index();
    job.chunks = k_session_messages;
    job.work = k_message_work;
    job.delay = p.spike ? plan.spike() : std::chrono::milliseconds(0);
    job.fail = p.fail;
    job.corrupt = p.corrupt;
    StreamRead read;
    bool ok = false;
    if (p.ordinal != 0 && p.ordinal % k_reconnect_every == 0) {
      // The connection drops half-way; the client reconnects and resumes the stream.
      auto first = service.submit(job);
      read_stream(*first, request, read, k_session_messages / 2);
      reconnects.fetch_add(1, std::memory_order_relaxed);
      service::Job rest = job;
      rest.seed = read.last;
      rest.first_sequence = read.next_sequence;
      rest.chunks = k_session_messages - read.messages;
      rest.delay = std::chrono::milliseconds(0);
      rest.corrupt = false;
      auto resumed = service.submit(rest);
      ok = read_stream(*resumed, request, read);
      if (ok && read.messages == k_session_messages) {
        reconnected.fetch_add(1, std::memory_order_relaxed);
      }
    } else {
      ok = read_stream(*service.submit(job), request, read);
    }
    if (!ok || read.messages != k_session_messages) {
      request.fail();
    }
    if (read.gap) {
      request.invariant_violation();
    }
  });
  reconnect.success(reconnected.load());
  reconnect.error(reconnects.load() - reconnected.load());
  reconnect.publish();
}

// ---- seed 004: batches of patches ------------------------------------------------------------

void BM_batch_patches(benchmark::State& state) {
  std::string error;
  const Faults faults = read_faults(error);
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  FaultPlan plan(faults);
  service::Service service(pool_threads());
  perfgate::slo::run_load(state, load_options(), [&](perfgate::slo::Request& request) {
    const Plan p = plan.next(request);
    service::Job job;
    job.seed = (static_cast<std::uint64_t>(request.worker()) << 40) + request.index();
    job.chunks = k_batch_patches;  // one acknowledgement per applied patch
    job.work = k_patch_work;
    job.delay = p.spike ? plan.spike() : std::chrono::milliseconds(0);
    job.fail = p.fail;
    job.corrupt = p.corrupt;
    StreamRead read;
    const bool ok = read_stream(*service.submit(job), request, read);
    if (!ok || read.messages != k_batch_patches) {
      request.fail();
    }
    if (read.gap) {
      request.invariant_violation();  // a patch was lost
    }
  });
  // Seed 004's throughput: patches applied per second (the batches that succeeded).
  const auto& counters = state.counters;
  const auto value = [&counters](const char* name) {
    const auto it = counters.find(name);
    return it == counters.end() ? 0.0 : static_cast<double>(it->second.value);
  };
  state.counters["patches_per_s"] =
      value("requests_per_s") * value("requests_success_ratio") * k_batch_patches;
}

// ---- seed 003: encode and verify -------------------------------------------------------------

// Operations per repetition: a p95 needs 2,000 samples (docs/slo.md), so even smoke has more.
std::optional<benchmark::IterationCount> codec_operations(std::string& error) {
  const char* profile = std::getenv("PERFGATE_PROFILE");
  const std::string name = profile == nullptr ? "" : profile;
  if (name == "smoke") {
    return 3000;
  }
  if (name.empty() || name == "default" || name == "soak") {
    return 10000;
  }
  if (name == "stress") {
    return 40000;
  }
  error = "PERFGATE_PROFILE='" + name + "' is not one of smoke, default, stress, soak";
  return std::nullopt;
}

constexpr int k_warmup_runs = 20;  // seed 003's warm-up runs, not recorded

std::size_t encode_bytes(std::string& error) {
  const auto kb = read_number("SERVICE_ENCODE_KB", 1, 1 << 20, "KiB from 1 to 1048576", error);
  return static_cast<std::size_t>(kb ? *kb : 64) * 1024;
}

void BM_encode(benchmark::State& state) {
  std::string error;
  std::string payload(encode_bytes(error), '\0');
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(service::work(i, 1));
  }
  for (int i = 0; i < k_warmup_runs; ++i) {
    benchmark::DoNotOptimize(service::encode(payload));
  }
  perfgate::slo::LatencyRecorder latency(state, "encode");
  for (auto _ : state) {
    const auto start = perfgate::slo::now();
    auto encoded = service::encode(payload);
    benchmark::DoNotOptimize(encoded);
    latency.record_since(start);
  }
  latency.publish();
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()));
}

void BM_verify(benchmark::State& state) {
  std::string stored(4096, '\0');
  for (std::size_t i = 0; i < stored.size(); ++i) {
    stored[i] = static_cast<char>(service::work(i, 1));
  }
  const std::uint64_t expected = service::digest(stored);
  for (int i = 0; i < k_warmup_runs; ++i) {
    benchmark::DoNotOptimize(service::verify(stored, expected));
  }
  perfgate::slo::LatencyRecorder latency(state, "verify");
  perfgate::slo::Outcomes verified(state, "verified");
  for (auto _ : state) {
    const auto start = perfgate::slo::now();
    const bool ok = service::verify(stored, expected);
    latency.record_since(start);
    ok ? verified.success() : verified.error();
  }
  latency.publish();
  verified.publish();
}

void register_benchmarks() {
  for (const auto& [name, function] :
       {std::pair{"BM_stream_sessions", &BM_stream_sessions}, std::pair{"BM_batch_patches", &BM_batch_patches}}) {
    benchmark::RegisterBenchmark(name, function)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  std::string error;
  const auto operations = codec_operations(error);
  for (const auto& [name, function] :
       {std::pair{"BM_encode", &BM_encode}, std::pair{"BM_verify", &BM_verify}}) {
    if (operations) {
      benchmark::RegisterBenchmark(name, function)->Iterations(*operations)->Unit(benchmark::kMicrosecond);
    } else {
      benchmark::RegisterBenchmark(name, [error](benchmark::State& state) {
        state.SkipWithError(error.c_str());
        for (auto _ : state) {
        }
      })->Iterations(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
