// perfgate measure instructions: instructions per iteration of every benchmark of a Google
// Benchmark executable, under valgrind's callgrind (the deterministic lane; docs/lanes.md).
// The output is a perfgate.baseline/1 file holding only the `instructions` metric, which
// `perfgate gate --results`, `perfgate compare` and `perfgate baseline record --results` read
// like any results file.
#include "callgrind_runner.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

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

namespace perfgate::cli {

namespace {

namespace fs = std::filesystem;

// A threaded benchmark is measured at least this many times, so a count that jitters with
// thread scheduling shows up as differing repetitions (and the benchmark as noisy).
constexpr int k_min_thread_repeat = 3;

struct MeasureOptions {
  std::string executable;
  std::string filter;
  std::string out;
  std::string suite;
  std::string context;
  std::string valgrind = "valgrind";
  std::string stage_dir;
  std::vector<std::string> environment;  // --env VAR=VALUE, added to the pinned environment
  int jobs = 2;
  double timeout = 120;
  int repeat = 1;
  std::string command_line;
};

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

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) {
    return {};
  }
  return buffer;
}

int measure_instructions(const MeasureOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.jobs < 1 || options.repeat < 1 || !(options.timeout > 0)) {
    std::cerr << "perfgate: error: --jobs and --repeat must be at least 1 and --timeout above 0\n";
    return k_exit_invalid_input;
  }
  for (const std::string& entry : options.environment) {
    const std::size_t eq = entry.find('=');
    const bool named = eq != std::string::npos && eq > 0 &&
                       entry.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                               "0123456789_") == eq &&
                       !(entry[0] >= '0' && entry[0] <= '9');
    if (!named) {
      std::cerr << "perfgate: error: --env \"" << entry << "\": expected VAR=VALUE (a variable name, "
                   "then =)\n";
      return k_exit_invalid_input;
    }
  }
  const auto valgrind = find_program(options.valgrind);
  if (!valgrind) {
    std::cerr << "perfgate: error: valgrind not found ('" << options.valgrind
              << "')\n  hint: install it (apt-get install valgrind) or pass --valgrind PATH\n";
    return k_exit_invalid_input;
  }
  std::optional<std::map<std::string, std::string>> caller_context;
  if (!options.context.empty()) {
    caller_context = load_context(options.context);
    if (!caller_context) {
      return k_exit_invalid_input;
    }
  }
  const fs::path out_path(options.out);
  const std::string stage_dir =
      options.stage_dir.empty()
          ? (out_path.parent_path() / ("callgrind-" + out_path.stem().string())).string()
          : options.stage_dir;
  std::string error;
  const auto staged = stage_executable(options.executable, stage_dir, error);
  if (!staged) {
    std::cerr << "perfgate: error: " << error << '\n';
    return k_exit_invalid_input;
  }
  // The run folder lives in /tmp (stage_executable says why); it goes when measuring ends.
  const std::unique_ptr<const Staged, void (*)(const Staged*)> remove_run_folder(
      &*staged, [](const Staged* s) { remove_staged(*s); });
  const std::string scratch = (fs::absolute(stage_dir) / "probe").string();
  // The pinned host (docs/lanes.md): the same machine, time zone and stack for the program on
  // every host, both when it lists its benchmarks (their names can depend on the CPU count) and
  // when it is measured.
  const auto auxv_entries = host_auxv_entries();
  const std::string pinned_host = callgrind::pinned_host_of(auxv_entries);
  if (!auxv_entries || !callgrind::stack_padding(*auxv_entries)) {
    std::cerr << "perfgate: warning: the benchmark's stack cannot be pinned (" << pinned_host
              << "); its counts may differ from those of other hosts, and the fingerprint of "
                 "the results says so\n";
  }
  const std::vector<std::string> environment = pinned_host_environment(
      *staged, auxv_entries.value_or(callgrind::k_auxv_slots + 1), options.environment);

  // The benchmarks, listed natively (not under valgrind) with the same environment and folder.
  std::vector<std::string> list_command{staged->program, "--benchmark_list_tests=true"};
  if (!options.filter.empty()) {
    list_command.push_back("--benchmark_filter=" + options.filter);
  }
  const CapturedRun listing =
      run_captured(list_command, staged->directory, scratch + ".list", 60, environment);
  if (!listing.exit_code || *listing.exit_code != 0) {
    std::cerr << "perfgate: error: " << options.executable << " --benchmark_list_tests failed ("
              << (listing.timed_out      ? std::string("timed out after 60 s")
                  : listing.signal       ? "signal " + std::to_string(*listing.signal)
                  : listing.exit_code    ? "exit code " + std::to_string(*listing.exit_code)
                                         : std::string("could not start"))
              << ")\n"
              << listing.err;
    return k_exit_run_failed;
  }
  // The loader says so (and goes on) when it cannot preload a library: "ERROR: ld.so: object
  // '<path>' from LD_PRELOAD cannot be preloaded (<why>): ignored."
  std::string not_pinned;
  if (const std::size_t at = listing.err.find("object '" + staged->preload + "'");
      at != std::string::npos) {
    const std::size_t line_start = listing.err.rfind('\n', at);
    const std::size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
    const std::string line = listing.err.substr(begin, listing.err.find('\n', at) - begin);
    if (line.find("cannot be preloaded") != std::string::npos) {
      not_pinned = line;
    }
  }
  std::vector<std::string> names;
  std::string_view rest = listing.out;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    std::string name(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) {
      name.pop_back();
    }
    if (!name.empty()) {
      names.push_back(std::move(name));
    }
  }
  if (names.empty()) {
    std::cerr << "perfgate: error: " << options.executable << " lists no benchmarks"
              << (options.filter.empty() ? std::string() : " matching --filter \"" + options.filter + "\"")
              << ", so nothing would be measured\n";
    return k_exit_run_failed;
  }

  std::vector<MeasureJob> jobs;
  std::vector<std::vector<std::size_t>> jobs_of(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const int threads = callgrind::schedule_of(names[i]).threads;
    const int repeat = threads > 1 ? std::max(options.repeat, k_min_thread_repeat) : options.repeat;
    for (int r = 0; r < repeat; ++r) {
      jobs_of[i].push_back(jobs.size());
      jobs.push_back({names[i], static_cast<std::size_t>(r)});
    }
  }
  std::cout << "perfgate: measuring " << names.size() << " benchmark"
            << (names.size() == 1 ? "" : "s") << " of " << options.executable
            << " under callgrind (" << jobs.size() << " valgrind run"
            << (jobs.size() == 1 ? "" : "s") << ", " << options.jobs << " at a time)\n";
  std::cout.flush();

  RunnerSettings settings;
  settings.valgrind = *valgrind;
  settings.stage_dir = fs::absolute(stage_dir).string();
  settings.timeout_seconds = options.timeout;
  settings.jobs = options.jobs;
  settings.extra_environment = environment;
  double cpu_total = 0;
  const auto outcomes = run_callgrind_jobs(
      *staged, jobs, settings, [&](std::size_t job, const JobOutcome& outcome) {
        cpu_total += outcome.cpu_seconds;
        const auto& m = outcome.measurement;
        std::cout << "  " << jobs[job].benchmark;
        if (options.repeat > 1 || callgrind::schedule_of(jobs[job].benchmark).threads > 1) {
          std::cout << " [run " << jobs[job].repetition + 1 << "]";
        }
        if (m.instructions) {
          std::cout << "  " << fixed(*m.instructions, 2) << " instructions/iteration";
        } else {
          std::cout << "  ERROR: " << m.error;
        }
        std::cout << "  (" << fixed(outcome.seconds, 2) << " s)\n";
        std::cout.flush();
      });

  Baseline results;
  results.suite = options.suite.empty() ? fs::path(options.executable).filename().string()
                                        : options.suite;
  results.provenance.recorded_at = utc_now();
  const char* user = std::getenv("USER");
  results.provenance.recorded_by = user != nullptr ? user : "unknown";
  results.provenance.reason =
      "measured by perfgate measure instructions (a results file, not a reviewed baseline)";
  results.provenance.source = options.executable;
  results.provenance.tool_version = std::string(k_version);
  results.provenance.command = options.command_line;
  RunSet& runs = results.runs;
  runs.source = options.out;
  runs.context.date = results.provenance.recorded_at;
  runs.context.host_name = host_name();
  runs.context.executable = options.executable;
  runs.context.num_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  if (caller_context) {
    runs.context.extra = *caller_context;
  } else {
    std::cerr << "perfgate: note: no --context: compiler, flags and build type are not recorded, "
                 "so a baseline made from " << options.out << " will not pin them\n";
  }
  bool dynamic = true;
  for (const auto& [key, value] :
       toolchain_facts(options.executable, *valgrind, scratch, dynamic)) {
    runs.context.extra[key] = value;
  }
  runs.context.library_version = version_of_library(runs.context.extra["benchmark_library"]);
  if (!dynamic) {
    not_pinned = "a statically linked executable ignores LD_PRELOAD";
  }
  if (!not_pinned.empty()) {
    // Recorded as such, so a baseline measured on the pinned host refuses these counts.
    std::cerr << "perfgate: warning: the benchmark did not run on the pinned host (" << not_pinned
              << "); its counts may differ between hosts (docs/lanes.md, \"A pinned host\")\n";
    runs.context.extra["pinned_host"] = "not pinned: " + not_pinned;
  } else {
    runs.context.extra["pinned_host"] = pinned_host;
  }
  runs.context.extra["callgrind_method"] =
      "(R(100) - R(10)) / 90 under --benchmark_min_time=1e9, summed over threads";
  if (!options.environment.empty()) {
    // For reviewers: a results file measured with a fault-injection knob says so. Not part of
    // the fingerprint.
    std::string joined;
    for (const std::string& entry : options.environment) {
      joined += (joined.empty() ? "" : " ") + entry;
    }
    runs.context.extra["measure_environment"] = joined;
  }

  std::size_t errored = 0;
  std::size_t noisy = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::vector<callgrind::Measurement> repetitions;
    for (const std::size_t job : jobs_of[i]) {
      repetitions.push_back(outcomes[job].measurement);
    }
    Benchmark benchmark = callgrind::to_benchmark(names[i], repetitions);
    if (benchmark.errored) {
      ++errored;
      std::cerr << options.out << ": error: " << benchmark.name << ": " << benchmark.error_message
                << '\n';
    }
    if (const MetricSeries* series = benchmark.find(metric::k_instructions);
        series != nullptr && series->noisy) {
      ++noisy;
      std::cerr << options.out << ": warning: " << benchmark.name << " is noisy: " << series->note
                << '\n';
    }
    runs.benchmarks.push_back(std::move(benchmark));
  }
  if (auto written = write_file_atomic(options.out, write_baseline(results)); !written) {
    std::cerr << format_diagnostics(written.error());
    return k_exit_invalid_input;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "perfgate: wrote " << options.out << ": " << names.size() - errored << " of "
            << names.size() << " benchmarks measured" << (noisy > 0 ? ", " : "")
            << (noisy > 0 ? std::to_string(noisy) + " noisy" : std::string()) << " in "
            << fixed(seconds, 1) << " s (valgrind CPU " << fixed(cpu_total, 1) << " s)\n";
  if (errored > 0) {
    std::cerr << "perfgate: error: " << errored << " benchmark" << (errored == 1 ? "" : "s")
              << " could not be measured; the gate reports "
              << (errored == 1 ? "it" : "them") << " as errors\n";
    return k_exit_run_failed;
  }
  return k_exit_passed;
}

}  // namespace

Command setup_measure(CLI::App& parent) {
  auto options = std::make_shared<MeasureOptions>();
  CLI::App* app = parent.add_subcommand("measure", "Measure benchmarks in a deterministic lane");
  app->require_subcommand(1);
  CLI::App* instructions = app->add_subcommand(
      "instructions",
      "Instructions per iteration of each benchmark under valgrind's callgrind (docs/lanes.md)");
  instructions->add_option("--executable", options->executable, "Google Benchmark executable")
      ->required()
      ->check(CLI::ExistingFile);
  instructions->add_option("--out", options->out,
                           "Results file to write (perfgate.baseline/1 with the instructions "
                           "metric; read by gate --results, compare, baseline record)")
      ->required();
  instructions->add_option("--filter", options->filter,
                           "Only benchmarks matching this --benchmark_filter regex (default: all)");
  instructions->add_option("--suite", options->suite, "Suite name (default: the executable's name)");
  instructions->add_option("--context", options->context,
                           "Run-context file (perfgate.context/1) with compiler, cxx_flags and "
                           "build_type, merged into the results' context");
  instructions->add_option("--jobs", options->jobs, "valgrind processes at a time")
      ->capture_default_str();
  instructions->add_option("--timeout", options->timeout,
                           "Seconds per benchmark run before it is killed and reported as an error")
      ->capture_default_str();
  instructions->add_option("--repeat", options->repeat,
                           "Separate valgrind runs per benchmark (threaded benchmarks: at least 3); "
                           "counts that differ mark the benchmark noisy")
      ->capture_default_str();
  instructions->add_option("--valgrind", options->valgrind, "valgrind to run")
      ->capture_default_str();
  instructions->add_option("--stage-dir", options->stage_dir,
                           "Working folder (default: callgrind-<out name> next to --out)");
  instructions->add_option("--env", options->environment,
                           "VAR=VALUE added to the pinned environment of the benchmark (repeatable); "
                           "nothing else from perfgate's own environment reaches it");
  return {app, [options] {
            MeasureOptions effective = *options;
            effective.command_line = "perfgate measure instructions --executable " +
                                     options->executable + " --out " + options->out +
                                     (options->filter.empty() ? "" : " --filter " + options->filter) +
                                     " --repeat " + std::to_string(options->repeat);
            for (const std::string& entry : options->environment) {
              effective.command_line += " --env " + entry;
            }
            return measure_instructions(effective);
          }};
}

}  // namespace perfgate::cli
