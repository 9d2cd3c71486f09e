// libFuzzer target of parse_series_csv: the series table (CSV) of `perfgate changes`
// (docs/fuzzing.md).
#include <perfgate/changes.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_series_csv(text, "fuzz/series.csv"),
                                      "parse_series_csv");
  return 0;
}
