// Markdown for a pull-request comment or a CI job summary (GitHub-flavoured tables): the verdict
// as a headline, the counts, a table of every decision that is not a plain pass, then every
// decision inside a collapsed <details>. Cells escape `|` and Markdown punctuation.
#include <algorithm>
#include <perfgate/render.hpp>
#include <string>

#include "render_support.hpp"

namespace perfgate {

namespace {

std::string_view verdict_mark(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "\xE2\x9C\x85";  // white heavy check mark
    case Verdict::improved:
      return "\xE2\x9C\xA8";  // sparkles
    case Verdict::warn:
      return "\xE2\x9A\xA0\xEF\xB8\x8F";  // warning sign
    case Verdict::noisy:
      return "\xE3\x80\xB0\xEF\xB8\x8F";  // wavy dash
    case Verdict::fail:
      return "\xE2\x9D\x8C";  // cross mark
    case Verdict::missing:
      return "\xE2\x9D\x93";  // question mark
    case Verdict::error:
      return "\xE2\x9B\x94";  // no entry
    case Verdict::new_benchmark:
      return "\xF0\x9F\x86\x95";  // squared new
    case Verdict::waived:
      return "\xF0\x9F\x92\xA4";  // zzz
  }
  return "";
}

std::string cell_or_dash(const std::string& text) {
  return text.empty() ? std::string(detail::k_no_value) : detail::markdown_cell(text);
}

class TableWriter {
 public:
  // `record`: a baseline record's before/after table, whose verdicts get no marks (no cross for
  // an accepted change).
  TableWriter(std::string& out, bool with_interval, bool with_recent, bool record)
      : m_out(out), m_with_interval(with_interval), m_with_recent(with_recent), m_record(record) {}

  void header() {
    m_out += "| verdict | benchmark | metric | stat | baseline | candidate | change |";
    if (m_with_interval) {
      m_out += " CI |";
    }
    m_out += " limit | headroom |";
    if (m_with_recent) {
      m_out += " recent runs |";
    }
    m_out += " note |\n";
    m_out += "| --- | --- | --- | --- | ---: | ---: | ---: |";
    if (m_with_interval) {
      m_out += " ---: |";
    }
    m_out += " --- | ---: |";
    if (m_with_recent) {
      m_out += " --- |";
    }
    m_out += " --- |\n";
  }

  void row(const Decision& decision) {
    m_out += "| ";
    if (!m_record) {
      m_out += verdict_mark(decision.verdict);
      m_out += ' ';
    }
    m_out += detail::markdown_cell(to_string(decision.verdict));
    cell(detail::markdown_cell(decision.benchmark));
    cell(cell_or_dash(decision.metric));
    cell(decision.metric.empty() ? std::string(detail::k_no_value)
                                 : std::string(to_string(decision.statistic)));
    cell(cell_or_dash(detail::format_optional_human(decision.baseline, decision.unit)));
    cell(cell_or_dash(detail::format_optional_human(decision.candidate, decision.unit)));
    cell(decision.change ? detail::format_percent(*decision.change)
                         : std::string(detail::k_no_value));
    if (m_with_interval) {
      cell(cell_or_dash(detail::format_interval(decision)));
    }
    cell(cell_or_dash(decision.limit_text));
    cell(cell_or_dash(detail::format_headroom(decision)));
    if (m_with_recent) {
      cell(cell_or_dash(detail::format_recent(decision)));
    }
    cell(detail::markdown_cell(decision.note));
    m_out += " |\n";
  }

 private:
  void cell(const std::string& text) {
    m_out += " | ";
    m_out += text;
  }

  std::string& m_out;
  bool m_with_interval;
  bool m_with_recent;
  bool m_record;
};

// The headline's mark: a check mark only for a gate that checked everything it gates; a memo
// for a baseline record, which is an accepted change, not a verdict.
const char* headline_mark(const GateResult& result) {
  if (result.run.record) {
    return "\xF0\x9F\x93\x9D";  // memo
  }
  const GateStatus gate = status(result);
  if (gate == GateStatus::passed && result.accepted_inconclusive() == 0) {
    return "\xE2\x9C\x85";  // check mark
  }
  if (gate == GateStatus::passed || gate == GateStatus::inconclusive) {
    return "\xE2\x9A\xA0\xEF\xB8\x8F";  // warning sign
  }
  return "\xE2\x9D\x8C";  // cross mark
}

// The headline, the counts and the header list: policy, sources (paths relative to the roots),
// tool version, then what the caller said about the run.
void write_header(std::string& text, const GateResult& result, const RenderOptions& options) {
  text += std::string("## ") + headline_mark(result) + " perfgate: " +
          detail::format_headline(result) + "\n\n";
  text += "**" + detail::markdown_cell(detail::format_counts(result)) + "**";
  text += " (exit code " + detail::format_integer(detail::report_exit_code(result)) + ")\n\n";
  text += "- policy: " + cell_or_dash(result.policy_name) + "\n";
  text += "- baseline: " +
          cell_or_dash(display_path(result.baseline_source, options.path_roots)) + "\n";
  text += "- candidate: " +
          cell_or_dash(display_path(result.candidate_source, options.path_roots)) + "\n";
  for (const detail::HeaderLine& line : detail::run_header(result.run)) {
    text += "- " + std::string(line.label) + ": " + detail::markdown_cell(line.value) + "\n";
  }
  if (!options.tool_version.empty()) {
    text += "- perfgate " + detail::markdown_cell(options.tool_version) + "\n";
  }
  text += '\n';
}

}  // namespace

void render_markdown(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  std::string text;
  text.reserve(1024 + result.decisions.size() * 400);
  write_header(text, result, options);

  const bool with_interval = std::any_of(
      result.decisions.begin(), result.decisions.end(),
      [](const Decision& decision) { return decision.change_low && decision.change_high; });
  const bool with_recent =
      std::any_of(result.decisions.begin(), result.decisions.end(),
                  [](const Decision& decision) { return decision.recent.has_value(); });
  TableWriter table(text, with_interval, with_recent, result.run.record);

  const auto attention_count = static_cast<std::size_t>(
      std::count_if(result.decisions.begin(), result.decisions.end(),
                    [](const Decision& decision) { return decision.verdict != Verdict::pass; }));
  if (attention_count > 0) {
    text += result.run.record ? "### Accepted changes (" : "### Needs attention (";
    text += detail::format_integer(attention_count) + ")\n\n";
    table.header();
    for (const Decision& decision : result.decisions) {
      if (decision.verdict != Verdict::pass) {
        table.row(decision);
      }
    }
    text += '\n';
  } else if (!result.decisions.empty()) {
    text += "Every decision passed.\n\n";
  } else {
    text += "No decisions were made.\n\n";
  }

  if (!result.decisions.empty()) {
    text += "<details>\n<summary>All decisions (" +
            detail::format_integer(result.decisions.size()) + ")</summary>\n\n";
    table.header();
    for (const Decision& decision : result.decisions) {
      table.row(decision);
    }
    text += "\n</details>\n\n";
  }

  if (!result.notes.empty()) {
    text += "### Notes\n\n";
    for (const Diagnostic& note : result.notes) {
      // One list item per note: "file:line: severity: message (hint: ...)".
      std::string line =
          format_diagnostic(Diagnostic{note.severity, display_path(note.file, options.path_roots),
                                       note.line, note.pointer, note.message, {}});
      while (!line.empty() && line.back() == '\n') {
        line.pop_back();
      }
      if (!note.hint.empty()) {
        line += " (hint: " + note.hint + ")";
      }
      text += "- " + detail::markdown_cell(line) + "\n";
    }
    text += '\n';
  }

  // One newline at the end, none doubled.
  while (text.size() > 1 && text[text.size() - 1] == '\n' && text[text.size() - 2] == '\n') {
    text.pop_back();
  }
  out << text;
}

}  // namespace perfgate
