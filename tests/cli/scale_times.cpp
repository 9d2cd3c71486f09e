// Test helper: writes a copy of a Google Benchmark JSON file with one benchmark changed, so the
// CLI tests can inject a known regression into real files.
//
//   perfgate_test_edit IN OUT BENCHMARK scale FACTOR   times x FACTOR, rates / FACTOR
//   perfgate_test_edit IN OUT BENCHMARK remove         drop every row of the benchmark
//   perfgate_test_edit IN OUT BENCHMARK error          mark its rows error_occurred
//   perfgate_test_edit IN OUT BENCHMARK long-name N    rename it BENCHMARK/abab... of N characters
//   perfgate_test_edit --mkfifo PATH                   make a FIFO (named pipe) at PATH
#include <boost/json.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace json = boost::json;

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--mkfifo") {
    std::remove(argv[2]);
    return ::mkfifo(argv[2], 0600) == 0 ? 0 : 2;
  }
  if (argc < 5) {
    std::cerr << "usage: perfgate_test_edit IN OUT BENCHMARK scale FACTOR|remove|error|long-name N\n"
                 "       perfgate_test_edit --mkfifo PATH\n";
    return 2;
  }
  const std::string benchmark = argv[3];
  const std::string action = argv[4];
  const double factor = action == "scale" && argc > 5 ? std::stod(argv[5]) : 1.0;
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  json::value root = json::parse(text.str());
  json::array& rows = root.at("benchmarks").as_array();
  json::array kept;
  std::size_t touched = 0;
  for (auto& row : rows) {
    json::object& object = row.as_object();
    const auto* run_name = object.if_contains("run_name");
    const json::string& name = run_name != nullptr ? run_name->as_string() : object.at("name").as_string();
    if (name != benchmark) {
      kept.push_back(row);
      continue;
    }
    ++touched;
    if (action == "remove") {
      continue;
    }
    if (action == "long-name") {
      std::string long_name = benchmark + "/";
      while (long_name.size() < std::stoul(argv[5])) {
        long_name += "ab";
      }
      const std::string old_name(object.at("name").as_string());
      object["name"] = long_name + old_name.substr(benchmark.size());  // keeps "_mean" etc.
      if (object.contains("run_name")) {
        object["run_name"] = long_name;
      }
      kept.push_back(row);
      continue;
    }
    if (action == "error") {
      object["error_occurred"] = true;
      object["error_message"] = "injected by the test";
    }
    for (auto& entry : object) {
      const std::string key(entry.key());
      if (!entry.value().is_number() || (key != "real_time" && key != "cpu_time" &&
                                         key.find("_per_second") == std::string::npos)) {
        continue;
      }
      if (object.contains("aggregate_name") && object["aggregate_name"] == "cv") {
        continue;  // a coefficient of variation does not scale
      }
      const double value = entry.value().to_number<double>();
      entry.value() = key.find("_per_second") != std::string::npos ? value / factor : value * factor;
    }
    kept.push_back(row);
  }
  if (touched == 0) {
    std::cerr << "perfgate_test_edit: no benchmark named \"" << benchmark << "\"\n";
    return 2;
  }
  rows = std::move(kept);
  std::ofstream(argv[2], std::ios::binary) << json::serialize(root) << '\n';
  return 0;
}
