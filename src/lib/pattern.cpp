// Benchmark-name patterns through RE2 (include/perfgate/pattern.hpp). The only RE2 user.
#include <perfgate/pattern.hpp>

#include <re2/re2.h>

#include <utility>

namespace perfgate {

class NamePattern::Compiled {
 public:
  explicit Compiled(std::string_view pattern) : m_re2(as_piece(pattern), options()) {}

  [[nodiscard]] const re2::RE2& re2() const { return m_re2; }

  static re2::StringPiece as_piece(std::string_view text) {
    return re2::StringPiece(text.data(), text.size());
  }

 private:
  static re2::RE2::Options options() {
    re2::RE2::Options options;
    options.set_log_errors(false);   // the error goes into a diagnostic, not to stderr
    options.set_never_capture(true);  // groups only group: nothing is extracted
    return options;
  }

  re2::RE2 m_re2;
};

NamePattern::NamePattern(std::shared_ptr<const Compiled> compiled, std::string pattern)
    : m_compiled(std::move(compiled)), m_pattern(std::move(pattern)) {}

Result<NamePattern> NamePattern::compile(std::string_view pattern) {
  auto compiled = std::make_shared<const Compiled>(pattern);
  if (!compiled->re2().ok()) {
    Diagnostics diagnostics;
    diagnostics.error("", "",
                      "invalid regular expression \"" + std::string(pattern) +
                          "\": " + compiled->re2().error(),
                      "RE2 syntax (docs/policy.md): Perl's without backreferences or lookaround, "
                      "matched against the whole benchmark name, e.g. \"BM_sort/.*\"");
    return diagnostics;
  }
  return NamePattern(std::move(compiled), std::string(pattern));
}

bool NamePattern::full_match(std::string_view name) const {
  return re2::RE2::FullMatch(Compiled::as_piece(name), m_compiled->re2());
}

}  // namespace perfgate
