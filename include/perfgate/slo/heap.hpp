// Heap allocations per operation and the peak of live heap bytes during a benchmark run, counted
// by replacing the global operator new and delete (docs/slo.md, "Memory").
//
// Only a program that links perfgate::slo_heap has the counting operators; the rest of
// perfgate::slo never changes how a program allocates. Counting costs two thread-local additions
// per allocation and, for the peak, an atomic update of the process's live bytes.
//
//   static void BM_request(benchmark::State& state) {
//     perfgate::slo::HeapProbe heap(state);
//     for (auto _ : state) { serve_one(); }
//     heap.publish();  // heap_allocs_per_op, heap_bytes_per_op, heap_peak_bytes, heap_growth_bytes
//   }
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace perfgate::slo {

// What this thread has allocated since it started (operator new of any form; sizes as the
// allocator rounds them where it says so, else as requested).
struct HeapCounts {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
};
HeapCounts thread_heap_counts() noexcept;
// The live heap bytes of the process (allocated and not yet freed through operator delete).
std::int64_t live_heap_bytes() noexcept;

// Counts the allocations of one thread over a run, pooled over the run's threads like the other
// recorders (benchmark.hpp). The first probe of a run resets the process's peak of live bytes to
// the live bytes of that moment. Counters: heap_allocs_per_op and heap_bytes_per_op (per
// iteration, summed over threads), heap_peak_bytes (the peak of live bytes above the run's start)
// and heap_growth_bytes (live bytes at the end above the start: what the run kept, e.g. a leak).
class HeapProbe {
 public:
  explicit HeapProbe(benchmark::State& state);
  HeapProbe(const HeapProbe&) = delete;
  HeapProbe& operator=(const HeapProbe&) = delete;
  ~HeapProbe();

  void publish();

 private:
  benchmark::State& m_state;
  HeapCounts m_start;
  bool m_published = false;
};

}  // namespace perfgate::slo
