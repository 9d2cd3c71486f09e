// Thirty tiny benchmark families of about 1 000 instructions per iteration each: the shape of a
// real suite whose instructions lane used to be dominated by valgrind's start-up (issue 10).
// tests/timing/instructions_lane_timing.cmake measures it both ways (docs/lanes.md, "One
// measurement per suite"); nothing gates it.
#include <benchmark/benchmark.h>

#include <cstdint>

namespace {

// About 8 instructions per step; `Seed` makes each family's code and constants its own.
template <std::uint32_t Seed>
void BM_Tiny(benchmark::State& state) {
  std::uint32_t value = Seed;
  for (auto _ : state) {
    for (int step = 0; step < 120; ++step) {
      value = value * 1664525U + 1013904223U + Seed;
      value ^= value >> 13;
      benchmark::DoNotOptimize(value);
    }
  }
}

#define PERFGATE_TINY(n) BENCHMARK_TEMPLATE(BM_Tiny, n)->Name("BM_Tiny" #n)
PERFGATE_TINY(1); PERFGATE_TINY(2); PERFGATE_TINY(3); PERFGATE_TINY(4); PERFGATE_TINY(5);
PERFGATE_TINY(6); PERFGATE_TINY(7); PERFGATE_TINY(8); PERFGATE_TINY(9); PERFGATE_TINY(10);
PERFGATE_TINY(11); PERFGATE_TINY(12); PERFGATE_TINY(13); PERFGATE_TINY(14); PERFGATE_TINY(15);
PERFGATE_TINY(16); PERFGATE_TINY(17); PERFGATE_TINY(18); PERFGATE_TINY(19); PERFGATE_TINY(20);
PERFGATE_TINY(21); PERFGATE_TINY(22); PERFGATE_TINY(23); PERFGATE_TINY(24); PERFGATE_TINY(25);
PERFGATE_TINY(26); PERFGATE_TINY(27); PERFGATE_TINY(28); PERFGATE_TINY(29); PERFGATE_TINY(30);

}  // namespace

BENCHMARK_MAIN();
