// Tests of the one number formatter every message and report uses: values in, text out, the same
// under any global locale.
#include <perfgate/number_format.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <locale>
#include <string>

namespace perfgate {
namespace {

// A locale whose decimal point is a comma and which groups thousands, as de_DE does.
struct CommaNumpunct : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(NumberFormat, ShortestTextReadsBackTheSameDouble) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1892649.0000000002), "1892649.0000000002");
  EXPECT_EQ(format_number(5e-324), "5e-324");
  EXPECT_EQ(format_number(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(format_number(12.0), "12");
  EXPECT_EQ(format_number(-0.0), "-0");
}

TEST(NumberFormat, NonFiniteValuesAreSpelledAsGoogleBenchmarkWritesThem) {
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(format_fixed(std::numeric_limits<double>::infinity(), 2), "Infinity");
  EXPECT_EQ(format_general(std::numeric_limits<double>::quiet_NaN(), 3), "NaN");
  EXPECT_EQ(format_percent(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(NumberFormat, FixedGeneralPercentAndIntegers) {
  EXPECT_EQ(format_fixed(12.5, 2), "12.50");
  EXPECT_EQ(format_fixed(1.7976931348623157e308, 0).size(), 309U);
  EXPECT_EQ(format_general(12.3456, 3), "12.3");
  EXPECT_EQ(format_general(1.5e-7, 3), "1.5e-07");
  EXPECT_EQ(format_percent(0.1234), "+12.3%");
  EXPECT_EQ(format_percent(-0.05), "-5.0%");
  EXPECT_EQ(format_percent(0.0), "+0.0%");
  EXPECT_EQ(format_percent(0.12345, 2), "+12.35%");
  EXPECT_EQ(format_integer(std::int64_t{-1234567}), "-1234567");
  EXPECT_EQ(format_integer(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
}

TEST(NumberFormat, RoundedDropsTrailingZerosAsAPersonWritesANumber) {
  EXPECT_EQ(format_rounded(15.0, 2), "15");
  EXPECT_EQ(format_rounded(2.5, 2), "2.5");
  EXPECT_EQ(format_rounded(0.25, 2), "0.25");
  EXPECT_EQ(format_rounded(0.07 * 100.0, 2), "7");  // 7.000000000000001: rounding noise goes
  EXPECT_EQ(format_rounded(12.3456, 2), "12.35");
  EXPECT_EQ(format_rounded(1200.0, 0), "1200");  // zeros before the point stay
  EXPECT_EQ(format_rounded(-0.5, 1), "-0.5");
  EXPECT_EQ(format_rounded(std::numeric_limits<double>::quiet_NaN(), 2), "NaN");
}

TEST(NumberFormat, IntegersOfEveryTypeWithoutAmbiguity) {
  EXPECT_EQ(format_integer(-3), "-3");
  EXPECT_EQ(format_integer(7U), "7");
  EXPECT_EQ(format_integer(std::size_t{42}), "42");
  EXPECT_EQ(format_integer(short{-12}), "-12");
  EXPECT_EQ(format_integer(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
}

TEST(NumberFormat, IgnoresTheGlobalLocale) {
  const std::locale previous =
      std::locale::global(std::locale(std::locale::classic(), new CommaNumpunct));
  EXPECT_EQ(format_number(1234567.5), "1234567.5");
  EXPECT_EQ(format_fixed(1234.5, 1), "1234.5");
  EXPECT_EQ(format_general(1234.5, 3), "1.23e+03");
  EXPECT_EQ(format_percent(12.345), "+1234.5%");
  EXPECT_EQ(format_integer(std::int64_t{1234567}), "1234567");
  EXPECT_EQ(format_rounded(1234.5, 2), "1234.5");
  EXPECT_EQ(format_integer(1234567), "1234567");
  std::locale::global(previous);
}

}  // namespace
}  // namespace perfgate
