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

// std::to_chars in `format` with `precision`; the shortest form if the buffer were too small.
std::string to_chars_text(double value, std::chars_format format, int precision) {
  if (!std::isfinite(value)) {
    return non_finite(value);
  }
  std::array<char, 400> buffer{};  // enough for DBL_MAX in fixed notation
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format, precision);
  return ec == std::errc() ? std::string(buffer.data(), end) : format_number(value);
}

template <class Integer>
std::string integer_text(Integer value) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc() ? end : buffer.data());
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
  return to_chars_text(value, std::chars_format::fixed, decimals);
}

std::string format_rounded(double value, int decimals) {
  std::string text = format_fixed(value, decimals);
  if (!std::isfinite(value) || text.find('.') == std::string::npos) {
    return text;
  }
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

std::string format_general(double value, int precision) {
  return to_chars_text(value, std::chars_format::general, precision);
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

std::string format_integer(std::int64_t value) { return integer_text(value); }

std::string format_integer(std::uint64_t value) { return integer_text(value); }

}  // namespace perfgate
