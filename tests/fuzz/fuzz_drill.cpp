// libFuzzer target of parse_drill: a fault drill's result ("perfgate.drill/1"), read by
// `perfgate readiness` (docs/fuzzing.md).
#include <perfgate/readiness.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_drill(text, "fuzz/x.drill.json"),
                                      "parse_drill");
  return 0;
}
