// perfgate changes FILE.csv [--column NAME]... [--format json|text]: the change points and creeps
// of any series (one row per run: an id column, then value columns), e.g. exported from CDash.
#include <perfgate/changes.hpp>
#include <perfgate/io.hpp>

#include "commands.hpp"
#include "exit_code.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace perfgate::cli {

namespace {

struct ChangesOptions {
  std::string file;
  std::vector<std::string> columns;  // empty: every value column
  std::string format = "text";
  ChangeOptions detector;
};

int changes(const ChangesOptions& options) {
  if (options.format != "text" && options.format != "json") {
    std::cerr << "perfgate: error: --format: \"" << options.format
              << "\" is not a format of perfgate changes (json, text)\n";
    return k_exit_invalid_input;
  }
  auto text = read_text_file(options.file);
  if (!text) {
    std::cerr << format_diagnostics(text.error());
    return k_exit_invalid_input;
  }
  auto table = parse_series_csv(*text, options.file);
  if (!table) {
    std::cerr << format_diagnostics(table.error());
    return k_exit_invalid_input;
  }
  std::vector<const NamedSeries*> chosen;
  if (options.columns.empty()) {
    for (const NamedSeries& column : table->columns) {
      chosen.push_back(&column);
    }
  }
  bool ok = true;
  for (const std::string& name : options.columns) {
    const NamedSeries* found = nullptr;
    for (const NamedSeries& column : table->columns) {
      found = column.name == name ? &column : found;
    }
    if (found == nullptr) {
      std::cerr << options.file << ": error: --column: no column \"" << name << "\"\n";
      if (const auto match = closest_column(*table, name)) {
        std::cerr << "  hint: did you mean \"" << *match << "\"?\n";
      }
      ok = false;
      continue;
    }
    chosen.push_back(found);
  }
  if (!ok) {
    return k_exit_invalid_input;
  }
  std::vector<SeriesReport> reports;
  for (const NamedSeries* column : chosen) {
    SeriesReport report;
    report.name = column->name;
    report.ids = table->ids;
    report.values = column->values;
    report.changes = find_changes_in_rows(column->values, options.detector);
    reports.push_back(std::move(report));
  }
  if (options.format == "json") {
    render_changes_json(reports, std::cout);
  } else {
    render_changes_text(reports, std::cout);
  }
  std::cout.flush();
  return std::cout ? k_exit_passed : k_exit_run_failed;
}

}  // namespace

Command setup_changes(CLI::App& parent) {
  auto options = std::make_shared<ChangesOptions>();
  CLI::App* app = parent.add_subcommand(
      "changes",
      "Find the change points and creeps of series in a CSV file (one row per run: an id "
      "column, then value columns); exit 0 whether or not there are any");
  app->add_option("file", options->file, "The CSV file (RFC 4180, a header row)")->required();
  app->add_option("--column", options->columns,
                  "A value column to analyse (repeatable; default: every value column)");
  app->add_option("--format", options->format, "What to print: text (default) or json");
  app->add_option("--max-p", options->detector.max_p,
                  "Significance a change point needs (default 0.001)")
      ->check(CLI::Range(0.0, 1.0));
  app->add_option("--window", options->detector.window,
                  "Points on each side a split is tested against (default 50)")
      ->check(CLI::Range(2, 100000));
  app->add_option("--min-segment", options->detector.min_segment,
                  "Fewest points on each side of a change point (default 3)")
      ->check(CLI::Range(1, 100000));
  return {app, [options] { return changes(*options); }};
}

}  // namespace perfgate::cli
