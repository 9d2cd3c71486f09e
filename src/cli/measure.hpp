// The instructions lane's measurement as a function (docs/lanes.md): what `perfgate measure
// instructions` does, callable in-process by `perfgate run` (a suite-level fixture measures a
// suite's whole instructions filter once; each instr.<suite>.<family> test then gates its family
// from that file, after callgrind::measurement_staleness() said it is current).
#pragma once

#include "callgrind_runner.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace perfgate::cli {

struct MeasureRequest {
  std::string executable;  // the Google Benchmark program (required)
  std::string out;         // the results file to write, perfgate.baseline/2 (required)
  std::string filter;      // a --benchmark_filter regex; empty: every benchmark
  std::string suite;       // the suite's name; empty: the executable's file name
  std::string context;     // a perfgate.context/1 file merged into the results' context; or empty
  std::string valgrind = "valgrind";  // a name on $PATH or a path
  std::string stage_dir;   // dump files and probes; empty: callgrind-<out stem> next to `out`
  std::vector<std::string> environment;  // "VAR=VALUE" added to the benchmark's pinned environment
  int jobs = 2;            // valgrind processes at a time
  double timeout = 120;    // seconds per benchmark run before it is killed and reported errored
  int repeat = 1;          // runs per benchmark (threaded benchmarks: at least 3)
  Isolation isolation = Isolation::fork;  // see Isolation (callgrind_runner.hpp)
  // When the whole measurement must end; runs not done by then are errors. None by default.
  std::optional<Clock::time_point> deadline;
  std::string command_line;  // how it was asked for, recorded in the provenance
};

// Measures `request.executable` and writes `request.out`, exactly as the command does; progress
// lines go to `log`, warnings and errors to `errors`. Returns perfgate's exit code: 0 every
// benchmark measured, 2 bad usage or input, 3 a benchmark could not be measured (the file is
// written, the benchmark marked errored), nothing matched the filter, or a SIGINT/SIGTERM/SIGHUP
// arrived (then no file is written; the run folder and every valgrind process are gone, and the
// caller may reraise_termination()).
int measure_instructions(const MeasureRequest& request, std::ostream& log, std::ostream& errors);

}  // namespace perfgate::cli
