// perfgate: a performance-regression gate for Google Benchmark results. The logic lives in
// libperfgate; this is glue (STYLE §1.2).
#include "commands.hpp"
#include "exit_code.hpp"

#include <perfgate/version.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using namespace perfgate::cli;
  try {
    CLI::App app{"perfgate: gate Google Benchmark results against a baseline under a policy"};
    app.set_version_flag("--version", std::string(perfgate::k_version));
    app.require_subcommand(1);
    const std::vector<Command> commands{setup_compare(app), setup_gate(app), setup_policy(app),
                                        setup_baseline(app), setup_measure(app),
                                        setup_run(app), setup_discover(app),
                                        setup_report(app), setup_history(app),
                                        setup_changes(app), setup_trend(app),
                                        setup_readiness(app)};
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);  // prints help, version or the usage error
      return code == 0 ? k_exit_passed : k_exit_invalid_input;
    }
    for (const auto& command : commands) {
      if (command.app->parsed()) {
        return command.run();
      }
    }
    return k_exit_invalid_input;
  } catch (const std::exception& e) {
    std::cerr << "perfgate: internal error: " << e.what() << '\n';
    return k_exit_run_failed;
  }
}
