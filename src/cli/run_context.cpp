// The run context of `perfgate run` (run.hpp): what was measured where, and the classes that pick
// a baseline.
#include "callgrind_runner.hpp"
#include "common.hpp"
#include "host_probe.hpp"
#include "run.hpp"

#include <perfgate/callgrind.hpp>
#include <perfgate/io.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {


std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  const auto end = text.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

// A short-lived helper process (git, ldd, valgrind --version): its output, "" on any failure.
// A short-lived helper's output (git, the loader's library list, valgrind --version), or nullopt
// when it could not run or failed.
std::optional<std::string> output_of(RunState& state, const std::vector<std::string>& argv,
                                     const std::vector<std::string>& environment = current_environment()) {
  const auto program = find_program(argv.front());
  if (!program) {
    return std::nullopt;
  }
  std::vector<std::string> command = argv;
  command.front() = *program;
  const std::string scratch = state.path(".probe.txt");
  ProcessSpec spec{command, state.config.source_dir, environment, scratch, "/dev/null", 30};
  const ProcessOutcome outcome = run_process(spec);
  std::optional<std::string> text;
  if (outcome.succeeded()) {
    text = slurp(scratch).value_or("");
  }
  std::error_code ec;
  fs::remove(scratch, ec);
  return text;
}

void add_build_facts(RunState& state) {
  const BuildFacts& build = state.config.build;
  auto& c = state.context;
  c["compiler"] = build.cxx_compiler_id + " " + build.cxx_compiler_version;
  c["compiler_id"] = build.cxx_compiler_id;
  c["compiler_version"] = build.cxx_compiler_version;
  c["compiler_path"] = build.cxx_compiler;
  c["cxx_flags"] = trim(build.cxx_flags + " " + build.target_flags);
  c["build_type"] = build.type;
  c["benchmark_library_version"] = build.benchmark_version;
}

void add_git(RunState& state) {
  auto& c = state.context;
  c["git_commit"] = "unknown";
  c["git_dirty"] = "unknown";
  state.repository = state.config.source_dir;
  // One call: the repository's root, then the commit.
  const auto where = output_of(
      state, {"git", "-C", state.config.source_dir, "rev-parse", "--show-toplevel", "HEAD"});
  std::istringstream lines(where.value_or(""));
  std::string root;
  std::string commit;
  if (!std::getline(lines, root) || !std::getline(lines, commit) || trim(commit).empty()) {
    return;
  }
  state.repository = trim(root);
  c["git_commit"] = trim(commit);
  if (const auto status = output_of(state, {"git", "-C", state.config.source_dir, "status",
                                            "--porcelain", "--untracked-files=no"})) {
    c["git_dirty"] = trim(*status).empty() ? "false" : "true";
  }
}

// The Google Benchmark version the executable links: the real file name of its libbenchmark.so
// (the loader lists the libraries under LD_TRACE_LOADED_OBJECTS, as ldd does), else CMake's.
std::string benchmark_version(RunState& state) {
  const std::string listing =
      output_of(state, {state.executable},
                change_environment(current_environment(), {"LD_TRACE_LOADED_OBJECTS=1"}))
          .value_or("");
  for (const auto& [soname, path] : callgrind::libraries_from_ldd(listing)) {
    if (soname.rfind("libbenchmark.", 0) != 0 || path.empty()) {
      continue;
    }
    std::error_code ec;
    const std::string file = callgrind::library_file_name(fs::canonical(path, ec).string());
    static const std::regex k_version("\\.so\\.([0-9]+\\.[0-9]+\\.[0-9]+)$");
    std::smatch match;
    if (std::regex_search(file, match, k_version)) {
      return match[1].str();
    }
  }
  return state.config.build.benchmark_version;
}

}  // namespace

std::string RunState::env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

void collect_context(RunState& state) {
  auto& c = state.context;
  const RunConfig& config = state.config;
  add_build_facts(state);
  add_git(state);
  struct utsname uts {};
  uname(&uts);
  const HostFacts host = probe_host();
  for (const auto& [key, value] : host_context(host)) {
    c[key] = value;
  }
  c["arch"] = uts.machine;
  c["os"] = uts.sysname;
  c["kernel"] = uts.release;
  c["hostname"] = host_name();
  const auto governor = slurp("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  c["cpu_scaling"] = governor ? trim(*governor) : "unknown (no cpufreq in /sys)";
  const std::string fingerprint = runner_fingerprint(
      host, config.build.cxx_compiler_id, config.build.cxx_compiler_version, config.build.type);
  state.runner = run::runner_class(config, RunState::env("PERFGATE_RUNNER"), fingerprint);
  c["runner"] = state.runner.name;
  c["runner_source"] = state.runner.source;
  c["runner_fingerprint"] = fingerprint;
  const bool instructions = state.lane == run::Lane::instr ||
                            (state.mode == run::Mode::validate &&
                             std::find(config.lanes.begin(), config.lanes.end(), "instructions") !=
                                 config.lanes.end());
  if (instructions) {
    c["lane"] = "instructions";
    const std::string valgrind = callgrind::valgrind_version_of(output_of(state, {"valgrind", "--version"}).value_or(""));
    state.toolchain = run::toolchain_class(config.build, benchmark_version(state), valgrind);
    if (!state.toolchain.name.empty()) {
      c["toolchain_class"] = state.toolchain.name;
    }
  }
  c["suite"] = config.suite;
  c["target"] = config.target;
  c["executable"] = state.executable;
  c["mode"] = std::string(run::to_string(state.mode));
  c["repetitions"] = state.settings.adaptive ? "auto" : std::to_string(state.settings.repetitions);
  c["min_time"] = state.settings.min_time;
  c["warmup"] = state.settings.warmup;
  c["date"] = utc_now();
}

void write_context(const RunState& state) {
  if (auto written = write_file_atomic(state.path("context.json"), context_json(state.context));
      !written) {
    throw RunEnd{run::Status::error, format_diagnostics(written.error())};
  }
}

}  // namespace perfgate::cli
