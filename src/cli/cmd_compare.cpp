// perfgate compare BASELINE CANDIDATE  and  perfgate gate --baseline B --results R --policy P
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/evaluate.hpp>

#include <iostream>
#include <memory>
#include <set>
#include <string>

namespace perfgate::cli {

namespace {

struct CompareOptions {
  std::vector<std::string> baseline;
  std::vector<std::string> reference;  // gate: lane (b), a reference build run interleaved
  std::vector<std::string> results;
  std::string policy;
  std::string context;
  std::string benchmarks;
  std::string waivers;  // a waiver file (perfgate.waivers/1)
  std::string today;    // YYYY-MM-DD: the date waivers are judged by (else PERFGATE_TODAY, else now)
  bool warn_only = false;
  double family_alpha = 0.05;
  std::size_t sequential = 0;  // adaptive repetitions: the cap per side; 0 = fixed design
  ReportOptions report;
};

void add_report_options(CLI::App& app, CompareOptions& options) {
  app.add_option("--policy", options.policy, "Policy file (gates/*.json)")->check(CLI::ExistingFile);
  app.add_option("--benchmarks", options.benchmarks,
                 "Only benchmarks whose whole name matches this RE2 pattern, on both sides");
  app.add_option("--waivers", options.waivers,
                 "Waiver file (perfgate.waivers/1, e.g. gates/waivers.json): known regressions let "
                 "through until their expiry date (docs/waivers.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--today", options.today,
                 "The date waivers are judged by, YYYY-MM-DD (default: $PERFGATE_TODAY, else "
                 "today in UTC)");
  add_report_flags(app, options.report);
}

int run_comparison(const CompareOptions& options, bool policy_required) {
  if (policy_required && options.policy.empty()) {
    std::cerr << "perfgate: error: gate needs --policy (a gate without a written policy decides "
                 "nothing)\n";
    return k_exit_invalid_input;
  }
  const bool paired = !options.reference.empty();
  const std::vector<std::string>& baseline_paths = paired ? options.reference : options.baseline;
  if (baseline_paths.empty() || baseline_paths.front().empty()) {
    std::cerr << "perfgate: error: gate needs --baseline FILE (stored-baseline lane) or "
                 "--reference FILE... (paired lane: results of the reference build, one file per "
                 "run)\n";
    return k_exit_invalid_input;
  }
  if (options.sequential > 0 && !paired) {
    std::cerr << "perfgate: error: --sequential needs --reference: adaptive repetitions compare "
                 "samples measured in the same job (docs/statistics.md)\n";
    return k_exit_invalid_input;
  }
  // Read everything first and report every bad input, not only the first.
  auto baseline = load_results(baseline_paths);
  auto candidate = load_results(options.results);
  std::optional<Policy> policy = options.policy.empty() ? std::optional<Policy>(default_policy())
                                                        : load_policy(options.policy);
  std::optional<std::map<std::string, std::string>> context;
  if (!options.context.empty()) {
    context = load_context(options.context);
    if (!context) {
      return k_exit_invalid_input;
    }
  }
  std::optional<Date> today = today_date(options.today);
  std::optional<std::vector<Waiver>> waivers = std::vector<Waiver>{};
  if (policy && !options.waivers.empty()) {
    waivers = load_waivers(options.waivers, policy->waiver_max_days);
  }
  if (!baseline || !candidate || !policy || !today || !waivers) {
    return k_exit_invalid_input;
  }
  if (context) {
    apply_context(*candidate, *context);
  }
  if (!options.benchmarks.empty()) {
    if (!retain_benchmarks(*baseline, options.benchmarks) ||
        !retain_benchmarks(*candidate, options.benchmarks)) {
      return k_exit_invalid_input;
    }
    if (candidate->benchmarks.empty() && baseline->benchmarks.empty()) {
      std::cerr << "perfgate: error: --benchmarks \"" << options.benchmarks
                << "\" matches no benchmark on either side, so nothing would be gated\n";
      return k_exit_invalid_input;
    }
  }
  if (policy_required && !fingerprint_matches(*baseline, *candidate, baseline_paths.front())) {
    return k_exit_invalid_input;
  }
  EvaluateOptions evaluate_options;
  evaluate_options.environment = policy_environment(*policy);
  evaluate_options.report_only = options.warn_only;
  evaluate_options.family_alpha = options.family_alpha;
  evaluate_options.paired = paired;
  evaluate_options.sequential_max = options.sequential;
  evaluate_options.waivers = std::move(*waivers);
  evaluate_options.today = today;
  const GateResult result = evaluate(*baseline, *candidate, *policy, evaluate_options);
  if (!emit_reports(result, options.report)) {
    return k_exit_invalid_input;
  }
  const int code = exit_code(result);
  if (options.sequential > 0 && result.next_repetitions > 0 && code != k_exit_run_failed) {
    // An interim look of adaptive repetitions: not a verdict, so never a pass. `perfgate run`
    // drives the looks in-process (GateResult::next_repetitions); a caller of this command reads
    // the same number from report.json ("next_repetitions").
    std::set<std::string> undecided;  // benchmark names, each once
    for (const auto& decision : result.decisions) {
      if (decision.undecided) {
        undecided.insert(decision.benchmark);
      }
    }
    std::cerr << "perfgate: not decided yet: " << undecided.size()
              << " benchmark(s) need up to " << result.next_repetitions
              << " repetitions per side (exit 4 until a look decides)\n";
    return k_exit_inconclusive;
  }
  if (options.warn_only && (code == k_exit_failed || code == k_exit_inconclusive)) {
    std::cerr << "perfgate: the gate would "
              << (code == k_exit_failed ? "fail" : "be inconclusive") << " ("
              << result.counts.count(Verdict::fail) << " fail, "
              << result.counts.count(Verdict::missing) << " missing, " << result.inconclusive()
              << " undecided), but --warn-only reports it without failing\n";
    return k_exit_passed;
  }
  return code;
}

}  // namespace

Command setup_compare(CLI::App& parent) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* app = parent.add_subcommand(
      "compare", "Compare a candidate with a baseline (Google Benchmark JSON or perfgate baseline)");
  options->baseline.resize(1);
  options->results.resize(1);
  app->add_option("baseline", options->baseline[0], "Baseline: results JSON or baseline file")
      ->required();
  app->add_option("candidate", options->results[0], "Candidate: results JSON or baseline file")
      ->required();
  add_report_options(*app, *options);
  return {app, [options] { return run_comparison(*options, false); }};
}

Command setup_gate(CLI::App& parent) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* app = parent.add_subcommand(
      "gate", "Gate results against a baseline under a policy (fingerprint-checked)");
  CLI::Option* baseline =
      app->add_option("--baseline", options->baseline, "Baseline file (stored-baseline lane)")
          ->expected(1);
  app->add_option("--reference", options->reference,
                  "Results JSON of the reference build, run interleaved with the candidate in "
                  "the same job (paired lane); repeat for each run, run i pairs with --results i")
      ->excludes(baseline);
  app->add_option("--family-alpha", options->family_alpha,
                  "Family-wise false-fail rate of the statistical decisions")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str();
  app->add_option("--sequential", options->sequential,
                  "Adaptive repetitions (with --reference): cap per side; an undecided look exits "
                  "4 and says how many repetitions per side the next look needs")
      ->check(CLI::Range(std::size_t{4}, std::size_t{1000}));
  app->add_option("--results", options->results,
                  "Results JSON of the candidate; repeat for several separate runs")
      ->required();
  app->add_option("--context", options->context,
                  "Run-context file (perfgate.context/1) of the candidate");
  app->add_flag("--warn-only", options->warn_only,
                "Report regressions without failing (smoke); errors still fail");
  add_report_options(*app, *options);
  return {app, [options] { return run_comparison(*options, true); }};
}

}  // namespace perfgate::cli
