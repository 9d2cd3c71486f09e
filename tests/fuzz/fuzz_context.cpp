// libFuzzer target of parse_context: a run-context file, "perfgate.context/1" (docs/fuzzing.md).
#include <perfgate/parse.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_context(text, "fuzz/context.json"),
                                      "parse_context");
  return 0;
}
