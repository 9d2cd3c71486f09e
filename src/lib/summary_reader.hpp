// Internal: reading the members of one JSON object of the files perfgate writes for a run
// (run.json, report.json), each problem a diagnostic with the file and the JSON pointer. Unknown
// members are ignored: a newer perfgate may add some.
#pragma once

#include <perfgate/diagnostics.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json_support.hpp"

namespace perfgate::detail {

class MemberReader {
 public:
  MemberReader(const boost::json::object& object, const std::string& source, std::string pointer,
               Diagnostics& diagnostics)
      : m_object(object),
        m_source(source),
        m_pointer(std::move(pointer)),
        m_diagnostics(diagnostics) {}

  [[nodiscard]] bool contains(std::string_view key) const { return m_object.contains(key); }

  // The member, or nullptr after a diagnostic when it is missing.
  const boost::json::value* required(std::string_view key) {
    const boost::json::value* value = m_object.if_contains(key);
    if (value == nullptr) {
      m_diagnostics.error(m_source, pointer(key),
                          "missing required member \"" + std::string(key) + "\"");
    }
    return value;
  }

  // A string; null reads as "" when `null_allowed`.
  std::string text(std::string_view key, bool null_allowed = true) {
    const boost::json::value* value = required(key);
    if (value == nullptr) {
      return {};
    }
    if (value->is_string()) {
      return std::string(value->get_string());
    }
    if (!(null_allowed && value->is_null())) {
      wrong(key, null_allowed ? "a string or null" : "a string", *value);
    }
    return {};
  }

  bool boolean(std::string_view key) {
    const boost::json::value* value = required(key);
    if (value != nullptr && !value->is_bool()) {
      wrong(key, "true or false", *value);
    }
    return value != nullptr && value->is_bool() && value->get_bool();
  }

  // A whole number in [low, high].
  std::optional<long long> integer(std::string_view key, long long low, long long high) {
    const boost::json::value* value = required(key);
    if (value == nullptr) {
      return std::nullopt;
    }
    const std::optional<double> number = value->is_string() ? std::nullopt : number_of(*value);
    // The range first: converting a double outside long long's range is undefined behaviour (a
    // run.json with "exit_code": 1e19 was; docs/fuzzing.md). `!(a >= b)` also refuses NaN.
    if (!number || !(*number >= static_cast<double>(low) && *number <= static_cast<double>(high)) ||
        *number != static_cast<double>(static_cast<long long>(*number))) {
      wrong(key, "a whole number from " + std::to_string(low) + " to " + std::to_string(high),
            *value);
      return std::nullopt;
    }
    return static_cast<long long>(*number);
  }

  // A finite number or null (nullopt).
  std::optional<double> number_or_null(std::string_view key) {
    const boost::json::value* value = m_object.if_contains(key);
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    const std::optional<double> number = value->is_string() ? std::nullopt : number_of(*value);
    if (!number) {
      wrong(key, "a number or null", *value);
    }
    return number;
  }

  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> result;
    const boost::json::value* value = required(key);
    if (value == nullptr) {
      return result;
    }
    if (!value->is_array()) {
      wrong(key, "an array of strings", *value);
      return result;
    }
    const boost::json::array& array = value->get_array();
    for (std::size_t index = 0; index < array.size(); ++index) {
      if (array[index].is_string()) {
        result.emplace_back(array[index].get_string());
      } else {
        m_diagnostics.error(m_source, pointer_append(pointer(key), index),
                            "expected a string, got " + describe(array[index]));
      }
    }
    return result;
  }

  // A diagnostic about member `key`: "expected <what>, got <value>".
  void wrong(std::string_view key, const std::string& what, const boost::json::value& value) {
    m_diagnostics.error(m_source, pointer(key), "expected " + what + ", got " + describe(value));
  }

  [[nodiscard]] std::string pointer(std::string_view key) const {
    return pointer_append(m_pointer, key);
  }

 private:
  const boost::json::object& m_object;
  const std::string& m_source;
  std::string m_pointer;
  Diagnostics& m_diagnostics;
};

// A file perfgate wrote for a run, of kind `kind`: `read(value, member, diagnostics)` fills in the
// value, its `source` already set, through a MemberReader of the root object.
template <class T, class Read>
Result<T> read_record(std::string_view text, const DocumentKind& kind, const std::string& source,
                      Read read) {
  return read_document<T>(text, kind, source,
                          [&](const boost::json::object& root, Diagnostics& diagnostics) {
                            MemberReader member(root, source, "", diagnostics);
                            T value;
                            value.source = source;
                            read(value, member, diagnostics);
                            return value;
                          });
}

}  // namespace perfgate::detail
