// What one `perfgate run` did ("perfgate.run/2", the run.json of every test's artifact folder) and
// the run context it measured under ("perfgate.context/1", context.json). docs/formats.md.
#pragma once

#include <perfgate/evidence.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perfgate {

// One child process of a run: a warm-up, a measured run, a reference or confirmation run.
struct ProcessRecord {
  std::string role;  // "warmup", "measure", "reference-1", "candidate-1", "confirm", ...
  std::vector<std::string> command;
  std::string outcome;  // "exit 0", "killed by signal 11 (Segmentation fault)", ...
  double seconds = 0;
  double cpu_seconds = 0;
  long involuntary_switches = 0;
  std::string log;  // its console output, relative to the artifact folder
  // A measured benchmark run: the machine's load around it (LoadReport::describe()), and whether
  // it was contended.
  std::string load;
  bool contended = false;
};

// The writer's side of run.json (the reader's is summary.hpp's RecordedRun: two types of one name
// would break the one-definition rule in the perfgate executable, which links both).
struct RunLog {
  std::string test;
  std::string suite;
  std::string family;
  std::string mode;
  std::string lane;
  std::string status;
  int exit_code = 3;
  std::string summary;
  std::string commit;
  std::string runner;
  std::string baseline;
  std::string baseline_kind;
  std::string confirmation;
  bool contended = false;
  std::vector<std::string> conditions;
  std::string started_at;
  double duration_seconds = 0;
  std::vector<ProcessRecord> processes;
  std::map<std::string, std::string> paired;  // the paired lane: method, seed, order, ...
  // The files the verdict rests on and their digests (a gate test whose gate ran; docs/formats.md).
  std::optional<RunEvidence> evidence;
};

std::string run_record_json(const RunLog& record);
std::string context_json(const std::map<std::string, std::string>& context);

}  // namespace perfgate
