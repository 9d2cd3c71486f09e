// The change-point harness (issue 11, docs/history.md "Change points"): seeded simulations of
// wall-time series (lognormal noise, ~2 % outliers x1.5-3) that measure, at the default options,
// the share of A/A series with any change point, where single and paired outliers land, how
// often and how precisely steps are found, and whether creeps come out as creeps. Prints the
// table and exits 1 when a bound is broken. Deterministic: std::mt19937_64 with a fixed seed.
//
//   perfgate_changes_harness [--series N]   (default 1000 series per scenario)
#include <perfgate/changes.hpp>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

using perfgate::ChangePoint;
using perfgate::SeriesChanges;

struct Noise {
  double sigma = 0.05;         // of the log of the value
  double outlier_rate = 0.02;  // share of points multiplied by U(1.5, 3)
};

std::vector<double> noisy_series(std::size_t n, const Noise& noise, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, noise.sigma);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_real_distribution<double> outlier(1.5, 3.0);
  std::vector<double> values(n);
  for (double& value : values) {
    value = 100.0 * std::exp(normal(rng));
    if (unit(rng) < noise.outlier_rate) {
      value *= outlier(rng);
    }
  }
  return values;
}

bool any_change(const SeriesChanges& changes) {
  return !changes.change_points.empty() || !changes.creeps.empty();
}

// A change point within `radius` of `index`.
bool change_near(const SeriesChanges& changes, std::size_t index, std::size_t radius) {
  for (const ChangePoint& point : changes.change_points) {
    const std::size_t distance = point.index > index ? point.index - index : index - point.index;
    if (distance <= radius) {
      return true;
    }
  }
  return false;
}

struct Bounds {
  bool ok = true;
  void check(bool condition, const std::string& what) {
    if (!condition) {
      std::cout << "BOUND BROKEN: " << what << '\n';
      ok = false;
    }
  }
};

double percent(std::size_t count, std::size_t total) {
  return 100.0 * static_cast<double>(count) / static_cast<double>(total);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t series = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--series" && i + 1 < argc) {
      series = static_cast<std::size_t>(std::stoul(argv[++i]));
    } else {
      std::cerr << "usage: perfgate_changes_harness [--series N]\n";
      return 2;
    }
  }
  std::mt19937_64 rng(20261207);
  Bounds bounds;
  std::cout << std::fixed << std::setprecision(1);
  const std::size_t n = 100;

  // A/A: no change at all.
  for (const double sigma : {0.05, 0.1}) {
    std::size_t flagged = 0;
    for (std::size_t s = 0; s < series; ++s) {
      const auto values = noisy_series(n, {sigma, 0.02}, rng);
      flagged += any_change(perfgate::find_changes(values)) ? 1U : 0U;
    }
    std::cout << "A/A sigma " << std::defaultfloat << sigma << std::fixed << ": " << flagged
              << " of " << series << " series with a change point or creep ("
              << percent(flagged, series) << "%)\n";
    bounds.check(flagged * 100 <= series, "A/A false positives above 1%");
  }

  // One outlier (x1.5-3) or a pair of them, anywhere, in clean noise: never a change point there.
  for (const std::size_t count : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    std::size_t near = 0;
    std::size_t flagged = 0;
    std::uniform_int_distribution<std::size_t> where(0, n - count);
    std::uniform_real_distribution<double> size(1.5, 3.0);
    for (std::size_t s = 0; s < series; ++s) {
      auto values = noisy_series(n, {0.05, 0.0}, rng);
      const std::size_t at = where(rng);
      const double factor = size(rng);
      for (std::size_t k = 0; k < count; ++k) {
        values[at + k] *= factor;
      }
      const auto changes = perfgate::find_changes(values);
      near += change_near(changes, at, 4) || change_near(changes, at + count, 4) ? 1U : 0U;
      flagged += any_change(changes) ? 1U : 0U;
    }
    std::cout << count << " adjacent outlier(s): a change point next to them in " << near << " of "
              << series << " series; any change in " << flagged << '\n';
    if (count <= 2) {
      bounds.check(near == 0, "an outlier (or a pair) became a change point");
    }
  }

  // Steps at a random index in [15, 85] with the outliers of the A/A series.
  for (const double sigma : {0.05, 0.1}) {
    for (const double step : {0.05, 0.10, 0.20}) {
      std::size_t exact = 0;
      std::size_t within_one = 0;
      std::size_t found = 0;
      std::size_t as_creep = 0;
      std::uniform_int_distribution<std::size_t> where(15, 85);
      for (std::size_t s = 0; s < series; ++s) {
        auto values = noisy_series(n, {sigma, 0.02}, rng);
        const std::size_t at = where(rng);
        for (std::size_t i = at; i < n; ++i) {
          values[i] *= 1.0 + step;
        }
        const auto changes = perfgate::find_changes(values);
        found += change_near(changes, at, 5) ? 1U : 0U;
        within_one += change_near(changes, at, 1) ? 1U : 0U;
        exact += change_near(changes, at, 0) ? 1U : 0U;
        as_creep += changes.creeps.empty() ? 0U : 1U;
      }
      std::cout << "step +" << step * 100 << "% sigma " << std::defaultfloat << sigma << std::fixed
                << ": found (+-5) " << percent(found, series) << "%, at +-1 "
                << percent(within_one, series) << "%, exact " << percent(exact, series)
                << "%, reported as a creep " << percent(as_creep, series) << "%\n";
      if (step >= 0.2 && sigma <= 0.05) {
        bounds.check(within_one * 100 >= series * 90, "a +20% step found at +-1 in under 90%");
      }
      if (step / sigma >= 2.0) {
        bounds.check(found * 100 >= series * 85, "a step of 2 sigma or more found in under 85%");
        bounds.check(as_creep * 100 <= series * 3, "a step reported as a creep in over 3%");
      }
    }
  }

  // Creeps of 0.5 % per run over 30 points (in the middle of 100) and over all 100 points.
  for (const double sigma : {0.02, 0.05}) {
    for (const std::size_t length : {std::size_t{30}, std::size_t{100}}) {
      std::size_t creeps = 0;
      std::size_t steps_only = 0;
      std::size_t nothing = 0;
      const std::size_t first = length == n ? 0 : 35;
      for (std::size_t s = 0; s < series; ++s) {
        auto values = noisy_series(n, {sigma, 0.02}, rng);
        for (std::size_t i = first; i < n; ++i) {
          const std::size_t steps = std::min(i - first, length - 1);
          values[i] *= 1.0 + 0.005 * static_cast<double>(steps);
        }
        const auto changes = perfgate::find_changes(values);
        bool one_creep = changes.creeps.size() == 1;
        for (const ChangePoint& point : changes.change_points) {
          one_creep = one_creep && (point.index < first || point.index > first + length);
        }
        creeps += one_creep ? 1U : 0U;
        steps_only += changes.creeps.empty() && !changes.change_points.empty() ? 1U : 0U;
        nothing += any_change(changes) ? 0U : 1U;
      }
      std::cout << "creep 0.5%/run over " << length << " points sigma " << std::defaultfloat
                << sigma << std::fixed << ": one creep " << percent(creeps, series)
                << "%, steps only " << percent(steps_only, series) << "%, nothing "
                << percent(nothing, series) << "%\n";
      if (sigma <= 0.02) {
        bounds.check(creeps * 100 >= series * 90, "a creep reported as one creep in under 90%");
      }
    }
  }
  std::cout << (bounds.ok ? "all bounds hold\n" : "a bound is broken\n");
  return bounds.ok ? 0U : 1U;
}
