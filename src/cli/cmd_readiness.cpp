// perfgate readiness DIR... [--require-live] [--require-suite S]... [--require-drill D]...
// [--json FILE]: the readiness packet of a run (docs/readiness.md). This file finds and reads the
// artifacts, digests the files run.json records, and reads the clock; readiness.cpp decides.
#include <perfgate/digest.hpp>
#include <perfgate/io.hpp>
#include <perfgate/readiness.hpp>
#include <perfgate/version.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace perfgate::cli {

namespace {

namespace fs = std::filesystem;

struct ReadinessOptions {
  std::vector<std::string> dirs;
  bool require_live = false;
  std::vector<std::string> require_suites;
  std::vector<std::string> require_drills;
  std::string json;
  std::string in_toto;
};

constexpr std::string_view k_drill_suffix = ".drill.json";

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// How the packet names a folder: relative to the searched folder that holds it.
std::string folder_name(const fs::path& folder, const fs::path& root) {
  const fs::path relative = folder.lexically_relative(root);
  return relative.empty() || relative == "." ? root.filename().string() : relative.generic_string();
}

// Reads `path` into `text`; an unreadable file is recorded, never skipped.
bool read_into(const std::string& path, std::string& text, readiness::Inputs& inputs) {
  auto read = read_text_file(path);
  if (!read) {
    std::string message = format_diagnostics(read.error());
    message = message.substr(0, message.find('\n'));
    inputs.unreadable.push_back({path, message});
    return false;
  }
  text = std::move(*read);
  return true;
}

// Every gate artifact folder (run.json or report.json; those inside another test's folder, such
// as confirm/, belong to it) and every *.drill.json under `root`.
void collect(const std::string& root, readiness::Inputs& inputs) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    inputs.unreadable.push_back(
        {root,
         "not a folder (perfgate readiness takes folders that hold gate artifacts, e.g. "
         "build/perfgate-artifacts)"});
    return;
  }
  const fs::path base = fs::weakly_canonical(root, ec);
  std::set<fs::path> folders;
  std::set<fs::path> drills;
  const auto visit = [&](const fs::path& folder) {
    std::error_code ignored;
    if (fs::is_regular_file(folder / "run.json", ignored) ||
        fs::is_regular_file(folder / "report.json", ignored)) {
      folders.insert(folder);
    }
  };
  visit(base);
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ignored;
    if (it->is_directory(ignored)) {
      visit(it->path());
    } else if (ends_with(it->path().filename().string(), k_drill_suffix)) {
      drills.insert(it->path());
    }
  }
  if (ec) {
    inputs.unreadable.push_back({root, "cannot list the folder: " + ec.message()});
  }
  std::vector<fs::path> tests;  // folders with a run.json: what is below them is theirs
  for (const fs::path& folder : folders) {
    bool inside = false;
    for (const fs::path& test : tests) {
      const fs::path relative = folder.lexically_relative(test);
      inside = inside || (!relative.empty() && relative.native().rfind("..", 0) != 0);
    }
    if (inside) {
      continue;
    }
    readiness::GateArtifact artifact;
    artifact.folder = folder_name(folder, base);
    artifact.directory = folder.string();
    std::error_code ignored;
    if (fs::is_regular_file(folder / "run.json", ignored)) {
      tests.push_back(folder);
      artifact.run_source = (folder / "run.json").string();
      if (!read_into(artifact.run_source, artifact.run_text, inputs)) {
        continue;
      }
    }
    if (fs::is_regular_file(folder / "report.json", ignored)) {
      artifact.report_source = (folder / "report.json").string();
      if (!read_into(artifact.report_source, artifact.report_text, inputs)) {
        continue;
      }
    }
    inputs.gates.push_back(std::move(artifact));
  }
  for (const fs::path& drill : drills) {
    readiness::DrillFile file;
    file.source = drill.string();
    if (read_into(file.source, file.text, inputs)) {
      inputs.drills.push_back(std::move(file));
    }
  }
}

int readiness_command(const ReadinessOptions& options) {
  readiness::Inputs inputs;
  inputs.roots = options.dirs;
  inputs.requirements.live = options.require_live;
  inputs.requirements.suites = options.require_suites;
  inputs.requirements.drills = options.require_drills;
  inputs.generated_at = utc_now();
  inputs.tool_version = std::string(k_version);
  for (const std::string& dir : options.dirs) {
    collect(dir, inputs);
  }
  const readiness::Packet packet =
      readiness::fold(inputs, [](const std::string& path) -> std::optional<std::string> {
        auto text = read_text_file(path);
        if (!text) {
          return std::nullopt;
        }
        return sha256_digest(*text);
      });
  int code = readiness::exit_code(packet);
  if (!options.json.empty()) {
    std::ostringstream json;
    readiness::render_json(packet, json);
    if (!write_output(options.json, json.str())) {
      code = k_exit_invalid_input;
    }
  }
  if (!options.in_toto.empty()) {
    std::ostringstream statement;
    readiness::render_in_toto(packet, statement);
    if (!write_output(options.in_toto, statement.str())) {
      code = k_exit_invalid_input;
    }
  }
  readiness::render_markdown(packet, std::cout);
  std::cout.flush();
  for (const readiness::Finding& blocker : packet.blockers) {
    std::cerr << (blocker.file.empty() ? std::string("perfgate") : blocker.file)
              << ": blocker: " << blocker.kind << ": " << blocker.message << '\n';
  }
  return code;
}

}  // namespace

Command setup_readiness(CLI::App& parent) {
  auto options = std::make_shared<ReadinessOptions>();
  CLI::App* app = parent.add_subcommand(
      "readiness",
      "Fold every gate result and drill result under the folders into one readiness packet; "
      "prints its Markdown, exits 0 only when ready (1 not ready, 2 unreadable or invalid input)");
  app->add_option("dirs", options->dirs,
                  "Folders that hold gate artifacts (e.g. build/perfgate-artifacts), searched "
                  "recursively for run.json, report.json and *.drill.json")
      ->required();
  app->add_flag("--require-live", options->require_live,
                "Refuse sample evidence: every gate result must be measured here, its recorded "
                "files unchanged");
  app->add_option("--require-suite", options->require_suites,
                  "A suite that must have gate results (repeatable)");
  app->add_option("--require-drill", options->require_drills,
                  "A drill that must have passed (repeatable)");
  app->add_option("--json", options->json,
                  "Write the JSON packet (perfgate.readiness/1) to this file");
  app->add_option("--in-toto", options->in_toto,
                  "Write the packet as an in-toto Statement with a test-result predicate "
                  "(unsigned; docs/readiness.md)");
  return {app, [options] { return readiness_command(*options); }};
}

}  // namespace perfgate::cli
