#include "json_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace perfgate::detail {

namespace {
constexpr std::string_view k_nan_sentinel = "\"\\u0000perfgate:NaN\"";
constexpr std::string_view k_inf_sentinel = "\"\\u0000perfgate:+Inf\"";
constexpr std::string_view k_ninf_sentinel = "\"\\u0000perfgate:-Inf\"";
constexpr std::string_view k_nan_value = std::string_view("\0perfgate:NaN", 13);
constexpr std::string_view k_inf_value = std::string_view("\0perfgate:+Inf", 14);
constexpr std::string_view k_ninf_value = std::string_view("\0perfgate:-Inf", 14);
}  // namespace

std::string protect_non_finite(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 64);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    const std::string_view rest = text.substr(i);
    if (rest.substr(0, 3) == "NaN") {
      out += k_nan_sentinel;
      i += 2;
    } else if (rest.substr(0, 8) == "Infinity") {
      out += k_inf_sentinel;
      i += 7;
    } else if (rest.substr(0, 9) == "-Infinity") {
      out += k_ninf_sentinel;
      i += 8;
    } else if (rest.substr(0, 4) == "-NaN") {
      out += k_nan_sentinel;
      i += 3;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<boost::json::value> parse_json(std::string_view text, const std::string& source,
                                             Diagnostics& diagnostics) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (!ec && consumed < text.size()) {
    ec = boost::json::error::extra_data;
  }
  if (ec) {
    const std::size_t offset = consumed;
    std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    Diagnostic d;
    d.file = source;
    d.line = line_of_offset(text, offset);
    d.message = "invalid JSON at column " + std::to_string(offset - line_start + 1) + ": " +
                ec.message();
    if (text.find('\0') != std::string_view::npos) {
      d.hint = "the file contains NUL bytes: is it a binary file?";
    } else if (offset >= text.size()) {
      d.hint = "the text ends early: was the file truncated (a crash or a timeout)?";
    }
    diagnostics.add(std::move(d));
    return std::nullopt;
  }
  return parser.release();
}

std::optional<double> number_of(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      return value.get_double();
    case boost::json::kind::int64:
      return static_cast<double>(value.get_int64());
    case boost::json::kind::uint64:
      return static_cast<double>(value.get_uint64());
    case boost::json::kind::string: {
      const std::string_view s = value.get_string();
      if (s == k_nan_value) {
        return std::numeric_limits<double>::quiet_NaN();
      }
      if (s == k_inf_value) {
        return std::numeric_limits<double>::infinity();
      }
      if (s == k_ninf_value) {
        return -std::numeric_limits<double>::infinity();
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::string pointer_append(std::string_view pointer, std::string_view name) {
  std::string out(pointer);
  out += '/';
  for (const char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer_append(std::string_view pointer, std::size_t index) {
  return std::string(pointer) + '/' + std::to_string(index);
}

std::size_t line_of_offset(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  const std::size_t end = offset < text.size() ? offset : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    line += text[i] == '\n' ? 1U : 0U;
  }
  return line;
}

std::string describe(const boost::json::value& value) {
  if (const auto number = number_of(value); number && value.is_string()) {
    return "non-finite number " + format_number(*number);
  }
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "number " + boost::json::serialize(value);
    case boost::json::kind::string: {
      std::string text = boost::json::serialize(value);
      if (text.size() > 40) {
        text = text.substr(0, 37) + "...\"";
      }
      return "string " + text;
    }
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

std::string format_number(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "Infinity" : "-Infinity";
  }
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

}  // namespace perfgate::detail
