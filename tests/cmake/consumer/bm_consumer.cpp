// The consumer's own benchmarks: small families, one with a throughput counter, one with two
// threads, one whose instruction count moves between processes.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

namespace {

// PERFGATE_CONSUMER_FACTORS=<count file>:<f1>,<f2>,... makes the k-th process that runs
// BM_VectorPush do f<k> times its work (1 past the list); each such process adds one to the count in
// the file. The e2e test of CONFIRM runs the bootstrap at 3x, the first gate run at 27x and the
// confirmation at 1x, so that both of its verdicts rest on a large effect, never on an A/A pass.
int scheduled_factor() {
  static const int factor = [] {
    const char* spec = std::getenv("PERFGATE_CONSUMER_FACTORS");
    if (spec == nullptr) {
      return 1;
    }
    const std::string text(spec);
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return 1;
    }
    const std::string file = text.substr(0, colon);
    int count = 0;
    std::ifstream(file) >> count;
    ++count;
    std::ofstream(file, std::ios::trunc) << count;
    std::size_t at = colon + 1;
    for (int k = 1; at != std::string::npos && at < text.size(); ++k) {
      const std::size_t comma = text.find(',', at);
      if (k == count) {
        const int f = std::atoi(text.c_str() + at);
        return f > 1 ? f : 1;
      }
      at = comma == std::string::npos ? comma : comma + 1;
    }
    return 1;
  }();
  return factor;
}

// PERFGATE_CONSUMER_SLOWDOWN=<family>:<factor> makes that family do <factor> times its work: the
// e2e tests inject an 8x work factor (3x slower or more as measured: the work does not scale
// linearly) into the candidate, and the reference runs do without it (BASELINE_UNSET_ENV).
int slowdown_factor(const char* family) {
  const char* spec = std::getenv("PERFGATE_CONSUMER_SLOWDOWN");
  const std::size_t length = std::strlen(family);
  if (spec == nullptr || std::strncmp(spec, family, length) != 0 || spec[length] != ':') {
    return 1;
  }
  const int factor = std::atoi(spec + length + 1);
  return factor > 1 ? factor : 1;
}

void BM_Accumulate(benchmark::State& state) {
  std::vector<std::uint32_t> values(static_cast<std::size_t>(state.range(0)));
  std::iota(values.begin(), values.end(), 1U);
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::accumulate(values.begin(), values.end(), std::uint64_t{0}));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Accumulate)->Arg(256)->Arg(4096);

void BM_VectorPush(benchmark::State& state) {
  const int factor = slowdown_factor("BM_VectorPush") * scheduled_factor();
  for (auto _ : state) {
    for (int r = 0; r < factor; ++r) {
      std::vector<int> v;
      for (int i = 0; i < 512; ++i) {
        v.push_back(i);
      }
      benchmark::DoNotOptimize(v.data());
    }
  }
}
BENCHMARK(BM_VectorPush);

// Two threads on one counter: the instructions lane measures it at least three times and reports
// it with a note (multi-threaded) or as noisy when the counts differ, never as a plain number.
void BM_SharedCounter(benchmark::State& state) {
  static std::atomic<std::uint64_t> counter{0};
  for (auto _ : state) {
    for (int i = 0; i < 64; ++i) {
      counter.fetch_add(1, std::memory_order_relaxed);
    }
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_SharedCounter)->Threads(2);

// Work that differs between processes on purpose: the first process to create the marker file in
// its working folder adds 1000 numbers per iteration, every later one 1001. The instructions lane
// measures each benchmark in two separate valgrind processes that share a fresh folder, so their
// counts always differ, and perfgate must report the benchmark noisy instead of gating it.
void BM_ProcessDependent(benchmark::State& state) {
  static const int n = [] {
    const int fd = open("bm_consumer.marker", O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd >= 0) {
      close(fd);
      return 1000;
    }
    return 1001;
  }();
  for (auto _ : state) {
    int sum = 0;
    for (int i = 0; i < n; ++i) {
      benchmark::DoNotOptimize(sum += i);
    }
  }
}
BENCHMARK(BM_ProcessDependent);

}  // namespace

BENCHMARK_MAIN();
