// The example library that perfgate's quick start gates: a few small, real routines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace example {

// Sorts `values` ascending (introsort).
void sort_values(std::vector<int>& values);

// FNV-1a, 64 bit, over the bytes of `data`.
std::uint64_t fnv1a(std::string_view data);

// Parses a line of comma-separated decimal integers; returns how many fields were malformed.
std::size_t parse_csv_line(std::string_view line, std::vector<long>& out);

// Number of distinct whitespace-separated words in `text`.
std::size_t count_distinct_words(std::string_view text);

// Deterministic pseudo-random inputs (no global state, no clock).
std::vector<int> shuffled_ints(std::size_t n, std::uint32_t seed);
std::string csv_line(std::size_t fields, std::uint32_t seed);
std::string words_text(std::size_t words, std::size_t vocabulary, std::uint32_t seed);

// The fault-injection switch of the example: PERFGATE_EXAMPLE_SLOWDOWN names benchmark families
// and how much more work they should do, e.g. "BM_SortInts:200" (3x as much work) or
// "BM_SortInts:200,BM_Fnv1a:1" or "*:100"; a percentage may have decimals ("BM_CountWords:0.5"),
// e.g. to inject a creep of 0.5 % per run (tests/stats/history_example.cmake). The compile definition PERFGATE_EXAMPLE_EXTRA_WORK
// (same syntax; the CMake cache variable of the same name, and the target bm_example_plus1 with
// "BM_Fnv1a:1") builds the extra work into the program; both add up.
//
// An injected slowdown is real work, in proportion, so that instruction counts (the
// deterministic lane) rise by the injected percentage too:
//  - the families whose work is linear in their input (BM_Fnv1a, BM_ParseCsvLine, BM_CountWords)
//    process an input that is `percent` % larger, rounded up: BM_Fnv1a:1 hashes 4137 bytes
//    instead of 4096 (+41/4096 = +1.0009765625 %) in every iteration;
//  - BM_SortInts (n log n) repeats its sort `percent / 100` extra times per iteration (whole per
//    cents: a fraction is dropped), exact for whole multiples of 100 (a remainder is spread as
//    occasional extra sorts, which the per-iteration instruction count of the deterministic lane
//    sees only roughly).
class InjectedSlowdown {
 public:
  explicit InjectedSlowdown(std::string_view family);
  // The percentage configured for this family (0 when none).
  double percent() const { return m_percent; }
  // `size` grown by percent() %, rounded up (the input of a linear-work benchmark).
  std::size_t scaled(std::size_t size) const;
  // How many extra repetitions of the operation to do in this iteration.
  int extra_repetitions();

 private:
  double m_percent = 0;
  // BM_SortInts repeats whole sorts: whole per cents only, in integers, so that its per-iteration
  // instruction count is the committed baseline's (a double here costs one instruction more).
  int m_whole_percent = 0;
  int m_debt = 0;  // in hundredths of a repetition
};

// The percentage `spec` (the variable's value) gives `family`; 0 when it names it not.
double slowdown_percent(std::string_view spec, std::string_view family);

}  // namespace example
