// run.json and context.json (run_record.hpp), written with Boost.JSON.
#include <perfgate/run_record.hpp>

#include <boost/json.hpp>

namespace perfgate {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& values) {
  json::array array;
  for (const auto& value : values) {
    array.emplace_back(value);
  }
  return array;
}

json::object process_json(const ProcessRecord& process) {
  json::object object;
  object["role"] = process.role;
  object["command"] = strings(process.command);
  object["outcome"] = process.outcome;
  object["seconds"] = process.seconds;
  object["cpu_seconds"] = process.cpu_seconds;
  object["involuntary_switches"] = process.involuntary_switches;
  object["log"] = process.log;
  if (!process.load.empty()) {
    object["load"] = process.load;
    object["contended"] = process.contended;
  }
  return object;
}

json::object evidence_json(const RunEvidence& evidence) {
  json::object object;
  object["measured"] = evidence.measured;
  object["runner_fingerprint"] = evidence.runner_fingerprint;
  object["toolchain"] = evidence.toolchain;
  json::array files;
  for (const RecordedFile& file : evidence.files) {
    json::object entry;
    entry["role"] = file.role;
    entry["path"] = file.path;
    entry["digest"] = file.digest;
    files.emplace_back(std::move(entry));
  }
  object["files"] = std::move(files);
  return object;
}

}  // namespace

std::string run_record_json(const RunLog& record) {
  json::object object;
  object["schema"] = "perfgate.run/2";
  object["test"] = record.test;
  object["suite"] = record.suite;
  object["family"] = record.family;
  object["mode"] = record.mode;
  object["lane"] = record.lane;
  object["status"] = record.status;
  object["exit_code"] = record.exit_code;
  object["summary"] = record.summary;
  object["commit"] = record.commit;
  object["runner"] = record.runner;
  object["baseline"] = record.baseline;
  object["baseline_kind"] = record.baseline_kind;
  object["confirmation"] = record.confirmation;
  object["contended"] = record.contended;
  object["conditions"] = strings(record.conditions);
  object["started_at"] = record.started_at;
  object["duration_seconds"] = record.duration_seconds;
  json::array processes;
  for (const auto& process : record.processes) {
    processes.emplace_back(process_json(process));
  }
  object["processes"] = std::move(processes);
  if (!record.paired.empty()) {
    json::object paired;
    for (const auto& [key, value] : record.paired) {
      paired[key] = value;
    }
    object["paired"] = std::move(paired);
  }
  if (record.evidence) {
    object["evidence"] = evidence_json(*record.evidence);
  }
  return json::serialize(object) + "\n";
}

std::string context_json(const std::map<std::string, std::string>& context) {
  json::object object;
  object["schema"] = "perfgate.context/1";
  for (const auto& [key, value] : context) {
    if (key != "schema") {
      object[key] = value;
    }
  }
  return json::serialize(object) + "\n";
}

}  // namespace perfgate
