// The instructions lane measures a suite once (run.hpp): the bootstrap.instr fixture runs one
// `perfgate measure instructions` over the lane's whole filter (a fork server per job slot: one
// valgrind start-up for every benchmark, docs/lanes.md), and each instr.* test gates its family
// from that measurement when it is current: the same executable bytes, toolchain class, filter,
// repetitions and environment as the test would measure with. Otherwise the test measures its
// family itself, so a stale or missing file costs time, never a wrong verdict.
#include "run.hpp"

#include <perfgate/callgrind.hpp>
#include <perfgate/io.hpp>

#include <filesystem>
#include <iostream>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

std::string suite_folder(const RunState& state) { return state.config.artifacts_root + "/instructions"; }
std::string key_file(const RunState& state) { return suite_folder(state) + "/measured-with.txt"; }

// What the suite measurement depends on, as text: equal text, the same measurement.
std::string measurement_key(const RunState& state) {
  const auto bytes = slurp(state.executable);
  std::string key = "perfgate.instructions-key/1\nexecutable " +
                    (bytes ? callgrind::executable_digest(*bytes) : std::string("unreadable")) +
                    "\ntoolchain " + state.toolchain.name + "\n";
  for (const auto& argument : measure_arguments(state, state.config.instructions_filter, false, false)) {
    key += argument + "\n";
  }
  return key;
}

}  // namespace

std::string suite_measurement(const RunState& state) { return suite_folder(state) + "/instructions.json"; }

void measure_suite(RunState& state) {
  std::error_code ec;
  fs::create_directories(suite_folder(state), ec);
  fs::remove(key_file(state), ec);
  fs::remove(suite_measurement(state), ec);
  try {
    measure_instructions(state, state.config.instructions_filter, suite_measurement(state), false);
  } catch (const RunEnd& end) {
    std::cout << "perfgate: measuring the whole suite failed (" << end.summary
              << "); each instr test measures its own family." << std::endl;
    return;
  }
  if (auto written = write_file_atomic(key_file(state), measurement_key(state)); !written) {
    std::cout << format_diagnostics(written.error());
  }
}

std::optional<std::string> current_suite_measurement(const RunState& state) {
  const auto recorded = slurp(key_file(state));
  std::error_code ec;
  if (!recorded || !fs::exists(suite_measurement(state), ec)) {
    return std::nullopt;
  }
  if (*recorded != measurement_key(state)) {
    std::cout << "perfgate: the suite's instructions measurement is not this test's (another "
                 "executable, toolchain, filter or environment); measuring the family."
              << std::endl;
    return std::nullopt;
  }
  std::cout << "perfgate: gating the family from the suite's instructions measurement ("
            << suite_measurement(state) << ")" << std::endl;
  return suite_measurement(state);
}

}  // namespace perfgate::cli
