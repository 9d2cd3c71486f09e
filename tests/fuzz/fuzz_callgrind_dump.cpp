// libFuzzer target of callgrind::parse_dump: one callgrind dump, read by the instructions lane
// (docs/fuzzing.md).
#include <perfgate/callgrind.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(
      perfgate::callgrind::parse_dump(text, "fuzz/callgrind.out.1-01"), "callgrind::parse_dump");
  return 0;
}
