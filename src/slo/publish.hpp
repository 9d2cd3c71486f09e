// How the SLO helpers turn pooled numbers into user counters: shared by the recorders
// (benchmark.cpp), which pool their threads' numbers first, and the load harness (load.cpp),
// which merges its workers' numbers itself. Private to perfgate::slo.
#pragma once

#include <perfgate/slo/histogram.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

namespace perfgate::slo::detail {

// <name>_p50_ns ... <name>_p999_ns, <name>_max_ns, <name>_mean_ns, <name>_count.
void publish_latency(benchmark::State& state, const std::string& name,
                     const LogHistogram& nanoseconds);

// <name>_p5<suffix>, _p50, _p95, _p99, _min, _max, _mean and <name>_count, from values kept in
// thousandths (ValueRecorder's scale).
void publish_values(benchmark::State& state, const std::string& name, const std::string& suffix,
                    const LogHistogram& thousandths);

// <name>_attempts, _errors, _error_ratio, _success_ratio, _invariant_violations.
void publish_outcomes(benchmark::State& state, const std::string& name, std::uint64_t successes,
                      std::uint64_t errors, std::uint64_t violations);

void set_counter(benchmark::State& state, const std::string& key, double value);

}  // namespace perfgate::slo::detail
