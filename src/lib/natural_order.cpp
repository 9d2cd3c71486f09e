// Natural order of names (include/perfgate/natural_order.hpp).
#include <perfgate/natural_order.hpp>

#include <cstddef>

namespace perfgate {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// <0, 0, >0 as `a` sorts before, with or after `b`, digit runs taken as numbers. The digits are
// contiguous bytes (0x30-0x39) and a run starts with one, so a run against any other byte is
// decided by its first digit, consistently: the order is lexicographic over tokens.
int compare_tokens(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (!is_digit(a[i]) || !is_digit(b[j])) {
      if (a[i] != b[j]) {
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
      }
      ++i;
      ++j;
      continue;
    }
    std::size_t a_end = i;
    while (a_end < a.size() && is_digit(a[a_end])) {
      ++a_end;
    }
    std::size_t b_end = j;
    while (b_end < b.size() && is_digit(b[b_end])) {
      ++b_end;
    }
    while (i + 1 < a_end && a[i] == '0') {
      ++i;  // leading zeros say nothing about the value
    }
    while (j + 1 < b_end && b[j] == '0') {
      ++j;
    }
    if (a_end - i != b_end - j) {
      return a_end - i < b_end - j ? -1 : 1;  // fewer digits, smaller number
    }
    if (const int digits = a.substr(i, a_end - i).compare(b.substr(j, b_end - j)); digits != 0) {
      return digits;
    }
    i = a_end;
    j = b_end;
  }
  if (i < a.size()) {
    return 1;
  }
  return j < b.size() ? -1 : 0;
}
}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  const int order = compare_tokens(a, b);
  return order != 0 ? order < 0 : a < b;
}

}  // namespace perfgate
