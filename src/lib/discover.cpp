// Discovery of gate tests from a --benchmark_list_tests=true listing (docs/cmake-module.md,
// "Discovery"). Pure: the listing comes in as text, the CTest script goes out as text.
#include <perfgate/discover.hpp>
#include <perfgate/number_format.hpp>

#include <algorithm>
#include <cstdint>
#include <map>

namespace perfgate {

namespace {

constexpr std::string_view k_listing_hint =
    "with --benchmark_list_tests=true a Google Benchmark executable prints one name per line and "
    "nothing else on stdout; is this a Google Benchmark executable, and does it print to stdout "
    "before benchmark::Initialize()?";

// Why `line` cannot be a name Google Benchmark lists; empty when it can be one.
std::string why_not_a_name(std::string_view line) {
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      constexpr char k_hex[] = "0123456789abcdef";
      return std::string("it holds a control character (byte 0x") + k_hex[byte >> 4] +
             k_hex[byte & 15] + ")";
    }
  }
  if (line.front() == ' ' || line.back() == ' ') {
    return "it begins or ends with a space";
  }
  if (line.front() == '/') {
    return "it begins with '/', so its family would have no name";
  }
  if (line.find("  ") != std::string_view::npos ||
      (line.size() >= 3 && line.find_first_not_of('-') == std::string_view::npos)) {
    return "it looks like a line of Google Benchmark's console table";
  }
  return {};
}

// Each line of `text`, with its 1-based number; a trailing '\r' dropped.
template <class Visit>
void for_each_line(std::string_view text, Visit visit) {
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    visit(line, ++number);
  }
}

std::string line_list(const std::vector<std::size_t>& lines) {
  std::string out;
  for (const std::size_t line : lines) {
    out += (out.empty() ? "" : ", ") + std::to_string(line);
  }
  return out;
}

bool is_identifier_char(char c, bool first) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

// "Method", "Method<int>", "case_1": an identifier, perhaps with template arguments, that is not
// one of Google Benchmark's own suffixes.
bool is_method_like(std::string_view part) {
  if (part == "real_time" || part == "process_time" || part == "manual_time") {
    return false;
  }
  if (part.empty() || !is_identifier_char(part.front(), true)) {
    return false;
  }
  std::size_t end = 1;
  while (end < part.size() && is_identifier_char(part[end], false)) {
    ++end;
  }
  return end == part.size() || (part[end] == '<' && part.back() == '>');
}

std::string_view first_part(std::string_view name) { return name.substr(0, name.find('/')); }

// The part after the first '/' up to the next one; nullopt when the name has no '/'.
std::optional<std::string_view> second_part(std::string_view name) {
  const std::size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view rest = name.substr(slash + 1);
  return rest.substr(0, rest.find('/'));
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool has_lane(const RunConfig& config, std::string_view lane) {
  return std::find(config.lanes.begin(), config.lanes.end(), lane) != config.lanes.end();
}

// A CMake list element: ';' escaped so the list keeps it.
std::string list_of(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t index = 0; index < items.size(); ++index) {
    out += index == 0 ? "" : ";";
    for (const char c : items[index]) {
      out += c == ';' ? std::string("\\;") : std::string(1, c);
    }
  }
  return out;
}

std::string properties_of(const TestProperties& properties, const std::string& artifacts) {
  std::string out;
  if (!properties.labels.empty()) {
    out += " LABELS " + cmake_bracket(list_of(properties.labels));
  }
  if (properties.timeout > 0) {
    out += " TIMEOUT " + format_number(properties.timeout);
  }
  if (properties.run_serial) {
    out += " RUN_SERIAL TRUE";
  }
  if (properties.processors > 1) {
    out += " PROCESSORS " + std::to_string(properties.processors);
  }
  if (!properties.resource_lock.empty()) {
    out += " RESOURCE_LOCK " + cmake_bracket(list_of({properties.resource_lock}));
  }
  if (!properties.fixtures_required.empty()) {
    out += " FIXTURES_REQUIRED " + cmake_bracket(list_of(properties.fixtures_required));
  }
  if (!properties.environment.empty()) {
    out += " ENVIRONMENT " + cmake_bracket(list_of(properties.environment));
  }
  out += " ATTACHED_FILES " + cmake_bracket(list_of({artifacts + "/report.md"}));
  out += " ATTACHED_FILES_ON_FAIL " + cmake_bracket(list_of({artifacts + "/report.html"}));
  return out;
}

const std::optional<TestProperties>& properties_for(const RunConfig& config, TestMode mode) {
  switch (mode) {
    case TestMode::perf:
      return config.perf;
    case TestMode::instr:
      return config.instr;
    case TestMode::smoke:
      break;
  }
  return config.smoke;
}

}  // namespace

Result<std::vector<std::string>> parse_benchmark_list(std::string_view text,
                                                      const std::string& source) {
  Diagnostics diagnostics;
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::size_t>> lines_of;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    if (line.empty()) {
      return;
    }
    if (const std::string why = why_not_a_name(line); !why.empty()) {
      diagnostics.add({Severity::error, source, number, "",
                       "\"" + std::string(line.substr(0, 200)) + "\" cannot be a benchmark name: " +
                           why,
                       std::string(k_listing_hint)});
      return;
    }
    auto& lines = lines_of[std::string(line)];
    if (lines.empty()) {
      names.emplace_back(line);
    }
    lines.push_back(number);
  });
  for (const std::string& name : names) {
    const auto& lines = lines_of[name];
    if (lines.size() > 1) {
      diagnostics.add(
          {Severity::error, source, lines[1], "",
           "benchmark \"" + name + "\" is listed " + std::to_string(lines.size()) +
               " times (lines " + line_list(lines) + ")",
           "each benchmark needs a name of its own, or its results cannot be told apart: this "
           "is the same name registered more than once (BENCHMARK(" +
               std::string(first_part(name)) +
               ") written twice, or a BENCHMARK macro in a header that two translation units "
               "include); register it once, or give each registration its own arguments or "
               "name"});
    }
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  return names;
}

std::vector<BenchmarkFamily> group_families(const std::vector<std::string>& names) {
  // Per first part: are all of its names "First/Method..."?
  std::map<std::string_view, bool> split;
  for (const std::string& name : names) {
    const auto second = second_part(name);
    const bool method = second && is_method_like(*second);
    const auto [at, inserted] = split.emplace(first_part(name), method);
    if (!inserted) {
      at->second = at->second && method;
    }
  }
  std::vector<BenchmarkFamily> families;
  std::map<std::string, std::size_t> index_of;
  for (const std::string& name : names) {
    const std::string_view first = first_part(name);
    std::string family(first);
    if (split[first]) {
      family += "/" + std::string(*second_part(name));
    }
    const auto [at, inserted] = index_of.emplace(family, families.size());
    if (inserted) {
      families.push_back({family, {}});
    }
    families[at->second].members.push_back(name);
  }
  return families;
}

std::string regex_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (std::string_view("[.*+?^$(){|\\").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string family_regex(const BenchmarkFamily& family, bool filtered) {
  if (!filtered) {
    return "^" + regex_escape(family.name) + "(/.*)?$";
  }
  std::string alternatives;
  for (const std::string& member : family.members) {
    alternatives += (alternatives.empty() ? "" : "|") + regex_escape(member);
  }
  return "^(" + alternatives + ")$";
}

std::string artifact_folder(std::string_view test_name) {
  constexpr std::size_t k_max_readable = 100;
  std::string folder;
  bool changed = test_name.size() > k_max_readable || test_name == "." || test_name == "..";
  for (const char c : test_name.substr(0, k_max_readable)) {
    const bool safe = is_identifier_char(c, false) || c == '.' || c == '+' || c == '-';
    folder += safe ? c : '_';
    changed = changed || !safe;
  }
  if (!changed) {
    return folder;
  }
  const std::uint64_t hash = fnv1a(test_name);
  const auto folded = static_cast<std::uint32_t>(hash ^ (hash >> 32));
  constexpr char k_hex[] = "0123456789abcdef";
  folder += '-';
  for (int shift = 28; shift >= 0; shift -= 4) {
    folder += k_hex[(folded >> shift) & 15];
  }
  return folder;
}

std::string cmake_bracket(std::string_view value) {
  std::string equals = "==";
  while (true) {
    const std::string close = "]" + equals + "]";
    const std::string closed = std::string(value) + close;
    if (closed.find(close) == value.size()) {
      break;
    }
    equals += '=';
  }
  // CMake drops a newline right after the opening bracket: keep the value's own.
  const bool leading_newline = !value.empty() && (value.front() == '\n' || value.front() == '\r');
  return "[" + equals + "[" + (leading_newline ? "\n" : "") + std::string(value) + "]" + equals +
         "]";
}

std::string_view to_string(TestMode mode) {
  switch (mode) {
    case TestMode::perf:
      return "perf";
    case TestMode::instr:
      return "instr";
    case TestMode::smoke:
      break;
  }
  return "smoke";
}

std::vector<GateTest> plan_gate_tests(const RunConfig& config, const Listings& listings) {
  std::vector<TestMode> modes;
  if (has_lane(config, "wall-time")) {
    modes.push_back(TestMode::perf);
  }
  if (has_lane(config, "instructions")) {
    modes.push_back(TestMode::instr);
  }
  modes.push_back(TestMode::smoke);

  std::vector<GateTest> tests;
  for (const TestMode mode : modes) {
    const bool instr = mode == TestMode::instr && listings.instructions;
    const auto& names = instr ? *listings.instructions : listings.wall;
    const bool filtered =
        !(mode == TestMode::instr ? config.instructions_filter : config.filter).empty();
    const std::string prefix = std::string(to_string(mode)) + "." + config.suite + ".";
    const auto add = [&](const std::string& name, std::string family, std::string regex) {
      tests.push_back({mode, name, std::move(family), std::move(regex),
                       config.artifacts_root + "/" + artifact_folder(name)});
    };
    if (names.empty()) {
      add(prefix + "NO_BENCHMARKS", "", "");
      continue;
    }
    for (const BenchmarkFamily& family : group_families(names)) {
      add(prefix + family.name, family.name, family_regex(family, filtered));
    }
  }
  return tests;
}

std::string render_ctest_script(const RunConfig& config, const std::string& run_config_path,
                                const std::vector<GateTest>& tests) {
  std::string script = "# Generated by `perfgate discover` for " + config.target + " (suite " +
                       config.suite + "); do not edit.\n";
  std::vector<std::string> names;
  for (const GateTest& test : tests) {
    const std::string name = cmake_bracket(test.name);
    const bool none = test.family.empty();
    script += "add_test(" + name + " " + cmake_bracket(config.perfgate) + " run " +
              cmake_bracket(run_config_path) + " --mode " + std::string(to_string(test.mode)) +
              " --test " + name + " --family " + (none ? "\"\"" : cmake_bracket(test.family)) +
              " --benchmarks " + (none ? "\"\"" : cmake_bracket(test.regex)) + " --artifacts " +
              cmake_bracket(test.artifacts) + ")\n";
    script += "set_tests_properties(" + name + " PROPERTIES" +
              properties_of(properties_for(config, test.mode).value_or(TestProperties{}),
                            test.artifacts) +
              ")\n";
    if (!none) {
      names.push_back(test.name);
    }
  }
  script += "set(" + cmake_bracket("PERFGATE_" + config.suite + "_TESTS") + " " +
            cmake_bracket(list_of(names)) + ")\n";
  return script;
}

}  // namespace perfgate
