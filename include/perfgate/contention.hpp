// Contention: was a wall-time measurement made on a busy machine? Pure judgement of the load
// samples taken around a measured run (host.hpp, sampled by src/cli/host_probe.cpp), of the real
// and CPU times the benchmarks themselves report, and of several runs that are to become a
// baseline. The thresholds are documented, with the numbers measured to choose them, in
// docs/lanes.md ("Load and contention").
#pragma once

#include <perfgate/evaluate.hpp>
#include <perfgate/host.hpp>
#include <perfgate/model.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace perfgate {

// ---------------------------------------------------------------------------------------------
// One measured process run.

// What the measured process used (wait4's rusage; cli::ProcessOutcome carries these).
struct RunUsage {
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system of the process and its threads
  long involuntary_switches = 0;
  // The most threads one of its benchmarks ran ("threads" of the results; 1 when unknown). A run
  // whose threads outnumber the CPUs preempts itself, so its switches say nothing about others.
  int threads = 1;
};

// The thresholds (docs/lanes.md gives the numbers measured to choose them).
namespace load_limit {
// The hypervisor took more than this share of the machine's CPU time for other guests.
inline constexpr double k_steal_share = 0.05;
// The machine was saturated: its CPUs were idle less than this share of the run ...
inline constexpr double k_idle_share = 0.05;
// ... and other processes (not the run, not perfgate) kept more than this share of its CPUs busy.
inline constexpr double k_others_share = 0.1;
// The measured process was preempted more often than this per CPU-second it ran.
inline constexpr double k_switches_per_cpu_second = 200;
// ... judged only over at least this much CPU time: a 10 ms run preempted twice is no rate.
inline constexpr double k_min_cpu_seconds_for_switches = 0.2;
// The 1-minute load average, per CPU, both before and after the run.
inline constexpr double k_load_per_cpu = 1.5;
// Shorter intervals are not judged on /proc/stat (10 ms ticks are too coarse).
inline constexpr double k_min_ticks = 20;
}  // namespace load_limit

struct LoadReport {
  double wall_seconds = 0;
  int num_cpus = 0;
  double run_cpus = 0;  // CPUs the measured process kept busy on average (cpu / wall seconds)
  // CPUs other processes kept busy on average; nullopt when no samples or too short an interval.
  std::optional<double> others_cpus;
  std::optional<double> idle_share;   // of the machine's CPU time (idle and waiting for I/O)
  std::optional<double> steal_share;  // of the machine's CPU time
  std::optional<double> load1_before;
  std::optional<double> load1_after;
  double switches_per_cpu_second = 0;
  bool contended = false;
  std::vector<std::string> reasons;  // in words, one per threshold crossed

  // "run 10.99 s on 1.00 CPUs, other processes 0.01 CPUs, idle 49.3%, steal 0.1%, load 1.48 ->
  // 1.41 on 2 CPUs, 5 involuntary switches per CPU-second": the numbers, whatever the verdict.
  [[nodiscard]] std::string describe() const;
  // "measured under contention: <reasons>" when contended, else "".
  [[nodiscard]] std::string condition() const;
};

// Judges one run from the samples taken right before and right after it. Without samples (not
// Linux, /proc unreadable) only the process's own numbers are judged.
LoadReport assess_load(const std::optional<LoadSample>& before,
                       const std::optional<LoadSample>& after, const RunUsage& usage);

// ---------------------------------------------------------------------------------------------
// What the benchmarks' own times say.

// A single-threaded benchmark that does not wait spends its real time on the CPU: real/cpu near 1.
struct TimeRatio {
  std::string benchmark;
  int threads = 1;
  double real_ns = 0;  // medians over the repetitions
  double cpu_ns = 0;
  double ratio = 0;  // median over the repetitions of real/cpu (of the medians when unpaired)
};

// One entry per benchmark with finite, positive real_time and cpu_time samples.
std::vector<TimeRatio> real_cpu_ratios(const RunSet& runs);

namespace ratio_limit {
// A single-threaded benchmark whose real time is this many times its CPU time waited for a CPU.
inline constexpr double k_absorbed_load = 1.3;
// A fail or noisy decision's real time rose by more than this many times its CPU time's rise ...
inline constexpr double k_real_over_cpu_rise = 2.0;
// ... and by at least this much more (a fraction) than the CPU time.
inline constexpr double k_min_gap = 0.05;
}  // namespace ratio_limit

// Adds to the note of every fail, warn or noisy real_time decision of a single-threaded benchmark
// whose real time rose much more than its CPU time "real time rose +94% but cpu time only +41%:
// the machine was likely busy" (verdicts are not changed). Returns the run-level condition lines
// for GateResult::run.conditions: single-threaded benchmarks whose real time was far above their
// CPU time in the baseline (it absorbed load) or in this run. Multi-threaded benchmarks are left
// alone: their threads wait for each other by design.
std::vector<std::string> contention_notes(const RunSet& baseline, const RunSet& candidate,
                                          GateResult& result);

// ---------------------------------------------------------------------------------------------
// Recording a baseline from several separate process runs (RECORD_RUNS).

enum class RecordingVerdict { accept, warn, refuse };
std::string_view to_string(RecordingVerdict verdict);  // "accept", "warn", "refuse"

struct RecordingJudgement {
  RecordingVerdict verdict = RecordingVerdict::accept;
  std::string text;  // why, in words; empty when accepted without remark
  std::vector<std::size_t> contended_runs;  // indices into the runs, for the caller to name
};

namespace record_limit {
// Runs whose medians of one benchmark differ by more than this (max/min - 1) disagree, unless the
// runs' own spread explains it ...
inline constexpr double k_run_spread = 0.10;
// ... i.e. unless it is within this many times the runs' median relative MAD.
inline constexpr double k_spread_over_mad = 4.0;
}  // namespace record_limit

// `loads[i]` judges the run that gave `runs[i]`. Refused when most runs were contended or the
// runs disagree on a benchmark's real time beyond their noise; a warning when one (but not most)
// was contended, or a single-threaded benchmark's real time was far above its CPU time.
RecordingJudgement judge_recording(const std::vector<LoadReport>& loads,
                                   const std::vector<RunSet>& runs);

}  // namespace perfgate
