// Percentile counters and the samples they need (percentile.hpp; docs/slo.md).
#include <perfgate/percentile.hpp>

#include <algorithm>

namespace perfgate {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<PercentileName> percentile_name(std::string_view metric_name) {
  constexpr std::string_view k_prefix = "counter:";
  if (metric_name.substr(0, k_prefix.size()) != k_prefix) {
    return std::nullopt;
  }
  std::string_view name = metric_name;
  // "_per_s" before "_s", so that a rate keeps no "_per" in its stem.
  for (const std::string_view unit : {"_per_s", "_ns", "_us", "_ms", "_s"}) {
    if (ends_with(name, unit)) {
      name.remove_suffix(unit.size());
      break;
    }
  }
  const std::size_t marker = name.rfind("_p");
  if (marker == std::string_view::npos || marker <= k_prefix.size()) {
    return std::nullopt;  // no "_p", or no <x> before it
  }
  const std::string_view digits = name.substr(marker + 2);
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), is_digit)) {
    return std::nullopt;
  }
  PercentileName out;
  out.stem = std::string(name.substr(0, marker));
  out.label = "p" + std::string(digits);
  for (const char c : digits) {
    out.numerator = out.numerator * 10 + static_cast<std::uint64_t>(c - '0');
    out.denominator *= 10;
  }
  if (digits.size() == 1) {
    out.denominator = 100;  // "p5" is the 5th percentile, not the 50th
  }
  const bool maximum = digits.size() >= 3 && digits.front() == '1' &&
                       digits.find_first_not_of('0', 1) == std::string_view::npos;
  if (out.numerator == 0 || maximum) {
    return std::nullopt;
  }
  return out;
}

std::uint64_t needed_samples(const PercentileName& percentile, int min_tail_samples) {
  const auto tail = static_cast<std::uint64_t>(std::max(min_tail_samples, 1));
  const std::uint64_t total = percentile.denominator;
  // The share of the samples beyond the quantile, on the nearer side, as part / total.
  const std::uint64_t part =
      percentile.upper_tail() ? total - percentile.numerator : percentile.numerator;
  return (tail * total + part - 1) / part;
}

}  // namespace perfgate
