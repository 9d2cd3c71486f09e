// perfgate history list|export|import|merge: the local history store (docs/history.md).
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/history_store.hpp>
#include <perfgate/io.hpp>
#include <perfgate/number_format.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace perfgate::cli {

namespace {

namespace fs = std::filesystem;

struct HistoryOptions {
  std::string store;
  std::string suite;
  std::string benchmark;
  std::string metric;
  std::string lane;
  std::size_t last = 0;
  std::string format = "csv";
  std::string out;
  std::vector<std::string> inputs;  // import: exports or artifact folders; merge: stores
};

std::string store_path(const HistoryOptions& options) {
  return history_store_path(options.store);
}

HistoryQuery make_query(const HistoryOptions& options) {
  HistoryQuery query;
  if (!options.suite.empty()) {
    query.suite = options.suite;
  }
  if (!options.benchmark.empty()) {
    query.benchmark_regex = options.benchmark;
  }
  if (!options.metric.empty()) {
    query.metric = options.metric;
  }
  if (!options.lane.empty()) {
    query.lane = options.lane;
  }
  query.last_runs = options.last;
  return query;
}

std::optional<std::vector<HistoryEntry>> read_store(const HistoryOptions& options) {
  auto store = HistoryStore::open(store_path(options), false);
  if (!store) {
    std::cerr << format_diagnostics(store.error());
    return std::nullopt;
  }
  auto entries = store->query(make_query(options));
  if (!entries) {
    std::cerr << format_diagnostics(entries.error());
    return std::nullopt;
  }
  return std::move(*entries);
}

// One line per series: its key, how many runs, the first and last run, the last value and verdict.
int list(const HistoryOptions& options) {
  const auto entries = read_store(options);
  if (!entries) {
    return k_exit_invalid_input;
  }
  struct Line {
    std::size_t runs = 0;
    const HistoryEntry* first = nullptr;
    const HistoryEntry* last = nullptr;
  };
  std::map<SeriesKey, Line> lines;
  std::set<std::string> runs;
  for (const HistoryEntry& entry : *entries) {
    Line& line = lines[series_key(entry)];
    ++line.runs;
    line.first = line.first == nullptr ? &entry : line.first;
    line.last = &entry;
    runs.insert(entry.run_id);
  }
  std::cout << store_path(options) << ": " << lines.size() << " series, " << runs.size()
            << " gate test runs, " << entries->size() << " entries\n";
  for (const auto& [key, line] : lines) {
    const HistoryEntry& last = *line.last;
    std::cout << "  " << to_string(key) << ": " << line.runs << " runs, " << line.first->started_at
              << " .. " << last.started_at << ", last "
              << (last.value ? format_general(*last.value, 4) : std::string("-")) << ' ' << last.unit
              << " (" << last.verdict << (last.commit.empty() ? "" : ", " + last.commit.substr(0, 12))
              << ")\n";
  }
  return k_exit_passed;
}

int export_entries(const HistoryOptions& options) {
  const auto entries = read_store(options);
  if (!entries) {
    return k_exit_invalid_input;
  }
  std::ostringstream text;
  if (options.format == "json") {
    render_history_json(*entries, text);
  } else {
    render_history_csv(*entries, text);
  }
  if (options.out.empty() || options.out == "-") {
    std::cout << text.str();
    return k_exit_passed;
  }
  return write_output(options.out, text.str()) ? k_exit_passed : k_exit_invalid_input;
}

// The exports to import: a file as given, a folder searched for history.json (what each gate
// test leaves in its artifact folder).
bool collect_exports(const std::string& input, std::vector<std::string>& files) {
  std::error_code ec;
  if (fs::is_regular_file(input, ec)) {
    files.push_back(input);
    return true;
  }
  if (!fs::is_directory(input, ec)) {
    std::cerr << input << ": error: no such file or folder (expected a `perfgate history export "
                          "--format json` file or a folder of gate artifacts)\n";
    return false;
  }
  std::set<std::string> found;
  fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ignored;
    if (it->path().filename() == "history.json" && it->is_regular_file(ignored)) {
      found.insert(it->path().string());
    }
  }
  if (found.empty()) {
    std::cerr << input << ": error: no history.json in this folder (gate tests write one into "
                          "their artifact folder when a history store is on)\n";
    return false;
  }
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

// Every input is read and checked before anything is written: a bad file adds nothing.
int import_entries(const HistoryOptions& options) {
  std::vector<std::string> files;
  for (const std::string& input : options.inputs) {
    if (!collect_exports(input, files)) {
      return k_exit_invalid_input;
    }
  }
  std::vector<HistoryEntry> entries;
  for (const std::string& file : files) {
    auto text = read_text_file(file);
    if (!text) {
      std::cerr << format_diagnostics(text.error());
      return k_exit_invalid_input;
    }
    auto parsed = parse_history_json(*text, file);
    if (!parsed) {
      std::cerr << format_diagnostics(parsed.error());
      return k_exit_invalid_input;
    }
    entries.insert(entries.end(), parsed->begin(), parsed->end());
  }
  auto store = HistoryStore::open(store_path(options), true);
  if (!store) {
    std::cerr << format_diagnostics(store.error());
    return k_exit_invalid_input;
  }
  auto added = store->append(entries);
  if (!added) {
    std::cerr << format_diagnostics(added.error());
    return k_exit_run_failed;
  }
  std::cout << store_path(options) << ": " << *added << " entries added from " << files.size()
            << " file(s), " << entries.size() - *added << " already there\n";
  return k_exit_passed;
}

// merge OUT IN...: every entry of the input stores into OUT (created when missing).
int merge(const HistoryOptions& options) {
  if (options.inputs.size() < 2) {
    std::cerr << "perfgate history merge: error: expected OUT and at least one IN store\n";
    return k_exit_invalid_input;
  }
  std::vector<HistoryEntry> entries;
  for (std::size_t index = 1; index < options.inputs.size(); ++index) {
    auto in = HistoryStore::open(options.inputs[index], false);
    if (!in) {
      std::cerr << format_diagnostics(in.error());
      return k_exit_invalid_input;
    }
    auto read = in->query();
    if (!read) {
      std::cerr << format_diagnostics(read.error());
      return k_exit_invalid_input;
    }
    entries.insert(entries.end(), read->begin(), read->end());
  }
  auto out = HistoryStore::open(options.inputs.front(), true);
  if (!out) {
    std::cerr << format_diagnostics(out.error());
    return k_exit_invalid_input;
  }
  auto added = out->append(entries);
  if (!added) {
    std::cerr << format_diagnostics(added.error());
    return k_exit_run_failed;
  }
  std::cout << options.inputs.front() << ": " << *added << " entries added from "
            << options.inputs.size() - 1 << " store(s), " << entries.size() - *added
            << " already there\n";
  return k_exit_passed;
}

void add_store_option(CLI::App& app, HistoryOptions& options) {
  app.add_option("--store", options.store,
                 "The history store (default: $PERFGATE_HISTORY, else perfgate-history.sqlite)");
}

void add_filters(CLI::App& app, HistoryOptions& options) {
  app.add_option("--suite", options.suite, "Only this suite");
  app.add_option("--benchmark", options.benchmark, "Only benchmarks whose whole name matches (RE2)");
  app.add_option("--metric", options.metric, "Only this metric");
  app.add_option("--lane", options.lane, "Only this lane (wall-time, instructions, ...)");
  app.add_option("--last", options.last, "Only each series' last N runs");
}

}  // namespace

Command setup_history(CLI::App& parent) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* history = add_command_group(parent, "history", "The local history store of gate runs");
  CLI::App* list_app = history->add_subcommand("list", "One line per series in the store");
  add_store_option(*list_app, *options);
  add_filters(*list_app, *options);
  CLI::App* export_app =
      history->add_subcommand("export", "Write the store's entries as CSV or JSON");
  add_store_option(*export_app, *options);
  add_filters(*export_app, *options);
  export_app->add_option("--format", options->format, "csv (default) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  export_app->add_option("--out", options->out, "File to write (default: stdout)");
  CLI::App* import_app = history->add_subcommand(
      "import", "Add JSON exports, or the history.json files of artifact folders, to the store");
  add_store_option(*import_app, *options);
  import_app->add_option("inputs", options->inputs, "Exports or artifact folders")->required();
  CLI::App* merge_app =
      history->add_subcommand("merge", "Merge stores: every entry of IN... into OUT");
  merge_app->add_option("stores", options->inputs, "OUT IN...")->required()->expected(2, -1);
  return {history, [options, list_app, export_app, import_app] {
            if (list_app->parsed()) {
              return list(*options);
            }
            if (export_app->parsed()) {
              return export_entries(*options);
            }
            if (import_app->parsed()) {
              return import_entries(*options);
            }
            return merge(*options);
          }};
}

}  // namespace perfgate::cli
