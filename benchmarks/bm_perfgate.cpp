// perfgate's own benchmarks: the cost of reading, deciding and rendering, on generated Google
// Benchmark output of 10, 100, 2 000 and 20 000 benchmarks x 10 repetitions (with the mean,
// median, stddev and cv rows the library adds). items_per_second counts benchmarks handled per
// second, so linear growth shows as a flat rate across the sizes. The size 10 is what the
// instructions lane gates (under callgrind every benchmark runs 111 iterations at ~50x slowdown);
// the wall-time lane gates 100 and 2 000 (benchmarks/CMakeLists.txt).
#include <perfgate/evaluate.hpp>
#include <perfgate/parse.hpp>
#include <perfgate/render.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>

namespace {

constexpr int k_repetitions = 10;

// A deterministic stand-in for Google Benchmark 1.7 JSON output; `drift` scales every time, so a
// candidate differs from its baseline the way a real one does.
std::string generate(int benchmarks, double drift, std::uint64_t seed) {
  std::uint64_t state = seed;
  const auto noise = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return 1.0 + static_cast<double>(state >> 40) / static_cast<double>(1ULL << 24) * 0.04;
  };
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << R"({"context": {"date": "2026-11-22T10:00:00+00:00", "host_name": "generator",
  "executable": "./bm_generated", "num_cpus": 2, "mhz_per_cpu": 2000, "cpu_scaling_enabled": false,
  "caches": [], "load_avg": [0.1, 0.1, 0.1], "library_build_type": "release"},
  "benchmarks": [)";
  bool first = true;
  for (int b = 0; b < benchmarks; ++b) {
    const std::string name = "BM_generated_" + std::to_string(b % 97) + "/" + std::to_string(b);
    const double base = 100.0 + static_cast<double>(b % 1000) * 3.0;
    double sum = 0;
    for (int r = 0; r < k_repetitions; ++r) {
      const double time = base * drift * noise();
      sum += time;
      out << (first ? "" : ",") << "\n{\"name\": \"" << name << "\", \"family_index\": " << b % 97
          << ", \"per_family_instance_index\": " << b / 97 << ", \"run_name\": \"" << name
          << "\", \"run_type\": \"iteration\", \"repetitions\": " << k_repetitions
          << ", \"repetition_index\": " << r
          << ", \"threads\": 1, \"iterations\": 100000, \"real_time\": " << time
          << ", \"cpu_time\": " << time * 0.99 << ", \"time_unit\": \"ns\", \"items_per_second\": "
          << 1e9 / time << "}";
      first = false;
    }
    const double mean = sum / k_repetitions;
    for (const char* aggregate : {"mean", "median", "stddev", "cv"}) {
      const std::string kind(aggregate);
      const double value = kind == "stddev" ? mean * 0.01 : kind == "cv" ? 0.01 : mean;
      out << ",\n{\"name\": \"" << name << "_" << kind << "\", \"family_index\": " << b % 97
          << ", \"per_family_instance_index\": " << b / 97 << ", \"run_name\": \"" << name
          << "\", \"run_type\": \"aggregate\", \"repetitions\": " << k_repetitions
          << ", \"threads\": 1, \"aggregate_name\": \"" << kind << "\", \"aggregate_unit\": \""
          << (kind == "cv" ? "percentage" : "time") << "\", \"iterations\": " << k_repetitions
          << ", \"real_time\": " << value << ", \"cpu_time\": " << value
          << ", \"time_unit\": \"ns\"}";
    }
  }
  out << "\n]}\n";
  return out.str();
}

struct Inputs {
  std::string baseline_text;
  std::string candidate_text;
  perfgate::RunSet baseline;
  perfgate::RunSet candidate;
  perfgate::GateResult result;
};

const Inputs& inputs(int benchmarks) {
  static std::map<int, Inputs> cache;
  auto [it, added] = cache.try_emplace(benchmarks);
  if (added) {
    Inputs& in = it->second;
    in.baseline_text = generate(benchmarks, 1.0, 1);
    in.candidate_text = generate(benchmarks, 1.03, 2);
    in.baseline = *perfgate::parse_gbench(in.baseline_text, "baseline.json");
    in.candidate = *perfgate::parse_gbench(in.candidate_text, "candidate.json");
    in.result = perfgate::evaluate(in.baseline, in.candidate, perfgate::default_policy());
  }
  return it->second;
}

void render_all(const perfgate::GateResult& result, benchmark::State& state) {
  for (const auto format : {perfgate::Format::text, perfgate::Format::json, perfgate::Format::csv,
                            perfgate::Format::markdown, perfgate::Format::junit,
                            perfgate::Format::html}) {
    std::ostringstream out;
    perfgate::render(result, format, out, {});
    if (out.str().empty()) {
      state.SkipWithError("a renderer wrote nothing");
    }
  }
}

void BM_read(benchmark::State& state) {
  const Inputs& in = inputs(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto runs = perfgate::parse_gbench(in.candidate_text, "candidate.json");
    if (!runs) {
      state.SkipWithError("the generated input did not parse");
      break;
    }
    benchmark::DoNotOptimize(runs->benchmarks.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.candidate_text.size()));
}
BENCHMARK(BM_read)->Arg(10)->Arg(100)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_decide(benchmark::State& state) {
  const Inputs& in = inputs(static_cast<int>(state.range(0)));
  const perfgate::Policy policy = perfgate::default_policy();
  for (auto _ : state) {
    auto result = perfgate::evaluate(in.baseline, in.candidate, policy);
    benchmark::DoNotOptimize(result.decisions.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_decide)->Arg(10)->Arg(100)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_render(benchmark::State& state) {
  const Inputs& in = inputs(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    render_all(in.result, state);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_render)->Arg(10)->Arg(100)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// What `perfgate compare` does after reading the files: parse both, decide, render every format.
void BM_pipeline(benchmark::State& state) {
  const Inputs& in = inputs(static_cast<int>(state.range(0)));
  const perfgate::Policy policy = perfgate::default_policy();
  for (auto _ : state) {
    auto baseline = perfgate::parse_gbench(in.baseline_text, "baseline.json");
    auto candidate = perfgate::parse_gbench(in.candidate_text, "candidate.json");
    if (!baseline || !candidate) {
      state.SkipWithError("the generated input did not parse");
      break;
    }
    const auto result = perfgate::evaluate(*baseline, *candidate, policy);
    render_all(result, state);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_pipeline)->Arg(10)->Arg(100)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
