// Forecasting a gate from a baseline (include/perfgate/forecast.hpp). It asks the decision step
// itself, on a candidate that is the baseline's typical run, so the forecast can never disagree
// with what a gate would decide.
#include <perfgate/forecast.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include <boost/math/distributions/normal.hpp>

namespace perfgate {

std::size_t Forecast::undecidable() const {
  return static_cast<std::size_t>(std::count_if(
      items.begin(), items.end(), [](const ForecastItem& item) { return !item.decidable; }));
}

namespace {

// Normal scores of n values, rescaled to mean 0 and sample standard deviation 1.
std::vector<double> unit_scores(std::size_t n) {
  std::vector<double> z;
  const boost::math::normal_distribution<double> normal;
  for (std::size_t i = 0; i < n; ++i) {
    z.push_back(boost::math::quantile(normal, (static_cast<double>(i) + 0.5) /
                                                  static_cast<double>(n)));
  }
  if (n < 2) {
    return std::vector<double>(n, 0.0);
  }
  double squares = 0.0;
  for (const double v : z) {
    squares += v * v;
  }
  const double sd = std::sqrt(squares / static_cast<double>(n - 1));
  for (double& v : z) {
    v /= sd;
  }
  return z;
}

}  // namespace

RunSet typical_candidate(const RunSet& baseline, std::size_t repetitions) {
  RunSet candidate = baseline;
  candidate.source = baseline.source + " (typical run)";
  const std::vector<double> scores = unit_scores(std::max<std::size_t>(repetitions, 1));
  for (Benchmark& benchmark : candidate.benchmarks) {
    for (MetricSeries& series : benchmark.metrics) {
      const auto& samples = series.samples;
      const bool positive = std::all_of(samples.begin(), samples.end(),
                                        [](double v) { return v > 0 && std::isfinite(v); });
      if (samples.size() < 2 || !positive) {
        continue;
      }
      std::vector<double> logs;
      for (const double v : samples) {
        logs.push_back(std::log(v));
      }
      const double mean = std::accumulate(logs.begin(), logs.end(), 0.0) /
                          static_cast<double>(logs.size());
      double squares = 0.0;
      for (const double v : logs) {
        squares += (v - mean) * (v - mean);
      }
      const double sd = std::sqrt(squares / static_cast<double>(logs.size() - 1));
      series.samples.clear();
      series.groups.clear();
      for (const double z : scores) {
        series.samples.push_back(std::exp(mean + sd * z));
      }
    }
  }
  return candidate;
}

Forecast forecast(const RunSet& baseline, const Policy& policy, std::size_t repetitions,
                  const EvaluateOptions& options) {
  Forecast out;
  out.repetitions = repetitions;
  const auto noisy_at = [&](std::size_t n) {
    std::map<std::pair<std::string, std::string>, bool> noisy;  // (benchmark, rule) -> noisy
    const GateResult result = evaluate(baseline, typical_candidate(baseline, n), policy, options);
    for (const Decision& d : result.decisions) {
      if (d.kind == RuleKind::relative && !d.method.empty() && d.method != "point-estimate" &&
          d.method != "exact") {
        noisy[{d.benchmark, d.rule}] = d.verdict == Verdict::noisy;
      }
    }
    return std::make_pair(result, noisy);
  };
  const auto [result, noisy] = noisy_at(repetitions);
  out.family_size = result.family_size;
  std::vector<std::size_t> larger;
  for (std::size_t n = std::max<std::size_t>(repetitions, 1) * 2; n <= 1000; n *= 2) {
    larger.push_back(n);
  }
  std::map<std::pair<std::string, std::string>, std::size_t> needed;
  bool any_noisy = std::any_of(noisy.begin(), noisy.end(), [](const auto& e) { return e.second; });
  for (const std::size_t n : larger) {
    if (!any_noisy) {
      break;
    }
    const auto [unused, at_n] = noisy_at(n);
    any_noisy = false;
    for (const auto& [key, was_noisy] : noisy) {
      if (!was_noisy || needed.count(key) > 0) {
        continue;
      }
      const auto it = at_n.find(key);
      if (it != at_n.end() && !it->second) {
        needed[key] = n;
      } else {
        any_noisy = true;
      }
    }
  }
  for (const Decision& d : result.decisions) {
    const auto it = noisy.find({d.benchmark, d.rule});
    if (it == noisy.end()) {
      continue;
    }
    ForecastItem& item = out.items.emplace_back();
    item.benchmark = d.benchmark;
    item.metric = d.metric;
    item.rule = d.rule;
    item.decidable = !it->second;
    const auto n = needed.find(it->first);
    item.repetitions_needed = item.decidable ? repetitions : (n == needed.end() ? 0 : n->second);
    item.note = item.decidable ? std::string() : d.note;
  }
  return out;
}

}  // namespace perfgate
