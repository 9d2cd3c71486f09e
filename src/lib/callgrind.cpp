// The deterministic lane's pure half: callgrind dump text -> timed runs -> instructions per
// iteration (include/perfgate/callgrind.hpp). No file, process or clock access.
#include <perfgate/callgrind.hpp>
#include <perfgate/discover.hpp>

#include <perfgate/baseline.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace perfgate::callgrind {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

template <class Int>
std::optional<Int> integer_of(std::string_view text) {
  text = trim(text);
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

// The last line of `text` (without its newline).
std::string_view last_line(std::string_view text) {
  if (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
  }
  const std::size_t start = text.rfind('\n');
  return start == std::string_view::npos ? text : text.substr(start + 1);
}

// A number for messages, locale-independent: integers as integers, others with 2 decimals.
std::string number_text(double value) {
  char buffer[64];
  const bool integral = value == static_cast<double>(static_cast<std::int64_t>(value));
  const auto result = integral ? std::to_chars(buffer, buffer + sizeof(buffer),
                                               static_cast<std::int64_t>(value))
                               : std::to_chars(buffer, buffer + sizeof(buffer), value,
                                               std::chars_format::fixed, 2);
  return std::string(buffer, result.ptr);
}

std::string percent_text(double fraction) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), fraction * 100.0,
                                    std::chars_format::general, 2);
  return std::string(buffer, result.ptr) + "%";
}

// The last `max_lines` lines of valgrind's log, indented, for an error message.
std::string log_tail(std::string_view log, std::size_t max_lines = 6) {
  std::vector<std::string_view> lines;
  while (!log.empty()) {
    const std::size_t end = log.find('\n');
    const std::string_view line = log.substr(0, end);
    if (!trim(line).empty()) {
      lines.push_back(line);
    }
    if (end == std::string_view::npos) {
      break;
    }
    log.remove_prefix(end + 1);
  }
  if (lines.empty()) {
    return {};
  }
  std::string tail = "\n  valgrind said:";
  for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size();
       ++i) {
    tail += "\n    " + std::string(lines[i]);
  }
  return tail;
}

// "/key:" followed by its value up to the next '/', or empty.
std::string_view name_part(std::string_view name, std::string_view key) {
  const std::size_t at = name.find(key);
  if (at == std::string_view::npos) {
    return {};
  }
  std::string_view value = name.substr(at + key.size());
  return value.substr(0, value.find('/'));
}

}  // namespace

std::optional<std::string> stack_padding(std::size_t auxv_entries) {
  if (auxv_entries > k_auxv_slots) {
    return std::nullopt;
  }
  return std::string(16 * (k_auxv_slots - auxv_entries), '.');
}

std::string pinned_host_of(std::optional<std::size_t> auxv_entries) {
  if (auxv_entries && stack_padding(*auxv_entries)) {
    return std::string(k_pinned_host);
  }
  const std::string pinned(k_pinned_host);
  return pinned.substr(0, pinned.rfind(", stack")) + "; stack NOT pinned: " +
         (auxv_entries ? "this kernel has " + std::to_string(*auxv_entries) +
                             " auxv entries, more than " + std::to_string(k_auxv_slots)
                       : std::string("/proc/self/auxv is unreadable"));
}

bool is_complete_dump(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return false;
  }
  const std::string_view line = last_line(text);
  return starts_with(line, "totals:") && integer_of<std::uint64_t>(line.substr(7)).has_value();
}

Result<Dump> parse_dump(std::string_view text, const std::string& source) {
  Diagnostics diagnostics;
  const auto fail = [&](std::optional<std::size_t> line, std::string message, std::string hint) {
    Diagnostic diagnostic;
    diagnostic.file = source;
    diagnostic.line = line;
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    diagnostics.add(std::move(diagnostic));
  };
  Dump dump;
  bool has_part = false;
  bool has_thread = false;
  bool has_totals = false;
  bool is_callgrind = false;
  std::size_t line_number = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line_number;
    if (line_number == 1 || starts_with(line, "version:") || starts_with(line, "creator:")) {
      is_callgrind = is_callgrind || line == "# callgrind format" ||
                     starts_with(line, "creator: callgrind");
    }
    if (starts_with(line, "part:")) {
      const auto part = integer_of<int>(line.substr(5));
      if (!part || *part < 1) {
        fail(line_number, "expected a part number after \"part:\", got \"" +
                              std::string(trim(line.substr(5))) + "\"", {});
      } else {
        dump.part = *part;
        has_part = true;
      }
    } else if (starts_with(line, "thread:")) {
      const auto thread = integer_of<int>(line.substr(7));
      if (!thread || *thread < 1) {
        fail(line_number, "expected a thread id after \"thread:\", got \"" +
                              std::string(trim(line.substr(7))) + "\"", {});
      } else {
        dump.thread = *thread;
        has_thread = true;
      }
    } else if (starts_with(line, "desc: Trigger:")) {
      const std::string_view trigger = line.substr(14);
      if (trigger.find(k_dump_at_finish) != std::string_view::npos) {
        dump.trigger = Trigger::finish;
      } else if (trigger.find(k_dump_at_pause) != std::string_view::npos) {
        dump.trigger = Trigger::pause;
      }
    } else if (starts_with(line, "totals:")) {
      const auto totals = integer_of<std::uint64_t>(line.substr(7));
      if (!totals) {
        fail(line_number, "expected an instruction count after \"totals:\", got \"" +
                              std::string(trim(line.substr(7))) + "\"",
             "run callgrind with its default event set (Ir only)");
      } else {
        dump.totals = *totals;
        has_totals = true;
      }
    }
  }
  if (!is_callgrind) {
    fail(1, "not a callgrind dump (expected \"# callgrind format\" on the first line)", {});
  } else {
    if (!has_part) {
      fail(std::nullopt, "missing \"part:\" line", {});
    }
    if (!has_thread) {
      fail(std::nullopt, "missing \"thread:\" line",
           "run valgrind with --separate-threads=yes, so each dump holds one thread's counts");
    }
    if (!has_totals) {
      fail(std::nullopt, "missing \"totals:\" line (the dump is incomplete)", {});
    }
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  return dump;
}

Schedule schedule_of(std::string_view benchmark_name) {
  Schedule schedule;
  if (const auto threads = integer_of<int>(name_part(benchmark_name, "/threads:"));
      threads && *threads > 0) {
    schedule.threads = *threads;
  }
  if (const auto iterations = integer_of<std::int64_t>(name_part(benchmark_name, "/iterations:"));
      iterations && *iterations > 0) {
    schedule.fixed_iterations = *iterations;
  }
  for (const std::string_view key : {"/min_time:", "/min_warmup_time:"}) {
    const std::size_t at = benchmark_name.find(key);
    if (at != std::string_view::npos && schedule.time_override.empty()) {
      const std::string_view rest = benchmark_name.substr(at + 1);
      schedule.time_override = std::string(rest.substr(0, rest.find('/')));
    }
  }
  return schedule;
}

std::string exact_filter(std::string_view benchmark_name) {
  // Escaped as discovery escapes (Google Benchmark 1.7's std::regex rejects "\]" and "\}").
  return "^" + regex_escape(benchmark_name) + "$";
}

std::string family_filter(std::string_view family) {
  std::string filter = exact_filter(family);
  filter.pop_back();  // the "$"
  return filter + "(/.*)?$";
}

RunCollector::RunCollector(Schedule schedule) : m_schedule(std::move(schedule)) {}

void RunCollector::add(const Dump& dump) {
  ++m_dumps;
  if (dump.trigger == Trigger::other) {
    return;  // not a boundary of a timed segment
  }
  bool& after_finish = m_after_finish[dump.thread];
  if (after_finish && dump.trigger == Trigger::pause) {
    after_finish = false;  // FinishKeepRunning()'s own PauseTiming(): between runs
    return;
  }
  after_finish = false;
  std::uint64_t& pending = m_pending[dump.thread];
  pending += dump.totals;
  if (dump.trigger == Trigger::pause) {
    m_paused = true;
    return;
  }
  // The end of this thread's part of a run. A run is complete once all its threads finished.
  if (m_runs.empty() || m_runs.back().size() >= static_cast<std::size_t>(m_schedule.threads)) {
    m_runs.emplace_back();
  }
  m_runs.back().push_back(pending);
  pending = 0;
  after_finish = true;
}

std::size_t RunCollector::completed_runs() const {
  const auto threads = static_cast<std::size_t>(m_schedule.threads);
  return m_runs.empty() || m_runs.back().size() >= threads ? m_runs.size() : m_runs.size() - 1;
}

std::vector<std::uint64_t> RunCollector::run_totals() const {
  std::vector<std::uint64_t> totals;
  for (const auto& run : m_runs) {
    if (run.size() < static_cast<std::size_t>(m_schedule.threads)) {
      break;  // still in progress
    }
    std::uint64_t sum = 0;
    for (const std::uint64_t count : run) {
      sum += count;
    }
    totals.push_back(sum);
  }
  return totals;
}

std::optional<std::string> skip_with_error_message(std::string_view console_output) {
  constexpr std::string_view k_marker = "ERROR OCCURRED: '";
  const std::size_t at = console_output.find(k_marker);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view message = console_output.substr(at + k_marker.size());
  message = message.substr(0, message.find('\n'));
  if (!message.empty() && message.back() == '\'') {
    message.remove_suffix(1);
  }
  return std::string(message);
}

Measurement measure(const RunCollector& collector, const ProcessOutcome& outcome) {
  Measurement m;
  const Schedule& schedule = collector.schedule();
  m.run_totals = collector.run_totals();
  const std::size_t needed = schedule.runs_needed();
  const std::string progress = std::to_string(std::min(m.run_totals.size(), needed)) + " of " +
                               std::to_string(needed) + " timed run" + (needed == 1 ? "" : "s");
  if (!schedule.time_override.empty()) {
    m.error = "its own ->MinTime()/->MinWarmUpTime() (\"" + schedule.time_override +
              "\") overrides --benchmark_min_time, so under valgrind its iteration schedule "
              "depends on time: not measurable in the instructions lane (gate it in a wall-time "
              "lane, or drop the override)";
    return m;
  }
  if (outcome.timed_out) {
    m.error = "timed out after " + number_text(outcome.timeout_seconds) + " s under callgrind (" +
              progress + " done); raise --timeout or make the benchmark's iterations cheaper";
    return m;
  }
  if (const auto message = skip_with_error_message(outcome.console_output)) {
    m.error = "the benchmark reported an error (SkipWithError): '" + *message + "'";
    return m;
  }
  if (!collector.complete()) {
    if (outcome.signal) {
      m.error = "valgrind ended on signal " + std::to_string(*outcome.signal) + " after " +
                progress + log_tail(outcome.valgrind_log);
    } else if (outcome.exit_code && *outcome.exit_code != 0) {
      m.error = "valgrind exited with code " + std::to_string(*outcome.exit_code) + " after " +
                progress + log_tail(outcome.valgrind_log);
    } else if (collector.dumps() == 0) {
      m.error = "callgrind saw no timed region: " + std::string(k_dump_at_finish) +
                " was never reached or has no symbol (a stripped executable with a static "
                "libbenchmark?); link the shared libbenchmark or keep its symbols";
    } else {
      m.error = "the benchmark stopped after " + progress + " (expected runs of 1, 10 and 100 "
                "iterations under --benchmark_min_time=1e9)";
    }
    return m;
  }
  const auto& totals = m.run_totals;
  if (totals.size() < needed) {  // complete() says otherwise; never trust an index blindly
    m.error = "the benchmark stopped after " + progress;
    return m;
  }
  if (schedule.fixed_iterations > 0) {
    m.status = Status::fixed_iterations;
    m.instructions = static_cast<double>(totals[0]) / static_cast<double>(schedule.fixed_iterations);
    m.notes.push_back("->Iterations(" + std::to_string(schedule.fixed_iterations) +
                      "): one timed run, so the count per iteration includes the run's one-time "
                      "work; deterministic, but comparable only with itself");
  } else {
    const double r1 = static_cast<double>(totals[0]);
    const double r2 = static_cast<double>(totals[1]);
    const double r3 = static_cast<double>(totals[2]);
    const double d1 = r2 - r1;
    const double d2 = r3 - r2;
    // Google Benchmark multiplies the iterations by at most 10 per run; a smaller step means
    // something (its own time limit) changed the schedule, and (R3 - R2) / 90 would be wrong.
    if (!(d2 > 0) || (d1 > 0 && d2 / d1 < 8)) {
      m.error = "iteration schedule mismatch: the timed runs cost " + number_text(r1) + ", " +
                number_text(r2) + " and " + number_text(r3) +
                " instructions, which is not runs of 1, 10 and 100 iterations";
      return m;
    }
    m.status = Status::ok;
    m.instructions = d2 / 90.0;
  }
  if (schedule.threads > 1) {
    const auto& last = collector.runs()[needed - 1];
    const auto [low, high] = std::minmax_element(last.begin(), last.end());
    if (*low != *high) {
      m.notes.push_back("its " + std::to_string(schedule.threads) +
                        " threads did unequal work (" + number_text(static_cast<double>(*low)) +
                        " to " + number_text(static_cast<double>(*high)) +
                        " instructions in one run): waiting on each other makes counts jitter");
    }
    m.notes.push_back("multi-threaded: valgrind runs one thread at a time, so the count says "
                      "nothing about parallel scaling");
  }
  if (collector.paused()) {
    m.notes.push_back("uses PauseTiming(): the paused code is not counted");
  }
  return m;
}

Benchmark to_benchmark(std::string_view name, const std::vector<Measurement>& repetitions) {
  Benchmark benchmark;
  benchmark.name = std::string(name);
  benchmark.family = family_of(name);
  const Schedule schedule = schedule_of(name);
  benchmark.threads = schedule.threads;
  benchmark.iterations = schedule.fixed_iterations > 0 ? schedule.fixed_iterations : 100;
  std::vector<double> samples;
  std::vector<int> groups;
  std::vector<std::string> notes;
  for (std::size_t i = 0; i < repetitions.size(); ++i) {
    const Measurement& m = repetitions[i];
    if (m.status == Status::errored || !m.instructions) {
      if (!benchmark.errored) {
        benchmark.errored = true;
        benchmark.error_message =
            (repetitions.size() > 1 ? "run " + std::to_string(i + 1) + " of " +
                                          std::to_string(repetitions.size()) + ": "
                                    : std::string()) +
            (m.error.empty() ? std::string("no measurement") : m.error);
      }
      continue;
    }
    samples.push_back(*m.instructions);
    groups.push_back(static_cast<int>(i));
    for (const auto& note : m.notes) {
      // One note per kind: the same caveat with other numbers from another run is not repeated.
      const auto kind = [](const std::string& text) { return text.substr(0, text.find('(')); };
      if (std::none_of(notes.begin(), notes.end(),
                       [&](const std::string& seen) { return kind(seen) == kind(note); })) {
        notes.push_back(note);
      }
    }
  }
  if (samples.empty()) {
    return benchmark;
  }
  MetricSeries& series = benchmark.series(metric::k_instructions);
  series.samples = samples;
  series.groups = groups;
  const auto [low, high] = std::minmax_element(samples.begin(), samples.end());
  if (*low != *high) {
    series.noisy = true;
    series.advice =
        "Make the benchmark single-threaded or uncontended to gate it here, or gate it in a "
        "wall-time lane (docs/lanes.md)";
    std::vector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    notes.insert(notes.begin(),
                 "instruction counts differ between " + std::to_string(samples.size()) +
                     " separate runs: " + number_text(*low) + " to " + number_text(*high) +
                     " per iteration (spread " +
                     percent_text(median != 0 ? (*high - *low) / median : 0) + ")");
  }
  for (const auto& note : notes) {
    series.note += (series.note.empty() ? "" : "; ") + note;
  }
  return benchmark;
}

std::string valgrind_version_of(std::string_view version_output) {
  const std::string_view line = trim(version_output.substr(0, version_output.find('\n')));
  constexpr std::string_view k_prefix = "valgrind-";
  if (!starts_with(line, k_prefix) || line.size() == k_prefix.size()) {
    return {};
  }
  return std::string(line.substr(k_prefix.size()));
}

std::map<std::string, std::string> libraries_from_ldd(std::string_view ldd_output) {
  std::map<std::string, std::string> libraries;
  while (!ldd_output.empty()) {
    const std::size_t end = ldd_output.find('\n');
    const std::string_view line = trim(ldd_output.substr(0, end));
    ldd_output = end == std::string_view::npos ? std::string_view() : ldd_output.substr(end + 1);
    const std::size_t arrow = line.find(" => ");
    if (arrow == std::string_view::npos) {
      continue;  // the vDSO and the dynamic loader
    }
    const std::string soname(trim(line.substr(0, arrow)));
    std::string_view target = trim(line.substr(arrow + 4));
    if (target == "not found") {
      libraries[soname] = "";
      continue;
    }
    const std::size_t address = target.rfind(" (0x");
    if (address != std::string_view::npos) {
      target = trim(target.substr(0, address));
    }
    libraries[soname] = std::string(target);
  }
  return libraries;
}

std::string library_file_name(std::string_view real_path) {
  const std::size_t slash = real_path.rfind('/');
  return std::string(slash == std::string_view::npos ? real_path : real_path.substr(slash + 1));
}

}  // namespace perfgate::callgrind

namespace perfgate::callgrind {

std::string executable_digest(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64: offset basis and prime
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 1099511628211ULL;
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string digest = "fnv1a64:";
  for (int shift = 60; shift >= 0; shift -= 4) {
    digest += k_hex[(hash >> shift) & 0xF];
  }
  return digest;
}

void record_measurement_key(const MeasurementKey& key, RunContext& context) {
  context.extra[std::string(k_measured_executable)] = key.executable_digest;
  context.extra[std::string(k_measured_filter)] = key.filter;
  context.extra[std::string(k_measured_repeat)] = std::to_string(key.repeat);
}

std::vector<std::string> measurement_staleness(const RunContext& measured,
                                               const MeasurementKey& expected,
                                               const RunContext& toolchain) {
  std::vector<std::string> reasons;
  const auto recorded = [&](std::string_view key) -> std::optional<std::string> {
    const auto it = measured.extra.find(std::string(key));
    return it == measured.extra.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const auto compare = [&](std::string_view key, const std::string& now, const char* what) {
    const auto then = recorded(key);
    if (!then) {
      reasons.push_back(std::string("the results do not record ") + what + " (" +
                        std::string(key) + "): measured by an older perfgate");
    } else if (*then != now) {
      reasons.push_back(std::string(what) + " changed: measured with \"" + *then +
                        "\", now \"" + now + "\"");
    }
  };
  compare(k_measured_executable, expected.executable_digest, "the executable");
  compare(k_measured_filter, expected.filter, "the filter");
  compare(k_measured_repeat, std::to_string(expected.repeat), "the repeat count");
  for (const std::string& key : fingerprint_keys(k_lane_instructions)) {
    const auto now = toolchain.extra.find(key);
    const auto then = measured.extra.find(key);
    if (now != toolchain.extra.end() && then != measured.extra.end() &&
        now->second != then->second) {
      reasons.push_back(key + " changed: measured with \"" + then->second + "\", now \"" +
                        now->second + "\"");
    }
  }
  return reasons;
}

namespace {
// `name` belongs to `family` ("BM_x" or a fixture's "Fixture/Method", as discovery groups them):
// it is the family itself or continues it after a '/'.
bool in_family(std::string_view name, std::string_view family) {
  return name.substr(0, family.size()) == family &&
         (name.size() == family.size() || name[family.size()] == '/');
}
}  // namespace

Result<RunSet> merge_family(const RunSet& existing, const RunSet& fresh, std::string_view family,
                            const std::string& fresh_source) {
  Diagnostics diagnostics;
  const auto fail = [&](std::string message, std::string hint) {
    Diagnostic diagnostic;
    diagnostic.file = fresh_source;
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    diagnostics.add(std::move(diagnostic));
  };
  std::vector<Benchmark> replacement;
  for (const Benchmark& benchmark : fresh.benchmarks) {
    if (!in_family(benchmark.name, family)) {
      continue;
    }
    if (benchmark.errored) {
      fail(benchmark.name + ": could not be measured (" + benchmark.error_message +
               "), so the family is not re-recorded",
           "fix the benchmark, then record the family again");
    }
    replacement.push_back(benchmark);
  }
  if (replacement.empty()) {
    fail("holds no benchmark of family \"" + std::string(family) + "\"",
         "measure it with --filter '" + family_filter(family) + "'");
  }
  if (!existing.context.extra.empty()) {
    for (const std::string& mismatch : fingerprint_mismatches(existing.context, fresh.context)) {
      fail("measured under another fingerprint than the baseline: " + mismatch,
           "record the whole suite again instead of one family");
    }
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  RunSet merged = existing;
  merged.benchmarks.clear();
  bool placed = false;
  for (const Benchmark& benchmark : existing.benchmarks) {
    if (!in_family(benchmark.name, family)) {
      merged.benchmarks.push_back(benchmark);
    } else if (!placed) {
      merged.benchmarks.insert(merged.benchmarks.end(), replacement.begin(), replacement.end());
      placed = true;
    }
  }
  if (!placed) {
    merged.benchmarks.insert(merged.benchmarks.end(), replacement.begin(), replacement.end());
  }
  return merged;
}

}  // namespace perfgate::callgrind
