// Benchmark names in the order people read them: runs of digits compare as numbers, so
// "BM_copy/8" comes before "BM_copy/128" and "threads:2" before "threads:16".
#pragma once

#include <string_view>

namespace perfgate {

// A strict total order: every run of ASCII digits compares by its value (leading zeros aside),
// every other byte by its value; names equal that way ("/08" and "/8") fall back to byte order.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace perfgate
