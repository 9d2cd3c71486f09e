// The gate tests of `perfgate run` (run.hpp): perf (stored baseline with a confirmation run, or the
// paired lane with fixed or adaptive repetitions), instr and smoke. The gate itself runs in this
// process: the same reading and deciding as `perfgate gate`.
#include "common.hpp"
#include "exit_code.hpp"
#include "run.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

void print_measurement(const std::string& name, const std::string& value) {
  std::cout << "<CTestMeasurement type=\"text/string\" name=\"perfgate/" << name << "\">" << value
            << "</CTestMeasurement>\n";
}

// "the committed wall-time baseline of runner class 'x' (machine fingerprint)"
std::string against_stored(const RunState& state) {
  const bool instr = state.lane == run::Lane::instr;
  const std::string class_text =
      instr ? "toolchain class '" + state.toolchain.name + "'"
            : "runner class '" + state.runner.name + "' (" + state.runner.source + ")";
  return "the " + std::string(run::to_string(state.baseline.kind)) + " " +
         (instr ? "instructions" : "wall-time") + " baseline of " + class_text;
}

// Chooses the stored baseline, or ends the test when there is none.
void select_baseline(RunState& state) {
  const bool instr = state.lane == run::Lane::instr;
  const std::string& class_name = instr ? state.toolchain.name : state.runner.name;
  std::error_code ec;
  const bool committed = fs::exists(run::committed_baseline(state.config, class_name), ec);
  state.baseline = run::choose_baseline(state.config, state.lane, class_name, committed,
                                        run::bootstrap_enabled(state.config, RunState::env("PERFGATE_BOOTSTRAP")));
  state.info.baseline_kind = std::string(run::to_string(state.baseline.kind));
  state.record.baseline = state.baseline.path;
  state.record.baseline_kind = state.info.baseline_kind;
  if (state.baseline.kind == run::BaselineKind::vanished) {
    throw RunEnd{run::Status::invalid_input,
                 run::vanished_message(state.baseline,
                                       run::record_command(state.config, state.lane, state.runner.name))};
  }
  if (state.baseline.kind == run::BaselineKind::missing) {
    throw RunEnd{run::Status::invalid_input,
                 "no baseline for " + std::string(instr ? "toolchain class '" : "runner class '") +
                     class_name + "': '" + state.baseline.committed +
                     "' does not exist and BOOTSTRAP is OFF.\n  Hint: record one with\n    " +
                     run::record_command(state.config, state.lane, state.runner.name) +
                     "\n  or see docs/baselines.md (first baseline on a new runner or toolchain)."};
  }
  if (!fs::exists(state.baseline.path, ec)) {
    throw RunEnd{run::Status::invalid_input,
                 "the provisional baseline was not bootstrapped: '" + state.baseline.path +
                     "' does not exist.\n  Hint: run the test with its fixtures (plain ctest -L " +
                     std::string(run::to_string(state.lane)) + " does), or record a baseline."};
  }
}

// The candidate's results of this test: a benchmark run, or the instructions measurement.
// Returns the exit code of perfgate measure (3 = something could not be measured) or 0.
int measure_candidate(RunState& state, std::string& results) {
  if (state.lane == run::Lane::instr) {
    if (const auto suite = current_suite_measurement(state)) {
      // The test's folder keeps the results it was gated on, as when it measures itself.
      std::error_code ec;
      fs::copy_file(*suite, results, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        throw RunEnd{run::Status::error, "cannot copy the suite's instructions measurement to '" +
                                             results + "': " + ec.message()};
      }
      return 0;
    }
    return measure_instructions(state, state.benchmarks, results, false);
  }
  BenchmarkRun run;
  run.executable = state.executable;
  run.filter = state.benchmarks;
  run.repetitions = state.settings.repetitions;
  run.results = results;
  run.log = "benchmark.log";
  run_benchmark(state, run);
  return 0;
}

// CONFIRM: a stored-baseline wall-time fail must replicate in a second run of the family.
int confirm_fail(RunState& state, const std::string& policy, std::string& findings) {
  const double took = seconds_since(state.started);
  if (!run::wants_confirmation(state.mode, state.paired(), 1, state.config.confirm,
                               state.seconds_left(), took)) {
    if (state.config.confirm) {
      state.info.confirmation = "skipped: " + std::to_string(static_cast<long>(state.seconds_left())) +
                                " s left before the hard timeout, the first run took " +
                                std::to_string(static_cast<long>(took)) + " s";
    }
    return 1;
  }
  std::cout << "perfgate: the gate failed; a confirmation run of " << state.family
            << " decides whether the slowdown replicates (CONFIRM)." << std::endl;
  fs::create_directories(state.path("confirm"));
  BenchmarkRun run;
  run.executable = state.executable;
  run.filter = state.benchmarks;
  run.repetitions = state.settings.repetitions;
  run.results = state.path("confirm/results.json");
  run.log = "confirm/benchmark.log";
  run.role = "confirm";
  run.what = "the confirmation run";
  run_benchmark(state, run);
  GateCall call;
  call.baseline = {state.baseline.path};
  call.results = {run.results};
  call.policy = policy;
  call.report_dir = state.path("confirm");
  call.print = false;
  const GateOutcome second = run_gate(state, call);
  const run::Confirmation c = run::confirm(1, second.exit);
  state.info.confirmation = c.result;
  state.record.confirmation = c.result;
  findings = c.exit_code == 0 ? "\n  " + c.finding + ":" + findings
                              : findings + "\n  " + c.finding + ":" + run::findings(second.result);
  std::cout << "perfgate: confirmation run " << c.result << std::endl;
  print_measurement("confirmation", c.result);
  return c.exit_code;
}

// A gate that fails only because a waiver expired: a confirmation run cannot change that.
bool fails_only_on_expired_waivers(const GateResult& result) {
  return std::all_of(result.decisions.begin(), result.decisions.end(), [](const Decision& d) {
    const bool failing = d.verdict == Verdict::fail || d.verdict == Verdict::missing;
    return !failing || (d.metric.empty() && d.waiver && d.waiver->status == WaiverStatus::expired);
  });
}

run::Outcome stored_gate(RunState& state) {
  select_baseline(state);
  std::string results =
      state.path(state.lane == run::Lane::instr ? "instructions.json" : "results.json");
  const int measured = measure_candidate(state, results);
  const std::string policy =
      state.lane == run::Lane::instr ? state.config.instructions_policy : state.config.policy;
  print_measurement("baseline", state.info.baseline_kind);
  const bool provisional = state.baseline.kind == run::BaselineKind::provisional;
  bool accepted = false;
  if (provisional) {
    const auto loaded = load_policy(policy);  // an unreadable policy is reported by the gate
    accepted = run::bootstrap_accepted(state.config, loaded && loaded->accept_bootstrap_verdicts);
    state.info.conditions.push_back(run::provisional_condition(accepted));
    std::cout << "perfgate: NOTE: " << run::provisional_condition(accepted) << std::endl;
  }
  GateCall call;
  call.baseline = {state.baseline.path};
  call.results = {results};
  call.policy = policy;
  call.report_dir = state.artifacts;
  call.warn_only = state.mode == run::Mode::smoke;
  GateOutcome gate = run_gate(state, call);
  int exit = gate.exit;
  if (measured == k_exit_run_failed && exit == 0) {
    exit = k_exit_run_failed;  // never a pass when something could not be measured
  }
  std::string findings = run::findings(gate.result);
  if (provisional && state.mode != run::Mode::smoke) {
    const int verdict = exit;
    exit = run::provisional_exit(exit, accepted);
    if (exit != verdict) {
      findings += "\n  the gate said \"" + std::string(run::exit_meaning(verdict)) +
                  "\" against a PROVISIONAL baseline bootstrapped from this very build, which "
                  "checks nothing: inconclusive.\n  Hint: commit a baseline with\n    " +
                  run::record_command(state.config, state.lane, state.runner.name) +
                  "\n  or accept bootstrap verdicts explicitly (BOOTSTRAP ACCEPT, or "
                  "\"accept_bootstrap_verdicts\": true in the policy).";
    }
  }
  if (exit == 1 && state.mode == run::Mode::perf && !fails_only_on_expired_waivers(gate.result)) {
    exit = confirm_fail(state, policy, findings);
    // The first run's reports say what the confirmation found, in their header.
    gate.result.run = state.info;
    if (!write_reports(state, gate.result, state.artifacts, false)) {
      exit = k_exit_invalid_input;
    }
  }
  return run::conclude(state.mode, state.family, exit, findings, against_stored(state));
}

}  // namespace

bool write_reports(const RunState& state, const GateResult& result, const std::string& dir,
                   bool print) {
  ReportOptions report;
  report.report_dir = dir;
  report.ctest_measurements = print;
  report.color = "never";
  // Markdown and HTML name files relative to the build tree or the repository, never by this
  // runner's folders.
  report.path_roots = {state.config.binary_dir, state.repository};
  if (print) {
    return emit_reports(result, report);
  }
  std::ostringstream ignored;  // emit_reports prints to stdout: keep the test's output short
  std::streambuf* saved = std::cout.rdbuf(ignored.rdbuf());
  const bool written = emit_reports(result, report);
  std::cout.rdbuf(saved);
  return written;
}

std::string waivers_path(const RunConfig& config, const std::string& policy) {
  if (!config.waivers.empty()) {
    return config.waivers;
  }
  std::error_code ec;
  const fs::path beside = fs::path(policy).parent_path() / "waivers.json";
  return fs::is_regular_file(beside, ec) ? beside.string() : std::string();
}

GateOutcome run_gate(RunState& state, const GateCall& call) {
  GateOutcome outcome;
  const bool paired = !call.reference.empty();
  auto baseline = load_results(paired ? call.reference : call.baseline);
  auto candidate = load_results(call.results);
  auto policy = load_policy(call.policy);
  const std::string waivers_file = waivers_path(state.config, call.policy);
  std::optional<std::vector<Waiver>> waivers = std::vector<Waiver>{};
  if (policy && !waivers_file.empty()) {
    waivers = load_waivers(waivers_file, policy->waiver_max_days);
  }
  const std::optional<Date> today = today_date("");  // PERFGATE_TODAY, else the UTC date
  if (!baseline || !candidate || !policy || !waivers || !today) {
    outcome.exit = k_exit_invalid_input;
    return outcome;
  }
  apply_context(*candidate, state.context);
  if (!state.benchmarks.empty() &&
      (!retain_benchmarks(*baseline, state.benchmarks) || !retain_benchmarks(*candidate, state.benchmarks))) {
    outcome.exit = k_exit_invalid_input;
    return outcome;
  }
  if (!paired && !fingerprint_matches(*baseline, *candidate, call.baseline.front())) {
    std::cerr << "  hint: " << run::record_command(state.config, state.lane, state.runner.name) << '\n';
    outcome.exit = k_exit_invalid_input;
    return outcome;
  }
  EvaluateOptions options;
  options.environment = policy_environment(*policy);
  options.report_only = call.warn_only;
  options.paired = paired;
  options.sequential_max = call.sequential;
  options.waivers = std::move(*waivers);
  options.today = today;
  outcome.result = evaluate(*baseline, *candidate, *policy, options);
  if (state.lane != run::Lane::instr) {
    // Real time that rose much more than cpu time, a baseline that absorbed load (contention.hpp).
    for (const std::string& condition : contention_notes(*baseline, *candidate, outcome.result)) {
      state.add_condition(condition);
    }
  }
  outcome.result.run = state.info;
  outcome.exit = exit_code(outcome.result);
  if (!call.report_dir.empty()) {
    attach_history(state, outcome.result);
    record_evidence(state, call);
    state.gated = outcome.result;
  }
  if ((!call.report_dir.empty() || call.print) &&
      !write_reports(state, outcome.result, call.report_dir, call.print)) {
    outcome.exit = k_exit_invalid_input;
  }
  if (call.warn_only && (outcome.exit == k_exit_failed || outcome.exit == k_exit_inconclusive)) {
    std::cout << "perfgate: the gate would " << (outcome.exit == k_exit_failed ? "fail" : "be inconclusive")
              << ", but smoke reports it without failing" << std::endl;
    outcome.exit = k_exit_passed;
  }
  return outcome;
}

run::Outcome run_paired_gate(RunState& state);  // run_paired.cpp

run::Outcome run_gate_test(RunState& state) {
  if (state.family.empty()) {
    const bool instr = state.lane == run::Lane::instr;
    const std::string keyword = instr && state.config.instructions_filter != state.config.filter
                                    ? "INSTRUCTIONS_FILTER"
                                    : "FILTER";
    const std::string filter = instr ? state.config.instructions_filter : state.config.filter;
    throw RunEnd{run::Status::no_benchmarks,
                 "no benchmark of " + state.config.target + " matched " + keyword + " '" + filter +
                     "' when it was listed (--benchmark_list_tests); a gate over nothing never "
                     "passes.\n  Hint: fix " + keyword + " in perfgate_add_benchmarks(" +
                     state.config.target + " ...) or the benchmarks' names."};
  }
  if (state.lane == run::Lane::instr && !state.toolchain.error.empty()) {
    throw RunEnd{run::Status::error, state.toolchain.error};
  }
  if (state.mode == run::Mode::perf && state.paired()) {
    return run_paired_gate(state);
  }
  return stored_gate(state);
}

}  // namespace perfgate::cli
