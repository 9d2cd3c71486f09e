// The run configuration of one suite ("perfgate.run-config/1"): everything perfgate_add_benchmarks()
// knows at configure time that `perfgate discover` and `perfgate run` need at test time. CMake
// writes it (file(GENERATE), one file per suite and build configuration); the library reads and
// validates it like every other input (docs/cmake-module.md, docs/formats.md).
#pragma once

#include <perfgate/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// The CTest properties of one kind of test, as CMake registered them (registration facts).
struct TestProperties {
  std::vector<std::string> labels;
  double timeout = 0;  // seconds; 0 = none
  bool run_serial = false;
  std::size_t processors = 1;
  std::string resource_lock;  // "" = none
  std::vector<std::string> fixtures_required;
  std::vector<std::string> environment;  // "VAR=value"
};

struct BuildFacts {
  std::string type;  // CMAKE_BUILD_TYPE or the configuration; "" = none
  std::string cxx_compiler;
  std::string cxx_compiler_id;       // "GNU", "Clang", ...
  std::string cxx_compiler_version;  // "12.2.0"
  std::string cxx_flags;             // CMAKE_CXX_FLAGS and the configuration's flags
  std::string target_flags;          // the target's COMPILE_OPTIONS
  std::string benchmark_version;     // Google Benchmark's, from CMake; "unknown" when not found
};

struct RunConfig {
  std::string source;  // where it was read from (for messages)

  std::string suite;
  std::string target;
  std::string executable;  // the benchmark executable (absolute)
  std::string perfgate;    // the perfgate program (absolute)
  std::string source_dir;  // CMAKE_CURRENT_SOURCE_DIR of the registration
  std::string binary_dir;  // CMAKE_BINARY_DIR
  std::string working_directory;
  std::string artifacts_root;  // <ARTIFACTS_DIR>/<suite>
  std::string ctest_file;      // what `perfgate discover` writes
  std::string history;         // the local history store (HISTORY); "" = none

  std::string policy;
  std::string instructions_policy;  // "" unless the instructions lane is on
  std::string waivers;              // WAIVERS; "" = waivers.json beside the policy, if any
  std::string baselines;            // folder of <class>/<suite>.json
  std::string runner;               // RUNNER; "" = the machine's fingerprint
  std::vector<std::string> lanes;   // "wall-time", "instructions"; the first one blocks
  std::string filter;               // FILTER ("" = every benchmark)
  std::string instructions_filter;  // INSTRUCTIONS_FILTER (defaults to FILTER)

  std::optional<std::size_t> repetitions;  // nullopt = REPETITIONS auto (paired lane)
  std::size_t runs = 5;                    // paired lane: process runs per side
  std::size_t max_repetitions = 20;        // adaptive cap per side
  std::size_t record_runs = 3;             // separate process runs of a recorded baseline
  std::string min_time = "0.1";            // seconds, passed to --benchmark_min_time as written
  std::string warmup = "0.05";             // seconds; "0" = none
  double timeout = 300;
  std::string smoke_min_time = "0.01";
  double smoke_timeout = 60;
  double discovery_timeout = 10;
  double instructions_timeout = 300;
  std::size_t instructions_repeat = 2;
  std::size_t instructions_jobs = 2;
  std::string reference;   // REFERENCE: a build folder or executable; "" = stored lane
  bool bootstrap = true;   // BOOTSTRAP AUTO or ACCEPT (true), or OFF
  // BOOTSTRAP ACCEPT: a gate against a provisional (bootstrapped) baseline keeps its verdict;
  // otherwise it is inconclusive (exit 4), unless the policy says accept_bootstrap_verdicts.
  bool accept_bootstrap = false;
  bool confirm = true;     // CONFIRM

  std::vector<std::string> environment;         // ENVIRONMENT, "VAR=value"
  std::vector<std::string> baseline_unset_env;  // BASELINE_UNSET_ENV
  std::vector<std::string> forward_env;         // FORWARD_ENV
  std::vector<std::string> extra_args;          // EXTRA_ARGS of every benchmark run

  // The committed baselines of the suite that existed at configure time (BASELINES/*/<suite>.json)
  // and the digest each carried ("" when it had none): one that disappears since is a blocker,
  // never replaced by a bootstrap (docs/baselines.md).
  struct CommittedBaseline {
    std::string path;
    std::string digest;
  };
  std::vector<CommittedBaseline> committed_baselines;

  BuildFacts build;
  // Per test kind: "perf", "instr", "smoke" (the per-family tests discovery registers).
  std::optional<TestProperties> perf;
  std::optional<TestProperties> instr;
  std::optional<TestProperties> smoke;
};

// "perfgate.run-config/1". Every missing, mistyped or out-of-range member is a diagnostic with
// its JSON pointer.
Result<RunConfig> parse_run_config(std::string_view text, const std::string& source);

}  // namespace perfgate
