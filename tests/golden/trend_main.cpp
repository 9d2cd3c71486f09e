// Golden tests of the trend reports (render_trend_*): the fixture of trend_fixture.cpp rendered as
// text, JSON and HTML and compared byte for byte with tests/golden/trend.{txt,json,html}. The tool
// version is written as "@PERFGATE_VERSION@". On a mismatch the output goes to
// <actual-dir>/trend.actual.<extension>; --update rewrites the golden files (only the
// perfgate_update_golden target passes it).
//
//   perfgate_trend_golden_tests --golden-dir DIR [--actual-dir DIR] [--update]
#include <fstream>
#include <iostream>
#include <perfgate/trend.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "trend_fixture.hpp"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string golden_dir;
  std::string actual_dir = ".";
  bool update = false;
  for (int index = 1; index < argc; ++index) {
    const std::string_view arg = argv[index];
    if ((arg == "--golden-dir" || arg == "--actual-dir") && index + 1 < argc) {
      (arg == "--golden-dir" ? golden_dir : actual_dir) = argv[++index];
    } else if (arg == "--update") {
      update = true;
    } else {
      std::cerr << "perfgate_trend_golden_tests: unknown argument " << arg << '\n';
      return 2;
    }
  }
  const perfgate::TrendResult result = perfgate::golden::trend_fixture();
  int failed = 0;
  for (const std::string_view extension : {"txt", "json", "html"}) {
    std::ostringstream out;
    if (extension == "txt") {
      perfgate::render_trend_text(result, out);
    } else if (extension == "json") {
      perfgate::render_trend_json(result, out, "@PERFGATE_VERSION@");
    } else {
      perfgate::render_trend_html(result, out, "@PERFGATE_VERSION@");
    }
    const std::string golden = golden_dir + "/trend." + std::string(extension);
    if (update) {
      std::ofstream(golden, std::ios::binary) << out.str();
      continue;
    }
    if (read(golden) != out.str()) {
      const std::string actual = actual_dir + "/trend.actual." + std::string(extension);
      std::ofstream(actual, std::ios::binary) << out.str();
      std::cerr << "trend." << extension << " differs from the golden file: diff -u " << golden
                << ' ' << actual << '\n';
      ++failed;
    }
  }
  return failed == 0 ? 0 : 1;
}
