// perfgate policy check FILE...
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <iostream>
#include <memory>

namespace perfgate::cli {

Command setup_policy(CLI::App& parent) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* app = parent.add_subcommand("policy", "Work with policy files");
  app->require_subcommand(1);
  CLI::App* check = app->add_subcommand("check", "Validate policy files and explain each rule");
  check->add_option("files", *files, "Policy files")->required();
  return {app, [files] {
            int code = k_exit_passed;
            for (const auto& file : *files) {
              const auto policy = load_policy(file);
              if (!policy) {
                code = k_exit_invalid_input;
                continue;
              }
              std::cout << file << ": policy \"" << policy->name << "\" is valid ("
                        << policy->rules.size() << " rule" << (policy->rules.size() == 1 ? "" : "s")
                        << ")\n";
              if (!policy->description.empty()) {
                std::cout << "  " << policy->description << '\n';
              }
              for (const auto& rule : policy->rules) {
                std::cout << "  " << explain(rule) << '\n';
              }
              std::cout << "  A benchmark in the baseline but missing from the results "
                        << (policy->on_missing == OnMissing::fail ? "fails" : "warns")
                        << "; a benchmark not in the baseline "
                        << (policy->on_new == OnNew::fail   ? "fails"
                            : policy->on_new == OnNew::warn ? "is reported as new"
                                                            : "passes")
                        << ".\n";
            }
            return code;
          }};
}

}  // namespace perfgate::cli
