// Runs Google Benchmark benchmarks registered in this test program and keeps their reports: the
// tests of the SLO helpers check the counters a real Google Benchmark run published.
#pragma once

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace perfgate::slo::test {

// Keeps every iteration run (one per repetition, none of the aggregates).
class Capture : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) {
        iterations.push_back(run);
      }
    }
  }
  std::vector<Run> iterations;
};

using Run = Capture::Run;

// The iteration runs of the benchmarks that `filter` (a Google Benchmark regex) selects.
inline std::vector<Run> run_benchmarks(const std::string& filter) {
  Capture capture;
  benchmark::RunSpecifiedBenchmarks(&capture, filter);
  return capture.iterations;
}

inline bool has(const Run& run, const std::string& name) {
  return run.counters.find(name) != run.counters.end();
}

// The counter's value; a test failure and NaN when the run has no such counter.
inline double counter(const Run& run, const std::string& name) {
  const auto it = run.counters.find(name);
  if (it == run.counters.end()) {
    ADD_FAILURE() << "no counter " << name;
    return std::nan("");
  }
  return it->second.value;
}

}  // namespace perfgate::slo::test
