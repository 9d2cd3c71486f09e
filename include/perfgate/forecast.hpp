// Forecasting a gate from a baseline: which relative rules the noise recorded in a baseline lets
// the gate decide at a given number of repetitions, and what would make the others decidable.
// Pure: the caller passes in what it read.
#pragma once

#include <perfgate/evaluate.hpp>
#include <perfgate/model.hpp>
#include <perfgate/policy.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace perfgate {

struct ForecastItem {
  std::string benchmark;
  std::string metric;
  std::string rule;
  bool decidable = false;
  // The smallest number of candidate repetitions per run (up to 1000) at which an unchanged
  // candidate would be decided; 0 when none is enough (the baseline's own repetitions or its
  // noise limit the comparison: record the baseline with more repetitions, widen the limit, or
  // use the paired or instructions lane).
  std::size_t repetitions_needed = 0;
  std::string note;  // the decision step's own words for the forecast repetitions
};

struct Forecast {
  std::size_t repetitions = 0;  // candidate repetitions the forecast is for
  std::size_t family_size = 0;
  std::vector<ForecastItem> items;  // the relative rules decided by statistics, in report order
  [[nodiscard]] std::size_t undecidable() const;
};

// A candidate exactly like the baseline in location and noise: per benchmark and metric,
// `repetitions` values whose log mean and log standard deviation are the baseline's (normal
// scores, rescaled). Metrics with fewer than 2 baseline samples are copied as they are.
RunSet typical_candidate(const RunSet& baseline, std::size_t repetitions);

// Runs the decision step on typical_candidate(baseline, repetitions): every comparison that it
// leaves `noisy` would be inconclusive even when nothing changed. For those, the repetitions that
// would make it decidable are searched by running the step again with more.
Forecast forecast(const RunSet& baseline, const Policy& policy, std::size_t repetitions,
                  const EvaluateOptions& options = {});

}  // namespace perfgate
