// The process edge of the instructions lane: stages the benchmark executable, runs it natively to
// list its benchmarks and under valgrind/callgrind to measure each one, polls callgrind's dump
// files and kills valgrind once it has enough timed runs. Everything it decides is decided by
// the pure perfgate::callgrind functions; this file only spawns, waits, reads and removes.
#pragma once

#include "process.hpp"

#include <perfgate/callgrind.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::cli {

// Every process this file starts gets this environment and nothing else, so the benchmark's
// memory layout cannot depend on the caller's environment (and valgrind reads no
// ~/.valgrindrc or $VALGRIND_OPTS). LD_BIND_NOW removes lazy symbol binding from the first run.
// `extra` holds "VAR=value" entries the caller configured explicitly (--env), appended after the
// pinned ones; an entry for PATH or LD_BIND_NOW replaces the pinned value.
std::vector<std::string> pinned_environment(const std::vector<std::string>& extra = {});

struct Staged {
  std::string directory;  // the working directory of every run; holds the copy
  std::string program;    // what is executed, relative to `directory`: "./bench"
  std::string preload;    // the pinned-host library in `directory` (absolute path)
};

// The bytes of the pinned-host library (src/preload/pinned_host.cpp), built into perfgate.
std::string_view pinned_host_library();

// The entries that give a staged benchmark the pinned host (docs/lanes.md, "A pinned host"),
// followed by `extra` (--env): LD_PRELOAD of the pinned-host library (an LD_PRELOAD in `extra` is
// kept after it), TZ=UTC0 (no /etc/localtime), and PERFGATE_STACK_PAD, which fills the initial
// stack up to the size it has on a kernel with callgrind::k_auxv_slots auxiliary-vector entries
// (`auxv_entries` is this kernel's count, host_auxv_entries()). Pass the result as the
// `extra_environment` of the runs that list and measure the benchmark.
std::vector<std::string> pinned_host_environment(const Staged& staged, std::size_t auxv_entries,
                                                 const std::vector<std::string>& extra);

// How many entries (before AT_NULL) the kernel puts in a process's auxiliary vector, from
// /proc/self/auxv; valgrind hands the program as many. nullopt when it cannot be read.
std::optional<std::size_t> host_auxv_entries();

// Copies `executable` to <run folder>/bench, so every run sees the same binary at the same short
// relative path, whatever the build tree is called and even if it is rebuilt meanwhile, and writes
// the pinned-host library next to it (<run folder>/pinned_host.so, `preload`). The run
// folder is a fresh /tmp/perfgate-cg-XXXXXX (mkdtemp), a path of the same length on every machine:
// the counts depend on the length of the working directory's path (measured: bm_perfgate's
// BM_read/10 moves by ~40 instructions per iteration between folders of different path lengths,
// and not between folders of equal length), so a folder inside the build tree would tie a
// baseline to where the build tree lives. The caller removes it (remove_staged). `stage_dir` must
// exist or be creatable (the dump folders live there). nullopt after setting `error`.
std::optional<Staged> stage_executable(const std::string& executable, const std::string& stage_dir,
                                       std::string& error);
// Removes the run folder of `staged`.
void remove_staged(const Staged& staged);
// Removes the /tmp/perfgate-cg-* run folders whose perfgate (named in their perfgate.pid) no
// longer runs: one killed with SIGKILL, e.g. by a test runner's timeout, cannot remove its own.
// stage_executable() calls it.
void remove_abandoned_run_folders();

struct CapturedRun {
  bool started = false;
  bool timed_out = false;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string out;
  std::string err;
};

// Runs argv[0] (an absolute or `cwd`-relative path) with the pinned environment in `cwd`,
// capturing its output through files under `scratch`, killing it after `timeout_seconds`.
// `extra_environment`: see pinned_environment().
CapturedRun run_captured(const std::vector<std::string>& argv, const std::string& cwd,
                         const std::string& scratch, double timeout_seconds,
                         const std::vector<std::string>& extra_environment = {});

// `name` itself when it contains a '/', else the first executable of that name on $PATH.
std::optional<std::string> find_program(const std::string& name);

struct MeasureJob {
  std::string benchmark;
  std::size_t repetition = 0;
};

struct JobOutcome {
  callgrind::Measurement measurement;
  double seconds = 0;      // wall time of the valgrind process
  double cpu_seconds = 0;  // its user + system CPU time
};

// How the benchmarks share valgrind processes (docs/lanes.md, "One valgrind process per suite").
//   fork:    one valgrind process per slot (--jobs) runs the fork server of the pinned-host
//            library, which forks one child per benchmark run, each with the memory layout of a
//            process of its own (so the same counts); valgrind starts --jobs times in all.
//   process: one valgrind process per benchmark run (the design before the fork server).
// Runs the fork server cannot take (a statically linked benchmark ignores the pinned-host library;
// a stack valgrind laid out otherwise; a server that died) are measured in process mode.
enum class Isolation { fork, process };

struct RunnerSettings {
  std::string valgrind;  // absolute path
  Isolation isolation = Isolation::fork;
  std::string stage_dir;
  double timeout_seconds = 120;
  int jobs = 2;
  std::vector<std::string> extra_environment;  // "VAR=value" (--env), see pinned_environment()
  // When the whole measurement must end (perfgate run's test deadline); runs not finished by
  // then are reported as errors. None by default.
  std::optional<Clock::time_point> deadline;
};

// The argument that selects one benchmark: "--benchmark_filter=" + callgrind::exact_filter(name).
std::string filter_argument(const std::string& benchmark);

// The argument that makes the staged program the fork server of slot `slot`; shorter than any
// filter_argument() (src/preload/pinned_host.cpp needs that).
std::string fork_server_argument(int slot);

// The valgrind command line that runs `program argument --benchmark_min_time=1e9 ...` under
// callgrind (docs/lanes.md); `argument` is a filter_argument() or a fork_server_argument().
std::vector<std::string> callgrind_command(const std::string& valgrind, const std::string& out_file,
                                           const std::string& program,
                                           const std::string& argument);

struct CallgrindRun {
  std::vector<JobOutcome> outcomes;  // in job order
  double cpu_seconds = 0;            // user + system CPU time of every valgrind process
  std::size_t valgrind_processes = 0;
  std::size_t forked_runs = 0;     // jobs measured in a child of a fork server
  std::vector<std::string> notes;  // why runs fell back to a valgrind process each
};

// Measures every job, `settings.jobs` valgrind processes at a time (see Isolation); `done` is
// called as each job finishes (in completion order).
CallgrindRun run_callgrind_jobs(
    const Staged& staged, const std::vector<MeasureJob>& jobs, const RunnerSettings& settings,
    const std::function<void(std::size_t job, const JobOutcome&)>& done);

}  // namespace perfgate::cli
