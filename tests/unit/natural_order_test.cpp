// Tests of the natural order of benchmark names.
#include <perfgate/evaluate.hpp>
#include <perfgate/natural_order.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace perfgate {
namespace {

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return natural_less(a, b);
  });
  return names;
}

TEST(NaturalOrder, NumbersCompareAsNumbers) {
  EXPECT_EQ(sorted({"BM_copy/128", "BM_copy/8", "BM_copy/1024", "BM_copy/64", "BM_copy/8k"}),
            (std::vector<std::string>{"BM_copy/8", "BM_copy/8k", "BM_copy/64", "BM_copy/128",
                                      "BM_copy/1024"}));
  EXPECT_EQ(sorted({"BM_x/threads:16", "BM_x/threads:2", "BM_x/threads:1"}),
            (std::vector<std::string>{"BM_x/threads:1", "BM_x/threads:2", "BM_x/threads:16"}));
  EXPECT_EQ(sorted({"BM_a/10/2", "BM_a/2/10", "BM_a/2/9", "BM_a/10/10"}),
            (std::vector<std::string>{"BM_a/2/9", "BM_a/2/10", "BM_a/10/2", "BM_a/10/10"}));
}

TEST(NaturalOrder, OtherBytesCompareAsBytesAndPrefixesComeFirst) {
  EXPECT_TRUE(natural_less("BM_a", "BM_b"));
  EXPECT_TRUE(natural_less("BM_B", "BM_a"));  // bytes, not case-folded
  EXPECT_TRUE(natural_less("BM_sort", "BM_sort/8"));
  EXPECT_FALSE(natural_less("BM_sort/8", "BM_sort"));
  EXPECT_TRUE(natural_less("BM_x/", "BM_x/0"));
  EXPECT_TRUE(natural_less("BM_x/8", "BM_x/a"));  // a digit run sorts by its first digit
  EXPECT_TRUE(natural_less("BM_x/-1", "BM_x/1"));
}

TEST(NaturalOrder, IsAStrictTotalOrder) {
  // Equal as numbers, told apart by bytes: never equivalent unless equal.
  EXPECT_TRUE(natural_less("BM_x/08", "BM_x/8"));
  EXPECT_FALSE(natural_less("BM_x/8", "BM_x/08"));
  EXPECT_FALSE(natural_less("BM_x/8", "BM_x/8"));
  const std::vector<std::string> names{"", "0", "00", "1", "01", "a", "a0", "a00", "a1", "a10",
                                       "a9", "a09", "a/", "a0b", "a00b", "b", "/", "9z", "10z"};
  for (const auto& a : names) {
    EXPECT_FALSE(natural_less(a, a)) << a;
    for (const auto& b : names) {
      if (a != b) {
        EXPECT_NE(natural_less(a, b), natural_less(b, a)) << a << " " << b;
      }
      for (const auto& c : names) {
        if (natural_less(a, b) && natural_less(b, c)) {
          EXPECT_TRUE(natural_less(a, c)) << a << " " << b << " " << c;
        }
      }
    }
  }
}

TEST(NaturalOrder, HandlesDigitRunsOfAnyLength) {
  const std::string long_run(30000, '9');
  EXPECT_TRUE(natural_less("BM_x/" + long_run, "BM_x/1" + long_run));
  EXPECT_TRUE(natural_less("BM_x/18446744073709551615", "BM_x/18446744073709551616"));
}

TEST(NaturalOrder, DecisionsComeInNaturalOrder) {
  RunSet runs;
  for (const char* name : {"BM_copy/128", "BM_copy/8", "BM_copy/1024", "BM_copy/16"}) {
    Benchmark& benchmark = runs.benchmarks.emplace_back();
    benchmark.name = name;
    benchmark.family = "BM_copy";
    benchmark.series("real_time").samples = {100.0};
  }
  Policy policy;
  policy.name = "t";
  Rule rule;
  rule.id = "real_time";
  rule.metric = "real_time";
  rule.relative.fail = 0.1;
  rule.allow_single_values = true;
  policy.rules.push_back(rule);
  std::vector<std::string> order;
  for (const Decision& decision : evaluate(runs, runs, policy).decisions) {
    order.push_back(decision.benchmark);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"BM_copy/8", "BM_copy/16", "BM_copy/128",
                                             "BM_copy/1024"}));
}

}  // namespace
}  // namespace perfgate
