// One setup function per subcommand (CLI11's subcommand-in-files pattern).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace perfgate::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the exit code
};

Command setup_compare(CLI::App& parent);
Command setup_gate(CLI::App& parent);
Command setup_policy(CLI::App& parent);
Command setup_baseline(CLI::App& parent);
Command setup_measure(CLI::App& parent);
Command setup_run(CLI::App& parent);
Command setup_discover(CLI::App& parent);
Command setup_report(CLI::App& parent);
Command setup_history(CLI::App& parent);
Command setup_changes(CLI::App& parent);
Command setup_trend(CLI::App& parent);
Command setup_readiness(CLI::App& parent);

}  // namespace perfgate::cli
