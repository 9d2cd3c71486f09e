// Tests of benchmark-name patterns (RE2): pattern and name in, match or diagnostic out.
#include <perfgate/pattern.hpp>

#include <gtest/gtest.h>

#include <string>

namespace perfgate {
namespace {

bool matches(const std::string& pattern, const std::string& name) {
  const auto compiled = NamePattern::compile(pattern);
  if (!compiled) {
    ADD_FAILURE() << format_diagnostics(compiled.error());
    return false;
  }
  return compiled->full_match(name);
}

std::string error_of(const std::string& pattern) {
  const auto compiled = NamePattern::compile(pattern);
  return compiled ? "(no error)" : format_diagnostics(compiled.error());
}

TEST(NamePattern, MatchesTheWholeName) {
  EXPECT_TRUE(matches("BM_sort.*", "BM_sort/1024"));
  EXPECT_FALSE(matches("BM_sort", "BM_sort/1024"));
  EXPECT_FALSE(matches("sort.*", "BM_sort/1024"));
  EXPECT_TRUE(matches(".*", ""));
  // Alternatives are anchored as a whole, not only the first and the last one.
  EXPECT_TRUE(matches("BM_a|BM_b", "BM_b"));
  EXPECT_FALSE(matches("BM_a|BM_b", "BM_bc"));
  EXPECT_FALSE(matches("BM_a|BM_b", "xBM_a"));
  // Explicit anchors, as the CMake module writes them, are allowed.
  EXPECT_TRUE(matches("^(BM_Copy\\/1000|BM_Fill)(/.*)?$", "BM_Copy/1000"));
  EXPECT_TRUE(matches("BM_decode_value/\"covid\"", "BM_decode_value/\"covid\""));
  EXPECT_TRUE(matches("BM_x/[0-9]+/threads:\\d+", "BM_x/64/threads:8"));
  EXPECT_TRUE(matches("BM_µs/.*", "BM_µs/8"));
}

TEST(NamePattern, CopiesShareTheCompiledPattern) {
  const auto compiled = NamePattern::compile("BM_.*");
  ASSERT_TRUE(compiled);
  const NamePattern copy = *compiled;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.pattern(), "BM_.*");
  EXPECT_TRUE(copy.full_match("BM_x"));
}

TEST(NamePattern, InvalidPatternSaysWhyAndHowToWriteOne) {
  EXPECT_EQ(error_of("BM_["),
            "perfgate: error: invalid regular expression \"BM_[\": missing ]: [\n"
            "  hint: RE2 syntax (docs/policy.md): Perl's without backreferences or lookaround, "
            "matched against the whole benchmark name, e.g. \"BM_sort/.*\"\n");
}

TEST(NamePattern, BackreferencesAndLookaroundAreRejected) {
  EXPECT_EQ(error_of("(BM_a)\\1"),
            "perfgate: error: invalid regular expression \"(BM_a)\\1\": invalid escape sequence: "
            "\\1\n"
            "  hint: RE2 syntax (docs/policy.md): Perl's without backreferences or lookaround, "
            "matched against the whole benchmark name, e.g. \"BM_sort/.*\"\n");
  EXPECT_EQ(error_of("(?!BM_slow).*"),
            "perfgate: error: invalid regular expression \"(?!BM_slow).*\": invalid perl "
            "operator: (?!\n"
            "  hint: RE2 syntax (docs/policy.md): Perl's without backreferences or lookaround, "
            "matched against the whole benchmark name, e.g. \"BM_sort/.*\"\n");
}

TEST(NamePattern, ThirtyThousandCharacterNameWithANonTrivialPattern) {
  // std::regex recursed once per character here and overflowed the stack.
  std::string name = "BM_parse/";
  while (name.size() < 30000) {
    name += "ab";
  }
  EXPECT_TRUE(matches("BM_parse/(ab)+", name));
  EXPECT_TRUE(matches("BM_(parse|print)/(a|b)*", name));
  EXPECT_TRUE(matches(".*b", name));
  EXPECT_FALSE(matches("BM_parse/(ab)+c", name));
  EXPECT_FALSE(matches("(.*a){20}x", name));
}

}  // namespace
}  // namespace perfgate
