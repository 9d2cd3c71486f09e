// perfgate run CONFIG --mode MODE ...: the registered command of every perfgate CTest test
// (run.hpp). Whatever happens, the run ends here: run.json, a report when the gate wrote none, the
// test's last words, and perfgate's exit code (0 pass, 1 fail, 2 invalid input, 3 run failed,
// 4 inconclusive) for CTest.
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"
#include "run.hpp"

#include <perfgate/io.hpp>
#include <perfgate/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

struct RunOptions {
  std::string config;
  std::string mode;
  std::string lane;  // bootstrap / record: perf, instr or smoke
  std::string test;
  std::string family;
  std::string benchmarks;
  std::string artifacts;
  std::string executable;  // gates another build of the same suite under this configuration
};

// The reports of a run that ended before the gate could write its own (a crash, a refusal, a
// fixture), by the same renderers as every gate's: one decision that says what happened (an
// error, or noisy when it could not be decided), so CI's JUnit view shows it too.
void write_fallback_reports(const RunState& state, const run::Outcome& outcome) {
  GateResult result;
  result.run = state.info;
  result.policy_name = fs::path(state.config.policy).stem().string();
  if (outcome.status != run::Status::passed) {
    Decision decision;
    decision.benchmark = state.family.empty() ? state.test : state.family;
    decision.verdict =
        outcome.status == run::Status::inconclusive ? Verdict::noisy : Verdict::error;
    decision.note = std::string(run::to_string(outcome.status)) + ": " + outcome.summary;
    result.decisions.push_back(decision);
    ++result.counts.by_verdict[decision.verdict];
  } else {
    result.notes.push_back(Diagnostic{Severity::note, state.test, std::nullopt, "", outcome.summary, ""});
  }
  (void)write_reports(state, result, state.artifacts, false);
}

// `text` with the build tree's and the repository's folders left out of every path in it: the
// summaries and fallback reports a team reads in a pull request name files as the repository does.
std::string relative_text(const RunState& state, std::string text) {
  std::vector<std::string> roots{state.config.binary_dir, state.repository, state.config.source_dir};
  std::sort(roots.begin(), roots.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& root : roots) {
    if (root.size() < 2) {
      continue;
    }
    const std::string prefix = root + "/";
    for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
      text.erase(at, prefix.size());
    }
  }
  return text;
}

// run.json always; report.md/.txt/.html when the gate did not write them (a crash, a refusal).
void write_run_files(RunState& state, run::Outcome outcome) {
  outcome.summary = relative_text(state, outcome.summary);
  RunLog& record = state.record;
  record.status = std::string(run::to_string(outcome.status));
  record.exit_code = run::exit_code(outcome.status);
  record.summary = outcome.summary;
  record.baseline = relative_text(state, record.baseline);
  record.duration_seconds = seconds_since(state.started);
  record.conditions = state.info.conditions;
  record.confirmation = state.info.confirmation;
  std::error_code ec;
  if (!fs::is_directory(state.artifacts, ec)) {
    return;
  }
  (void)write_file_atomic(state.path("run.json"), run_record_json(record));
  if (!fs::exists(state.path("report.md"), ec)) {
    write_fallback_reports(state, outcome);
  }
}

int finish(RunState& state, run::Outcome outcome) {
  outcome = store_history(state, std::move(outcome));
  write_run_files(state, outcome);
  const int code = run::exit_code(outcome.status);
  if (outcome.status == run::Status::passed) {
    std::cout << "perfgate: " << state.test << ": PASSED: " << outcome.summary << std::endl;
  } else {
    std::cout << "perfgate: " << state.test << ": " << run::to_string(outcome.status) << ": "
              << outcome.summary << "\n  Artifacts: " << state.artifacts << "\n  perfgate exit "
              << code << ": " << run::exit_meaning(code) << std::endl;
  }
  return code;
}

// A fresh, writable artifact folder (an unwritable one fails here, with its path).
void prepare_artifacts(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  const std::string probe = dir + "/.writable";
  if (!fs::is_directory(dir) || !write_file_atomic(probe, "")) {
    throw RunEnd{run::Status::error, "the artifact folder cannot be created or written.\n  Path: '" + dir + "'"};
  }
  fs::remove(probe, ec);
}

std::string default_test_name(const RunState& state) {
  const std::string& suite = state.config.suite;
  switch (state.mode) {
    case run::Mode::validate:
      return "perfgate." + suite + ".validate";
    case run::Mode::bootstrap:
      return "perfgate." + suite + ".bootstrap." + std::string(run::to_string(state.lane));
    case run::Mode::record:
      return state.lane == run::Lane::instr ? "perfgate_record_instructions_baseline_" + suite
                                            : "perfgate_record_baseline_" + suite;
    default:
      return std::string(run::to_string(state.mode)) + "." + suite + "." + state.family;
  }
}

std::string default_artifacts(const RunState& state) {
  const std::string& root = state.config.artifacts_root;
  if (state.mode == run::Mode::record) {
    return root + (state.lane == run::Lane::instr ? "/record-instructions" : "/record");
  }
  return root + "/" + state.test;
}

run::Outcome dispatch(RunState& state) {
  if (state.mode == run::Mode::not_built) {
    throw RunEnd{run::Status::error,
                 "the benchmark executable of suite '" + state.config.suite +
                     "' was never built, so its benchmarks are not discovered.\n  Path: '" +
                     state.executable + "'\n  Hint: cmake --build " + state.config.binary_dir +
                     " --target " + state.config.target + ", then run ctest again."};
  }
  prepare_artifacts(state.artifacts);
  collect_context(state);
  state.info.commit = state.context["git_commit"];
  state.record.commit = state.info.commit;
  state.record.runner = state.runner.name;
  write_context(state);
  std::cout << "perfgate: suite " << state.config.suite << ", runner class " << state.runner.name
            << " (" << state.runner.source << "), " << state.config.build.type << " build, "
            << state.context["cpu_model"] << " x" << state.context["num_cpus"] << ", "
            << state.context["compiler"] << std::endl;
  if (!state.runner.error.empty()) {
    throw RunEnd{run::Status::invalid_input, state.runner.error};
  }
  if (!run::optimised_build(state.config.build)) {
    throw RunEnd{run::Status::refused, run::unoptimised_refusal(state.config)};
  }
  switch (state.mode) {
    case run::Mode::validate:
      return run_validate(state);
    case run::Mode::bootstrap:
      return run_bootstrap(state);
    case run::Mode::record:
      return run_record(state);
    default:
      return run_gate_test(state);
  }
}

int run_command(const RunOptions& options) {
  auto text = read_text_file(options.config);
  if (!text) {
    std::cerr << format_diagnostics(text.error())
              << "  hint: re-run the CMake configure step of the build tree\n";
    return k_exit_invalid_input;
  }
  auto config = parse_run_config(*text, options.config);
  if (!config) {
    std::cerr << format_diagnostics(config.error());
    return k_exit_invalid_input;
  }
  RunState state;
  state.config = std::move(*config);
  state.mode = *run::mode_from_string(options.mode);
  state.lane = state.mode == run::Mode::perf    ? run::Lane::perf
               : state.mode == run::Mode::instr ? run::Lane::instr
               : state.mode == run::Mode::smoke ? run::Lane::smoke
               : run::lane_from_string(options.lane).value_or(run::Lane::perf);
  state.family = options.family;
  state.benchmarks = options.benchmarks;
  state.executable = options.executable.empty() ? state.config.executable : options.executable;
  state.reference = run::reference_setting(state.config, RunState::env("PERFGATE_REFERENCE"));
  state.settings = run::measure_settings(state.config, state.lane, state.paired());
  state.hard_limit = state.settings.hard_limit;
  state.test = options.test.empty() ? default_test_name(state) : options.test;
  state.artifacts = options.artifacts.empty() ? default_artifacts(state) : options.artifacts;
  state.info.test = state.test;
  state.info.suite = state.config.suite;
  state.info.family = state.family;
  state.info.lane = std::string(run::lane_title(state.lane, state.paired() && state.lane == run::Lane::perf));
  state.record.test = state.test;
  state.record.suite = state.config.suite;
  state.record.family = state.family;
  state.record.mode = options.mode;
  state.record.lane = state.info.lane;
  state.record.started_at = utc_now();
  run::Outcome outcome;
  try {
    outcome = dispatch(state);
  } catch (const RunEnd& end) {
    outcome = {end.status, end.summary};
  } catch (const std::exception& e) {
    outcome = {run::Status::error, std::string("internal error: ") + e.what()};
  }
  return finish(state, outcome);
}

}  // namespace

Command setup_run(CLI::App& parent) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* app = parent.add_subcommand(
      "run", "Run one perfgate test: measure, gate and report (the command CTest runs)");
  app->add_option("config", options->config, "Run configuration (perfgate.run-config/1)")->required();
  app->add_option("--mode", options->mode, "perf, instr, smoke, validate, bootstrap, record or not-built")
      ->required()
      ->check(CLI::IsMember({"perf", "instr", "smoke", "validate", "bootstrap", "record", "not-built"}));
  app->add_option("--lane", options->lane, "bootstrap and record: perf, instr or smoke")
      ->check(CLI::IsMember({"perf", "instr", "smoke"}));
  app->add_option("--test", options->test, "The CTest test's name");
  app->add_option("--family", options->family, "The benchmark family (\"\": the filter matched nothing)");
  app->add_option("--benchmarks", options->benchmarks, "The family's --benchmark_filter");
  app->add_option("--artifacts", options->artifacts, "This test's artifact folder");
  app->add_option("--executable", options->executable,
                  "Gate another build of the same suite under this configuration");
  return {app, [options] { return run_command(*options); }};
}

}  // namespace perfgate::cli
