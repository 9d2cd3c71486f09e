// Internal: the streaming JSON writer of the JSON report and the suite summary. Straight into one
// string, in the caller's key order, two-space indentation, one member per line, "[]" and "{}" for
// empty containers; numbers through std::to_chars (never the locale). No DOM: tens of thousands of
// decisions cost one pass and no per-value allocation.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace perfgate::detail {

// A JSON string literal (RFC 8259): " and \ escaped, control characters as \n, \t, ... or \u00XX,
// everything else (UTF-8 included) as is. Runs of plain bytes are appended in one go.
inline void write_json_string(std::string_view text, std::string& out) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the pending run of bytes that need no escaping
  for (std::size_t index = 0; index < text.size(); ++index) {
    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte >= 0x20U && byte != '"' && byte != '\\') {
      continue;
    }
    out.append(text.data() + plain, index - plain);
    plain = index + 1;
    switch (byte) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += k_hex[byte >> 4U];
        out += k_hex[byte & 0x0FU];
        break;
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

// Writes nested objects and arrays with the layout above. The caller opens and closes the
// containers in order; `key` starts a member of the innermost object, `element` an element of
// the innermost array, and exactly one value follows either.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : m_out(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    next_item();
    write_json_string(name, m_out);
    m_out += ": ";
  }
  void element() { next_item(); }

  void null() { m_out += "null"; }
  void boolean(bool value) { m_out += value ? "true" : "false"; }
  void string(std::string_view text) { write_json_string(text, m_out); }
  void string_or_null(std::string_view text) {
    if (text.empty()) {
      null();
    } else {
      string(text);
    }
  }
  // `"key": "text"`, or `"key": null` when the text is empty.
  void text_member(std::string_view name, std::string_view text) {
    key(name);
    string_or_null(text);
  }
  // `"key": "text"`, empty text included.
  void string_member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  // `"key": 12.5`, or `"key": null` when the number is absent or not finite.
  void number_member(std::string_view name, const std::optional<double>& value) {
    key(name);
    if (value && std::isfinite(*value)) {
      finite_number(*value);
    } else {
      null();
    }
  }
  template <class Integer>
  void integer_member(std::string_view name, Integer value) {
    key(name);
    integer(value);
  }
  void boolean_member(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }
  // `"key": {"<item>": <count(item)>, ...}`, the items in their order, each named by to_string.
  template <class Items, class Count>
  void counts_member(std::string_view name, const Items& items, Count count) {
    key(name);
    begin_object();
    for (const auto& item : items) {
      integer_member(to_string(item), static_cast<std::uint64_t>(count(item)));
    }
    end_object();
  }
  // Opens a document perfgate writes, with the members that head every one: "schema" and
  // "tool": {"name", "version"}.
  void begin_document(std::string_view schema, std::string_view tool_version) {
    begin_object();
    string_member("schema", schema);
    key("tool");
    begin_object();
    string_member("name", "perfgate");
    string_member("version", tool_version);
    end_object();
  }
  // `"key": ["a", "b"]`.
  template <class Strings>
  void string_array(std::string_view name, const Strings& strings) {
    key(name);
    begin_array();
    for (const auto& text : strings) {
      element();
      string(text);
    }
    end_array();
  }
  template <class Integer>
  void integer(Integer value) {
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    m_out.append(buffer.data(), ec == std::errc() ? end : buffer.data());
  }
  // A finite double, shortest round-trip form (detail::format_shortest without the string).
  void finite_number(double value) {
    std::array<char, 64> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (ec == std::errc()) {
      m_out.append(buffer.data(), end);
    } else {
      m_out += "NaN";
    }
  }

 private:
  void open(char bracket) {
    m_out += bracket;
    m_has_items.push_back(false);
  }
  void close(char bracket) {
    const bool has_items = m_has_items.back();
    m_has_items.pop_back();
    if (has_items) {
      newline(m_has_items.size());
    }
    m_out += bracket;
  }
  void next_item() {
    if (m_has_items.back()) {
      m_out += ',';
    }
    m_has_items.back() = true;
    newline(m_has_items.size());
  }
  void newline(std::size_t level) {
    m_out += '\n';
    m_out.append(level * 2, ' ');
  }

  std::string& m_out;
  std::vector<bool> m_has_items;  // per open container: has it a member or element yet?
};

}  // namespace perfgate::detail
