// Shared by the libFuzzer targets of tests/fuzz (docs/fuzzing.md): the input as text, and the one
// property every reader must keep besides not crashing: fail closed, i.e. a read that gives no
// value explains why with at least one error.
#pragma once

#include <perfgate/result.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace perfgate::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A small option chosen from the first byte, which stays part of the text: JSON allows the four
// white-space bytes before the document, so mutations can pick each option and stay valid.
inline std::size_t option_of(const std::uint8_t* data, std::size_t size, std::size_t count) {
  return size == 0 ? 0 : data[0] % count;
}

template <class T>
void require_fail_closed(const Result<T>& result, const char* reader) {
  if (!result.has_value() && !result.error().has_errors()) {
    std::fprintf(stderr, "%s: no value and no error: the read does not fail closed\n", reader);
    std::abort();
  }
}

}  // namespace perfgate::fuzz
