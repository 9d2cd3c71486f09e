// The fixtures and records of `perfgate run` (run.hpp): validate (policies and committed baselines
// before anything runs), bootstrap (a provisional baseline when none is committed), record (the
// reviewed baseline update), and the instructions lane's measurement they share with the gate.
#include "common.hpp"
#include "exit_code.hpp"
#include "run.hpp"

#include <perfgate/callgrind.hpp>
#include <perfgate/parse.hpp>

#include <filesystem>
#include <iostream>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

bool has_lane(const RunConfig& config, const char* lane) {
  return std::find(config.lanes.begin(), config.lanes.end(), lane) != config.lanes.end();
}

// The results a baseline is made from: RECORD_RUNS separate process runs of the wall-time lane
// (one when bootstrapping), or the instructions measurement.
std::vector<std::string> measure_for_baseline(RunState& state, std::size_t runs) {
  std::vector<std::string> results;
  if (state.lane == run::Lane::instr) {
    const std::string out = state.path("instructions.json");
    const std::string filter =
        state.benchmarks.empty() ? state.config.instructions_filter : state.benchmarks;
    const int exit = measure_instructions(state, filter, out, true);
    if (exit != 0) {
      throw RunEnd{run::Status::run_failed,
                   "perfgate measure instructions failed (exit " + std::to_string(exit) +
                       "); a baseline is never recorded from a run that could not measure every "
                       "benchmark."};
    }
    return {out};
  }
  for (std::size_t i = 1; i <= runs; ++i) {
    BenchmarkRun run;
    run.executable = state.executable;
    run.filter = state.benchmarks.empty() ? state.config.filter : state.benchmarks;
    run.repetitions = state.settings.repetitions;
    run.results = state.path(runs == 1 ? "results.json" : "results-" + std::to_string(i) + ".json");
    run.log = runs == 1 ? "benchmark.log" : "benchmark-" + std::to_string(i) + ".log";
    run.role = "measure-" + std::to_string(i);
    run.what = runs == 1 ? "the benchmark" : "baseline run " + std::to_string(i) + " of " + std::to_string(runs);
    run.makes_baseline = true;
    run_benchmark(state, run);
    results.push_back(run.results);
  }
  return results;
}

// RECORD_RUNS: a baseline is never recorded from runs that most likely measured the machine's
// neighbours (contention.hpp, judge_recording); one contended run is a warning. Returns the
// warning ("" when none).
std::string judge_baseline_runs(RunState& state, const std::vector<std::string>& results) {
  if (state.lane == run::Lane::instr || state.loads.size() < results.size()) {
    return {};  // instruction counts do not depend on load
  }
  std::vector<RunSet> runs;
  for (const auto& file : results) {
    auto text = slurp(file);
    auto parsed = text ? parse_results(*text, file) : Result<RunSet>(Diagnostics{});
    if (!parsed) {
      return {};  // the recording itself says what is wrong with the file
    }
    runs.push_back(std::move(*parsed));
  }
  const std::vector<LoadReport> loads(state.loads.end() - static_cast<long>(results.size()),
                                      state.loads.end());
  const RecordingJudgement judgement = judge_recording(loads, runs);
  if (judgement.verdict == RecordingVerdict::refuse && !RunState::env("PERFGATE_ACCEPT_CONTENDED").empty()) {
    // A machine known to be loaded (a soak rig, perfgate's own tests): recorded, and said.
    const std::string text = judgement.text + " (recorded anyway: PERFGATE_ACCEPT_CONTENDED is set)";
    std::cout << "perfgate: warning: " << text << std::endl;
    return text;
  }
  if (judgement.verdict == RecordingVerdict::refuse) {
    throw RunEnd{run::Status::refused,
                 "the baseline is not recorded: " + judgement.text +
                     "\n  Hint: record it again on a quiet machine (docs/baselines.md, \"Recording "
                     "on a busy machine\")."};
  }
  if (judgement.verdict == RecordingVerdict::warn) {
    std::cout << "perfgate: warning: " << judgement.text << std::endl;
    return judgement.text;
  }
  return {};
}

const std::string& lane_class(const RunState& state) {
  return state.lane == run::Lane::instr ? state.toolchain.name : state.runner.name;
}

std::string class_text(const RunState& state) {
  return state.lane == run::Lane::instr ? "toolchain class '" + state.toolchain.name + "'"
                                        : "runner class '" + state.runner.name + "'";
}

}  // namespace

std::vector<std::string> measure_arguments(const RunState& state, const std::string& filter,
                                           bool makes_baseline, bool announce) {
  std::vector<std::string> arguments{"--executable", state.executable, "--suite", state.config.suite,
                                     "--jobs", std::to_string(state.config.instructions_jobs),
                                     "--repeat", std::to_string(state.settings.repetitions)};
  if (!filter.empty()) {
    arguments.push_back("--filter");
    arguments.push_back(filter);
  }
  const auto& unset = state.config.baseline_unset_env;
  const auto skipped = [&](const std::string& name) {
    return makes_baseline && std::find(unset.begin(), unset.end(), name) != unset.end();
  };
  for (const auto& entry : state.config.environment) {
    if (!skipped(entry.substr(0, entry.find('=')))) {
      arguments.push_back("--env");
      arguments.push_back(entry);
    }
  }
  for (const auto& name : state.config.forward_env) {
    const char* value = std::getenv(name.c_str());
    if (value != nullptr && !skipped(name)) {
      arguments.push_back("--env");
      arguments.push_back(name + "=" + value);
      if (announce) {
        std::cout << "perfgate: forwarding " << name << "=" << value
                  << " to the measured benchmark (FORWARD_ENV)" << std::endl;
      }
    }
  }
  return arguments;
}

int measure_instructions(RunState& state, const std::string& filter, const std::string& out,
                         bool makes_baseline) {
  std::vector<std::string> arguments{"measure", "instructions"};
  for (auto& argument : measure_arguments(state, filter, makes_baseline, true)) {
    arguments.push_back(std::move(argument));
  }
  for (const std::string& extra :
       {std::string("--context"), state.path("context.json"), std::string("--out"), out,
        std::string("--timeout"), std::to_string(static_cast<long>(std::max(1.0, state.seconds_left()))),
        std::string("--stage-dir"), state.path("callgrind")}) {
    arguments.push_back(extra);
  }
  const ProcessOutcome outcome = run_perfgate(state, arguments, "measure-instructions", "measure.log");
  print_file(state.path("measure.log"));
  const std::string log = slurp(state.path("measure.log")).value_or("");
  if (outcome.timed_out) {
    throw RunEnd{run::Status::timeout,
                 "perfgate measure instructions was killed by the hard timeout (INSTRUCTIONS_TIMEOUT " +
                     std::to_string(static_cast<long>(state.settings.timeout)) +
                     " s); its output is in measure.log."};
  }
  const int exit = outcome.exit_code.value_or(k_exit_run_failed);
  if (exit == k_exit_run_failed && log.find("lists no benchmarks") != std::string::npos) {
    throw RunEnd{run::Status::no_benchmarks,
                 "no benchmark of " + state.config.target + " matched " +
                     (state.config.instructions_filter == state.config.filter ? "FILTER"
                                                                              : "INSTRUCTIONS_FILTER") +
                     " '" + filter + "' when perfgate measure listed them; a gate over nothing "
                     "never passes."};
  }
  if (exit == k_exit_invalid_input) {
    throw RunEnd{run::Status::invalid_input,
                 "perfgate measure instructions refused its input (exit 2); see measure.log."};
  }
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    throw RunEnd{run::Status::run_failed, "perfgate measure instructions wrote no results (" +
                                              outcome.describe() + "); see measure.log."};
  }
  return exit;
}

run::Outcome run_validate(RunState& state) {
  struct Check {
    run::Lane lane;
    std::string policy;
    const run::ClassChoice* choice;
    const char* word;
  };
  std::vector<Check> checks{{run::Lane::perf, state.config.policy, &state.runner, "runner class"}};
  if (has_lane(state.config, "instructions")) {
    checks.push_back({run::Lane::instr, state.config.instructions_policy, &state.toolchain, "toolchain class"});
  }
  std::string said;
  for (const Check& check : checks) {
    const auto policy = load_policy(check.policy);
    if (!policy) {
      throw RunEnd{run::Status::invalid_input,
                   "the policy does not validate; every gate test of suite " + state.config.suite +
                       " is stopped.\n  Policy: '" + check.policy + "'"};
    }
    const std::string waivers = waivers_path(state.config, check.policy);
    if (!waivers.empty() && !load_waivers(waivers, policy->waiver_max_days)) {
      throw RunEnd{run::Status::invalid_input,
                   "the waivers do not validate; every gate test of suite " + state.config.suite +
                       " is stopped.\n  Waivers: '" + waivers + "'"};
    }
    if (check.choice->name.empty()) {
      said += " Instructions policy validates, but: " + check.choice->error;
      continue;
    }
    const std::string committed = run::committed_baseline(state.config, check.choice->name);
    std::error_code ec;
    const run::BaselineChoice choice = run::choose_baseline(
        state.config, check.lane, check.choice->name, fs::exists(committed, ec), false);
    if (choice.kind == run::BaselineKind::vanished) {
      throw RunEnd{run::Status::invalid_input,
                   run::vanished_message(choice, run::record_command(state.config, check.lane,
                                                                     state.runner.name)) +
                       "\n  Every gate test of suite " + state.config.suite + " is stopped."};
    }
    if (!fs::exists(committed, ec)) {
      said += " Policy '" + check.policy + "' validates; no committed baseline for " + check.word +
              " " + check.choice->name + ".";
      continue;
    }
    if (!load_results({committed})) {
      throw RunEnd{run::Status::invalid_input,
                   "the committed baseline does not validate; every gate test of suite " +
                       state.config.suite + " is stopped.\n  Baseline: '" + committed +
                       "'\n  Hint: fix it or record a new one with\n    " +
                       run::record_command(state.config, check.lane, state.runner.name)};
    }
    said += " Policy '" + check.policy + "' and committed baseline (" + check.word + " " +
            check.choice->name + ") validate.";
  }
  return {run::Status::passed, said.empty() ? said : said.substr(1)};
}

run::Outcome run_bootstrap(RunState& state) {
  if (state.lane == run::Lane::perf && state.paired()) {
    return {run::Status::passed, "paired lane (reference build from the " + state.reference.source +
                                     "): the perf tests compare with the reference build, no "
                                     "stored baseline is needed."};
  }
  if (state.lane == run::Lane::instr && !state.toolchain.error.empty()) {
    throw RunEnd{run::Status::error, state.toolchain.error};
  }
  if (state.lane == run::Lane::instr) {
    measure_suite(state);  // once, for every instr test of the suite
  }
  const std::string& name = lane_class(state);
  std::error_code ec;
  const bool committed = fs::exists(run::committed_baseline(state.config, name), ec);
  const bool enabled = run::bootstrap_enabled(state.config, RunState::env("PERFGATE_BOOTSTRAP"));
  state.baseline = run::choose_baseline(state.config, state.lane, name, committed, enabled);
  if (state.baseline.kind == run::BaselineKind::committed) {
    return {run::Status::passed, "committed baseline found, nothing to bootstrap: " + state.baseline.path};
  }
  if (state.baseline.kind == run::BaselineKind::missing) {
    return {run::Status::passed, "no committed baseline and BOOTSTRAP is OFF: the gate tests say so."};
  }
  if (state.baseline.kind == run::BaselineKind::vanished) {
    throw RunEnd{run::Status::invalid_input,
                 run::vanished_message(state.baseline,
                                       run::record_command(state.config, state.lane, state.runner.name))};
  }
  const std::vector<std::string> results = measure_for_baseline(state, 1);
  if (!state.loads.empty() && state.loads.back().contended) {
    std::cout << "perfgate: warning: the provisional baseline was measured under contention ("
              << state.loads.back().describe() << "); its verdicts say so." << std::endl;
  }
  fs::create_directories(fs::path(state.baseline.path).parent_path(), ec);
  fs::remove(state.baseline.path, ec);
  std::vector<std::string> arguments{"baseline", "update", "--suite", state.config.suite, "--out",
                                     state.baseline.path, "--runner", name, "--context",
                                     state.path("context.json"), "--recorded-by",
                                     "perfgate bootstrap (" + host_name() + ")", "--reason",
                                     "PROVISIONAL: bootstrapped in the build tree because " +
                                         class_text(state) + " has no committed baseline - not "
                                         "reviewed, not committed (see docs/baselines.md)"};
  for (const auto& file : results) {
    arguments.insert(arguments.begin() + 2, {"--results", file});
  }
  const ProcessOutcome outcome = run_perfgate(state, arguments, "record", "record.log");
  print_file(state.path("record.log"));
  if (!outcome.succeeded() || !fs::exists(state.baseline.path, ec)) {
    throw RunEnd{run::Status::run_failed, "recording the provisional baseline failed (" + outcome.describe() + ")."};
  }
  const bool accepted = state.config.accept_bootstrap;
  return {run::Status::passed, "PROVISIONAL " + std::string(run::lane_title(state.lane, false)) +
                                   " baseline for " + class_text(state) + " recorded from a clean run: " +
                                   state.baseline.path +
                                   (accepted ? std::string(" (BOOTSTRAP ACCEPT: its verdicts stand)")
                                             : std::string(" (the gate tests against it are "
                                                           "inconclusive unless bootstrap verdicts "
                                                           "are accepted)"))};
}

run::Outcome run_record(RunState& state) {
  const std::string reason = RunState::env("PERFGATE_REASON");
  if (const std::string problem = run::reason_problem(reason); !problem.empty()) {
    throw RunEnd{run::Status::refused,
                 problem + "\n  Hint: PERFGATE_REASON=\"why the numbers change\" cmake --build " +
                     state.config.binary_dir + " --target " + state.test};
  }
  if (state.lane == run::Lane::instr && !state.toolchain.error.empty()) {
    throw RunEnd{run::Status::error, state.toolchain.error};
  }
  std::string out = run::committed_baseline(state.config, lane_class(state));
  if (!RunState::env("PERFGATE_RECORD_OUT").empty()) {
    out = RunState::env("PERFGATE_RECORD_OUT");
  }
  state.record.baseline = out;
  state.record.baseline_kind = "committed";
  // One family re-recorded (--family or PERFGATE_FAMILY): measured alone, merged into the file.
  if (state.family.empty()) {
    state.family = RunState::env("PERFGATE_FAMILY");
  }
  if (!state.family.empty() && state.benchmarks.empty()) {
    state.benchmarks = callgrind::family_filter(state.family);
  }
  state.hard_limit = 1e9;  // a record is run by hand: no CTest timeout
  const std::vector<std::string> results = measure_for_baseline(
      state, state.lane == run::Lane::instr ? 1 : std::max<std::size_t>(1, state.config.record_runs));
  const std::string warning = judge_baseline_runs(state, results);
  std::error_code ec;
  fs::create_directories(fs::path(out).parent_path(), ec);
  fs::create_directories(state.path("comparison"), ec);
  std::map<std::string, std::string> environment;
  for (const char* name : {"PERFGATE_RECORDED_BY", "CI_JOB_URL", "GITHUB_RUN_ID", "GITHUB_ACTOR", "USER", "LOGNAME"}) {
    environment[name] = RunState::env(name);
  }
  std::vector<std::string> arguments{
      "baseline", "update", "--suite", state.config.suite, "--out", out, "--runner",
      lane_class(state), "--context", state.path("context.json"), "--reason", reason,
      "--recorded-by", run::recorded_by(environment, host_name()), "--policy",
      state.lane == run::Lane::instr ? state.config.instructions_policy : state.config.policy,
      "--report-dir", state.path("comparison"), "--paths-relative-to", state.repository};
  if (!state.family.empty()) {
    arguments.push_back("--family");
    arguments.push_back(state.family);
  }
  if (results.size() > 1) {
    arguments.push_back("--pool-runs");
  }
  for (const auto& file : results) {
    arguments.insert(arguments.begin() + 2, {"--results", file});
  }
  const ProcessOutcome outcome = run_perfgate(state, arguments, "record", "record.log");
  print_file(state.path("record.log"));
  if (!outcome.succeeded()) {
    throw RunEnd{outcome.exit_code == k_exit_invalid_input ? run::Status::invalid_input
                                                           : run::Status::run_failed,
                 "perfgate baseline update failed (" + outcome.describe() + "); see record.log."};
  }
  return {run::Status::passed,
          "recorded " + out + " for " + class_text(state) + " from " +
              std::to_string(results.size()) + " separate run(s)" +
              (warning.empty() ? std::string() : " (warning: " + warning + ")") +
              ".\n  Review the comparison in " + state.path("comparison") +
              "/ and commit the file with its reason."};
}

}  // namespace perfgate::cli
