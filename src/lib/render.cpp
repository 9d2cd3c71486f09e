#include <perfgate/render.hpp>

#include <array>
#include <utility>

namespace perfgate {

namespace {
struct FormatInfo {
  Format format;
  std::string_view name;
  std::string_view extension;
  void (*render)(const GateResult&, std::ostream&, const RenderOptions&);
};

constexpr std::array<FormatInfo, 7> k_formats{{
    {Format::text, "text", "txt", &render_text},
    {Format::json, "json", "json", &render_json},
    {Format::csv, "csv", "csv", &render_csv},
    {Format::markdown, "markdown", "md", &render_markdown},
    {Format::junit, "junit", "junit.xml", &render_junit},
    {Format::html, "html", "html", &render_html},
    {Format::ctest, "ctest", "ctest.txt", &render_ctest},
}};

const FormatInfo& info(Format format) {
  for (const auto& entry : k_formats) {
    if (entry.format == format) {
      return entry;
    }
  }
  return k_formats[0];
}
}  // namespace

std::string_view to_string(Format format) { return info(format).name; }

std::optional<Format> format_from_string(std::string_view text) {
  for (const auto& entry : k_formats) {
    if (entry.name == text) {
      return entry.format;
    }
  }
  if (text == "md") {
    return Format::markdown;
  }
  return std::nullopt;
}

std::string_view file_extension(Format format) { return info(format).extension; }

void render(const GateResult& result, Format format, std::ostream& out,
            const RenderOptions& options) {
  info(format).render(result, out, options);
}

}  // namespace perfgate
