// Benchmark processes of `perfgate run` (run.hpp): the warm-up and the measured run, each with the
// test's deadline, their console output kept, and every way they can fail named.
#include "host_probe.hpp"
#include "run.hpp"

#include <perfgate/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

ProcessRecord record_of(const std::vector<std::string>& command, const ProcessOutcome& outcome,
                        const std::string& role, const std::string& log) {
  ProcessRecord record;
  record.role = role;
  record.command = command;
  record.outcome = outcome.describe();
  record.seconds = outcome.seconds;
  record.cpu_seconds = outcome.cpu_seconds;
  record.involuntary_switches = outcome.involuntary_switches;
  record.log = log;
  return record;
}

// Judges the load around a measured run (contention.hpp) and marks the run when it was contended.
void judge_load(RunState& state, const Result<LoadSample>& before, const Result<LoadSample>& after,
                const ProcessOutcome& outcome, const RunSet& results) {
  RunUsage usage;
  usage.wall_seconds = outcome.seconds;
  usage.cpu_seconds = outcome.cpu_seconds;
  usage.involuntary_switches = outcome.involuntary_switches;
  for (const auto& benchmark : results.benchmarks) {
    usage.threads = std::max(usage.threads, static_cast<int>(benchmark.threads));
  }
  const LoadReport report =
      assess_load(before ? std::optional<LoadSample>(*before) : std::nullopt,
                  after ? std::optional<LoadSample>(*after) : std::nullopt, usage);
  std::cout << "perfgate: load: " << report.describe() << std::endl;
  if (report.contended) {
    state.add_condition(report.condition());
    state.record.contended = true;
  }
  state.loads.push_back(report);
  if (!state.record.processes.empty()) {
    state.record.processes.back().load = report.describe();
    state.record.processes.back().contended = report.contended;
  }
}

// One child process of the run, said before it starts, killed at the test's deadline, its
// output in `log` and its outcome in run.json.
ProcessOutcome run_logged(RunState& state, const std::vector<std::string>& command,
                          std::vector<std::string> environment, const std::string& role,
                          const std::string& log) {
  std::cout << "perfgate: running";
  for (const auto& word : command) {
    std::cout << ' ' << word;
  }
  std::cout << std::endl;
  ProcessSpec spec;
  spec.argv = command;
  spec.cwd = state.config.working_directory;
  spec.environment = std::move(environment);
  spec.out_path = state.path(log);
  spec.timeout_seconds = std::max(1.0, state.seconds_left());
  const ProcessOutcome outcome = run_process(spec);
  state.record.processes.push_back(record_of(command, outcome, role, log));
  return outcome;
}

// One process of the benchmark executable.
ProcessOutcome run_one(RunState& state, const std::vector<std::string>& command,
                       const std::string& role, const std::string& log, bool makes_baseline) {
  return run_logged(state, command, benchmark_environment(state, makes_baseline), role, log);
}

[[noreturn]] void fail_process(const RunState& state, const ProcessOutcome& outcome,
                               const std::string& what, const std::string& log) {
  print_file(state.path(log));
  if (outcome.timed_out) {
    throw RunEnd{run::Status::timeout,
                 what + " was killed by the hard timeout after " +
                     std::to_string(static_cast<long>(outcome.seconds)) + " s (TIMEOUT " +
                     std::to_string(static_cast<long>(state.settings.timeout)) +
                     " s); the partial output is in " + log + "."};
  }
  throw RunEnd{run::Status::run_failed, what + " failed (" + outcome.describe() + "); see " + log + "."};
}

}  // namespace

void RunState::add_condition(const std::string& condition) {
  if (!condition.empty() &&
      std::find(info.conditions.begin(), info.conditions.end(), condition) == info.conditions.end()) {
    info.conditions.push_back(condition);
  }
}

void print_file(const std::string& path) {
  if (const auto text = slurp(path)) {
    std::cout << *text;
    if (!text->empty() && text->back() != '\n') {
      std::cout << '\n';
    }
    std::cout.flush();
  }
}

std::vector<std::string> benchmark_environment(const RunState& state, bool makes_baseline) {
  std::vector<std::string> unset;
  if (makes_baseline) {
    unset = state.config.baseline_unset_env;
  }
  return change_environment(current_environment(), state.config.environment, unset);
}

void run_benchmark(RunState& state, const BenchmarkRun& run) {
  std::error_code ec;
  if (!fs::is_regular_file(run.executable, ec)) {
    throw RunEnd{run::Status::error, "the benchmark executable does not exist: " + run.executable};
  }
  std::vector<std::string> common{run.executable};
  if (!run.filter.empty()) {
    common.push_back("--benchmark_filter=" + run.filter);
  }
  common.insert(common.end(), state.config.extra_args.begin(), state.config.extra_args.end());
  const std::string& warmup = state.settings.warmup;
  if (run.warmup && !warmup.empty() && std::stod(warmup) > 0) {
    // Google Benchmark 1.7 has no --benchmark_min_warmup_time: a discarded short run.
    std::vector<std::string> command = common;
    command.push_back("--benchmark_repetitions=1");
    command.push_back("--benchmark_min_time=" + warmup);
    const std::string log = fs::path(run.log).replace_extension().string() + "-warmup.log";
    const auto outcome = run_one(state, command, run.role + "-warmup", log, run.makes_baseline);
    if (!outcome.succeeded()) {
      fail_process(state, outcome, "the warm-up run of " + run.what, log);
    }
  }
  std::vector<std::string> command = common;
  command.push_back("--benchmark_repetitions=" + std::to_string(run.repetitions));
  if (!state.settings.min_time.empty()) {
    command.push_back("--benchmark_min_time=" + state.settings.min_time);
  }
  command.push_back("--benchmark_out=" + run.results);
  command.push_back("--benchmark_out_format=json");
  command.push_back("--benchmark_format=console");
  command.push_back("--benchmark_color=false");
  const auto before = sample_load();
  const auto outcome = run_one(state, command, run.role, run.log, run.makes_baseline);
  const auto after = sample_load();
  if (!outcome.succeeded()) {
    fail_process(state, outcome, run.what, run.log);
  }
  const std::string console = slurp(state.path(run.log)).value_or("");
  const std::string results_name = fs::path(run.results).filename().string();
  if (console.find("Failed to match any benchmarks") != std::string::npos) {
    // Google Benchmark 1.7 exits 0 with an empty output when the filter matches nothing.
    throw RunEnd{run::Status::no_benchmarks,
                 "no benchmark of " + state.config.target + " matched the filter '" + run.filter +
                     "' (" + run.what + "): Google Benchmark ran nothing, and a gate over nothing "
                     "never passes."};
  }
  const auto results = slurp(run.results);
  if (!results) {
    throw RunEnd{run::Status::run_failed, run.what + " wrote no --benchmark_out file (" + results_name + ")."};
  }
  if (results->empty()) {
    throw RunEnd{run::Status::run_failed, "the --benchmark_out file of " + run.what + " is empty (" + results_name + ")."};
  }
  auto parsed = parse_results(*results, run.results);
  if (!parsed) {
    // What the benchmark wrote is the run's fault, not the gate's input: a run failure.
    throw RunEnd{run::Status::run_failed, run.what + " wrote results perfgate cannot read (" +
                                              results_name + "):\n" +
                                              format_diagnostics(parsed.error())};
  }
  if (parsed->benchmarks.empty()) {
    throw RunEnd{run::Status::no_benchmarks,
                 "the results of " + run.what + " hold zero benchmarks (" + results_name +
                     "), and a gate over nothing never passes."};
  }
  judge_load(state, before, after, outcome, *parsed);
}

ProcessOutcome run_perfgate(RunState& state, const std::vector<std::string>& arguments,
                            const std::string& role, const std::string& log) {
  std::vector<std::string> command{state.config.perfgate};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return run_logged(state, command, current_environment(), role, log);
}

}  // namespace perfgate::cli
