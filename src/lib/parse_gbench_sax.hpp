// Internal: the document layer of the Google Benchmark reader (parse_gbench.cpp).
//
// The text is streamed through boost::json::basic_parser (a SAX parser) a piece at a time, after
// the NaN/Infinity rewriting of json_support; each element of "benchmarks" and the "context"
// object are collected as flat lists of fields, every key with the line it was found on, and
// handed to a DocumentSink when they end. No DOM is built, so memory stays close to the size of
// the model. This layer knows the shape of the document (an object with a "context" object and a
// "benchmarks" array of objects) and nothing of what Google Benchmark's fields mean.
#pragma once

#include <perfgate/diagnostics.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::detail::gbench {

// ---------------------------------------------------------------------------------------------
// Scalar values and fields as the SAX handler collects them.

enum class Kind : std::uint8_t {
  null,
  boolean,
  integer,
  unsigned_integer,
  number,
  string,
  array,
  object
};

struct Value {
  Kind kind = Kind::null;
  bool boolean = false;
  std::int64_t integer = 0;
  std::uint64_t unsigned_integer = 0;
  double number = 0;
  std::string text;  // for Kind::string

  [[nodiscard]] bool is_number() const {
    return kind == Kind::integer || kind == Kind::unsigned_integer || kind == Kind::number;
  }
  [[nodiscard]] double as_double() const {
    switch (kind) {
      case Kind::integer:
        return static_cast<double>(integer);
      case Kind::unsigned_integer:
        return static_cast<double>(unsigned_integer);
      default:
        return number;
    }
  }
};

// A whole number, also when written with an exponent or a zero fraction ("1e3", "2.0"), however
// large (1e300, 18446744073709551615).
bool is_whole_number(const Value& value);

// A whole number that a std::int64_t holds; nullopt for anything else. Never casts a value out
// of range (undefined behaviour).
std::optional<std::int64_t> integer_of(const Value& value);

// For messages: 'string "fast"', 'number -3', 'non-finite number NaN', 'an array'.
std::string describe(const Value& value);

struct Field {
  std::string key;
  Value value;  // Kind::array and Kind::object carry no content: they are skipped
  std::optional<std::size_t> line;
};

// The fields of one JSON object, reused from object to object to keep allocations down.
struct FieldList {
  std::vector<Field> fields;
  std::size_t size = 0;

  Field& add();
  void clear() { size = 0; }
  [[nodiscard]] const Field* begin() const { return fields.data(); }
  [[nodiscard]] const Field* end() const { return fields.data() + size; }
};

// ---------------------------------------------------------------------------------------------
// The document.

// Receives each element of "benchmarks" (an object) and the "context" object when they end.
class DocumentSink {
 public:
  // `index` is the element's place in "benchmarks", `line` the line of its '{' when known.
  virtual void on_entry(const FieldList& entry, std::size_t index,
                        std::optional<std::size_t> line) = 0;
  virtual void on_context(const FieldList& context) = 0;
  virtual ~DocumentSink() = default;
};

// What the top level of a document held.
struct DocumentShape {
  bool has_benchmarks = false;  // a "benchmarks" key (of any type)
  bool has_context = false;     // a "context" key (of any type)
  std::optional<std::size_t> benchmarks_line;
  std::size_t entry_count = 0;  // elements of "benchmarks"
};

// Streams `text` (a UTF-8 byte order mark is skipped) into `sink`. Errors of the document's shape
// (a "benchmarks" that is not an array, an element that is not an object, a repeated "context",
// ...) are added to `diagnostics` and reading goes on. Empty input, a syntax error and a top level
// that is not an object end the read: the error is added and the result is nullopt.
std::optional<DocumentShape> stream_document(std::string_view text, const std::string& source,
                                             DocumentSink& sink, Diagnostics& diagnostics);

}  // namespace perfgate::detail::gbench
