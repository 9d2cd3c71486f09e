// Glue shared by the subcommands: loading inputs (printing their diagnostics) and writing reports.
#pragma once

#include <perfgate/baseline.hpp>
#include <perfgate/evaluate.hpp>
#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>
#include <perfgate/render.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perfgate::cli {

// Each returns nullopt after printing every diagnostic to stderr.
std::optional<RunSet> load_results(const std::vector<std::string>& paths);
std::optional<Policy> load_policy(const std::string& path);
std::optional<Baseline> load_baseline(const std::string& path);
std::optional<std::map<std::string, std::string>> load_context(const std::string& path);

// Keeps only the benchmarks whose whole name matches `pattern` (ECMAScript). False on a bad regex.
bool retain_benchmarks(RunSet& runs, const std::string& pattern);

// The values of the environment variables the policy's rules name.
std::map<std::string, std::string> policy_environment(const Policy& policy);

struct ReportOptions {
  std::string format = "text";  // what goes to stdout
  std::string report_dir;       // every format is also written here when set
  bool ctest_measurements = false;
  std::string color = "auto";  // auto | always | never
};

// Renders the result to stdout and the report folder. Returns false (after saying why) when a
// report could not be written.
bool emit_reports(const GateResult& result, const ReportOptions& options);

// Now, in UTC, ISO 8601.
std::string utc_now();

}  // namespace perfgate::cli
