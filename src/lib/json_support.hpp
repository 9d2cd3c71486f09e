// Internal: the one place that knows how perfgate uses Boost.JSON.
#pragma once

#include <perfgate/diagnostics.hpp>
#include <perfgate/number_format.hpp>
#include <perfgate/result.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::detail {

// Google Benchmark writes bare NaN, Infinity and -Infinity (e.g. the cv of an always-zero
// counter), which Boost.JSON 1.81 rejects. This rewrites each such token outside strings into a
// sentinel string of the same line layout, which number_of() turns back into the non-finite value.
std::string protect_non_finite(std::string_view text);

// The same rewriting, a piece at a time, for readers that stream a large input into
// boost::json::basic_parser instead of copying it whole. Each piece ends just after a newline
// (or, on a line longer than the piece size, just after a comma), where no NaN/Infinity token
// can be cut in two; string state carries over from piece to piece.
class NonFiniteProtector {
 public:
  static constexpr std::size_t k_default_piece_size = std::size_t{1} << 20;

  explicit NonFiniteProtector(std::string_view text,
                              std::size_t piece_size = k_default_piece_size);

  // The next protected piece: a view of the text itself when the piece has nothing to rewrite
  // (no copy), else of an internal buffer valid until the next call. nullopt at the end.
  std::optional<std::string_view> next();
  [[nodiscard]] bool done() const { return m_end >= m_text.size(); }
  // Where the piece last returned by next() starts and ends in the original text.
  [[nodiscard]] std::size_t piece_begin() const { return m_begin; }
  [[nodiscard]] std::size_t piece_end() const { return m_end; }

 private:
  std::string_view m_text;
  std::size_t m_piece_size;
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
  bool m_in_string = false;
  bool m_escaped = false;
  std::string m_buffer;
};

// The non-finite value a protected NaN/Infinity string stands for; nullopt for any other string.
std::optional<double> non_finite_sentinel_value(std::string_view text);

// The message and hint of a JSON syntax error at 1-based `line` and `column` of `text`:
// "invalid JSON at column 7: syntax error", with a hint for binary or truncated input.
Diagnostic json_syntax_error(std::string_view text, const std::string& source, std::size_t line,
                             std::size_t column, std::string_view error_message, bool at_end);

// Parses JSON text (after protect_non_finite). On a syntax error adds a diagnostic naming the
// line and column and returns nullopt.
std::optional<boost::json::value> parse_json(std::string_view text, const std::string& source,
                                             Diagnostics& diagnostics);

// The largest thread count and repetition count the readers accept (Google Benchmark input and
// baselines alike): far above any real run, far below what an int or an allocation can hold.
inline constexpr std::int64_t k_max_threads = std::int64_t{1} << 20;
inline constexpr std::int64_t k_max_repetitions = std::int64_t{1} << 20;

// The double a JSON number's text denotes, correctly rounded (std::from_chars). Boost.JSON 1.81
// converts inexactly (1892649.0000000002 reads as 1892649), so every reader converts from the
// text; `fallback`, the parser's own value, is kept when the text is out of range (1e400).
double exact_double(std::string_view text, double fallback);

// A JSON number (or a protected NaN/Infinity) as double; nullopt for anything else.
std::optional<double> number_of(const boost::json::value& value);

// "name" appended to a JSON pointer, escaped per RFC 6901.
std::string pointer_append(std::string_view pointer, std::string_view name);
std::string pointer_append(std::string_view pointer, std::size_t index);

// The 1-based line of a byte offset.
std::size_t line_of_offset(std::string_view text, std::size_t offset);

// A short description of a JSON value's kind and content for messages: 'string "fast"'.
std::string describe(const boost::json::value& value);

// A double as the shortest text that reads back the same, independent of the locale.
using perfgate::format_number;

}  // namespace perfgate::detail

#include <boost/json/object.hpp>

#include <initializer_list>
#include <utility>

namespace perfgate::detail {

// Reports every key of `object` that is not in `allowed`, with a "did you mean" hint. For the
// formats perfgate owns (policy, baseline), where an unknown key is a mistake, not an extension.
void check_keys(const boost::json::object& object, std::initializer_list<std::string_view> allowed,
                const std::string& source, std::string_view pointer, Diagnostics& diagnostics);

// The closest of `candidates` to `word` by edit distance, if it is close enough to be a typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

// Checks the "schema" member against "<kind>/<major>"; reports a missing or unknown version.
bool check_schema(const boost::json::object& object, std::string_view expected_kind, int major,
                  const std::string& source, Diagnostics& diagnostics);

// The root object of JSON `text` (after protect_non_finite); nullopt after a diagnostic when it is
// not JSON or not an object: "expected <what>, got <value>", with `hint`.
std::optional<boost::json::object> parse_json_object(std::string_view text, std::string_view what,
                                                     std::string_view hint,
                                                     const std::string& source,
                                                     Diagnostics& diagnostics);

// What the reader of one of perfgate's own formats expects at the root of a file.
struct DocumentKind {
  std::string_view schema;              // "perfgate.policy"
  int major = 1;                        // the version this perfgate reads
  std::string_view what = "an object";  // named when the root is no object: "a policy object"
  std::string_view hint = {};           // and the hint given then
};

// The root object of `text`, also checked to be of kind "<schema>/<major>"; nullopt after a
// diagnostic when it is not.
std::optional<boost::json::object> read_root(std::string_view text, const DocumentKind& kind,
                                             const std::string& source, Diagnostics& diagnostics);

// A whole file of kind `kind`: `read(root, diagnostics)` builds the value from the checked root
// object. The diagnostics instead when any of them is an error.
template <class T, class Read>
Result<T> read_document(std::string_view text, const DocumentKind& kind, const std::string& source,
                        Read read) {
  Diagnostics diagnostics;
  const std::optional<boost::json::object> root = read_root(text, kind, source, diagnostics);
  if (!root) {
    return diagnostics;
  }
  T value = read(*root, diagnostics);
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  return value;
}

// What the readers of perfgate's own formats share: the file they read and where its problems go.
class ReaderBase {
 public:
  ReaderBase(const std::string& source, Diagnostics& diagnostics)
      : m_source(source), m_diagnostics(diagnostics) {}

 protected:
  void error(const std::string& pointer, std::string message, std::string hint = {}) {
    m_diagnostics.error(m_source, pointer, std::move(message), std::move(hint));
  }

  // Where a missing required member is reported: at the object that lacks it (`missing "key"`),
  // or at the member itself (`missing: expected a string`).
  enum class Missing { at_object, at_member };

  // The string member `key` of the object at `pointer`: "" when it is absent (after a diagnostic
  // when it is `required`) or no string (after a diagnostic); a diagnostic when it is `required`
  // and empty.
  std::string string_member(const boost::json::object& object, const std::string& pointer,
                            const char* key, bool required, Missing missing = Missing::at_object) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
      if (required && missing == Missing::at_object) {
        error(pointer, std::string("missing \"") + key + "\"");
      } else if (required) {
        error(pointer_append(pointer, key), "missing: expected a string");
      }
      return {};
    }
    if (!value->is_string()) {
      error(pointer_append(pointer, key), "expected a string, got " + describe(*value));
      return {};
    }
    if (required && value->get_string().empty()) {
      error(pointer_append(pointer, key), "must not be empty");
    }
    return std::string(value->get_string());
  }

  const std::string& m_source;
  Diagnostics& m_diagnostics;
};

}  // namespace perfgate::detail

namespace perfgate::detail {

// Indented JSON for files people review in pull requests: objects one member per line, arrays of
// scalars on one line. Numbers via format_number; non-finite numbers become null.
std::string pretty(const boost::json::value& value);

}  // namespace perfgate::detail

namespace perfgate::detail {

// The canonical text of a JSON document, what a content digest is taken over: no white space,
// members and elements in document order, every number exactly as its text is written (so that a
// changed digit is a changed text even where it would read back as the same double), strings and
// keys in Boost.JSON's escaping. `omit_root_key`, when not empty, is left out of the root object
// (the digest member itself). nullopt when the text is not JSON. Line endings, indentation and
// a UTF-8 byte order mark do not change it.
std::optional<std::string> canonical_json(std::string_view text, std::string_view omit_root_key);

}  // namespace perfgate::detail
