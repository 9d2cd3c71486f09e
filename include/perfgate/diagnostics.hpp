// Diagnostics: what went wrong with an input, where, and what was expected.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace perfgate {

enum class Severity { error, warning, note };

// One problem found in one input. Printed in ccache's `path:line: severity: ...` form.
struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;                 // the input's display name (path as the user gave it)
  std::optional<std::size_t> line;  // 1-based, when known
  std::string pointer;              // JSON pointer into the input ("/benchmarks/3/real_time"), may be empty
  std::string message;              // what is wrong and what was expected
  std::string hint;                 // how to fix it, may be empty
};

// All problems found in one input, capped so a broken file cannot flood the terminal.
class Diagnostics {
 public:
  static constexpr std::size_t k_default_cap = 20;

  Diagnostics() = default;
  // Not a constructor: Result<T> must never mistake a number for a list of diagnostics.
  static Diagnostics with_cap(std::size_t cap) {
    Diagnostics diagnostics;
    diagnostics.m_cap = cap;
    return diagnostics;
  }

  void add(Diagnostic diagnostic);
  void error(std::string file, std::string pointer, std::string message, std::string hint = {});
  void append(const Diagnostics& other);

  [[nodiscard]] bool has_errors() const { return m_error_count > 0; }
  [[nodiscard]] bool empty() const { return m_items.empty() && m_dropped == 0; }
  [[nodiscard]] std::size_t error_count() const { return m_error_count; }
  [[nodiscard]] std::size_t dropped() const { return m_dropped; }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return m_items; }

 private:
  std::size_t m_cap = k_default_cap;
  std::size_t m_error_count = 0;
  std::size_t m_dropped = 0;
  std::vector<Diagnostic> m_items;
};

std::string_view to_string(Severity severity);  // "error", "warning", "note"

// "file:line: error: /pointer: message\n  hint: ...\n"
std::string format_diagnostic(const Diagnostic& diagnostic);
// Every diagnostic, then "... and N more problems" when the cap dropped some.
std::string format_diagnostics(const Diagnostics& diagnostics);

}  // namespace perfgate
