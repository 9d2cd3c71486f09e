// Timing of the change-point detector (issue 11): find_changes over 1 000 series x 500 points of
// lognormal noise with outliers and a few steps, as `perfgate changes` analyses them. Prints the
// total time; with --max-seconds S exits 1 when it took longer (a loose bound for CI: the machine
// is shared, and the budget of the issue is 1 s on an idle one).
//
//   perfgate_changes_timing [--series N] [--points N] [--max-seconds S]
#include <perfgate/changes.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <iostream>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::size_t series = 1000;
  std::size_t points = 500;
  double max_seconds = 0.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--series") {
      series = static_cast<std::size_t>(std::stoul(argv[i + 1]));
    } else if (arg == "--points") {
      points = static_cast<std::size_t>(std::stoul(argv[i + 1]));
    } else if (arg == "--max-seconds") {
      max_seconds = std::stod(argv[i + 1]);
    } else {
      std::cerr << "usage: perfgate_changes_timing [--series N] [--points N] [--max-seconds S]\n";
      return 2;
    }
  }
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 0.05);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_real_distribution<double> outlier(1.5, 3.0);
  std::vector<std::vector<double>> data(series, std::vector<double>(points));
  for (std::size_t s = 0; s < series; ++s) {
    double level = 100.0;
    for (std::size_t i = 0; i < points; ++i) {
      if (s % 2 == 0 && i % 125 == 100) {
        level *= 1.15;  // every other series has steps
      }
      double value = level * std::exp(normal(rng));
      if (unit(rng) < 0.02) {
        value *= outlier(rng);
      }
      data[s][i] = value;
    }
  }
  std::size_t found = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& values : data) {
    const auto changes = perfgate::find_changes(values);
    found += changes.change_points.size() + changes.creeps.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "find_changes: " << series << " series x " << points << " points in " << seconds
            << " s (" << found << " change points and creeps)\n";
  // The incremental form: the answer for all but the last point of each series, then that point.
  std::vector<perfgate::SeriesChanges> previous;
  for (const auto& values : data) {
    previous.push_back(
        perfgate::find_changes(std::vector<double>(values.begin(), values.end() - 1)));
  }
  const auto update_start = std::chrono::steady_clock::now();
  std::size_t updated = 0;
  for (std::size_t s = 0; s < series; ++s) {
    const auto changes = perfgate::update_changes(data[s], previous[s], points - 1);
    updated += changes.change_points.size() + changes.creeps.size();
  }
  const double update_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - update_start).count();
  std::cout << "update_changes: one point appended to each in " << update_seconds << " s ("
            << updated << " change points and creeps)\n";
  if (max_seconds > 0.0 && seconds > max_seconds) {
    std::cout << "slower than " << max_seconds << " s\n";
    return 1;
  }
  return 0;
}
