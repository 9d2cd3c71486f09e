// The example suite perfgate's quick start gates: a handful of Google Benchmark families over
// the example library. PERFGATE_EXAMPLE_SLOWDOWN=<family>:<percent> makes one do that much more
// real work on purpose (example.hpp says how, per family).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "example.hpp"

namespace {

// n log n: `percent / 100` extra sorts per iteration.
void BM_SortInts(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<int> input = example::shuffled_ints(n, 42);
  example::InjectedSlowdown slowdown("BM_SortInts");
  std::vector<int> values;
  for (auto _ : state) {
    for (int r = 1 + slowdown.extra_repetitions(); r > 0; --r) {
      values = input;
      example::sort_values(values);
      benchmark::DoNotOptimize(values.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SortInts)->Arg(1 << 10)->Arg(1 << 14);

// Linear in the bytes hashed: an injected slowdown hashes `percent` % more of them.
void BM_Fnv1a(benchmark::State& state) {
  example::InjectedSlowdown slowdown("BM_Fnv1a");
  const std::string data(slowdown.scaled(static_cast<std::size_t>(state.range(0))), 'x');
  for (auto _ : state) {
    benchmark::DoNotOptimize(example::fnv1a(data));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Fnv1a)->Arg(4096);

// Linear in the fields parsed: an injected slowdown parses a line with `percent` % more fields.
void BM_ParseCsvLine(benchmark::State& state) {
  example::InjectedSlowdown slowdown("BM_ParseCsvLine");
  const std::string line = example::csv_line(slowdown.scaled(64), 7);
  std::vector<long> fields;
  std::size_t malformed = 0;
  for (auto _ : state) {
    malformed += example::parse_csv_line(line, fields);
    benchmark::DoNotOptimize(fields.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
  // Gated by a zero-only rule: a malformed field in a well-formed line is a bug.
  state.counters["errors"] = static_cast<double>(malformed);
}
BENCHMARK(BM_ParseCsvLine);

// Linear in the words counted: an injected slowdown counts `percent` % more of them.
void BM_CountWords(benchmark::State& state) {
  example::InjectedSlowdown slowdown("BM_CountWords");
  const std::string text = example::words_text(slowdown.scaled(2000), 300, 3);
  for (auto _ : state) {
    benchmark::DoNotOptimize(example::count_distinct_words(text));
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(BM_CountWords);

}  // namespace

BENCHMARK_MAIN();
