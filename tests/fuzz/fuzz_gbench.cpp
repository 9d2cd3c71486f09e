// libFuzzer target of parse_gbench: Google Benchmark JSON, through the streaming (SAX) document
// layer, the only path the library has (docs/fuzzing.md).
#include <perfgate/parse.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_gbench(text, "fuzz/gbench.json"),
                                      "parse_gbench");
  return 0;
}
