#include <perfgate/diagnostics.hpp>
#include <perfgate/result.hpp>

#include <stdexcept>
#include <utility>

namespace perfgate {

void Diagnostics::add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::error) {
    ++m_error_count;
  }
  if (m_items.size() >= m_cap) {
    ++m_dropped;
    return;
  }
  m_items.push_back(std::move(diagnostic));
}

void Diagnostics::error(std::string file, std::string pointer, std::string message,
                        std::string hint) {
  add(Diagnostic{Severity::error, std::move(file), std::nullopt, std::move(pointer),
                 std::move(message), std::move(hint)});
}

void Diagnostics::append(const Diagnostics& other) {
  for (const auto& item : other.m_items) {
    add(item);
  }
  m_dropped += other.m_dropped;
  // Errors the other list dropped still count as errors here.
  const std::size_t shown_errors = [&] {
    std::size_t n = 0;
    for (const auto& item : other.m_items) {
      n += item.severity == Severity::error ? 1U : 0U;
    }
    return n;
  }();
  m_error_count += other.m_error_count - shown_errors;
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string out = diagnostic.file.empty() ? std::string("perfgate") : diagnostic.file;
  if (diagnostic.line) {
    out += ':';
    out += std::to_string(*diagnostic.line);
  }
  out += ": ";
  out += to_string(diagnostic.severity);
  out += ": ";
  if (!diagnostic.pointer.empty()) {
    out += diagnostic.pointer;
    out += ": ";
  }
  out += diagnostic.message;
  out += '\n';
  if (!diagnostic.hint.empty()) {
    out += "  hint: ";
    out += diagnostic.hint;
    out += '\n';
  }
  return out;
}

std::string format_diagnostics(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& item : diagnostics.items()) {
    out += format_diagnostic(item);
  }
  if (diagnostics.dropped() > 0) {
    out += "... and " + std::to_string(diagnostics.dropped()) + " more problem(s) not shown\n";
  }
  return out;
}

void throw_exception_from_error(const Diagnostics& diagnostics,
                                const boost::source_location& /*location*/) {
  throw std::logic_error("Result accessed without a value:\n" + format_diagnostics(diagnostics));
}

}  // namespace perfgate
