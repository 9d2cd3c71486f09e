// libFuzzer target of parse_report_facts: what `perfgate readiness` reads of a report.json
// (suite, test, commit, sources, waivers; docs/fuzzing.md).
#include <perfgate/readiness.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_report_facts(text, "fuzz/report.json"),
                                      "parse_report_facts");
  return 0;
}
