// libFuzzer target of parse_policy: "perfgate.policy/1" (docs/fuzzing.md).
#include <perfgate/parse.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_policy(text, "fuzz/policy.json"),
                                      "parse_policy");
  return 0;
}
