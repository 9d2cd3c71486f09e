// `perfgate run`: the program every registered perfgate test runs (docs/architecture.md, "How a
// gate test runs"). The decisions are perfgate::run's (include/perfgate/run_plan.hpp); these files
// are the edge: they read the machine, start processes, write the artifacts and say the verdict.
//   run_main.cpp      options, dispatch, the end of every run (run.json, fallback reports)
//   run_context.cpp   the run context: host, build, git commit, classes
//   run_process.cpp   benchmark runs: warm-up, measured run, their checks
//   run_gate.cpp      the gate tests: stored baseline with confirmation, paired, instructions
//   run_fixtures.cpp  validate, bootstrap, record
#pragma once

#include "common.hpp"
#include "process.hpp"

#include <perfgate/contention.hpp>
#include <perfgate/evaluate.hpp>
#include <perfgate/run_config.hpp>
#include <perfgate/run_plan.hpp>
#include <perfgate/run_record.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perfgate::cli {

// Ends a run early: thrown by a step that cannot go on, caught by run_main, which writes run.json
// and the fallback reports and returns the status's exit code.
struct RunEnd {
  run::Status status;
  std::string summary;
};

struct RunState {
  RunConfig config;
  run::Mode mode = run::Mode::perf;
  run::Lane lane = run::Lane::perf;
  std::string test;
  std::string family;
  std::string benchmarks;  // the family's --benchmark_filter ("" = the lane's whole filter)
  std::string artifacts;   // this run's folder
  std::string executable;  // the candidate's executable
  std::string repository;  // the source tree's repository root (git), else the source folder
  Clock::time_point started = Clock::now();
  double hard_limit = 0;  // seconds after `started`
  run::MeasureSettings settings;
  run::ReferenceSetting reference;

  std::map<std::string, std::string> context;  // context.json
  run::ClassChoice runner;
  run::ClassChoice toolchain;
  run::BaselineChoice baseline;
  RunInfo info;        // every report's header
  RunLog record;       // run.json
  // The load around each measured benchmark run (contention.hpp), in the order they ran.
  std::vector<LoadReport> loads;
  // The result of the gate look the test's verdict rests on (the last one with reports): what the
  // history store keeps.
  std::optional<GateResult> gated;
  std::string started_at_ms = utc_now_ms();  // when this run started, for the history store

  // Adds a line to every report's conditions (once).
  void add_condition(const std::string& condition);

  [[nodiscard]] bool paired() const { return !reference.path.empty(); }
  [[nodiscard]] double seconds_left() const { return hard_limit - seconds_since(started); }
  [[nodiscard]] std::string path(const std::string& name) const { return artifacts + "/" + name; }
  // The environment variable `name` of this process, "" when unset.
  static std::string env(const char* name);
};

// run_context.cpp
void collect_context(RunState& state);
void write_context(const RunState& state);

// run_process.cpp
struct BenchmarkRun {
  std::string executable;
  std::string filter;      // --benchmark_filter; "" = every benchmark
  std::size_t repetitions = 1;
  std::string results;     // --benchmark_out, absolute
  std::string log;         // the console output, relative to the artifact folder
  std::string role = "measure";
  std::string what = "the benchmark";  // for messages
  bool makes_baseline = false;          // BASELINE_UNSET_ENV removed from its environment
  bool warmup = true;
};
// Runs the warm-up and the measured run; throws RunEnd on any failure, after printing the log.
void run_benchmark(RunState& state, const BenchmarkRun& run);
// The environment of a benchmark process: ctest's, with ENVIRONMENT applied and, for a run that
// makes a baseline, BASELINE_UNSET_ENV removed.
std::vector<std::string> benchmark_environment(const RunState& state, bool makes_baseline);
// Runs perfgate itself (e.g. `perfgate measure instructions`), output into `log`.
ProcessOutcome run_perfgate(RunState& state, const std::vector<std::string>& arguments,
                            const std::string& role, const std::string& log);
void print_file(const std::string& path);

// run_gate.cpp
struct GateCall {
  std::vector<std::string> baseline;   // stored lane: one file
  std::vector<std::string> reference;  // paired lane: one file per run
  std::vector<std::string> results;
  std::string policy;
  std::string report_dir;  // "" = no reports (an interim look)
  bool warn_only = false;
  std::size_t sequential = 0;
  bool print = true;  // text report and CTest measurements to stdout
};
struct GateOutcome {
  int exit = 3;
  GateResult result;
};
GateOutcome run_gate(RunState& state, const GateCall& call);
// The waiver file of a gate under `policy`: WAIVERS, else waivers.json beside the policy when it
// exists, else "" (none).
std::string waivers_path(const RunConfig& config, const std::string& policy);
// run_evidence.cpp: the digests of the files a gate with reports read, into run.json.
void record_evidence(RunState& state, const GateCall& call);
// Every report format into `dir` (none when empty); `print`: the text report and the CTest
// measurements to stdout too. False after saying why a report could not be written.
bool write_reports(const RunState& state, const GateResult& result, const std::string& dir,
                   bool print);
run::Outcome run_gate_test(RunState& state);

// run_history.cpp
// The history store of this run: PERFGATE_HISTORY (a path, or "off"), else the run
// configuration's; "" = none.
std::string history_path(const RunState& state);
// Each decision's recent band from the store, when it has the series.
void attach_history(RunState& state, GateResult& result);
// Appends the gated result to the store and writes history.json; a passing test whose run could
// not be stored ends in an error.
run::Outcome store_history(RunState& state, run::Outcome outcome);

// run_fixtures.cpp
run::Outcome run_validate(RunState& state);
run::Outcome run_bootstrap(RunState& state);
run::Outcome run_record(RunState& state);
// The instructions lane's measurement of `filter` into `out` (exit code of perfgate measure), and
// the arguments that decide what it measures (the variables of ENVIRONMENT and FORWARD_ENV, less
// BASELINE_UNSET_ENV for a run that makes a baseline).
int measure_instructions(RunState& state, const std::string& filter, const std::string& out,
                         bool makes_baseline);
std::vector<std::string> measure_arguments(const RunState& state, const std::string& filter,
                                           bool makes_baseline, bool announce);

// run_suite_measure.cpp: the suite measured once by the bootstrap.instr fixture.
std::string suite_measurement(const RunState& state);
void measure_suite(RunState& state);
std::optional<std::string> current_suite_measurement(const RunState& state);

}  // namespace perfgate::cli
