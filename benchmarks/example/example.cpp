#include "example.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <random>
#include <unordered_set>

namespace example {

void sort_values(std::vector<int>& values) { std::sort(values.begin(), values.end()); }

std::uint64_t fnv1a(std::string_view data) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::size_t parse_csv_line(std::string_view line, std::vector<long>& out) {
  out.clear();
  std::size_t malformed = 0;
  while (!line.empty()) {
    const std::size_t comma = line.find(',');
    const std::string_view field = line.substr(0, comma);
    long value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size()) {
      ++malformed;
    } else {
      out.push_back(value);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    line.remove_prefix(comma + 1);
  }
  return malformed;
}

std::size_t count_distinct_words(std::string_view text) {
  std::unordered_set<std::string_view> seen;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') {
      ++j;
    }
    if (j > i) {
      seen.insert(text.substr(i, j - i));
    }
    i = j;
  }
  return seen.size();
}

std::vector<int> shuffled_ints(std::size_t n, std::uint32_t seed) {
  std::vector<int> values(n);
  std::iota(values.begin(), values.end(), 0);
  std::mt19937 generator(seed);
  std::shuffle(values.begin(), values.end(), generator);
  return values;
}

std::string csv_line(std::size_t fields, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<long> value(-1000000, 1000000);
  std::string line;
  for (std::size_t i = 0; i < fields; ++i) {
    if (i != 0) {
      line += ',';
    }
    line += std::to_string(value(generator));
  }
  return line;
}

std::string words_text(std::size_t words, std::size_t vocabulary, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<std::size_t> pick(0, vocabulary - 1);
  std::string text;
  for (std::size_t i = 0; i < words; ++i) {
    if (i != 0) {
      text += ' ';
    }
    text += "w" + std::to_string(pick(generator));
  }
  return text;
}

double slowdown_percent(std::string_view spec, std::string_view family) {
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view entry = spec.substr(0, comma);
    const std::size_t colon = entry.rfind(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = entry.substr(0, colon);
      const std::string_view number = entry.substr(colon + 1);
      double percent = 0;
      const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), percent);
      if (error == std::errc() && end == number.data() + number.size() && percent > 0 &&
          (name == family || name == "*")) {
        return percent;
      }
    }
    if (comma == std::string_view::npos) {
      break;
    }
    spec.remove_prefix(comma + 1);
  }
  return 0;
}

InjectedSlowdown::InjectedSlowdown(std::string_view family) {
#ifdef PERFGATE_EXAMPLE_EXTRA_WORK
  m_percent += slowdown_percent(PERFGATE_EXAMPLE_EXTRA_WORK, family);
#endif
  const char* spec = std::getenv("PERFGATE_EXAMPLE_SLOWDOWN");
  if (spec != nullptr) {
    m_percent += slowdown_percent(spec, family);
  }
  m_whole_percent = static_cast<int>(m_percent);
}

std::size_t InjectedSlowdown::scaled(std::size_t size) const {
  return size + static_cast<std::size_t>(std::ceil(static_cast<double>(size) * m_percent / 100));
}

int InjectedSlowdown::extra_repetitions() {
  m_debt += m_whole_percent;
  const int extra = m_debt / 100;
  m_debt -= extra * 100;
  return extra;
}

}  // namespace example
