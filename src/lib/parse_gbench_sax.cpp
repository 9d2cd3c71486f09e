// The document layer of the Google Benchmark reader (parse_gbench_sax.hpp): SAX events in, flat
// field lists with lines out.
#include "parse_gbench_sax.hpp"

#include "json_support.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace perfgate::detail::gbench {

// 2^63: the first double that no std::int64_t holds.
constexpr double k_int64_end = 9223372036854775808.0;

bool is_whole_number(const Value& value) {
  return value.kind == Kind::integer || value.kind == Kind::unsigned_integer ||
         (value.kind == Kind::number && std::isfinite(value.number) &&
          std::trunc(value.number) == value.number);
}

std::optional<std::int64_t> integer_of(const Value& value) {
  switch (value.kind) {
    case Kind::integer:
      return value.integer;
    case Kind::number:
      if (is_whole_number(value) && value.number >= -k_int64_end && value.number < k_int64_end) {
        return static_cast<std::int64_t>(value.number);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::string describe(const Value& value) {
  switch (value.kind) {
    case Kind::null:
      return "null";
    case Kind::boolean:
      return value.boolean ? "true" : "false";
    case Kind::integer:
      return "number " + format_integer(value.integer);
    case Kind::unsigned_integer:
      return "number " + format_integer(value.unsigned_integer);
    case Kind::number:
      return std::isfinite(value.number) ? "number " + format_number(value.number)
                                         : "non-finite number " + format_number(value.number);
    case Kind::string:
      return detail::describe(boost::json::value(boost::json::string_view(value.text)));
    case Kind::array:
      return "an array";
    case Kind::object:
      return "an object";
  }
  return "a value";
}

Field& FieldList::add() {
  if (size == fields.size()) {
    fields.emplace_back();
  }
  Field& field = fields[size++];
  field.key.clear();
  field.value.kind = Kind::null;
  field.value.text.clear();
  field.line.reset();
  return field;
}

namespace {

constexpr std::string_view k_expected_object =
    "Google Benchmark's JSON output is an object with \"context\" and \"benchmarks\"";

// ---------------------------------------------------------------------------------------------
// The reader of the document: SAX events in, field lists out to the sink.

class DocumentReader {
 public:
  DocumentReader(std::string_view text, const std::string& source, DocumentSink& sink,
                 Diagnostics& diagnostics)
      : m_text(text), m_source(source), m_sink(sink), m_diagnostics(diagnostics) {}

  std::optional<DocumentShape> read();

  // --- SAX events (called by Handler) ---
  void on_container_begin(bool is_object);
  void on_container_end();
  void on_key_part(std::string_view part, bool complete);
  void on_string_part(std::string_view part, bool complete);
  void on_scalar(const Value& value, std::string_view token);

 private:
  enum class Frame : std::uint8_t { root, context, benchmarks, entry, skip };

  // Positions.
  void index_newlines();
  std::optional<std::size_t> line_of(const char* position);
  std::optional<std::size_t> line_of_object_start(const char* first_key);
  void syntax_error(std::string_view text, std::size_t consumed, std::size_t column_carry,
                    bool at_end, boost::system::error_code ec);

  // Values arriving at the current place in the document.
  Value* value_slot();
  void value_done(const char* position);
  void begin_root_member(bool is_object);
  void not_an_object(std::optional<std::size_t> line, const std::string& what);

  void error(std::string pointer, std::optional<std::size_t> line, std::string message,
             std::string hint = {});

  std::string_view m_text;
  const std::string& m_source;
  DocumentSink& m_sink;
  Diagnostics& m_diagnostics;
  DocumentShape m_shape;

  // Parse state.
  std::vector<Frame> m_frames;
  std::string m_root_key;
  std::optional<std::size_t> m_root_key_line;
  bool m_root_seen = false;
  std::size_t m_root_line = 1;  // of the first token
  FieldList m_entry;
  std::optional<std::size_t> m_entry_line;
  FieldList m_context;
  bool m_key_started = false;
  bool m_string_started = false;
  Value* m_string_slot = nullptr;
  Value m_scratch;

  // Position tracking over the protected piece being parsed.
  std::string_view m_piece;      // the piece being parsed (into the text or the protector's buffer)
  std::string m_previous_tail;   // the end of the previous piece, for object starts
  std::size_t m_piece_line = 1;  // line at the start of m_piece
  std::vector<std::size_t> m_newlines;  // offsets of the newlines in m_piece
  std::size_t m_newline_cursor = 0;     // newlines before the last position asked for

  // A document that is not an object (a number, an array, ...): held back, because when a syntax
  // error follows, the "document" was the start of text before the JSON ("[INFO] ...", "2024-..").
  std::optional<Diagnostic> m_not_an_object;
};

// ---------------------------------------------------------------------------------------------
// The basic_parser handler: forwards to the reader.

struct Handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit Handler(DocumentReader* reader) : m_reader(reader) {}

  static std::string_view view(boost::json::string_view s) { return {s.data(), s.size()}; }

  bool on_document_begin(boost::system::error_code& /*ec*/) { return true; }
  bool on_document_end(boost::system::error_code& /*ec*/) { return true; }
  bool on_array_begin(boost::system::error_code& /*ec*/) {
    m_reader->on_container_begin(false);
    return true;
  }
  bool on_array_end(std::size_t /*n*/, boost::system::error_code& /*ec*/) {
    m_reader->on_container_end();
    return true;
  }
  bool on_object_begin(boost::system::error_code& /*ec*/) {
    m_reader->on_container_begin(true);
    return true;
  }
  bool on_object_end(std::size_t /*n*/, boost::system::error_code& /*ec*/) {
    m_reader->on_container_end();
    return true;
  }
  bool on_string_part(boost::json::string_view s, std::size_t /*n*/,
                      boost::system::error_code& /*ec*/) {
    m_reader->on_string_part(view(s), false);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t /*n*/, boost::system::error_code& /*ec*/) {
    m_reader->on_string_part(view(s), true);
    return true;
  }
  bool on_key_part(boost::json::string_view s, std::size_t /*n*/,
                   boost::system::error_code& /*ec*/) {
    m_reader->on_key_part(view(s), false);
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t /*n*/, boost::system::error_code& /*ec*/) {
    m_reader->on_key_part(view(s), true);
    return true;
  }
  // A number cut by the end of a piece arrives in parts; the last part comes with its value.
  bool on_number_part(boost::json::string_view s, boost::system::error_code& /*ec*/) {
    m_number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, boost::json::string_view s, boost::system::error_code& /*ec*/) {
    m_number.clear();
    Value value;
    value.kind = Kind::integer;
    value.integer = i;
    m_reader->on_scalar(value, view(s));
    return true;
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view s, boost::system::error_code& /*ec*/) {
    m_number.clear();
    Value value;
    value.kind = Kind::unsigned_integer;
    value.unsigned_integer = u;
    m_reader->on_scalar(value, view(s));
    return true;
  }
  bool on_double(double d, boost::json::string_view s, boost::system::error_code& /*ec*/) {
    // Boost.JSON 1.81's own conversion is not correctly rounded: convert the text exactly.
    Value value;
    value.kind = Kind::number;
    if (m_number.empty()) {
      value.number = detail::exact_double(view(s), d);
    } else {
      m_number.append(s.data(), s.size());
      value.number = detail::exact_double(m_number, d);
      m_number.clear();
    }
    m_reader->on_scalar(value, view(s));
    return true;
  }
  bool on_bool(bool b, boost::system::error_code& /*ec*/) {
    Value value;
    value.kind = Kind::boolean;
    value.boolean = b;
    m_reader->on_scalar(value, {});
    return true;
  }
  bool on_null(boost::system::error_code& /*ec*/) {
    m_reader->on_scalar(Value{}, {});
    return true;
  }
  bool on_comment_part(boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) {
    return true;
  }
  bool on_comment(boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) {
    return true;
  }

 private:
  DocumentReader* m_reader;
  std::string m_number;  // the parts of a number read so far
};

// ---------------------------------------------------------------------------------------------
// Positions.

void DocumentReader::index_newlines() {
  m_newlines.clear();
  m_newline_cursor = 0;
  for (const char* at = m_piece.data();
       const void* found =
           std::memchr(at, '\n', static_cast<std::size_t>(m_piece.data() + m_piece.size() - at));) {
    at = static_cast<const char*>(found);
    m_newlines.push_back(static_cast<std::size_t>(at - m_piece.data()));
    ++at;
  }
}

std::optional<std::size_t> DocumentReader::line_of(const char* position) {
  if (position == nullptr) {
    return std::nullopt;
  }
  const char* begin = m_piece.data();
  const char* end = begin + m_piece.size();
  if (std::less<const char*>{}(position, begin) || std::less<const char*>{}(end, position)) {
    return std::nullopt;  // an unescaped copy, not a view into the input
  }
  const auto offset = static_cast<std::size_t>(position - begin);
  // Positions arrive in order, so the cursor only moves forward, except after an object start.
  if (m_newline_cursor > 0 && m_newlines[m_newline_cursor - 1] >= offset) {
    m_newline_cursor = static_cast<std::size_t>(
        std::lower_bound(m_newlines.begin(), m_newlines.end(), offset) - m_newlines.begin());
  }
  while (m_newline_cursor < m_newlines.size() && m_newlines[m_newline_cursor] < offset) {
    ++m_newline_cursor;
  }
  return m_piece_line + m_newline_cursor;
}

// The line of the '{' before an object's first key: only white space can stand between them.
std::optional<std::size_t> DocumentReader::line_of_object_start(const char* first_key) {
  const std::optional<std::size_t> key_line = line_of(first_key);
  if (!key_line) {
    return std::nullopt;
  }
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t newlines = 0;
  auto offset = static_cast<std::size_t>(first_key - m_piece.data());
  offset = offset == 0 ? 0 : offset - 1;  // step over the opening quote
  while (offset > 0 && is_space(m_piece[offset - 1])) {
    newlines += m_piece[offset - 1] == '\n' ? 1U : 0U;
    --offset;
  }
  if (offset == 0) {
    for (auto it = m_previous_tail.rbegin(); it != m_previous_tail.rend() && is_space(*it); ++it) {
      newlines += *it == '\n' ? 1U : 0U;
    }
  }
  return *key_line >= newlines + 1 ? *key_line - newlines : *key_line;
}

// ---------------------------------------------------------------------------------------------
// SAX events.

Value* DocumentReader::value_slot() {
  if (m_frames.empty()) {
    return &m_scratch;
  }
  switch (m_frames.back()) {
    case Frame::entry:
      return m_entry.size > 0 ? &m_entry.fields[m_entry.size - 1].value : &m_scratch;
    case Frame::context:
      return m_context.size > 0 ? &m_context.fields[m_context.size - 1].value : &m_scratch;
    case Frame::root:
    case Frame::benchmarks:
      return &m_scratch;
    case Frame::skip:
      return nullptr;
  }
  return nullptr;
}

void DocumentReader::on_key_part(std::string_view part, bool complete) {
  if (m_frames.empty()) {
    return;
  }
  const Frame frame = m_frames.back();
  if (frame == Frame::skip || frame == Frame::benchmarks) {
    return;
  }
  if (frame == Frame::root) {
    if (!m_key_started) {
      m_root_key.clear();
      m_root_key_line = line_of(part.data());
    }
    m_root_key += part;
  } else {
    FieldList& list = frame == Frame::entry ? m_entry : m_context;
    if (!m_key_started) {
      if (frame == Frame::entry && list.size == 0) {
        m_entry_line = line_of_object_start(part.data());
      }
      Field& field = list.add();
      field.line = line_of(part.data());
    }
    list.fields[list.size - 1].key += part;
  }
  m_key_started = !complete;
}

void DocumentReader::on_string_part(std::string_view part, bool complete) {
  if (!m_string_started) {
    m_string_slot = value_slot();
    if (m_string_slot != nullptr) {
      m_string_slot->kind = Kind::string;
      m_string_slot->text.clear();
    }
    m_string_started = true;
  }
  if (m_string_slot != nullptr) {
    m_string_slot->text += part;
  }
  if (!complete) {
    return;
  }
  m_string_started = false;
  if (m_string_slot == nullptr) {
    return;
  }
  if (const auto non_finite = detail::non_finite_sentinel_value(m_string_slot->text)) {
    m_string_slot->kind = Kind::number;
    m_string_slot->number = *non_finite;
    m_string_slot->text.clear();
  }
  m_string_slot = nullptr;
  value_done(part.data());
}

void DocumentReader::on_scalar(const Value& value, std::string_view token) {
  Value* slot = value_slot();
  if (slot == nullptr) {
    return;
  }
  slot->kind = value.kind;
  slot->boolean = value.boolean;
  slot->integer = value.integer;
  slot->unsigned_integer = value.unsigned_integer;
  slot->number = value.number;
  value_done(token.empty() ? nullptr : token.data());
}

void DocumentReader::not_an_object(std::optional<std::size_t> line, const std::string& what) {
  m_root_seen = true;
  m_not_an_object = Diagnostic{Severity::error,
                               m_source,
                               line,
                               "",
                               "expected a JSON object at the top level, got " + what,
                               std::string(k_expected_object)};
}

// A scalar has arrived where `value_slot()` pointed; `position` is where it starts, if known.
void DocumentReader::value_done(const char* position) {
  if (m_frames.empty()) {
    const std::optional<std::size_t> line = line_of(position);
    not_an_object(line ? line : m_root_line, describe(m_scratch));
    return;
  }
  switch (m_frames.back()) {
    case Frame::root:
      if (m_root_key == "benchmarks") {
        error("/benchmarks", m_root_key_line, "expected an array, got " + describe(m_scratch));
        m_shape.has_benchmarks = true;
      } else if (m_root_key == "context") {
        error("/context", m_root_key_line, "expected an object, got " + describe(m_scratch));
        m_shape.has_context = true;
      }
      return;
    case Frame::benchmarks: {
      const std::size_t index = m_shape.entry_count++;
      error(pointer_append("/benchmarks", index), line_of(position),
            "expected an object (one benchmark result), got " + describe(m_scratch));
      return;
    }
    case Frame::entry:
    case Frame::context:
    case Frame::skip:
      return;
  }
}

// A container that is the value of the top-level key m_root_key.
void DocumentReader::begin_root_member(bool is_object) {
  const bool is_benchmarks = m_root_key == "benchmarks";
  if (!is_benchmarks && m_root_key != "context") {
    m_frames.push_back(Frame::skip);
    return;
  }
  bool& seen = is_benchmarks ? m_shape.has_benchmarks : m_shape.has_context;
  const std::string pointer = "/" + m_root_key;
  if (seen) {
    error(pointer, m_root_key_line, "duplicate key \"" + m_root_key + "\"",
          is_benchmarks ? "a results file holds one \"benchmarks\" array: were two outputs merged?"
                        : "a results file holds one \"context\" object: were two outputs merged?");
    m_frames.push_back(Frame::skip);
    return;
  }
  seen = true;
  if (is_benchmarks) {
    m_shape.benchmarks_line = m_root_key_line;
  }
  if (is_object != !is_benchmarks) {
    error(pointer, m_root_key_line,
          std::string("expected ") + (is_benchmarks ? "an array" : "an object") + ", got " +
              (is_object ? "an object" : "an array"));
    m_frames.push_back(Frame::skip);
    return;
  }
  if (!is_benchmarks) {
    m_context.clear();
  }
  m_frames.push_back(is_benchmarks ? Frame::benchmarks : Frame::context);
}

void DocumentReader::on_container_begin(bool is_object) {
  if (m_frames.empty()) {
    if (!m_root_seen && is_object) {
      m_root_seen = true;
      m_frames.push_back(Frame::root);
      return;
    }
    not_an_object(m_root_line, is_object ? "an object" : "an array");
    m_frames.push_back(Frame::skip);
    return;
  }
  switch (m_frames.back()) {
    case Frame::root:
      begin_root_member(is_object);
      return;
    case Frame::benchmarks:
      if (is_object) {
        m_entry.clear();
        m_entry_line.reset();
        m_frames.push_back(Frame::entry);
        return;
      }
      error(pointer_append("/benchmarks", m_shape.entry_count++), std::nullopt,
            "expected an object (one benchmark result), got an array");
      m_frames.push_back(Frame::skip);
      return;
    case Frame::entry:
    case Frame::context: {
      Value* slot = value_slot();
      if (slot != nullptr) {
        slot->kind = is_object ? Kind::object : Kind::array;
      }
      m_frames.push_back(Frame::skip);
      return;
    }
    case Frame::skip:
      m_frames.push_back(Frame::skip);
      return;
  }
}

void DocumentReader::on_container_end() {
  if (m_frames.empty()) {
    return;
  }
  const Frame frame = m_frames.back();
  m_frames.pop_back();
  if (frame == Frame::entry) {
    m_sink.on_entry(m_entry, m_shape.entry_count, m_entry_line);
    ++m_shape.entry_count;
  } else if (frame == Frame::context) {
    m_sink.on_context(m_context);
  }
}

void DocumentReader::error(std::string pointer, std::optional<std::size_t> line,
                           std::string message, std::string hint) {
  m_diagnostics.add(Diagnostic{Severity::error, m_source, line, std::move(pointer),
                               std::move(message), std::move(hint)});
}

// ---------------------------------------------------------------------------------------------
// Driving the parse.

// The diagnostic of a syntax error `consumed` bytes into the current piece of `text`.
void DocumentReader::syntax_error(std::string_view text, std::size_t consumed,
                                  std::size_t column_carry, bool at_end,
                                  boost::system::error_code ec) {
  const std::string_view before = m_piece.substr(0, consumed);
  const std::size_t line =
      m_piece_line +
      static_cast<std::size_t>(std::lower_bound(m_newlines.begin(), m_newlines.end(), consumed) -
                               m_newlines.begin());
  const std::size_t newline = before.rfind('\n');
  const std::size_t column =
      newline == std::string_view::npos ? column_carry + consumed + 1 : consumed - newline;
  Diagnostic diagnostic = detail::json_syntax_error(text, m_source, line, column, ec.message(),
                                                    at_end || ec == boost::json::error::incomplete);
  if (ec == boost::json::error::extra_data && diagnostic.hint.empty()) {
    diagnostic.hint = "the JSON document ended before this: were two outputs written to one file?";
  }
  m_diagnostics.add(std::move(diagnostic));
}

std::optional<DocumentShape> DocumentReader::read() {
  std::string_view text = m_text;
  // A UTF-8 byte order mark (Windows tools add one) is not part of the JSON.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  const std::size_t first_token = text.find_first_not_of(" \t\r\n");
  if (first_token == std::string_view::npos) {
    error("", std::nullopt, "empty input: expected Google Benchmark JSON output",
          "Google Benchmark leaves the output empty when --benchmark_filter matches nothing or "
          "the benchmark crashed before writing");
    return std::nullopt;
  }

  m_root_line = detail::line_of_offset(text, first_token);
  boost::json::basic_parser<Handler> parser(boost::json::parse_options{}, this);
  detail::NonFiniteProtector protector(text);
  std::size_t column_carry = 0;  // characters since the last newline before the piece
  while (const std::optional<std::string_view> piece = protector.next()) {
    m_piece = *piece;
    index_newlines();
    boost::system::error_code ec;
    std::size_t consumed = 0;
    if (!parser.done()) {
      consumed = parser.write_some(!protector.done(), m_piece.data(), m_piece.size(), ec);
    }
    if (!ec && parser.done()) {
      // Only white space may follow the document.
      const std::size_t rest = m_piece.find_first_not_of(" \t\r\n", consumed);
      if (rest != std::string_view::npos) {
        consumed = rest;
        ec = boost::json::error::extra_data;
      }
    }
    if (ec) {
      syntax_error(text, consumed, column_carry, protector.done() && consumed >= m_piece.size(),
                   ec);
      return std::nullopt;
    }
    m_piece_line += m_newlines.size();
    const std::size_t newline = m_piece.rfind('\n');
    column_carry = newline == std::string_view::npos ? column_carry + m_piece.size()
                                                     : m_piece.size() - newline - 1;
    const std::size_t tail = std::min<std::size_t>(m_piece.size(), 256);
    m_previous_tail.assign(m_piece.substr(m_piece.size() - tail));
  }
  m_piece = {};
  if (!parser.done()) {
    // Cannot happen: the last piece was written with more = false.
    m_diagnostics.add(detail::json_syntax_error(text, m_source, m_piece_line, column_carry + 1,
                                                "incomplete JSON", true));
    return std::nullopt;
  }
  if (m_not_an_object) {
    m_diagnostics.add(std::move(*m_not_an_object));
    return std::nullopt;
  }
  return m_shape;
}

}  // namespace

std::optional<DocumentShape> stream_document(std::string_view text, const std::string& source,
                                             DocumentSink& sink, Diagnostics& diagnostics) {
  DocumentReader reader(text, source, sink, diagnostics);
  return reader.read();
}

}  // namespace perfgate::detail::gbench
