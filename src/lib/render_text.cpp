// The terminal table: one row per decision, human units, a summary line. ANSI colour only when
// the caller asks for it (the CLI decides from the TTY and NO_COLOR).
#include <algorithm>
#include <array>
#include <cstddef>
#include <perfgate/render.hpp>
#include <string>
#include <vector>

#include "render_support.hpp"

namespace perfgate {

namespace {

enum Column : std::size_t {
  k_benchmark,
  k_metric,
  k_statistic,
  k_baseline,
  k_candidate,
  k_change,
  k_interval,
  k_limit,
  k_headroom,
  k_verdict,
  k_note,
  k_column_count
};

constexpr std::array<std::string_view, k_column_count> k_headers{
    "benchmark", "metric", "stat",     "baseline", "candidate", "change",
    "CI",        "limit",  "headroom", "verdict",  "note"};

// Numbers read best right-aligned.
constexpr std::array<bool, k_column_count> k_right_aligned{false, false, false, true,  true, true,
                                                           true,  false, true,  false, false};

// A very long benchmark name must not widen every other row: longer cells overflow their column.
constexpr std::array<std::size_t, k_column_count> k_max_width{60, 32, 8,  12, 12, 9,
                                                              18, 16, 10, 8,  0};

using Row = std::array<std::string, k_column_count>;

std::string value_or_dash(std::string text) {
  return text.empty() ? std::string(detail::k_no_value) : text;
}

Row make_row(const Decision& decision) {
  Row row;
  row[k_benchmark] = decision.benchmark;
  row[k_metric] = value_or_dash(decision.metric);
  row[k_statistic] = decision.metric.empty() ? std::string(detail::k_no_value)
                                             : std::string(to_string(decision.statistic));
  row[k_baseline] = value_or_dash(detail::format_optional_human(decision.baseline, decision.unit));
  row[k_candidate] =
      value_or_dash(detail::format_optional_human(decision.candidate, decision.unit));
  row[k_change] =
      value_or_dash(decision.change ? detail::format_percent(*decision.change) : std::string());
  row[k_interval] = value_or_dash(detail::format_interval(decision));
  row[k_limit] = value_or_dash(decision.limit_text);
  row[k_headroom] = value_or_dash(detail::format_headroom(decision));
  row[k_verdict] = std::string(to_string(decision.verdict));
  row[k_note] = decision.note;
  // One line per row: a note with line breaks would break the table.
  std::replace(row[k_note].begin(), row[k_note].end(), '\n', ' ');
  return row;
}

// Display width of UTF-8 text: code points, not bytes (benchmark names are mostly ASCII; this
// keeps a "µ" or an accented name from shifting the columns).
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++width;
    }
  }
  return width;
}

void append_padded(std::string& line, std::string_view cell, std::size_t width, bool right) {
  const std::size_t cell_width = display_width(cell);
  const std::size_t padding = cell_width < width ? width - cell_width : 0;
  if (right) {
    line.append(padding, ' ');
  }
  line += cell;
  if (!right) {
    line.append(padding, ' ');
  }
}

}  // namespace

void render_text(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  const bool any_interval = std::any_of(
      result.decisions.begin(), result.decisions.end(),
      [](const Decision& decision) { return decision.change_low && decision.change_high; });

  std::string header = "perfgate";
  if (!options.tool_version.empty()) {
    header += ' ';
    header += options.tool_version;
  }
  header += ": policy \"" + result.policy_name + "\"";
  if (!result.baseline_source.empty()) {
    header += ", baseline " + result.baseline_source;
  }
  if (!result.candidate_source.empty()) {
    header += ", candidate " + result.candidate_source;
  }
  out << header << "\n\n";

  if (!result.decisions.empty()) {
    // Two passes over the rows, each linear: measure, then write.
    std::vector<Row> rows;
    rows.reserve(result.decisions.size());
    std::array<std::size_t, k_column_count> widths{};
    for (std::size_t column = 0; column < k_column_count; ++column) {
      widths[column] = k_headers[column].size();
    }
    for (const Decision& decision : result.decisions) {
      rows.push_back(make_row(decision));
      for (std::size_t column = 0; column < k_column_count; ++column) {
        widths[column] = std::max(widths[column], display_width(rows.back()[column]));
      }
    }
    for (std::size_t column = 0; column < k_column_count; ++column) {
      if (k_max_width[column] != 0) {
        widths[column] =
            std::min(widths[column], std::max(k_max_width[column], k_headers[column].size()));
      }
    }

    const auto write_row = [&](const auto& cells, const Decision* decision) {
      std::string line;
      for (std::size_t column = 0; column < k_column_count; ++column) {
        if (column == k_interval && !any_interval) {
          continue;
        }
        const bool last = column == k_note;
        if (column != 0) {
          line += "  ";
        }
        const std::string_view cell = cells[column];
        if (last) {
          line += cell;
          break;
        }
        if (column == k_verdict && decision != nullptr && options.color) {
          line += detail::ansi_colour(decision->verdict);
          append_padded(line, cell, widths[column], false);
          line += detail::k_ansi_reset;
          continue;
        }
        append_padded(line, cell, widths[column], k_right_aligned[column]);
      }
      // No trailing blanks when the note is empty.
      while (!line.empty() && line.back() == ' ') {
        line.pop_back();
      }
      line += '\n';
      out << line;
    };

    write_row(k_headers, nullptr);
    for (std::size_t index = 0; index < rows.size(); ++index) {
      write_row(rows[index], &result.decisions[index]);
    }
    out << '\n';
  }

  if (!result.notes.empty()) {
    out << "notes:\n";
    for (const Diagnostic& note : result.notes) {
      // Indented under "notes:", hint lines included.
      const std::string text = format_diagnostic(note);
      std::string indented = "  ";
      for (std::size_t index = 0; index < text.size(); ++index) {
        indented += text[index];
        if (text[index] == '\n' && index + 1 < text.size()) {
          indented += "  ";
        }
      }
      out << indented;
    }
    out << '\n';
  }

  const std::string summary = detail::format_summary(result);
  if (options.color) {
    const std::string_view colour = detail::gate_passed(result) ? std::string_view("\x1b[1;32m")
                                                                : std::string_view("\x1b[1;31m");
    out << colour << summary << detail::k_ansi_reset << '\n';
  } else {
    out << summary << '\n';
  }
}

}  // namespace perfgate
