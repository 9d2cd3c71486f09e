// libFuzzer target of parse_report_digest: an artifact folder's report.json
// ("perfgate.report/1"), read by `perfgate report` (docs/fuzzing.md).
#include <perfgate/summary.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  // How many of the worst decisions to keep: 0 to 3, or the default (from the first byte).
  const std::size_t keeps[] = {0, 1, 3, perfgate::k_worst_per_test};
  const std::size_t keep = keeps[perfgate::fuzz::option_of(data, size, 4)];
  perfgate::fuzz::require_fail_closed(perfgate::parse_report_digest(text, "fuzz/report.json", keep),
                                      "parse_report_digest");
  return 0;
}
