// The reader of `perfgate changes`: a series table as CSV (RFC 4180). A header row names the
// columns; the first column is the id of the run, every other one a series of numbers. An empty
// cell is a gap (NaN), skipped by the analysis without renumbering the rows.
#include <perfgate/changes.hpp>
#include <perfgate/number_format.hpp>

#include "json_support.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace perfgate {

namespace {

struct Record {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Splits `text` into records; false after a diagnostic on an unterminated quoted field.
bool split_records(std::string_view text, const std::string& source, std::vector<Record>& records,
                   Diagnostics& diagnostics) {
  std::size_t line = 1;
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    i = 3;  // a UTF-8 byte-order mark, as spreadsheets write it
  }
  while (i < text.size()) {
    Record record;
    record.line = line;
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i < text.size() && text[i] == '"') {
        const std::size_t opened = line;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (text[i] == '\n') {
            ++line;
          }
          field += text[i++];
        }
        if (!closed) {
          Diagnostic diagnostic;
          diagnostic.file = source;
          diagnostic.line = opened;
          diagnostic.message = "a quoted field is not closed";
          diagnostic.hint = "a '\"' inside a quoted field is written twice (RFC 4180)";
          diagnostics.add(std::move(diagnostic));
          return false;
        }
      }
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        field += text[i++];
      }
      record.fields.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') {
        ++i;
      }
      if (i < text.size() && text[i] == '\n') {
        ++i;
        ++line;
      }
      end_of_record = true;
    }
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) {
      records.push_back(std::move(record));
    }
  }
  return true;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// A finite number, or NaN for an empty cell; nullopt when the cell is not a number.
std::optional<double> read_cell(std::string_view cell) {
  cell = trimmed(cell);
  if (cell.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (cell.front() == '+') {
    cell.remove_prefix(1);
  }
  double value = 0.0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

void add_error(Diagnostics& diagnostics, const std::string& source, std::size_t line,
               std::string message, std::string hint = {}) {
  Diagnostic diagnostic;
  diagnostic.file = source;
  diagnostic.line = line;
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  diagnostics.add(std::move(diagnostic));
}

}  // namespace

Result<SeriesTable> parse_series_csv(std::string_view text, const std::string& source) {
  Diagnostics diagnostics;
  std::vector<Record> records;
  if (!split_records(text, source, records, diagnostics)) {
    return diagnostics;
  }
  if (records.empty()) {
    diagnostics.error(source, "", "the file is empty",
                      "a header row (the id column, then the value columns) comes first");
    return diagnostics;
  }
  const Record& header = records.front();
  if (header.fields.size() < 2) {
    add_error(diagnostics, source, header.line, "the header names no value column",
              "one row per run: an id column first, then one column per series");
    return diagnostics;
  }
  SeriesTable table;
  table.source = source;
  table.id_column = std::string(trimmed(header.fields[0]));
  std::set<std::string> names;
  for (std::size_t c = 1; c < header.fields.size(); ++c) {
    const std::string name(trimmed(header.fields[c]));
    if (name.empty()) {
      add_error(diagnostics, source, header.line,
                "column " + format_integer(c + 1) + " has no name in the header");
    } else if (!names.insert(name).second) {
      add_error(diagnostics, source, header.line, "column \"" + name + "\" appears twice");
    }
    table.columns.push_back(NamedSeries{name, {}});
  }
  if (records.size() == 1) {
    add_error(diagnostics, source, header.line, "the file has a header but no rows");
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& record = records[r];
    const std::string row = "row " + format_integer(r);
    if (record.fields.size() != header.fields.size()) {
      add_error(diagnostics, source, record.line,
                row + ": " + format_integer(record.fields.size()) + " fields, the header has " +
                    format_integer(header.fields.size()));
      continue;
    }
    table.ids.emplace_back(trimmed(record.fields[0]));
    for (std::size_t c = 1; c < record.fields.size(); ++c) {
      const auto value = read_cell(record.fields[c]);
      if (!value) {
        add_error(diagnostics, source, record.line,
                  row + " (" + table.ids.back() + "), column \"" + table.columns[c - 1].name +
                      "\": expected a number, got \"" + record.fields[c] + "\"",
                  "an empty cell is a gap; numbers are written with a '.' decimal point");
        continue;
      }
      table.columns[c - 1].values.push_back(*value);
    }
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  return table;
}

std::optional<std::string> closest_column(const SeriesTable& table, std::string_view name) {
  std::vector<std::string_view> names;
  for (const NamedSeries& column : table.columns) {
    names.push_back(column.name);
  }
  return detail::closest_match(name, names);
}

}  // namespace perfgate
