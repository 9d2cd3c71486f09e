// TEMPORARY: a stand-in for find_changes (changes.hpp) until src/lib/changes.cpp lands in this
// branch; delete this file (and its line in CMakeLists.txt) then. Weak, so the real definition
// wins as soon as it is linked. Binary segmentation on the mean with a fixed score threshold: it
// finds the clear steps the trend tests are built from, and no creeps.
#include <perfgate/changes.hpp>

#include <cmath>
#include <cstddef>

namespace perfgate {

namespace {

double mean(std::span<const double> values) {
  double sum = 0;
  for (const double value : values) {
    sum += value;
  }
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

void split(std::span<const double> values, std::size_t offset, const ChangeOptions& options,
           SeriesChanges& out) {
  const std::size_t count = values.size();
  if (count < 2 * options.min_segment) {
    return;
  }
  double best_score = 0;
  std::size_t best = 0;
  for (std::size_t at = options.min_segment; at + options.min_segment <= count; ++at) {
    const double before = mean(values.first(at));
    const double after = mean(values.subspan(at));
    double spread = 0;
    for (std::size_t index = 0; index < count; ++index) {
      const double centre = index < at ? before : after;
      spread += (values[index] - centre) * (values[index] - centre);
    }
    const double sd = std::sqrt(spread / static_cast<double>(count)) + 1e-12 * std::fabs(before);
    const double score = std::fabs(after - before) / (sd > 0 ? sd : 1e-300);
    if (score > best_score) {
      best_score = score;
      best = at;
    }
  }
  if (best == 0 || best_score < 6) {
    return;
  }
  split(values.first(best), offset, options, out);
  const double before = mean(values.first(best));
  const double after = mean(values.subspan(best));
  out.change_points.push_back(
      ChangePoint{offset + best, before, after, (after - before) / before, 1e-6});
  split(values.subspan(best), offset + best, options, out);
}

}  // namespace

[[gnu::weak]] SeriesChanges find_changes(std::span<const double> values,
                                         const ChangeOptions& options) {
  SeriesChanges changes;
  split(values, 0, options, changes);
  return changes;
}

}  // namespace perfgate
