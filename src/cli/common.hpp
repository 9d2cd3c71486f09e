// Glue shared by the subcommands: loading inputs (printing their diagnostics) and writing reports.
#pragma once

#include <perfgate/baseline.hpp>
#include <perfgate/parse.hpp>
#include <perfgate/evaluate.hpp>
#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>
#include <perfgate/render.hpp>

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::cli {

// Each returns nullopt after printing every diagnostic to stderr.
std::optional<RunSet> load_results(const std::vector<std::string>& paths);
std::optional<Policy> load_policy(const std::string& path);
std::optional<Baseline> load_baseline(const std::string& path,
                                      BaselineRead mode = BaselineRead::verified);
std::optional<std::map<std::string, std::string>> load_context(const std::string& path);
// The waivers of a waiver file ("perfgate.waivers/1"), each allowed to run at most `max_days`
// (the policy's waiver_max_days).
std::optional<std::vector<Waiver>> load_waivers(const std::string& path, int max_days);

// Today, the date waivers are judged by (the only clock they see): `option` (--today), else
// $PERFGATE_TODAY, else the UTC date now. nullopt after saying why when a date given is not a
// real YYYY-MM-DD.
std::optional<Date> today_date(const std::string& option);

// Adds the run step's context (perfgate.context/1) to what the results file said. Google Benchmark
// before 1.8.4 does not write its version; the run step's `benchmark_library_version` fills it in.
void apply_context(RunSet& runs, const std::map<std::string, std::string>& context);

// False (after printing each mismatch and the command that records a baseline) when the baseline
// was measured on another kind of runner or toolchain than `candidate`.
bool fingerprint_matches(const RunSet& baseline, const RunSet& candidate,
                         const std::string& baseline_path);

// Keeps only the benchmarks whose whole name matches `pattern` (RE2 syntax, docs/policy.md).
// False, after saying why, on a bad pattern.
bool retain_benchmarks(RunSet& runs, const std::string& pattern);

// The values of the environment variables the policy's rules name.
std::map<std::string, std::string> policy_environment(const Policy& policy);

struct ReportOptions {
  std::string format = "text";  // what goes to stdout
  std::string report_dir;       // every format is also written here when set
  bool ctest_measurements = false;
  std::string color = "auto";  // auto | always | never
  // Folders that Markdown and HTML show paths relative to (RenderOptions::path_roots), e.g. the
  // build tree and the source tree; the working directory is always the last.
  std::vector<std::string> path_roots;
};

// --format, --report-dir, --ctest-measurements, --color and --path-root, their help derived from
// the list of report formats (perfgate::report_formats()).
void add_report_flags(CLI::App& app, ReportOptions& options);

// Renders the result to stdout and the report folder. Returns false (after saying why) when a
// report could not be written.
bool emit_reports(const GateResult& result, const ReportOptions& options);

// Writes `contents` to `path` through write_file_atomic. False after printing why to stderr.
bool write_output(const std::string& path, std::string_view contents);

// A subcommand that only groups subcommands (`perfgate baseline record`): one of them is required.
CLI::App* add_command_group(CLI::App& parent, const std::string& name,
                            const std::string& description);

// The history store a `perfgate history` or `perfgate trend` command reads: `option` (--store),
// else $PERFGATE_HISTORY, else perfgate-history.sqlite in the current folder.
std::string history_store_path(const std::string& option);

// Now, in UTC, ISO 8601.
std::string utc_now();
// The same to the millisecond ("2026-12-07T11:36:44.123Z"): the order of history entries.
std::string utc_now_ms();

// This machine's host name ("unknown-host" when it has none).
std::string host_name();

}  // namespace perfgate::cli
