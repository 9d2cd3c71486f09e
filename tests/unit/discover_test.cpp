#include <perfgate/discover.hpp>
#include <perfgate/pattern.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace perfgate {
namespace {

using Names = std::vector<std::string>;

// `bm_example --benchmark_list_tests=true` (benchmarks/example).
constexpr const char* k_example_listing =
    "BM_SortInts/1024\nBM_SortInts/16384\nBM_Fnv1a/4096\nBM_ParseCsvLine\nBM_CountWords\n";

// `bm_perfgate --benchmark_list_tests=true` (benchmarks/bm_perfgate.cpp).
constexpr const char* k_perfgate_listing =
    "BM_read/10\nBM_read/100\nBM_read/2000\nBM_read/20000\n"
    "BM_decide/10\nBM_decide/100\nBM_decide/2000\nBM_decide/20000\n"
    "BM_render/10\nBM_render/100\nBM_render/2000\nBM_render/20000\n"
    "BM_pipeline/10\nBM_pipeline/100\nBM_pipeline/2000\nBM_pipeline/20000\n";

// What Google Benchmark 1.7.1 lists for a program that registers every kind of name: plain
// functions with args and ranges, named args, each suffix, templates, BENCHMARK_CAPTURE,
// BENCHMARK_F, BENCHMARK_DEFINE_F + BENCHMARK_REGISTER_F, templated fixtures, and names given to
// RegisterBenchmark() with special characters (captured from the real library).
constexpr const char* k_every_kind_listing =
    "BM_Plain\nBM_Plain/8\nBM_Plain/64\n"
    "BM_Range/1\nBM_Range/4\nBM_Range/16\nBM_Range/64\n"
    "BM_Named/rows:2/cols:3\nBM_Named/rows:4/cols:5\nBM_Named/n:-1\n"
    "BM_Suffixes/real_time\nBM_Suffixes/process_time\nBM_Suffixes/manual_time\n"
    "BM_Suffixes/threads:1\nBM_Suffixes/threads:4\nBM_Suffixes/iterations:100\n"
    "BM_Suffixes/repeats:3\nBM_Suffixes/min_time:0.500\nBM_Suffixes/min_warmup_time:0.250\n"
    "BM_Suffixes/3/process_time/real_time/threads:2\n"
    "BM_Template<int>\nBM_Template<std::vector<int>>/16\n"
    "BM_Template2<int,std::string>\nBM_Template2<std::string, std::map<int, int>>\n"
    "BM_Capture/small\nBM_Capture/large/7\n"
    "Fixture/Insert\nFixture/Lookup/8\nFixture/Lookup/512\nFixture/Lookup/8/threads:2\n"
    "Fixture/Erase/real_time\n"
    "TFixture<int>/Foo\nTFixture<double>/Bar/8\n"
    "BM_Cmp==\nBM_Cmp!=\nBM_Cmp</1\nBM with spaces\nBM_ns::call(x)/2\n";

Names names_of(std::string_view listing) {
  const auto names = parse_benchmark_list(listing, "bm");
  EXPECT_TRUE(names.has_value()) << format_diagnostics(names.error());
  return names ? *names : Names{};
}

std::string errors_of(std::string_view listing) {
  const auto names = parse_benchmark_list(listing, "bin/bm");
  EXPECT_FALSE(names.has_value());
  return names ? std::string() : format_diagnostics(names.error());
}

Names family_names(const Names& names) {
  Names out;
  for (const auto& family : group_families(names)) {
    out.push_back(family.name);
  }
  return out;
}

// The names of `all` that `regex` selects, as Google Benchmark 1.7 filters (std::regex, POSIX
// extended, searched), as an ECMAScript std::regex and as RE2 (perfgate's own patterns).
void expect_selects(const std::string& regex, const Names& all, const Names& expected) {
  const std::regex extended(regex, std::regex::extended);
  const std::regex ecmascript(regex);
  const auto re2 = NamePattern::compile(regex);
  ASSERT_TRUE(re2.has_value()) << regex;
  Names by_extended;
  Names by_ecmascript;
  Names by_re2;
  for (const auto& name : all) {
    if (std::regex_search(name, extended)) {
      by_extended.push_back(name);
    }
    if (std::regex_search(name, ecmascript)) {
      by_ecmascript.push_back(name);
    }
    if (re2->full_match(name)) {
      by_re2.push_back(name);
    }
  }
  EXPECT_EQ(by_extended, expected) << regex;
  EXPECT_EQ(by_ecmascript, expected) << regex;
  EXPECT_EQ(by_re2, expected) << regex;
}

// Each family's regex, filtered or not, selects exactly its members from the listing.
void expect_regexes_partition(const Names& names) {
  for (const auto& family : group_families(names)) {
    expect_selects(family_regex(family, false), names, family.members);
    expect_selects(family_regex(family, true), names, family.members);
  }
}

TEST(ParseBenchmarkList, ReadsTheListingsOfRealExecutables) {
  EXPECT_EQ(names_of(k_example_listing),
            (Names{"BM_SortInts/1024", "BM_SortInts/16384", "BM_Fnv1a/4096", "BM_ParseCsvLine",
                   "BM_CountWords"}));
  EXPECT_EQ(names_of(k_perfgate_listing).size(), 16U);
  EXPECT_EQ(names_of(k_every_kind_listing).size(), 38U);
}

TEST(ParseBenchmarkList, IgnoresBlankLinesAndCarriageReturns) {
  EXPECT_EQ(names_of("\nBM_a\r\n\r\nBM_b"), (Names{"BM_a", "BM_b"}));
  EXPECT_EQ(names_of(""), Names{});
}

TEST(ParseBenchmarkList, RejectsDuplicatesWithAHintForAListing) {
  EXPECT_EQ(errors_of("BM_x\nBM_y/8\nBM_y/8\nBM_x\nBM_y/8\n"),
            "bin/bm:4: error: benchmark \"BM_x\" is listed 2 times (lines 1, 4)\n"
            "  hint: each benchmark needs a name of its own, or its results cannot be told "
            "apart: this is the same name registered more than once (BENCHMARK(BM_x) written "
            "twice, or a BENCHMARK macro in a header that two translation units include); "
            "register it once, or give each registration its own arguments or name\n"
            "bin/bm:3: error: benchmark \"BM_y/8\" is listed 3 times (lines 2, 3, 5)\n"
            "  hint: each benchmark needs a name of its own, or its results cannot be told "
            "apart: this is the same name registered more than once (BENCHMARK(BM_y) written "
            "twice, or a BENCHMARK macro in a header that two translation units include); "
            "register it once, or give each registration its own arguments or name\n");
}

TEST(ParseBenchmarkList, RejectsWhatCannotBeABenchmarkName) {
  const std::string hint =
      "  hint: with --benchmark_list_tests=true a Google Benchmark executable prints one name per "
      "line and nothing else on stdout; is this a Google Benchmark executable, and does it print "
      "to stdout before benchmark::Initialize()?\n";
  EXPECT_EQ(errors_of("BM_a\nBM_\x1b[32mb\n"),
            "bin/bm:2: error: \"BM_\x1b[32mb\" cannot be a benchmark name: it holds a control "
            "character (byte 0x1b)\n" + hint);
  EXPECT_EQ(errors_of("BM_a\tx\n"),
            "bin/bm:1: error: \"BM_a\tx\" cannot be a benchmark name: it holds a control "
            "character (byte 0x09)\n" + hint);
  EXPECT_EQ(errors_of(" BM_a\n"),
            "bin/bm:1: error: \" BM_a\" cannot be a benchmark name: it begins or ends with a "
            "space\n" + hint);
  EXPECT_EQ(errors_of("/8\n"),
            "bin/bm:1: error: \"/8\" cannot be a benchmark name: it begins with '/', so its "
            "family would have no name\n" + hint);
  EXPECT_EQ(errors_of("-----------------------\n"
                      "Benchmark       Time             CPU   Iterations\n"),
            "bin/bm:1: error: \"-----------------------\" cannot be a benchmark name: it looks "
            "like a line of Google Benchmark's console table\n" + hint +
                "bin/bm:2: error: \"Benchmark       Time             CPU   Iterations\" cannot "
                "be a benchmark name: it looks like a line of Google Benchmark's console "
                "table\n" + hint);
}

TEST(GroupFamilies, GroupsPlainBenchmarksByTheirFirstPart) {
  EXPECT_EQ(family_names(names_of(k_example_listing)),
            (Names{"BM_SortInts", "BM_Fnv1a", "BM_ParseCsvLine", "BM_CountWords"}));
  EXPECT_EQ(family_names(names_of(k_perfgate_listing)),
            (Names{"BM_read", "BM_decide", "BM_render", "BM_pipeline"}));
  const auto families = group_families(names_of(k_example_listing));
  EXPECT_EQ(families[0].members, (Names{"BM_SortInts/1024", "BM_SortInts/16384"}));
}

TEST(GroupFamilies, GroupsFixtureBenchmarksByFixtureAndMethod) {
  const auto families = group_families(names_of(k_every_kind_listing));
  EXPECT_EQ(family_names(names_of(k_every_kind_listing)),
            (Names{"BM_Plain", "BM_Range", "BM_Named", "BM_Suffixes", "BM_Template<int>",
                   "BM_Template<std::vector<int>>", "BM_Template2<int,std::string>",
                   "BM_Template2<std::string, std::map<int, int>>", "BM_Capture/small",
                   "BM_Capture/large", "Fixture/Insert", "Fixture/Lookup", "Fixture/Erase",
                   "TFixture<int>/Foo", "TFixture<double>/Bar", "BM_Cmp==", "BM_Cmp!=",
                   "BM_Cmp<", "BM with spaces", "BM_ns::call(x)"}));
  const auto lookup = std::find_if(families.begin(), families.end(), [](const auto& family) {
    return family.name == "Fixture/Lookup";
  });
  ASSERT_NE(lookup, families.end());
  EXPECT_EQ(lookup->members,
            (Names{"Fixture/Lookup/8", "Fixture/Lookup/512", "Fixture/Lookup/8/threads:2"}));
}

TEST(GroupFamilies, DecidesPerFirstPartOverTheWholeListing) {
  // A templated method, and a fixture with one method.
  EXPECT_EQ(family_names({"F/Method<int>/8", "F/Method<int>/64", "F/Other", "G/Only"}),
            (Names{"F/Method<int>", "F/Other", "G/Only"}));
  // One name under the first part that is not "First/Method" keeps them all in one family:
  // a bare name, a number, a named argument, a suffix.
  EXPECT_EQ(family_names({"BM_x", "BM_x/case"}), (Names{"BM_x"}));
  EXPECT_EQ(family_names({"BM_x/case", "BM_x/8"}), (Names{"BM_x"}));
  EXPECT_EQ(family_names({"BM_x/case", "BM_x/n:8"}), (Names{"BM_x"}));
  EXPECT_EQ(family_names({"F/Method", "F/real_time"}), (Names{"F"}));
  EXPECT_EQ(family_names({"BM_x/threads:2", "BM_x/manual_time", "BM_x/8x"}), (Names{"BM_x"}));
}

TEST(FamilyRegex, SelectsExactlyTheFamilyInEveryDialect) {
  expect_regexes_partition(names_of(k_example_listing));
  expect_regexes_partition(names_of(k_perfgate_listing));
  expect_regexes_partition(names_of(k_every_kind_listing));
  // Names that differ only in special characters, or that extend another name.
  expect_regexes_partition({"BM_Cmp==", "BM_Cmp!=", "BM_Cmp", "BM_a", "BM_ab", "BM_a/1",
                            "BM_a.b", "BM_a+b", "BM_[x]", "BM_{2}", "BM_a|b", "BM_$^",
                            "BM_(x)?*", "BM_back\\slash", "BM_semi;colon"});
  expect_regexes_partition({"F/M", "F/M/8", "F/Mx", "F/Mx/8", "F/M_x"});
}

TEST(FamilyRegex, IsAnchoredOrAnAlternationOfTheMembers) {
  const BenchmarkFamily fixture{"F/M", {"F/M/8", "F/M/64"}};
  EXPECT_EQ(family_regex(fixture, false), "^F/M(/.*)?$");
  EXPECT_EQ(family_regex(fixture, true), "^(F/M/8|F/M/64)$");
  EXPECT_EQ(family_regex({"BM_a.b(c)", {"BM_a.b(c)"}}, false), "^BM_a\\.b\\(c\\)(/.*)?$");
  EXPECT_EQ(regex_escape("[a]{1}|^$\\+?*."), "\\[a]\\{1}\\|\\^\\$\\\\\\+\\?\\*\\.");
}

TEST(ArtifactFolder, KeepsSafeNamesAndHashesTheOthers) {
  EXPECT_EQ(artifact_folder("perf.example.BM_SortInts"), "perf.example.BM_SortInts");
  EXPECT_EQ(artifact_folder("perf.example.BM_Cmp=="), "perf.example.BM_Cmp__-0a353b5d");
  EXPECT_EQ(artifact_folder("perf.example.BM_Cmp!="), "perf.example.BM_Cmp__-0a052941");
  EXPECT_EQ(artifact_folder("perf.s.Fixture/Lookup"), "perf.s.Fixture_Lookup-078d63bb");
}

TEST(ArtifactFolder, IsUniqueAndBoundedForEveryName) {
  Names all = names_of(k_every_kind_listing);
  all.push_back("perf.s.BM_Cmp__");  // what "BM_Cmp==" used to map to
  all.push_back(std::string(300, 'x'));
  all.push_back(std::string(300, 'x') + "y");
  std::vector<std::string> folders;
  for (const auto& name : all) {
    const std::string folder = artifact_folder(name);
    EXPECT_LE(folder.size(), 109U) << name;
    EXPECT_EQ(folder.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789._+-"),
              std::string::npos)
        << folder;
    EXPECT_EQ(std::find(folders.begin(), folders.end(), folder), folders.end()) << folder;
    folders.push_back(folder);
  }
}

TEST(CmakeBracket, ChoosesAClosingTheValueCannotHold) {
  EXPECT_EQ(cmake_bracket("BM_x"), "[==[BM_x]==]");
  EXPECT_EQ(cmake_bracket(""), "[==[]==]");
  EXPECT_EQ(cmake_bracket("a]==]b"), "[===[a]==]b]===]");
  EXPECT_EQ(cmake_bracket("a]==]b]===]"), "[====[a]==]b]===]]====]");
  EXPECT_EQ(cmake_bracket("ends with ]=="), "[===[ends with ]==]===]");
  EXPECT_EQ(cmake_bracket("\nline"), "[==[\n\nline]==]");
}

RunConfig config_of(Names lanes, std::string filter = {}, std::string instructions_filter = {}) {
  RunConfig config;
  config.suite = "s";
  config.target = "bm";
  config.perfgate = "/b/perfgate";
  config.artifacts_root = "/b/artifacts/s";
  config.lanes = std::move(lanes);
  config.filter = std::move(filter);
  config.instructions_filter = std::move(instructions_filter);
  return config;
}

Names test_names(const std::vector<GateTest>& tests) {
  Names out;
  for (const auto& test : tests) {
    out.push_back(test.name);
  }
  return out;
}

TEST(PlanGateTests, RegistersEachFamilyPerMode) {
  Listings listings{names_of(k_example_listing), std::nullopt};
  EXPECT_EQ(test_names(plan_gate_tests(config_of({"wall-time"}), listings)),
            (Names{"perf.s.BM_SortInts", "perf.s.BM_Fnv1a", "perf.s.BM_ParseCsvLine",
                   "perf.s.BM_CountWords", "smoke.s.BM_SortInts", "smoke.s.BM_Fnv1a",
                   "smoke.s.BM_ParseCsvLine", "smoke.s.BM_CountWords"}));
  const auto tests = plan_gate_tests(config_of({"instructions", "wall-time"}), listings);
  EXPECT_EQ(tests.size(), 12U);
  EXPECT_EQ(tests[4].name, "instr.s.BM_SortInts");
  EXPECT_EQ(tests[4].mode, TestMode::instr);
  EXPECT_EQ(tests[4].family, "BM_SortInts");
  EXPECT_EQ(tests[4].regex, "^BM_SortInts(/.*)?$");
  EXPECT_EQ(tests[4].artifacts, "/b/artifacts/s/instr.s.BM_SortInts");
}

TEST(PlanGateTests, ListsTheInstructionsLaneWithItsOwnFilter) {
  const Listings listings{{"BM_a/100", "BM_b/100"}, Names{"BM_a/10"}};
  const auto tests = plan_gate_tests(config_of({"instructions"}, "/100$", "/10$"), listings);
  EXPECT_EQ(test_names(tests), (Names{"instr.s.BM_a", "smoke.s.BM_a", "smoke.s.BM_b"}));
  EXPECT_EQ(tests[0].regex, "^(BM_a/10)$");
  EXPECT_EQ(tests[1].regex, "^(BM_a/100)$");
}

TEST(PlanGateTests, RegistersNoBenchmarksWhenALaneListsNothing) {
  const Listings listings{{"BM_a/100"}, Names{}};
  const auto tests = plan_gate_tests(config_of({"wall-time", "instructions"}, "/100$", "^$"),
                                     listings);
  EXPECT_EQ(test_names(tests),
            (Names{"perf.s.BM_a", "instr.s.NO_BENCHMARKS", "smoke.s.BM_a"}));
  EXPECT_EQ(tests[1].family, "");
  EXPECT_EQ(tests[1].regex, "");
  EXPECT_EQ(tests[1].artifacts, "/b/artifacts/s/instr.s.NO_BENCHMARKS");
}

TEST(RenderCtestScript, RegistersPerfgateRunWithTheTestsProperties) {
  RunConfig config = config_of({"wall-time"});
  TestProperties perf;
  perf.labels = {"perf-gate", "s", "a;b"};
  perf.timeout = 180;
  perf.run_serial = true;
  perf.fixtures_required = {"perfgate_s_validate", "perfgate_s_baseline_perf"};
  perf.environment = {"X=1", "Y=p;q"};
  config.perf = perf;
  TestProperties smoke;
  smoke.labels = {"smoke"};
  smoke.timeout = 60.5;
  smoke.processors = 2;
  smoke.resource_lock = "lock";
  config.smoke = smoke;
  const Listings listings{{"BM_Cmp==", "F/M/8"}, std::nullopt};
  EXPECT_EQ(
      render_ctest_script(config, "/b/perfgate/s/run-config.json",
                          plan_gate_tests(config, listings)),
      "# Generated by `perfgate discover` for bm (suite s); do not edit.\n"
      "add_test([==[perf.s.BM_Cmp==]==] [==[/b/perfgate]==] run "
      "[==[/b/perfgate/s/run-config.json]==] --mode perf --test [==[perf.s.BM_Cmp==]==] "
      "--family [==[BM_Cmp==]==] --benchmarks [==[^BM_Cmp==(/.*)?$]==] "
      "--artifacts [==[/b/artifacts/s/perf.s.BM_Cmp__-f43d599c]==])\n"
      "set_tests_properties([==[perf.s.BM_Cmp==]==] PROPERTIES "
      "LABELS [==[perf-gate;s;a\\;b]==] TIMEOUT 180 RUN_SERIAL TRUE "
      "FIXTURES_REQUIRED [==[perfgate_s_validate;perfgate_s_baseline_perf]==] "
      "ENVIRONMENT [==[X=1;Y=p\\;q]==] "
      "ATTACHED_FILES [==[/b/artifacts/s/perf.s.BM_Cmp__-f43d599c/report.md]==] "
      "ATTACHED_FILES_ON_FAIL [==[/b/artifacts/s/perf.s.BM_Cmp__-f43d599c/report.html]==])\n"
      "add_test([==[perf.s.F/M]==] [==[/b/perfgate]==] run "
      "[==[/b/perfgate/s/run-config.json]==] --mode perf --test [==[perf.s.F/M]==] "
      "--family [==[F/M]==] --benchmarks [==[^F/M(/.*)?$]==] "
      "--artifacts [==[/b/artifacts/s/perf.s.F_M-ff84f5aa]==])\n"
      "set_tests_properties([==[perf.s.F/M]==] PROPERTIES "
      "LABELS [==[perf-gate;s;a\\;b]==] TIMEOUT 180 RUN_SERIAL TRUE "
      "FIXTURES_REQUIRED [==[perfgate_s_validate;perfgate_s_baseline_perf]==] "
      "ENVIRONMENT [==[X=1;Y=p\\;q]==] "
      "ATTACHED_FILES [==[/b/artifacts/s/perf.s.F_M-ff84f5aa/report.md]==] "
      "ATTACHED_FILES_ON_FAIL [==[/b/artifacts/s/perf.s.F_M-ff84f5aa/report.html]==])\n"
      "add_test([==[smoke.s.BM_Cmp==]==] [==[/b/perfgate]==] run "
      "[==[/b/perfgate/s/run-config.json]==] --mode smoke --test [==[smoke.s.BM_Cmp==]==] "
      "--family [==[BM_Cmp==]==] --benchmarks [==[^BM_Cmp==(/.*)?$]==] "
      "--artifacts [==[/b/artifacts/s/smoke.s.BM_Cmp__-f378e94b]==])\n"
      "set_tests_properties([==[smoke.s.BM_Cmp==]==] PROPERTIES "
      "LABELS [==[smoke]==] TIMEOUT 60.5 PROCESSORS 2 RESOURCE_LOCK [==[lock]==] "
      "ATTACHED_FILES [==[/b/artifacts/s/smoke.s.BM_Cmp__-f378e94b/report.md]==] "
      "ATTACHED_FILES_ON_FAIL [==[/b/artifacts/s/smoke.s.BM_Cmp__-f378e94b/report.html]==])\n"
      "add_test([==[smoke.s.F/M]==] [==[/b/perfgate]==] run "
      "[==[/b/perfgate/s/run-config.json]==] --mode smoke --test [==[smoke.s.F/M]==] "
      "--family [==[F/M]==] --benchmarks [==[^F/M(/.*)?$]==] "
      "--artifacts [==[/b/artifacts/s/smoke.s.F_M-32a32cd2]==])\n"
      "set_tests_properties([==[smoke.s.F/M]==] PROPERTIES "
      "LABELS [==[smoke]==] TIMEOUT 60.5 PROCESSORS 2 RESOURCE_LOCK [==[lock]==] "
      "ATTACHED_FILES [==[/b/artifacts/s/smoke.s.F_M-32a32cd2/report.md]==] "
      "ATTACHED_FILES_ON_FAIL [==[/b/artifacts/s/smoke.s.F_M-32a32cd2/report.html]==])\n"
      "set([==[PERFGATE_s_TESTS]==] "
      "[==[perf.s.BM_Cmp==;perf.s.F/M;smoke.s.BM_Cmp==;smoke.s.F/M]==])\n");
}

TEST(RenderCtestScript, RegistersNoBenchmarksWithEmptyFamilyAndFilter) {
  const RunConfig config = config_of({"wall-time"}, "nothing");
  const std::string script =
      render_ctest_script(config, "/rc.json", plan_gate_tests(config, Listings{}));
  EXPECT_NE(script.find("add_test([==[perf.s.NO_BENCHMARKS]==] [==[/b/perfgate]==] run "
                        "[==[/rc.json]==] --mode perf --test [==[perf.s.NO_BENCHMARKS]==] "
                        "--family \"\" --benchmarks \"\" "
                        "--artifacts [==[/b/artifacts/s/perf.s.NO_BENCHMARKS]==])\n"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("set([==[PERFGATE_s_TESTS]==] [==[]==])\n"), std::string::npos);
}

}  // namespace
}  // namespace perfgate
