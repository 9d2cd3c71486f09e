// libFuzzer target of parse_run_record: an artifact folder's run.json ("perfgate.run/2"), read
// by `perfgate report` (docs/fuzzing.md).
#include <perfgate/summary.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_run_record(text, "fuzz/run.json"),
                                      "parse_run_record");
  return 0;
}
