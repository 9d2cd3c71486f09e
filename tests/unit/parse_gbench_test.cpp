// Tests of the Google Benchmark JSON reader: strings in, RunSet or diagnostics out; plus the real
// corpus (PERFGATE_GBENCH_REAL_DIR) and the malformed corpus (tests/data/bad/gbench).
#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace perfgate {
namespace {

namespace fs = std::filesystem;

// --- helpers ---------------------------------------------------------------------------------

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A Google Benchmark 1.9 iteration entry; `extra` is appended after "time_unit".
std::string entry(const std::string& name, int index, int repetitions, const std::string& real_time,
                  const std::string& extra = "", const std::string& time_unit = "ns") {
  return "    {\n"
         "      \"name\": \"" + name + "\",\n"
         "      \"family_index\": 0,\n"
         "      \"per_family_instance_index\": 0,\n"
         "      \"run_name\": \"" + name + "\",\n"
         "      \"run_type\": \"iteration\",\n"
         "      \"repetitions\": " + std::to_string(repetitions) + ",\n"
         "      \"repetition_index\": " + std::to_string(index) + ",\n"
         "      \"threads\": 1,\n"
         "      \"iterations\": 1000,\n"
         "      \"real_time\": " + real_time + ",\n"
         "      \"cpu_time\": " + real_time + ",\n"
         "      \"time_unit\": \"" + time_unit + "\"" + extra + "\n"
         "    }";
}

std::string aggregate(const std::string& run_name, const std::string& statistic,
                      const std::string& unit, const std::string& value,
                      const std::string& extra = "", const std::string& time_unit = "ns") {
  return "    {\n"
         "      \"name\": \"" + run_name + "_" + statistic + "\",\n"
         "      \"run_name\": \"" + run_name + "\",\n"
         "      \"run_type\": \"aggregate\",\n"
         "      \"repetitions\": 3,\n"
         "      \"threads\": 1,\n"
         "      \"aggregate_name\": \"" + statistic + "\",\n"
         "      \"aggregate_unit\": \"" + unit + "\",\n"
         "      \"iterations\": 3,\n"
         "      \"real_time\": " + value + ",\n"
         "      \"cpu_time\": " + value + ",\n"
         "      \"time_unit\": \"" + time_unit + "\"" + extra + "\n"
         "    }";
}

// A whole file: the context, then the entries. The first entry starts on line 12 and each
// entry() takes 14 lines, so entry k starts on line 12 + 14 k.
std::string document(const std::vector<std::string>& entries) {
  std::string out =
      "{\n"
      "  \"context\": {\n"
      "    \"date\": \"2024-05-01T10:00:00+00:00\",\n"
      "    \"host_name\": \"ci-runner\",\n"
      "    \"num_cpus\": 2,\n"
      "    \"mhz_per_cpu\": 2400,\n"
      "    \"library_version\": \"v1.9.1\",\n"
      "    \"library_build_type\": \"release\",\n"
      "    \"json_schema_version\": 1\n"
      "  },\n"
      "  \"benchmarks\": [\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out += entries[i];
    out += i + 1 < entries.size() ? ",\n" : "\n";
  }
  out += "  ]\n}\n";
  return out;
}

std::string errors_of(const std::string& text, const std::string& source = "bm.json") {
  const Result<RunSet> result = parse_gbench(text, source);
  if (result.has_value()) {
    return "(no error)";
  }
  return format_diagnostics(result.error());
}

RunSet parsed(const std::string& text) {
  Result<RunSet> result = parse_gbench(text, "bm.json");
  if (!result.has_value()) {
    ADD_FAILURE() << format_diagnostics(result.error());
    return {};
  }
  return std::move(result).value();
}

bool has_note_containing(const RunSet& run_set, const std::string& needle) {
  return std::any_of(run_set.notes.begin(), run_set.notes.end(), [&](const Diagnostic& d) {
    return d.message.find(needle) != std::string::npos;
  });
}

// --- behaviour on strings ---------------------------------------------------------------------

TEST(ParseGbench, ReadsRepetitionSamplesInNanoseconds) {
  const RunSet run_set = parsed(document({entry("BM_copy/64", 0, 3, "1.5", "", "us"),
                                          entry("BM_copy/64", 1, 3, "2.5", "", "us"),
                                          entry("BM_copy/64", 2, 3, "3.5", "", "us")}));
  ASSERT_EQ(run_set.benchmarks.size(), 1U);
  const Benchmark& benchmark = run_set.benchmarks[0];
  EXPECT_EQ(benchmark.name, "BM_copy/64");
  EXPECT_EQ(benchmark.family, "BM_copy");
  EXPECT_EQ(benchmark.time_unit, "us");
  EXPECT_EQ(benchmark.iterations, 1000);
  EXPECT_EQ(benchmark.threads, 1);
  const MetricSeries* real = benchmark.find("real_time");
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(real->unit, "ns");
  EXPECT_EQ(real->samples, (std::vector<double>{1500.0, 2500.0, 3500.0}));
  EXPECT_TRUE(real->aggregates.empty());
  EXPECT_TRUE(run_set.notes.empty());
  EXPECT_EQ(run_set.source, "bm.json");
  EXPECT_EQ(run_set.context.library_version, "v1.9.1");
  EXPECT_EQ(run_set.context.json_schema_version, 1);
}

TEST(ParseGbench, NormalisesEveryTimeUnit) {
  const RunSet run_set = parsed(document({entry("a", 0, 1, "2", "", "ns"),
                                          entry("b", 0, 1, "2", "", "us"),
                                          entry("c", 0, 1, "2", "", "ms"),
                                          entry("d", 0, 1, "2", "", "s"),
                                          entry("e", 0, 1, "2", "", "\u00B5s"),
                                          entry("f", 0, 1, "2", "", "\u03BCs")}));
  ASSERT_EQ(run_set.benchmarks.size(), 6U);
  EXPECT_EQ(run_set.benchmarks[0].find("cpu_time")->samples[0], 2.0);
  EXPECT_EQ(run_set.benchmarks[1].find("cpu_time")->samples[0], 2e3);
  EXPECT_EQ(run_set.benchmarks[2].find("cpu_time")->samples[0], 2e6);
  EXPECT_EQ(run_set.benchmarks[3].find("cpu_time")->samples[0], 2e9);
  EXPECT_EQ(run_set.benchmarks[4].find("cpu_time")->samples[0], 2e3);  // µs, the micro sign
  EXPECT_EQ(run_set.benchmarks[5].find("cpu_time")->samples[0], 2e3);  // μs, the Greek mu
  EXPECT_EQ(run_set.benchmarks[4].time_unit, "\u00B5s");
}

TEST(ParseGbench, ReadsAggregatesWithCvAsFraction) {
  const RunSet run_set = parsed(document({
      entry("BM_sort", 0, 3, "1.0", ",\n      \"items\": 4", "ms"),
      entry("BM_sort", 1, 3, "2.0", ",\n      \"items\": 5", "ms"),
      entry("BM_sort", 2, 3, "3.0", ",\n      \"items\": 6", "ms"),
      aggregate("BM_sort", "mean", "time", "2.0", ",\n      \"items\": 5", "ms"),
      aggregate("BM_sort", "cv", "percentage", "0.5", ",\n      \"items\": 0.2", "ms"),
      aggregate("BM_sort", "p90", "time", "2.8", ",\n      \"items\": 6", "ms"),
  }));
  ASSERT_EQ(run_set.benchmarks.size(), 1U);
  const MetricSeries* real = run_set.benchmarks[0].find("real_time");
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(real->samples, (std::vector<double>{1e6, 2e6, 3e6}));
  EXPECT_EQ(real->aggregates.at("mean"), 2e6);
  EXPECT_EQ(real->aggregates.at("cv"), 0.5);  // a fraction, never scaled by the time unit
  EXPECT_DOUBLE_EQ(real->aggregates.at("p90"), 2.8e6);
  const MetricSeries* items = run_set.benchmarks[0].find("counter:items");
  ASSERT_NE(items, nullptr);
  EXPECT_EQ(items->samples, (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(items->aggregates.at("cv"), 0.2);
}

TEST(ParseGbench, ReadsAggregatesOnlyWithNote) {
  const RunSet run_set = parsed(document({aggregate("BM_sort", "mean", "time", "2.0"),
                                          aggregate("BM_sort", "median", "time", "1.9"),
                                          aggregate("BM_sort", "stddev", "time", "0.1")}));
  ASSERT_EQ(run_set.benchmarks.size(), 1U);
  const MetricSeries* real = run_set.benchmarks[0].find("real_time");
  ASSERT_NE(real, nullptr);
  EXPECT_TRUE(real->samples.empty());
  EXPECT_EQ(real->aggregates.size(), 3U);
  ASSERT_EQ(run_set.notes.size(), 1U);
  EXPECT_EQ(format_diagnostic(run_set.notes[0]),
            "bm.json: warning: /benchmarks: 1 of 1 benchmarks have only Google Benchmark's "
            "aggregates, no repetitions (first: \"BM_sort\"); their metrics have aggregates and no "
            "samples\n"
            "  hint: was it run with --benchmark_report_aggregates_only? Without repetition samples "
            "only the aggregates can be compared\n");
}

TEST(ParseGbench, RepetitionsOfOneRunNameInAnyOrderAreOneBenchmark) {
  // --benchmark_enable_random_interleaving interleaves the repetitions of different benchmarks.
  const RunSet run_set = parsed(document({entry("a", 0, 2, "1"), entry("b", 0, 2, "10"),
                                          entry("a", 1, 2, "2"), entry("b", 1, 2, "20")}));
  ASSERT_EQ(run_set.benchmarks.size(), 2U);
  EXPECT_EQ(run_set.benchmarks[0].name, "a");
  EXPECT_EQ(run_set.benchmarks[0].find("real_time")->samples, (std::vector<double>{1, 2}));
  EXPECT_EQ(run_set.benchmarks[1].find("real_time")->samples, (std::vector<double>{10, 20}));
}

TEST(ParseGbench, KeepsErroredAndSkippedRunsAsFlags) {
  const RunSet run_set = parsed(document({
      entry("BM_open", 0, 1, "0",
            ",\n      \"error_occurred\": true,\n      \"error_message\": \"no such file\""),
      entry("BM_gpu", 0, 1, "0",
            ",\n      \"skipped\": true,\n      \"skip_message\": \"no GPU on this runner\""),
  }));
  ASSERT_EQ(run_set.benchmarks.size(), 2U);
  EXPECT_TRUE(run_set.benchmarks[0].errored);
  EXPECT_EQ(run_set.benchmarks[0].error_message, "no such file");
  EXPECT_FALSE(run_set.benchmarks[0].skipped);
  EXPECT_TRUE(run_set.benchmarks[1].skipped);
  EXPECT_EQ(run_set.benchmarks[1].skip_message, "no GPU on this runner");
  EXPECT_TRUE(run_set.benchmarks[0].metrics.empty());
}

TEST(ParseGbench, ErroredRunMayHaveZeroIterations) {
  std::string text = document({entry(
      "BM_open", 0, 1, "0", ",\n      \"error_occurred\": true,\n      \"error_message\": \"x\"")});
  text.replace(text.find("\"iterations\": 1000"), 18, "\"iterations\": 0");
  EXPECT_EQ(errors_of(text), "(no error)");
}

TEST(ParseGbench, ReadsCountersRatesAndMemoryFields) {
  const RunSet run_set = parsed(document({entry(
      "BM_parse", 0, 1, "5",
      ",\n      \"bytes_per_second\": 2.0e+09,\n      \"items_per_second\": 4.0e+06,"
      "\n      \"FOM: GB/s\": 1.5,\n      \"say \\\"hi\\\"\": 2,"
      "\n      \"allocs_per_iter\": 3.0e+00,\n      \"max_bytes_used\": 4096,"
      "\n      \"total_allocated_bytes\": 8192,\n      \"net_heap_growth\": 0,"
      "\n      \"label\": \"utf-8\"")}));
  ASSERT_EQ(run_set.benchmarks.size(), 1U);
  const Benchmark& benchmark = run_set.benchmarks[0];
  EXPECT_EQ(benchmark.label, "utf-8");
  std::vector<std::string> names;
  for (const MetricSeries& series : benchmark.metrics) {
    names.push_back(series.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"real_time", "cpu_time", "bytes_per_second",
                                             "items_per_second", "counter:FOM: GB/s",
                                             "counter:say \"hi\"", "allocs_per_iter",
                                             "max_bytes_used", "total_allocated_bytes",
                                             "net_heap_growth"}));
  EXPECT_EQ(benchmark.find("bytes_per_second")->samples[0], 2e9);
  EXPECT_EQ(benchmark.find("bytes_per_second")->direction, Direction::higher_is_better);
  EXPECT_EQ(benchmark.find("max_bytes_used")->samples[0], 4096);
  EXPECT_EQ(benchmark.find("total_allocated_bytes")->unit, "B");
}

TEST(ParseGbench, WarnsAboutMemoryFieldsWithRepetitions) {
  const std::string memory = ",\n      \"allocs_per_iter\": 3,\n      \"max_bytes_used\": 4096";
  const RunSet run_set =
      parsed(document({entry("BM_a", 0, 2, "5", memory), entry("BM_a", 1, 2, "5", memory)}));
  EXPECT_TRUE(has_note_containing(run_set, "memory-manager fields"));
  // Before Google Benchmark 1.9.2 every repetition points at one result: garbage, never gated.
  for (const char* name : {"allocs_per_iter", "max_bytes_used"}) {
    const MetricSeries* series = run_set.benchmarks[0].find(name);
    ASSERT_NE(series, nullptr) << name;
    EXPECT_TRUE(series->noisy) << name;
    EXPECT_NE(series->note.find("garbage memory figures"), std::string::npos) << series->note;
    EXPECT_NE(series->advice.find("one repetition"), std::string::npos) << series->advice;
  }
  EXPECT_FALSE(run_set.benchmarks[0].find("real_time")->noisy);
}

TEST(ParseGbench, TrustsMemoryFieldsWithRepetitionsFromAFixedLibrary) {
  const std::string memory = ",\n      \"allocs_per_iter\": 3,\n      \"max_bytes_used\": 4096";
  std::string text =
      document({entry("BM_a", 0, 2, "5", memory), entry("BM_a", 1, 2, "5", memory)});
  const auto at = text.find("v1.9.1");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 6, "v1.9.2");
  const RunSet run_set = parsed(text);
  EXPECT_FALSE(has_note_containing(run_set, "memory-manager fields"));
  EXPECT_FALSE(run_set.benchmarks[0].find("allocs_per_iter")->noisy);
}

TEST(ParseGbench, AMemoryFieldOfOneRepetitionIsGated) {
  const std::string memory = ",\n      \"allocs_per_iter\": 3";
  const RunSet run_set = parsed(document({entry("BM_a", 0, 1, "5", memory)}));
  EXPECT_FALSE(run_set.benchmarks[0].find("allocs_per_iter")->noisy);
}

TEST(ParseGbench, AcceptsNonFiniteCountersAndAggregates) {
  const RunSet run_set = parsed(document({
      entry("BM_a", 0, 3, "1", ",\n      \"hits\": NaN"),
      entry("BM_a", 1, 3, "1", ",\n      \"hits\": Infinity"),
      entry("BM_a", 2, 3, "1", ",\n      \"hits\": -Infinity"),
      aggregate("BM_a", "cv", "percentage", "0", ",\n      \"hits\": NaN"),
  }));
  const MetricSeries* hits = run_set.benchmarks.at(0).find("counter:hits");
  ASSERT_NE(hits, nullptr);
  ASSERT_EQ(hits->samples.size(), 3U);
  EXPECT_TRUE(std::isnan(hits->samples[0]));
  EXPECT_EQ(hits->samples[1], HUGE_VAL);
  EXPECT_EQ(hits->samples[2], -HUGE_VAL);
  EXPECT_TRUE(std::isnan(hits->aggregates.at("cv")));
}

TEST(ParseGbench, RejectsBareNanInGatedMetric) {
  EXPECT_EQ(errors_of(document({entry("BM_a", 0, 1, "NaN")})),
            "bm.json:22: error: /benchmarks/0/real_time: expected a non-negative finite time, got "
            "non-finite number NaN\n"
            "  hint: times are always gated; a run that failed should say so with "
            "error_occurred\n"
            "bm.json:23: error: /benchmarks/0/cpu_time: expected a non-negative finite time, got "
            "non-finite number NaN\n"
            "  hint: times are always gated; a run that failed should say so with "
            "error_occurred\n");
}

TEST(ParseGbench, RejectsWrongTypeWithPointerAndLine) {
  EXPECT_EQ(errors_of(document({entry("a", 0, 1, "1"), entry("b", 0, 1, "1"),
                                entry("c", 0, 1, "1"), entry("d", 0, 1, "\"fast\"")}),
                      "baselines/x86_64/bm_fixed_work.json"),
            "baselines/x86_64/bm_fixed_work.json:64: error: /benchmarks/3/real_time: expected a "
            "number, got string \"fast\"\n"
            "baselines/x86_64/bm_fixed_work.json:65: error: /benchmarks/3/cpu_time: expected a "
            "number, got string \"fast\"\n");
}

TEST(ParseGbench, RejectsStringInRateAndMemoryFields) {
  // Read as 0 before: a string max_bytes_used showed "improved by 100%" and passed.
  EXPECT_EQ(errors_of(document({entry("BM_a", 0, 1, "1",
                                      ",\n      \"items_per_second\": \"many\","
                                      "\n      \"max_bytes_used\": \"lots\"")})),
            "bm.json:25: error: /benchmarks/0/items_per_second: expected a number, got string "
            "\"many\"\n"
            "bm.json:26: error: /benchmarks/0/max_bytes_used: expected a number, got string "
            "\"lots\"\n");
}

TEST(ParseGbench, RejectsNonNumberInEveryNumericBuiltInField) {
  // Each built-in numeric field with a string, on an iteration entry, an aggregate entry and a
  // complexity entry: always an error that names the field, never a silent 0.
  const std::vector<std::string> fields{
      "family_index",   "per_family_instance_index", "repetitions",
      "repetition_index", "threads",                "iterations",
      "real_time",      "cpu_time",                  "items_per_second",
      "bytes_per_second", "allocs_per_iter",         "max_bytes_used",
      "total_allocated_bytes", "net_heap_growth",    "cpu_coefficient",
      "real_coefficient", "rms"};
  for (const std::string& field : fields) {
    for (const std::string& value : {std::string("\"12\""), std::string("null"),
                                     std::string("true"), std::string("[1]")}) {
      std::string text =
          "{\"benchmarks\": [{\"name\": \"BM_x\", \"run_name\": \"BM_x\", \"run_type\": "
          "\"iteration\", \"time_unit\": \"ns\"";
      for (const std::string needed : {"iterations", "real_time", "cpu_time"}) {
        text += needed == field ? "" : ", \"" + needed + "\": 1";
      }
      text += ", \"" + field + "\": " + value + "}]}";
      const std::string errors = errors_of(text);
      EXPECT_NE(errors.find("/benchmarks/0/" + field + ": expected a"), std::string::npos)
          << field << ": " << value << "\n" << errors;
    }
  }
  // The times of a complexity entry are not used, but they are numbers all the same.
  EXPECT_EQ(errors_of("{\"benchmarks\": [{\"name\": \"BM_x_BigO\", \"run_name\": \"BM_x\",\n"
                      "\"run_type\": \"aggregate\", \"aggregate_name\": \"BigO\",\n"
                      "\"cpu_coefficient\": 1, \"real_coefficient\": 1, \"big_o\": \"N\",\n"
                      "\"real_time\": \"slow\", \"time_unit\": \"ns\"}]}"),
            "bm.json:4: error: /benchmarks/0/real_time: expected a number, got string "
            "\"slow\"\n");
}

TEST(ParseGbench, ReadsNumbersExactly) {
  // Boost.JSON 1.81's own conversion is not correctly rounded: 1892649.0000000002 read as 1892649.
  const RunSet run_set = parsed(document({entry("BM_a", 0, 1, "1892649.0000000002",
                                                ",\n      \"ratio\": 2.2250738585072011e-308")}));
  const Benchmark& benchmark = run_set.benchmarks.at(0);
  EXPECT_EQ(benchmark.find("real_time")->samples.at(0), 1892649.0000000002);
  EXPECT_NE(benchmark.find("real_time")->samples.at(0), 1892649.0);
  EXPECT_EQ(benchmark.find("counter:ratio")->samples.at(0), 2.2250738585072011e-308);
}

TEST(ParseGbench, RejectsHugeOrNegativeCountsBeforeUsingThem) {
  // Found by fuzzing: these reached casts and allocations unchecked.
  const auto errors = [](const std::string& fields) {
    return errors_of("{\"benchmarks\": [{\"name\": \"BM_x\", \"run_name\": \"BM_x\", "
                     "\"run_type\": \"iteration\", \"real_time\": 1, \"cpu_time\": 1, "
                     "\"time_unit\": \"ns\", " +
                     fields + "}]}");
  };
  EXPECT_EQ(errors("\"iterations\": 1, \"threads\": 1e300"),
            "bm.json:1: error: /benchmarks/0/threads: expected an integer from 1 to 1048576, got "
            "number 1e+300\n");
  EXPECT_EQ(errors("\"iterations\": 1, \"threads\": -5"),
            "bm.json:1: error: /benchmarks/0/threads: expected a positive integer, got number "
            "-5\n");
  EXPECT_EQ(errors("\"iterations\": 1, \"repetitions\": 1e15, \"repetition_index\": 0"),
            "bm.json:1: error: /benchmarks/0/repetitions: expected an integer from 0 to 1048576, "
            "got number 1e+15\n");
  EXPECT_EQ(errors("\"iterations\": 1, \"repetition_index\": 1e300"),
            "bm.json:1: error: /benchmarks/0/repetition_index: expected an integer from 0 to "
            "1048575, got number 1e+300\n");
  EXPECT_EQ(errors("\"iterations\": 1e300"),
            "bm.json:1: error: /benchmarks/0/iterations: expected an integer from 1 to "
            "9223372036854775807, got number 1e+300\n");
  EXPECT_EQ(errors("\"iterations\": 18446744073709551615"),
            "bm.json:1: error: /benchmarks/0/iterations: expected an integer from 1 to "
            "9223372036854775807, got number 18446744073709551615\n");
  EXPECT_EQ(errors("\"iterations\": -1e300"),
            "bm.json:1: error: /benchmarks/0/iterations: expected a positive integer, got number "
            "-1e+300\n");
}

TEST(ParseGbench, RepetitionIndexesFarBeyondTheRowsAllocateNothing) {
  // Each benchmark claims 2^20 repetitions and shows only the last: a reader that sized a table
  // by the index would need 8 MiB per benchmark, 16 GiB here.
  std::vector<std::string> entries;
  for (int i = 0; i < 2000; ++i) {
    std::string row = entry("BM_" + std::to_string(i), 1048575, 1048576, "1");
    entries.push_back(row);
  }
  const RunSet run_set = parsed(document(entries));
  EXPECT_EQ(run_set.benchmarks.size(), 2000U);
  // Duplicates are still found among sparse indexes.
  EXPECT_EQ(errors_of(document({entry("BM_a", 900000, 1048576, "1"),
                                entry("BM_a", 900000, 1048576, "1")})),
            "bm.json:33: error: /benchmarks/1/repetition_index: repetition 900000 of \"BM_a\" "
            "appears twice (first on line 12)\n"
            "  hint: were two result files concatenated?\n");
}

std::string notes_of(const RunSet& run_set) {
  std::string out;
  for (const Diagnostic& note : run_set.notes) {
    out += format_diagnostic(note);
  }
  return out;
}

TEST(ParseGbench, NotesRepetitionsMissingFromTheRows) {
  // "repetitions": 5 with 3 rows: two repetitions are missing, and that is said.
  EXPECT_EQ(notes_of(parsed(document({entry("BM_a", 0, 5, "1"), entry("BM_a", 1, 5, "2"),
                                      entry("BM_a", 2, 5, "3"), entry("BM_b", 0, 1, "1")}))),
            "bm.json: warning: /benchmarks: 1 of 2 benchmarks have a number of iteration entries "
            "other than their \"repetitions\" (first: \"BM_a\": repetitions 5, 3 iteration "
            "entries)\n"
            "  hint: was the run cut short (a crash, a timeout) or were entries removed? The "
            "missing repetitions are not compared\n");
}

TEST(ParseGbench, NotesAggregatesThatContradictTheRows) {
  const auto rows = [] {
    return std::vector<std::string>{entry("BM_a", 0, 3, "1"), entry("BM_a", 1, 3, "2"),
                                    entry("BM_a", 2, 3, "6")};
  };
  // Mean 3, median 2, sample standard deviation sqrt(7), cv sqrt(7) / 3: consistent, no note.
  std::vector<std::string> consistent = rows();
  consistent.push_back(aggregate("BM_a", "mean", "time", "3"));
  consistent.push_back(aggregate("BM_a", "median", "time", "2"));
  consistent.push_back(aggregate("BM_a", "stddev", "time", "2.6457513110645907"));
  consistent.push_back(aggregate("BM_a", "cv", "percentage", "0.88191710368819687"));
  consistent.push_back(aggregate("BM_a", "p90", "time", "5.2"));  // custom: not checked
  EXPECT_EQ(notes_of(parsed(document(consistent))), "");

  std::vector<std::string> edited = rows();
  edited.push_back(aggregate("BM_a", "mean", "time", "2.5"));
  edited.push_back(aggregate("BM_a", "cv", "percentage", "0.5"));
  EXPECT_EQ(notes_of(parsed(document(edited))),
            "bm.json: warning: /benchmarks: 4 of Google Benchmark's aggregates contradict the "
            "repetitions they summarise (first: \"BM_a\" real_time cv 0.5, but its 3 repetitions "
            "give 0.881917)\n"
            "  hint: aggregates and repetitions of one run always agree: were entries edited, or "
            "two runs merged? perfgate compares the repetitions\n");
}

TEST(ParseGbench, NameOtherThanTheRunNameIsANoteOrWhenAmbiguousAnError) {
  std::string renamed = entry("BM_a", 0, 1, "1");
  renamed.replace(renamed.find("\"name\": \"BM_a\""), 14, "\"name\": \"BM_a/fast\"");
  EXPECT_EQ(notes_of(parsed(document({entry("BM_b", 0, 1, "1"), renamed}))),
            "bm.json: warning: /benchmarks/1/name: 1 entry has a name that Google Benchmark would "
            "not write for its run_name (first: name \"BM_a/fast\", run_name \"BM_a\"); they are "
            "read under their run_name\n"
            "  hint: Google Benchmark writes the run_name as the name (plus \"_<statistic>\" for "
            "an aggregate): was the file edited, or written by another tool?\n");
  // The name of another benchmark: which one this row measured cannot be told.
  std::string ambiguous = entry("BM_a", 0, 1, "1");
  ambiguous.replace(ambiguous.find("\"name\": \"BM_a\""), 14, "\"name\": \"BM_b\"");
  EXPECT_EQ(errors_of(document({entry("BM_b", 0, 1, "1"), ambiguous})),
            "bm.json:26: error: /benchmarks/1/name: name \"BM_b\" belongs to the benchmark "
            "\"BM_b\", but run_name says \"BM_a\": which benchmark this entry measured is "
            "ambiguous\n"
            "  hint: Google Benchmark writes the run_name as the name (plus \"_<statistic>\" for "
            "an aggregate): was the file edited or merged by hand?\n");
  // An aggregate named after another benchmark's statistic is just as ambiguous.
  std::string aggregate_row = aggregate("BM_a", "mean", "time", "1");
  aggregate_row.replace(aggregate_row.find("\"name\": \"BM_a_mean\""), 19,
                        "\"name\": \"BM_b_mean\"");
  EXPECT_NE(errors_of(document({entry("BM_a", 0, 1, "1"), entry("BM_b", 0, 1, "1"),
                                aggregate_row}))
                .find("/benchmarks/2/name: name \"BM_b_mean\" belongs to the benchmark \"BM_b\""),
            std::string::npos);
}

TEST(ParseGbench, ReportsEveryProblemUpToTheCap) {
  std::vector<std::string> entries;
  for (int i = 0; i < 25; ++i) {
    entries.push_back(entry("BM_" + std::to_string(i), 0, 1, "1", "", "minutes"));
  }
  const Result<RunSet> result = parse_gbench(document(entries), "bm.json");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().error_count(), 25U);
  EXPECT_EQ(result.error().items().size(), Diagnostics::k_default_cap);
  EXPECT_EQ(result.error().dropped(), 5U);
  EXPECT_EQ(format_diagnostic(result.error().items()[19]),
            "bm.json:290: error: /benchmarks/19/time_unit: expected a time unit (\"ns\", \"us\", "
            "\"\u00B5s\", \"ms\" or \"s\"), got string \"minutes\"\n");
  const std::string all = format_diagnostics(result.error());
  EXPECT_EQ(all.substr(all.rfind("...")), "... and 5 more problem(s) not shown\n");
}

TEST(ParseGbench, ReportsDifferentProblemsOfOneFileInOrder) {
  std::string second = entry("b", 0, 1, "-1");
  std::string third = entry("c", 0, 1, "1");
  third.replace(third.find("\"iterations\": 1000"), 18, "\"iterations\": -5");
  EXPECT_EQ(errors_of(document({"    17", second, third})),
            "bm.json:12: error: /benchmarks/0: expected an object (one benchmark result), got "
            "number 17\n"
            "bm.json:23: error: /benchmarks/1/real_time: expected a non-negative finite time, got "
            "number -1\n"
            "  hint: times are always gated; a run that failed should say so with "
            "error_occurred\n"
            "bm.json:24: error: /benchmarks/1/cpu_time: expected a non-negative finite time, got "
            "number -1\n"
            "  hint: times are always gated; a run that failed should say so with "
            "error_occurred\n"
            "bm.json:36: error: /benchmarks/2/iterations: expected a positive integer, got number "
            "-5\n");
}

TEST(ParseGbench, RejectsEmptyInput) {
  const std::string expected =
      "bm.json: error: empty input: expected Google Benchmark JSON output\n"
      "  hint: Google Benchmark leaves the output empty when --benchmark_filter matches nothing "
      "or the benchmark crashed before writing\n";
  EXPECT_EQ(errors_of(""), expected);
  EXPECT_EQ(errors_of(" \n\t\n"), expected);
}

TEST(ParseGbench, RejectsZeroBenchmarks) {
  EXPECT_EQ(errors_of(document({})),
            "bm.json:11: error: /benchmarks: no benchmarks: did the filter match nothing?\n"
            "  hint: check --benchmark_filter; Google Benchmark exits 0 when no benchmark "
            "matches\n");
}

TEST(ParseGbench, RejectsTruncatedText) {
  const std::string text = document({entry("a", 0, 1, "1")});
  EXPECT_EQ(errors_of(text.substr(0, text.find("\"iterations\""))),
            "bm.json:21: error: invalid JSON at column 7: incomplete JSON\n"
            "  hint: the text ends early: was the file truncated (a crash or a timeout)?\n");
}

TEST(ParseGbench, RejectsBinaryInput) {
  EXPECT_EQ(errors_of(std::string("{\"context\": {}, \0\0\0\x01", 20)),
            "bm.json:1: error: invalid JSON: the file holds a NUL byte at byte offset 16: it is "
            "binary data, not JSON text\n"
            "  hint: is it the right file? A crash can leave a file of NUL bytes\n");
  EXPECT_EQ(errors_of(std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10)),
            "bm.json:1: error: invalid JSON: the file is an ELF binary (a program or a library), "
            "not JSON text\n"
            "  hint: pass the JSON the program writes (--benchmark_out=<file> "
            "--benchmark_out_format=json), not the program\n");
}

// What a syntax error most likely means: said in words, with the likely cause.
TEST(ParseGbench, SaysWhatTheTextIsWhenItIsNotJson) {
  const std::string json = document({entry("BM_a", 0, 1, "1")});
  EXPECT_EQ(errors_of("Running ./bm_fixed_work\nRun on (2 X 2400 MHz CPU s)\n"
                      "----------------------------------------------------\n"
                      "Benchmark           Time             CPU   Iterations\n"
                      "BM_copy/64        120 ns          110 ns      5832921\n"),
            "bm.json:1: error: invalid JSON at column 1: the file starts with text before the "
            "JSON: 'Running ./bm_fixed_work'\n"
            "  hint: this is Google Benchmark's console output, not its JSON: was stdout captured "
            "instead of --benchmark_out=<file> --benchmark_out_format=json?\n");
  EXPECT_EQ(errors_of("2024-05-01 10:00:00 INFO starting the benchmarks of ./bm_fixed_work now\n" +
                      json),
            "bm.json:1: error: invalid JSON at column 1: the file starts with text before the "
            "JSON: '2024-05-01 10:00:00 INFO starting the be'...\n"
            "  hint: the JSON starts on line 2: was a log line written into the same file? Write "
            "the results with --benchmark_out=<file> --benchmark_out_format=json\n");
  EXPECT_EQ(errors_of("\n\n  Running ./bm\n" + json),
            "bm.json:3: error: invalid JSON at column 3: the file starts with text before the "
            "JSON: 'Running ./bm'\n"
            "  hint: the JSON starts on line 4: was a log line written into the same file? Write "
            "the results with --benchmark_out=<file> --benchmark_out_format=json\n");
  // A document that is only a number is not text before JSON.
  EXPECT_EQ(errors_of("42\n"),
            "bm.json:1: error: expected a JSON object at the top level, got number 42\n"
            "  hint: Google Benchmark's JSON output is an object with \"context\" and "
            "\"benchmarks\"\n");
}

TEST(ParseGbench, NamesTheJavaScriptAndPythonHabitsJsonLacks) {
  EXPECT_EQ(errors_of("{\n  \"context\": {},\n  // the results\n  \"benchmarks\": []\n}\n"),
            "bm.json:3: error: invalid JSON at column 3: a // comment: JSON has no comments\n"
            "  hint: remove it (JSON allows no comments and no trailing commas)\n");
  EXPECT_EQ(errors_of("{\"context\": {} /* none */, \"benchmarks\": []}"),
            "bm.json:1: error: invalid JSON at column 16: a /* comment */: JSON has no comments\n"
            "  hint: remove it (JSON allows no comments and no trailing commas)\n");
  EXPECT_EQ(errors_of("{'context': {}, 'benchmarks': []}"),
            "bm.json:1: error: invalid JSON at column 2: a single-quoted string: JSON strings "
            "take double quotes\n"
            "  hint: write \"...\" (was the file written by hand, or by Python's str() rather "
            "than json.dump?)\n");
  EXPECT_EQ(errors_of("{\"context\": {\"a\": 1,\n  },\n  \"benchmarks\": []}"),
            "bm.json:2: error: invalid JSON at column 3: a comma before '}': JSON allows no "
            "trailing comma\n"
            "  hint: remove the comma on line 1\n");
  EXPECT_EQ(errors_of("{\"context\": {\"cpu_scaling_enabled\": False}, \"benchmarks\": []}"),
            "bm.json:1: error: invalid JSON at column 37: Python's False: JSON spells it false\n"
            "  hint: write the file with json.dump, not str() or repr()\n");
  EXPECT_EQ(errors_of("{context: {}, \"benchmarks\": []}"),
            "bm.json:1: error: invalid JSON at column 2: a key without double quotes: 'context'\n"
            "  hint: JSON keys are strings: write \"context\"\n");
  EXPECT_EQ(errors_of("{\"context\": {\"host_name\": \"a\tb\"}, \"benchmarks\": []}"),
            "bm.json:1: error: invalid JSON at column 29: a raw control character (0x09) inside a "
            "string\n"
            "  hint: JSON strings escape control characters (\\n, \\t, \\u001b)\n");
  EXPECT_EQ(errors_of("{\"context\": {}, \"benchmarks\": [} "),
            "bm.json:1: error: invalid JSON at column 32: syntax error at '} '\n");
}

TEST(ParseGbench, NamesEncodingsAndCompressionInsteadOfASyntaxError) {
  const std::string json = document({entry("BM_a", 0, 1, "1")});
  std::string utf16le;
  for (const char c : json) {
    utf16le += c;
    utf16le += '\0';
  }
  const std::string utf16_hint =
      "  hint: save it as UTF-8: Windows PowerShell's '>' and Out-File write UTF-16 (use Out-File "
      "-Encoding utf8, or let the benchmark write the file with --benchmark_out=<file>)\n";
  EXPECT_EQ(errors_of("\xff\xfe" + utf16le),
            "bm.json:1: error: invalid JSON: the file is UTF-16 (little-endian, with a byte order "
            "mark), not UTF-8\n" + utf16_hint);
  EXPECT_EQ(errors_of(utf16le),
            "bm.json:1: error: invalid JSON: the file is UTF-16 (little-endian: every other byte "
            "is NUL), not UTF-8\n" + utf16_hint);
  EXPECT_EQ(errors_of(std::string("\0{\0\n", 4) + std::string("\0 \0\"", 4)),
            "bm.json:1: error: invalid JSON: the file is UTF-16 (big-endian: every other byte is "
            "NUL), not UTF-8\n" + utf16_hint);
  EXPECT_EQ(errors_of(std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10)),
            "bm.json:1: error: invalid JSON: the file is gzip-compressed (it starts with the bytes "
            "1f 8b)\n"
            "  hint: unpack it first (gunzip -k FILE) and pass the JSON file\n");
  EXPECT_EQ(errors_of(std::string("\x28\xb5\x2f\xfd\x00", 5)),
            "bm.json:1: error: invalid JSON: the file is zstd-compressed (it starts with the bytes "
            "28 b5 2f fd)\n"
            "  hint: unpack it first (unzstd FILE) and pass the JSON file\n");
  EXPECT_EQ(errors_of("{\"context\": {\"host_name\": \"r\xe9union\"}, \"benchmarks\": []}"),
            "bm.json:1: error: invalid JSON at column 29: invalid UTF-8 at byte offset 28 (0xe9)\n"
            "  hint: JSON text is UTF-8; this byte suggests Latin-1 or Windows-1252: save the file "
            "as UTF-8\n");
}

TEST(ParseGbench, RejectsTopLevelThatIsNotAnObject) {
  EXPECT_EQ(errors_of("\n\n\"BM_a\"\n"),
            "bm.json:3: error: expected a JSON object at the top level, got string \"BM_a\"\n"
            "  hint: Google Benchmark's JSON output is an object with \"context\" and "
            "\"benchmarks\"\n");
}

TEST(ParseGbench, RejectsContradictingRepetitions) {
  std::string threads = entry("BM_a", 1, 2, "1");
  threads.replace(threads.find("\"threads\": 1"), 12, "\"threads\": 4");
  EXPECT_EQ(errors_of(document({entry("BM_a", 0, 2, "1"), threads})),
            "bm.json:34: error: /benchmarks/1/threads: threads 4 contradicts threads 1 of the "
            "earlier entry for \"BM_a\" (line 12)\n"
            "  hint: entries of one benchmark come from one run: were two result files merged?\n");
  EXPECT_EQ(errors_of(document({entry("BM_a", 0, 1, "1"), entry("BM_a", 0, 1, "1")})),
            "bm.json:33: error: /benchmarks/1/repetition_index: repetition 0 of \"BM_a\" appears "
            "twice (first on line 12)\n"
            "  hint: were two result files concatenated?\n");
}

TEST(ParseGbench, RejectsDuplicateKeysThatAreNotCounters) {
  EXPECT_EQ(errors_of(document({entry("BM_a", 0, 1, "1",
                                      ",\n      \"label\": \"x\",\n      \"label\": \"y\"")})),
            "bm.json:26: error: /benchmarks/0/label: duplicate key \"label\" (first on line 25)\n"
            "  hint: an entry names each field once: was the file edited or merged by hand?\n");
}

TEST(ParseGbench, ReadsCounterThatRepeatsABuiltInKey) {
  // Google Benchmark 1.9.4 writes a user counter named "threads" after its own "threads".
  std::string text = document({entry("BM_q/threads:2", 0, 1, "1", ",\n      \"threads\": 7.5")});
  text.replace(text.find("\"threads\": 1"), 12, "\"threads\": 2");
  const RunSet run_set = parsed(text);
  ASSERT_EQ(run_set.benchmarks.size(), 1U);
  EXPECT_EQ(run_set.benchmarks[0].threads, 2);
  ASSERT_NE(run_set.benchmarks[0].find("counter:threads"), nullptr);
  EXPECT_EQ(run_set.benchmarks[0].find("counter:threads")->samples[0], 7.5);
  ASSERT_EQ(run_set.notes.size(), 1U);
  EXPECT_EQ(format_diagnostic(run_set.notes[0]),
            "bm.json: note: /benchmarks: 1 entries repeat Google Benchmark's own key \"threads\": "
            "the first is read as Google Benchmark's field, the repeat as the user counter "
            "\"counter:<name>\"\n");
}

TEST(ParseGbench, ReadsPre15LayoutByNames) {
  // Google Benchmark 1.4: no run_name, run_type, repetition_index or threads.
  const std::string text = R"({
  "context": {"date": "2018-01-01 10:00:00", "num_cpus": 4, "mhz_per_cpu": 3000,
              "cpu_scaling_enabled": false, "library_build_type": "release"},
  "benchmarks": [
    {"name": "BM_x/threads:4", "iterations": 10, "real_time": 1, "cpu_time": 4, "time_unit": "ns"},
    {"name": "BM_x/threads:4", "iterations": 10, "real_time": 3, "cpu_time": 4, "time_unit": "ns"},
    {"name": "BM_x/threads:4_mean", "iterations": 10, "real_time": 2, "cpu_time": 4, "time_unit": "ns"},
    {"name": "BM_x/threads:4_stddev", "iterations": 10, "real_time": 1, "cpu_time": 0, "time_unit": "ns"},
    {"name": "BM_x/threads:4_p99", "iterations": 10, "real_time": 3, "cpu_time": 4, "time_unit": "ns"},
    {"name": "BM_y_mean", "iterations": 10, "real_time": 5, "cpu_time": 5, "time_unit": "ns"},
    {"name": "BM_z/8", "iterations": 10, "real_time": 5, "cpu_time": 5, "time_unit": "us"},
    {"name": "BM_z/64", "iterations": 10, "real_time": 9, "cpu_time": 9, "time_unit": "us"},
    {"name": "BM_z_BigO", "cpu_coefficient": 0.5, "real_coefficient": 0.6, "big_o": "N", "time_unit": "us"},
    {"name": "BM_z_RMS", "rms": 0.02}
  ]
})";
  const RunSet run_set = parsed(text);
  ASSERT_EQ(run_set.benchmarks.size(), 5U);
  const Benchmark& x = run_set.benchmarks[0];
  EXPECT_EQ(x.name, "BM_x/threads:4");
  EXPECT_EQ(x.threads, 4);
  EXPECT_EQ(x.find("real_time")->samples, (std::vector<double>{1, 3}));
  EXPECT_EQ(x.find("real_time")->aggregates,
            (std::map<std::string, double>{{"mean", 2}, {"stddev", 1}, {"p99", 3}}));
  EXPECT_EQ(run_set.benchmarks[1].name, "BM_y");  // aggregates only
  EXPECT_TRUE(run_set.benchmarks[1].find("real_time")->samples.empty());
  EXPECT_EQ(run_set.benchmarks[4].name, "BM_z");
  ASSERT_TRUE(run_set.benchmarks[4].complexity.has_value());
  EXPECT_EQ(run_set.benchmarks[4].complexity->big_o, "N");
  EXPECT_EQ(run_set.benchmarks[4].complexity->cpu_coefficient, 500.0);
  EXPECT_EQ(run_set.benchmarks[4].complexity->rms, 0.02);
  EXPECT_FALSE(run_set.context.cpu_scaling_enabled.value_or(true));
}

TEST(ParseGbench, RejectsRepeatedPre15NameThatIsNotARepetition) {
  const std::string text = R"({"benchmarks": [
  {"name": "BM_a", "iterations": 10, "real_time": 1, "cpu_time": 1, "time_unit": "ns"},
  {"name": "BM_b", "iterations": 10, "real_time": 1, "cpu_time": 1, "time_unit": "ns"},
  {"name": "BM_a", "iterations": 10, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}
]})";
  EXPECT_EQ(errors_of(text),
            "bm.json:4: error: /benchmarks/2: duplicate benchmark \"BM_a\": first on line 2, and "
            "its repetitions are not consecutive\n"
            "  hint: were two result files concatenated?\n");
}

TEST(ParseGbench, ReadsContextIntoModelAndExtra) {
  const std::string text = R"({
  "context": {
    "date": "08/25/19 18:46:50",
    "host_name": "NEWRIG",
    "executable": "C:\\bench\\bm.exe",
    "num_cpus": 8,
    "mhz_per_cpu": 2807,
    "aslr_enabled": false,
    "caches": [{"type": "Data", "level": 1, "size": 32768000, "num_sharing": 2}],
    "load_avg": [],
    "library_version": "1.9.1",
    "library_build_type": "debug",
    "json_schema_version": 1,
    "GIT_COMMIT_HASH": "abc123",
    "date": "custom"
  },
  "benchmarks": [
    {"name": "BM_a", "iterations": 10, "real_time": 1, "cpu_time": 1, "time_unit": "ns",
     "unexpected": "text"}
  ]
})";
  const RunSet run_set = parsed(text);
  const RunContext& context = run_set.context;
  EXPECT_EQ(context.date, "08/25/19 18:46:50");
  EXPECT_EQ(context.host_name, "NEWRIG");
  EXPECT_EQ(context.executable, "C:\\bench\\bm.exe");
  EXPECT_EQ(context.num_cpus, 8);
  EXPECT_EQ(context.mhz_per_cpu, 2807);
  EXPECT_FALSE(context.cpu_scaling_enabled.has_value());
  EXPECT_EQ(context.library_version, "1.9.1");
  EXPECT_EQ(context.library_build_type, "debug");
  EXPECT_EQ(context.extra, (std::map<std::string, std::string>{
                               {"GIT_COMMIT_HASH", "abc123"},
                               {"aslr_enabled", "false"},
                               {"date", "custom"}}));
  EXPECT_TRUE(has_note_containing(run_set, "context keys repeated"));
  EXPECT_TRUE(has_note_containing(run_set, "ignored fields that are neither"));
}

TEST(ParseGbench, WarnsWhenContextIsMissing) {
  const RunSet run_set = parsed(
      R"({"benchmarks": [{"name": "a", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]})");
  ASSERT_EQ(run_set.notes.size(), 1U);
  EXPECT_EQ(format_diagnostic(run_set.notes[0]),
            "bm.json: warning: no \"context\": the machine and library version are unknown\n");
}

TEST(ParseGbench, AcceptsByteOrderMark) {
  EXPECT_EQ(errors_of("\xEF\xBB\xBF" + document({entry("a", 0, 1, "1")})), "(no error)");
}

TEST(ParseGbench, ReadsComplexityRowsOfCurrentLayout) {
  const std::string text = document({
      entry("BM_f/8", 0, 1, "8"), entry("BM_f/16", 0, 1, "16"),
      R"(    {
      "name": "BM_f_BigO", "run_name": "BM_f", "run_type": "aggregate", "repetitions": 1,
      "threads": 1, "aggregate_name": "BigO", "aggregate_unit": "time",
      "cpu_coefficient": 1.0e+00, "real_coefficient": 1.5e+00, "big_o": "N", "time_unit": "ms"
    })",
      R"(    {
      "name": "BM_f_RMS", "run_name": "BM_f", "run_type": "aggregate", "repetitions": 1,
      "threads": 1, "aggregate_name": "RMS", "aggregate_unit": "percentage", "rms": 1.0e-02
    })"});
  const RunSet run_set = parsed(text);
  ASSERT_EQ(run_set.benchmarks.size(), 3U);
  const Benchmark& fit = run_set.benchmarks[2];
  EXPECT_EQ(fit.name, "BM_f");
  EXPECT_TRUE(fit.metrics.empty());
  ASSERT_TRUE(fit.complexity.has_value());
  EXPECT_EQ(fit.complexity->real_coefficient, 1.5e6);
  EXPECT_EQ(fit.complexity->rms, 0.01);
}

TEST(ParseGbench, TracksLinesAcrossLargeInputs) {
  // Several megabytes: the reader streams the text in pieces; lines must stay exact.
  std::vector<std::string> entries;
  for (int i = 0; i < 12000; ++i) {
    entries.push_back(entry("BM_" + std::to_string(i), 0, 1, i % 7 == 0 ? "NaN" : "1",
                            ",\n      \"hits\": NaN", "ns"));
  }
  // Gated NaN only in the entries i % 7 == 0: make them valid except the last one.
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
    for (std::size_t at = entries[i].find(": NaN,"); at != std::string::npos;
         at = entries[i].find(": NaN,")) {
      entries[i].replace(at, 6, ": 1.0,");
    }
  }
  entries.back().replace(entries.back().find("\"cpu_time\": 1"), 13, "\"cpu_time\": \"x\"");
  const std::string text = document(entries);
  ASSERT_GT(text.size(), std::size_t{3} << 20);
  const std::size_t line = static_cast<std::size_t>(
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.rfind("\"cpu_time\"")),
                 '\n')) + 1;
  EXPECT_EQ(errors_of(text), "bm.json:" + std::to_string(line) +
                                 ": error: /benchmarks/11999/cpu_time: expected a number, got "
                                 "string \"x\"\n");
}

// --- the real corpus --------------------------------------------------------------------------

class RealCorpus {
 public:
  static bool available() { return fs::is_directory(PERFGATE_GBENCH_REAL_DIR); }

  // The file whose name starts with "<number>-".
  static RunSet read(const std::string& number) {
    for (const auto& item : fs::directory_iterator(PERFGATE_GBENCH_REAL_DIR)) {
      const std::string name = item.path().filename().string();
      if (name.rfind(number + "-", 0) == 0) {
        Result<RunSet> result = parse_gbench(read_text(item.path()), name);
        if (!result.has_value()) {
          ADD_FAILURE() << format_diagnostics(result.error());
          return {};
        }
        return std::move(result).value();
      }
    }
    ADD_FAILURE() << "no file " << number << "-* in " << PERFGATE_GBENCH_REAL_DIR;
    return {};
  }
};

#define PERFGATE_REQUIRE_REAL_CORPUS()                                              \
  do {                                                                              \
    if (!RealCorpus::available()) {                                                 \
      GTEST_SKIP() << "no real corpus at '" << PERFGATE_GBENCH_REAL_DIR << "'";     \
    }                                                                               \
  } while (false)

const MetricSeries& metric_of(const RunSet& run_set, std::size_t index, const std::string& name) {
  static const MetricSeries k_none;
  if (index >= run_set.benchmarks.size()) {
    ADD_FAILURE() << "no benchmark " << index;
    return k_none;
  }
  const MetricSeries* series = run_set.benchmarks[index].find(name);
  if (series == nullptr) {
    ADD_FAILURE() << run_set.benchmarks[index].name << " has no metric " << name;
    return k_none;
  }
  return *series;
}

TEST(ParseGbench, ReadsEveryRealFileWithoutErrors) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  std::size_t files = 0;
  for (const auto& item : fs::directory_iterator(PERFGATE_GBENCH_REAL_DIR)) {
    if (item.path().extension() != ".json") {
      continue;
    }
    ++files;
    const std::string name = item.path().filename().string();
    const Result<RunSet> result = parse_gbench(read_text(item.path()), name);
    ASSERT_TRUE(result.has_value()) << format_diagnostics(result.error());
    EXPECT_FALSE(result->benchmarks.empty()) << name;
    for (const Diagnostic& note : result->notes) {
      EXPECT_NE(note.severity, Severity::error) << name;
    }
    for (const Benchmark& benchmark : result->benchmarks) {
      EXPECT_FALSE(benchmark.name.empty()) << name;
      EXPECT_GE(benchmark.threads, 1) << name;
    }
  }
  EXPECT_GE(files, 23U);
}

TEST(ParseGbench, RealFile01RepetitionsAndAggregates) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("01");
  ASSERT_EQ(run_set.benchmarks.size(), 19U);  // 380 repetitions + 57 aggregates of 19 runs
  const MetricSeries& real = metric_of(run_set, 0, "real_time");
  EXPECT_EQ(run_set.benchmarks[0].name, "BM_EdgeCreation");
  ASSERT_EQ(real.samples.size(), 20U);
  EXPECT_DOUBLE_EQ(real.samples[0], 14.683628116053118);
  EXPECT_EQ(real.aggregates.size(), 3U);
  EXPECT_TRUE(real.aggregates.count("mean") && real.aggregates.count("median") &&
              real.aggregates.count("stddev"));
  EXPECT_EQ(run_set.context.cpu_scaling_enabled, false);
  EXPECT_TRUE(run_set.notes.empty());
}

TEST(ParseGbench, RealFile02ComplexityRows) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("02");
  ASSERT_EQ(run_set.benchmarks.size(), 20U);  // 19 instances + the family's BigO/RMS fit
  const Benchmark& fit = run_set.benchmarks.back();
  EXPECT_EQ(fit.name, "BellmanFord_X");
  ASSERT_TRUE(fit.complexity.has_value());
  EXPECT_EQ(fit.complexity->big_o, "N");
  EXPECT_DOUBLE_EQ(*fit.complexity->cpu_coefficient, 706.62818529808328);
  EXPECT_DOUBLE_EQ(*fit.complexity->real_coefficient, 708.54155926462886);
  EXPECT_DOUBLE_EQ(*fit.complexity->rms, 0.55150389342804440);
  EXPECT_EQ(run_set.context.library_version, "v1.9.4-93-g27fc2bf4");
  EXPECT_EQ(run_set.context.json_schema_version, 1);
  EXPECT_EQ(run_set.context.extra.at("aslr_enabled"), "false");
}

TEST(ParseGbench, RealFile03Tiny) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("03");
  ASSERT_EQ(run_set.benchmarks.size(), 2U);
  EXPECT_EQ(run_set.benchmarks[1].name, "fib_20");
  EXPECT_DOUBLE_EQ(metric_of(run_set, 1, "real_time").samples.at(0), 27455.600415007055);
  EXPECT_EQ(run_set.benchmarks[1].iterations, 23968);
  EXPECT_EQ(run_set.context.date, "2019-11-29 21:26:59");
}

TEST(ParseGbench, RealFile04NonIsoDateAndRepetitionsZero) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("04");
  ASSERT_EQ(run_set.benchmarks.size(), 58U);  // 1740 repetitions ("repetitions": 0) + 174 aggregates
  EXPECT_EQ(run_set.context.date, "08/25/19 18:46:50");
  EXPECT_EQ(metric_of(run_set, 0, "cpu_time").samples.size(), 30U);
  EXPECT_EQ(metric_of(run_set, 0, "cpu_time").aggregates.size(), 3U);
}

TEST(ParseGbench, RealFile05MillisecondsAndSpacesInNames) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("05");
  ASSERT_EQ(run_set.benchmarks.size(), 33U);
  EXPECT_EQ(run_set.benchmarks[0].name, "< min,+ > - convex convolution: equal-size/10");
  EXPECT_EQ(run_set.benchmarks[0].family, "< min,+ > - convex convolution: equal-size");
  EXPECT_EQ(run_set.benchmarks[0].time_unit, "ms");
  EXPECT_DOUBLE_EQ(metric_of(run_set, 0, "real_time").samples.at(0), 1369.9541023237153);
}

TEST(ParseGbench, RealFile06CustomStatistics) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("06");
  ASSERT_EQ(run_set.benchmarks.size(), 11U);
  const MetricSeries& real = metric_of(run_set, 0, "real_time");
  EXPECT_EQ(real.samples.size(), 50U);
  for (const char* statistic :
       {"mean", "median", "stddev", "min", "max", "variance", "dispersion"}) {
    EXPECT_EQ(real.aggregates.count(statistic), 1U) << statistic;
  }
  EXPECT_DOUBLE_EQ(real.aggregates.at("min"), 1431.4098215046604);
  EXPECT_FALSE(run_set.context.cpu_scaling_enabled.has_value());
}

TEST(ParseGbench, RealFile07CvInMilliseconds) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("07");
  ASSERT_EQ(run_set.benchmarks.size(), 12U);
  const MetricSeries& real = metric_of(run_set, 0, "real_time");
  EXPECT_EQ(real.samples.size(), 5U);
  EXPECT_DOUBLE_EQ(real.samples[0], 702.8640809876379e6);
  EXPECT_DOUBLE_EQ(real.aggregates.at("cv"), 0.08936588596473209);  // a fraction, not scaled
}

TEST(ParseGbench, RealFile08UserCounters) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("08");
  ASSERT_EQ(run_set.benchmarks.size(), 43U);
  const MetricSeries& fib = metric_of(run_set, 0, "counter:fib(n)");
  EXPECT_EQ(fib.samples, (std::vector<double>{40, 40, 40, 40, 40}));
  EXPECT_EQ(fib.aggregates.at("cv"), 0.0);
  EXPECT_EQ(metric_of(run_set, 0, "counter:green_threads").samples.size(), 5U);
}

TEST(ParseGbench, RealFile09RatesAndMicroseconds) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("09");
  ASSERT_EQ(run_set.benchmarks.size(), 154U);
  EXPECT_EQ(run_set.benchmarks[0].time_unit, "us");
  EXPECT_DOUBLE_EQ(metric_of(run_set, 0, "real_time").samples.at(0), 542177.3690709236);
  EXPECT_EQ(metric_of(run_set, 0, "items_per_second").direction, Direction::higher_is_better);
  EXPECT_EQ(metric_of(run_set, 0, "counter:_random_factor").samples.size(), 1U);
  const auto with_bytes = std::count_if(
      run_set.benchmarks.begin(), run_set.benchmarks.end(),
      [](const Benchmark& b) { return b.find("bytes_per_second") != nullptr; });
  EXPECT_EQ(with_bytes, 11);
  EXPECT_EQ(run_set.context.library_version, "v1.9.5");
}

TEST(ParseGbench, RealFiles10To12ContextVariants) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  EXPECT_EQ(RealCorpus::read("10").benchmarks.size(), 6U);
  const RunSet eleven = RealCorpus::read("11");
  EXPECT_EQ(eleven.benchmarks.size(), 209U);
  EXPECT_EQ(eleven.context.extra.count("framework.name"), 1U);
  EXPECT_NE(eleven.benchmarks[0].find("counter:entities"), nullptr);
  const RunSet twelve = RealCorpus::read("12");
  EXPECT_EQ(twelve.benchmarks.size(), 6U);
  EXPECT_EQ(twelve.context.library_version, "1.9.1");
  EXPECT_EQ(twelve.context.extra.size(), 7U);
  EXPECT_EQ(twelve.context.extra.count("bfcli"), 1U);
  EXPECT_NE(twelve.benchmarks[0].find("counter:nInsn"), nullptr);
}

TEST(ParseGbench, RealFile13ManualTimeLabelsAndRates) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("13");
  ASSERT_EQ(run_set.benchmarks.size(), 52U);
  const Benchmark& first = run_set.benchmarks[0];
  EXPECT_EQ(first.name, "partial_tweets<simdjson_dom>/manual_time");
  EXPECT_EQ(first.family, "partial_tweets<simdjson_dom>");
  EXPECT_EQ(first.label.rfind("[BEST: throughput=", 0), 0U);
  EXPECT_NE(first.find("items_per_second"), nullptr);
  EXPECT_NE(first.find("bytes_per_second"), nullptr);
  EXPECT_NE(first.find("counter:best_cycles"), nullptr);
  EXPECT_EQ(first.metrics.size(), 2U + 26U);  // real/cpu time, 2 rates, 24 counters
}

TEST(ParseGbench, RealFile14CounterNamesWithSlash) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("14");
  ASSERT_EQ(run_set.benchmarks.size(), 53U);
  const bool has_calls = std::any_of(
      run_set.benchmarks.begin(), run_set.benchmarks.end(),
      [](const Benchmark& b) { return b.find("counter:calls/s") != nullptr; });
  EXPECT_TRUE(has_calls);
}

TEST(ParseGbench, RealFile15Seconds) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("15");
  ASSERT_EQ(run_set.benchmarks.size(), 11U);
  EXPECT_EQ(run_set.benchmarks[0].time_unit, "s");
  const MetricSeries& real = metric_of(run_set, 0, "real_time");
  EXPECT_EQ(real.samples.size(), 20U);
  EXPECT_DOUBLE_EQ(real.samples[0], 63.56882014200001e9);
  EXPECT_GT(real.aggregates.at("mean"), 1e9);
  EXPECT_LT(real.aggregates.at("cv"), 1.0);
}

TEST(ParseGbench, RealFiles16And17) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet sixteen = RealCorpus::read("16");
  EXPECT_EQ(sixteen.benchmarks.size(), 19U);
  EXPECT_DOUBLE_EQ(metric_of(sixteen, 0, "real_time").samples.at(0), 464.1562264987442e6);
  const RunSet seventeen = RealCorpus::read("17");
  ASSERT_EQ(seventeen.benchmarks.size(), 10U);
  EXPECT_EQ(seventeen.benchmarks[0].name, "BM_decode_value/\"ubuntu\"");
  EXPECT_EQ(metric_of(seventeen, 0, "bytes_per_second").samples.size(), 10U);
}

TEST(ParseGbench, RealFile18SecondsManualTimeAndOddCounterNames) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("18");
  ASSERT_EQ(run_set.benchmarks.size(), 164U);
  EXPECT_EQ(run_set.benchmarks[0].name, "GramSchmidt<double>/Count:1024/iterations:5/manual_time");
  EXPECT_EQ(run_set.benchmarks[0].time_unit, "s");
  EXPECT_DOUBLE_EQ(metric_of(run_set, 0, "real_time").samples.at(0), 3532115.0);
  EXPECT_NE(run_set.benchmarks[0].find("counter:Time normalized"), nullptr);
  const bool has_fom = std::any_of(
      run_set.benchmarks.begin(), run_set.benchmarks.end(),
      [](const Benchmark& b) { return b.find("counter:FOM: GB/s") != nullptr; });
  EXPECT_TRUE(has_fom);
  EXPECT_EQ(run_set.context.extra.size(), 27U);
  EXPECT_EQ(run_set.context.extra.count("CPU architecture"), 1U);
}

TEST(ParseGbench, RealFile19ThreadsFromNames) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("19");
  ASSERT_EQ(run_set.benchmarks.size(), 243U);
  EXPECT_EQ(run_set.benchmarks[3].name, "BM_fastpath_throughput/threads:8");
  EXPECT_EQ(run_set.benchmarks[3].threads, 8);
  EXPECT_EQ(run_set.benchmarks[8].threads, 256);
  EXPECT_EQ(run_set.benchmarks[3].family, "BM_fastpath_throughput");
  EXPECT_EQ(metric_of(run_set, 3, "real_time").samples, (std::vector<double>{22}));
  EXPECT_TRUE(run_set.context.host_name.empty());
}

TEST(ParseGbench, RealFiles20To22) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet twenty = RealCorpus::read("20");
  EXPECT_EQ(twenty.benchmarks.size(), 96U);
  EXPECT_NE(twenty.benchmarks[0].find("counter:Iterations"), nullptr);
  const RunSet twenty_one = RealCorpus::read("21");
  EXPECT_EQ(twenty_one.benchmarks.size(), 3U);
  EXPECT_FALSE(twenty_one.context.cpu_scaling_enabled.has_value());
  EXPECT_EQ(RealCorpus::read("22").benchmarks.size(), 211U);
}

TEST(ParseGbench, RealFile23DuplicateThreadsKey) {
  PERFGATE_REQUIRE_REAL_CORPUS();
  const RunSet run_set = RealCorpus::read("23");
  ASSERT_EQ(run_set.benchmarks.size(), 42U);
  const Benchmark& eight = run_set.benchmarks[3];
  EXPECT_EQ(eight.name, "BM_NCQ_Pair/real_time/threads:8");
  EXPECT_EQ(eight.threads, 8);  // the built-in integer, not the counter
  EXPECT_EQ(metric_of(run_set, 3, "counter:threads").samples, (std::vector<double>{8.0}));
  ASSERT_EQ(run_set.notes.size(), 1U);
  EXPECT_EQ(run_set.notes[0].severity, Severity::note);
  EXPECT_NE(run_set.notes[0].message.find("42 entries repeat Google Benchmark's own key "
                                          "\"threads\""),
            std::string::npos);
}

// --- the malformed corpus ---------------------------------------------------------------------

// Each tests/data/bad/gbench/<name>.json has one defect; <name>.expected.txt holds the exact first
// line of the rendered diagnostics when it is read under the name "<name>.json".
TEST(ParseGbench, RejectsEveryMalformedFileWithItsDiagnostic) {
  const fs::path directory = fs::path(PERFGATE_TEST_DATA_DIR) / "bad" / "gbench";
  ASSERT_TRUE(fs::is_directory(directory)) << directory;
  std::size_t files = 0;
  for (const auto& item : fs::directory_iterator(directory)) {
    if (item.path().extension() != ".json") {
      continue;
    }
    ++files;
    const std::string name = item.path().filename().string();
    fs::path expected_path = item.path();
    expected_path.replace_extension(".expected.txt");
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    std::string expected = read_text(expected_path);
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) {
      expected.pop_back();
    }
    const Result<RunSet> result = parse_gbench(read_text(item.path()), name);
    ASSERT_FALSE(result.has_value()) << name << " was accepted";
    ASSERT_FALSE(result.error().items().empty()) << name;
    const std::string rendered = format_diagnostic(result.error().items().front());
    EXPECT_EQ(rendered.substr(0, rendered.find('\n')), expected) << name;
  }
  EXPECT_GE(files, 30U);
}

}  // namespace
}  // namespace perfgate
