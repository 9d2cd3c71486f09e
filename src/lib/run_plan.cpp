// The pure decisions of `perfgate run` (run_plan.hpp).
#include <perfgate/run_plan.hpp>

#include <perfgate/discover.hpp>
#include <perfgate/host.hpp>

#include <algorithm>
#include <cmath>
#include <array>
#include <cctype>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>

namespace perfgate::run {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_class_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}


}  // namespace

// ---- names ------------------------------------------------------------------------------

namespace {
constexpr std::array<std::string_view, 8> k_modes{"perf",      "instr",  "smoke",   "validate",
                                                  "bootstrap", "record", "summary", "not-built"};
constexpr std::array<std::string_view, 9> k_statuses{
    "passed", "failed",  "inconclusive",  "invalid-input", "refused",
    "run-failed", "timeout", "no-benchmarks", "error"};
}  // namespace

std::optional<Mode> mode_from_string(std::string_view text) {
  for (std::size_t i = 0; i < k_modes.size(); ++i) {
    if (k_modes[i] == text) {
      return static_cast<Mode>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(Mode mode) { return k_modes.at(static_cast<std::size_t>(mode)); }

std::optional<Lane> lane_from_string(std::string_view text) {
  if (text == "perf") {
    return Lane::perf;
  }
  if (text == "instr") {
    return Lane::instr;
  }
  if (text == "smoke") {
    return Lane::smoke;
  }
  return std::nullopt;
}

std::string_view to_string(Lane lane) {
  switch (lane) {
    case Lane::perf:
      return "perf";
    case Lane::instr:
      return "instr";
    case Lane::smoke:
      return "smoke";
  }
  return "perf";
}

std::string_view lane_title(Lane lane, bool paired) {
  switch (lane) {
    case Lane::perf:
      return paired ? "wall-time (paired)" : "wall-time";
    case Lane::instr:
      return "instructions";
    case Lane::smoke:
      return "smoke (wall-time, reported only)";
  }
  return "wall-time";
}

std::string_view to_string(Status status) {
  return k_statuses.at(static_cast<std::size_t>(status));
}

int exit_code(Status status) {
  switch (status) {
    case Status::passed:
      return 0;
    case Status::failed:
      return 1;
    case Status::invalid_input:
    case Status::refused:
      return 2;
    case Status::inconclusive:
      return 4;
    case Status::run_failed:
    case Status::timeout:
    case Status::no_benchmarks:
    case Status::error:
      return 3;
  }
  return 3;
}

std::string_view exit_meaning(int code) {
  switch (code) {
    case 0:
      return "passed";
    case 1:
      return "gate failed (regression, SLO breach or missing benchmark)";
    case 2:
      return "invalid input or usage (policy, baseline, fingerprint, file)";
    case 3:
      return "the run itself failed (crash, errored benchmark, no results)";
    case 4:
      return "inconclusive: nothing failed, but a gated comparison could not be decided (too "
             "noisy, too few repetitions, or a provisional baseline that checks nothing)";
    default:
      return "unknown exit code";
  }
}

// ---- settings ---------------------------------------------------------------------------

double hard_limit(double timeout) {
  const double whole = std::max(1.0, std::floor(timeout));
  double margin = std::floor(whole / 10);
  if (margin < 5) {
    margin = std::min(5.0, std::floor(whole / 2));
  }
  return std::max(1.0, whole - margin);
}

MeasureSettings measure_settings(const RunConfig& config, Lane lane, bool paired) {
  MeasureSettings settings;
  switch (lane) {
    case Lane::instr:
      settings.repetitions = config.instructions_repeat;
      settings.warmup = "0";
      settings.timeout = config.instructions_timeout;
      break;
    case Lane::smoke:
      settings.repetitions = 1;
      settings.min_time = config.smoke_min_time;
      settings.warmup = "0";
      settings.timeout = config.smoke_timeout;
      break;
    case Lane::perf:
      // REPETITIONS auto is the paired lane's; any other run (a baseline) takes the cap.
      settings.adaptive = paired && !config.repetitions;
      settings.repetitions = config.repetitions.value_or(config.max_repetitions);
      settings.min_time = config.min_time;
      settings.warmup = config.warmup;
      settings.timeout = config.timeout;
      break;
  }
  settings.hard_limit = hard_limit(settings.timeout);
  return settings;
}

bool optimised_build(const BuildFacts& build) {
  const std::string flags = build.cxx_flags + " " + build.target_flags;
  std::string level;
  std::istringstream words(flags);
  for (std::string word; words >> word;) {
    if (word.size() >= 2 && (word[0] == '-' || word[0] == '/') && word[1] == 'O') {
      level = word.substr(1);
    }
  }
  return build.type != "Debug" && !level.empty() && level != "O0" && level != "Od";
}

std::string unoptimised_refusal(const RunConfig& config) {
  const std::string what =
      config.build.type.empty() ? "a build without CMAKE_BUILD_TYPE" : "a " + config.build.type + " build";
  std::string flags = config.build.cxx_flags;
  if (!config.build.target_flags.empty()) {
    flags += (flags.empty() ? "" : " ") + config.build.target_flags;
  }
  return "refusing to gate " + what + " of " + config.target + " (flags: '" + flags +
         "'): its timings say nothing about the optimised program.\n"
         "  Hint: configure an optimised build, e.g.\n"
         "    cmake -S <source> -B <build> -DCMAKE_BUILD_TYPE=Release\n"
         "  (or RelWithDebInfo) and run ctest there.";
}

// ---- classes and baselines -------------------------------------------------------------

ClassChoice runner_class(const RunConfig& config, const std::string& environment_runner,
                         const std::string& fingerprint) {
  ClassChoice choice;
  if (!environment_runner.empty()) {
    choice = {environment_runner, "environment variable PERFGATE_RUNNER", ""};
  } else if (!config.runner.empty()) {
    choice = {config.runner, "RUNNER of perfgate_add_benchmarks()", ""};
  } else {
    choice = {fingerprint, "machine fingerprint", ""};
  }
  if (choice.name.empty() ||
      !std::all_of(choice.name.begin(), choice.name.end(), is_class_character)) {
    choice.error = "runner class '" + choice.name + "' (from " + choice.source +
                   ") may hold letters, digits, '.', '_' and '-' only.";
    choice.name.clear();
  }
  return choice;
}

ClassChoice toolchain_class(const BuildFacts& build, const std::string& benchmark_version,
                            const std::string& valgrind_version) {
  ClassChoice choice;
  choice.source = "toolchain facts";
  if (valgrind_version.empty()) {
    choice.error =
        "valgrind is not installed (or did not say its version), and the instructions lane "
        "measures under valgrind's callgrind.\n"
        "  Hint: apt-get install valgrind (or cmake -P cmake/PerfGateSetup.cmake as root).";
    return choice;
  }
  choice.name = perfgate::toolchain_class(build.cxx_compiler_id, build.cxx_compiler_version,
                                         build.type, benchmark_version, valgrind_version);
  return choice;
}

std::string_view to_string(BaselineKind kind) {
  switch (kind) {
    case BaselineKind::committed:
      return "committed";
    case BaselineKind::provisional:
      return "provisional";
    case BaselineKind::missing:
      return "missing";
    case BaselineKind::vanished:
      return "vanished";
    case BaselineKind::reference:
      return "reference";
  }
  return "missing";
}

std::string committed_baseline(const RunConfig& config, const std::string& class_name) {
  return config.baselines + "/" + class_name + "/" + config.suite + ".json";
}

std::string provisional_baseline(const RunConfig& config, Lane lane, const std::string& class_name) {
  return config.artifacts_root + "/bootstrap-" + std::string(to_string(lane)) + "/" + class_name +
         "/" + config.suite + ".json";
}

bool bootstrap_enabled(const RunConfig& config, const std::string& environment_bootstrap) {
  static const std::set<std::string> k_off{"off", "0", "false", "no"};
  return config.bootstrap && k_off.count(lower(environment_bootstrap)) == 0;
}

BaselineChoice choose_baseline(const RunConfig& config, Lane lane, const std::string& class_name,
                               bool committed_exists, bool bootstrap) {
  BaselineChoice choice;
  choice.committed = committed_baseline(config, class_name);
  choice.provisional = provisional_baseline(config, lane, class_name);
  const auto configured = std::find_if(
      config.committed_baselines.begin(), config.committed_baselines.end(),
      [&choice](const RunConfig::CommittedBaseline& known) {
        return std::filesystem::path(known.path).lexically_normal() ==
               std::filesystem::path(choice.committed).lexically_normal();
      });
  if (committed_exists) {
    choice.kind = BaselineKind::committed;
    choice.path = choice.committed;
  } else if (configured != config.committed_baselines.end()) {
    choice.kind = BaselineKind::vanished;
    choice.path = choice.committed;
    choice.configured_digest = configured->digest;
  } else if (bootstrap) {
    choice.kind = BaselineKind::provisional;
    choice.path = choice.provisional;
  } else {
    choice.kind = BaselineKind::missing;
    choice.path = choice.committed;
  }
  return choice;
}

std::string vanished_message(const BaselineChoice& choice, const std::string& record_command) {
  return "the committed baseline '" + choice.committed + "' existed when the build was configured" +
         (choice.configured_digest.empty() ? std::string()
                                           : " (" + choice.configured_digest + ")") +
         " and is gone: a committed baseline is never replaced by a provisional one.\n"
         "  Hint: restore it with\n    git checkout -- " + choice.committed +
         "\n  or, if the numbers must change, re-record it with a reason:\n    " + record_command;
}

bool bootstrap_accepted(const RunConfig& config, bool policy_accepts) {
  return config.accept_bootstrap || policy_accepts;
}

int provisional_exit(int gate_exit, bool accepted) {
  if (accepted || (gate_exit != 0 && gate_exit != 1)) {
    return gate_exit;
  }
  return 4;
}

std::string provisional_condition(bool accepted) {
  return accepted
             ? "PROVISIONAL baseline (bootstrapped in the build tree from this build, not "
               "reviewed): its verdict is accepted by BOOTSTRAP ACCEPT or the policy's "
               "accept_bootstrap_verdicts (docs/baselines.md)."
             : "PROVISIONAL baseline (bootstrapped in the build tree from this build, not "
               "reviewed): it checks nothing, so the gate is inconclusive (exit 4); commit a "
               "baseline, or accept bootstrap verdicts with BOOTSTRAP ACCEPT or the policy's "
               "accept_bootstrap_verdicts (docs/baselines.md).";
}

std::string record_command(const RunConfig& config, Lane lane, const std::string& runner) {
  if (lane == Lane::instr) {
    return "PERFGATE_REASON=\"<why>\" cmake --build " + config.binary_dir +
           " --target perfgate_record_instructions_baseline_" + config.suite;
  }
  return "PERFGATE_REASON=\"<why>\" PERFGATE_RUNNER=" + runner + " cmake --build " +
         config.binary_dir + " --target perfgate_record_baseline_" + config.suite;
}

// ---- the paired lane -------------------------------------------------------------------

ReferenceSetting reference_setting(const RunConfig& config, const std::string& environment_reference) {
  if (!environment_reference.empty()) {
    return {environment_reference, "environment variable PERFGATE_REFERENCE"};
  }
  if (!config.reference.empty()) {
    return {config.reference, "REFERENCE of perfgate_add_benchmarks()"};
  }
  return {};
}

PairedSchedule paired_schedule(const std::string& test, const std::string& seed_text,
                               const std::string& seed_source, std::size_t pairs) {
  PairedSchedule schedule;
  const std::string key = test + "|" + seed_text;
  schedule.seed = fnv1a64(key);
  schedule.seed_text = std::to_string(schedule.seed) + " (FNV-1a of '" + key + "', " +
                       seed_source + "; std::mt19937_64)";
  // mt19937_64's output sequence is fixed by the standard, so the order is the same everywhere;
  // the top bit of each draw is the coin (no distribution, whose algorithm is not standardized).
  std::mt19937_64 engine(schedule.seed);
  schedule.reference_first.reserve(pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    schedule.reference_first.push_back((engine() >> 63U) == 0);
  }
  return schedule;
}

std::vector<std::size_t> run_chunks(std::size_t have, std::size_t target, std::size_t chunk) {
  std::vector<std::size_t> chunks;
  while (have < target && chunk > 0) {
    const std::size_t reps = std::min(chunk, target - have);
    chunks.push_back(reps);
    have += reps;
  }
  return chunks;
}

std::string literal_filter(const std::vector<std::string>& names) {
  std::string alternatives;
  for (const auto& name : names) {
    alternatives += (alternatives.empty() ? "" : "|") + regex_escape(name);
  }
  return "^(" + alternatives + ")$";
}

NextLook next_look(const GateResult& look, std::size_t have, std::size_t cap, std::size_t looks) {
  NextLook next;
  if (look.next_repetitions == 0 || status(look) == GateStatus::run_failed) {
    next.decided = true;
    return next;
  }
  std::set<std::string> undecided;
  for (const auto& decision : look.decisions) {
    if (decision.undecided) {
      undecided.insert(decision.benchmark);
    }
  }
  next.benchmarks.assign(undecided.begin(), undecided.end());
  if (next.benchmarks.empty() || looks >= k_max_looks || have >= cap) {
    std::string names;
    for (const auto& name : next.benchmarks) {
      names += " " + name;
    }
    next.failure = "the adaptive repetitions did not end (look " + std::to_string(looks) + ", " +
                   std::to_string(have) + " repetitions per side, cap " + std::to_string(cap) +
                   ", undecided:" + (names.empty() ? std::string(" none named") : names) +
                   "); a gate that cannot decide never passes.";
    return next;
  }
  next.target = std::min(cap, std::max(look.next_repetitions, have + 1));
  next.filter = literal_filter(next.benchmarks);
  return next;
}

// ---- confirmation -----------------------------------------------------------------------

bool wants_confirmation(Mode mode, bool paired, int first_exit, bool confirm, double seconds_left,
                        double first_took) {
  return mode == Mode::perf && !paired && first_exit == 1 && confirm && seconds_left > first_took;
}

Confirmation confirm(int first_exit, int confirm_exit) {
  Confirmation c;
  switch (confirm_exit) {
    case 0:
      c = {0, "passed: the first run's fail did not replicate",
           "first run FAILED, not replicated by the confirmation run (confirm/report.txt), so it "
           "is taken as the machine's slowdown, not the code's"};
      break;
    case 1:
      c = {1, "failed: the regression replicated",
           "replicated by a confirmation run (confirm/report.txt)"};
      break;
    case 4:
      // Neither replicated nor ruled out: the machine was too noisy to tell. Never a pass.
      c = {4, "inconclusive: the confirmation run could not decide (perfgate exit 4)",
           "first run FAILED; the confirmation run could not decide (confirm/report.txt), so the "
           "gate is inconclusive"};
      break;
    default:
      c = {confirm_exit, "error: perfgate exit " + std::to_string(confirm_exit),
           "the confirmation run failed (confirm/report.txt)"};
      break;
  }
  (void)first_exit;
  return c;
}

// ---- outcome ---------------------------------------------------------------------------

std::string findings(const GateResult& result, std::size_t limit) {
  std::string lines;
  std::size_t shown = 0;
  std::size_t more = 0;
  for (const auto& d : result.decisions) {
    if (d.verdict == Verdict::pass || d.verdict == Verdict::improved ||
        d.verdict == Verdict::new_benchmark || d.verdict == Verdict::waived) {
      continue;
    }
    if (shown == limit) {
      ++more;
      continue;
    }
    std::string what = d.benchmark;
    if (!d.metric.empty()) {
      what += " " + d.metric + " " + std::string(to_string(d.statistic));
    }
    lines += "\n    " + what + ": " + std::string(to_string(d.verdict)) + ": " + d.note;
    ++shown;
  }
  if (more > 0) {
    lines += "\n    ... and " + std::to_string(more) + " more (see report.txt)";
  }
  return lines;
}

Outcome conclude(Mode mode, const std::string& family, int gate_exit, const std::string& findings,
                 const std::string& against) {
  if (mode == Mode::smoke && gate_exit == 0) {
    return {Status::passed, findings.empty()
                                ? "smoke run of " + family + " completed; nothing to report."
                                : "smoke run of " + family +
                                      " completed; reported, not enforced (smoke):" + findings};
  }
  switch (gate_exit) {
    case 0:
      if (findings.find(": noisy: ") != std::string::npos) {
        return {Status::passed, family + ": no regression shown against " + against +
                                    ", but not everything was gated (the policy's "
                                    "on_inconclusive accepts undecided comparisons):" +
                                    findings};
      }
      return {Status::passed, findings.empty()
                                  ? family + " holds " + against + "."
                                  : family + " holds " + against + ", with warnings:" +
                                        findings};
    case 1:
      return {Status::failed,
              family + ": " + std::string(exit_meaning(1)) + " against " + against + ":" + findings};
    case 2:
      return {Status::invalid_input, std::string(exit_meaning(2)) + " (perfgate exit 2), against " +
                                         against + "." + findings};
    case 4:
      return {Status::inconclusive, family + ": " + std::string(exit_meaning(4)) + ", against " +
                                        against + "; never a pass (docs/statistics.md):" + findings};
    default:
      return {Status::run_failed, std::string(exit_meaning(3)) + " (perfgate exit " +
                                      std::to_string(gate_exit) + "), against " + against + ":" +
                                      findings};
  }
}

Status process_failure_status(bool timed_out) {
  return timed_out ? Status::timeout : Status::run_failed;
}

// ---- recording -------------------------------------------------------------------------

std::string reason_problem(const std::string& reason) {
  const auto begin = reason.find_first_not_of(" \t\r\n");
  const auto end = reason.find_last_not_of(" \t\r\n");
  const std::size_t length = begin == std::string::npos ? 0 : end - begin + 1;
  if (length < 10) {
    return "recording a baseline needs a written reason (at least 10 characters) in "
           "PERFGATE_REASON: what changed, and why it is acceptable.";
  }
  return {};
}

std::string recorded_by(const std::map<std::string, std::string>& environment,
                        const std::string& host) {
  const auto get = [&environment](const std::string& name) {
    const auto found = environment.find(name);
    return found == environment.end() ? std::string() : found->second;
  };
  if (!get("PERFGATE_RECORDED_BY").empty()) {
    return get("PERFGATE_RECORDED_BY");
  }
  if (!get("CI_JOB_URL").empty()) {
    return get("CI_JOB_URL");
  }
  if (!get("GITHUB_RUN_ID").empty()) {
    return "github run " + get("GITHUB_RUN_ID") + " (" + get("GITHUB_ACTOR") + ")";
  }
  std::string user = get("USER");
  if (user.empty()) {
    user = get("LOGNAME");
  }
  return (user.empty() ? std::string("unknown-user") : user) + "@" + host;
}

}  // namespace perfgate::run
