// The counting global operator new and delete of perfgate::slo_heap, and HeapProbe
// (include/perfgate/slo/heap.hpp). Allocation goes to malloc / aligned_alloc as libstdc++ does;
// a block's size is read back with malloc_usable_size where the C library has it, so that delete
// can subtract what new added.
#include <perfgate/slo/heap.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>

#if defined(__GLIBC__)
#include <malloc.h>
#define PERFGATE_SLO_USABLE_SIZE(pointer) malloc_usable_size(pointer)
#endif

namespace perfgate::slo {
namespace {

thread_local HeapCounts t_counts;
std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

std::size_t block_size(void* pointer, std::size_t requested) noexcept {
#if defined(PERFGATE_SLO_USABLE_SIZE)
  (void)requested;
  return PERFGATE_SLO_USABLE_SIZE(pointer);
#else
  (void)pointer;
  return requested;
#endif
}

void note_allocation(void* pointer, std::size_t requested) noexcept {
  if (pointer == nullptr) {
    return;
  }
  const auto size = static_cast<std::int64_t>(block_size(pointer, requested));
  ++t_counts.allocations;
  t_counts.bytes += static_cast<std::uint64_t>(size);
  const std::int64_t live = g_live.fetch_add(size, std::memory_order_relaxed) + size;
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}

void note_release(void* pointer) noexcept {
#if defined(PERFGATE_SLO_USABLE_SIZE)
  if (pointer != nullptr) {
    g_live.fetch_sub(static_cast<std::int64_t>(PERFGATE_SLO_USABLE_SIZE(pointer)),
                     std::memory_order_relaxed);
  }
#else
  (void)pointer;  // without the block's size, live bytes only grow: the peak is an upper bound
#endif
}

void* allocate(std::size_t size) noexcept {
  void* pointer = std::malloc(size == 0 ? 1 : size);
  note_allocation(pointer, size);
  return pointer;
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) noexcept {
  const auto align = std::max(static_cast<std::size_t>(alignment), sizeof(void*));
  void* pointer = nullptr;
  if (posix_memalign(&pointer, align, size == 0 ? 1 : size) != 0) {
    return nullptr;
  }
  note_allocation(pointer, size);
  return pointer;
}

void release(void* pointer) noexcept {
  note_release(pointer);
  std::free(pointer);
}

// The pool of one run's probes (threads hand over as in benchmark.cpp).
struct HeapPool {
  int constructed = 0;
  std::int64_t live_at_start = 0;
  HeapCounts counts;
  std::uint64_t iterations = 0;
  int submitted = 0;
};

std::mutex& pool_mutex() {
  static std::mutex mutex;
  return mutex;
}

HeapPool& pool() {
  static HeapPool pool;
  return pool;
}

void set_counter(benchmark::State& state, const char* key, double value) {
  state.counters[key] = benchmark::Counter(value);
}

}  // namespace

HeapCounts thread_heap_counts() noexcept {
  return t_counts;
}

std::int64_t live_heap_bytes() noexcept {
  return g_live.load(std::memory_order_relaxed);
}

HeapProbe::HeapProbe(benchmark::State& state) : m_state(state) {
  {
    const std::lock_guard<std::mutex> lock(pool_mutex());
    HeapPool& run = pool();
    if (run.constructed++ == 0) {
      run.live_at_start = live_heap_bytes();
      g_peak.store(run.live_at_start, std::memory_order_relaxed);
    }
  }
  m_start = thread_heap_counts();
}

HeapProbe::~HeapProbe() {
  if (!m_published) {
    publish();
  }
}

void HeapProbe::publish() {
  if (m_published) {
    return;
  }
  m_published = true;
  const HeapCounts end = thread_heap_counts();
  const std::lock_guard<std::mutex> lock(pool_mutex());
  HeapPool& run = pool();
  run.counts.allocations += end.allocations - m_start.allocations;
  run.counts.bytes += end.bytes - m_start.bytes;
  run.iterations += static_cast<std::uint64_t>(m_state.iterations());
  if (++run.submitted < run.constructed) {
    return;
  }
  const double iterations = run.iterations == 0 ? 1.0 : static_cast<double>(run.iterations);
  set_counter(m_state, "heap_allocs_per_op",
              static_cast<double>(run.counts.allocations) / iterations);
  set_counter(m_state, "heap_bytes_per_op", static_cast<double>(run.counts.bytes) / iterations);
  set_counter(m_state, "heap_peak_bytes",
              static_cast<double>(g_peak.load(std::memory_order_relaxed) - run.live_at_start));
  set_counter(m_state, "heap_growth_bytes",
              static_cast<double>(live_heap_bytes() - run.live_at_start));
  run = HeapPool{};
}

}  // namespace perfgate::slo

// --- The replaced operators (every form the standard lets a program replace) -------------------

void* operator new(std::size_t size) {
  void* pointer = perfgate::slo::allocate(size);
  if (pointer == nullptr) {
    throw std::bad_alloc();
  }
  return pointer;
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return perfgate::slo::allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return perfgate::slo::allocate(size);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  void* pointer = perfgate::slo::allocate_aligned(size, alignment);
  if (pointer == nullptr) {
    throw std::bad_alloc();
  }
  return pointer;
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return ::operator new(size, alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return perfgate::slo::allocate_aligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return perfgate::slo::allocate_aligned(size, alignment);
}

void operator delete(void* pointer) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete[](void* pointer) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete[](void* pointer, std::size_t) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete(void* pointer, const std::nothrow_t&) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete[](void* pointer, const std::nothrow_t&) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete(void* pointer, std::align_val_t) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete[](void* pointer, std::align_val_t) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  perfgate::slo::release(pointer);
}
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  perfgate::slo::release(pointer);
}
