// perfgate report merge DIR... --out OUTDIR [--format F]: the summary of a whole run.
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/io.hpp>
#include <perfgate/summary.hpp>
#include <perfgate/version.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

namespace perfgate::cli {

namespace {

namespace fs = std::filesystem;

struct MergeOptions {
  std::vector<std::string> dirs;
  std::string out;
  std::string format;  // "" = every summary format
  bool exit_zero = false;  // the suite's summary test: the gate tests carry the verdicts
};

// The folders under `root` that hold a run.json, except those inside `skip` (the output folder).
// False after a message when `root` is not a readable folder.
bool find_folders(const std::string& root, const fs::path& skip, std::set<fs::path>& found) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    std::cerr << root
              << ": error: not a folder (perfgate report merge takes the folders the "
                 "gate tests wrote their artifacts into)\n";
    return false;
  }
  // Whether `folder` holds a run.json; `skip` and what is inside it are passed over.
  const auto visit = [&](const fs::path& path) {
    std::error_code ignored;
    const fs::path folder = fs::weakly_canonical(path, ignored);
    const fs::path inside = folder.lexically_relative(skip);
    if (!skip.empty() && !inside.empty() && inside.native().rfind("..", 0) != 0) {
      return false;
    }
    if (fs::is_regular_file(folder / "run.json", ignored)) {
      found.insert(folder);
    }
    return true;
  };
  visit(root);
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ignored;
    if (it->is_directory(ignored) && !visit(it->path())) {
      it.disable_recursion_pending();
    }
  }
  if (ec) {
    std::cerr << root << ": error: cannot list the folder: " << ec.message() << '\n';
    return false;
  }
  return true;
}

// How reports name a folder: relative to the merged folder that holds it.
std::string folder_name(const fs::path& folder, const std::vector<fs::path>& roots) {
  for (const fs::path& root : roots) {
    const fs::path relative = folder.lexically_relative(root);
    if (!relative.empty() && relative.native().rfind("..", 0) != 0) {
      const std::string name = relative == "." ? root.filename().string() : relative.string();
      return roots.size() == 1 ? name : (root.filename() / name).string();
    }
  }
  return folder.filename().string();
}

// Reads every folder; false after printing the diagnostics of what could not be read.
bool read_folders(const std::set<fs::path>& folders, const std::vector<fs::path>& roots,
                  std::vector<ArtifactFolder>& artifacts) {
  bool ok = true;
  for (const fs::path& folder : folders) {
    ArtifactFolder artifact;
    artifact.folder = folder_name(folder, roots);
    artifact.run_source = (folder / "run.json").string();
    auto run = read_text_file(artifact.run_source);
    if (!run) {
      std::cerr << format_diagnostics(run.error());
      ok = false;
      continue;
    }
    artifact.run_text = std::move(*run);
    if (artifact.run_text.find("\"perfgate.run/1\"") != std::string::npos) {
      // Left in a build tree by a perfgate before `perfgate run`: its test has not run since.
      std::cerr << artifact.run_source << ": warning: skipped: written by an older perfgate "
                                          "(perfgate.run/1); its test has not run since\n";
      continue;
    }
    artifact.report_source = (folder / "report.json").string();
    std::error_code ec;
    if (fs::exists(artifact.report_source, ec)) {
      auto report = read_text_file(artifact.report_source);
      if (!report) {
        std::cerr << format_diagnostics(report.error());
        ok = false;
        continue;
      }
      artifact.report_text = std::move(*report);
    }
    artifacts.push_back(std::move(artifact));
  }
  return ok;
}

bool write_summaries(const SuiteSummary& summary, const MergeOptions& options,
                     const RenderOptions& render_options) {
  std::error_code ec;
  fs::create_directories(options.out, ec);
  for (const FormatInfo& info : report_formats()) {
    if (!info.summary || (!options.format.empty() && format_from_string(options.format) !=
                                                         std::optional<Format>(info.format))) {
      continue;
    }
    std::ostringstream out;
    render_summary(summary, info.format, out, render_options);
    const std::string path = options.out + "/summary." + std::string(info.extension);
    if (!write_output(path, out.str())) {
      std::cerr << "perfgate: error: the summary could not be written to '" << options.out << "'\n";
      return false;
    }
  }
  return true;
}

int merge(const MergeOptions& options) {
  if (!options.format.empty()) {
    const auto format = format_from_string(options.format);
    if (!format || !format_info(*format).summary) {
      std::cerr << "perfgate: error: --format: a summary is written as " << format_names(true)
                << ", not \"" << options.format << "\"\n";
      return k_exit_invalid_input;
    }
  }
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(options.out, ec);
  std::set<fs::path> folders;
  std::vector<fs::path> roots;
  bool ok = true;
  for (const std::string& dir : options.dirs) {
    ok = find_folders(dir, out, folders) && ok;
    roots.push_back(fs::weakly_canonical(dir, ec));
  }
  std::vector<ArtifactFolder> artifacts;
  if (!ok || !read_folders(folders, roots, artifacts)) {
    return k_exit_invalid_input;
  }
  auto summary = summarize_artifacts(artifacts);
  if (!summary) {
    std::cerr << format_diagnostics(summary.error());
    return k_exit_invalid_input;
  }
  if (summary->tests.empty()) {
    std::cerr << "perfgate: error: no gate results under";
    for (const std::string& dir : options.dirs) {
      std::cerr << ' ' << dir;
    }
    std::cerr << " (no folder holds a run.json of a gate test), so nothing was checked\n";
    return k_exit_invalid_input;
  }
  RenderOptions render_options;
  render_options.tool_version = std::string(k_version);
  for (const fs::path& root : roots) {
    render_options.path_roots.push_back(root.string());
  }
  render_options.path_roots.push_back(fs::current_path(ec).string());
  if (!write_summaries(*summary, options, render_options)) {
    return k_exit_invalid_input;
  }
  render_summary(*summary, Format::markdown, std::cout, render_options);
  std::cout.flush();
  return options.exit_zero ? k_exit_passed : exit_code(*summary);
}

}  // namespace

Command setup_report(CLI::App& parent) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* report = add_command_group(parent, "report", "Reports of a whole run");
  CLI::App* merge_app = report->add_subcommand(
      "merge",
      "Fold the artifact folders of gate tests (each with run.json, and report.json when the "
      "gate ran) into one summary; prints its Markdown");
  merge_app->add_option("dirs", options->dirs, "Folders searched recursively for run.json")
      ->required();
  std::string files;
  for (const FormatInfo& info : report_formats()) {
    if (info.summary) {
      files += (files.empty() ? "summary." : ", summary.") + std::string(info.extension);
    }
  }
  merge_app->add_option("--out", options->out, "Folder to write " + files + " into")->required();
  merge_app->add_option("--format", options->format,
                        "Write only this format: " + format_names(true) + " (default: all)");
  merge_app->add_flag("--exit-zero", options->exit_zero,
                      "Exit 0 once the summary is written, whatever the tests' verdicts (each "
                      "gate test reports its own); unreadable input still exits 2");
  return {report, [options] { return merge(*options); }};
}

}  // namespace perfgate::cli
