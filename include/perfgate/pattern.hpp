// Benchmark-name patterns: the regular expressions users write (a policy rule's "benchmarks",
// `perfgate compare --benchmarks`), matched against whole benchmark names by RE2 in time linear in
// the name's length. No name or pattern can make matching slow or overflow the stack (std::regex
// recursed once per character and crashed on a 30 000-character name). RE2's syntax is Perl's
// without backreferences and lookaround (docs/policy.md). No RE2 type appears here.
#pragma once

#include <perfgate/result.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace perfgate {

class NamePattern {
 public:
  // A pattern in RE2 syntax, or one diagnostic saying why it is not one (RE2's reason, with a
  // hint on the syntax). The diagnostic names no file: callers fill in file and pointer.
  static Result<NamePattern> compile(std::string_view pattern);

  // True when the whole of `name` matches: the pattern is anchored at both ends, as if written
  // ^(?:pattern)$.
  [[nodiscard]] bool full_match(std::string_view name) const;

  [[nodiscard]] const std::string& pattern() const { return m_pattern; }

 private:
  class Compiled;
  NamePattern(std::shared_ptr<const Compiled> compiled, std::string pattern);

  std::shared_ptr<const Compiled> m_compiled;  // immutable, so copies share it
  std::string m_pattern;
};

}  // namespace perfgate
