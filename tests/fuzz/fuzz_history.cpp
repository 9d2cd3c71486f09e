// libFuzzer target of parse_history_json: the JSON export of the history store
// ("perfgate.history/1"), what `perfgate history import` reads (docs/fuzzing.md).
#include <perfgate/history.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_history_json(text, "fuzz/history.json"),
                                      "parse_history_json");
  return 0;
}
