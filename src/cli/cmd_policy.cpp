// perfgate policy check FILE... [--baseline B [--repetitions N] [--family-alpha A]]
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/forecast.hpp>
#include <perfgate/io.hpp>
#include <perfgate/number_format.hpp>

#include <algorithm>
#include <iostream>
#include <memory>

namespace perfgate::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::vector<std::string> waivers;  // waiver files (perfgate.waivers/1)
  std::string today;                 // YYYY-MM-DD; else PERFGATE_TODAY, else the UTC date
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

// The waivers' findings on `today` (check_waivers): printed; an expired waiver would fail every
// gate it matches (exit 1).
int report_waivers(const std::vector<Waiver>& waivers, const Date& today,
                   const char* indent = "  ") {
  for (const Waiver& waiver : waivers) {
    std::cout << indent << describe(waiver) << ": allows up to +" << format_number(waiver.max_change_pct)
              << "% in the bad direction from " << waiver.created.text() << " to "
              << waiver.expires.text() << "; " << waiver.reason << '\n';
  }
  const Diagnostics findings = check_waivers(waivers, today);
  std::cerr << format_diagnostics(findings);
  return findings.has_errors() ? k_exit_failed : k_exit_passed;
}

// A waiver file, each waiver allowed to run `max_days`.
int check_waiver_file(const std::string& path, int max_days, const Date& today) {
  const auto waivers = load_waivers(path, max_days);
  if (!waivers) {
    return k_exit_invalid_input;
  }
  std::cout << path << ": waiver file is valid (" << waivers->size() << " waiver"
            << (waivers->size() == 1 ? "" : "s") << ", each at most " << max_days << " days)\n";
  return report_waivers(*waivers, today);
}

// The worse of two exit codes of policy check: invalid input (2), then failed (1), then
// inconclusive (4).
int worse(int a, int b) {
  const auto rank = [](int code) {
    return code == k_exit_invalid_input ? 3 : code == k_exit_failed ? 2 : code != 0 ? 1 : 0;
  };
  return rank(b) > rank(a) ? b : a;
}

}  // namespace

Command setup_policy(CLI::App& parent) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* app = add_command_group(parent, "policy", "Work with policy files");
  CLI::App* check = app->add_subcommand("check", "Validate policy files and explain each rule");
  check->add_option("files", options->files,
                    "Policy files, and waiver files (told apart by their \"schema\")");
  check->add_option("--waivers", options->waivers,
                    "Waiver files (perfgate.waivers/1) to validate; expired ones exit 1");
  check->add_option("--today", options->today,
                    "The date waivers are judged by, YYYY-MM-DD (default: $PERFGATE_TODAY, else "
                    "today in UTC)");
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
            if (options->files.empty() && options->waivers.empty()) {
              std::cerr << "perfgate: error: policy check needs a policy or waiver file\n";
              return static_cast<int>(k_exit_invalid_input);
            }
            const std::optional<Date> today = today_date(options->today);
            if (!today) {
              return static_cast<int>(k_exit_invalid_input);
            }
            // Waiver files among the files, told apart by their schema; the rest are policies.
            std::vector<std::string> policies;
            std::vector<std::string> waiver_files = options->waivers;
            for (const auto& file : options->files) {
              const auto text = read_text_file(file);
              (text && is_waiver_file(*text) ? waiver_files : policies).push_back(file);
            }
            // A waiver file is held to the strictest waiver_max_days of the policies checked with it.
            int max_days = k_waiver_max_days_limit + 1;
            std::optional<RunSet> baseline;
            if (!options->baseline.empty()) {
              baseline = load_results({options->baseline});
              if (!baseline) {
                return static_cast<int>(k_exit_invalid_input);
              }
            }
            for (const auto& file : policies) {
              const auto policy = load_policy(file);
              if (!policy) {
                code = k_exit_invalid_input;
                continue;
              }
              max_days = std::min(max_days, policy->waiver_max_days);
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
              if (!policy->waivers.empty()) {
                std::cout << "  " << policy->waivers.size() << " waiver"
                          << (policy->waivers.size() == 1 ? "" : "s") << " (each at most "
                          << policy->waiver_max_days << " days):\n";
                code = worse(code, report_waivers(policy->waivers, *today, "    "));
              }
              if (baseline && !print_forecast(*policy, *baseline, *options) &&
                  code == k_exit_passed) {
                code = k_exit_inconclusive;
              }
            }
            if (max_days > k_waiver_max_days_limit) {
              max_days = k_default_waiver_max_days;
            }
            for (const auto& file : waiver_files) {
              code = worse(code, check_waiver_file(file, max_days, *today));
            }
            return code;
          }};
}

}  // namespace perfgate::cli
