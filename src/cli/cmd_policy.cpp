// perfgate policy check FILE... [--baseline B [--repetitions N] [--family-alpha A]]
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/forecast.hpp>

#include <algorithm>
#include <iostream>
#include <memory>

namespace perfgate::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string baseline;
  std::size_t repetitions = 0;  // 0: the baseline's own
  double family_alpha = 0.05;
};

// The forecast of one policy against the noise a baseline recorded; true when every statistical
// comparison would be decided for an unchanged candidate.
bool print_forecast(const Policy& policy, const RunSet& baseline, const CheckOptions& options) {
  std::size_t repetitions = options.repetitions;
  if (repetitions == 0) {
    for (const auto& benchmark : baseline.benchmarks) {
      for (const auto& series : benchmark.metrics) {
        repetitions = std::max(repetitions, series.samples.size());
      }
    }
  }
  EvaluateOptions evaluate_options;
  evaluate_options.family_alpha = options.family_alpha;
  evaluate_options.environment = policy_environment(policy);
  const Forecast result = forecast(baseline, policy, std::max<std::size_t>(repetitions, 1),
                                   evaluate_options);
  std::cout << "  forecast against " << baseline.source << " with " << result.repetitions
            << " candidate repetition" << (result.repetitions == 1 ? "" : "s") << " per side ("
            << result.family_size << " comparison" << (result.family_size == 1 ? "" : "s")
            << " in the family): " << result.items.size() - result.undecidable() << " of "
            << result.items.size() << " decidable\n";
  for (const ForecastItem& item : result.items) {
    if (item.decidable) {
      continue;
    }
    std::cout << "    inconclusive: " << item.benchmark << " " << item.metric << " (rule "
              << item.rule << "): ";
    if (item.repetitions_needed > 0) {
      std::cout << "decidable with about " << item.repetitions_needed << " repetitions per side";
    } else {
      std::cout << "no number of candidate repetitions up to 1000 is enough: record the baseline "
                   "with more repetitions, widen the limit, or use the paired or instructions "
                   "lane";
    }
    std::cout << "\n      " << item.note << '\n';
  }
  return result.undecidable() == 0;
}

}  // namespace

Command setup_policy(CLI::App& parent) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* app = add_command_group(parent, "policy", "Work with policy files");
  CLI::App* check = app->add_subcommand("check", "Validate policy files and explain each rule");
  check->add_option("files", options->files, "Policy files")->required();
  check->add_option("--baseline", options->baseline,
                    "Forecast from the noise this baseline recorded which rules an unchanged "
                    "candidate would leave inconclusive (exit 4 if any)");
  check->add_option("--repetitions", options->repetitions,
                    "Candidate repetitions per side for the forecast (default: the baseline's)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  check->add_option("--family-alpha", options->family_alpha,
                    "Family-wise false-fail rate of the gate the forecast is for")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str();
  return {app, [options] {
            int code = k_exit_passed;
            std::optional<RunSet> baseline;
            if (!options->baseline.empty()) {
              baseline = load_results({options->baseline});
              if (!baseline) {
                return static_cast<int>(k_exit_invalid_input);
              }
            }
            for (const auto& file : options->files) {
              const auto policy = load_policy(file);
              if (!policy) {
                code = k_exit_invalid_input;
                continue;
              }
              std::cout << file << ": policy \"" << policy->name << "\" is valid ("
                        << policy->rules.size() << " rule" << (policy->rules.size() == 1 ? "" : "s")
                        << ")\n";
              if (!policy->description.empty()) {
                std::cout << "  " << policy->description << '\n';
              }
              for (const auto& rule : policy->rules) {
                std::cout << "  " << explain(rule) << '\n';
              }
              std::cout << "  A benchmark in the baseline but missing from the results "
                        << (policy->on_missing == OnMissing::fail ? "fails" : "warns")
                        << "; a benchmark not in the baseline "
                        << (policy->on_new == OnNew::fail   ? "fails"
                            : policy->on_new == OnNew::warn ? "is reported as new"
                                                            : "passes")
                        << ".\n";
              if (baseline && !print_forecast(*policy, *baseline, *options) &&
                  code == k_exit_passed) {
                code = k_exit_inconclusive;
              }
            }
            return code;
          }};
}

}  // namespace perfgate::cli
