// Tests of the baseline reader's number handling: text in, values or diagnostics out. Integers are
// range-checked before any cast, and numbers are converted exactly, so record -> read -> write
// reproduces every digit.
#include <perfgate/baseline.hpp>
#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace perfgate {
namespace {

Baseline small_baseline() {
  Baseline baseline;
  baseline.suite = "example";
  baseline.provenance = {"2026-11-22T10:00:00Z", "ci", "numbers", "results.json", "0.1.0",
                         "perfgate baseline record", ""};
  baseline.runs.context.num_cpus = 2;
  Benchmark& b = baseline.runs.benchmarks.emplace_back();
  b.name = "BM_sort/1024";
  b.family = "BM_sort";
  b.iterations = 1000;
  b.time_unit = "ns";
  MetricSeries& real = b.series("real_time");
  real.samples = {1500.5, 1510.25, 1490};
  real.groups = {0, 0, 1};
  real.aggregates["mean"] = 1500.25;
  return baseline;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::string errors_of(const std::string& text) {
  const auto read = parse_baseline(text, "b.json");
  return read ? "(no error)" : format_diagnostics(read.error());
}

TEST(ParseBaseline, RejectsIntegersOutOfRangeInsteadOfCastingThem) {
  std::string text = write_baseline(small_baseline());
  text = replaced(text, "\"num_cpus\": 2", "\"num_cpus\": -1");
  text = replaced(text, "\"threads\": 1", "\"threads\": 1e300");
  text = replaced(text, "\"iterations\": 1000", "\"iterations\": 18446744073709551615");
  text = replaced(text, "\"groups\": [0, 0, 1]", "\"groups\": [0, \"x\", 2.5]");
  text = replaced(text, "\"mean\": 1500.25", "\"mean\": \"high\"");
  EXPECT_EQ(errors_of(text),
            "b.json: error: /digest: digest mismatch: the file was changed by hand or damaged; re-record "
            "with perfgate baseline update\n"
            "  hint: restore the committed file from version control (git checkout -- <file>), or "
            "re-record it with perfgate baseline update --reason \"...\" (docs/baselines.md)\n"
            "b.json: error: /context/num_cpus: expected an integer from 0 to 2147483647, got "
            "number -1\n"
            "b.json: error: /benchmarks/0/threads: expected an integer from 1 to 1048576, got "
            "number 1e+300\n"
            "b.json: error: /benchmarks/0/iterations: expected an integer from 0 to "
            "9223372036854775807, got number 18446744073709551615\n"
            "b.json: error: /benchmarks/0/metrics/0/groups/1: expected an integer from 0 to "
            "2147483647, got string \"x\"\n"
            "b.json: error: /benchmarks/0/metrics/0/groups/2: expected an integer from 0 to "
            "2147483647, got number 2.5\n"
            "b.json: error: /benchmarks/0/metrics/0/aggregates/mean: expected a number or null, "
            "got string \"high\"\n");
  EXPECT_EQ(errors_of(replaced(write_baseline(small_baseline()), "\"threads\": 1",
                               "\"threads\": -5")),
            "b.json: error: /digest: digest mismatch: the file was changed by hand or damaged; re-record "
            "with perfgate baseline update\n"
            "  hint: restore the committed file from version control (git checkout -- <file>), or "
            "re-record it with perfgate baseline update --reason \"...\" (docs/baselines.md)\n"
            "b.json: error: /benchmarks/0/threads: expected an integer from 1 to 1048576, got "
            "number -5\n");
}

TEST(ParseBaseline, WholeNumbersWrittenAsDoublesAreAccepted) {
  // Written so by another tool: the content is re-digested, as perfgate baseline update would.
  std::string text =
      replaced(write_baseline(small_baseline()), "\"threads\": 1", "\"threads\": 4.0e0");
  const std::size_t at = text.find("sha256:");
  text.replace(at, 71, baseline_digest(text).value_or(""));
  const auto read = parse_baseline(text, "b.json");
  ASSERT_TRUE(read.has_value()) << format_diagnostics(read.error());
  EXPECT_EQ(read->runs.benchmarks[0].threads, 4);
}

// Google Benchmark text -> baseline (record) -> text -> baseline -> text: the same bytes, and the
// exact double of every number. Boost.JSON 1.81 alone reads 1892649.0000000002 as 1892649.
TEST(ParseBaseline, RecordReadWriteKeepsEveryDigit) {
  const std::vector<std::string> texts{"0.1", "1892649.0000000002", "5e-324",
                                       "1.7976931348623157e308", "2.2250738585072011e-308",
                                       "123456789012345678901234"};
  const std::vector<double> exact{0.1, 1892649.0000000002, 5e-324, 1.7976931348623157e308,
                                  2.2250738585072011e-308, 123456789012345678901234.0};
  std::string gbench =
      "{\"context\": {\"num_cpus\": 2, \"mhz_per_cpu\": 2400.0000000000005},\n"
      "\"benchmarks\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    gbench += std::string(i == 0 ? "" : ",\n") +
              "{\"name\": \"BM_x\", \"run_name\": \"BM_x\", \"run_type\": \"iteration\", "
              "\"repetitions\": 6, \"repetition_index\": " + std::to_string(i) +
              ", \"threads\": 1, \"iterations\": 10, \"time_unit\": \"ns\", \"real_time\": " +
              texts[i] + ", \"cpu_time\": " + texts[i] + ", \"bytes\": " + texts[i] + "}";
  }
  gbench += "]}\n";
  const auto runs = parse_gbench(gbench, "results.json");
  ASSERT_TRUE(runs.has_value()) << format_diagnostics(runs.error());

  Baseline recorded;
  recorded.suite = "numbers";
  recorded.runs = *runs;
  const std::string written = write_baseline(recorded);
  const auto read = parse_baseline(written, "b.json");
  ASSERT_TRUE(read.has_value()) << format_diagnostics(read.error());
  EXPECT_EQ(write_baseline(*read), written);

  EXPECT_NE(written.find("\"samples\": [0.1, 1892649.0000000002, 5e-324, "
                         "1.7976931348623157e+308, 2.225073858507201e-308, "
                         "1.2345678901234569e+23]"),
            std::string::npos)
      << written;
  EXPECT_NE(written.find("\"mhz_per_cpu\": 2400.0000000000005"), std::string::npos) << written;
  for (const char* metric : {"real_time", "cpu_time", "counter:bytes"}) {
    const MetricSeries* series = read->runs.benchmarks.at(0).find(metric);
    ASSERT_NE(series, nullptr) << metric;
    ASSERT_EQ(series->samples.size(), exact.size());
    for (std::size_t i = 0; i < exact.size(); ++i) {
      // Bit for bit, not approximately.
      EXPECT_EQ(std::memcmp(&series->samples[i], &exact[i], sizeof(double)), 0)
          << metric << " " << texts[i];
    }
  }
}

}  // namespace
}  // namespace perfgate
