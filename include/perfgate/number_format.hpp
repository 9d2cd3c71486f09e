// Numbers as text for every message and report, independent of the locale: std::to_chars only,
// never iostreams or printf, so a comma-decimal locale cannot change a single byte.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

namespace perfgate {

// The shortest text that reads back as the same double: "0.1", "1892649.0000000002", "5e-324",
// "1.7976931348623157e+308"; "NaN", "Infinity" or "-Infinity" when the value is not finite.
std::string format_number(double value);

// Exactly `decimals` digits after the point ("12.50"); non-finite values as format_number.
std::string format_fixed(double value, int decimals);

// At most `decimals` digits after the point, trailing zeros and a trailing point dropped: 15.0 ->
// "15", 2.5 -> "2.5", 0.123456 -> "0.12" (2 decimals): numbers as a person writes them in a
// policy. Non-finite values as format_number.
std::string format_rounded(double value, int decimals);

// At most `precision` significant digits, trailing zeros dropped ("12.3", "1.5e-07"): for derived
// numbers whose last bits are rounding noise. Non-finite values as format_number.
std::string format_general(double value, int precision);

// A fraction as a signed percentage with `decimals` digits: 0.1234 -> "+12.3%", -0.05 -> "-5.0%".
// Non-finite values as format_number.
std::string format_percent(double fraction, int decimals = 1);

std::string format_integer(std::int64_t value);
std::string format_integer(std::uint64_t value);
// Any other integer type (int, unsigned, std::size_t on every platform), without ambiguity.
template <class Integer, std::enable_if_t<std::is_integral_v<Integer> &&
                                              !std::is_same_v<Integer, bool>, int> = 0>
std::string format_integer(Integer value) {
  if constexpr (std::is_signed_v<Integer>) {
    return format_integer(static_cast<std::int64_t>(value));
  } else {
    return format_integer(static_cast<std::uint64_t>(value));
  }
}

}  // namespace perfgate
