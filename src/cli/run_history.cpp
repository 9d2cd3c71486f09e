// The local history store from `perfgate run` (run.hpp, docs/history.md): each gate test's
// decisions are appended to the store once the test has its verdict, and copied into its artifact
// folder as history.json (so `perfgate history import DIR` can rebuild a store from the artifacts
// a CI job kept); before the reports are written, each decision gets its series' recent band.
#include "common.hpp"
#include "run.hpp"

#include <perfgate/history_store.hpp>
#include <perfgate/io.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

bool gate_mode(run::Mode mode) {
  return mode == run::Mode::perf || mode == run::Mode::instr || mode == run::Mode::smoke;
}

// How long to wait for a store another process holds: never past the hard timeout, so that a
// locked store ends in perfgate's own verdict (exit 3 naming the store), not in CTest's kill.
// `most_ms` caps it: the recent band in the reports is worth a short wait only.
int busy_timeout_ms(const RunState& state, int most_ms) {
  const double left_ms = state.seconds_left() * 1000.0;
  return static_cast<int>(std::clamp(left_ms, 200.0, static_cast<double>(most_ms)));
}

HistoryRunContext history_context(const RunState& state) {
  HistoryRunContext run;
  run.started_at = state.started_at_ms;
  run.run_id = state.started_at_ms + "/" + state.test + "/" + std::to_string(::getpid());
  run.commit = state.info.commit;
  run.suite = state.config.suite;
  run.test = state.test;
  run.lane = state.info.lane;
  run.runner_class = state.lane == run::Lane::instr ? state.toolchain.name : state.runner.name;
  return run;
}

}  // namespace

std::string history_path(const RunState& state) {
  const std::string env = RunState::env("PERFGATE_HISTORY");
  if (env == "off" || env == "OFF" || env == "0") {
    return {};
  }
  return env.empty() ? state.config.history : env;
}

void attach_history(RunState& state, GateResult& result) {
  const std::string path = history_path(state);
  std::error_code ec;
  if (path.empty() || !gate_mode(state.mode) || !fs::exists(path, ec)) {
    return;
  }
  auto store = HistoryStore::open(path, false, busy_timeout_ms(state, 2000));
  if (!store) {
    return;  // said when the run is stored (store_history), where it counts
  }
  const HistoryRunContext run = history_context(state);
  HistoryQuery query;
  query.suite = run.suite;
  query.lane = run.lane;
  query.runner_class = run.runner_class;
  auto entries = store->query(query);
  if (!entries) {
    return;
  }
  std::map<SeriesKey, std::vector<double>> values;
  for (const HistoryEntry& entry : *entries) {
    values[series_key(entry)].push_back(entry.value.value_or(std::numeric_limits<double>::quiet_NaN()));
  }
  HistoryEntry probe;
  probe.suite = run.suite;
  probe.lane = run.lane;
  probe.runner_class = run.runner_class;
  for (Decision& decision : result.decisions) {
    probe.benchmark = decision.benchmark;
    probe.metric = decision.metric;
    probe.rule = decision.rule;
    const auto found = values.find(series_key(probe));
    if (found != values.end()) {
      decision.recent = recent_history(found->second);
    }
  }
}

run::Outcome store_history(RunState& state, run::Outcome outcome) {
  const std::string path = history_path(state);
  if (path.empty() || !gate_mode(state.mode) || !state.gated) {
    return outcome;
  }
  const std::vector<HistoryEntry> entries = history_entries(*state.gated, history_context(state));
  std::ostringstream json;
  render_history_json(entries, json);
  std::error_code ec;
  if (fs::is_directory(state.artifacts, ec)) {
    (void)write_file_atomic(state.path("history.json"), json.str());
  }
  std::string problem;
  auto store = HistoryStore::open(path, true, busy_timeout_ms(state, k_history_busy_timeout_ms));
  if (!store) {
    problem = format_diagnostics(store.error());
  } else if (auto added = store->append(entries); !added) {
    problem = format_diagnostics(added.error());
  }
  if (problem.empty()) {
    return outcome;
  }
  std::cerr << problem;
  // The verdict stands, but a passing test whose run the store could not keep is not a pass:
  // history with a silent gap is history no one can trust.
  if (outcome.status == run::Status::passed) {
    return {run::Status::error,
            "the gate passed, but its run could not be added to the history store '" + path +
                "' (see above); set PERFGATE_HISTORY=off to run without one"};
  }
  outcome.summary += "; and its run could not be added to the history store '" + path + "'";
  return outcome;
}

}  // namespace perfgate::cli
