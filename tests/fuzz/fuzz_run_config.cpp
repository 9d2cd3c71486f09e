// libFuzzer target of parse_run_config: "perfgate.run-config/1", written by the CMake module
// and read by `perfgate run` (docs/fuzzing.md).
#include <perfgate/run_config.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_run_config(text, "fuzz/run-config.json"),
                                      "parse_run_config");
  return 0;
}
