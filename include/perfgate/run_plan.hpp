// The decisions of `perfgate run`, the program every registered gate test runs (docs/architecture.md,
// "How a gate test runs"): which settings, which class and baseline, in which order the paired lane
// runs its builds, what the next adaptive look measures, what a confirmation run means and what the
// test's outcome is. Pure: no I/O, no clock, no environment; the CLI edge (src/cli/run_*.cpp)
// passes in what it read and does what these functions say.
#pragma once

#include <perfgate/evaluate.hpp>
#include <perfgate/run_config.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::run {

// What a `perfgate run` invocation is: a per-family gate test (perf, instr, smoke), a set-up
// fixture (validate, bootstrap), a cleanup fixture (summary), a baseline record, or the
// placeholder of a suite whose executable was never built.
enum class Mode { perf, instr, smoke, validate, bootstrap, record, summary, not_built };
std::optional<Mode> mode_from_string(std::string_view text);
std::string_view to_string(Mode mode);

// The measurement lane a test works for: perf = wall time, instr = instructions, smoke.
enum class Lane { perf, instr, smoke };
std::optional<Lane> lane_from_string(std::string_view text);  // "perf", "instr", "smoke"
std::string_view to_string(Lane lane);
std::string_view lane_title(Lane lane, bool paired);  // "wall-time", "wall-time (paired)", ...

// How a run ended (run.json's "status") and the exit code that reaches CTest.
enum class Status {
  passed,
  failed,
  inconclusive,
  invalid_input,
  refused,
  run_failed,
  timeout,
  no_benchmarks,
  error
};
std::string_view to_string(Status status);  // "passed", "failed", "invalid-input", ...
// 0 passed, 1 failed, 2 invalid input or refused, 3 run failed (crash, timeout, nothing listed,
// error), 4 inconclusive (docs/cli.md).
int exit_code(Status status);
// The meaning of an exit code of perfgate, in words.
std::string_view exit_meaning(int code);

struct Outcome {
  Status status = Status::error;
  std::string summary;  // the test's last words
};

// ---- settings ---------------------------------------------------------------------------

struct MeasureSettings {
  std::size_t repetitions = 1;  // per process run (the cap when adaptive)
  bool adaptive = false;        // REPETITIONS auto, paired lane
  std::string min_time;         // "" for the instructions lane
  std::string warmup;           // "0" = none
  double timeout = 300;         // the CTest TIMEOUT of the test
  double hard_limit = 295;      // seconds after start at which the benchmark is killed
};

// The benchmark is killed before CTest's TIMEOUT so a verdict and artifacts still follow: a margin
// of 10% of it, at least 5 s (at most half of it).
double hard_limit(double timeout);
MeasureSettings measure_settings(const RunConfig& config, Lane lane, bool paired);

// C2: never gate an unoptimised build. The last -O flag wins (GCC, Clang); MSVC's /Od likewise.
bool optimised_build(const BuildFacts& build);
std::string unoptimised_refusal(const RunConfig& config);

// ---- classes and baselines -------------------------------------------------------------

struct ClassChoice {
  std::string name;    // "" when it cannot be chosen (see error)
  std::string source;  // in words: "environment variable PERFGATE_RUNNER", ...
  std::string error;
};

// The runner class of the wall-time lanes: $PERFGATE_RUNNER, else RUNNER, else the machine's
// fingerprint. Letters, digits, '.', '_' and '-' only.
ClassChoice runner_class(const RunConfig& config, const std::string& environment_runner,
                         const std::string& fingerprint);

// The toolchain class of the instructions lane from the facts its fingerprint checks, e.g.
// "callgrind-gcc12.2-release-gbench1.7.1-vg3.19". `valgrind_version` "" = valgrind not found.
ClassChoice toolchain_class(const BuildFacts& build, const std::string& benchmark_version,
                            const std::string& valgrind_version);

// committed: the reviewed file under BASELINES; provisional: bootstrapped in the build tree from
// this build (checks nothing by itself); missing: none and BOOTSTRAP OFF; vanished: the committed
// file existed at configure time and is gone (a blocker, never bootstrapped); reference: the
// paired lane's reference build.
enum class BaselineKind { committed, provisional, missing, vanished, reference };
std::string_view to_string(BaselineKind kind);

struct BaselineChoice {
  BaselineKind kind = BaselineKind::missing;
  std::string path;  // what the gate compares with (committed or provisional)
  std::string committed;
  std::string provisional;
  std::string configured_digest;  // vanished: the digest the file had at configure time
};

std::string committed_baseline(const RunConfig& config, const std::string& class_name);
std::string provisional_baseline(const RunConfig& config, Lane lane, const std::string& class_name);
// BOOTSTRAP AUTO unless the config or $PERFGATE_BOOTSTRAP (off, 0, false, no) turns it off.
bool bootstrap_enabled(const RunConfig& config, const std::string& environment_bootstrap);
// A committed baseline that existed at configure time (RunConfig::committed_baselines) and is
// gone now is `vanished`, whatever BOOTSTRAP says.
BaselineChoice choose_baseline(const RunConfig& config, Lane lane, const std::string& class_name,
                               bool committed_exists, bool bootstrap);
// The blocker of a vanished committed baseline (exit 2): names the file, says how to restore or
// re-record it.
std::string vanished_message(const BaselineChoice& choice, const std::string& record_command);

// Whether the verdict of a gate against a provisional baseline stands: BOOTSTRAP ACCEPT or the
// policy's "accept_bootstrap_verdicts": true. Otherwise the gate is inconclusive.
bool bootstrap_accepted(const RunConfig& config, bool policy_accepts);
// The exit code of a gate against a provisional baseline: a pass or a fail is inconclusive (4)
// unless bootstrap verdicts are accepted (a baseline recorded from the build under test checks
// nothing); an invalid input or a failed run keeps its code.
int provisional_exit(int gate_exit, bool accepted);
// The condition every report of such a gate shows, and the note of its CTest output.
std::string provisional_condition(bool accepted);

// The command that records the lane's committed baseline (for hints).
std::string record_command(const RunConfig& config, Lane lane, const std::string& runner);

// ---- the paired lane -------------------------------------------------------------------

struct ReferenceSetting {
  std::string path;    // "" = the stored lane
  std::string source;  // "environment variable PERFGATE_REFERENCE" or "REFERENCE of ..."
};
ReferenceSetting reference_setting(const RunConfig& config, const std::string& environment_reference);

// The order of the builds in each pair of process runs: random, reproducible from the test name
// and the seed text (PERFGATE_SEED, else the git commit), kept in run.json.
struct PairedSchedule {
  std::uint64_t seed = 0;
  std::string seed_text;           // how the seed was made, for run.json
  std::vector<bool> reference_first;  // per pair
};
PairedSchedule paired_schedule(const std::string& test, const std::string& seed_text,
                               const std::string& seed_source, std::size_t pairs);

// The repetitions of the process runs that bring every side from `have` to `target` repetitions,
// `chunk` at a time (the adaptive lane interleaves short runs).
std::vector<std::size_t> run_chunks(std::size_t have, std::size_t target, std::size_t chunk);

// The adaptive lane's first look is at this many repetitions per side, in runs of k_paired_chunk.
inline constexpr std::size_t k_first_look = 4;
inline constexpr std::size_t k_paired_chunk = 2;
inline constexpr std::size_t k_max_looks = 30;

// What to do after an adaptive look: stop (decided, or give up with `failure`), or measure the
// undecided `benchmarks` (a literal --benchmark_filter in `filter`) up to `target` per side.
struct NextLook {
  bool decided = false;
  std::string failure;  // non-empty: no verdict can be reached; never a pass
  std::size_t target = 0;
  std::vector<std::string> benchmarks;
  std::string filter;
};
NextLook next_look(const GateResult& look, std::size_t have, std::size_t cap, std::size_t looks);

// A --benchmark_filter that matches exactly these names (escaped by discovery's regex_escape).
std::string literal_filter(const std::vector<std::string>& names);

// ---- confirmation (CONFIRM) ------------------------------------------------------------

// A stored-baseline wall-time fail must replicate in a second run of the family when there is time
// for one (at least as long as the first run took).
bool wants_confirmation(Mode mode, bool paired, int first_exit, bool confirm, double seconds_left,
                        double first_took);

struct Confirmation {
  int exit_code = 0;   // the test's exit code after the confirmation run
  std::string result;  // "failed: the regression replicated", ... (run.json, reports)
  std::string finding; // what the test's message adds
};
Confirmation confirm(int first_exit, int confirm_exit);

// ---- outcome ---------------------------------------------------------------------------

// The decisions that are not a pass, one line each ("BM_x/8 real_time median: fail: ..."), so the
// test's last words name the benchmark and the metric; at most `limit` lines, then "... and N more".
std::string findings(const GateResult& result, std::size_t limit = 20);

// The outcome of a gate test from the gate's exit code and findings; `against` says what was
// compared with ("the committed wall-time baseline of runner class 'x'").
Outcome conclude(Mode mode, const std::string& family, int gate_exit, const std::string& findings,
                 const std::string& against);

// The status of a failed benchmark process run.
Status process_failure_status(bool timed_out);

// ---- recording -------------------------------------------------------------------------

// "" when the reason will do, else why not (at least 10 characters that say why).
std::string reason_problem(const std::string& reason);
// Who records: PERFGATE_RECORDED_BY, else the CI job (CI_JOB_URL, GITHUB_RUN_ID), else user@host.
std::string recorded_by(const std::map<std::string, std::string>& environment,
                        const std::string& host);

}  // namespace perfgate::run
