// Reader for Google Benchmark JSON, every released layout (1.4 to 1.9).
//
// The text is streamed through boost::json::basic_parser (a SAX parser) a piece at a time, after
// the NaN/Infinity rewriting of json_support; each entry of "benchmarks" is collected as a flat
// list of fields, checked, and folded into the RunSet at once. No DOM is built, so memory stays
// close to the size of the model, and every key keeps the line it was found on.
//
// docs/formats.md ("Google Benchmark input") describes what is read and how.
#include <perfgate/parse.hpp>

#include "json_support.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace perfgate {

namespace {

using detail::format_number;
using perfgate::format_general;
using detail::pointer_append;

// ---------------------------------------------------------------------------------------------
// Scalar values and fields as the SAX handler collects them.

enum class Kind : std::uint8_t { null, boolean, integer, unsigned_integer, number, string, array, object };

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

// 2^63: the first double that no std::int64_t holds.
constexpr double k_int64_end = 9223372036854775808.0;

// A whole number, also when written with an exponent or a zero fraction ("1e3", "2.0"), however
// large (1e300, 18446744073709551615).
bool is_whole_number(const Value& value) {
  return value.kind == Kind::integer || value.kind == Kind::unsigned_integer ||
         (value.kind == Kind::number && std::isfinite(value.number) &&
          std::trunc(value.number) == value.number);
}

// A whole number that a std::int64_t holds; nullopt for anything else. Never casts a value out
// of range (undefined behaviour).
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

// For messages: 'string "fast"', 'number -3', 'non-finite number NaN', 'an array'.
std::string describe(const Value& value) {
  switch (value.kind) {
    case Kind::null:
      return "null";
    case Kind::boolean:
      return value.boolean ? "true" : "false";
    case Kind::integer:
      return "number " + std::to_string(value.integer);
    case Kind::unsigned_integer:
      return "number " + std::to_string(value.unsigned_integer);
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

struct Field {
  std::string key;
  Value value;
  std::optional<std::size_t> line;
};

// The fields of one JSON object, reused from object to object to keep allocations down.
struct FieldList {
  std::vector<Field> fields;
  std::size_t size = 0;

  Field& add() {
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
  void clear() { size = 0; }
  [[nodiscard]] const Field* begin() const { return fields.data(); }
  [[nodiscard]] const Field* end() const { return fields.data() + size; }
};

// ---------------------------------------------------------------------------------------------
// What Google Benchmark's own keys mean.

// The keys Google Benchmark writes itself. Those before `label` come before the user counters in
// every entry (src/json_reporter.cc), so a later key of the same name is a user counter.
enum class Key : std::uint8_t {
  name,
  family_index,
  per_family_instance_index,
  run_name,
  run_type,
  repetitions,
  repetition_index,
  threads,
  aggregate_name,
  aggregate_unit,
  error_occurred,
  error_message,
  skipped,
  skip_message,
  iterations,
  real_time,
  cpu_time,
  time_unit,
  cpu_coefficient,
  real_coefficient,
  big_o,
  rms,
  label,  // written after the counters and the memory fields
  count,
};
constexpr std::size_t k_key_count = static_cast<std::size_t>(Key::count);

constexpr std::array<std::string_view, k_key_count> k_key_names{{
    "name",          "family_index",  "per_family_instance_index",
    "run_name",      "run_type",      "repetitions",
    "repetition_index", "threads",    "aggregate_name",
    "aggregate_unit", "error_occurred", "error_message",
    "skipped",       "skip_message",  "iterations",
    "real_time",     "cpu_time",      "time_unit",
    "cpu_coefficient", "real_coefficient", "big_o",
    "rms",           "label",
}};

// Google Benchmark's keys grouped by length, so a lookup compares at most a few of them.
constexpr std::size_t k_max_key_length = 25;
constexpr std::size_t k_max_keys_per_length = 4;
struct KeysByLength {
  std::array<std::array<std::uint8_t, k_max_keys_per_length>, k_max_key_length + 1> keys{};
  std::array<std::uint8_t, k_max_key_length + 1> count{};
  constexpr KeysByLength() {
    for (std::size_t i = 0; i < k_key_count; ++i) {
      const std::size_t length = k_key_names[i].size();
      keys[length][count[length]++] = static_cast<std::uint8_t>(i);
    }
  }
};
constexpr KeysByLength k_keys_by_length{};

std::optional<Key> key_of(std::string_view name) {
  if (name.size() > k_max_key_length) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < k_keys_by_length.count[name.size()]; ++i) {
    const std::uint8_t key = k_keys_by_length.keys[name.size()][i];
    if (k_key_names[key] == name) {
      return static_cast<Key>(key);
    }
  }
  return std::nullopt;
}

// Fields that are metrics under their own name (not "counter:<name>"): the rates (built-in fields
// before 1.5, user counters since) and the memory manager's results.
constexpr std::array<std::string_view, 6> k_named_metrics{{
    "items_per_second",
    "bytes_per_second",
    "allocs_per_iter",
    "max_bytes_used",
    "total_allocated_bytes",
    "net_heap_growth",
}};

std::optional<std::string_view> named_metric_of(std::string_view name) {
  for (const std::string_view metric_name : k_named_metrics) {
    if (metric_name == name) {
      return metric_name;
    }
  }
  return std::nullopt;
}

bool is_memory_metric(std::string_view name) {
  return name == "allocs_per_iter" || name == "max_bytes_used" ||
         name == "total_allocated_bytes" || name == "net_heap_growth";
}

// The aggregate suffixes that mark a pre-1.5 aggregate entry ("BM_x_mean") without run_type.
constexpr std::array<std::string_view, 4> k_legacy_statistics{{"mean", "median", "stddev", "cv"}};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "BM_x/64/threads:8" -> 8; nullopt when the name has no valid "/threads:N" part.
std::optional<int> threads_from_name(std::string_view name) {
  constexpr std::string_view k_marker = "/threads:";
  const std::size_t at = name.find(k_marker);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::size_t i = at + k_marker.size();
  long long value = 0;
  const std::size_t digits_begin = i;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && value < 1000000000) {
    value = value * 10 + (name[i] - '0');
    ++i;
  }
  if (i == digits_begin || value < 1 || value >= 1000000000 || (i < name.size() && name[i] != '/')) {
    return std::nullopt;
  }
  return static_cast<int>(value);
}

// Where a metric value goes: a built-in metric name or "counter:<key>".
struct MetricField {
  const Field* field = nullptr;
  std::string_view metric;  // the built-in metric name, or the counter's key
  bool is_counter = false;
};

bool series_matches(const MetricSeries& series, const MetricField& metric) {
  if (!metric.is_counter) {
    return series.name == metric.metric;
  }
  const std::string_view name = series.name;
  return name.size() == metric::k_counter_prefix.size() + metric.metric.size() &&
         name.substr(0, metric::k_counter_prefix.size()) == metric::k_counter_prefix &&
         name.substr(metric::k_counter_prefix.size()) == metric.metric;
}

// ---------------------------------------------------------------------------------------------
// Per-benchmark bookkeeping while reading (not part of the model).

struct BenchmarkState {
  std::optional<std::size_t> first_line;
  bool has_rows = false;            // an iteration or aggregate entry was read
  int threads = 0;                  // of the first entry
  std::int64_t repetitions = 0;     // 0: not said (pre-1.5.5 writes 0)
  std::size_t iteration_rows = 0;   // iteration entries read (errored and skipped included)
  std::size_t last_entry = 0;       // the entry index that last added to this benchmark
  bool has_aggregates = false;
  bool has_run_name = false;        // written by 1.5 or later: its aggregates can be checked
  bool all_measured = true;         // no errored or skipped repetition
  bool cv_is_fraction = false;      // the "cv" aggregate says aggregate_unit "percentage"
  bool has_complexity_big_o = false;
  bool has_complexity_rms = false;
  std::optional<std::size_t> big_o_line;
  std::optional<std::size_t> rms_line;
  // Line of each repetition_index seen (0: not seen; lines are 1-based, unknown is SIZE_MAX):
  // in a vector while the indexes are about as many as the rows read, and in a map beyond, so
  // a file cannot make the reader allocate for repetitions it does not contain.
  std::vector<std::size_t> index_lines;
  std::map<std::size_t, std::size_t> sparse_index_lines;
  std::vector<std::pair<std::string, std::optional<std::size_t>>> aggregate_lines;
  std::size_t metric_cursor = 0;  // where the next metric of an entry is most likely found

  std::size_t& line_of_index(std::size_t index) {
    if (const auto found = sparse_index_lines.find(index); found != sparse_index_lines.end()) {
      return found->second;
    }
    if (index < index_lines.size()) {
      return index_lines[index];
    }
    if (index < 4 * (iteration_rows + 16)) {
      index_lines.resize(index + 1, 0);
      return index_lines[index];
    }
    return sparse_index_lines[index];
  }
};

constexpr std::size_t k_unknown_line = std::numeric_limits<std::size_t>::max();
using detail::k_max_repetitions;
using detail::k_max_threads;

std::string at_line(std::optional<std::size_t> line) {
  return line ? " (line " + std::to_string(*line) + ")" : std::string();
}

// ---------------------------------------------------------------------------------------------
// The reader: SAX events in, RunSet and diagnostics out.

class GbenchReader {
 public:
  GbenchReader(std::string_view text, const std::string& source)
      : m_text(text), m_source(source) {}

  Result<RunSet> read();

  // --- SAX events (called by Handler) ---
  void on_container_begin(bool is_object);
  void on_container_end();
  void on_key_part(std::string_view part, bool complete);
  void on_string_part(std::string_view part, bool complete);
  void on_scalar(const Value& value, std::string_view token);

 private:
  enum class Frame : std::uint8_t { root, context, benchmarks, entry, skip };

  // Positions.
  std::optional<std::size_t> line_of(const char* position);
  std::optional<std::size_t> line_of_object_start(const char* first_key);

  // Values arriving at the current place in the document.
  Value* value_slot();
  void value_done(const char* position);

  // Semantic steps.
  void process_entry();
  void process_context();
  void finish();
  void error(std::string pointer, std::optional<std::size_t> line, std::string message,
             std::string hint = {});
  void note(Severity severity, std::string pointer, std::string message, std::string hint = {});
  std::size_t benchmark_for(std::string_view run_name, std::optional<std::size_t> line);

  std::string_view m_text;
  const std::string& m_source;
  Diagnostics m_diagnostics;
  RunSet m_run_set;
  std::deque<Benchmark> m_benchmarks;
  std::deque<BenchmarkState> m_states;
  std::unordered_map<std::string_view, std::size_t> m_index;  // run name -> m_benchmarks index

  // Parse state.
  std::vector<Frame> m_frames;
  std::string m_root_key;
  std::optional<std::size_t> m_root_key_line;
  bool m_root_seen = false;
  std::size_t m_root_line = 1;  // of the first token
  bool m_root_is_object = false;
  bool m_has_context = false;
  bool m_has_benchmarks = false;
  std::optional<std::size_t> m_benchmarks_line;
  std::size_t m_entry_count = 0;  // elements of "benchmarks" seen
  FieldList m_entry;
  std::optional<std::size_t> m_entry_line;
  FieldList m_context;
  std::optional<std::size_t> m_context_line;
  bool m_key_started = false;
  bool m_string_started = false;
  Value* m_string_slot = nullptr;
  Value m_scratch;

  // Position tracking over the protected piece being parsed.
  std::string_view m_piece;  // the piece being parsed (into the text or the protector's buffer)
  std::string m_previous_tail;  // the end of the previous piece, for object starts
  std::size_t m_piece_line = 1;       // line at the start of m_piece
  std::vector<std::size_t> m_newlines;  // offsets of the newlines in m_piece
  std::size_t m_newline_cursor = 0;     // newlines before the last position asked for

  // Findings for the notes.
  std::size_t m_last_entry_benchmark = std::numeric_limits<std::size_t>::max();
  std::vector<std::string> m_shadowed_keys;  // built-in keys repeated by a user counter
  std::size_t m_shadowed_entries = 0;
  std::vector<std::string> m_ignored_keys;  // non-numeric unknown fields
  std::size_t m_thread_name_mismatches = 0;
  std::optional<std::size_t> m_first_thread_mismatch;
  bool m_memory_with_repetitions = false;
  std::vector<std::string> m_context_repeats;
  std::vector<MetricField> m_metrics;  // of the entry being read, reused
  // Entries whose name is not what Google Benchmark derives from their run_name.
  struct NameMismatch {
    std::size_t entry = 0;
    std::optional<std::size_t> line;
    std::string name;
    std::string run_name;
    std::string claimed;  // the benchmark the name stands for
  };
  std::vector<NameMismatch> m_name_mismatches;
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

  explicit Handler(GbenchReader* reader) : m_reader(reader) {}

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
  GbenchReader* m_reader;
  std::string m_number;  // the parts of a number read so far
};

// ---------------------------------------------------------------------------------------------
// Positions.

std::optional<std::size_t> GbenchReader::line_of(const char* position) {
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
std::optional<std::size_t> GbenchReader::line_of_object_start(const char* first_key) {
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

Value* GbenchReader::value_slot() {
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

void GbenchReader::on_key_part(std::string_view part, bool complete) {
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

void GbenchReader::on_string_part(std::string_view part, bool complete) {
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

void GbenchReader::on_scalar(const Value& value, std::string_view token) {
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

// A scalar has arrived where `value_slot()` pointed; `position` is where it starts, if known.
void GbenchReader::value_done(const char* position) {
  if (m_frames.empty()) {
    const std::optional<std::size_t> line = line_of(position);
    m_root_seen = true;
    m_not_an_object = Diagnostic{
        Severity::error, m_source, line ? line : m_root_line, "",
        "expected a JSON object at the top level, got " + describe(m_scratch),
        "Google Benchmark's JSON output is an object with \"context\" and \"benchmarks\""};
    return;
  }
  switch (m_frames.back()) {
    case Frame::root:
      if (m_root_key == "benchmarks") {
        error("/benchmarks", m_root_key_line, "expected an array, got " + describe(m_scratch));
        m_has_benchmarks = true;
      } else if (m_root_key == "context") {
        error("/context", m_root_key_line, "expected an object, got " + describe(m_scratch));
        m_has_context = true;
      }
      return;
    case Frame::benchmarks: {
      const std::size_t index = m_entry_count++;
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

void GbenchReader::on_container_begin(bool is_object) {
  if (m_frames.empty()) {
    if (!m_root_seen && is_object) {
      m_root_seen = true;
      m_root_is_object = true;
      m_frames.push_back(Frame::root);
      return;
    }
    m_root_seen = true;
    m_not_an_object = Diagnostic{
        Severity::error, m_source, m_root_line, "",
        std::string("expected a JSON object at the top level, got ") +
            (is_object ? "an object" : "an array"),
        "Google Benchmark's JSON output is an object with \"context\" and \"benchmarks\""};
    m_frames.push_back(Frame::skip);
    return;
  }
  switch (m_frames.back()) {
    case Frame::root: {
      const auto type_error = [&](std::string_view pointer, std::string_view expected) {
        error(std::string(pointer), m_root_key_line,
              "expected " + std::string(expected) + ", got " +
                  (is_object ? "an object" : "an array"));
      };
      if (m_root_key == "benchmarks") {
        if (m_has_benchmarks) {
          error("/benchmarks", m_root_key_line, "duplicate key \"benchmarks\"",
                "a results file holds one \"benchmarks\" array: were two outputs merged?");
          m_frames.push_back(Frame::skip);
          return;
        }
        m_has_benchmarks = true;
        m_benchmarks_line = m_root_key_line;
        if (is_object) {
          type_error("/benchmarks", "an array");
          m_frames.push_back(Frame::skip);
          return;
        }
        m_frames.push_back(Frame::benchmarks);
        return;
      }
      if (m_root_key == "context") {
        if (m_has_context) {
          error("/context", m_root_key_line, "duplicate key \"context\"",
                "a results file holds one \"context\" object: were two outputs merged?");
          m_frames.push_back(Frame::skip);
          return;
        }
        m_has_context = true;
        m_context_line = m_root_key_line;
        if (!is_object) {
          type_error("/context", "an object");
          m_frames.push_back(Frame::skip);
          return;
        }
        m_context.clear();
        m_frames.push_back(Frame::context);
        return;
      }
      m_frames.push_back(Frame::skip);
      return;
    }
    case Frame::benchmarks:
      if (is_object) {
        m_entry.clear();
        m_entry_line.reset();
        m_frames.push_back(Frame::entry);
        return;
      }
      error(pointer_append("/benchmarks", m_entry_count++), std::nullopt,
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

void GbenchReader::on_container_end() {
  if (m_frames.empty()) {
    return;
  }
  const Frame frame = m_frames.back();
  m_frames.pop_back();
  if (frame == Frame::entry) {
    process_entry();
    ++m_entry_count;
  } else if (frame == Frame::context) {
    process_context();
  }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics.

void GbenchReader::error(std::string pointer, std::optional<std::size_t> line, std::string message,
                         std::string hint) {
  m_diagnostics.add(Diagnostic{Severity::error, m_source, line, std::move(pointer),
                               std::move(message), std::move(hint)});
}

void GbenchReader::note(Severity severity, std::string pointer, std::string message,
                        std::string hint) {
  m_run_set.notes.push_back(Diagnostic{severity, m_source, std::nullopt, std::move(pointer),
                                       std::move(message), std::move(hint)});
}

std::size_t GbenchReader::benchmark_for(std::string_view run_name,
                                        std::optional<std::size_t> line) {
  if (const auto it = m_index.find(run_name); it != m_index.end()) {
    return it->second;
  }
  const std::size_t index = m_benchmarks.size();
  Benchmark& benchmark = m_benchmarks.emplace_back();
  benchmark.name = std::string(run_name);
  benchmark.family = family_of(run_name);
  BenchmarkState& state = m_states.emplace_back();
  state.first_line = line;
  m_index.emplace(std::string_view(benchmark.name), index);
  return index;
}

// ---------------------------------------------------------------------------------------------
// One entry of "benchmarks".

void GbenchReader::process_entry() {
  const std::size_t entry_index = m_entry_count;
  std::string pointer_text;  // built only for messages
  const auto pointer = [&]() -> const std::string& {
    if (pointer_text.empty()) {
      pointer_text = pointer_append("/benchmarks", entry_index);
    }
    return pointer_text;
  };
  const std::optional<std::size_t> entry_line = m_entry_line;
  const std::size_t errors_before = m_diagnostics.error_count();

  // Sort out the keys: Google Benchmark's own (first occurrence), metrics, ignored fields.
  std::array<const Field*, k_key_count> slots{};
  std::vector<MetricField>& metrics = m_metrics;
  metrics.clear();
  const auto duplicate = [&](const Field& field, const Field& first) {
    error(pointer_append(pointer(), field.key), field.line,
          "duplicate key \"" + field.key + "\"" +
              (first.line ? " (first on line " + std::to_string(*first.line) + ")" : std::string()),
          "an entry names each field once: was the file edited or merged by hand?");
  };
  for (std::size_t i = 0; i < m_entry.size; ++i) {
    const Field& field = m_entry.fields[i];
    std::optional<std::string_view> named;
    if (const std::optional<Key> key = key_of(field.key)) {
      const Field*& first = slots[static_cast<std::size_t>(*key)];
      if (first == nullptr) {
        first = &field;
        continue;
      }
      if (*key >= Key::label || !field.value.is_number()) {
        duplicate(field, *first);
        continue;
      }
      // Google Benchmark writes its own keys before the user counters: a repeat is a user
      // counter that shares the name (1.9.4 files with a counter named "threads").
      if (std::find(m_shadowed_keys.begin(), m_shadowed_keys.end(), field.key) ==
          m_shadowed_keys.end()) {
        m_shadowed_keys.push_back(field.key);
      }
      ++m_shadowed_entries;
    } else {
      named = named_metric_of(field.key);
    }
    if (named && !field.value.is_number()) {
      // Google Benchmark's own rate and memory fields are numbers; anything else would read as
      // 0 ("max_bytes_used improved by 100%").
      error(pointer_append(pointer(), field.key), field.line,
            "expected a number, got " + describe(field.value));
      continue;
    }
    if (!named && !field.value.is_number()) {
      if (m_ignored_keys.size() < 8 && std::find(m_ignored_keys.begin(), m_ignored_keys.end(),
                                                 field.key) == m_ignored_keys.end()) {
        m_ignored_keys.push_back(field.key);
      }
      continue;
    }
    const auto earlier = std::find_if(metrics.begin(), metrics.end(), [&](const MetricField& m) {
      return m.field->key == field.key;
    });
    if (earlier != metrics.end()) {
      duplicate(field, *earlier->field);
      continue;
    }
    metrics.push_back({&field, named ? *named : std::string_view(field.key), !named});
  }

  const auto slot = [&](Key key) { return slots[static_cast<std::size_t>(key)]; };
  const auto field_pointer = [&](const Field& field) {
    return pointer_append(pointer(), field.key);
  };
  const auto type_error = [&](const Field& field, std::string_view expected) {
    error(field_pointer(field), field.line,
          "expected " + std::string(expected) + ", got " + describe(field.value));
  };
  const auto missing = [&](Key key, std::string_view why) {
    error(pointer(), entry_line,
          "missing \"" + std::string(k_key_names[static_cast<std::size_t>(key)]) + "\"" +
              std::string(why));
  };
  const auto get_string = [&](Key key) -> std::optional<std::string_view> {
    const Field* field = slot(key);
    if (field == nullptr) {
      return std::nullopt;
    }
    if (field->value.kind != Kind::string) {
      type_error(*field, "a string");
      return std::nullopt;
    }
    return std::string_view(field->value.text);
  };
  const auto get_bool = [&](Key key) -> std::optional<bool> {
    const Field* field = slot(key);
    if (field == nullptr) {
      return std::nullopt;
    }
    if (field->value.kind != Kind::boolean) {
      type_error(*field, "true or false");
      return std::nullopt;
    }
    return field->value.boolean;
  };
  // A whole number from `minimum` to `maximum`; anything else is an error, never a cast.
  const auto get_integer = [&](Key key, std::int64_t minimum,
                               std::int64_t maximum = std::numeric_limits<std::int64_t>::max())
      -> std::optional<std::int64_t> {
    const Field* field = slot(key);
    if (field == nullptr) {
      return std::nullopt;
    }
    const Value& value = field->value;
    const bool below = (value.kind == Kind::integer && value.integer < minimum) ||
                       (value.kind == Kind::number && value.number < static_cast<double>(minimum));
    if (!is_whole_number(value) || below) {
      type_error(*field, minimum > 0 ? "a positive integer" : "a non-negative integer");
      return std::nullopt;
    }
    const std::optional<std::int64_t> integer = integer_of(value);
    if (!integer || *integer > maximum) {
      type_error(*field, "an integer from " + std::to_string(minimum) + " to " +
                             std::to_string(maximum));
      return std::nullopt;
    }
    return integer;
  };
  const auto get_number = [&](Key key) -> std::optional<double> {
    const Field* field = slot(key);
    if (field == nullptr) {
      return std::nullopt;
    }
    if (!field->value.is_number()) {
      type_error(*field, "a number");
      return std::nullopt;
    }
    return field->value.as_double();
  };

  // Identity.
  std::optional<std::string_view> name = get_string(Key::name);
  if (slot(Key::name) == nullptr) {
    missing(Key::name, "");
  }
  if (name && name->empty()) {
    type_error(*slot(Key::name), "a non-empty string");
    name.reset();
  }
  std::optional<std::string_view> run_name = get_string(Key::run_name);
  if (run_name && run_name->empty()) {
    type_error(*slot(Key::run_name), "a non-empty string");
    run_name.reset();
  }
  const std::optional<std::string_view> run_type = get_string(Key::run_type);
  if (run_type && *run_type != "iteration" && *run_type != "aggregate") {
    type_error(*slot(Key::run_type), "\"iteration\" or \"aggregate\"");
  }
  std::optional<std::string_view> aggregate_name = get_string(Key::aggregate_name);
  const std::optional<std::string_view> aggregate_unit = get_string(Key::aggregate_unit);
  if (aggregate_unit && *aggregate_unit != "time" && *aggregate_unit != "percentage") {
    type_error(*slot(Key::aggregate_unit), "\"time\" or \"percentage\"");
  }
  (void)get_integer(Key::family_index, 0);
  (void)get_integer(Key::per_family_instance_index, 0);
  const std::optional<std::int64_t> repetitions =
      get_integer(Key::repetitions, 0, k_max_repetitions);
  const std::optional<std::int64_t> repetition_index =
      get_integer(Key::repetition_index, 0, k_max_repetitions - 1);
  int threads_field = 0;  // 0: no "threads" field (before 1.5)
  if (const auto value = get_integer(Key::threads, 1, k_max_threads)) {
    threads_field = static_cast<int>(*value);
  }
  const bool errored = get_bool(Key::error_occurred).value_or(false);
  const std::optional<std::string_view> error_message = get_string(Key::error_message);
  const bool skipped = get_bool(Key::skipped).value_or(false);
  const std::optional<std::string_view> skip_message = get_string(Key::skip_message);
  const std::optional<std::string_view> label = get_string(Key::label);
  const std::optional<std::string_view> big_o = get_string(Key::big_o);
  const std::optional<double> cpu_coefficient = get_number(Key::cpu_coefficient);
  const std::optional<double> real_coefficient = get_number(Key::real_coefficient);
  const std::optional<double> rms = get_number(Key::rms);

  std::optional<std::string_view> time_unit = get_string(Key::time_unit);
  std::optional<double> factor;
  if (time_unit) {
    factor = time_unit_factor(*time_unit);
    if (!factor) {
      error(field_pointer(*slot(Key::time_unit)), slot(Key::time_unit)->line,
            "expected a time unit (" + time_unit_list("\"") + "), got " +
                describe(slot(Key::time_unit)->value));
      time_unit.reset();
    }
  }

  if (!name) {
    return;  // nothing can be said about an entry without a name
  }

  // What kind of entry this is and which benchmark it belongs to.
  enum class EntryKind { iteration, aggregate, complexity };
  EntryKind kind = EntryKind::iteration;
  std::string_view base = run_name.value_or(*name);
  const bool is_complexity = slot(Key::big_o) != nullptr || slot(Key::rms) != nullptr ||
                             slot(Key::cpu_coefficient) != nullptr ||
                             (aggregate_name && (*aggregate_name == "BigO" || *aggregate_name == "RMS"));
  if (is_complexity) {
    kind = EntryKind::complexity;
    if (!run_name) {
      // Before 1.5: "<family>_BigO" and "<family>_RMS".
      for (const std::string_view suffix : {std::string_view("_BigO"), std::string_view("_RMS")}) {
        if (ends_with(*name, suffix) && name->size() > suffix.size()) {
          base = name->substr(0, name->size() - suffix.size());
        }
      }
    }
  } else if (run_type) {
    kind = *run_type == "aggregate" ? EntryKind::aggregate : EntryKind::iteration;
    if (kind == EntryKind::aggregate && !aggregate_name) {
      missing(Key::aggregate_name, " (an aggregate entry names its statistic)");
      return;
    }
  } else if (!run_name) {
    // Before 1.5 aggregates are only recognisable by name: "<run>_<statistic>". A custom
    // statistic is recognised when it follows the repetitions of its run; the built-in ones also
    // when the repetitions are absent (--benchmark_report_aggregates_only).
    if (m_last_entry_benchmark < m_benchmarks.size()) {
      const std::string& last = m_benchmarks[m_last_entry_benchmark].name;
      const BenchmarkState& last_state = m_states[m_last_entry_benchmark];
      if (name->size() > last.size() + 1 && name->substr(0, last.size()) == last &&
          (*name)[last.size()] == '_' &&
          (last_state.iteration_rows >= 2 || last_state.has_aggregates)) {
        kind = EntryKind::aggregate;
        base = name->substr(0, last.size());
        aggregate_name = name->substr(last.size() + 1);
      }
    }
    if (kind == EntryKind::iteration) {
      const std::size_t underscore = name->rfind('_');
      if (underscore != std::string_view::npos && underscore > 0) {
        const std::string_view statistic = name->substr(underscore + 1);
        if (std::find(k_legacy_statistics.begin(), k_legacy_statistics.end(), statistic) !=
            k_legacy_statistics.end()) {
          kind = EntryKind::aggregate;
          base = name->substr(0, underscore);
          aggregate_name = statistic;
        }
      }
    }
  }

  // The fields each kind of entry needs.
  const bool not_measured = errored || skipped;
  std::optional<std::int64_t> iterations;
  std::optional<double> real_time;
  std::optional<double> cpu_time;
  if (kind != EntryKind::complexity) {
    iterations = get_integer(Key::iterations, not_measured || kind == EntryKind::aggregate ? 0 : 1);
    real_time = get_number(Key::real_time);
    cpu_time = get_number(Key::cpu_time);
    if (!not_measured) {
      if (slot(Key::time_unit) == nullptr) {
        missing(Key::time_unit, " (the unit of real_time and cpu_time)");
      }
      if (slot(Key::real_time) == nullptr) {
        missing(Key::real_time, "");
      }
      if (slot(Key::cpu_time) == nullptr) {
        missing(Key::cpu_time, "");
      }
      if (kind == EntryKind::iteration && slot(Key::iterations) == nullptr) {
        missing(Key::iterations, "");
      }
    }
    if (kind == EntryKind::iteration && !not_measured) {
      for (const Key key : {Key::real_time, Key::cpu_time}) {
        const std::optional<double>& value = key == Key::real_time ? real_time : cpu_time;
        if (value && (!std::isfinite(*value) || *value < 0)) {
          const Field& field = *slot(key);
          error(field_pointer(field), field.line,
                "expected a non-negative finite time, got " + describe(field.value),
                "times are always gated; a run that failed should say so with error_occurred");
        }
      }
    }
  } else {
    // Not used for a complexity entry, but a number all the same when present.
    (void)get_integer(Key::iterations, 0);
    (void)get_number(Key::real_time);
    (void)get_number(Key::cpu_time);
    if (slot(Key::big_o) != nullptr && slot(Key::time_unit) == nullptr) {
      missing(Key::time_unit, " (the unit of the complexity coefficients)");
    }
  }

  if (m_diagnostics.error_count() != errors_before) {
    return;  // a broken entry adds nothing to the model
  }

  // Fold the entry into its benchmark.
  const std::size_t index = benchmark_for(base, entry_line);
  Benchmark& benchmark = m_benchmarks[index];
  BenchmarkState& state = m_states[index];
  const auto quoted = [&] { return "\"" + benchmark.name + "\""; };

  // Google Benchmark (1.5 on) writes the name as the run_name, plus "_<aggregate_name>" for an
  // aggregate, BigO and RMS included. Anything else is kept for finish() to judge.
  if (run_name) {
    state.has_run_name = true;
    std::string_view statistic;
    if (kind != EntryKind::iteration) {
      statistic = aggregate_name ? *aggregate_name
                  : slot(Key::rms) != nullptr ? std::string_view("RMS")
                  : kind == EntryKind::complexity ? std::string_view("BigO")
                                                  : std::string_view();
    }
    const bool suffixed = !statistic.empty();
    const bool as_written =
        suffixed ? name->size() == run_name->size() + 1 + statistic.size() &&
                       name->substr(0, run_name->size()) == *run_name &&
                       (*name)[run_name->size()] == '_' && ends_with(*name, statistic)
                 : *name == *run_name;
    if (!as_written) {
      std::string_view claimed = *name;
      if (suffixed && claimed.size() > statistic.size() + 1 && ends_with(claimed, statistic) &&
          claimed[claimed.size() - statistic.size() - 1] == '_') {
        claimed.remove_suffix(statistic.size() + 1);
      }
      m_name_mismatches.push_back({entry_index, entry_line, std::string(*name),
                                   std::string(*run_name), std::string(claimed)});
    }
  }

  if (kind == EntryKind::complexity) {
    if (!benchmark.complexity) {
      benchmark.complexity.emplace();
    }
    Complexity& complexity = *benchmark.complexity;
    const bool is_rms = slot(Key::rms) != nullptr || (aggregate_name && *aggregate_name == "RMS");
    bool& seen = is_rms ? state.has_complexity_rms : state.has_complexity_big_o;
    std::optional<std::size_t>& seen_line = is_rms ? state.rms_line : state.big_o_line;
    if (seen) {
      error(pointer(), entry_line,
            std::string(is_rms ? "RMS" : "BigO") + " of " + quoted() + " appears twice" +
                (seen_line ? " (first on line " + std::to_string(*seen_line) + ")" : ""),
            "were two result files concatenated?");
      return;
    }
    seen = true;
    seen_line = entry_line;
    if (big_o) {
      complexity.big_o = std::string(*big_o);
    }
    const double unit = factor.value_or(1.0);
    if (cpu_coefficient) {
      complexity.cpu_coefficient = *cpu_coefficient * unit;
    }
    if (real_coefficient) {
      complexity.real_coefficient = *real_coefficient * unit;
    }
    if (rms) {
      complexity.rms = *rms;
    }
    if (benchmark.time_unit.empty() && time_unit) {
      benchmark.time_unit = std::string(*time_unit);
    }
    if (benchmark.label.empty() && label) {
      benchmark.label = std::string(*label);
    }
    m_last_entry_benchmark = index;
    state.last_entry = entry_index;
    return;
  }

  // Threads: the field, or before 1.5 the "/threads:N" part of the name.
  const std::optional<int> threads_in_name = threads_from_name(base);
  const int threads = threads_field > 0 ? threads_field : threads_in_name.value_or(1);
  if (threads_field > 0 && threads_in_name && *threads_in_name != threads) {
    ++m_thread_name_mismatches;
    if (!m_first_thread_mismatch) {
      m_first_thread_mismatch = entry_index;
    }
  }

  // Entries of the same benchmark must agree with each other.
  if (state.has_rows) {
    if (threads != state.threads) {
      error(slot(Key::threads) ? field_pointer(*slot(Key::threads)) : pointer(),
            slot(Key::threads) ? slot(Key::threads)->line : entry_line,
            "threads " + std::to_string(threads) + " contradicts threads " +
                std::to_string(state.threads) + " of the earlier entry for " + quoted() +
                at_line(state.first_line),
            "entries of one benchmark come from one run: were two result files merged?");
    }
    if (time_unit && !benchmark.time_unit.empty() && *time_unit != benchmark.time_unit) {
      error(field_pointer(*slot(Key::time_unit)), slot(Key::time_unit)->line,
            "time_unit \"" + std::string(*time_unit) + "\" contradicts \"" + benchmark.time_unit +
                "\" of the earlier entry for " + quoted() + at_line(state.first_line),
            "entries of one benchmark come from one run: were two result files merged?");
    }
    if (repetitions && *repetitions > 0 && state.repetitions > 0 &&
        *repetitions != state.repetitions) {
      error(field_pointer(*slot(Key::repetitions)), slot(Key::repetitions)->line,
            "repetitions " + std::to_string(*repetitions) + " contradicts repetitions " +
                std::to_string(state.repetitions) + " of the earlier entry for " + quoted() +
                at_line(state.first_line),
            "entries of one benchmark come from one run: were two result files merged?");
    }
  }
  if (kind == EntryKind::iteration) {
    if (repetition_index) {
      const std::int64_t limit = repetitions && *repetitions > 0 ? *repetitions
                                 : state.repetitions > 0          ? state.repetitions
                                                                  : k_max_repetitions;
      if (*repetition_index >= limit) {
        error(field_pointer(*slot(Key::repetition_index)), slot(Key::repetition_index)->line,
              "repetition_index " + std::to_string(*repetition_index) +
                  " is out of range for " + std::to_string(limit) + " repetitions of " + quoted());
      } else {
        std::size_t& seen_line = state.line_of_index(static_cast<std::size_t>(*repetition_index));
        if (seen_line != 0) {
          const std::size_t first = seen_line;
          error(field_pointer(*slot(Key::repetition_index)), slot(Key::repetition_index)->line,
                "repetition " + std::to_string(*repetition_index) + " of " + quoted() +
                    " appears twice" +
                    (first != k_unknown_line ? " (first on line " + std::to_string(first) + ")"
                                             : std::string()),
                "were two result files concatenated?");
        } else {
          seen_line = entry_line.value_or(k_unknown_line);
        }
      }
    } else if (state.iteration_rows > 0 &&
               (m_last_entry_benchmark != index || state.has_aggregates)) {
      // Without repetition_index (before 1.5) the repetitions of a benchmark are consecutive.
      error(pointer(), entry_line,
            "duplicate benchmark " + quoted() + ": first on line " +
                (state.first_line ? std::to_string(*state.first_line) : std::string("?")) +
                ", and its repetitions are not consecutive",
            "were two result files concatenated?");
    }
  } else {
    const std::string statistic(aggregate_name.value_or(""));
    const auto seen = std::find_if(state.aggregate_lines.begin(), state.aggregate_lines.end(),
                                   [&](const auto& entry) { return entry.first == statistic; });
    if (seen != state.aggregate_lines.end()) {
      error(pointer(), entry_line,
            "aggregate \"" + statistic + "\" of " + quoted() + " appears twice" +
                (seen->second ? " (first on line " + std::to_string(*seen->second) + ")"
                              : std::string()),
            "were two result files concatenated?");
    } else {
      state.aggregate_lines.emplace_back(statistic, entry_line);
    }
  }
  if (m_diagnostics.error_count() != errors_before) {
    return;
  }

  if (!state.has_rows) {
    benchmark.metrics.reserve(2 + metrics.size());
    state.has_rows = true;
    state.threads = threads;
    benchmark.threads = threads;
  }
  if (repetitions && *repetitions > 0 && state.repetitions == 0) {
    state.repetitions = *repetitions;
  }
  if (time_unit && benchmark.time_unit.empty()) {
    benchmark.time_unit = std::string(*time_unit);
  }
  if (label && benchmark.label.empty()) {
    benchmark.label = std::string(*label);
  }
  m_last_entry_benchmark = index;
  state.last_entry = entry_index;

  if (kind == EntryKind::iteration && not_measured) {
    state.all_measured = false;
  }
  if (errored) {
    benchmark.errored = true;
    if (benchmark.error_message.empty() && error_message) {
      benchmark.error_message = std::string(*error_message);
    }
  }
  if (skipped) {
    benchmark.skipped = true;
    if (benchmark.skip_message.empty() && skip_message) {
      benchmark.skip_message = std::string(*skip_message);
    }
  }

  // The metrics.
  const auto series_for = [&](const MetricField& metric) -> MetricSeries& {
    std::vector<MetricSeries>& all = benchmark.metrics;
    if (state.metric_cursor < all.size() && series_matches(all[state.metric_cursor], metric)) {
      return all[state.metric_cursor++];
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (series_matches(all[i], metric)) {
        state.metric_cursor = i + 1;
        return all[i];
      }
    }
    MetricSeries& added = metric.is_counter
                              ? benchmark.series(std::string(metric::k_counter_prefix) +
                                                 std::string(metric.metric))
                              : benchmark.series(metric.metric);
    if (!metric.is_counter && (metric.metric == "total_allocated_bytes" ||
                               metric.metric == "net_heap_growth")) {
      added.unit = "B";
    }
    if (kind == EntryKind::iteration) {
      // What the file claims, within reason: the samples are what its rows hold.
      added.samples.reserve(
          static_cast<std::size_t>(std::clamp<std::int64_t>(state.repetitions, 1, 64)));
    }
    state.metric_cursor = all.size();
    return added;
  };
  state.metric_cursor = 0;
  const MetricField real_metric{slot(Key::real_time), metric::k_real_time, false};
  const MetricField cpu_metric{slot(Key::cpu_time), metric::k_cpu_time, false};

  if (kind == EntryKind::iteration) {
    ++state.iteration_rows;
    if (iterations) {
      benchmark.iterations = *iterations;
    }
    if (not_measured) {
      return;  // an errored or skipped repetition measured nothing; the flags say so
    }
    const double unit = factor.value_or(1.0);
    series_for(real_metric).samples.push_back(*real_time * unit);
    series_for(cpu_metric).samples.push_back(*cpu_time * unit);
    for (const MetricField& metric : metrics) {
      series_for(metric).samples.push_back(metric.field->value.as_double());
      if (!metric.is_counter && is_memory_metric(metric.metric) &&
          (state.repetitions > 1 || state.iteration_rows > 1)) {
        m_memory_with_repetitions = true;
      }
    }
    return;
  }

  // An aggregate: percentages (cv) are fractions already; times are scaled to nanoseconds.
  state.has_aggregates = true;
  const std::string statistic(aggregate_name.value_or(""));
  if (statistic == "cv" && aggregate_unit && *aggregate_unit == "percentage") {
    state.cv_is_fraction = true;
  }
  const double unit = aggregate_unit && *aggregate_unit == "percentage" ? 1.0 : factor.value_or(1.0);
  if (real_time) {
    series_for(real_metric).aggregates[statistic] = *real_time * unit;
  }
  if (cpu_time) {
    series_for(cpu_metric).aggregates[statistic] = *cpu_time * unit;
  }
  for (const MetricField& metric : metrics) {
    series_for(metric).aggregates[statistic] = metric.field->value.as_double();
  }
}

// ---------------------------------------------------------------------------------------------
// The context.

void GbenchReader::process_context() {
  RunContext& context = m_run_set.context;
  std::vector<std::string_view> seen;
  seen.reserve(m_context.size);
  for (const Field& field : m_context) {
    const std::string pointer = pointer_append("/context", field.key);
    const auto type_error = [&](std::string_view expected) {
      error(pointer, field.line, "expected " + std::string(expected) + ", got " + describe(field.value));
    };
    const bool repeated = std::find(seen.begin(), seen.end(), field.key) != seen.end();
    seen.push_back(field.key);
    const auto as_string = [&](std::string& out) {
      if (field.value.kind == Kind::string) {
        out = field.value.text;
      } else {
        type_error("a string");
      }
    };
    const std::string_view key = field.key;
    if (!repeated) {
      if (key == "date") {
        as_string(context.date);
        continue;
      }
      if (key == "host_name") {
        as_string(context.host_name);
        continue;
      }
      if (key == "executable") {
        as_string(context.executable);
        continue;
      }
      if (key == "library_version") {
        as_string(context.library_version);
        continue;
      }
      if (key == "library_build_type") {
        as_string(context.library_build_type);
        continue;
      }
      if (key == "num_cpus") {
        if (const auto value = integer_of(field.value);
            value && *value >= 0 && *value <= std::numeric_limits<int>::max()) {
          context.num_cpus = static_cast<int>(*value);
        } else {
          type_error("a non-negative integer");
        }
        continue;
      }
      if (key == "mhz_per_cpu") {
        if (field.value.is_number()) {
          context.mhz_per_cpu = field.value.as_double();
        } else {
          type_error("a number");
        }
        continue;
      }
      if (key == "cpu_scaling_enabled") {
        if (field.value.kind == Kind::boolean) {
          context.cpu_scaling_enabled = field.value.boolean;
        } else {
          type_error("true or false");
        }
        continue;
      }
      if (key == "json_schema_version") {
        if (const auto value = integer_of(field.value);
            value && *value >= 0 && *value <= std::numeric_limits<int>::max()) {
          context.json_schema_version = static_cast<int>(*value);
        } else {
          type_error("a non-negative integer");
        }
        continue;
      }
      if (key == "caches" || key == "load_avg") {
        continue;  // machine description perfgate does not use
      }
    } else if (std::find(m_context_repeats.begin(), m_context_repeats.end(), field.key) ==
               m_context_repeats.end()) {
      m_context_repeats.push_back(field.key);
    }
    // Everything else (custom --benchmark_context keys, aslr_enabled, ...) as text.
    std::string text;
    switch (field.value.kind) {
      case Kind::string:
        text = field.value.text;
        break;
      case Kind::boolean:
        text = field.value.boolean ? "true" : "false";
        break;
      case Kind::integer:
        text = std::to_string(field.value.integer);
        break;
      case Kind::unsigned_integer:
        text = std::to_string(field.value.unsigned_integer);
        break;
      case Kind::number:
        text = format_number(field.value.number);
        break;
      case Kind::null:
        text = "null";
        break;
      case Kind::array:
      case Kind::object:
        continue;
    }
    context.extra[field.key] = std::move(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Google Benchmark's own statistics (src/statistics.cc), recomputed from the rows to check the
// aggregates it wrote next to them.

struct RowStatistics {
  double mean = 0;
  double median = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 for one row, as Google Benchmark
  double largest = 0;  // the largest magnitude, the scale of rounding errors
};

RowStatistics statistics_of(std::vector<double> values) {
  RowStatistics out;
  const auto n = static_cast<double>(values.size());
  for (const double value : values) {
    out.mean += value;
    out.largest = std::max(out.largest, std::fabs(value));
  }
  out.mean /= n;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  out.median = values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  if (values.size() > 1) {
    double squares = 0;
    for (const double value : values) {
      squares += (value - out.mean) * (value - out.mean);
    }
    out.stddev = std::sqrt(squares / (n - 1));
  }
  return out;
}

// The value the rows give for Google Benchmark's `statistic`, and how far the written aggregate
// may be from it: the last digits of the written numbers and Google Benchmark's own rounding
// (its variance is E[x^2] - E[x]^2, which loses about 1e-8 of the mean). nullopt for statistics
// it does not know how to recompute (custom statistics, a cv of unknown unit).
struct Expected {
  double value = 0;
  double tolerance = 0;
};
std::optional<Expected> expected_aggregate(const RowStatistics& rows, std::string_view statistic,
                                           bool cv_is_fraction) {
  constexpr double k_exact = 1e-9;     // mean and median: only the printed digits differ
  constexpr double k_spread = 1e-6;    // stddev and cv: Google Benchmark's cancellation
  if (statistic == "mean") {
    return Expected{rows.mean, k_exact * rows.largest};
  }
  if (statistic == "median") {
    return Expected{rows.median, k_exact * rows.largest};
  }
  if (statistic == "stddev") {
    return Expected{rows.stddev, k_spread * rows.largest};
  }
  if (statistic == "cv" && cv_is_fraction && rows.mean != 0) {
    return Expected{rows.stddev / rows.mean, k_spread * rows.largest / std::fabs(rows.mean)};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// After the last entry.

void GbenchReader::finish() {
  if (!m_root_is_object) {
    return;
  }
  if (!m_has_benchmarks) {
    error("", std::nullopt, "missing \"benchmarks\": this is not Google Benchmark JSON output",
          "write it with --benchmark_out=<file> --benchmark_out_format=json");
    return;
  }
  if (m_entry_count == 0) {
    error("/benchmarks", m_benchmarks_line, "no benchmarks: did the filter match nothing?",
          "check --benchmark_filter; Google Benchmark exits 0 when no benchmark matches");
    return;
  }
  if (!m_has_context) {
    note(Severity::warning, "", "no \"context\": the machine and library version are unknown");
  }

  // Notes: odd but legal.
  std::size_t aggregates_only = 0;
  std::string first_aggregates_only;
  std::size_t uneven = 0;
  std::string first_uneven;
  std::size_t short_runs = 0;  // fewer (or more) iteration entries than "repetitions" says
  std::string first_short_run;
  std::size_t contradictions = 0;  // aggregates the rows do not give
  std::string first_contradiction;
  for (std::size_t i = 0; i < m_benchmarks.size(); ++i) {
    const Benchmark& benchmark = m_benchmarks[i];
    const BenchmarkState& state = m_states[i];
    if (state.has_aggregates && state.iteration_rows == 0) {
      if (aggregates_only++ == 0) {
        first_aggregates_only = benchmark.name;
      }
    }
    if (state.repetitions > 0 && state.iteration_rows > 0 &&
        state.iteration_rows != static_cast<std::size_t>(state.repetitions)) {
      if (short_runs++ == 0) {
        first_short_run = "\"" + benchmark.name + "\": repetitions " +
                          std::to_string(state.repetitions) + ", " +
                          std::to_string(state.iteration_rows) + " iteration entr" +
                          (state.iteration_rows == 1 ? "y" : "ies");
      }
    }
    // Aggregates against the rows: only where both are complete and mean the same (1.5 on, every
    // repetition measured, as many samples as rows).
    if (state.has_aggregates && state.has_run_name && state.all_measured &&
        state.iteration_rows > 0) {
      for (const MetricSeries& series : benchmark.metrics) {
        if (series.aggregates.empty() || series.samples.size() != state.iteration_rows) {
          continue;
        }
        const RowStatistics rows = statistics_of(series.samples);
        for (const auto& [statistic, written] : series.aggregates) {
          const std::optional<Expected> expected =
              expected_aggregate(rows, statistic, state.cv_is_fraction);
          if (!expected || !std::isfinite(written) || !std::isfinite(expected->value) ||
              std::fabs(written - expected->value) <= expected->tolerance) {
            continue;
          }
          if (contradictions++ == 0) {
            first_contradiction = "\"" + benchmark.name + "\" " + series.name + " " + statistic +
                                  " " + format_general(written, 6) + ", but its " +
                                  std::to_string(series.samples.size()) + " repetitions give " +
                                  format_general(expected->value, 6);
          }
        }
      }
    }
    const MetricSeries* real = benchmark.find(metric::k_real_time);
    if (real != nullptr && !real->samples.empty()) {
      for (const MetricSeries& series : benchmark.metrics) {
        if (series.samples.size() != real->samples.size()) {
          if (uneven++ == 0) {
            first_uneven = benchmark.name + " (" + series.name + ": " +
                           std::to_string(series.samples.size()) + " of " +
                           std::to_string(real->samples.size()) + " samples)";
          }
          break;
        }
      }
    }
  }
  if (short_runs > 0) {
    note(Severity::warning, "/benchmarks",
         std::to_string(short_runs) + " of " + std::to_string(m_benchmarks.size()) +
             " benchmarks have a number of iteration entries other than their \"repetitions\" "
             "(first: " + first_short_run + ")",
         "was the run cut short (a crash, a timeout) or were entries removed? The missing "
         "repetitions are not compared");
  }
  if (contradictions > 0) {
    note(Severity::warning, "/benchmarks",
         std::to_string(contradictions) +
             " of Google Benchmark's aggregates contradict the repetitions they summarise "
             "(first: " + first_contradiction + ")",
         "aggregates and repetitions of one run always agree: were entries edited, or two runs "
         "merged? perfgate compares the repetitions");
  }
  // Names: an entry whose name is another benchmark's is ambiguous (which one did it measure?);
  // any other difference is reported once, and the entry counts under its run_name.
  std::size_t renamed = 0;
  const NameMismatch* first_renamed = nullptr;
  for (const NameMismatch& mismatch : m_name_mismatches) {
    if (mismatch.claimed != mismatch.run_name && m_index.count(mismatch.claimed) > 0) {
      error(pointer_append(pointer_append("/benchmarks", mismatch.entry), "name"), mismatch.line,
            "name \"" + mismatch.name + "\" belongs to the benchmark \"" + mismatch.claimed +
                "\", but run_name says \"" + mismatch.run_name +
                "\": which benchmark this entry measured is ambiguous",
            "Google Benchmark writes the run_name as the name (plus \"_<statistic>\" for an "
            "aggregate): was the file edited or merged by hand?");
    } else if (renamed++ == 0) {
      first_renamed = &mismatch;
    }
  }
  if (first_renamed != nullptr) {
    note(Severity::warning, pointer_append("/benchmarks", first_renamed->entry) + "/name",
         std::to_string(renamed) + " entr" + (renamed == 1 ? "y has" : "ies have") +
             " a name that Google Benchmark would not write for its run_name (first: name \"" +
             first_renamed->name + "\", run_name \"" + first_renamed->run_name +
             "\"); they are read under their run_name",
         "Google Benchmark writes the run_name as the name (plus \"_<statistic>\" for an "
         "aggregate): was the file edited, or written by another tool?");
  }
  if (aggregates_only > 0) {
    note(Severity::warning, "/benchmarks",
         std::to_string(aggregates_only) + " of " + std::to_string(m_benchmarks.size()) +
             " benchmarks have only Google Benchmark's aggregates, no repetitions (first: \"" +
             first_aggregates_only + "\"); their metrics have aggregates and no samples",
         "was it run with --benchmark_report_aggregates_only? Without repetition samples only "
         "the aggregates can be compared");
  }
  if (uneven > 0) {
    note(Severity::warning, "/benchmarks",
         std::to_string(uneven) +
             " benchmarks have metrics missing from some repetitions, first: " + first_uneven);
  }
  if (!m_shadowed_keys.empty()) {
    std::string keys;
    for (const std::string& key : m_shadowed_keys) {
      keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
    }
    note(Severity::note, "/benchmarks",
         std::to_string(m_shadowed_entries) + " entries repeat Google Benchmark's own key " + keys +
             ": the first is read as Google Benchmark's field, the repeat as the user counter "
             "\"counter:<name>\"");
  }
  if (!m_ignored_keys.empty()) {
    std::string keys;
    for (const std::string& key : m_ignored_keys) {
      keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
    }
    note(Severity::note, "/benchmarks",
         "ignored fields that are neither Google Benchmark's own nor numeric counters: " + keys);
  }
  if (m_thread_name_mismatches > 0) {
    note(Severity::warning, pointer_append("/benchmarks", *m_first_thread_mismatch) + "/threads",
         std::to_string(m_thread_name_mismatches) +
             " entries have a \"threads\" field that differs from the \"/threads:N\" in their "
             "name; the field is used");
  }
  if (m_memory_with_repetitions) {
    note(Severity::warning, "/benchmarks",
         "memory-manager fields (allocs_per_iter, max_bytes_used, ...) with more than one "
         "repetition",
         "Google Benchmark 1.7.1 reports garbage memory figures when repetitions > 1; gate them "
         "from a single-repetition run");
  }
  if (!m_context_repeats.empty()) {
    std::string keys;
    for (const std::string& key : m_context_repeats) {
      keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
    }
    note(Severity::note, "/context",
         "context keys repeated (a --benchmark_context key named like Google Benchmark's own): " +
             keys + "; the first is read, the repeat is kept in the run context's extra fields");
  }
  if (m_run_set.context.json_schema_version && *m_run_set.context.json_schema_version > 1) {
    note(Severity::warning, "/context/json_schema_version",
         "json_schema_version " + std::to_string(*m_run_set.context.json_schema_version) +
             " is newer than the version 1 this reader knows; read as version 1");
  }
}

// ---------------------------------------------------------------------------------------------
// Driving the parse.

Result<RunSet> GbenchReader::read() {
  m_run_set.source = m_source;
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
    return m_diagnostics;
  }

  m_root_line = detail::line_of_offset(text, first_token);
  boost::json::basic_parser<Handler> parser(boost::json::parse_options{}, this);
  detail::NonFiniteProtector protector(text);
  std::size_t column_carry = 0;  // characters since the last newline before the piece
  while (const std::optional<std::string_view> piece = protector.next()) {
    m_piece = *piece;
    m_newlines.clear();
    m_newline_cursor = 0;
    for (const char* at = m_piece.data(); const void* found = std::memchr(
             at, '\n', static_cast<std::size_t>(m_piece.data() + m_piece.size() - at));) {
      at = static_cast<const char*>(found);
      m_newlines.push_back(static_cast<std::size_t>(at - m_piece.data()));
      ++at;
    }
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
      const std::string_view before = m_piece.substr(0, consumed);
      const std::size_t line =
          m_piece_line + static_cast<std::size_t>(
                             std::lower_bound(m_newlines.begin(), m_newlines.end(), consumed) -
                             m_newlines.begin());
      const std::size_t newline = before.rfind('\n');
      const std::size_t column =
          newline == std::string_view::npos ? column_carry + consumed + 1 : consumed - newline;
      const bool at_end = protector.done() && consumed >= m_piece.size();
      Diagnostic diagnostic = detail::json_syntax_error(
          text, m_source, line, column, ec.message(),
          at_end || ec == boost::json::error::incomplete);
      if (ec == boost::json::error::extra_data && diagnostic.hint.empty()) {
        diagnostic.hint = "the JSON document ended before this: were two outputs written to one file?";
      }
      m_diagnostics.add(std::move(diagnostic));
      return m_diagnostics;
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
    return m_diagnostics;
  }
  if (m_not_an_object) {
    m_diagnostics.add(std::move(*m_not_an_object));
    return m_diagnostics;
  }

  finish();
  if (m_diagnostics.has_errors()) {
    return m_diagnostics;
  }
  m_index.clear();
  m_states.clear();
  m_run_set.benchmarks.reserve(m_benchmarks.size());
  while (!m_benchmarks.empty()) {
    m_run_set.benchmarks.push_back(std::move(m_benchmarks.front()));
    m_benchmarks.pop_front();
  }
  return std::move(m_run_set);
}

}  // namespace

Result<RunSet> parse_gbench(std::string_view text, const std::string& source) {
  GbenchReader reader(text, source);
  return reader.read();
}

}  // namespace perfgate
