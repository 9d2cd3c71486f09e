// The paired lane of `perfgate run` (run.hpp; docs/statistics.md, lane b): the reference build and
// the candidate run interleaved in a seeded random order, gated with the same-job samples; with
// REPETITIONS auto, adaptive looks until every comparison is decided.
#include "common.hpp"
#include "exit_code.hpp"
#include "run.hpp"

#include <perfgate/io.hpp>

#include <filesystem>
#include <iostream>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

const char* const k_reference_hint =
    "  Hint: build the reference first (cmake -P PerfGateReference.cmake prints the path to "
    "give), or unset PERFGATE_REFERENCE / drop REFERENCE to gate against the stored baseline.";

// The reference build's benchmark executable: the file itself, or in a build folder the file with
// the candidate's name at the candidate's place, else the only file of that name below it.
std::string resolve_reference(const RunState& state) {
  const auto& setting = state.reference;
  fs::path path = fs::absolute(fs::path(state.config.binary_dir) / setting.path).lexically_normal();
  const std::string name = fs::path(state.executable).filename().string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw RunEnd{run::Status::invalid_input,
                 "paired lane: the reference build does not exist (from the " + setting.source +
                     "); expected the reference build's benchmark executable '" + name +
                     "' or the reference build folder.\n  Path: '" + path.string() + "'\n" +
                     k_reference_hint};
  }
  if (!fs::is_directory(path, ec)) {
    if (setting.source.find("environment") != std::string::npos && path.filename() != name) {
      throw RunEnd{run::Status::invalid_input,
                   "paired lane: PERFGATE_REFERENCE names '" + path.filename().string() +
                       "', but this suite's benchmark executable is '" + name +
                       "' (the variable applies to every suite of the build tree).\n  Path: '" +
                       path.string() + "'\n  Hint: set PERFGATE_REFERENCE to the reference build "
                       "folder; each suite finds its own executable there."};
    }
    return path.string();
  }
  const fs::path relative = fs::path(state.executable).lexically_relative(state.config.binary_dir);
  if (!relative.empty() && *relative.begin() != ".." && fs::is_regular_file(path / relative, ec)) {
    return (path / relative).string();
  }
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string p = it->path().generic_string();
    if (it->path().filename() == name && it->is_regular_file(ec) &&
        p.find("/CMakeFiles/") == std::string::npos && p.find("/perfgate-artifacts/") == std::string::npos) {
      found.push_back(it->path().string());
    }
  }
  if (found.size() == 1) {
    return found.front();
  }
  std::string shown;
  for (const auto& f : found) {
    shown += "\n    '" + f + "'";
  }
  throw RunEnd{run::Status::invalid_input,
               found.empty()
                   ? "paired lane: no reference executable '" + name + "' in the reference build "
                     "folder (from the " + setting.source + "); looked at its place and anywhere "
                     "below the folder.\n  Path: '" + path.string() + "'\n  Hint: build the target " +
                     state.config.target + " in the reference build, or name its executable."
                   : "paired lane: the reference build folder (from the " + setting.source +
                     ") holds " + std::to_string(found.size()) + " files named '" + name +
                     "' and none at the candidate's place; which one is the reference is "
                     "ambiguous.\n  Path: '" + path.string() + "'\n  Found:" + shown +
                     "\n  Hint: name the reference executable itself."};
}

// Does the reference run, and does it have this family? Empty listing: the family is new.
std::string list_reference(RunState& state, const std::string& reference) {
  std::vector<std::string> command{reference, "--benchmark_list_tests=true",
                                   "--benchmark_filter=" + state.benchmarks};
  command.insert(command.end(), state.config.extra_args.begin(), state.config.extra_args.end());
  ProcessSpec spec{command, state.config.working_directory, benchmark_environment(state, true),
                   state.path("reference-list.log"), state.path("reference-list.err"), 60};
  const ProcessOutcome outcome = run_process(spec);
  if (!outcome.succeeded()) {
    throw RunEnd{run::Status::invalid_input,
                 "paired lane: the reference executable does not run (" + outcome.describe() +
                     "); expected the reference build's benchmark executable, executable by this "
                     "user.\n  Path: '" + reference + "' (from the " + state.reference.source + ")\n" +
                     slurp(state.path("reference-list.err")).value_or("")};
  }
  return slurp(state.path("reference-list.log")).value_or("");
}

struct Pairs {
  std::string reference;
  run::PairedSchedule schedule;
  std::size_t index = 0;  // pairs run so far
  std::string order;
  std::vector<std::string> reference_files;
  std::vector<std::string> candidate_files;
};

// One pair of process runs, reference and candidate in the schedule's order.
void run_pair(RunState& state, Pairs& pairs, const std::string& filter, std::size_t reps) {
  const std::size_t i = ++pairs.index;
  const bool reference_first =
      i <= pairs.schedule.reference_first.size() ? pairs.schedule.reference_first[i - 1] : true;
  pairs.order += std::string(pairs.order.empty() ? "" : " ") + (reference_first ? "RC" : "CR");
  for (const bool reference : {reference_first, !reference_first}) {
    const std::string side = reference ? "reference" : "candidate";
    BenchmarkRun run;
    run.executable = reference ? pairs.reference : state.executable;
    run.filter = filter;
    run.repetitions = reps;
    run.results = state.path(side + "-" + std::to_string(i) + ".json");
    run.log = side + "-" + std::to_string(i) + ".log";
    run.role = side + "-" + std::to_string(i);
    run.what = "the " + side + " run " + std::to_string(i) +
               (reference ? " (" + pairs.reference + ")" : std::string());
    run.makes_baseline = reference;  // the reference does without BASELINE_UNSET_ENV
    run_benchmark(state, run);
    (reference ? pairs.reference_files : pairs.candidate_files).push_back(run.results);
  }
}

GateCall paired_call(const RunState& state, const Pairs& pairs) {
  GateCall call;
  call.reference = pairs.reference_files;
  call.results = pairs.candidate_files;
  call.policy = state.config.policy;
  call.report_dir = state.artifacts;
  return call;
}

// REPETITIONS auto: interleaved runs of 2 repetitions until every side has 4, then one look after
// another; only the undecided benchmarks run again, until they have what the look asks for.
GateOutcome adaptive_looks(RunState& state, Pairs& pairs, std::string& design) {
  const std::size_t cap = state.config.max_repetitions;
  std::size_t have = 0;
  std::size_t target = run::k_first_look;
  std::string filter = state.benchmarks;
  std::string looks;
  for (std::size_t look = 1;; ++look) {
    for (const std::size_t reps : run::run_chunks(have, target, run::k_paired_chunk)) {
      run_pair(state, pairs, filter, reps);
      have += reps;
    }
    GateCall call = paired_call(state, pairs);
    call.sequential = cap;
    call.report_dir.clear();
    call.print = false;
    GateOutcome outcome = run_gate(state, call);
    const run::NextLook next = run::next_look(outcome.result, have, cap, look);
    if (next.decided || outcome.exit == k_exit_invalid_input) {
      looks += "look " + std::to_string(look) + ": " + std::to_string(have) + "/side, decided";
      state.record.paired["looks"] = looks;
      design = "adaptive: " + std::to_string(have) + " repetitions per side (cap " +
               std::to_string(cap) + ") in " + std::to_string(pairs.index) +
               " runs per side, looks: " + std::to_string(look);
      state.record.paired["repetitions_per_side"] = std::to_string(have);
      call.report_dir = state.artifacts;
      call.print = true;
      return run_gate(state, call);  // the final look, with its reports
    }
    if (!next.failure.empty()) {
      state.record.paired["looks"] = looks;
      throw RunEnd{run::Status::inconclusive, "paired lane: " + next.failure};
    }
    looks += "look " + std::to_string(look) + ": " + std::to_string(have) + "/side, continue to " +
             std::to_string(next.target) + " for " + std::to_string(next.benchmarks.size()) +
             " undecided; ";
    std::cout << "perfgate: look " << look << " at " << have << " repetitions per side: continue to "
              << next.target << " for " << next.benchmarks.size() << " undecided benchmark(s)"
              << std::endl;
    filter = next.filter;
    target = next.target;
  }
}

}  // namespace

run::Outcome run_paired_gate(RunState& state) {
  Pairs pairs;
  pairs.reference = resolve_reference(state);
  state.info.baseline_kind = "reference";
  state.record.baseline = pairs.reference;
  state.record.baseline_kind = "reference";
  std::cout << "perfgate: paired lane: the candidate " << state.executable << " against the reference build "
            << pairs.reference << " (from the " << state.reference.source << "), run interleaved" << std::endl;
  const std::string against = "the reference build " + pairs.reference;
  if (list_reference(state, pairs.reference).find_first_not_of(" \t\r\n") == std::string::npos) {
    // A family the reference does not have yet: the policy's on_new says what that means.
    const auto policy = load_policy(state.config.policy);
    const bool fail = policy && policy->on_new == OnNew::fail;
    return {fail ? run::Status::failed : run::Status::passed,
            state.family + " is new: the reference build " + pairs.reference +
                " has none of its benchmarks, nothing to compare (paired lane; the policy's "
                "on_new is " + (fail ? "fail" : "not fail") + ")."};
  }
  std::string seed = RunState::env("PERFGATE_SEED");
  const std::string seed_source = seed.empty() ? "git commit" : "PERFGATE_SEED";
  if (seed.empty()) {
    seed = state.context["git_commit"];
  }
  pairs.schedule = run::paired_schedule(state.test, seed, seed_source,
                                        state.config.runs + state.config.max_repetitions + 8);
  for (const auto& name : state.config.baseline_unset_env) {
    if (!RunState::env(name.c_str()).empty()) {
      std::cout << "perfgate: " << name << " is removed from the environment of the reference runs "
                                           "(BASELINE_UNSET_ENV)" << std::endl;
    }
  }
  std::string design;
  GateOutcome gate;
  if (!state.settings.adaptive) {
    for (std::size_t i = 0; i < state.config.runs; ++i) {
      run_pair(state, pairs, state.benchmarks, state.settings.repetitions);
    }
    const std::size_t per_side = state.config.runs * state.settings.repetitions;
    design = std::to_string(state.config.runs) + " runs x " + std::to_string(state.settings.repetitions) +
             " repetitions = " + std::to_string(per_side) + " repetitions per side";
    state.record.paired["method"] = "paired";
    state.record.paired["repetitions_per_side"] = std::to_string(per_side);
    gate = run_gate(state, paired_call(state, pairs));
  } else {
    state.record.paired["method"] = "paired-sequential";
    state.record.paired["max_repetitions"] = std::to_string(state.config.max_repetitions);
    gate = adaptive_looks(state, pairs, design);
  }
  state.record.paired["reference"] = pairs.reference;
  state.record.paired["reference_source"] = state.reference.source;
  state.record.paired["runs_per_side"] = std::to_string(pairs.index);
  state.record.paired["seed"] = pairs.schedule.seed_text;
  state.record.paired["order"] = pairs.order;
  std::cout << "<CTestMeasurement type=\"text/string\" name=\"perfgate/baseline\">paired</CTestMeasurement>\n";
  return run::conclude(state.mode, state.family, gate.exit, run::findings(gate.result),
                       against + " (paired lane, " + design + ")");
}

}  // namespace perfgate::cli
