// perfgate baseline record: the only way a baseline is written (docs/baselines.md).
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/callgrind.hpp>
#include <perfgate/io.hpp>
#include <perfgate/version.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

namespace perfgate::cli {

namespace {

struct RecordOptions {
  std::vector<std::string> results;
  std::string suite;
  std::string out;
  std::string reason;
  std::string runner;
  std::string context;
  std::string recorded_by;
  std::string policy;
  std::string report_dir;
  std::string paths_relative_to;  // files under it are named relative to it
  std::string family;             // re-record only this family of the existing baseline
  bool pool_runs = false;         // the runs' repetitions as one sample
  std::string command_line;
};

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  const auto end = text.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

// `path` relative to `root` when it lies inside it ("build/bin/bm_example"), else unchanged: a
// committed baseline names the files it came from without the folder names of one machine.
std::string relative_to(const std::string& path, const std::string& root) {
  namespace fs = std::filesystem;
  if (root.empty() || path.empty()) {
    return path;
  }
  std::error_code ec;
  const fs::path absolute_root = fs::absolute(root, ec).lexically_normal();
  const fs::path absolute_path = fs::absolute(path, ec).lexically_normal();
  const fs::path relative = absolute_path.lexically_relative(absolute_root);
  if (ec || relative.empty() || *relative.begin() == "..") {
    return path;
  }
  return relative.generic_string();
}

int record(const RecordOptions& options) {
  if (trimmed(options.reason).size() < 10) {
    std::cerr << "perfgate: error: --reason must say why the baseline changes (at least 10 "
                 "characters): what changed, and why it is acceptable\n";
    return k_exit_invalid_input;
  }
  auto runs = load_results(options.results);
  if (!runs) {
    return k_exit_invalid_input;
  }
  if (runs->benchmarks.empty()) {
    std::cerr << "perfgate: error: " << runs->source << " holds no benchmarks to record\n";
    return k_exit_invalid_input;
  }
  int broken = 0;
  for (const auto& benchmark : runs->benchmarks) {
    if (benchmark.errored || benchmark.skipped) {
      std::cerr << runs->source << ": error: benchmark \"" << benchmark.name << "\" "
                << (benchmark.errored ? "reported an error: " + benchmark.error_message
                                      : "was skipped: " + benchmark.skip_message)
                << '\n';
      ++broken;
    }
  }
  if (broken > 0) {
    std::cerr << "perfgate: error: a baseline is never recorded from a failed run (" << broken
              << " benchmark" << (broken == 1 ? "" : "s") << ")\n";
    return k_exit_run_failed;
  }
  if (!options.context.empty()) {
    const auto context = load_context(options.context);
    if (!context) {
      return k_exit_invalid_input;
    }
    apply_context(*runs, *context);
  }

  if (options.pool_runs) {
    // One sample of every run's repetitions: their spread then holds the run-to-run offsets too,
    // so a gate against it is more cautious, not less (docs/baselines.md, RECORD_RUNS).
    for (auto& benchmark : runs->benchmarks) {
      for (auto& metric : benchmark.metrics) {
        metric.groups.clear();
      }
    }
  }
  Baseline baseline;
  baseline.suite = options.suite;
  baseline.runner = options.runner;
  baseline.provenance.recorded_at = utc_now();
  baseline.provenance.recorded_by = options.recorded_by;
  baseline.provenance.reason = trimmed(options.reason);
  baseline.provenance.source = runs->source;
  baseline.provenance.tool_version = std::string(k_version);
  baseline.provenance.command = options.command_line;
  baseline.runs = std::move(*runs);
  if (!options.paths_relative_to.empty()) {
    const std::string& root = options.paths_relative_to;
    baseline.provenance.source = relative_to(baseline.provenance.source, root);
    baseline.runs.context.executable = relative_to(baseline.runs.context.executable, root);
    if (const auto it = baseline.runs.context.extra.find("executable");
        it != baseline.runs.context.extra.end()) {
      it->second = relative_to(it->second, root);
    }
  }

  // An existing baseline is never lost: its provenance goes into the history, and the
  // before/after comparison goes into the report folder. A corrupt one is left alone.
  std::error_code ec;
  if (std::filesystem::exists(options.out, ec)) {
    const auto previous = load_baseline(options.out);
    if (!previous) {
      std::cerr << options.out << ": error: the existing baseline does not validate, so it is "
                                  "not overwritten\n  hint: inspect it, fix or move it away, "
                                  "then record again\n";
      return k_exit_invalid_input;
    }
    if (!options.family.empty()) {
      // One family re-recorded: every other benchmark keeps the numbers it had.
      auto merged = callgrind::merge_family(previous->runs, baseline.runs, options.family,
                                            baseline.provenance.source);
      if (!merged) {
        std::cerr << format_diagnostics(merged.error());
        return k_exit_invalid_input;
      }
      baseline.runs = std::move(*merged);
    }
    baseline.history.push_back(previous->provenance);
    baseline.history.insert(baseline.history.end(), previous->history.begin(),
                            previous->history.end());
    if (!options.report_dir.empty()) {
      std::optional<Policy> policy =
          options.policy.empty() ? std::optional<Policy>(default_policy()) : load_policy(options.policy);
      if (!policy) {
        return k_exit_invalid_input;
      }
      GateResult comparison = evaluate(previous->runs, baseline.runs, *policy);
      comparison.run.record = true;  // an accepted change, not a gate (docs/reports.md)
      comparison.run.baseline_kind = "previous baseline";
      ReportOptions report;
      report.report_dir = options.report_dir;
      report.color = "never";
      std::cout << "Before/after comparison (old baseline -> new baseline):\n";
      if (!emit_reports(comparison, report)) {
        return k_exit_invalid_input;
      }
    }
  }
  if (!options.family.empty() && baseline.history.empty()) {
    std::cerr << "perfgate: error: --family re-records one family of an existing baseline, and '"
              << options.out << "' does not exist\n  hint: record the whole suite first\n";
    return k_exit_invalid_input;
  }
  if (!write_output(options.out, write_baseline(baseline))) {
    return k_exit_invalid_input;
  }
  std::cout << "recorded " << baseline.runs.benchmarks.size() << " benchmarks of suite \""
            << baseline.suite << "\" into " << options.out << '\n';
  return k_exit_passed;
}

struct CheckOptions {
  std::string baseline;
  std::string context;
  std::string policy;
};

// What the CTest validate fixture runs before any gate test: the baseline parses, holds no failed
// run, and (with --context) was recorded on this kind of runner; the policy (if given) parses.
int check(const CheckOptions& options) {
  const auto baseline = load_baseline(options.baseline);
  if (!baseline) {
    return k_exit_invalid_input;
  }
  if (!options.policy.empty() && !load_policy(options.policy)) {
    return k_exit_invalid_input;
  }
  if (!options.context.empty()) {
    const auto context = load_context(options.context);
    if (!context) {
      return k_exit_invalid_input;
    }
    RunSet here;
    apply_context(here, *context);
    if (!fingerprint_matches(baseline->runs, here, options.baseline)) {
      return k_exit_invalid_input;
    }
  }
  const Provenance& p = baseline->provenance;
  std::cout << options.baseline << ": baseline of suite \"" << baseline->suite << "\" is valid ("
            << baseline->runs.benchmarks.size() << " benchmarks" << (baseline->runner.empty() ? "" : ", runner " + baseline->runner)
            << ")\n  recorded " << p.recorded_at << " by " << p.recorded_by << ": " << p.reason
            << '\n';
  return k_exit_passed;
}

}  // namespace

Command setup_baseline(CLI::App& parent) {
  auto options = std::make_shared<RecordOptions>();
  CLI::App* app = add_command_group(parent, "baseline", "Record baselines");
  CLI::App* rec = app->add_subcommand(
      "record", "Record a baseline from results files, with a written reason");
  rec->add_option("--results", options->results,
                  "Results JSON; repeat for several separate runs (recommended: 3 or more)")
      ->required()
      ->check(CLI::ExistingFile);
  rec->add_option("--suite", options->suite, "Suite name")->required();
  rec->add_flag("--pool-runs", options->pool_runs,
                "Pool the repetitions of several --results runs into one sample (the stored "
                "wall-time lane: the runs judge the load, the gate sees one sample)");
  rec->add_option("--family", options->family,
                  "Re-record only this family (\"BM_x\", \"Fixture/Method\") of the existing "
                  "baseline --out; every other benchmark keeps its numbers");
  rec->add_option("--out", options->out, "Baseline file to write (baselines/<runner>/<suite>.json)")
      ->required();
  rec->add_option("--reason", options->reason, "Why this baseline is recorded or changes")
      ->required();
  rec->add_option("--runner", options->runner, "Runner class the numbers belong to");
  rec->add_option("--context", options->context, "Run-context file (perfgate.context/1)");
  const char* user = std::getenv("USER");
  options->recorded_by = user != nullptr ? user : "unknown";
  rec->add_option("--recorded-by", options->recorded_by, "Who records it")->capture_default_str();
  rec->add_option("--policy", options->policy, "Policy for the before/after comparison");
  rec->add_option("--report-dir", options->report_dir,
                  "Write the before/after comparison with the previous baseline here");
  rec->add_option("--paths-relative-to", options->paths_relative_to,
                  "Name the results file and the executable relative to this folder (the source "
                  "tree) when they lie inside it, so a committed baseline holds no machine path");
  options->command_line = "perfgate baseline record";

  auto check_options = std::make_shared<CheckOptions>();
  CLI::App* chk = app->add_subcommand(
      "check", "Validate a baseline and, with --context, that it fits this runner");
  chk->add_option("baseline", check_options->baseline, "Baseline file")->required();
  chk->add_option("--context", check_options->context,
                  "Run-context file of this runner (perfgate.context/1)");
  chk->add_option("--policy", check_options->policy, "Policy file to validate too");
  return {app, [options, check_options, rec] {
            return rec->parsed() ? record(*options) : check(*check_options);
          }};
}

}  // namespace perfgate::cli
