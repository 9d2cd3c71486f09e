#include "json_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace perfgate::detail {

namespace {
constexpr std::string_view k_nan_sentinel = "\"\\u0000perfgate:NaN\"";
constexpr std::string_view k_inf_sentinel = "\"\\u0000perfgate:+Inf\"";
constexpr std::string_view k_ninf_sentinel = "\"\\u0000perfgate:-Inf\"";
constexpr std::string_view k_nan_value = std::string_view("\0perfgate:NaN", 13);
constexpr std::string_view k_inf_value = std::string_view("\0perfgate:+Inf", 14);
constexpr std::string_view k_ninf_value = std::string_view("\0perfgate:-Inf", 14);
}  // namespace

namespace {
// The bytes protect_piece() must look at: string delimiters and the first letters of NaN,
// Infinity, -Infinity and -NaN. Everything else is copied in bulk.
struct SpecialBytes {
  std::array<bool, 256> any{};
  constexpr SpecialBytes() { any['"'] = any['\\'] = any['N'] = any['I'] = any['-'] = true; }
};
constexpr SpecialBytes k_special{};

// Rewrites `piece`, the next part of a text, into `out`; `in_string` and `escaped` carry the
// lexical state from the previous piece. Only the rewritten tokens break the bulk copy.
void protect_piece(std::string_view piece, bool& in_string, bool& escaped, std::string& out) {
  const std::size_t size = piece.size();
  std::size_t copied = 0;
  std::size_t i = 0;
  if (in_string && escaped && size > 0) {
    escaped = false;
    i = 1;  // the escaped character ends the previous piece's escape
  }
  while (i < size) {
    const char c = piece[i];
    if (!k_special.any[static_cast<unsigned char>(c)]) {
      ++i;
      continue;
    }
    if (in_string) {
      if (c == '"') {
        in_string = false;
      } else if (c == '\\') {
        if (i + 1 == size) {
          escaped = true;
        }
        ++i;  // skip the escaped character
      }
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      ++i;
      continue;
    }
    const std::string_view rest = piece.substr(i);
    std::string_view sentinel;
    std::size_t length = 0;
    if (rest.substr(0, 3) == "NaN") {
      sentinel = k_nan_sentinel;
      length = 3;
    } else if (rest.substr(0, 8) == "Infinity") {
      sentinel = k_inf_sentinel;
      length = 8;
    } else if (rest.substr(0, 9) == "-Infinity") {
      sentinel = k_ninf_sentinel;
      length = 9;
    } else if (rest.substr(0, 4) == "-NaN") {
      sentinel = k_nan_sentinel;
      length = 4;
    } else {
      ++i;
      continue;
    }
    out.append(piece.data() + copied, i - copied);
    out += sentinel;
    i += length;
    copied = i;
  }
  out.append(piece.data() + copied, size - copied);
}
}  // namespace

std::string protect_non_finite(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 64);
  bool in_string = false;
  bool escaped = false;
  protect_piece(text, in_string, escaped, out);
  return out;
}

NonFiniteProtector::NonFiniteProtector(std::string_view text, std::size_t piece_size)
    : m_text(text), m_piece_size(piece_size == 0 ? 1 : piece_size) {}

std::optional<std::string_view> NonFiniteProtector::next() {
  if (done()) {
    return std::nullopt;
  }
  m_begin = m_end;
  const std::size_t target = m_begin + m_piece_size;
  std::size_t end = m_text.size();
  if (target < m_text.size()) {
    // Prefer a newline within one more piece size; otherwise a comma; otherwise the rest.
    const std::string_view window = m_text.substr(target - 1, m_piece_size);
    std::size_t cut = window.find('\n');
    if (cut == std::string_view::npos) {
      cut = m_text.find_first_of(",\n", target - 1);
      end = cut == std::string_view::npos ? m_text.size() : cut + 1;
    } else {
      end = target - 1 + cut + 1;
    }
  }
  m_end = end;
  const std::string_view piece = m_text.substr(m_begin, m_end - m_begin);
  // Fast path: nothing to rewrite, and the piece ends at a newline, which valid JSON never has
  // inside a string, so the next piece starts outside any string.
  if (!m_in_string && piece.back() == '\n' && piece.find("NaN") == std::string_view::npos &&
      piece.find("Infinity") == std::string_view::npos) {
    return piece;
  }
  m_buffer.clear();
  m_buffer.reserve(piece.size() + 64);
  protect_piece(piece, m_in_string, m_escaped, m_buffer);
  return std::string_view(m_buffer);
}

std::optional<double> non_finite_sentinel_value(std::string_view text) {
  if (text == k_nan_value) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (text == k_inf_value) {
    return std::numeric_limits<double>::infinity();
  }
  if (text == k_ninf_value) {
    return -std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

namespace {

// What a syntax error most likely means, in words, and how to fix it.
struct Cause {
  Cause(std::string what_text, std::string hint_text,
        std::optional<std::size_t> offset = std::nullopt)
      : what(std::move(what_text)), hint(std::move(hint_text)), at(offset) {}
  std::string what;
  std::string hint;
  std::optional<std::size_t> at;  // where the defect starts, when not where the parser stopped
};

std::string hex_byte(unsigned char byte) {
  constexpr std::string_view k_digits = "0123456789abcdef";
  return {k_digits[byte >> 4U], k_digits[byte & 0xFU]};
}

// Up to `limit` bytes of the first line of `text` in single quotes, for a message: printable
// ASCII as is, every other byte as \xNN (the terminal must not interpret what a broken file
// holds), "..." when cut.
std::string quoted_excerpt(std::string_view text, std::size_t limit = 40) {
  const std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  std::string out = "'";
  for (std::size_t i = 0; i < line.size() && i < limit; ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte >= 0x20U && byte < 0x7FU) {
      out += line[i];
    } else {
      out += "\\x" + hex_byte(byte);
    }
  }
  out += line.size() > limit ? "'..." : "'";
  return out;
}

std::string bytes_text(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    out += (out.empty() ? "" : " ") + hex_byte(static_cast<unsigned char>(c));
  }
  return out;
}

// Where the first byte that is not valid UTF-8 is (overlong forms, surrogates and code points
// above U+10FFFF included), if any.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80U) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80U;
    unsigned char high = 0xBFU;
    if (byte >= 0xC2U && byte <= 0xDFU) {
      length = 2;
    } else if (byte >= 0xE0U && byte <= 0xEFU) {
      length = 3;
      low = byte == 0xE0U ? 0xA0U : 0x80U;
      high = byte == 0xEDU ? 0x9FU : 0xBFU;
    } else if (byte >= 0xF0U && byte <= 0xF4U) {
      length = 4;
      low = byte == 0xF0U ? 0x90U : 0x80U;
      high = byte == 0xF4U ? 0x8FU : 0xBFU;
    } else {
      return i;
    }
    if (i + length > text.size()) {
      return i;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80U) || next > (k == 1 ? high : 0xBFU)) {
        return i;
      }
    }
    i += length;
  }
  return std::nullopt;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Defects that concern the whole file, whatever the parser tripped over: compression, another
// encoding, binary data.
std::optional<Cause> cause_in_whole_file(std::string_view text) {
  struct Magic {
    std::string_view bytes;
    std::string_view kind;
    std::string_view unpack;
  };
  static constexpr std::array<Magic, 5> k_archives{{
      {std::string_view("\x1f\x8b", 2), "gzip-compressed", "gunzip -k FILE"},
      {std::string_view("\x28\xb5\x2f\xfd", 4), "zstd-compressed", "unzstd FILE"},
      {std::string_view("\xfd" "7zXZ\0", 6), "xz-compressed", "unxz -k FILE"},
      {std::string_view("BZh", 3), "bzip2-compressed", "bunzip2 -k FILE"},
      {std::string_view("PK\x03\x04", 4), "a zip archive", "unzip FILE"},
  }};
  for (const Magic& magic : k_archives) {
    if (starts_with(text, magic.bytes) && (magic.kind != "bzip2-compressed" ||
                                           (text.size() > 3 && text[3] >= '1' && text[3] <= '9'))) {
      return Cause{"the file is " + std::string(magic.kind) + " (it starts with the bytes " +
                       bytes_text(magic.bytes) + ")",
                   "unpack it first (" + std::string(magic.unpack) + ") and pass the JSON file"};
    }
  }
  const std::string utf_hint =
      "save it as UTF-8: Windows PowerShell's '>' and Out-File write UTF-16 (use Out-File "
      "-Encoding utf8, or let the benchmark write the file with --benchmark_out=<file>)";
  if (starts_with(text, std::string_view("\xff\xfe\0\0", 4)) ||
      starts_with(text, std::string_view("\0\0\xfe\xff", 4))) {
    return Cause{std::string("the file is UTF-32 (") +
                     (text[0] == '\xff' ? "little" : "big") +
                     "-endian, with a byte order mark), not UTF-8",
                 utf_hint};
  }
  if (starts_with(text, "\xff\xfe") || starts_with(text, "\xfe\xff")) {
    return Cause{std::string("the file is UTF-16 (") + (text[0] == '\xff' ? "little" : "big") +
                     "-endian, with a byte order mark), not UTF-8",
                 utf_hint};
  }
  if (text.size() >= 4 && text[0] != '\0' && text[1] == '\0' && text[2] != '\0' &&
      text[3] == '\0') {
    return Cause{"the file is UTF-16 (little-endian: every other byte is NUL), not UTF-8",
                 utf_hint};
  }
  if (text.size() >= 4 && text[0] == '\0' && text[1] != '\0' && text[2] == '\0' &&
      text[3] != '\0') {
    return Cause{"the file is UTF-16 (big-endian: every other byte is NUL), not UTF-8", utf_hint};
  }
  if (starts_with(text, "\x7f" "ELF")) {
    return Cause{"the file is an ELF binary (a program or a library), not JSON text",
                 "pass the JSON the program writes (--benchmark_out=<file> "
                 "--benchmark_out_format=json), not the program"};
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Cause{"the file holds a NUL byte at byte offset " + std::to_string(nul) +
                     ": it is binary data, not JSON text",
                 "is it the right file? A crash can leave a file of NUL bytes"};
  }
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Google Benchmark's console table: "Running ./bm", "Run on (...)", a rule of dashes, and the
// header "Benchmark   Time   CPU   Iterations".
bool looks_like_console_output(std::string_view text) {
  const std::string_view head = text.substr(0, 64 * 1024);
  return head.find("Run on (") != std::string_view::npos ||
         (head.find("\nBenchmark ") != std::string_view::npos &&
          head.find("Iterations") != std::string_view::npos) ||
         starts_with(head, "Benchmark ");
}

// True when `offset` is inside a JSON string (a scan from the start, quotes and escapes only).
bool inside_string(std::string_view text, std::size_t offset) {
  bool in_string = false;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (in_string && text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      in_string = !in_string;
    }
  }
  return in_string;
}

// What stands where the parser stopped.
std::optional<Cause> cause_at(std::string_view text, std::size_t offset, std::size_t first) {
  if (const auto bad = first_invalid_utf8(text); bad && *bad <= offset + 3) {
    return Cause{"invalid UTF-8 at byte offset " + std::to_string(*bad) + " (0x" +
                     hex_byte(static_cast<unsigned char>(text[*bad])) + ")",
                 "JSON text is UTF-8; this byte suggests Latin-1 or Windows-1252: save the file "
                 "as UTF-8"};
  }
  // Text before the document: the parser stopped on the first line that holds anything.
  if (first < text.size() && text[first] != '{' &&
      text.substr(first, offset > first ? offset - first : 0).find('\n') ==
          std::string_view::npos) {
    Cause cause{"the file starts with text before the JSON: " + quoted_excerpt(text.substr(first)),
                "perfgate reads JSON: is this the right file?", first};
    if (looks_like_console_output(text)) {
      cause.hint =
          "this is Google Benchmark's console output, not its JSON: was stdout captured instead "
          "of --benchmark_out=<file> --benchmark_out_format=json?";
    } else if (const std::size_t brace = text.find("\n{", first); brace != std::string_view::npos) {
      cause.hint = "the JSON starts on line " + std::to_string(line_of_offset(text, brace + 1)) +
                   ": was a log line written into the same file? Write the results with "
                   "--benchmark_out=<file> --benchmark_out_format=json";
    }
    return cause;
  }
  if (offset >= text.size()) {
    return std::nullopt;
  }
  const std::string_view rest = text.substr(offset);
  const auto byte = static_cast<unsigned char>(rest[0]);
  if (byte < 0x20U && inside_string(text, offset)) {
    return Cause{"a raw control character (0x" + hex_byte(byte) + ") inside a string",
                 "JSON strings escape control characters (\\n, \\t, \\u001b)"};
  }
  if (starts_with(rest, "//") || starts_with(rest, "/*") || starts_with(rest, "#")) {
    const std::string_view kind = starts_with(rest, "/*") ? "/* comment */"
                                  : starts_with(rest, "#") ? "# comment"
                                                          : "// comment";
    return Cause{"a " + std::string(kind) + ": JSON has no comments",
                 "remove it (JSON allows no comments and no trailing commas)"};
  }
  if (rest[0] == '\'') {
    return Cause{"a single-quoted string: JSON strings take double quotes",
                 "write \"...\" (was the file written by hand, or by Python's str() rather than "
                 "json.dump?)"};
  }
  if (rest[0] == '}' || rest[0] == ']') {
    std::size_t before = offset;
    while (before > 0 && is_space(text[before - 1])) {
      --before;
    }
    if (before > 0 && text[before - 1] == ',') {
      return Cause{std::string("a comma before '") + rest[0] + "': JSON allows no trailing comma",
                   "remove the comma on line " + std::to_string(line_of_offset(text, before - 1))};
    }
  }
  const auto is_name = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (is_name(rest[0])) {
    std::size_t before = offset;
    while (before > 0 && is_space(text[before - 1])) {
      --before;
    }
    std::size_t end = 0;
    while (end < rest.size() && is_name(rest[end])) {
      ++end;
    }
    std::size_t colon = end;
    while (colon < rest.size() && is_space(rest[colon])) {
      ++colon;
    }
    if (before > 0 && (text[before - 1] == '{' || text[before - 1] == ',') &&
        colon < rest.size() && rest[colon] == ':') {
      return Cause{"a key without double quotes: " + quoted_excerpt(rest.substr(0, end)),
                   "JSON keys are strings: write \"" + std::string(rest.substr(0, end)) + "\""};
    }
  }
  for (const auto& [word, json] : {std::pair<std::string_view, std::string_view>{"True", "true"},
                                   {"False", "false"},
                                   {"None", "null"}}) {
    if (starts_with(rest, word)) {
      return Cause{"Python's " + std::string(word) + ": JSON spells it " + std::string(json),
                   "write the file with json.dump, not str() or repr()"};
    }
  }
  return std::nullopt;
}

}  // namespace

Diagnostic json_syntax_error(std::string_view text, const std::string& source, std::size_t line,
                             std::size_t column, std::string_view error_message, bool at_end) {
  Diagnostic d;
  d.file = source;
  d.line = line;
  if (auto cause = cause_in_whole_file(text)) {
    d.line = 1;
    d.message = "invalid JSON: " + cause->what;
    d.hint = std::move(cause->hint);
    return d;
  }
  // The byte the parser stopped at, from its line and column.
  std::size_t offset = 0;
  for (std::size_t current = 1; current < line && offset < text.size(); ++offset) {
    current += text[offset] == '\n' ? 1U : 0U;
  }
  offset = std::min(offset + column - 1, text.size());
  std::size_t first = 0;
  if (starts_with(text, "\xEF\xBB\xBF")) {
    first = 3;  // a UTF-8 byte order mark
  }
  first = std::min(text.find_first_not_of(" \t\r\n", first), text.size());

  if (auto cause = cause_at(text, offset, first)) {
    if (cause->at) {
      // Reported where the defect starts (column 1 of stray text), not where parsing stopped.
      const std::size_t at = *cause->at;
      const std::size_t newline = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
      d.line = line_of_offset(text, at);
      column = at - (newline == std::string_view::npos ? 0 : newline + 1) + 1;
    }
    d.message = "invalid JSON at column " + std::to_string(column) + ": " + cause->what;
    d.hint = std::move(cause->hint);
    return d;
  }
  d.message =
      "invalid JSON at column " + std::to_string(column) + ": " + std::string(error_message);
  if (error_message == "syntax error" && offset < text.size()) {
    d.message += " at " + quoted_excerpt(text.substr(offset), 20);
  } else if (error_message == "extra data" && offset < text.size()) {
    d.message += " after the end of the JSON document: " + quoted_excerpt(text.substr(offset), 20);
    d.hint = "the JSON document ended before this: were two outputs written to one file?";
  }
  if (at_end) {
    d.hint = "the text ends early: was the file truncated (a crash or a timeout)?";
  }
  return d;
}

double exact_double(std::string_view text, double fallback) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // Out of range (1e400, 1e-400): Boost.JSON's infinity or zero is the right answer there.
  return ec == std::errc() && end == text.data() + text.size() ? value : fallback;
}

namespace {
// Boost.JSON's own DOM handler (boost::json::parser), except that doubles are converted from
// the number's text with std::from_chars, which is correctly rounded; Boost.JSON 1.81's
// conversion is not (1892649.0000000002 reads as 1892649).
struct ExactHandler {
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  boost::json::value_stack stack;
  std::string number;  // the parts of a number cut by the end of an input piece

  using error_code = boost::system::error_code;
  using string_view = boost::json::string_view;

  bool on_document_begin(error_code& /*ec*/) { return true; }
  bool on_document_end(error_code& /*ec*/) { return true; }
  bool on_object_begin(error_code& /*ec*/) { return true; }
  bool on_object_end(std::size_t n, error_code& /*ec*/) {
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(error_code& /*ec*/) { return true; }
  bool on_array_end(std::size_t n, error_code& /*ec*/) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(string_view s, error_code& /*ec*/) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, string_view /*s*/, error_code& /*ec*/) {
    number.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view /*s*/, error_code& /*ec*/) {
    number.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double d, string_view s, error_code& /*ec*/) {
    number.append(s.data(), s.size());
    stack.push_double(exact_double(number, d));
    number.clear();
    return true;
  }
  bool on_bool(bool b, error_code& /*ec*/) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(error_code& /*ec*/) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(string_view /*s*/, error_code& /*ec*/) { return true; }
  bool on_comment(string_view /*s*/, error_code& /*ec*/) { return true; }
};
}  // namespace

std::optional<boost::json::value> parse_json(std::string_view text, const std::string& source,
                                             Diagnostics& diagnostics) {
  if (starts_with(text, "\xEF\xBB\xBF")) {
    text.remove_prefix(3);  // a UTF-8 byte order mark (Windows editors add one) is not JSON
  }
  boost::json::basic_parser<ExactHandler> parser(boost::json::parse_options{});
  parser.handler().stack.reset();
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) {
    // Only white space may follow the document.
    const std::size_t rest = text.find_first_not_of(" \t\r\n", consumed);
    if (rest != std::string_view::npos) {
      consumed = rest;
      ec = boost::json::error::extra_data;
    }
  }
  if (ec) {
    const std::size_t offset = consumed;
    std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    diagnostics.add(json_syntax_error(text, source, line_of_offset(text, offset),
                                      offset - line_start + 1, ec.message(),
                                      offset >= text.size()));
    return std::nullopt;
  }
  return parser.handler().stack.release();
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
      const boost::json::string& s = value.get_string();
      return non_finite_sentinel_value(std::string_view(s.data(), s.size()));
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
      return "number " + (value.is_double() ? format_number(value.get_double())
                          : value.is_int64() ? format_integer(value.get_int64())
                                             : format_integer(value.get_uint64()));
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

}  // namespace perfgate::detail

namespace perfgate::detail {

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = word.size() / 3 + 1;
  for (const auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance <= best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

void check_keys(const boost::json::object& object, std::initializer_list<std::string_view> allowed,
                const std::string& source, std::string_view pointer, Diagnostics& diagnostics) {
  const std::vector<std::string_view> names(allowed);
  for (const auto& entry : object) {
    const std::string_view key = entry.key();
    if (std::find(names.begin(), names.end(), key) != names.end()) {
      continue;
    }
    std::string hint;
    if (const auto match = closest_match(key, names)) {
      hint = "did you mean \"" + *match + "\"?";
    } else {
      hint = "allowed here:";
      for (const auto name : names) {
        hint += " \"" + std::string(name) + "\"";
      }
    }
    diagnostics.error(source, pointer_append(pointer, key),
                      "unknown key \"" + std::string(key) + "\"", hint);
  }
}

bool check_schema(const boost::json::object& object, std::string_view expected_kind, int major,
                  const std::string& source, Diagnostics& diagnostics) {
  const std::string expected = std::string(expected_kind) + "/" + std::to_string(major);
  const auto* schema = object.if_contains("schema");
  if (schema == nullptr) {
    diagnostics.error(source, "/schema", "missing \"schema\": expected \"" + expected + "\"");
    return false;
  }
  if (!schema->is_string()) {
    diagnostics.error(source, "/schema", "expected a string \"" + expected + "\", got " +
                                              describe(*schema));
    return false;
  }
  const std::string_view text = schema->get_string();
  const std::string prefix = std::string(expected_kind) + "/";
  if (text.substr(0, prefix.size()) != prefix) {
    diagnostics.error(source, "/schema",
                      "expected \"" + expected + "\", got \"" + std::string(text) + "\"",
                      "is this the right kind of file?");
    return false;
  }
  if (text != expected) {
    // Which side is older decides the advice: upgrade perfgate, or re-make the file with it.
    const std::string_view version = text.substr(prefix.size());
    int found = 0;
    const auto [end, error] = std::from_chars(version.data(), version.data() + version.size(), found);
    const bool older = error == std::errc() && end == version.data() + version.size() && found < major;
    diagnostics.error(source, "/schema",
                      "unsupported version \"" + std::string(text) + "\": this perfgate reads \"" +
                          expected + "\"",
                      older ? "an older perfgate wrote this file; make it again with this perfgate"
                            : "a newer perfgate wrote this file; upgrade perfgate");
    return false;
  }
  return true;
}

std::optional<boost::json::object> parse_json_object(std::string_view text, std::string_view what,
                                                     std::string_view hint,
                                                     const std::string& source,
                                                     Diagnostics& diagnostics) {
  auto root = parse_json(protect_non_finite(text), source, diagnostics);
  if (!root) {
    return std::nullopt;
  }
  if (!root->is_object()) {
    diagnostics.error(source, "", "expected " + std::string(what) + ", got " + describe(*root),
                      std::string(hint));
    return std::nullopt;
  }
  return std::move(root->get_object());
}

std::optional<boost::json::object> read_root(std::string_view text, const DocumentKind& kind,
                                             const std::string& source, Diagnostics& diagnostics) {
  auto root = parse_json_object(text, kind.what, kind.hint, source, diagnostics);
  if (root && !check_schema(*root, kind.schema, kind.major, source, diagnostics)) {
    return std::nullopt;
  }
  return root;
}

}  // namespace perfgate::detail

namespace perfgate::detail {

namespace {
void pretty_into(const boost::json::value& value, std::string& out, int depth) {
  const auto indent = [&](int level) { out.append(static_cast<std::size_t>(level) * 2, ' '); };
  switch (value.kind()) {
    case boost::json::kind::object: {
      const auto& object = value.get_object();
      if (object.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      std::size_t i = 0;
      for (const auto& entry : object) {
        indent(depth + 1);
        out += boost::json::serialize(boost::json::string(entry.key()));
        out += ": ";
        pretty_into(entry.value(), out, depth + 1);
        out += ++i < object.size() ? ",\n" : "\n";
      }
      indent(depth);
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      const auto& array = value.get_array();
      const bool scalars = std::all_of(array.begin(), array.end(), [](const auto& item) {
        return !item.is_object() && !item.is_array();
      });
      if (array.empty() || scalars) {
        out += '[';
        for (std::size_t i = 0; i < array.size(); ++i) {
          out += i == 0 ? "" : ", ";
          pretty_into(array[i], out, depth + 1);
        }
        out += ']';
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < array.size(); ++i) {
        indent(depth + 1);
        pretty_into(array[i], out, depth + 1);
        out += i + 1 < array.size() ? ",\n" : "\n";
      }
      indent(depth);
      out += ']';
      return;
    }
    case boost::json::kind::double_: {
      const double number = value.get_double();
      out += std::isfinite(number) ? format_number(number) : "null";
      return;
    }
    default:
      out += boost::json::serialize(value);
      return;
  }
}
}  // namespace

std::string pretty(const boost::json::value& value) {
  std::string out;
  pretty_into(value, out, 0);
  out += '\n';
  return out;
}

}  // namespace perfgate::detail

namespace perfgate::detail {

namespace {
// Writes the canonical text of a document as the parser reads it (canonical_json).
class CanonicalHandler {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  using error_code = boost::system::error_code;
  using string_view = boost::json::string_view;

  std::string omit;  // the root member left out
  std::string out;

  bool on_document_begin(error_code& /*ec*/) { return true; }
  bool on_document_end(error_code& /*ec*/) { return true; }
  bool on_object_begin(error_code& /*ec*/) { return open('{'); }
  bool on_object_end(std::size_t /*n*/, error_code& /*ec*/) { return close('}'); }
  bool on_array_begin(error_code& /*ec*/) { return open('['); }
  bool on_array_end(std::size_t /*n*/, error_code& /*ec*/) { return close(']'); }
  bool on_key_part(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    m_part.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    m_part.append(s.data(), s.size());
    if (m_skip_depth == 0 && m_depth == 1 && !omit.empty() && m_part == omit) {
      m_skip_depth = m_depth;  // the member's value is left out, and so is its key
      m_skipping_value = true;
      m_after_key = true;  // its value takes no separator either
    } else {
      separator();
      emit(boost::json::serialize(boost::json::string(m_part)));
      emit(":");
      m_after_key = true;
    }
    m_part.clear();
    return true;
  }
  bool on_string_part(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    m_part.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    m_part.append(s.data(), s.size());
    scalar(boost::json::serialize(boost::json::string(m_part)));
    m_part.clear();
    return true;
  }
  bool on_number_part(string_view s, error_code& /*ec*/) {
    m_part.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t /*i*/, string_view s, error_code& /*ec*/) { return number(s); }
  bool on_uint64(std::uint64_t /*u*/, string_view s, error_code& /*ec*/) { return number(s); }
  bool on_double(double /*d*/, string_view s, error_code& /*ec*/) { return number(s); }
  bool on_bool(bool b, error_code& /*ec*/) {
    scalar(b ? "true" : "false");
    return true;
  }
  bool on_null(error_code& /*ec*/) {
    scalar("null");
    return true;
  }
  bool on_comment_part(string_view /*s*/, error_code& /*ec*/) { return true; }
  bool on_comment(string_view /*s*/, error_code& /*ec*/) { return true; }

 private:
  std::vector<bool> m_first;  // per open container: nothing written in it yet
  std::string m_part;
  std::size_t m_depth = 0;
  std::size_t m_skip_depth = 0;  // > 0 while the omitted member's value is read
  bool m_skipping_value = false;
  bool m_after_key = false;

  void emit(std::string_view text) {
    if (!m_skipping_value) {
      out.append(text.data(), text.size());
    }
  }
  // The comma before a value of an array or a member of an object.
  void separator() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (!m_first.empty()) {
      if (!m_first.back()) {
        emit(",");
      }
      m_first.back() = false;
    }
  }
  bool open(char bracket) {
    separator();
    emit(std::string_view(&bracket, 1));
    m_first.push_back(true);
    ++m_depth;
    return true;
  }
  bool close(char bracket) {
    emit(std::string_view(&bracket, 1));
    m_first.pop_back();
    --m_depth;
    end_value();
    return true;
  }
  void scalar(std::string_view text) {
    separator();
    emit(text);
    end_value();
  }
  bool number(string_view s) {
    m_part.append(s.data(), s.size());
    scalar(m_part);
    m_part.clear();
    return true;
  }
  void end_value() {
    if (m_skipping_value && m_depth == m_skip_depth) {
      m_skipping_value = false;
      m_skip_depth = 0;
      m_after_key = false;
    }
  }
};
}  // namespace

std::optional<std::string> canonical_json(std::string_view text, std::string_view omit_root_key) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  const std::string protected_text = protect_non_finite(text);
  boost::json::basic_parser<CanonicalHandler> parser(boost::json::parse_options{});
  parser.handler().omit = std::string(omit_root_key);
  boost::system::error_code ec;
  const std::size_t consumed =
      parser.write_some(false, protected_text.data(), protected_text.size(), ec);
  if (ec || protected_text.find_first_not_of(" \t\r\n", consumed) != std::string::npos) {
    return std::nullopt;
  }
  return std::move(parser.handler().out);
}

}  // namespace perfgate::detail
