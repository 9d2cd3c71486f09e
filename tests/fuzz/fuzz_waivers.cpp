// libFuzzer target of parse_waivers: a waiver file ("perfgate.waivers/1", gates/waivers.json),
// with the longest span a policy may allow taken from the first byte (docs/fuzzing.md).
#include <perfgate/waiver.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  const int spans[] = {1, 30, 90, perfgate::k_default_waiver_max_days};
  const int max_days = spans[perfgate::fuzz::option_of(data, size, 4)];
  perfgate::fuzz::require_fail_closed(perfgate::parse_waivers(text, "fuzz/waivers.json", max_days),
                                      "parse_waivers");
  return 0;
}
