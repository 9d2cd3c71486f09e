#include "common.hpp"

#include <perfgate/io.hpp>
#include <perfgate/parse.hpp>
#include <perfgate/pattern.hpp>
#include <perfgate/version.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace perfgate::cli {

namespace {
template <class T, class Parse>
std::optional<T> load(const std::string& path, Parse parse) {
  auto text = read_text_file(path);
  if (!text) {
    std::cerr << format_diagnostics(text.error());
    return std::nullopt;
  }
  auto parsed = parse(*text, path);
  if (!parsed) {
    std::cerr << format_diagnostics(parsed.error());
    return std::nullopt;
  }
  return std::move(*parsed);
}
}  // namespace

std::optional<RunSet> load_results(const std::vector<std::string>& paths) {
  std::vector<RunSet> runs;
  bool ok = true;
  for (const auto& path : paths) {
    if (auto run = load<RunSet>(path, parse_results)) {
      runs.push_back(std::move(*run));
    } else {
      ok = false;  // keep going: report every bad file, not just the first
    }
  }
  if (!ok || runs.empty()) {
    return std::nullopt;
  }
  return merge_runs(std::move(runs));
}

std::optional<Policy> load_policy(const std::string& path) {
  return load<Policy>(path, parse_policy);
}

std::optional<Baseline> load_baseline(const std::string& path, BaselineRead mode) {
  return load<Baseline>(path, [mode](std::string_view text, const std::string& source) {
    return parse_baseline(text, source, mode);
  });
}

std::optional<std::map<std::string, std::string>> load_context(const std::string& path) {
  return load<std::map<std::string, std::string>>(path, parse_context);
}

std::optional<std::vector<Waiver>> load_waivers(const std::string& path, int max_days) {
  return load<std::vector<Waiver>>(path, [max_days](std::string_view text, const std::string& source) {
    return parse_waivers(text, source, max_days);
  });
}

std::optional<Date> today_date(const std::string& option) {
  const char* variable = std::getenv("PERFGATE_TODAY");
  const std::string given = !option.empty() ? option : variable != nullptr ? variable : "";
  if (given.empty()) {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    return Date{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
  }
  auto date = Date::parse(given);
  if (!date) {
    std::cerr << "perfgate: error: " << (option.empty() ? "PERFGATE_TODAY" : "--today")
              << ": expected a date YYYY-MM-DD, got \"" << given << "\"\n";
  }
  return date;
}

bool retain_benchmarks(RunSet& runs, const std::string& pattern) {
  const auto compiled = NamePattern::compile(pattern);
  if (!compiled) {
    const Diagnostic problem = compiled.error().items().front();  // error() is a copy
    std::cerr << "perfgate: error: --benchmarks: " << problem.message
              << "\n  hint: " << problem.hint << '\n';
    return false;
  }
  runs.benchmarks.erase(std::remove_if(runs.benchmarks.begin(), runs.benchmarks.end(),
                                       [&](const Benchmark& b) {
                                         return !compiled->full_match(b.name);
                                       }),
                        runs.benchmarks.end());
  return true;
}

std::map<std::string, std::string> policy_environment(const Policy& policy) {
  std::map<std::string, std::string> environment;
  for (const auto& rule : policy.rules) {
    for (const std::string* name : {&rule.env_fail, &rule.env_warn}) {
      if (name->empty()) {
        continue;
      }
      if (const char* value = std::getenv(name->c_str())) {
        environment[*name] = value;
      }
    }
  }
  return environment;
}

bool emit_reports(const GateResult& result, const ReportOptions& options) {
  RenderOptions render_options;
  render_options.tool_version = std::string(k_version);
  render_options.path_roots = options.path_roots;
  // A path under none of the given roots is still shown relative to where perfgate runs.
  std::error_code ec;
  const std::filesystem::path here = std::filesystem::current_path(ec);
  if (!ec) {
    render_options.path_roots.push_back(here.string());
  }
  const auto stdout_format = format_from_string(options.format);
  if (!stdout_format) {
    std::cerr << "perfgate: error: --format: unknown format \"" << options.format << "\" ("
              << format_names() << ")\n";
    return false;
  }
  bool ok = true;
  if (!options.report_dir.empty()) {
    for (const FormatInfo& info : report_formats()) {
      if (!info.report_dir) {
        continue;
      }
      std::ostringstream out;
      render(result, info.format, out, render_options);
      const std::string path = options.report_dir + "/report." + std::string(info.extension);
      if (!write_output(path, out.str())) {
        std::cerr << "perfgate: error: the reports could not be written to '" << options.report_dir
                  << "'\n";
        ok = false;
        break;
      }
    }
  }
  const bool tty = isatty(STDOUT_FILENO) != 0;
  const char* no_color = std::getenv("NO_COLOR");
  render_options.color = options.color == "always" ||
                         (options.color == "auto" && tty && (no_color == nullptr || *no_color == 0));
  render(result, *stdout_format, std::cout, render_options);
  if (options.ctest_measurements && *stdout_format != Format::ctest) {
    render(result, Format::ctest, std::cout, render_options);
  }
  std::cout.flush();
  return ok;
}

bool write_output(const std::string& path, std::string_view contents) {
  if (auto written = write_file_atomic(path, contents); !written) {
    std::cerr << format_diagnostics(written.error());
    return false;
  }
  return true;
}

CLI::App* add_command_group(CLI::App& parent, const std::string& name,
                            const std::string& description) {
  CLI::App* group = parent.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) {
    return "unknown-host";
  }
  return buffer;
}

std::string history_store_path(const std::string& option) {
  if (!option.empty()) {
    return option;
  }
  const char* env = std::getenv("PERFGATE_HISTORY");
  return env != nullptr && *env != '\0' ? env : "perfgate-history.sqlite";
}

std::string utc_now_ms() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  char with_ms[48];
  std::snprintf(with_ms, sizeof(with_ms), "%s.%03dZ", buffer, static_cast<int>(ms));
  return with_ms;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace perfgate::cli

namespace perfgate::cli {

void apply_context(RunSet& runs, const std::map<std::string, std::string>& context) {
  for (const auto& [key, value] : context) {
    runs.context.extra[key] = value;
  }
  const auto version = context.find("benchmark_library_version");
  if (runs.context.library_version.empty() && version != context.end()) {
    runs.context.library_version = version->second;
  }
}

}  // namespace perfgate::cli

namespace perfgate::cli {

bool fingerprint_matches(const RunSet& baseline, const RunSet& candidate,
                         const std::string& baseline_path) {
  const auto mismatches = fingerprint_mismatches(baseline.context, candidate.context);
  if (mismatches.empty()) {
    return true;
  }
  std::cerr << baseline_path << ": error: the baseline was recorded on another kind of runner or "
                                "toolchain:\n";
  for (const auto& line : mismatches) {
    std::cerr << "  " << line << '\n';
  }
  std::cerr << "  hint: record a baseline for this runner with 'perfgate baseline update "
               "--results <results.json> --context <run.json> --suite <suite> --out "
               "<baselines/runner/suite.json> --reason \"...\"', or through the CMake target "
               "perfgate_record_baseline_<suite> (docs/baselines.md)\n";
  return false;
}

}  // namespace perfgate::cli

namespace perfgate::cli {

void add_report_flags(CLI::App& app, ReportOptions& options) {
  std::string files;
  for (const FormatInfo& info : report_formats()) {
    if (info.report_dir) {
      files += (files.empty() ? "report." : ", report.") + std::string(info.extension);
    }
  }
  app.add_option("--format", options.format, "What to print: " + format_names())
      ->capture_default_str();
  app.add_option("--report-dir", options.report_dir, "Also write " + files + " into this folder");
  app.add_flag("--ctest-measurements", options.ctest_measurements,
               "Also print <CTestMeasurement> lines for CTest and CDash");
  app.add_option("--color", options.color, "Colour the text table: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--path-root", options.path_roots,
                 "Show paths under this folder relative to it in Markdown and HTML (repeatable; "
                 "the working directory is always one)");
}

}  // namespace perfgate::cli
