// The deterministic lane (docs/lanes.md): instructions per iteration of a Google Benchmark
// benchmark, measured under valgrind's callgrind. This header is the pure half: it reads the
// text of callgrind's dump files, groups the dumps into the benchmark's timed runs and decides
// what they say. Spawning valgrind, polling its dump files and killing it is the CLI's job
// (src/cli/callgrind_runner.cpp); docs/lanes.md explains the method and its limits.
//
// The method, in short: the benchmark runs alone (--benchmark_filter=^name$) with
// --benchmark_min_time=1e9, so Google Benchmark 1.7 times runs of 1, 10, 100, ... iterations.
// Callgrind zeroes its counters at State::StartKeepRunning()/ResumeTiming() and dumps them at
// State::FinishKeepRunning()/PauseTiming(), one file per thread (--separate-threads=yes). The
// dumps of one timed run, summed over its threads, are that run's instruction count R(n); the
// count per iteration is (R(100) - R(10)) / 90, which cancels the per-run overhead and the
// first run's one-time work.
#pragma once

#include <perfgate/model.hpp>
#include <perfgate/result.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::callgrind {

// The functions callgrind zeroes and dumps at, spelled as callgrind wants them (demangled, with
// the parameter list). They are in libbenchmark's dynamic symbol table, so a stripped benchmark
// that links the shared library still has them.
inline constexpr std::string_view k_zero_at_start = "benchmark::State::StartKeepRunning()";
inline constexpr std::string_view k_zero_at_resume = "benchmark::State::ResumeTiming()";
inline constexpr std::string_view k_dump_at_finish = "benchmark::State::FinishKeepRunning()";
inline constexpr std::string_view k_dump_at_pause = "benchmark::State::PauseTiming()";

// The pinned host (docs/lanes.md): what `perfgate measure instructions` fixes about the machine the
// benchmark sees, so that its heap and stack are laid out the same on every host of a toolchain
// class (glibc's memcpy, memcmp and memset count differently at other offsets). Recorded as
// `pinned_host` in the results' context and part of the instructions lane's fingerprint, so counts
// measured under another scheme, or with the stack left unpinned, are never compared.
inline constexpr std::string_view k_pinned_host =
    "perfgate-1: /proc/cpuinfo, /sys/devices/system/cpu/cpu*, host name, CPU count, stdout "
    "buffer, TZ=UTC0, stack as with 32 auxv entries";
// The pinned host's stack. Valgrind copies the kernel's auxiliary vector (16 bytes an entry) onto
// the program's initial stack, and kernels add entries (Linux 6.3 added two), which moves every
// buffer on the stack. PERFGATE_STACK_PAD carries 16 bytes for each entry this kernel has fewer
// than k_auxv_slots, so the program's stack starts at the same address on every kernel.
inline constexpr std::size_t k_auxv_slots = 32;
// The value of PERFGATE_STACK_PAD on a kernel with `auxv_entries` entries; nullopt when it has
// more than k_auxv_slots (the stack cannot be pinned).
std::optional<std::string> stack_padding(std::size_t auxv_entries);
// k_pinned_host, or what it is instead when the stack cannot be pinned (a kernel with more than
// k_auxv_slots entries, or nullopt: the count is unknown).
std::string pinned_host_of(std::optional<std::size_t> auxv_entries);

// What ended a dump: the end of a timed run, a PauseTiming() call, or anything else (a dump at
// program exit, a dump requested by a client request).
enum class Trigger { finish, pause, other };

// One dump file ("<out>.<part>-<thread>" with --separate-threads=yes).
struct Dump {
  int part = 0;
  int thread = 0;  // valgrind's thread id (1 is the main thread)
  Trigger trigger = Trigger::other;
  std::uint64_t totals = 0;  // instructions executed by this thread since the last zero/dump
};

// True when `text` is a whole dump: callgrind writes "totals: N" as the last line, so a dump that
// is still being written (or was cut short by a kill) does not end that way.
bool is_complete_dump(std::string_view text);

// Reads the header and the totals of one complete dump. `source` names it in diagnostics.
Result<Dump> parse_dump(std::string_view text, const std::string& source);

// What a benchmark's name says about how Google Benchmark schedules its iterations.
struct Schedule {
  int threads = 1;                     // "/threads:T"
  std::int64_t fixed_iterations = 0;   // "/iterations:n" (->Iterations(n)); 0 when not fixed
  std::string time_override;           // "/min_time:..." or "/min_warmup_time:..." when present
  // Timed runs a measurement needs: 3 (1, 10 and 100 iterations), or 1 with fixed iterations.
  [[nodiscard]] std::size_t runs_needed() const { return fixed_iterations > 0 ? 1 : 3; }
};
Schedule schedule_of(std::string_view benchmark_name);

// The --benchmark_filter value that selects exactly this benchmark: "^" + the name with the
// POSIX ERE metacharacters escaped + "$" (Google Benchmark 1.7 matches filters as ERE).
std::string exact_filter(std::string_view benchmark_name);

// The --benchmark_filter value that selects every benchmark of one family: "^" + the family's
// escaped name + "(/.*)?$".
std::string family_filter(std::string_view family);

// Groups dumps, fed in part order, into timed runs. Per thread, a run is the sum of the
// segments up to its FinishKeepRunning() dump (PauseTiming() ends a segment; the time between
// PauseTiming() and ResumeTiming() is zeroed away). FinishKeepRunning() itself calls
// PauseTiming(), so a thread's pause dump right after its finish dump lies between runs and is
// ignored. Runs never overlap: Google Benchmark joins a run's threads before starting the next.
class RunCollector {
 public:
  explicit RunCollector(Schedule schedule);

  void add(const Dump& dump);

  // Enough runs for a measurement: the driver may stop the benchmark now.
  [[nodiscard]] bool complete() const { return completed_runs() >= m_schedule.runs_needed(); }
  // Runs all of whose threads have finished.
  [[nodiscard]] std::size_t completed_runs() const;
  [[nodiscard]] const Schedule& schedule() const { return m_schedule; }
  // R1, R2, R3: instructions of each completed timed run, summed over its threads.
  [[nodiscard]] std::vector<std::uint64_t> run_totals() const;
  // The per-thread counts of each run (the last one may still be in progress), in the order the
  // threads finished.
  [[nodiscard]] const std::vector<std::vector<std::uint64_t>>& runs() const { return m_runs; }
  [[nodiscard]] std::size_t dumps() const { return m_dumps; }
  [[nodiscard]] bool paused() const { return m_paused; }  // the benchmark used PauseTiming()

 private:
  Schedule m_schedule;
  std::map<int, std::uint64_t> m_pending;  // per thread: segments of the run in progress
  std::map<int, bool> m_after_finish;      // per thread: the last dump ended a run
  std::vector<std::vector<std::uint64_t>> m_runs;
  std::size_t m_dumps = 0;
  bool m_paused = false;
};

// How the valgrind process ended, as the driver saw it.
struct ProcessOutcome {
  bool stopped_by_driver = false;  // killed after enough runs (the normal end)
  bool timed_out = false;
  double timeout_seconds = 0;
  std::optional<int> exit_code;    // when it exited by itself
  std::optional<int> signal;       // when a signal ended it and the driver did not send it
  std::string console_output;      // the benchmark's stdout
  std::string valgrind_log;        // valgrind's stderr (the tail is quoted on failures)
};

enum class Status {
  ok,                 // (R3 - R2) / 90
  fixed_iterations,   // ->Iterations(n): R1 / n, deterministic but includes one-time work
  errored,            // SkipWithError, crash, timeout, no timed region, wrong schedule
};

struct Measurement {
  Status status = Status::errored;
  std::optional<double> instructions;  // per iteration, summed over the benchmark's threads
  std::vector<std::uint64_t> run_totals;
  std::string error;               // why there is no value (status errored)
  std::vector<std::string> notes;  // true but not blocking: threads, pauses, warm-up, ...
};

// Decides what one valgrind run of one benchmark measured.
Measurement measure(const RunCollector& collector, const ProcessOutcome& outcome);

// Google Benchmark 1.7's console line for SkipWithError: "BM_x   ERROR OCCURRED: 'why'".
std::optional<std::string> skip_with_error_message(std::string_view console_output);

// The measurements of one benchmark (one per separate valgrind process, --repeat) as a model
// Benchmark: the "instructions" series holds one sample per repetition, each in its own group.
// Counts that differ between repetitions mark the series noisy, with a note that says by how
// much; any errored repetition makes the benchmark errored.
Benchmark to_benchmark(std::string_view name, const std::vector<Measurement>& repetitions);

}  // namespace perfgate::callgrind

namespace perfgate::callgrind {

// Facts about the toolchain that the instruction counts depend on, from tool output the CLI
// collected. Versions are upstream versions ("3.19.0", "1.7.1"), so a distribution's rebuild
// of the same release does not force a new baseline.

// "valgrind-3.19.0\n" -> "3.19.0"; empty when the text is not valgrind's --version output.
std::string valgrind_version_of(std::string_view version_output);

// `ldd EXE` output -> soname -> resolved path ("libbenchmark.so.1debian" ->
// "/lib/x86_64-linux-gnu/libbenchmark.so.1debian"). Libraries ldd could not find map to "".
std::map<std::string, std::string> libraries_from_ldd(std::string_view ldd_output);

// "/usr/lib/x86_64-linux-gnu/libbenchmark.so.1.7.1" -> "libbenchmark.so.1.7.1": the file name of
// a library's real (symlink-resolved) path, which carries its full version on Linux.
std::string library_file_name(std::string_view real_path);

}  // namespace perfgate::callgrind

namespace perfgate::callgrind {

// What a results file of this lane was measured from, so that a suite-level measurement can stand
// for the current build only while it is one (docs/lanes.md, "One measurement per suite").
// Recorded in the results' context under the k_measured_* keys.
struct MeasurementKey {
  std::string executable_digest;  // executable_digest() of the measured program's bytes
  std::string filter;             // the --benchmark_filter it was measured with ("" = all)
  int repeat = 1;                 // runs per benchmark
};

inline constexpr std::string_view k_measured_executable = "measured_executable";
inline constexpr std::string_view k_measured_filter = "measured_filter";
inline constexpr std::string_view k_measured_repeat = "measured_repeat";

// "fnv1a64:<16 lower-case hex digits>": the 64-bit FNV-1a hash of `bytes` (the executable's whole
// file). Not cryptographic: it tells a rebuilt executable from the measured one, nothing more.
std::string executable_digest(std::string_view bytes);

// Writes `key` into `context.extra` (the k_measured_* keys).
void record_measurement_key(const MeasurementKey& key, RunContext& context);

// Why the results whose context is `measured` do not stand for a measurement of `expected` now:
// one line per difference (the executable's digest, the filter, the repeat count, and every
// toolchain fingerprint key the results record that `toolchain` contradicts, see
// fingerprint_mismatches; pass the current toolchain facts, or an empty context to skip them).
// Empty when the results are current. A context without the k_measured_* keys is never current.
std::vector<std::string> measurement_staleness(const RunContext& measured,
                                               const MeasurementKey& expected,
                                               const RunContext& toolchain);
inline bool measurement_is_current(const RunContext& measured, const MeasurementKey& expected,
                                   const RunContext& toolchain) {
  return measurement_staleness(measured, expected, toolchain).empty();
}

// Re-recording one family: `existing` (a baseline's runs) with every benchmark of `family`
// (the family itself or a name that continues it after a '/': "BM_x", "Fixture/Method") replaced by the benchmarks of that family in `fresh`, which take the
// place of the first replaced one (or go last when `existing` had none); every other benchmark
// and the context of `existing` stay as they are. Refused, with a diagnostic naming `fresh_source`,
// when `fresh` holds no benchmark of `family`, holds an errored one, or was measured under
// another fingerprint (fingerprint_mismatches of the two contexts).
Result<RunSet> merge_family(const RunSet& existing, const RunSet& fresh, std::string_view family,
                            const std::string& fresh_source);

}  // namespace perfgate::callgrind
