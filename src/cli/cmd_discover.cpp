// perfgate discover RUN_CONFIG [--out FILE]: lists the benchmarks of a suite's executable
// (--benchmark_list_tests=true) and writes the CTest script that registers `perfgate run` once
// per family and mode (docs/cmake-module.md, "Discovery"). What it decides is in the library
// (perfgate/discover.hpp); this runs the executable and writes the file.
#include <perfgate/discover.hpp>
#include <perfgate/io.hpp>
#include <perfgate/run_config.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"
#include "process.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace perfgate::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_output_lines_shown = 20;

struct DiscoverOptions {
  std::string config;
  std::string out;
};

// The first lines of a program's output, indented for a message.
std::string first_lines(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  std::string line;
  std::size_t count = 0;
  while (std::getline(in, line)) {
    if (++count > k_output_lines_shown) {
      out += "    ...\n";
      break;
    }
    out += "    " + line + "\n";
  }
  return out.empty() ? "    (nothing)\n" : out;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

// The names the executable lists with `filter`, or the exit code of a failed listing (after
// saying why on stderr).
struct ListingOutcome {
  std::vector<std::string> names;
  int exit_code = k_exit_passed;
};

ListingOutcome list_benchmarks(const RunConfig& config, const std::string& filter,
                               const std::string& scratch) {
  ProcessSpec spec;
  spec.argv = {config.executable, "--benchmark_list_tests=true"};
  if (!filter.empty()) {
    spec.argv.push_back("--benchmark_filter=" + filter);
  }
  spec.argv.insert(spec.argv.end(), config.extra_args.begin(), config.extra_args.end());
  spec.cwd = config.working_directory.empty() ? "." : config.working_directory;
  spec.environment = change_environment(current_environment(), config.environment);
  spec.out_path = scratch + ".out";
  spec.err_path = scratch + ".err";
  spec.timeout_seconds = config.discovery_timeout;
  const ProcessOutcome outcome = run_process(spec);
  const std::string out = slurp(spec.out_path).value_or("");
  const std::string err = slurp(spec.err_path).value_or("");
  std::error_code ignored;
  fs::remove(spec.out_path, ignored);
  fs::remove(spec.err_path, ignored);

  const std::string where = "  Path: '" + joined(spec.argv) + "'\n  Working directory: '" +
                            spec.cwd + "'\n";
  if (!outcome.succeeded()) {
    std::cerr << "perfgate: error: listing the benchmarks of " << config.target << " (suite "
              << config.suite << ") failed: " << outcome.describe() << "\n"
              << where << "  Output:\n"
              << first_lines(out + err);
    return {{}, k_exit_run_failed};
  }
  auto names = parse_benchmark_list(out, config.executable);
  if (!names) {
    std::cerr << format_diagnostics(names.error()) << "perfgate: error: the benchmarks of "
              << config.target << " (suite " << config.suite << ") cannot be registered\n"
              << where;
    return {{}, k_exit_invalid_input};
  }
  if (names->empty()) {
    // Registered as <mode>.<suite>.NO_BENCHMARKS, which fails naming the filter.
    std::cerr << "perfgate: warning: " << config.target << " lists no benchmark"
              << (filter.empty() ? std::string() : " matching '" + filter + "'") << "\n"
              << where << "  Output:\n"
              << first_lines(err);
  }
  return {std::move(*names), k_exit_passed};
}

int discover(const DiscoverOptions& options) {
  const auto text = read_text_file(options.config);
  if (!text) {
    std::cerr << format_diagnostics(text.error());
    return k_exit_invalid_input;
  }
  const auto config = parse_run_config(*text, options.config);
  if (!config) {
    std::cerr << format_diagnostics(config.error());
    return k_exit_invalid_input;
  }
  const std::string out = options.out.empty() ? config->ctest_file : options.out;
  std::error_code ec;
  if (!fs::is_regular_file(config->executable, ec)) {
    std::cerr << "perfgate: error: the benchmark executable of suite " << config->suite
              << " does not exist (is " << config->target << " built?)\n  Path: '"
              << config->executable << "'\n";
    return k_exit_run_failed;
  }
  fs::create_directories(fs::path(out).parent_path(), ec);
  const std::string scratch = out + ".listing-" + std::to_string(getpid());

  Listings listings;
  ListingOutcome wall = list_benchmarks(*config, config->filter, scratch);
  if (wall.exit_code != k_exit_passed) {
    return wall.exit_code;
  }
  listings.wall = std::move(wall.names);
  const bool instructions = std::find(config->lanes.begin(), config->lanes.end(),
                                      "instructions") != config->lanes.end();
  if (instructions && config->instructions_filter != config->filter) {
    ListingOutcome instr = list_benchmarks(*config, config->instructions_filter, scratch);
    if (instr.exit_code != k_exit_passed) {
      return instr.exit_code;
    }
    listings.instructions = std::move(instr.names);
  }

  const std::string run_config = fs::absolute(options.config).lexically_normal().string();
  const std::string script =
      render_ctest_script(*config, run_config, plan_gate_tests(*config, listings));
  if (!write_output(out, script)) {
    return k_exit_run_failed;
  }
  return k_exit_passed;
}

}  // namespace

Command setup_discover(CLI::App& parent) {
  auto options = std::make_shared<DiscoverOptions>();
  CLI::App* app = parent.add_subcommand(
      "discover",
      "List the benchmarks of a suite's executable and write the CTest script that registers "
      "its gate tests");
  app->add_option("run-config", options->config,
                  "The suite's run configuration (perfgate.run-config/1)")
      ->required();
  app->add_option("--out", options->out,
                  "Where to write the CTest script (default: the configuration's ctest_file)");
  return {app, [options] { return discover(*options); }};
}

}  // namespace perfgate::cli
