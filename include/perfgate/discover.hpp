// Discovery of a Google Benchmark executable's gate tests, pure: from the text it lists with
// --benchmark_list_tests=true to the CTest script that registers `perfgate run` once per family
// and mode (docs/cmake-module.md, "Discovery"). `perfgate discover` runs the executable and
// writes the script; everything it decides is here.
#pragma once

#include <perfgate/result.hpp>
#include <perfgate/run_config.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// The benchmark names of a --benchmark_list_tests=true listing, in the executable's order. Blank
// lines are ignored and a trailing '\r' dropped. A line that cannot be a benchmark name (a control
// character, white space at either end, a leading '/', Google Benchmark's console output) and a
// name listed more than once are diagnostics naming `source` and the line.
Result<std::vector<std::string>> parse_benchmark_list(std::string_view text,
                                                      const std::string& source);

struct BenchmarkFamily {
  std::string name;                  // "BM_sort", or "Fixture/Method"
  std::vector<std::string> members;  // the names it holds, in listing order
};

// The families of a listing, in order of first appearance; every name is in exactly one. A family
// is the name up to the first '/', except where every name under that first part continues with
// a method-like second part (BENCHMARK_F's "Fixture/Method", BENCHMARK_CAPTURE's
// "BM_f/case"): then each "First/Second" is a family. A second part is method-like when it is an
// identifier, perhaps with template arguments ("Method<int>"), and not one of Google Benchmark's
// suffixes (real_time, process_time, manual_time); numbers and "key:value" parts never are.
std::vector<BenchmarkFamily> group_families(const std::vector<std::string>& names);

// `text` as a regular expression that matches it literally, in every dialect a benchmark filter
// meets: POSIX extended (Google Benchmark's std::regex and regcomp), ECMAScript and RE2. ']' and
// '}' stay bare: libstdc++'s extended syntax rejects "\]" and "\}".
std::string regex_escape(std::string_view text);

// The --benchmark_filter of one family's test: `^<family>(/.*)?$` when the listing was complete
// (no FILTER), so a benchmark added later still runs; with a FILTER, exactly the members
// discovered: `^(<member>|<member>)$`.
std::string family_regex(const BenchmarkFamily& family, bool filtered);

// A path component unique per test name: the name itself when it only holds [A-Za-z0-9._+-] and
// is at most 100 characters; else the name with every other character replaced by '_', cut to
// 100 characters, then '-' and 8 hex digits of a hash of the exact name. So "perf.s.BM_Cmp==" and
// "perf.s.BM_Cmp!=" never share a folder.
std::string artifact_folder(std::string_view test_name);

// A CMake bracket argument holding `value` exactly: "[==[value]==]", with as many '=' as it
// takes so that the value cannot close it.
std::string cmake_bracket(std::string_view value);

enum class TestMode { perf, instr, smoke };
std::string_view to_string(TestMode mode);  // "perf", "instr", "smoke"

// One registered gate test: `perfgate run <run config> --mode <mode> --test <name> --family
// <family> --benchmarks <regex> --artifacts <artifacts>`.
struct GateTest {
  TestMode mode = TestMode::perf;
  std::string name;       // "<mode>.<suite>.<family>", or "<mode>.<suite>.NO_BENCHMARKS"
  std::string family;     // "" for NO_BENCHMARKS
  std::string regex;      // "" for NO_BENCHMARKS
  std::string artifacts;  // <artifacts_root>/<artifact_folder(name)>
};

// What the executable listed: with the FILTER (perf and smoke tests) and, when the instructions
// lane is on and INSTRUCTIONS_FILTER differs from FILTER, with INSTRUCTIONS_FILTER.
struct Listings {
  std::vector<std::string> wall;
  std::optional<std::vector<std::string>> instructions;  // nullopt: the same as `wall`
};

// The gate tests of a suite: per mode (perf when "wall-time" is a lane, instr when "instructions"
// is, smoke always) one test per family, or one NO_BENCHMARKS test when the mode's listing is
// empty (`perfgate run` fails it, naming the filter).
std::vector<GateTest> plan_gate_tests(const RunConfig& config, const Listings& listings);

// The CTest script that registers `tests` (add_test and set_tests_properties from
// RunConfig::perf, instr and smoke), ending with set(PERFGATE_<suite>_TESTS <names>) of every
// test but the NO_BENCHMARKS ones. `run_config_path` is what each test passes to `perfgate run`.
std::string render_ctest_script(const RunConfig& config, const std::string& run_config_path,
                                const std::vector<GateTest>& tests);

}  // namespace perfgate
