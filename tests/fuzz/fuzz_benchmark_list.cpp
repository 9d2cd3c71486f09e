// libFuzzer target of parse_benchmark_list: the `--benchmark_list_tests` listing that discovery
// reads (docs/fuzzing.md).
#include <perfgate/discover.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = perfgate::fuzz::text_of(data, size);
  perfgate::fuzz::require_fail_closed(perfgate::parse_benchmark_list(text, "fuzz/bm_list"),
                                      "parse_benchmark_list");
  return 0;
}
