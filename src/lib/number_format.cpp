// The one number formatter (include/perfgate/number_format.hpp).
#include <perfgate/number_format.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace perfgate {

namespace {
std::string non_finite(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  return value > 0 ? "Infinity" : "-Infinity";
}
}  // namespace

std::string format_number(double value) {
  if (!std::isfinite(value)) {
    return non_finite(value);
  }
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string("NaN");
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) {
    return non_finite(value);
  }
  std::array<char, 400> buffer{};  // enough for DBL_MAX in fixed notation
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                       std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buffer.data(), end) : format_number(value);
}

std::string format_general(double value, int precision) {
  if (!std::isfinite(value)) {
    return non_finite(value);
  }
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                       std::chars_format::general, precision);
  return ec == std::errc() ? std::string(buffer.data(), end) : format_number(value);
}

std::string format_percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) {
    return non_finite(fraction);
  }
  std::string text = format_fixed(fraction * 100.0, decimals);
  if (text.front() != '-') {
    text.insert(text.begin(), '+');
  }
  return text + "%";
}

std::string format_integer(std::int64_t value) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc() ? end : buffer.data());
}

std::string format_integer(std::uint64_t value) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc() ? end : buffer.data());
}

}  // namespace perfgate
