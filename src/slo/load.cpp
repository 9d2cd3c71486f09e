// The load harness (include/perfgate/slo/load.hpp, docs/slo.md "Load harness").
#include <perfgate/slo/load.hpp>

#include <utility>

namespace perfgate::slo {

void run_load_per_worker(benchmark::State& state, const LoadOptions& options,
                         const WorkerHandlerFactory& make_handler) {
  (void)options;
  (void)make_handler;
  state.SkipWithError("perfgate::slo::run_load: not implemented yet");
}

void run_load(benchmark::State& state, const LoadOptions& options, const Handler& handler) {
  run_load_per_worker(state, options, [&handler](int) { return handler; });
}

benchmark::internal::Benchmark* register_load_per_worker(const std::string& name,
                                                         LoadOptions options,
                                                         WorkerHandlerFactory make_handler) {
  return benchmark::RegisterBenchmark(
             name.c_str(),
             [options, make_handler = std::move(make_handler)](benchmark::State& state) {
               run_load_per_worker(state, options, make_handler);
             })
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

benchmark::internal::Benchmark* register_load(const std::string& name, LoadOptions options,
                                              Handler handler) {
  return register_load_per_worker(
      name, options, [handler = std::move(handler)](int) { return handler; });
}

}  // namespace perfgate::slo
