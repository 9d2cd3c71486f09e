// libFuzzer target of parse_results: a results file, Google Benchmark JSON or a perfgate
// baseline, told apart by its content (docs/fuzzing.md).
#include <perfgate/parse.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_results(text, "fuzz/results.json"),
                                      "parse_results");
  return 0;
}
