// Renderers: one per format, each writing the same GateResult into a stream. They never
// recompute a verdict; numbers are written locale-independently.
#pragma once

#include <perfgate/evaluate.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace perfgate {

enum class Format { text, json, csv, markdown, junit, html, ctest };

std::string_view to_string(Format format);
std::optional<Format> format_from_string(std::string_view text);
std::string_view file_extension(Format format);  // "txt", "json", "csv", "md", "junit.xml", "html", "ctest.txt"

struct RenderOptions {
  bool color = false;             // ANSI colour in the text table (only on a TTY, never with NO_COLOR)
  std::string tool_version;       // written into JSON/JUnit/HTML so a report says what made it
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

}  // namespace perfgate
