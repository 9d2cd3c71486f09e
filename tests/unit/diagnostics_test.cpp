#include <perfgate/diagnostics.hpp>

#include <gtest/gtest.h>

namespace perfgate {
namespace {

TEST(Diagnostics, FormatsPathLinePointerMessageAndHint) {
  Diagnostic d{Severity::error, "baselines/x86_64/bm.json", 12, "/benchmarks/3/real_time",
               "expected a number, got string \"fast\"", "write the time as a number"};
  EXPECT_EQ(format_diagnostic(d),
            "baselines/x86_64/bm.json:12: error: /benchmarks/3/real_time: expected a number, "
            "got string \"fast\"\n  hint: write the time as a number\n");
}

TEST(Diagnostics, CapsTheListButCountsEveryError) {
  auto diagnostics = Diagnostics::with_cap(2);
  for (int i = 0; i < 5; ++i) {
    diagnostics.error("f.json", "/x", "bad " + std::to_string(i));
  }
  EXPECT_EQ(diagnostics.items().size(), 2U);
  EXPECT_EQ(diagnostics.error_count(), 5U);
  EXPECT_EQ(diagnostics.dropped(), 3U);
  EXPECT_EQ(format_diagnostics(diagnostics),
            "f.json: error: /x: bad 0\nf.json: error: /x: bad 1\n"
            "... and 3 more problem(s) not shown\n");
}

}  // namespace
}  // namespace perfgate
