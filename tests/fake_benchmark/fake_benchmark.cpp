// perfgate_fake_benchmark: a program that behaves like a Google Benchmark 1.7 executable for
// perfgate's purposes, on command, so that every outcome of discovery and of a gate run is
// tested in seconds (the ccache habit of testing a driver with fake compilers). It measures
// nothing: its times come from a scenario (tests/fake_benchmark/README.md).
//
//   FAKE_BENCHMARK_SCENARIO=<file> perfgate_fake_benchmark [--benchmark_*...] [--fake_*...]
//
// Values are deterministic: a benchmark's time in one repetition depends only on its name, the
// repetition index and the invocation number (which only `drift` advances), so no test flakes.
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

// --- The scenario --------------------------------------------------------------------------------

struct FakeBenchmark {
  std::string name;
  double real_ns = 0;
  double cpu_ns = 0;
  double noise = 0;  // a fraction: each repetition's time lies within +-noise of the base
};

enum class Phase { list, run };

// A fault: crash (SIGSEGV), abort (SIGABRT), hang, exit N end the program; garbage replaces
// its output (the listing, or the JSON of a run). Each applies when listing, running or both.
struct Fault {
  std::string kind;
  int exit_code = 0;
  bool on_list = false;
  bool on_run = true;
};

struct Scenario {
  std::string path;  // "" for the built-in one
  std::vector<FakeBenchmark> benchmarks;
  std::vector<Fault> faults;
  std::vector<std::string> nan_names;    // `nan [name]`: "" = every benchmark
  std::vector<std::string> error_names;  // `error <name>`: reported as errored
  std::vector<std::pair<std::string, std::string>> context;  // `context <key> <json>`
  bool empty_on_list = false;  // `empty [list|run|always]`: lists or runs nothing
  bool empty_on_run = false;
  bool truncate = false;
  bool duplicate = false;
  double drift = 0;  // 0 = none
  double slow = 1;
  double sleep_seconds = 0;
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "perfgate_fake_benchmark: " << message << '\n';
  std::exit(2);
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string word;
  while (in >> word) {
    words.push_back(word);
  }
  return words;
}

std::optional<double> number_of(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The last white-space separated word of `rest`, removed from it ("" when none is left).
std::string pop_word(std::string& rest) {
  rest.erase(rest.find_last_not_of(" \t") + 1);
  const std::size_t space = rest.find_last_of(" \t");
  const std::size_t begin = space == std::string::npos ? 0 : space + 1;
  std::string word = rest.substr(begin);
  rest.erase(begin);
  return word;
}

// "<name> <real_ns> <cpu_ns> [<noise>%]": the name is everything before the numbers, spaces and
// all. False when the line is not one.
bool read_benchmark_line(const std::string& line, Scenario& scenario) {
  std::string rest = line;
  std::string last = pop_word(rest);
  double noise = 0;
  if (!last.empty() && last.back() == '%') {
    const auto percent = number_of(last.substr(0, last.size() - 1));
    if (!percent) {
      return false;
    }
    noise = *percent / 100;
    last = pop_word(rest);
  }
  const auto cpu = number_of(last);
  const auto real = number_of(pop_word(rest));
  rest.erase(rest.find_last_not_of(" \t") + 1);
  rest.erase(0, rest.find_first_not_of(" \t"));
  if (!real || !cpu || rest.empty()) {
    return false;
  }
  scenario.benchmarks.push_back({rest, *real, *cpu, noise});
  return true;
}

void read_fault(const std::vector<std::string>& words, Scenario& scenario,
                const std::string& where) {
  Fault fault;
  fault.kind = words[0];
  std::size_t next = 1;
  if (fault.kind == "exit") {
    const auto code = words.size() > 1 ? number_of(words[1]) : std::nullopt;
    if (!code) {
      fail(where + ": `exit` needs a code: exit <N> [list|run|always]");
    }
    fault.exit_code = static_cast<int>(*code);
    next = 2;
  }
  if (words.size() > next) {
    const std::string& when = words[next];
    if (when != "list" && when != "run" && when != "always") {
      fail(where + ": expected list, run or always after `" + fault.kind + "`, got '" + when + "'");
    }
    fault.on_list = when != "run";
    fault.on_run = when != "list";
  }
  scenario.faults.push_back(fault);
}

double factor_of(const std::vector<std::string>& words, const std::string& where) {
  const auto value = words.size() == 2 ? number_of(words[1]) : std::nullopt;
  if (!value || *value <= 0) {
    fail(where + ": `" + words[0] + "` needs one positive number");
  }
  return *value;
}

void read_directive(const std::string& line, Scenario& scenario, const std::string& where) {
  const std::vector<std::string> words = words_of(line);
  const std::string& word = words[0];
  const auto rest = [&] {
    const std::size_t at = line.find(word) + word.size();
    const std::size_t begin = line.find_first_not_of(" \t", at);
    return begin == std::string::npos ? std::string() : line.substr(begin);
  };
  if (word == "crash" || word == "abort" || word == "hang" || word == "exit" ||
      word == "garbage") {
    read_fault(words, scenario, where);
  } else if (word == "nan") {
    scenario.nan_names.push_back(rest());
  } else if (word == "error" && words.size() > 1) {
    scenario.error_names.push_back(rest());
  } else if (word == "context" && words.size() > 2) {
    const std::string value = rest().substr(words[1].size());
    scenario.context.emplace_back(words[1], value.substr(value.find_first_not_of(" \t")));
  } else if (word == "empty" && words.size() <= 2) {
    const std::string when = words.size() == 2 ? words[1] : "always";
    if (when != "list" && when != "run" && when != "always") {
      fail(where + ": expected list, run or always after `empty`, got '" + when + "'");
    }
    scenario.empty_on_list = scenario.empty_on_list || when != "run";
    scenario.empty_on_run = scenario.empty_on_run || when != "list";
  } else if (word == "truncate") {
    scenario.truncate = true;
  } else if (word == "duplicate") {
    scenario.duplicate = true;
  } else if (word == "drift") {
    scenario.drift = factor_of(words, where);
  } else if (word == "slow") {
    scenario.slow = factor_of(words, where);
  } else if (word == "sleep") {
    scenario.sleep_seconds = factor_of(words, where);
  } else {
    fail(where + ": unknown directive or malformed benchmark line: '" + line + "'");
  }
}

Scenario read_scenario(const std::string& path) {
  Scenario scenario;
  scenario.path = path;
  std::ifstream in(path);
  if (!in) {
    fail("cannot read the scenario '" + path + "'");
  }
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = line.substr(0, line.find('#'));
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!read_benchmark_line(line, scenario)) {
      read_directive(line, scenario, path + ":" + std::to_string(number));
    }
  }
  return scenario;
}

Scenario builtin_scenario() {
  Scenario scenario;
  scenario.benchmarks = {{"BM_Alpha", 1000, 990, 0.01},
                         {"BM_Beta/8", 2000, 1980, 0.01},
                         {"BM_Beta/64", 16000, 15800, 0.01}};
  return scenario;
}

// --- The command line ----------------------------------------------------------------------------

struct Flags {
  bool list_tests = false;
  std::optional<std::string> filter;
  int repetitions = 1;
  double min_time = 0.5;
  std::string out;
  std::string out_format = "json";
  std::string format = "console";
  bool aggregates_only = false;
  std::string scenario;
  bool candidate = false;
  std::optional<long> invocation;
};

bool flag_value(const std::string& arg, const std::string& name, std::string& value) {
  const std::string prefix = "--" + name;
  if (arg == prefix) {
    value = "true";
    return true;
  }
  if (arg.rfind(prefix + "=", 0) == 0) {
    value = arg.substr(prefix.size() + 1);
    return true;
  }
  return false;
}

bool is_true(const std::string& value) {
  return value == "true" || value == "1" || value == "yes" || value == "t" || value == "y";
}

// Google Benchmark 1.7.1's answer to a flag it does not know: exit 1.
[[noreturn]] void unrecognized(const char* program, const std::string& arg) {
  std::cerr << program << ": error: unrecognized command-line flag: " << arg << '\n';
  std::exit(1);
}

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int index = 1; index < argc; ++index) {
    const std::string arg = argv[index];
    std::string value;
    if (flag_value(arg, "benchmark_list_tests", value)) {
      flags.list_tests = is_true(value);
    } else if (flag_value(arg, "benchmark_filter", value)) {
      flags.filter = value;
    } else if (flag_value(arg, "benchmark_repetitions", value)) {
      const auto number = number_of(value);
      flags.repetitions = number && *number >= 1 ? static_cast<int>(*number) : 1;
    } else if (flag_value(arg, "benchmark_min_time", value)) {
      const auto number = number_of(value);
      if (!number) {
        std::cerr << "The value of flag --benchmark_min_time is expected to be a double, but "
                     "actually has value \""
                  << value << "\".\n";
        unrecognized(argv[0], arg);
      }
      flags.min_time = *number;
    } else if (flag_value(arg, "benchmark_out", value)) {
      flags.out = value;
    } else if (flag_value(arg, "benchmark_out_format", value)) {
      flags.out_format = value;
    } else if (flag_value(arg, "benchmark_format", value)) {
      flags.format = value;
    } else if (flag_value(arg, "benchmark_report_aggregates_only", value)) {
      flags.aggregates_only = is_true(value);
    } else if (flag_value(arg, "benchmark_color", value) ||
               flag_value(arg, "benchmark_enable_random_interleaving", value) ||
               flag_value(arg, "benchmark_display_aggregates_only", value) ||
               flag_value(arg, "benchmark_counters_tabular", value) ||
               flag_value(arg, "benchmark_context", value) ||
               flag_value(arg, "benchmark_perf_counters", value) || flag_value(arg, "v", value)) {
      // Accepted; they change nothing a fake measures.
    } else if (flag_value(arg, "fake_scenario", value)) {
      flags.scenario = value;
    } else if (flag_value(arg, "fake_candidate", value)) {
      flags.candidate = is_true(value);
    } else if (flag_value(arg, "fake_invocation", value)) {
      flags.invocation = static_cast<long>(number_of(value).value_or(0));
    } else {
      unrecognized(argv[0], arg);
    }
  }
  return flags;
}

std::string own_path() {
  char buffer[PATH_MAX] = {};
  const ssize_t size = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : std::string();
}

// --scenario, else $FAKE_BENCHMARK_SCENARIO, else <this executable>.scenario, else built in.
Scenario load_scenario(const Flags& flags) {
  if (!flags.scenario.empty()) {
    return read_scenario(flags.scenario);
  }
  if (const char* path = std::getenv("FAKE_BENCHMARK_SCENARIO"); path != nullptr && *path) {
    return read_scenario(path);
  }
  const std::string beside = own_path() + ".scenario";
  if (std::ifstream(beside)) {
    return read_scenario(beside);
  }
  return builtin_scenario();
}

// --- Faults and the invocation counter -----------------------------------------------------------

bool applies(const Fault& fault, Phase phase) {
  return phase == Phase::list ? fault.on_list : fault.on_run;
}

bool has_fault(const Scenario& scenario, const std::string& kind, Phase phase) {
  return std::any_of(scenario.faults.begin(), scenario.faults.end(), [&](const Fault& fault) {
    return fault.kind == kind && applies(fault, phase);
  });
}

void apply_faults(const Scenario& scenario, Phase phase) {
  for (const Fault& fault : scenario.faults) {
    if (!applies(fault, phase) || fault.kind == "garbage") {
      continue;
    }
    std::cout.flush();
    if (fault.kind == "crash") {
      std::signal(SIGSEGV, SIG_DFL);
      std::raise(SIGSEGV);
    } else if (fault.kind == "abort") {
      std::abort();
    } else if (fault.kind == "hang") {
      while (true) {
        pause();
      }
    } else {
      std::exit(fault.exit_code);
    }
  }
}

// How many runs came before this one: the number kept in $FAKE_BENCHMARK_COUNTER, else in
// <scenario>.count, advanced under a lock. Only `drift` scenarios count; the others are run 0.
long next_invocation(const Scenario& scenario, const Flags& flags) {
  if (flags.invocation) {
    return *flags.invocation;
  }
  if (scenario.drift == 0 || scenario.path.empty()) {
    return 0;
  }
  const char* env = std::getenv("FAKE_BENCHMARK_COUNTER");
  const std::string path = env != nullptr && *env ? env : scenario.path + ".count";
  FILE* file = std::fopen(path.c_str(), "a+");
  if (file == nullptr) {
    fail("cannot open the invocation counter '" + path + "'");
  }
  flock(fileno(file), LOCK_EX);
  std::rewind(file);
  long count = 0;
  if (std::fscanf(file, "%ld", &count) != 1) {
    count = 0;
  }
  if (ftruncate(fileno(file), 0) != 0) {
    fail("cannot write the invocation counter '" + path + "'");
  }
  std::fprintf(file, "%ld\n", count + 1);
  std::fflush(file);
  flock(fileno(file), LOCK_UN);
  std::fclose(file);
  return count;
}

// --- Selection and values ------------------------------------------------------------------------

// The benchmarks a run lists or runs: Google Benchmark 1.7's filter (POSIX extended std::regex,
// searched; a leading '-' negates; "" and "all" select everything). nullopt for a filter that
// does not compile (1.7.1 then says so and runs nothing, exit 0).
std::optional<std::vector<FakeBenchmark>> selected_benchmarks(const Scenario& scenario,
                                                              const Flags& flags) {
  const bool empty = flags.list_tests ? scenario.empty_on_list : scenario.empty_on_run;
  std::vector<FakeBenchmark> all = empty ? std::vector<FakeBenchmark>{} : scenario.benchmarks;
  if (scenario.duplicate && !all.empty()) {
    all.insert(all.begin() + 1, all.front());
  }
  std::string spec = flags.filter.value_or(".");
  if (spec.empty() || spec == "all") {
    spec = ".";
  }
  const bool negative = spec.front() == '-';
  if (negative) {
    spec.erase(0, 1);
  }
  std::regex regex;
  try {
    regex = std::regex(spec, std::regex::extended);
  } catch (const std::regex_error& error) {
    std::cerr << "Could not compile benchmark re: " << error.what() << '\n';
    return std::nullopt;
  }
  std::vector<FakeBenchmark> selected;
  for (const FakeBenchmark& benchmark : all) {
    if (std::regex_search(benchmark.name, regex) != negative) {
      selected.push_back(benchmark);
    }
  }
  return selected;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A number in [-1, 1] that depends only on its arguments.
double unit_noise(const std::string& name, int repetition, long invocation, int stream) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : name) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  hash = mix(hash ^ mix(static_cast<std::uint64_t>(repetition) * 4 +
                        static_cast<std::uint64_t>(stream) +
                        (static_cast<std::uint64_t>(invocation) << 32)));
  return static_cast<double>(hash >> 11) / static_cast<double>(1ULL << 52) - 1.0;
}

struct Row {
  std::string name;
  std::string run_name;
  bool aggregate = false;
  std::string aggregate_name;  // mean, median, stddev, cv
  int repetition_index = 0;
  long iterations = 0;
  double real_ns = 0;
  double cpu_ns = 0;
  bool error = false;
};

std::vector<Row> rows_of(const FakeBenchmark& benchmark, const Scenario& scenario,
                         const Flags& flags, long invocation, double factor) {
  const bool nan = std::any_of(
      scenario.nan_names.begin(), scenario.nan_names.end(),
      [&](const std::string& name) { return name.empty() || name == benchmark.name; });
  const bool error = std::find(scenario.error_names.begin(), scenario.error_names.end(),
                               benchmark.name) != scenario.error_names.end();
  std::vector<Row> rows;
  for (int repetition = 0; repetition < flags.repetitions; ++repetition) {
    Row row{benchmark.name, benchmark.name, false, "", repetition, 0, 0, 0, error};
    row.real_ns = benchmark.real_ns * factor *
                  (1 + benchmark.noise * unit_noise(benchmark.name, repetition, invocation, 0));
    row.cpu_ns = benchmark.cpu_ns * factor *
                 (1 + benchmark.noise * unit_noise(benchmark.name, repetition, invocation, 1));
    const double wanted = std::ceil(flags.min_time * 1e9 / std::max(row.real_ns, 1.0));
    row.iterations = error ? 0 : static_cast<long>(std::clamp(wanted, 1.0, 1e9));
    if (nan) {
      row.real_ns = row.cpu_ns = std::numeric_limits<double>::quiet_NaN();
    }
    rows.push_back(row);
  }
  if (flags.repetitions < 2 || error) {
    return rows;
  }
  const auto statistic = [&](double Row::*field, const std::string& which) {
    std::vector<double> values;
    for (int index = 0; index < flags.repetitions; ++index) {
      values.push_back(rows[static_cast<std::size_t>(index)].*field);
    }
    double mean = 0;
    for (const double v : values) {
      mean += v / static_cast<double>(values.size());
    }
    double variance = 0;
    for (const double v : values) {
      variance += (v - mean) * (v - mean) / static_cast<double>(values.size() - 1);
    }
    std::sort(values.begin(), values.end());
    const std::size_t half = values.size() / 2;
    const double median =
        values.size() % 2 ? values[half] : (values[half - 1] + values[half]) / 2;
    return which == "mean"     ? mean
           : which == "median" ? median
           : which == "stddev" ? std::sqrt(variance)
                               : std::sqrt(variance) / mean;
  };
  for (const std::string which : {"mean", "median", "stddev", "cv"}) {
    Row row{benchmark.name + "_" + which, benchmark.name, true, which, 0, flags.repetitions,
            statistic(&Row::real_ns, which), statistic(&Row::cpu_ns, which), false};
    rows.push_back(row);
  }
  return rows;
}

// --- Output --------------------------------------------------------------------------------------

std::string json_number(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value < 0 ? "-Infinity" : "Infinity";
  }
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.16e", value);
  return buffer;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int threads_of(const std::string& name) {
  const std::size_t at = name.find("/threads:");
  return at == std::string::npos ? 1 : std::atoi(name.c_str() + at + 9);
}

std::string context_json(const Scenario& scenario, const std::string& executable) {
  std::map<std::string, std::string> fields{
      {"date", "\"2024-01-01T00:00:00+00:00\""},
      {"host_name", "\"fake-host\""},
      {"executable", json_string(executable)},
      {"num_cpus", "2"},
      {"mhz_per_cpu", "2445"},
      {"cpu_scaling_enabled", "false"},
      {"load_avg", "[0,0,0]"},
      {"library_build_type", "\"debug\""}};
  for (const auto& [key, value] : scenario.context) {
    fields[key] = value;
  }
  std::string out = "  \"context\": {\n";
  for (const char* key : {"date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
                          "cpu_scaling_enabled"}) {
    out += "    \"" + std::string(key) + "\": " + fields[key] + ",\n";
    fields.erase(key);
  }
  out += "    \"caches\": [\n"
         "      {\"type\": \"Data\", \"level\": 1, \"size\": 32768, \"num_sharing\": 1},\n"
         "      {\"type\": \"Instruction\", \"level\": 1, \"size\": 32768, \"num_sharing\": 1},\n"
         "      {\"type\": \"Unified\", \"level\": 2, \"size\": 524288, \"num_sharing\": 1},\n"
         "      {\"type\": \"Unified\", \"level\": 3, \"size\": 33554432, \"num_sharing\": 2}\n"
         "    ]";
  for (const auto& [key, value] : fields) {
    out += ",\n    " + json_string(key) + ": " + value;
  }
  return out + "\n  }";
}

std::string row_json(const Row& row, int family_index, int instance_index, int repetitions) {
  std::string out = "    {\n      \"name\": " + json_string(row.name) + ",\n";
  out += "      \"family_index\": " + std::to_string(family_index) + ",\n";
  out += "      \"per_family_instance_index\": " + std::to_string(instance_index) + ",\n";
  out += "      \"run_name\": " + json_string(row.run_name) + ",\n";
  out += std::string("      \"run_type\": \"") + (row.aggregate ? "aggregate" : "iteration") +
         "\",\n";
  out += "      \"repetitions\": " + std::to_string(repetitions) + ",\n";
  if (!row.aggregate) {
    out += "      \"repetition_index\": " + std::to_string(row.repetition_index) + ",\n";
  }
  out += "      \"threads\": " + std::to_string(threads_of(row.run_name)) + ",\n";
  if (row.aggregate) {
    out += "      \"aggregate_name\": \"" + row.aggregate_name + "\",\n";
    out += std::string("      \"aggregate_unit\": \"") +
           (row.aggregate_name == "cv" ? "percentage" : "time") + "\",\n";
  }
  if (row.error) {
    out += "      \"error_occurred\": true,\n      \"error_message\": \"fake error\",\n";
  }
  out += "      \"iterations\": " + std::to_string(row.iterations) + ",\n";
  out += "      \"real_time\": " + json_number(row.real_ns) + ",\n";
  out += "      \"cpu_time\": " + json_number(row.cpu_ns) + ",\n";
  out += "      \"time_unit\": \"ns\"\n    }";
  return out;
}

struct Report {
  std::string json;
  std::string console;
};

std::string console_row(const Row& row) {
  char buffer[512];
  if (row.error) {
    std::snprintf(buffer, sizeof(buffer), "%-30s ERROR OCCURRED: 'fake error'\n",
                  row.name.c_str());
  } else if (row.aggregate_name == "cv") {
    std::snprintf(buffer, sizeof(buffer), "%-30s %10.2f %%  %10.2f %%  %12ld\n",
                  row.name.c_str(), row.real_ns * 100, row.cpu_ns * 100, row.iterations);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%-30s %10.0f ns %10.0f ns %12ld\n", row.name.c_str(),
                  row.real_ns, row.cpu_ns, row.iterations);
  }
  return buffer;
}

Report report_of(const std::vector<FakeBenchmark>& selected, const Scenario& scenario,
                 const Flags& flags, const std::string& executable, long invocation,
                 double factor) {
  Report report;
  report.json = "{\n" + context_json(scenario, executable) + ",\n  \"benchmarks\": [\n";
  const std::string rule = std::string(80, '-') + "\n";
  report.console =
      rule + "Benchmark                          Time             CPU   Iterations\n" + rule;
  std::map<std::string, int> family_of;
  std::map<std::string, int> instances;
  bool first = true;
  for (const FakeBenchmark& benchmark : selected) {
    const std::string family = benchmark.name.substr(0, benchmark.name.find('/'));
    const int family_index = family_of.emplace(family, static_cast<int>(family_of.size()))
                                 .first->second;
    const int instance_index = instances[family]++;
    for (const Row& row : rows_of(benchmark, scenario, flags, invocation, factor)) {
      if (flags.aggregates_only && !row.aggregate && flags.repetitions > 1) {
        continue;
      }
      report.json += (first ? "" : ",\n") +
                     row_json(row, family_index, instance_index, flags.repetitions);
      report.console += console_row(row);
      first = false;
    }
  }
  report.json += "\n  ]\n}\n";
  return report;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    fail("cannot write '" + path + "'");
  }
}

int run(const Scenario& scenario, const Flags& flags, const char* program) {
  apply_faults(scenario, Phase::run);
  const auto selected = selected_benchmarks(scenario, flags);
  if (!selected) {
    return 0;
  }
  if (selected->empty()) {
    if (!flags.out.empty()) {
      write_text(flags.out, "");
    }
    std::cerr << "Failed to match any benchmarks against regex: " << flags.filter.value_or("")
              << '\n';
    return 0;
  }
  const long invocation = next_invocation(scenario, flags);
  double factor = std::pow(scenario.drift == 0 ? 1.0 : scenario.drift, invocation);
  const char* candidate = std::getenv("FAKE_BENCHMARK_CANDIDATE");
  if (flags.candidate || (candidate != nullptr && *candidate && std::strcmp(candidate, "0"))) {
    factor *= scenario.slow;
  }
  const Report report = report_of(*selected, scenario, flags, own_path(), invocation, factor);
  std::cerr << "2024-01-01T00:00:00+00:00\nRunning " << program
            << "\nRun on (2 X 2445 MHz CPU s)\nLoad Average: 0.00, 0.00, 0.00\n"
               "***WARNING*** Library was built as DEBUG. Timings may be affected.\n";
  std::string json = report.json;
  if (has_fault(scenario, "garbage", Phase::run)) {
    json = "\x7f" "ELF this is not JSON {{{ ]]] \x01\x02\n";
  } else if (scenario.truncate) {
    json = json.substr(0, json.size() / 2);
  }
  if (scenario.sleep_seconds > 0) {
    usleep(static_cast<useconds_t>(scenario.sleep_seconds * 1e6));
  }
  std::cout << (flags.format == "json" ? json : report.console);
  if (!flags.out.empty()) {
    write_text(flags.out, json);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = parse_flags(argc, argv);
  const Scenario scenario = load_scenario(flags);
  if (!flags.list_tests) {
    return run(scenario, flags, argv[0]);
  }
  apply_faults(scenario, Phase::list);
  const auto selected = selected_benchmarks(scenario, flags);
  if (selected && has_fault(scenario, "garbage", Phase::list)) {
    // What a program that ignores --benchmark_list_tests prints: a run's console table.
    std::cout << report_of(*selected, scenario, flags, own_path(), 0, 1).console;
  } else if (selected) {
    for (const FakeBenchmark& benchmark : *selected) {
      std::cout << benchmark.name << '\n';
    }
  }
  return 0;
}
