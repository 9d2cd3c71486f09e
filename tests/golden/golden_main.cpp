// Golden tests of the renderers: render each fixture (fixtures.cpp) in each format and compare
// the bytes with the committed file tests/golden/<case>.<extension>. Only the tool version is
// normalised (to "@PERFGATE_VERSION@"). On a mismatch the output is written to
// <actual-dir>/<case>.actual.<extension> and a diff command is printed.
//
//   perfgate_golden_tests --golden-dir DIR --actual-dir DIR [--case NAME] [--format NAME]
//                         [--foreign-locale] [--update]
//
// --foreign-locale renders under a locale whose decimal point is ',' and whose thousands
// separator is '.': the C locale is set to the first of de_DE.UTF-8, de_DE.utf8, fr_FR.UTF-8,
// C.UTF-8 that this machine has, and the C++ global locale (and the output stream) get a
// numpunct facet with ',' and '.' grouping whatever the machine has installed, as Google
// Benchmark's locale_impermeability_test does. Output must not change by one byte.
// --update rewrites the golden files; only the perfgate_update_golden target passes it.
#include <array>
#include <clocale>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <locale>
#include <optional>
#include <perfgate/render.hpp>
#include <perfgate/version.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fixtures.hpp"

namespace {

using perfgate::Format;

constexpr std::string_view k_version_placeholder = "@PERFGATE_VERSION@";

// German-style numbers: 1.234.567,5.
class CommaNumpunct : public std::numpunct<char> {
 protected:
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

struct Options {
  std::string golden_dir;
  std::string actual_dir;
  std::optional<std::string> case_name;
  std::optional<Format> format;
  bool foreign_locale = false;
  bool update = false;
  std::optional<std::string> check_docs;  // docs/reports.md: must hold the table of formats
};

std::optional<Options> parse_arguments(int argc, char** argv) {
  Options options;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t index = 0; index < args.size(); ++index) {
    const std::string_view arg = args[index];
    const auto value = [&]() -> std::optional<std::string> {
      if (index + 1 >= args.size()) {
        std::cerr << "perfgate_golden_tests: " << arg << " needs a value\n";
        return std::nullopt;
      }
      return std::string(args[++index]);
    };
    if (arg == "--golden-dir" || arg == "--actual-dir" || arg == "--case" || arg == "--format") {
      const std::optional<std::string> text = value();
      if (!text) {
        return std::nullopt;
      }
      if (arg == "--golden-dir") {
        options.golden_dir = *text;
      } else if (arg == "--actual-dir") {
        options.actual_dir = *text;
      } else if (arg == "--case") {
        options.case_name = *text;
      } else {
        options.format = perfgate::format_from_string(*text);
        if (!options.format) {
          std::cerr << "perfgate_golden_tests: unknown format '" << *text << "'\n";
          return std::nullopt;
        }
      }
    } else if (arg == "--check-docs") {
      options.check_docs = value();
      if (!options.check_docs) {
        return std::nullopt;
      }
    } else if (arg == "--foreign-locale") {
      options.foreign_locale = true;
    } else if (arg == "--update") {
      options.update = true;
    } else {
      std::cerr << "perfgate_golden_tests: unknown argument '" << arg << "'\n";
      return std::nullopt;
    }
  }
  if (options.check_docs) {
    return options;
  }
  if (options.golden_dir.empty() || (!options.update && options.actual_dir.empty())) {
    std::cerr << "usage: perfgate_golden_tests --golden-dir DIR --actual-dir DIR [--case NAME] "
                 "[--format NAME] [--foreign-locale] [--update]\n"
                 "       perfgate_golden_tests --check-docs docs/reports.md\n";
    return std::nullopt;
  }
  return options;
}

std::locale install_foreign_locale() {
  const char* chosen = nullptr;
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8"}) {
    if (std::setlocale(LC_ALL, name) != nullptr) {
      chosen = name;
      break;
    }
  }
  const std::locale foreign(std::locale::classic(), new CommaNumpunct);
  std::locale::global(foreign);
  std::cout << "locale: LC_ALL=" << (chosen != nullptr ? chosen : "C (no other installed)")
            << ", C++ global and stream locale with ',' decimal point and '.' grouping\n";
  return foreign;
}

std::string normalise(std::string text) {
  const std::string_view version = perfgate::k_version;
  if (version.empty()) {
    return text;
  }
  for (std::size_t at = text.find(version); at != std::string::npos;
       at = text.find(version, at + k_version_placeholder.size())) {
    text.replace(at, version.size(), k_version_placeholder);
  }
  return text;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

// 1-based line of the first difference, for the failure message.
std::size_t first_difference_line(std::string_view expected, std::string_view actual) {
  std::size_t line = 1;
  for (std::size_t index = 0; index < expected.size() && index < actual.size(); ++index) {
    if (expected[index] != actual[index]) {
      return line;
    }
    if (expected[index] == '\n') {
      ++line;
    }
  }
  return line;
}

// The table of report formats docs/reports.md must hold, derived from perfgate::report_formats().
std::string docs_table() {
  std::string table =
      "| `--format` | file in `--report-dir` | file of `report merge` | for |\n"
      "| --- | --- | --- | --- |\n";
  for (const perfgate::FormatInfo& info : perfgate::report_formats()) {
    table += "| `" + std::string(info.name) + "`";
    if (!info.alias.empty()) {
      table += " (`" + std::string(info.alias) + "`)";
    }
    const std::string extension(info.extension);
    table += info.report_dir ? " | `report." + extension + "`" : std::string(" | stdout only");
    table += info.summary ? " | `summary." + extension + "`" : std::string(" | -");
    table += " | " + std::string(info.description) + " |\n";
  }
  return table;
}

// 0 when the documentation holds the table of formats exactly as the code has it.
int check_docs(const std::string& path) {
  const std::optional<std::string> text = read_file(path);
  if (!text) {
    std::cerr << path << ": error: cannot read\n";
    return 1;
  }
  const std::string table = docs_table();
  if (text->find(table) != std::string::npos) {
    std::cout << "ok: " << path << " lists every report format\n";
    return 0;
  }
  std::cerr << path << ": error: the table of report formats differs from the list in "
               "src/lib/render.cpp (perfgate::report_formats()); it must read:\n\n"
            << table;
  return 1;
}

}  // namespace

int main(
int argc, char** argv) {
  const std::optional<Options> options = parse_arguments(argc, argv);
  if (!options) {
    return 2;
  }
  std::optional<std::locale> stream_locale;
  if (options->foreign_locale) {
    stream_locale = install_foreign_locale();
  }

  if (options->check_docs) {
    return check_docs(*options->check_docs);
  }

  perfgate::RenderOptions render_options;
  render_options.tool_version = std::string(perfgate::k_version);

  int failures = 0;
  int compared = 0;
  for (const perfgate::golden::Case& test_case : perfgate::golden::cases()) {
    if (options->case_name && *options->case_name != test_case.name) {
      continue;
    }
    for (const perfgate::FormatInfo& info : perfgate::report_formats()) {
      const Format format = info.format;
      if (options->format && *options->format != format) {
        continue;
      }
      std::ostringstream stream;
      if (stream_locale) {
        stream.imbue(*stream_locale);
      }
      render_options.path_roots = test_case.path_roots;
      perfgate::render(test_case.result, format, stream, render_options);
      const std::string actual = normalise(stream.str());
      const std::string file_name =
          test_case.name + "." + std::string(perfgate::file_extension(format));
      const std::string golden_path = options->golden_dir + "/" + file_name;
      ++compared;

      if (options->update) {
        if (!write_file(golden_path, actual)) {
          std::cerr << golden_path << ": error: cannot write\n";
          ++failures;
        } else {
          std::cout << "updated " << golden_path << '\n';
        }
        continue;
      }

      const std::string actual_path = options->actual_dir + "/" + test_case.name + ".actual." +
                                      std::string(perfgate::file_extension(format));
      const std::optional<std::string> expected = read_file(golden_path);
      if (expected && *expected == actual) {
        std::remove(actual_path.c_str());  // a stale one from an earlier failure would mislead
        std::cout << "ok " << file_name << '\n';
        continue;
      }
      ++failures;
      const bool written = write_file(actual_path, actual);
      if (!expected) {
        std::cerr << golden_path << ": error: golden file missing or unreadable\n";
      } else {
        std::cerr << golden_path << ":" << first_difference_line(*expected, actual)
                  << ": error: " << perfgate::to_string(format)
                  << " output differs from the golden file\n";
      }
      if (written) {
        std::cerr << "  actual output: " << actual_path << "\n"
                  << "  see the change: diff -u " << golden_path << ' ' << actual_path << "\n";
      }
      std::cerr << "  hint: if the change is intended, run "
                   "'cmake --build <build-dir> --target perfgate_update_golden' and review the "
                   "diff before committing\n";
    }
  }
  if (compared == 0) {
    std::cerr << "perfgate_golden_tests: no case/format matched the filter\n";
    return 2;
  }
  return failures == 0 ? 0 : 1;
}
