// Renderers: one per format, each writing the same GateResult into a stream. They never
// recompute a verdict; numbers are written locale-independently.
#pragma once

#include <perfgate/evaluate.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

enum class Format { text, json, csv, markdown, junit, html, ctest };

// One row of the list of report formats: the one table from which `--format` (its help and its
// accepted names), the files of `--report-dir`, the formats of `perfgate report merge`, the golden
// tests and the table in docs/reports.md are derived.
struct FormatInfo {
  Format format;
  std::string_view name;         // what --format takes: "markdown"
  std::string_view alias;        // a second accepted name ("md"), may be empty
  std::string_view extension;    // of report.<extension>: "md", "junit.xml"
  std::string_view description;  // who reads it, for help texts and docs
  bool report_dir = true;        // written by --report-dir
  bool summary = false;          // a format of the suite summary (perfgate report merge)
};

// Every format, in the order reports list them.
const std::vector<FormatInfo>& report_formats();
const FormatInfo& format_info(Format format);
// "text, json, csv, markdown, junit, html, ctest" (or only the summary formats).
std::string format_names(bool summary_only = false);

std::string_view to_string(Format format);
std::optional<Format> format_from_string(std::string_view text);  // a name or an alias
std::string_view file_extension(Format format);  // "txt", "json", "csv", "md", "junit.xml", ...

struct RenderOptions {
  bool color = false;             // ANSI colour in the text table (only on a TTY, never with NO_COLOR)
  std::string tool_version;       // written into JSON/JUnit/HTML so a report says what made it
  // Folders that paths are shown relative to in Markdown and HTML (e.g. the build tree, then the
  // source tree): the first that holds a path wins; an absolute path under none of them is shown
  // by its file name only, so that no report for people carries the runner's folders.
  std::vector<std::string> path_roots;
};

void render(const GateResult& result, Format format, std::ostream& out,
            const RenderOptions& options = {});

void render_text(const GateResult& result, std::ostream& out, const RenderOptions& options);
void render_json(const GateResult& result, std::ostream& out, const RenderOptions& options);
void render_csv(const GateResult& result, std::ostream& out, const RenderOptions& options);
void render_markdown(const GateResult& result, std::ostream& out, const RenderOptions& options);
void render_junit(const GateResult& result, std::ostream& out, const RenderOptions& options);
void render_html(const GateResult& result, std::ostream& out, const RenderOptions& options);
// <CTestMeasurement type="numeric/double" name="..."> lines for CTest and CDash.
void render_ctest(const GateResult& result, std::ostream& out, const RenderOptions& options);

// `path` as a report for people shows it: relative to the first of `roots` that holds it, a
// relative path as it is, any other absolute path by its file name. Lexical only (no file access).
std::string display_path(std::string_view path, const std::vector<std::string>& roots);

}  // namespace perfgate
