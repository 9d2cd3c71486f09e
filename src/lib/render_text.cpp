// The terminal table: one row per decision, human units, a summary line. ANSI colour only when
// the caller asks for it (the CLI decides from the TTY and NO_COLOR).
#include <perfgate/render.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
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
  k_recent,
  k_verdict,
  k_note,
  k_column_count
};

constexpr std::array<std::string_view, k_column_count> k_headers{
    "benchmark", "metric", "stat",     "baseline", "candidate", "change",
    "CI",        "limit",  "headroom", "recent runs", "verdict",  "note"};

// Numbers read best right-aligned.
constexpr std::array<bool, k_column_count> k_right_aligned{false, false, false, true,  true, true,
                                                           true,  false, true,  false, false,
                                                           false};

// A very long benchmark name must not widen every other row: longer cells overflow their column.
constexpr std::array<std::size_t, k_column_count> k_max_width{60, 48, 8,  12, 12, 9,
                                                              18, 40, 10, 40, 8, 0};

using Row = std::array<std::string, k_column_count>;

// What a row shows instead of a long note its benchmark has already shown.
constexpr std::string_view k_note_said_above = "(same note as above)";

std::string value_or_dash(std::string text) {
  return text.empty() ? std::string(detail::k_no_value) : text;
}

std::string hex(unsigned value, int digits) {
  constexpr std::string_view k_digits = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4U) {
    out[static_cast<std::size_t>(i)] = k_digits[value & 0xFU];
  }
  return out;
}

// The code point of the UTF-8 sequence at text[at] and its length; length 0 when the bytes there
// are not UTF-8 (overlong forms and surrogates included).
std::pair<unsigned, std::size_t> decode_utf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned lead = byte(at);
  std::size_t length = 0;
  unsigned point = 0;
  unsigned minimum = 0;
  if (lead >= 0xC2U && lead <= 0xDFU) {
    length = 2;
    point = lead & 0x1FU;
    minimum = 0x80U;
  } else if (lead >= 0xE0U && lead <= 0xEFU) {
    length = 3;
    point = lead & 0x0FU;
    minimum = 0x800U;
  } else if (lead >= 0xF0U && lead <= 0xF4U) {
    length = 4;
    point = lead & 0x07U;
    minimum = 0x10000U;
  } else {
    return {0, 0};
  }
  if (at + length > text.size()) {
    return {0, 0};
  }
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0U) != 0x80U) {
      return {0, 0};
    }
    point = (point << 6U) | (byte(at + i) & 0x3FU);
  }
  if (point < minimum || point > 0x10FFFFU || (point >= 0xD800U && point <= 0xDFFFU)) {
    return {0, 0};
  }
  return {point, length};
}

// Characters that make a terminal or a log viewer do something other than show a character: C1
// controls (U+0080-U+009F; U+009B starts an escape sequence on some terminals) and the
// bidirectional controls that can make a line read differently from what it holds.
bool is_invisible_control(unsigned point) {
  return (point >= 0x80U && point <= 0x9FU) || point == 0x061CU || point == 0x200EU ||
         point == 0x200FU || (point >= 0x202AU && point <= 0x202EU) ||
         (point >= 0x2066U && point <= 0x2069U);
}

// Text from the inputs made safe for a terminal and a CI log: a benchmark name or a note can
// neither add a line of its own ("\n gate passed") nor drive the terminal. Line breaks and
// tabs become \n, \r and \t, other control bytes \xNN (ESC is \x1b), C1 and bidirectional
// controls \uNNNN, bytes that are not UTF-8 \xNN; everything else is kept as it is.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80U) {
      if (byte == '\n') {
        out += "\\n";
      } else if (byte == '\r') {
        out += "\\r";
      } else if (byte == '\t') {
        out += "\\t";
      } else if (byte < 0x20U || byte == 0x7FU) {
        out += "\\x" + hex(byte, 2);
      } else {
        out += text[i];
      }
      ++i;
      continue;
    }
    const auto [point, length] = decode_utf8(text, i);
    if (length == 0) {
      out += "\\x" + hex(byte, 2);
      ++i;
    } else if (is_invisible_control(point)) {
      out += "\\u" + hex(point, 4);
      i += length;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

// A confidence interval worth printing: both bounds finite and the lower above -100% (a change
// of -100% means the candidate took no time at all, so "[-100.0%, Infinity]" says only that
// the samples could not bound the change). Empty otherwise.
std::string meaningful_interval(const Decision& decision) {
  if (!decision.change_low || !decision.change_high || !std::isfinite(*decision.change_low) ||
      !std::isfinite(*decision.change_high) ||
      detail::format_percent(*decision.change_low) == "-100.0%" || *decision.change_low < -1.0) {
    return {};
  }
  return detail::format_interval(decision);
}

Row make_row(const Decision& decision) {
  Row row;
  row[k_benchmark] = printable(decision.benchmark);
  row[k_metric] = value_or_dash(printable(decision.metric));
  row[k_statistic] = decision.metric.empty() ? std::string(detail::k_no_value)
                                             : std::string(to_string(decision.statistic));
  row[k_baseline] = value_or_dash(detail::format_optional_human(decision.baseline, decision.unit));
  row[k_candidate] =
      value_or_dash(detail::format_optional_human(decision.candidate, decision.unit));
  row[k_change] =
      value_or_dash(decision.change ? detail::format_percent(*decision.change) : std::string());
  row[k_interval] = value_or_dash(meaningful_interval(decision));
  row[k_limit] = value_or_dash(printable(decision.limit_text));
  row[k_headroom] = value_or_dash(detail::format_headroom(decision));
  row[k_recent] = value_or_dash(detail::format_recent(decision));
  row[k_verdict] = std::string(to_string(decision.verdict));
  row[k_note] = printable(decision.note);  // one line per row, whatever the note holds
  return row;
}

// A diagnostic of the notes section with every field made printable.
std::string printable_diagnostic(Diagnostic diagnostic) {
  diagnostic.file = printable(diagnostic.file);
  diagnostic.pointer = printable(diagnostic.pointer);
  diagnostic.message = printable(diagnostic.message);
  diagnostic.hint = printable(diagnostic.hint);
  return format_diagnostic(diagnostic);
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
  const bool any_interval =
      std::any_of(result.decisions.begin(), result.decisions.end(),
                  [](const Decision& decision) { return !meaningful_interval(decision).empty(); });
  const bool any_recent = std::any_of(result.decisions.begin(), result.decisions.end(),
                                      [](const Decision& decision) { return decision.recent.has_value(); });

  std::string header = "perfgate";
  if (!options.tool_version.empty()) {
    header += ' ';
    header += options.tool_version;
  }
  header += ": policy \"" + printable(result.policy_name) + "\"";
  if (!result.baseline_source.empty()) {
    header += ", baseline " + printable(result.baseline_source);
  }
  if (!result.candidate_source.empty()) {
    header += ", candidate " + printable(result.candidate_source);
  }
  out << header << '\n';
  for (const detail::HeaderLine& line : detail::run_header(result.run)) {
    out << line.label << ": " << printable(line.value) << '\n';
  }
  out << '\n';

  if (!result.decisions.empty()) {
    // Two passes over the rows, each linear: measure, then write.
    std::vector<Row> rows;
    rows.reserve(result.decisions.size());
    std::array<std::size_t, k_column_count> widths{};
    for (std::size_t column = 0; column < k_column_count; ++column) {
      widths[column] = k_headers[column].size();
    }
    // A long note is printed once per benchmark: the benchmark's later rows with the same note
    // refer to it (the decisions of one benchmark are adjacent).
    std::set<std::string_view> notes_shown;
    for (std::size_t index = 0; index < result.decisions.size(); ++index) {
      const Decision& decision = result.decisions[index];
      if (index == 0 || decision.benchmark != result.decisions[index - 1].benchmark) {
        notes_shown.clear();
      }
      rows.push_back(make_row(decision));
      if (decision.note.size() > k_note_said_above.size() &&
          !notes_shown.insert(decision.note).second) {
        rows.back()[k_note] = std::string(k_note_said_above);
      }
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
        if ((column == k_interval && !any_interval) || (column == k_recent && !any_recent)) {
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
        if (column == k_verdict && decision != nullptr && options.color && !result.run.record) {
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
      const std::string text = printable_diagnostic(note);
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
    // A baseline record is an accepted change: bold, neither green nor red.
    const std::string_view colour = result.run.record        ? std::string_view("\x1b[1m")
                                    : detail::gate_passed(result) ? std::string_view("\x1b[1;32m")
                                                                  : std::string_view("\x1b[1;31m");
    out << colour << summary << detail::k_ansi_reset << '\n';
  } else {
    out << summary << '\n';
  }
}

}  // namespace perfgate
