// Reader for Google Benchmark JSON, every released layout (1.4 to 1.9): what Google Benchmark's
// fields mean.
//
// The document layer (parse_gbench_sax.hpp) streams the text and hands over each entry of
// "benchmarks" as a flat list of fields with their lines; each entry is checked and folded into
// the RunSet at once. finish() then looks at the whole file (aggregates against their rows,
// names, odd but legal layouts).
//
// docs/formats.md ("Google Benchmark input") describes what is read and how.
#include <perfgate/parse.hpp>

#include "json_support.hpp"
#include "parse_gbench_sax.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
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
using detail::pointer_append;
using detail::gbench::describe;
using detail::gbench::DocumentShape;
using detail::gbench::Field;
using detail::gbench::FieldList;
using detail::gbench::integer_of;
using detail::gbench::is_whole_number;
using detail::gbench::Kind;
using detail::gbench::Value;
using perfgate::format_general;

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
    "name",
    "family_index",
    "per_family_instance_index",
    "run_name",
    "run_type",
    "repetitions",
    "repetition_index",
    "threads",
    "aggregate_name",
    "aggregate_unit",
    "error_occurred",
    "error_message",
    "skipped",
    "skip_message",
    "iterations",
    "real_time",
    "cpu_time",
    "time_unit",
    "cpu_coefficient",
    "real_coefficient",
    "big_o",
    "rms",
    "label",
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

// The first Google Benchmark whose memory figures are right with repetitions (its pull request
// 1941 stopped every repetition from pointing at one result).
constexpr int k_memory_fixed_version = 10902;

bool is_memory_metric(std::string_view name) {
  return name == "allocs_per_iter" || name == "max_bytes_used" || name == "total_allocated_bytes" ||
         name == "net_heap_growth";
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
  if (i == digits_begin || value < 1 || value >= 1000000000 ||
      (i < name.size() && name[i] != '/')) {
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

// What a value of `metric` is multiplied by: a user counter named in a time unit
// ("latency_p99_ms") is scaled to nanoseconds like real_time (model.hpp, docs/slo.md).
double metric_scale(const MetricField& metric) {
  return metric.is_counter ? counter_time_factor(metric.metric).value_or(1.0) : 1.0;
}

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
  bool has_rows = false;           // an iteration or aggregate entry was read
  int threads = 0;                 // of the first entry
  std::int64_t repetitions = 0;    // 0: not said (pre-1.5.5 writes 0)
  std::size_t iteration_rows = 0;  // iteration entries read (errored and skipped included)
  std::size_t last_entry = 0;      // the entry index that last added to this benchmark
  bool has_aggregates = false;
  bool has_run_name = false;    // written by 1.5 or later: its aggregates can be checked
  bool all_measured = true;     // no errored or skipped repetition
  bool cv_is_fraction = false;  // the "cv" aggregate says aggregate_unit "percentage"
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
// One entry of "benchmarks" as it is read.

enum class EntryKind { iteration, aggregate, complexity };

struct Entry {
  std::size_t index = 0;                          // in "benchmarks"
  std::optional<std::size_t> line;                // of its '{'
  std::array<const Field*, k_key_count> slots{};  // Google Benchmark's own keys (first occurrence)
  std::vector<MetricField> metrics;               // every other numeric field
  std::string pointer_text;                       // built only for messages

  // Google Benchmark's own fields, each checked; absent when missing or of the wrong type.
  std::optional<std::string_view> name;
  std::optional<std::string_view> run_name;
  std::optional<std::string_view> run_type;
  std::optional<std::string_view> aggregate_name;
  std::optional<std::string_view> aggregate_unit;
  std::optional<std::int64_t> repetitions;
  std::optional<std::int64_t> repetition_index;
  int threads_field = 0;  // 0: no "threads" field (before 1.5)
  bool errored = false;
  std::optional<std::string_view> error_message;
  bool skipped = false;
  std::optional<std::string_view> skip_message;
  std::optional<std::string_view> label;
  std::optional<std::string_view> big_o;
  std::optional<double> cpu_coefficient;
  std::optional<double> real_coefficient;
  std::optional<double> rms;
  std::optional<std::string_view> time_unit;
  std::optional<double> factor;  // nanoseconds per time_unit

  // What kind of entry this is, the run it belongs to, and the fields that kind needs.
  EntryKind kind = EntryKind::iteration;
  std::string_view base;
  std::optional<std::int64_t> iterations;
  std::optional<double> real_time;
  std::optional<double> cpu_time;

  [[nodiscard]] const Field* slot(Key key) const { return slots[static_cast<std::size_t>(key)]; }
  [[nodiscard]] bool not_measured() const { return errored || skipped; }
  const std::string& pointer() {
    if (pointer_text.empty()) {
      pointer_text = pointer_append("/benchmarks", index);
    }
    return pointer_text;
  }
  // Empty for the entry at `entry_index`, keeping the allocation of `metrics`.
  void reset(std::size_t entry_index, std::optional<std::size_t> entry_line) {
    std::vector<MetricField> kept = std::move(metrics);
    kept.clear();
    *this = Entry{};
    metrics = std::move(kept);
    index = entry_index;
    line = entry_line;
  }
};

// ---------------------------------------------------------------------------------------------
// The reader: entries and the context in, RunSet and diagnostics out.

class GbenchReader final : public detail::gbench::DocumentSink {
 public:
  GbenchReader(std::string_view text, const std::string& source) : m_text(text), m_source(source) {}

  Result<RunSet> read();

  void on_entry(const FieldList& fields, std::size_t index,
                std::optional<std::size_t> line) override;
  void on_context(const FieldList& context) override;

 private:
  // The steps of one entry (on_entry).
  void sort_fields(const FieldList& fields, Entry& entry);
  void read_identity(Entry& entry);
  bool classify(Entry& entry);
  void classify_by_name(Entry& entry);
  void read_measurements(Entry& entry);
  void check_run_name(const Entry& entry, BenchmarkState& state);
  void fold_complexity(Entry& entry, std::size_t index);
  int threads_of(const Entry& entry);
  void check_agreement(Entry& entry, std::size_t index, int threads);
  void check_repetition(Entry& entry, std::size_t index);
  void check_aggregate_once(Entry& entry, std::size_t index);
  void fold_identity(const Entry& entry, std::size_t index, int threads);
  void fold_metrics(const Entry& entry, std::size_t index);
  MetricSeries& series_for(const Entry& entry, std::size_t index, const MetricField& metric);

  // Fields of the entry; one of the wrong type is an error and reads as absent.
  std::optional<std::string_view> get_string(Entry& entry, Key key);
  std::optional<bool> get_bool(Entry& entry, Key key);
  // A whole number from `minimum` to `maximum`; anything else is an error, never a cast.
  std::optional<std::int64_t> get_integer(
      Entry& entry, Key key, std::int64_t minimum,
      std::int64_t maximum = std::numeric_limits<std::int64_t>::max());
  std::optional<double> get_number(Entry& entry, Key key);
  void type_error(Entry& entry, const Field& field, std::string_view expected);
  void missing(Entry& entry, Key key, std::string_view why);
  void duplicate_key(Entry& entry, const Field& field, const Field& first);
  std::string quoted(std::size_t index) const { return "\"" + m_benchmarks[index].name + "\""; }

  // The context.
  bool read_context_field(const Field& field, RunContext& context);

  // After the last entry.
  void finish(const DocumentShape& shape);
  void note_rows();
  void check_names();
  void note_fields();

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
  Entry m_entry;                                              // the entry being read, reused

  // Findings for the notes.
  std::size_t m_last_entry_benchmark = std::numeric_limits<std::size_t>::max();
  std::vector<std::string> m_shadowed_keys;  // built-in keys repeated by a user counter
  std::size_t m_shadowed_entries = 0;
  std::vector<std::string> m_ignored_keys;  // non-numeric unknown fields
  std::size_t m_thread_name_mismatches = 0;
  std::optional<std::size_t> m_first_thread_mismatch;
  bool m_memory_with_repetitions = false;
  std::vector<std::string> m_context_repeats;
  // Entries whose name is not what Google Benchmark derives from their run_name.
  struct NameMismatch {
    std::size_t entry = 0;
    std::optional<std::size_t> line;
    std::string name;
    std::string run_name;
    std::string claimed;  // the benchmark the name stands for
  };
  std::vector<NameMismatch> m_name_mismatches;
};

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
// Fields of an entry.

void GbenchReader::type_error(Entry& entry, const Field& field, std::string_view expected) {
  error(pointer_append(entry.pointer(), field.key), field.line,
        "expected " + std::string(expected) + ", got " + describe(field.value));
}

void GbenchReader::missing(Entry& entry, Key key, std::string_view why) {
  error(entry.pointer(), entry.line,
        "missing \"" + std::string(k_key_names[static_cast<std::size_t>(key)]) + "\"" +
            std::string(why));
}

void GbenchReader::duplicate_key(Entry& entry, const Field& field, const Field& first) {
  error(pointer_append(entry.pointer(), field.key), field.line,
        "duplicate key \"" + field.key + "\"" +
            (first.line ? " (first on line " + format_integer(*first.line) + ")" : std::string()),
        "an entry names each field once: was the file edited or merged by hand?");
}

std::optional<std::string_view> GbenchReader::get_string(Entry& entry, Key key) {
  const Field* field = entry.slot(key);
  if (field == nullptr) {
    return std::nullopt;
  }
  if (field->value.kind != Kind::string) {
    type_error(entry, *field, "a string");
    return std::nullopt;
  }
  return std::string_view(field->value.text);
}

std::optional<bool> GbenchReader::get_bool(Entry& entry, Key key) {
  const Field* field = entry.slot(key);
  if (field == nullptr) {
    return std::nullopt;
  }
  if (field->value.kind != Kind::boolean) {
    type_error(entry, *field, "true or false");
    return std::nullopt;
  }
  return field->value.boolean;
}

std::optional<std::int64_t> GbenchReader::get_integer(Entry& entry, Key key, std::int64_t minimum,
                                                      std::int64_t maximum) {
  const Field* field = entry.slot(key);
  if (field == nullptr) {
    return std::nullopt;
  }
  const Value& value = field->value;
  const bool below = (value.kind == Kind::integer && value.integer < minimum) ||
                     (value.kind == Kind::number && value.number < static_cast<double>(minimum));
  if (!is_whole_number(value) || below) {
    type_error(entry, *field, minimum > 0 ? "a positive integer" : "a non-negative integer");
    return std::nullopt;
  }
  const std::optional<std::int64_t> integer = integer_of(value);
  if (!integer || *integer > maximum) {
    type_error(entry, *field,
               "an integer from " + format_integer(minimum) + " to " + format_integer(maximum));
    return std::nullopt;
  }
  return integer;
}

std::optional<double> GbenchReader::get_number(Entry& entry, Key key) {
  const Field* field = entry.slot(key);
  if (field == nullptr) {
    return std::nullopt;
  }
  if (!field->value.is_number()) {
    type_error(entry, *field, "a number");
    return std::nullopt;
  }
  return field->value.as_double();
}

// ---------------------------------------------------------------------------------------------
// One entry of "benchmarks".

void GbenchReader::on_entry(const FieldList& fields, std::size_t index,
                            std::optional<std::size_t> line) {
  Entry& entry = m_entry;
  entry.reset(index, line);
  const std::size_t errors_before = m_diagnostics.error_count();
  sort_fields(fields, entry);
  read_identity(entry);
  if (!entry.name) {
    return;  // nothing can be said about an entry without a name
  }
  if (!classify(entry)) {
    return;
  }
  read_measurements(entry);
  if (m_diagnostics.error_count() != errors_before) {
    return;  // a broken entry adds nothing to the model
  }

  // Fold the entry into its benchmark.
  const std::size_t benchmark = benchmark_for(entry.base, entry.line);
  check_run_name(entry, m_states[benchmark]);
  if (entry.kind == EntryKind::complexity) {
    fold_complexity(entry, benchmark);
    return;
  }
  const int threads = threads_of(entry);
  check_agreement(entry, benchmark, threads);
  if (m_diagnostics.error_count() != errors_before) {
    return;
  }
  fold_identity(entry, benchmark, threads);
  fold_metrics(entry, benchmark);
}

// Sort out the keys: Google Benchmark's own (first occurrence), metrics, ignored fields.
void GbenchReader::sort_fields(const FieldList& fields, Entry& entry) {
  std::vector<MetricField>& metrics = entry.metrics;
  for (const Field& field : fields) {
    std::optional<std::string_view> named;
    if (const std::optional<Key> key = key_of(field.key)) {
      const Field*& first = entry.slots[static_cast<std::size_t>(*key)];
      if (first == nullptr) {
        first = &field;
        continue;
      }
      if (*key >= Key::label || !field.value.is_number()) {
        duplicate_key(entry, field, *first);
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
      type_error(entry, field, "a number");
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
      duplicate_key(entry, field, *earlier->field);
      continue;
    }
    metrics.push_back({&field, named ? *named : std::string_view(field.key), !named});
  }
}

// Identity: every field Google Benchmark writes on every kind of entry, each checked.
void GbenchReader::read_identity(Entry& entry) {
  entry.name = get_string(entry, Key::name);
  if (entry.slot(Key::name) == nullptr) {
    missing(entry, Key::name, "");
  }
  if (entry.name && entry.name->empty()) {
    type_error(entry, *entry.slot(Key::name), "a non-empty string");
    entry.name.reset();
  }
  entry.run_name = get_string(entry, Key::run_name);
  if (entry.run_name && entry.run_name->empty()) {
    type_error(entry, *entry.slot(Key::run_name), "a non-empty string");
    entry.run_name.reset();
  }
  entry.run_type = get_string(entry, Key::run_type);
  if (entry.run_type && *entry.run_type != "iteration" && *entry.run_type != "aggregate") {
    type_error(entry, *entry.slot(Key::run_type), "\"iteration\" or \"aggregate\"");
  }
  entry.aggregate_name = get_string(entry, Key::aggregate_name);
  entry.aggregate_unit = get_string(entry, Key::aggregate_unit);
  if (entry.aggregate_unit && *entry.aggregate_unit != "time" &&
      *entry.aggregate_unit != "percentage") {
    type_error(entry, *entry.slot(Key::aggregate_unit), "\"time\" or \"percentage\"");
  }
  (void)get_integer(entry, Key::family_index, 0);
  (void)get_integer(entry, Key::per_family_instance_index, 0);
  entry.repetitions = get_integer(entry, Key::repetitions, 0, k_max_repetitions);
  entry.repetition_index = get_integer(entry, Key::repetition_index, 0, k_max_repetitions - 1);
  if (const auto value = get_integer(entry, Key::threads, 1, k_max_threads)) {
    entry.threads_field = static_cast<int>(*value);
  }
  entry.errored = get_bool(entry, Key::error_occurred).value_or(false);
  entry.error_message = get_string(entry, Key::error_message);
  entry.skipped = get_bool(entry, Key::skipped).value_or(false);
  entry.skip_message = get_string(entry, Key::skip_message);
  entry.label = get_string(entry, Key::label);
  entry.big_o = get_string(entry, Key::big_o);
  entry.cpu_coefficient = get_number(entry, Key::cpu_coefficient);
  entry.real_coefficient = get_number(entry, Key::real_coefficient);
  entry.rms = get_number(entry, Key::rms);

  entry.time_unit = get_string(entry, Key::time_unit);
  if (entry.time_unit) {
    entry.factor = time_unit_factor(*entry.time_unit);
    if (!entry.factor) {
      type_error(entry, *entry.slot(Key::time_unit), "a time unit (" + time_unit_list("\"") + ")");
      entry.time_unit.reset();
    }
  }
}

// What kind of entry this is and which benchmark it belongs to; false when it cannot be told.
bool GbenchReader::classify(Entry& entry) {
  const std::string_view name = *entry.name;
  entry.base = entry.run_name.value_or(name);
  const bool is_complexity =
      entry.slot(Key::big_o) != nullptr || entry.slot(Key::rms) != nullptr ||
      entry.slot(Key::cpu_coefficient) != nullptr ||
      (entry.aggregate_name && (*entry.aggregate_name == "BigO" || *entry.aggregate_name == "RMS"));
  if (is_complexity) {
    entry.kind = EntryKind::complexity;
    if (!entry.run_name) {
      // Before 1.5: "<family>_BigO" and "<family>_RMS".
      for (const std::string_view suffix : {std::string_view("_BigO"), std::string_view("_RMS")}) {
        if (ends_with(name, suffix) && name.size() > suffix.size()) {
          entry.base = name.substr(0, name.size() - suffix.size());
        }
      }
    }
  } else if (entry.run_type) {
    entry.kind = *entry.run_type == "aggregate" ? EntryKind::aggregate : EntryKind::iteration;
    if (entry.kind == EntryKind::aggregate && !entry.aggregate_name) {
      missing(entry, Key::aggregate_name, " (an aggregate entry names its statistic)");
      return false;
    }
  } else if (!entry.run_name) {
    classify_by_name(entry);
  }
  return true;
}

// Before 1.5 aggregates are only recognisable by name: "<run>_<statistic>". A custom statistic is
// recognised when it follows the repetitions of its run; the built-in ones also when the
// repetitions are absent (--benchmark_report_aggregates_only).
void GbenchReader::classify_by_name(Entry& entry) {
  const std::string_view name = *entry.name;
  if (m_last_entry_benchmark < m_benchmarks.size()) {
    const std::string& last = m_benchmarks[m_last_entry_benchmark].name;
    const BenchmarkState& last_state = m_states[m_last_entry_benchmark];
    if (name.size() > last.size() + 1 && name.substr(0, last.size()) == last &&
        name[last.size()] == '_' && (last_state.iteration_rows >= 2 || last_state.has_aggregates)) {
      entry.kind = EntryKind::aggregate;
      entry.base = name.substr(0, last.size());
      entry.aggregate_name = name.substr(last.size() + 1);
      return;
    }
  }
  const std::size_t underscore = name.rfind('_');
  if (underscore != std::string_view::npos && underscore > 0) {
    const std::string_view statistic = name.substr(underscore + 1);
    if (std::find(k_legacy_statistics.begin(), k_legacy_statistics.end(), statistic) !=
        k_legacy_statistics.end()) {
      entry.kind = EntryKind::aggregate;
      entry.base = name.substr(0, underscore);
      entry.aggregate_name = statistic;
    }
  }
}

// The fields each kind of entry needs.
void GbenchReader::read_measurements(Entry& entry) {
  if (entry.kind == EntryKind::complexity) {
    // Not used for a complexity entry, but a number all the same when present.
    (void)get_integer(entry, Key::iterations, 0);
    (void)get_number(entry, Key::real_time);
    (void)get_number(entry, Key::cpu_time);
    if (entry.slot(Key::big_o) != nullptr && entry.slot(Key::time_unit) == nullptr) {
      missing(entry, Key::time_unit, " (the unit of the complexity coefficients)");
    }
    return;
  }
  const bool not_measured = entry.not_measured();
  entry.iterations = get_integer(entry, Key::iterations,
                                 not_measured || entry.kind == EntryKind::aggregate ? 0 : 1);
  entry.real_time = get_number(entry, Key::real_time);
  entry.cpu_time = get_number(entry, Key::cpu_time);
  if (not_measured) {
    return;
  }
  if (entry.slot(Key::time_unit) == nullptr) {
    missing(entry, Key::time_unit, " (the unit of real_time and cpu_time)");
  }
  if (entry.slot(Key::real_time) == nullptr) {
    missing(entry, Key::real_time, "");
  }
  if (entry.slot(Key::cpu_time) == nullptr) {
    missing(entry, Key::cpu_time, "");
  }
  if (entry.kind != EntryKind::iteration) {
    return;
  }
  if (entry.slot(Key::iterations) == nullptr) {
    missing(entry, Key::iterations, "");
  }
  for (const Key key : {Key::real_time, Key::cpu_time}) {
    const std::optional<double>& value = key == Key::real_time ? entry.real_time : entry.cpu_time;
    if (value && (!std::isfinite(*value) || *value < 0)) {
      const Field& field = *entry.slot(key);
      error(pointer_append(entry.pointer(), field.key), field.line,
            "expected a non-negative finite time, got " + describe(field.value),
            "times are always gated; a run that failed should say so with error_occurred");
    }
  }
}

// Google Benchmark (1.5 on) writes the name as the run_name, plus "_<aggregate_name>" for an
// aggregate, BigO and RMS included. Anything else is kept for finish() to judge.
void GbenchReader::check_run_name(const Entry& entry, BenchmarkState& state) {
  if (!entry.run_name) {
    return;
  }
  state.has_run_name = true;
  const std::string_view name = *entry.name;
  const std::string_view run_name = *entry.run_name;
  std::string_view statistic;
  if (entry.kind != EntryKind::iteration) {
    statistic = entry.aggregate_name                  ? *entry.aggregate_name
                : entry.slot(Key::rms) != nullptr     ? std::string_view("RMS")
                : entry.kind == EntryKind::complexity ? std::string_view("BigO")
                                                      : std::string_view();
  }
  const bool suffixed = !statistic.empty();
  const bool as_written = suffixed ? name.size() == run_name.size() + 1 + statistic.size() &&
                                         name.substr(0, run_name.size()) == run_name &&
                                         name[run_name.size()] == '_' && ends_with(name, statistic)
                                   : name == run_name;
  if (as_written) {
    return;
  }
  std::string_view claimed = name;
  if (suffixed && claimed.size() > statistic.size() + 1 && ends_with(claimed, statistic) &&
      claimed[claimed.size() - statistic.size() - 1] == '_') {
    claimed.remove_suffix(statistic.size() + 1);
  }
  m_name_mismatches.push_back(
      {entry.index, entry.line, std::string(name), std::string(run_name), std::string(claimed)});
}

// A BigO or RMS entry: the complexity fit of the family named by its run_name.
void GbenchReader::fold_complexity(Entry& entry, std::size_t index) {
  Benchmark& benchmark = m_benchmarks[index];
  BenchmarkState& state = m_states[index];
  if (!benchmark.complexity) {
    benchmark.complexity.emplace();
  }
  Complexity& complexity = *benchmark.complexity;
  const bool is_rms =
      entry.slot(Key::rms) != nullptr || (entry.aggregate_name && *entry.aggregate_name == "RMS");
  bool& seen = is_rms ? state.has_complexity_rms : state.has_complexity_big_o;
  std::optional<std::size_t>& seen_line = is_rms ? state.rms_line : state.big_o_line;
  if (seen) {
    error(entry.pointer(), entry.line,
          std::string(is_rms ? "RMS" : "BigO") + " of " + quoted(index) + " appears twice" +
              (seen_line ? " (first on line " + format_integer(*seen_line) + ")" : ""),
          "were two result files concatenated?");
    return;
  }
  seen = true;
  seen_line = entry.line;
  if (entry.big_o) {
    complexity.big_o = std::string(*entry.big_o);
  }
  const double unit = entry.factor.value_or(1.0);
  if (entry.cpu_coefficient) {
    complexity.cpu_coefficient = *entry.cpu_coefficient * unit;
  }
  if (entry.real_coefficient) {
    complexity.real_coefficient = *entry.real_coefficient * unit;
  }
  if (entry.rms) {
    complexity.rms = *entry.rms;
  }
  if (benchmark.time_unit.empty() && entry.time_unit) {
    benchmark.time_unit = std::string(*entry.time_unit);
  }
  if (benchmark.label.empty() && entry.label) {
    benchmark.label = std::string(*entry.label);
  }
  m_last_entry_benchmark = index;
  state.last_entry = entry.index;
}

// Threads: the field, or before 1.5 the "/threads:N" part of the name.
int GbenchReader::threads_of(const Entry& entry) {
  const std::optional<int> threads_in_name = threads_from_name(entry.base);
  const int threads = entry.threads_field > 0 ? entry.threads_field : threads_in_name.value_or(1);
  if (entry.threads_field > 0 && threads_in_name && *threads_in_name != threads) {
    ++m_thread_name_mismatches;
    if (!m_first_thread_mismatch) {
      m_first_thread_mismatch = entry.index;
    }
  }
  return threads;
}

// Entries of the same benchmark must agree with each other.
void GbenchReader::check_agreement(Entry& entry, std::size_t index, int threads) {
  const Benchmark& benchmark = m_benchmarks[index];
  const BenchmarkState& state = m_states[index];
  const auto contradiction = [&](Key key, std::string message) {
    const Field* field = entry.slot(key);
    error(field != nullptr ? pointer_append(entry.pointer(), field->key) : entry.pointer(),
          field != nullptr ? field->line : entry.line,
          std::move(message) + " of the earlier entry for " + quoted(index) +
              at_line(state.first_line),
          "entries of one benchmark come from one run: were two result files merged?");
  };
  if (state.has_rows) {
    if (threads != state.threads) {
      contradiction(Key::threads, "threads " + format_integer(threads) + " contradicts threads " +
                                      format_integer(state.threads));
    }
    if (entry.time_unit && !benchmark.time_unit.empty() &&
        *entry.time_unit != benchmark.time_unit) {
      contradiction(Key::time_unit, "time_unit \"" + std::string(*entry.time_unit) +
                                        "\" contradicts \"" + benchmark.time_unit + "\"");
    }
    if (entry.repetitions && *entry.repetitions > 0 && state.repetitions > 0 &&
        *entry.repetitions != state.repetitions) {
      contradiction(Key::repetitions, "repetitions " + format_integer(*entry.repetitions) +
                                          " contradicts repetitions " +
                                          format_integer(state.repetitions));
    }
  }
  if (entry.kind == EntryKind::iteration) {
    check_repetition(entry, index);
  } else {
    check_aggregate_once(entry, index);
  }
}

// A repetition appears once: by its repetition_index, or before 1.5 among consecutive entries.
void GbenchReader::check_repetition(Entry& entry, std::size_t index) {
  BenchmarkState& state = m_states[index];
  if (!entry.repetition_index) {
    if (state.iteration_rows > 0 && (m_last_entry_benchmark != index || state.has_aggregates)) {
      // Without repetition_index (before 1.5) the repetitions of a benchmark are consecutive.
      error(entry.pointer(), entry.line,
            "duplicate benchmark " + quoted(index) + ": first on line " +
                (state.first_line ? format_integer(*state.first_line) : std::string("?")) +
                ", and its repetitions are not consecutive",
            "were two result files concatenated?");
    }
    return;
  }
  const std::int64_t repetition = *entry.repetition_index;
  const Field& field = *entry.slot(Key::repetition_index);
  const std::int64_t limit = entry.repetitions && *entry.repetitions > 0 ? *entry.repetitions
                             : state.repetitions > 0                     ? state.repetitions
                                                                         : k_max_repetitions;
  if (repetition >= limit) {
    error(pointer_append(entry.pointer(), field.key), field.line,
          "repetition_index " + format_integer(repetition) + " is out of range for " +
              format_integer(limit) + " repetitions of " + quoted(index));
    return;
  }
  std::size_t& seen_line = state.line_of_index(static_cast<std::size_t>(repetition));
  if (seen_line == 0) {
    seen_line = entry.line.value_or(k_unknown_line);
    return;
  }
  error(pointer_append(entry.pointer(), field.key), field.line,
        "repetition " + format_integer(repetition) + " of " + quoted(index) + " appears twice" +
            (seen_line != k_unknown_line ? " (first on line " + format_integer(seen_line) + ")"
                                         : std::string()),
        "were two result files concatenated?");
}

void GbenchReader::check_aggregate_once(Entry& entry, std::size_t index) {
  BenchmarkState& state = m_states[index];
  const std::string statistic(entry.aggregate_name.value_or(""));
  const auto seen = std::find_if(state.aggregate_lines.begin(), state.aggregate_lines.end(),
                                 [&](const auto& line) { return line.first == statistic; });
  if (seen == state.aggregate_lines.end()) {
    state.aggregate_lines.emplace_back(statistic, entry.line);
    return;
  }
  error(
      entry.pointer(), entry.line,
      "aggregate \"" + statistic + "\" of " + quoted(index) + " appears twice" +
          (seen->second ? " (first on line " + format_integer(*seen->second) + ")" : std::string()),
      "were two result files concatenated?");
}

// What the entry says about its benchmark as a whole: threads, unit, label, error and skip.
void GbenchReader::fold_identity(const Entry& entry, std::size_t index, int threads) {
  Benchmark& benchmark = m_benchmarks[index];
  BenchmarkState& state = m_states[index];
  if (!state.has_rows) {
    benchmark.metrics.reserve(2 + entry.metrics.size());
    state.has_rows = true;
    state.threads = threads;
    benchmark.threads = threads;
  }
  if (entry.repetitions && *entry.repetitions > 0 && state.repetitions == 0) {
    state.repetitions = *entry.repetitions;
  }
  if (entry.time_unit && benchmark.time_unit.empty()) {
    benchmark.time_unit = std::string(*entry.time_unit);
  }
  if (entry.label && benchmark.label.empty()) {
    benchmark.label = std::string(*entry.label);
  }
  m_last_entry_benchmark = index;
  state.last_entry = entry.index;

  if (entry.kind == EntryKind::iteration && entry.not_measured()) {
    state.all_measured = false;
  }
  if (entry.errored) {
    benchmark.errored = true;
    if (benchmark.error_message.empty() && entry.error_message) {
      benchmark.error_message = std::string(*entry.error_message);
    }
  }
  if (entry.skipped) {
    benchmark.skipped = true;
    if (benchmark.skip_message.empty() && entry.skip_message) {
      benchmark.skip_message = std::string(*entry.skip_message);
    }
  }
}

// The series of the benchmark that `metric` goes to; the next one in order is tried first.
MetricSeries& GbenchReader::series_for(const Entry& entry, std::size_t index,
                                       const MetricField& metric) {
  Benchmark& benchmark = m_benchmarks[index];
  BenchmarkState& state = m_states[index];
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
  MetricSeries& added =
      metric.is_counter
          ? benchmark.series(std::string(metric::k_counter_prefix) + std::string(metric.metric))
          : benchmark.series(metric.metric);
  if (!metric.is_counter &&
      (metric.metric == "total_allocated_bytes" || metric.metric == "net_heap_growth")) {
    added.unit = "B";
  }
  if (entry.kind == EntryKind::iteration) {
    // What the file claims, within reason: the samples are what its rows hold.
    added.samples.reserve(
        static_cast<std::size_t>(std::clamp<std::int64_t>(state.repetitions, 1, 64)));
  }
  state.metric_cursor = all.size();
  return added;
}

// The metrics: a sample of each from an iteration entry, an aggregate from an aggregate entry.
void GbenchReader::fold_metrics(const Entry& entry, std::size_t index) {
  BenchmarkState& state = m_states[index];
  state.metric_cursor = 0;
  const MetricField real_metric{entry.slot(Key::real_time), metric::k_real_time, false};
  const MetricField cpu_metric{entry.slot(Key::cpu_time), metric::k_cpu_time, false};

  if (entry.kind == EntryKind::iteration) {
    ++state.iteration_rows;
    if (entry.iterations) {
      m_benchmarks[index].iterations = *entry.iterations;
    }
    if (entry.not_measured()) {
      return;  // an errored or skipped repetition measured nothing; the flags say so
    }
    const double unit = entry.factor.value_or(1.0);
    series_for(entry, index, real_metric).samples.push_back(*entry.real_time * unit);
    series_for(entry, index, cpu_metric).samples.push_back(*entry.cpu_time * unit);
    for (const MetricField& metric : entry.metrics) {
      series_for(entry, index, metric)
          .samples.push_back(metric.field->value.as_double() * metric_scale(metric));
      if (!metric.is_counter && is_memory_metric(metric.metric) &&
          (state.repetitions > 1 || state.iteration_rows > 1)) {
        m_memory_with_repetitions = true;
      }
    }
    return;
  }

  // An aggregate: percentages (cv) are fractions already; times are scaled to nanoseconds.
  state.has_aggregates = true;
  const std::string statistic(entry.aggregate_name.value_or(""));
  const bool percentage = entry.aggregate_unit && *entry.aggregate_unit == "percentage";
  if (statistic == "cv" && percentage) {
    state.cv_is_fraction = true;
  }
  const double unit = percentage ? 1.0 : entry.factor.value_or(1.0);
  if (entry.real_time) {
    series_for(entry, index, real_metric).aggregates[statistic] = *entry.real_time * unit;
  }
  if (entry.cpu_time) {
    series_for(entry, index, cpu_metric).aggregates[statistic] = *entry.cpu_time * unit;
  }
  for (const MetricField& metric : entry.metrics) {
    series_for(entry, index, metric).aggregates[statistic] =
        metric.field->value.as_double() * (percentage ? 1.0 : metric_scale(metric));
  }
}

// ---------------------------------------------------------------------------------------------
// The context.

// A field of the context that the model has a place for; false for any other key.
bool GbenchReader::read_context_field(const Field& field, RunContext& context) {
  const auto type_error = [&](std::string_view expected) {
    error(pointer_append("/context", field.key), field.line,
          "expected " + std::string(expected) + ", got " + describe(field.value));
  };
  const auto as_string = [&](std::string& out) {
    if (field.value.kind == Kind::string) {
      out = field.value.text;
    } else {
      type_error("a string");
    }
  };
  const auto as_count = [&](auto& out) {
    if (const auto value = integer_of(field.value);
        value && *value >= 0 && *value <= std::numeric_limits<int>::max()) {
      out = static_cast<int>(*value);
    } else {
      type_error("a non-negative integer");
    }
  };
  const std::string_view key = field.key;
  if (key == "date") {
    as_string(context.date);
  } else if (key == "host_name") {
    as_string(context.host_name);
  } else if (key == "executable") {
    as_string(context.executable);
  } else if (key == "library_version") {
    as_string(context.library_version);
  } else if (key == "library_build_type") {
    as_string(context.library_build_type);
  } else if (key == "num_cpus") {
    as_count(context.num_cpus);
  } else if (key == "json_schema_version") {
    as_count(context.json_schema_version);
  } else if (key == "mhz_per_cpu") {
    if (field.value.is_number()) {
      context.mhz_per_cpu = field.value.as_double();
    } else {
      type_error("a number");
    }
  } else if (key == "cpu_scaling_enabled") {
    if (field.value.kind == Kind::boolean) {
      context.cpu_scaling_enabled = field.value.boolean;
    } else {
      type_error("true or false");
    }
  } else if (key != "caches" && key != "load_avg") {  // machine description perfgate does not use
    return false;
  }
  return true;
}

// A context value as text for RunContext::extra; nullopt for arrays and objects.
std::optional<std::string> context_text(const Value& value) {
  switch (value.kind) {
    case Kind::string:
      return value.text;
    case Kind::boolean:
      return std::string(value.boolean ? "true" : "false");
    case Kind::integer:
      return format_integer(value.integer);
    case Kind::unsigned_integer:
      return format_integer(value.unsigned_integer);
    case Kind::number:
      return format_number(value.number);
    case Kind::null:
      return std::string("null");
    case Kind::array:
    case Kind::object:
      return std::nullopt;
  }
  return std::nullopt;
}

void GbenchReader::on_context(const FieldList& fields) {
  RunContext& context = m_run_set.context;
  std::vector<std::string_view> seen;
  seen.reserve(fields.size);
  for (const Field& field : fields) {
    const bool repeated = std::find(seen.begin(), seen.end(), field.key) != seen.end();
    seen.push_back(field.key);
    if (!repeated && read_context_field(field, context)) {
      continue;
    }
    if (repeated && std::find(m_context_repeats.begin(), m_context_repeats.end(), field.key) ==
                        m_context_repeats.end()) {
      m_context_repeats.push_back(field.key);
    }
    // Everything else (custom --benchmark_context keys, aslr_enabled, ...) as text.
    if (std::optional<std::string> text = context_text(field.value)) {
      context.extra[field.key] = std::move(*text);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Google Benchmark's own statistics (src/statistics.cc), recomputed from the rows to check the
// aggregates it wrote next to them.

struct RowStatistics {
  double mean = 0;
  double median = 0;
  double stddev = 0;   // sample standard deviation (n - 1); 0 for one row, as Google Benchmark
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
  constexpr double k_exact = 1e-9;   // mean and median: only the printed digits differ
  constexpr double k_spread = 1e-6;  // stddev and cv: Google Benchmark's cancellation
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

// How many benchmarks show one oddity, and the first of them in words.
struct Tally {
  std::size_t count = 0;
  std::string first;

  template <class Describe>
  void add(Describe describe) {
    if (count++ == 0) {
      first = describe();
    }
  }
};

// "<series> <statistic> <written>, but its <n> repetitions give <expected>" for the first
// aggregate of `benchmark` that contradicts its rows, counted in `contradictions`. Only where
// both are complete and mean the same (1.5 on, every repetition measured, as many samples as
// rows).
void tally_contradictions(const Benchmark& benchmark, const BenchmarkState& state,
                          Tally& contradictions) {
  if (!state.has_aggregates || !state.has_run_name || !state.all_measured ||
      state.iteration_rows == 0) {
    return;
  }
  for (const MetricSeries& series : benchmark.metrics) {
    if (series.aggregates.empty() || series.samples.size() != state.iteration_rows) {
      continue;
    }
    const RowStatistics rows = statistics_of(series.samples);
    for (const auto& aggregate : series.aggregates) {
      // Named copies, not a structured binding: C++17 lambdas cannot capture bindings (clang).
      const std::string& statistic = aggregate.first;
      const double written = aggregate.second;
      const std::optional<Expected> expected =
          expected_aggregate(rows, statistic, state.cv_is_fraction);
      if (!expected || !std::isfinite(written) || !std::isfinite(expected->value) ||
          std::fabs(written - expected->value) <= expected->tolerance) {
        continue;
      }
      contradictions.add([&] {
        return "\"" + benchmark.name + "\" " + series.name + " " + statistic + " " +
               format_general(written, 6) + ", but its " + format_integer(series.samples.size()) +
               " repetitions give " + format_general(expected->value, 6);
      });
    }
  }
}

// The rows of each benchmark against its "repetitions" and its aggregates.
void GbenchReader::note_rows() {
  Tally aggregates_only;
  Tally uneven;
  Tally short_runs;      // fewer (or more) iteration entries than "repetitions" says
  Tally contradictions;  // aggregates the rows do not give
  for (std::size_t i = 0; i < m_benchmarks.size(); ++i) {
    const Benchmark& benchmark = m_benchmarks[i];
    const BenchmarkState& state = m_states[i];
    if (state.has_aggregates && state.iteration_rows == 0) {
      aggregates_only.add([&] { return benchmark.name; });
    }
    if (state.repetitions > 0 && state.iteration_rows > 0 &&
        state.iteration_rows != static_cast<std::size_t>(state.repetitions)) {
      short_runs.add([&] {
        return "\"" + benchmark.name + "\": repetitions " + format_integer(state.repetitions) +
               ", " + format_integer(state.iteration_rows) + " iteration entr" +
               (state.iteration_rows == 1 ? "y" : "ies");
      });
    }
    tally_contradictions(benchmark, state, contradictions);
    const MetricSeries* real = benchmark.find(metric::k_real_time);
    if (real == nullptr || real->samples.empty()) {
      continue;
    }
    const auto short_series = std::find_if(
        benchmark.metrics.begin(), benchmark.metrics.end(),
        [&](const auto& series) { return series.samples.size() != real->samples.size(); });
    if (short_series != benchmark.metrics.end()) {
      uneven.add([&] {
        return benchmark.name + " (" + short_series->name + ": " +
               format_integer(short_series->samples.size()) + " of " +
               format_integer(real->samples.size()) + " samples)";
      });
    }
  }
  const std::string benchmarks = format_integer(m_benchmarks.size());
  if (short_runs.count > 0) {
    note(Severity::warning, "/benchmarks",
         format_integer(short_runs.count) + " of " + benchmarks +
             " benchmarks have a number of iteration entries other than their \"repetitions\" "
             "(first: " +
             short_runs.first + ")",
         "was the run cut short (a crash, a timeout) or were entries removed? The missing "
         "repetitions are not compared");
  }
  if (contradictions.count > 0) {
    note(Severity::warning, "/benchmarks",
         format_integer(contradictions.count) +
             " of Google Benchmark's aggregates contradict the repetitions they summarise "
             "(first: " +
             contradictions.first + ")",
         "aggregates and repetitions of one run always agree: were entries edited, or two runs "
         "merged? perfgate compares the repetitions");
  }
  check_names();
  if (aggregates_only.count > 0) {
    note(Severity::warning, "/benchmarks",
         format_integer(aggregates_only.count) + " of " + benchmarks +
             " benchmarks have only Google Benchmark's aggregates, no repetitions (first: \"" +
             aggregates_only.first + "\"); their metrics have aggregates and no samples",
         "was it run with --benchmark_report_aggregates_only? Without repetition samples only "
         "the aggregates can be compared");
  }
  if (uneven.count > 0) {
    note(Severity::warning, "/benchmarks",
         format_integer(uneven.count) +
             " benchmarks have metrics missing from some repetitions, first: " + uneven.first);
  }
}

// Names: an entry whose name is another benchmark's is ambiguous (which one did it measure?);
// any other difference is reported once, and the entry counts under its run_name.
void GbenchReader::check_names() {
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
         format_integer(renamed) + " entr" + (renamed == 1 ? "y has" : "ies have") +
             " a name that Google Benchmark would not write for its run_name (first: name \"" +
             first_renamed->name + "\", run_name \"" + first_renamed->run_name +
             "\"); they are read under their run_name",
         "Google Benchmark writes the run_name as the name (plus \"_<statistic>\" for an "
         "aggregate): was the file edited, or written by another tool?");
  }
}

// "\"a\", \"b\"": the keys of a note.
std::string quoted_list(const std::vector<std::string>& keys) {
  std::string text;
  for (const std::string& key : keys) {
    text += (text.empty() ? "\"" : ", \"") + key + "\"";
  }
  return text;
}

// Fields that were read in an unusual way.
void GbenchReader::note_fields() {
  if (!m_shadowed_keys.empty()) {
    note(Severity::note, "/benchmarks",
         format_integer(m_shadowed_entries) + " entries repeat Google Benchmark's own key " +
             quoted_list(m_shadowed_keys) +
             ": the first is read as Google Benchmark's field, the repeat as the user counter "
             "\"counter:<name>\"");
  }
  if (!m_ignored_keys.empty()) {
    note(Severity::note, "/benchmarks",
         "ignored fields that are neither Google Benchmark's own nor numeric counters: " +
             quoted_list(m_ignored_keys));
  }
  if (m_thread_name_mismatches > 0) {
    note(Severity::warning, pointer_append("/benchmarks", *m_first_thread_mismatch) + "/threads",
         format_integer(m_thread_name_mismatches) +
             " entries have a \"threads\" field that differs from the \"/threads:N\" in their "
             "name; the field is used");
  }
  if (m_memory_with_repetitions &&
      library_version_number(m_run_set.context.library_version) < k_memory_fixed_version) {
    note(Severity::warning, "/benchmarks",
         "memory-manager fields (allocs_per_iter, max_bytes_used, ...) with more than one "
         "repetition, from Google Benchmark " +
             (m_run_set.context.library_version.empty() ? std::string("older than 1.8.4")
                                                        : m_run_set.context.library_version) +
             ": they are not gated",
         "Google Benchmark before 1.9.2 reports garbage memory figures when repetitions > 1 "
         "(every repetition points at the last one's result); gate them from a "
         "single-repetition run, or use perfgate::slo's HeapProbe counters (docs/slo.md)");
    for (Benchmark& benchmark : m_benchmarks) {
      for (MetricSeries& series : benchmark.metrics) {
        if (is_memory_metric(series.name) && series.samples.size() > 1) {
          series.noisy = true;
          series.note = "Google Benchmark before 1.9.2 reports garbage memory figures when a "
                        "benchmark has more than one repetition";
          series.advice =
              "Gate memory from a run with one repetition, or with perfgate::slo's HeapProbe "
              "counters (docs/slo.md)";
        }
      }
    }
  }
  if (!m_context_repeats.empty()) {
    note(Severity::note, "/context",
         "context keys repeated (a --benchmark_context key named like Google Benchmark's own): " +
             quoted_list(m_context_repeats) +
             "; the first is read, the repeat is kept in the run context's extra fields");
  }
  if (m_run_set.context.json_schema_version && *m_run_set.context.json_schema_version > 1) {
    note(Severity::warning, "/context/json_schema_version",
         "json_schema_version " + format_integer(*m_run_set.context.json_schema_version) +
             " is newer than the version 1 this reader knows; read as version 1");
  }
}

void GbenchReader::finish(const DocumentShape& shape) {
  if (!shape.has_benchmarks) {
    error("", std::nullopt, "missing \"benchmarks\": this is not Google Benchmark JSON output",
          "write it with --benchmark_out=<file> --benchmark_out_format=json");
    return;
  }
  if (shape.entry_count == 0) {
    error("/benchmarks", shape.benchmarks_line, "no benchmarks: did the filter match nothing?",
          "check --benchmark_filter; Google Benchmark exits 0 when no benchmark matches");
    return;
  }
  if (!shape.has_context) {
    note(Severity::warning, "", "no \"context\": the machine and library version are unknown");
  }
  note_rows();
  note_fields();
}

// ---------------------------------------------------------------------------------------------
// Driving the parse.

Result<RunSet> GbenchReader::read() {
  m_run_set.source = m_source;
  const std::optional<DocumentShape> shape =
      detail::gbench::stream_document(m_text, m_source, *this, m_diagnostics);
  if (!shape) {
    return m_diagnostics;
  }
  finish(*shape);
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
