#include <perfgate/render.hpp>

#include <filesystem>

namespace perfgate {

namespace {

using RenderFunction = void (*)(const GateResult&, std::ostream&, const RenderOptions&);

struct FormatRow {
  FormatInfo info;
  RenderFunction render;
};

// The one list of report formats (docs/reports.md is checked against it by a golden test).
const std::vector<FormatRow>& format_rows() {
  static const std::vector<FormatRow> k_rows{
      {{Format::text, "text", "", "txt", "terminal table, for people at a terminal", true, false},
       &render_text},
      {{Format::json, "json", "", "json", "the stable, versioned record, for tools", true, true},
       &render_json},
      {{Format::csv, "csv", "", "csv", "one row per decision, for spreadsheets and scripts", true,
        false},
       &render_csv},
      {{Format::markdown, "markdown", "md", "md",
        "pull-request comments and CI job summaries", true, true},
       &render_markdown},
      {{Format::junit, "junit", "", "junit.xml",
        "CI test views (GitLab, Jenkins, GitHub test reporters)", true, true},
       &render_junit},
      {{Format::html, "html", "", "html", "a self-contained page with charts, for CDash", true,
        true},
       &render_html},
      {{Format::ctest, "ctest", "", "ctest.txt", "CTest measurements for CDash's history", false,
        false},
       &render_ctest},
  };
  return k_rows;
}

const FormatRow& row_of(Format format) {
  for (const FormatRow& row : format_rows()) {
    if (row.info.format == format) {
      return row;
    }
  }
  return format_rows().front();
}

}  // namespace

const std::vector<FormatInfo>& report_formats() {
  static const std::vector<FormatInfo> k_formats = [] {
    std::vector<FormatInfo> formats;
    for (const FormatRow& row : format_rows()) {
      formats.push_back(row.info);
    }
    return formats;
  }();
  return k_formats;
}

const FormatInfo& format_info(Format format) { return row_of(format).info; }

std::string format_names(bool summary_only) {
  std::string names;
  for (const FormatInfo& info : report_formats()) {
    if (summary_only && !info.summary) {
      continue;
    }
    if (!names.empty()) {
      names += ", ";
    }
    names += info.name;
  }
  return names;
}

std::string_view to_string(Format format) { return format_info(format).name; }

std::optional<Format> format_from_string(std::string_view text) {
  for (const FormatInfo& info : report_formats()) {
    if (info.name == text || (!info.alias.empty() && info.alias == text)) {
      return info.format;
    }
  }
  return std::nullopt;
}

std::string_view file_extension(Format format) { return format_info(format).extension; }

void render(const GateResult& result, Format format, std::ostream& out,
            const RenderOptions& options) {
  row_of(format).render(result, out, options);
}

std::string display_path(std::string_view path, const std::vector<std::string>& roots) {
  namespace fs = std::filesystem;
  const fs::path shown = fs::path(std::string(path)).lexically_normal();
  if (path.empty() || !shown.is_absolute()) {
    return std::string(path);
  }
  for (const std::string& root_text : roots) {
    if (root_text.empty()) {
      continue;
    }
    const fs::path root = fs::path(root_text).lexically_normal();
    // Component by component: /a/build holds /a/build/x, not /a/build2/x.
    auto root_part = root.begin();
    auto path_part = shown.begin();
    for (; root_part != root.end() && path_part != shown.end(); ++root_part, ++path_part) {
      if (root_part->empty()) {  // the trailing "" of "/a/build/"
        break;
      }
      if (*root_part != *path_part) {
        break;
      }
    }
    const bool holds = root_part == root.end() || root_part->empty();
    if (holds) {
      const fs::path relative = shown.lexically_relative(root);
      return relative.empty() || relative == "." ? shown.filename().string()
                                                 : relative.generic_string();
    }
  }
  return shown.filename().string();
}

}  // namespace perfgate
