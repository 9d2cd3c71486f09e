// perfgate measure instructions: instructions per iteration of every benchmark of a Google
// Benchmark executable, under valgrind's callgrind (the deterministic lane; docs/lanes.md).
// The output is a perfgate.baseline/2 file holding only the `instructions` metric, which
// `perfgate gate --results`, `perfgate compare` and `perfgate baseline update --results` read
// like any results file.
// The command is a thin wrapper around measure_instructions() (measure.hpp), which `perfgate run`
// calls in-process.
#include "measure.hpp"

#include "callgrind_runner.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"
#include "process.hpp"

#include <perfgate/baseline.hpp>
#include <perfgate/callgrind.hpp>
#include <perfgate/io.hpp>
#include <perfgate/version.hpp>

#include <gnu/libc-version.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

namespace perfgate::cli {

namespace {

namespace fs = std::filesystem;

// A threaded benchmark is measured at least this many times, so a count that jitters with
// thread scheduling shows up as differing repetitions (and the benchmark as noisy).
constexpr int k_min_thread_repeat = 3;

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

// The toolchain facts the counts depend on (fingerprint_keys(k_lane_instructions)), and the
// valgrind facts a reviewer may want when a count moves between machines.
// `dynamic` is set to false when ldd says the executable is statically linked (it then ignores
// LD_PRELOAD, and so the pinned host).
std::map<std::string, std::string> toolchain_facts(const std::string& executable,
                                                   const std::string& valgrind,
                                                   const std::string& scratch, bool& dynamic) {
  std::map<std::string, std::string> facts;
  facts["lane"] = std::string(k_lane_instructions);
  facts["valgrind"] = valgrind;
  const CapturedRun version = run_captured({valgrind, "--version"}, "/", scratch + ".version", 30);
  facts["valgrind_version"] = callgrind::valgrind_version_of(version.out);
  // Which CPU valgrind presents to the program (glibc picks memcpy & co. by it). Recorded, not
  // part of the fingerprint: it is a property of the machine, not of the toolchain.
  const CapturedRun hwcaps =
      run_captured({valgrind, "-v", "--tool=none", "/bin/true"}, "/", scratch + ".hwcaps", 30);
  const std::size_t at = hwcaps.err.find("Arch and hwcaps: ");
  if (at != std::string::npos) {
    const std::size_t begin = at + 17;
    facts["valgrind_hwcaps"] = hwcaps.err.substr(begin, hwcaps.err.find('\n', begin) - begin);
  }
  facts["libc"] = std::string("glibc ") + gnu_get_libc_version();
  facts["benchmark_library"] = "linked statically";
  const CapturedRun ldd =
      run_captured({"/usr/bin/ldd", fs::absolute(executable).string()}, "/", scratch + ".ldd", 30);
  dynamic = (ldd.out + ldd.err).find("statically linked") == std::string::npos &&
            (ldd.out + ldd.err).find("not a dynamic executable") == std::string::npos;
  for (const auto& [soname, path] : callgrind::libraries_from_ldd(ldd.out)) {
    std::error_code ec;
    const std::string real = path.empty() ? std::string() : fs::canonical(path, ec).string();
    const std::string file = callgrind::library_file_name(real.empty() ? path : real);
    if (soname.rfind("libbenchmark.", 0) == 0) {
      facts["benchmark_library"] = file;
    } else if (soname.rfind("libstdc++.", 0) == 0 || soname.rfind("libc++.", 0) == 0) {
      facts["cxx_runtime"] = file;
    }
  }
  return facts;
}

// "libbenchmark.so.1.7.1" -> "1.7.1"; empty when the name carries no version.
std::string version_of_library(const std::string& file) {
  const std::size_t at = file.find(".so.");
  if (at == std::string::npos) {
    return {};
  }
  const std::string version = file.substr(at + 4);
  return std::count(version.begin(), version.end(), '.') >= 2 ? version : std::string();
}


bool is_assignment(const std::string& entry) {
  const std::size_t eq = entry.find('=');
  return eq != std::string::npos && eq > 0 &&
         entry.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789_") == eq &&
         !(entry[0] >= '0' && entry[0] <= '9');
}

// Usage errors found before anything runs.
bool valid_request(const MeasureRequest& request, std::ostream& errors) {
  if (request.jobs < 1 || request.repeat < 1 || !(request.timeout > 0)) {
    errors << "perfgate: error: --jobs and --repeat must be at least 1 and --timeout above 0\n";
    return false;
  }
  for (const std::string& entry : request.environment) {
    if (!is_assignment(entry)) {
      errors << "perfgate: error: --env \"" << entry
             << "\": expected VAR=VALUE (a variable name, then =)\n";
      return false;
    }
  }
  return true;
}

// The benchmarks of the staged program, listed natively (not under valgrind) with the pinned
// environment; `not_pinned` says why the pinned host did not load, when the loader said so.
std::optional<std::vector<std::string>> list_benchmarks(const MeasureRequest& request,
                                                        const Staged& staged,
                                                        const std::vector<std::string>& environment,
                                                        const std::string& scratch,
                                                        std::string& not_pinned,
                                                        std::ostream& errors) {
  std::vector<std::string> command{staged.program, "--benchmark_list_tests=true"};
  if (!request.filter.empty()) {
    command.push_back("--benchmark_filter=" + request.filter);
  }
  const CapturedRun listing =
      run_captured(command, staged.directory, scratch + ".list", 60, environment);
  if (!listing.exit_code || *listing.exit_code != 0) {
    errors << "perfgate: error: " << request.executable << " --benchmark_list_tests failed ("
           << (listing.timed_out      ? std::string("timed out after 60 s")
               : listing.signal       ? "signal " + std::to_string(*listing.signal)
               : listing.exit_code    ? "exit code " + std::to_string(*listing.exit_code)
                                      : std::string("could not start"))
           << ")\n"
           << listing.err;
    return std::nullopt;
  }
  // The loader says so (and goes on) when it cannot preload a library: "ERROR: ld.so: object
  // '<path>' from LD_PRELOAD cannot be preloaded (<why>): ignored."
  if (const std::size_t at = listing.err.find("object '" + staged.preload + "'");
      at != std::string::npos) {
    const std::size_t line_start = listing.err.rfind('\n', at);
    const std::size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
    const std::string line = listing.err.substr(begin, listing.err.find('\n', at) - begin);
    if (line.find("cannot be preloaded") != std::string::npos) {
      not_pinned = line;
    }
  }
  std::vector<std::string> names;
  std::istringstream lines(listing.out);
  for (std::string name; std::getline(lines, name);) {
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) {
      name.pop_back();
    }
    if (!name.empty()) {
      names.push_back(std::move(name));
    }
  }
  if (names.empty()) {
    errors << "perfgate: error: " << request.executable << " lists no benchmarks"
           << (request.filter.empty() ? std::string()
                                      : " matching --filter \"" + request.filter + "\"")
           << ", so nothing would be measured\n";
    return std::nullopt;
  }
  return names;
}

// The runs to make: `repeat` per benchmark (threaded ones at least k_min_thread_repeat);
// `jobs_of[i]` are the runs of names[i].
std::vector<MeasureJob> jobs_for(const std::vector<std::string>& names, int repeat,
                                 std::vector<std::vector<std::size_t>>& jobs_of) {
  std::vector<MeasureJob> jobs;
  jobs_of.assign(names.size(), {});
  for (std::size_t i = 0; i < names.size(); ++i) {
    const int threads = callgrind::schedule_of(names[i]).threads;
    const int runs = threads > 1 ? std::max(repeat, k_min_thread_repeat) : repeat;
    for (int r = 0; r < runs; ++r) {
      jobs_of[i].push_back(jobs.size());
      jobs.push_back({names[i], static_cast<std::size_t>(r)});
    }
  }
  return jobs;
}

// The results' run context: the caller's --context, the toolchain facts, the pinned host and
// what was measured (callgrind::MeasurementKey).
RunContext context_for(const MeasureRequest& request, const std::string& valgrind,
                       const std::string& scratch, const std::string& pinned_host,
                       std::string not_pinned, const CallgrindRun& run,
                       const std::optional<std::map<std::string, std::string>>& caller_context,
                       std::ostream& errors) {
  RunContext context;
  context.date = utc_now();
  context.host_name = host_name();
  context.executable = request.executable;
  context.num_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  if (caller_context) {
    context.extra = *caller_context;
  } else {
    errors << "perfgate: note: no --context: compiler, flags and build type are not recorded, "
              "so a baseline made from " << request.out << " will not pin them\n";
  }
  bool dynamic = true;
  for (const auto& [key, value] : toolchain_facts(request.executable, valgrind, scratch, dynamic)) {
    context.extra[key] = value;
  }
  context.library_version = version_of_library(context.extra["benchmark_library"]);
  if (!dynamic) {
    not_pinned = "a statically linked executable ignores LD_PRELOAD";
  }
  if (!not_pinned.empty()) {
    // Recorded as such, so a baseline measured on the pinned host refuses these counts.
    errors << "perfgate: warning: the benchmark did not run on the pinned host (" << not_pinned
           << "); its counts may differ between hosts (docs/lanes.md, \"A pinned host\")\n";
    context.extra["pinned_host"] = "not pinned: " + not_pinned;
  } else {
    context.extra["pinned_host"] = pinned_host;
  }
  context.extra["callgrind_method"] =
      "(R(100) - R(10)) / 90 under --benchmark_min_time=1e9, summed over threads";
  // For reviewers, not part of the fingerprint: the counts are the same either way.
  context.extra["callgrind_isolation"] =
      run.forked_runs == run.outcomes.size()
          ? "fork: " + std::to_string(run.valgrind_processes) + " valgrind process" +
                (run.valgrind_processes == 1 ? "" : "es") + ", a forked child per run"
          : std::to_string(run.outcomes.size() - run.forked_runs) + " of " +
                std::to_string(run.outcomes.size()) + " runs in a valgrind process each";
  if (!request.environment.empty()) {
    // For reviewers: a results file measured with a fault-injection knob says so. Not part of
    // the fingerprint.
    std::string joined;
    for (const std::string& entry : request.environment) {
      joined += (joined.empty() ? "" : " ") + entry;
    }
    context.extra["measure_environment"] = joined;
  }
  callgrind::MeasurementKey key;
  key.executable_digest = callgrind::executable_digest(slurp(request.executable).value_or(""));
  key.filter = request.filter;
  key.repeat = request.repeat;
  callgrind::record_measurement_key(key, context);
  return context;
}

// Prints one finished run.
void log_run(const MeasureRequest& request, const MeasureJob& job, const JobOutcome& outcome,
             std::ostream& log) {
  const auto& m = outcome.measurement;
  log << "  " << job.benchmark;
  if (request.repeat > 1 || callgrind::schedule_of(job.benchmark).threads > 1) {
    log << " [run " << job.repetition + 1 << "]";
  }
  if (m.instructions) {
    log << "  " << fixed(*m.instructions, 2) << " instructions/iteration";
  } else {
    log << "  ERROR: " << m.error;
  }
  log << "  (" << fixed(outcome.seconds, 2) << " s)\n";
  log.flush();
}

// The benchmarks, one per name, from their runs; counts errored and noisy ones.
std::vector<Benchmark> benchmarks_of(const MeasureRequest& request,
                                     const std::vector<std::string>& names,
                                     const std::vector<std::vector<std::size_t>>& jobs_of,
                                     const CallgrindRun& run, std::size_t& errored,
                                     std::size_t& noisy, std::ostream& errors) {
  std::vector<Benchmark> benchmarks;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::vector<callgrind::Measurement> repetitions;
    for (const std::size_t job : jobs_of[i]) {
      repetitions.push_back(run.outcomes[job].measurement);
    }
    Benchmark benchmark = callgrind::to_benchmark(names[i], repetitions);
    if (benchmark.errored) {
      ++errored;
      errors << request.out << ": error: " << benchmark.name << ": " << benchmark.error_message
             << '\n';
    }
    if (const MetricSeries* series = benchmark.find(metric::k_instructions);
        series != nullptr && series->noisy) {
      ++noisy;
      errors << request.out << ": warning: " << benchmark.name << " is noisy: " << series->note
             << '\n';
    }
    benchmarks.push_back(std::move(benchmark));
  }
  return benchmarks;
}

Provenance provenance_of(const MeasureRequest& request, const std::string& recorded_at) {
  Provenance provenance;
  provenance.recorded_at = recorded_at;
  const char* user = std::getenv("USER");
  provenance.recorded_by = user != nullptr ? user : "unknown";
  provenance.reason =
      "measured by perfgate measure instructions (a results file, not a reviewed baseline)";
  provenance.source = request.executable;
  provenance.tool_version = std::string(k_version);
  provenance.command = request.command_line;
  return provenance;
}

// Stages the program, lists and measures its benchmarks, writes the results file.
int measure_staged(const MeasureRequest& request, const std::string& valgrind,
                   const std::string& stage_dir, const Staged& staged,
                   const std::optional<std::map<std::string, std::string>>& caller_context,
                   std::ostream& log, std::ostream& errors) {
  const auto started = Clock::now();
  const std::string scratch = (fs::absolute(stage_dir) / "probe").string();
  // The pinned host (docs/lanes.md): the same machine, time zone and stack for the program on
  // every host, both when it lists its benchmarks (their names can depend on the CPU count) and
  // when it is measured.
  const auto auxv_entries = host_auxv_entries();
  const std::string pinned_host = callgrind::pinned_host_of(auxv_entries);
  if (!auxv_entries || !callgrind::stack_padding(*auxv_entries)) {
    errors << "perfgate: warning: the benchmark's stack cannot be pinned (" << pinned_host
           << "); its counts may differ from those of other hosts, and the fingerprint of "
              "the results says so\n";
  }
  const std::vector<std::string> environment = pinned_host_environment(
      staged, auxv_entries.value_or(callgrind::k_auxv_slots + 1), request.environment);
  std::string not_pinned;
  const auto names =
      list_benchmarks(request, staged, environment, scratch, not_pinned, errors);
  if (!names) {
    return k_exit_run_failed;
  }
  std::vector<std::vector<std::size_t>> jobs_of;
  const std::vector<MeasureJob> jobs = jobs_for(*names, request.repeat, jobs_of);
  const std::size_t servers = std::min(jobs.size(), static_cast<std::size_t>(request.jobs));
  log << "perfgate: measuring " << names->size() << " benchmark" << (names->size() == 1 ? "" : "s")
      << " of " << request.executable << " under callgrind (" << jobs.size() << " run"
      << (jobs.size() == 1 ? "" : "s") << ", "
      << (request.isolation == Isolation::fork
              ? "forked from " + std::to_string(servers) + " valgrind process" +
                    (servers == 1 ? "" : "es")
              : "one valgrind process each, " + std::to_string(request.jobs) + " at a time")
      << ")\n";
  log.flush();
  RunnerSettings settings;
  settings.valgrind = valgrind;
  settings.isolation = request.isolation;
  settings.stage_dir = fs::absolute(stage_dir).string();
  settings.timeout_seconds = request.timeout;
  settings.jobs = request.jobs;
  settings.extra_environment = environment;
  settings.deadline = request.deadline;
  const CallgrindRun run = run_callgrind_jobs(
      staged, jobs, settings,
      [&](std::size_t job, const JobOutcome& outcome) { log_run(request, jobs[job], outcome, log); });
  for (const std::string& note : run.notes) {
    errors << "perfgate: note: " << note << '\n';
  }
  if (const int signal = termination_signal(); signal != 0) {
    errors << "perfgate: error: interrupted by signal " << signal << " (" << strsignal(signal)
           << "); " << request.out << " is not written\n";
    return k_exit_run_failed;
  }
  Baseline results;
  results.suite = request.suite.empty() ? fs::path(request.executable).filename().string()
                                        : request.suite;
  results.runs.source = request.out;
  results.runs.context = context_for(request, valgrind, scratch, pinned_host, not_pinned, run,
                                     caller_context, errors);
  results.provenance = provenance_of(request, results.runs.context.date);
  std::size_t errored = 0;
  std::size_t noisy = 0;
  results.runs.benchmarks = benchmarks_of(request, *names, jobs_of, run, errored, noisy, errors);
  if (auto written = write_file_atomic(request.out, write_baseline(results)); !written) {
    errors << format_diagnostics(written.error());
    return k_exit_invalid_input;
  }
  log << "perfgate: wrote " << request.out << ": " << names->size() - errored << " of "
      << names->size() << " benchmarks measured" << (noisy > 0 ? ", " : "")
      << (noisy > 0 ? std::to_string(noisy) + " noisy" : std::string()) << " in "
      << fixed(seconds_since(started), 1) << " s (" << run.valgrind_processes << " valgrind process"
      << (run.valgrind_processes == 1 ? "" : "es") << ", valgrind CPU " << fixed(run.cpu_seconds, 1)
      << " s)\n";
  if (errored > 0) {
    errors << "perfgate: error: " << errored << " benchmark" << (errored == 1 ? "" : "s")
           << " could not be measured; the gate reports " << (errored == 1 ? "it" : "them")
           << " as errors\n";
    return k_exit_run_failed;
  }
  return k_exit_passed;
}

}  // namespace

int measure_instructions(const MeasureRequest& request, std::ostream& log, std::ostream& errors) {
  if (!valid_request(request, errors)) {
    return k_exit_invalid_input;
  }
  const auto valgrind = find_program(request.valgrind);
  if (!valgrind) {
    errors << "perfgate: error: valgrind not found ('" << request.valgrind
           << "')\n  hint: install it (apt-get install valgrind) or pass --valgrind PATH\n";
    return k_exit_invalid_input;
  }
  std::optional<std::map<std::string, std::string>> caller_context;
  if (!request.context.empty()) {
    caller_context = load_context(request.context);
    if (!caller_context) {
      return k_exit_invalid_input;
    }
  }
  const fs::path out_path(request.out);
  const std::string stage_dir =
      request.stage_dir.empty()
          ? (out_path.parent_path() / ("callgrind-" + out_path.stem().string())).string()
          : request.stage_dir;
  // SIGINT/SIGTERM/SIGHUP kill every valgrind process at once; the loops then stop and the run
  // folder goes with `remove_run_folder`.
  const TerminationGuard on_termination;
  std::string error;
  const auto staged = stage_executable(request.executable, stage_dir, error);
  if (!staged) {
    errors << "perfgate: error: " << error << '\n';
    return k_exit_invalid_input;
  }
  // The run folder lives in /tmp (stage_executable says why); it goes when measuring ends.
  const std::unique_ptr<const Staged, void (*)(const Staged*)> remove_run_folder(
      &*staged, [](const Staged* s) { remove_staged(*s); });
  return measure_staged(request, *valgrind, stage_dir, *staged, caller_context, log, errors);
}

namespace {

std::optional<Isolation> isolation_of(const std::string& text) {
  if (text == "fork") {
    return Isolation::fork;
  }
  if (text == "process") {
    return Isolation::process;
  }
  return std::nullopt;
}

}  // namespace

Command setup_measure(CLI::App& parent) {
  auto request = std::make_shared<MeasureRequest>();
  auto isolation = std::make_shared<std::string>("fork");
  CLI::App* app =
      add_command_group(parent, "measure", "Measure benchmarks in a deterministic lane");
  CLI::App* instructions = app->add_subcommand(
      "instructions",
      "Instructions per iteration of each benchmark under valgrind's callgrind (docs/lanes.md)");
  instructions->add_option("--executable", request->executable, "Google Benchmark executable")
      ->required()
      ->check(CLI::ExistingFile);
  instructions->add_option("--out", request->out,
                           "Results file to write (perfgate.baseline/2 with the instructions "
                           "metric; read by gate --results, compare, baseline update)")
      ->required();
  instructions->add_option("--filter", request->filter,
                           "Only benchmarks matching this --benchmark_filter regex (default: all)");
  instructions->add_option("--suite", request->suite, "Suite name (default: the executable's name)");
  instructions->add_option("--context", request->context,
                           "Run-context file (perfgate.context/1) with compiler, cxx_flags and "
                           "build_type, merged into the results' context");
  instructions->add_option("--jobs", request->jobs, "valgrind processes at a time")
      ->capture_default_str();
  instructions->add_option("--timeout", request->timeout,
                           "Seconds per benchmark run before it is killed and reported as an error")
      ->capture_default_str();
  instructions->add_option("--repeat", request->repeat,
                           "Runs per benchmark (threaded benchmarks: at least 3); counts that "
                           "differ mark the benchmark noisy")
      ->capture_default_str();
  instructions->add_option("--isolation", *isolation,
                           "fork: one valgrind process per --jobs slot forks a child per run (the "
                           "same counts, without valgrind's start-up per run); process: one "
                           "valgrind process per run")
      ->check(CLI::IsMember({"fork", "process"}))
      ->capture_default_str();
  instructions->add_option("--valgrind", request->valgrind, "valgrind to run")
      ->capture_default_str();
  instructions->add_option("--stage-dir", request->stage_dir,
                           "Working folder (default: callgrind-<out name> next to --out)");
  instructions->add_option("--env", request->environment,
                           "VAR=VALUE added to the pinned environment of the benchmark (repeatable); "
                           "nothing else from perfgate's own environment reaches it");
  return {app, [request, isolation] {
            MeasureRequest effective = *request;
            effective.isolation = isolation_of(*isolation).value_or(Isolation::fork);
            effective.command_line = "perfgate measure instructions --executable " +
                                     request->executable + " --out " + request->out +
                                     (request->filter.empty() ? "" : " --filter " + request->filter) +
                                     " --repeat " + std::to_string(request->repeat);
            for (const std::string& entry : request->environment) {
              effective.command_line += " --env " + entry;
            }
            const int code = measure_instructions(effective, std::cout, std::cerr);
            std::cout.flush();
            reraise_termination();
            return code;
          }};
}

}  // namespace perfgate::cli
