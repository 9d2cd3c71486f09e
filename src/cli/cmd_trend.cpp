// perfgate trend: change points per benchmark x metric over the history store (docs/trend.md),
// which of them are regressions under the policy, and the HTML trend report.
//
//   perfgate trend [--store PATH | --from EXPORT.json] [--suite S] [--benchmark REGEX]
//                  [--metric M] [--format text|json] [--html FILE] [--json FILE]
//                  [--fail-on-change] [--persist K] [--max-p P] [--window N]
//
// Exit codes: 0; with --fail-on-change 1 when a persistent regression exists and 4 when the store
// holds nothing to decide on; 2 on bad input.
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/history.hpp>
#include <perfgate/history_store.hpp>
#include <perfgate/io.hpp>
#include <perfgate/pattern.hpp>
#include <perfgate/trend.hpp>
#include <perfgate/version.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace perfgate::cli {

namespace {

struct TrendCliOptions {
  std::string store;
  std::string from;
  std::string suite;
  std::string benchmark;
  std::string metric;
  std::string format = "text";
  std::string html;
  std::string json;
  bool fail_on_change = false;
  TrendOptions trend;
};

std::string store_path(const TrendCliOptions& options) {
  return history_store_path(options.store);
}

// The entries to analyse: from an export file (filtered here as the store's query would) or
// from the store.
std::optional<std::vector<HistoryEntry>> load_entries(const TrendCliOptions& options) {
  if (!options.from.empty()) {
    auto text = read_text_file(options.from);
    if (!text) {
      std::cerr << format_diagnostics(text.error());
      return std::nullopt;
    }
    auto entries = parse_history_json(*text, options.from);
    if (!entries) {
      std::cerr << format_diagnostics(entries.error());
      return std::nullopt;
    }
    std::optional<NamePattern> pattern;
    if (!options.benchmark.empty()) {
      auto compiled = NamePattern::compile(options.benchmark);
      if (!compiled) {
        std::cerr << "perfgate: error: --benchmark: " << format_diagnostics(compiled.error());
        return std::nullopt;
      }
      pattern = std::move(*compiled);
    }
    std::vector<HistoryEntry> kept;
    for (HistoryEntry& entry : *entries) {
      if ((options.suite.empty() || entry.suite == options.suite) &&
          (options.metric.empty() || entry.metric == options.metric) &&
          (!pattern || pattern->full_match(entry.benchmark))) {
        kept.push_back(std::move(entry));
      }
    }
    return kept;
  }
  // Links against src/store/history_store.cpp (perfgate_store).
  auto store = HistoryStore::open(store_path(options), false);
  if (!store) {
    std::cerr << format_diagnostics(store.error());
    return std::nullopt;
  }
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
  auto entries = store->query(query);
  if (!entries) {
    std::cerr << format_diagnostics(entries.error());
    return std::nullopt;
  }
  return std::move(*entries);
}

bool write_report(const std::string& path, const TrendResult& result, bool html) {
  if (path.empty()) {
    return true;
  }
  std::ostringstream out;
  if (html) {
    render_trend_html(result, out, k_version);
  } else {
    render_trend_json(result, out, k_version);
  }
  if (!write_output(path, out.str())) {
    std::cerr << "perfgate: error: the trend report could not be written to '" << path << "'\n";
    return false;
  }
  return true;
}

int run_trend(const TrendCliOptions& options) {
  if (options.format != "text" && options.format != "json") {
    std::cerr << "perfgate: error: --format: text or json, not \"" << options.format << "\"\n";
    return k_exit_invalid_input;
  }
  if (!options.from.empty() && !options.store.empty()) {
    std::cerr << "perfgate: error: --from and --store name two sources; give one\n";
    return k_exit_invalid_input;
  }
  const std::optional<std::vector<HistoryEntry>> entries = load_entries(options);
  if (!entries) {
    return k_exit_invalid_input;
  }
  if (entries->empty()) {
    std::cerr << "perfgate: trend: no history entries"
              << (options.from.empty() ? " in the store " + store_path(options)
                                       : " in " + options.from)
              << " match, so nothing was analysed\n";
    return options.fail_on_change ? k_exit_inconclusive : k_exit_passed;
  }
  const TrendResult result = analyse_trend(*entries, options.trend);
  if (!write_report(options.html, result, true) || !write_report(options.json, result, false)) {
    return k_exit_invalid_input;
  }
  if (options.format == "json") {
    render_trend_json(result, std::cout, k_version);
  } else {
    render_trend_text(result, std::cout);
  }
  std::cout.flush();
  if (!options.fail_on_change) {
    return k_exit_passed;
  }
  const std::size_t persistent = result.regressions(true);
  if (persistent == 0) {
    return k_exit_passed;
  }
  std::cerr << "perfgate: trend FAILED: " << persistent
            << (persistent == 1 ? " regression" : " regressions") << " under the policy held for "
            << options.trend.persist << " runs or more:\n";
  for (const TrendSeries& series : result.series) {
    for (const TrendFinding& finding : series.findings) {
      if (finding.regression && finding.persistent) {
        std::cerr << "  " << to_string(series.key) << ": " << finding.note << " (since run "
                  << finding.run_id << (finding.commit.empty() ? "" : ", commit " + finding.commit)
                  << ")\n";
      }
    }
  }
  return k_exit_failed;
}

}  // namespace

Command setup_trend(CLI::App& parent) {
  auto options = std::make_shared<TrendCliOptions>();
  CLI::App* app = parent.add_subcommand(
      "trend",
      "Change points per benchmark x metric over the history store, which of them are "
      "regressions under the policy, and the HTML trend report");
  app->add_option("--store", options->store,
                  "The history store (default: $PERFGATE_HISTORY, else perfgate-history.sqlite)");
  app->add_option("--from", options->from,
                  "Read a `perfgate history export` JSON file instead of the store");
  app->add_option("--suite", options->suite, "Only this suite");
  app->add_option("--benchmark", options->benchmark,
                  "Only benchmarks whose whole name matches this RE2 pattern");
  app->add_option("--metric", options->metric, "Only this metric (real_time, counter:<name>, ...)");
  app->add_option("--format", options->format, "What goes to stdout: text or json")
      ->capture_default_str();
  app->add_option("--html", options->html, "Write the self-contained HTML trend report here");
  app->add_option("--json", options->json, "Write the JSON trend (perfgate.trend/1) here");
  app->add_flag("--fail-on-change", options->fail_on_change,
                "Exit 1 when a regression under the policy has persisted for --persist runs "
                "(4 when there is nothing to decide on)");
  app->add_option("--persist", options->trend.persist,
                  "Runs a regression must hold, the change point included, to fail")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--max-p", options->trend.changes.max_p,
                  "Significance a change point needs (p <= this)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app->add_option("--window", options->trend.changes.window,
                  "Runs on each side that a split is tested against")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return Command{app, [options] { return run_trend(*options); }};
}

}  // namespace perfgate::cli
