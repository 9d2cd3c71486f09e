// Unit tests of the renderers' helpers (escaping, units, numbers) and of properties every
// renderer must keep (colour only when asked, order as given, escaping of names). Whole-report
// output is covered byte for byte by the golden tests in tests/golden.
#include <perfgate/render.hpp>

// The helpers are internal to libperfgate (src/lib) and header-only.
#include <gtest/gtest.h>

#include <limits>
#include <locale>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/lib/render_support.hpp"

namespace perfgate {
namespace {

using detail::csv_field;
using detail::escape_xml;
using detail::escape_xml_text;
using detail::format_human;
using detail::format_percent;
using detail::format_shortest;
using detail::markdown_cell;

Decision decision(std::string benchmark, Verdict verdict) {
  Decision result;
  result.benchmark = std::move(benchmark);
  result.metric = "real_time";
  result.rule = "real_time-relative";
  result.verdict = verdict;
  result.unit = "ns";
  result.baseline = 1000.0;
  result.candidate = 1200.0;
  result.change = 0.2;
  result.limit = 0.1;
  result.headroom = -0.1;
  result.limit_text = "+10%";
  result.note = "a note";
  return result;
}

GateResult gate(std::vector<Decision> decisions) {
  GateResult result;
  result.policy_name = "test";
  result.decisions = std::move(decisions);
  for (const Decision& item : result.decisions) {
    ++result.counts.by_verdict[item.verdict];
  }
  return result;
}

std::string rendered(const GateResult& result, Format format, bool color = false) {
  std::ostringstream out;
  RenderOptions options;
  options.color = color;
  options.tool_version = "1.2.3";
  render(result, format, out, options);
  return out.str();
}

class CommaNumpunct : public std::numpunct<char> {
 protected:
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(RenderSupport, EscapesXmlSpecialCharacters) {
  EXPECT_EQ(escape_xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(escape_xml("plain/name:1"), "plain/name:1");
}

TEST(RenderSupport, KeepsLineBreaksOnlyInXmlText) {
  EXPECT_EQ(escape_xml("a\nb\tc"), "a&#10;b&#9;c");
  EXPECT_EQ(escape_xml_text("a\nb\tc<"), "a\nb\tc&lt;");
}

TEST(RenderSupport, ReplacesControlCharactersXmlCannotCarry) {
  EXPECT_EQ(escape_xml(std::string("a\x01"
                                   "b\x1b",
                                   4)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(escape_xml(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(RenderSupport, QuotesCsvFieldsOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("BM_Sort/1024"), "BM_Sort/1024");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rlf"), "\"cr\rlf\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
}

TEST(RenderSupport, EscapesPipeAndMarkupInMarkdownCells) {
  EXPECT_EQ(markdown_cell("a|b"), "a\\|b");
  EXPECT_EQ(markdown_cell("BM_x<int>"), "BM\\_x\\<int\\>");
  EXPECT_EQ(markdown_cell("*[`x`]*"), "\\*\\[\\`x\\`\\]\\*");
  EXPECT_EQ(markdown_cell("a & b"), "a &amp; b");
  EXPECT_EQ(markdown_cell("one\ntwo\r\n"), "one two ");
  EXPECT_EQ(markdown_cell("back\\slash"), "back\\\\slash");
}

TEST(RenderSupport, FormatsTimesInHumanUnits) {
  EXPECT_EQ(format_human(0.25, "ns"), "0.25 ns");
  EXPECT_EQ(format_human(456.0, "ns"), "456 ns");
  EXPECT_EQ(format_human(48.25, "ns"), "48.2 ns");
  EXPECT_EQ(format_human(1234.5, "ns"), "1.23 us");
  EXPECT_EQ(format_human(1.23e6, "ns"), "1.23 ms");
  EXPECT_EQ(format_human(1.23e10, "ns"), "12.3 s");
  EXPECT_EQ(format_human(999.7, "ns"), "1.00 us");  // not "1000 ns"
  EXPECT_EQ(format_human(999'600.0, "ns"), "1.00 ms");
  EXPECT_EQ(format_human(-2.5e6, "ns"), "-2.50 ms");
}

TEST(RenderSupport, FormatsRatesAndCountsWithPrefixes) {
  EXPECT_EQ(format_human(1.23e7, "items/s"), "12.3M items/s");
  EXPECT_EQ(format_human(999.0, "items/s"), "999 items/s");
  EXPECT_EQ(format_human(8.1e9, "B/s"), "7.54 GiB/s");
  EXPECT_EQ(format_human(512.0, "B"), "512 B");
  EXPECT_EQ(format_human(3.0, "allocs"), "3 allocs");
  EXPECT_EQ(format_human(1200.0, "allocs"), "1.20k allocs");
  EXPECT_EQ(format_human(0.5, ""), "0.5");
  EXPECT_EQ(format_human(0.0, ""), "0");
}

TEST(RenderSupport, WritesNonFiniteValuesByName) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double infinity = std::numeric_limits<double>::infinity();
  EXPECT_EQ(format_shortest(nan), "NaN");
  EXPECT_EQ(format_shortest(infinity), "Infinity");
  EXPECT_EQ(format_shortest(-infinity), "-Infinity");
  EXPECT_EQ(format_human(nan, "ns"), "NaN");
  EXPECT_EQ(format_percent(infinity), "Infinity");
}

TEST(RenderSupport, FormatsPercentWithSign) {
  EXPECT_EQ(format_percent(0.1234), "+12.3%");
  EXPECT_EQ(format_percent(-0.05), "-5.0%");
  EXPECT_EQ(format_percent(0.0), "+0.0%");
}

TEST(RenderSupport, FormatsHeadroomInTheRulesTerms) {
  Decision relative = decision("BM_a", Verdict::pass);
  relative.headroom = 0.032;
  EXPECT_EQ(detail::format_headroom(relative), "3.2 pp");
  Decision absolute = relative;
  absolute.kind = RuleKind::absolute;
  absolute.headroom = 0.12;
  EXPECT_EQ(detail::format_headroom(absolute), "12.0%");
  absolute.headroom.reset();
  EXPECT_EQ(detail::format_headroom(absolute), "");
}

TEST(RenderSupport, NumbersIgnoreTheGlobalLocale) {
  const std::locale previous =
      std::locale::global(std::locale(std::locale::classic(), new CommaNumpunct));
  EXPECT_EQ(format_shortest(1234567.5), "1234567.5");
  EXPECT_EQ(detail::format_fixed(1234.5, 1), "1234.5");
  EXPECT_EQ(detail::format_integer(std::size_t{1234567}), "1234567");
  EXPECT_EQ(format_human(1234.5, "ns"), "1.23 us");
  std::locale::global(previous);
}

TEST(RenderText, ColoursOnlyWhenAsked) {
  const GateResult result =
      gate({decision("BM_a", Verdict::fail), decision("BM_b", Verdict::pass)});
  const std::string plain = rendered(result, Format::text, false);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
  const std::string coloured = rendered(result, Format::text, true);
  EXPECT_NE(coloured.find(detail::ansi_colour(Verdict::fail)), std::string::npos);
  EXPECT_NE(coloured.find(detail::ansi_colour(Verdict::pass)), std::string::npos);
  EXPECT_NE(coloured.find(detail::k_ansi_reset), std::string::npos);
}

TEST(RenderText, EndsWithTheSummaryLine) {
  const GateResult result = gate({decision("BM_a", Verdict::pass)});
  const std::string text = rendered(result, Format::text);
  const std::string summary = detail::format_summary(result) + "\n";
  ASSERT_GE(text.size(), summary.size());
  EXPECT_EQ(text.substr(text.size() - summary.size()), summary);
}

TEST(Render, KeepsTheDecisionsInTheGivenOrder) {
  // Deliberately not sorted: renderers must not reorder what the evaluator decided.
  const GateResult result = gate({decision("BMz", Verdict::pass), decision("BMa", Verdict::pass)});
  for (const Format format : {Format::text, Format::json, Format::csv, Format::markdown,
                              Format::junit, Format::html, Format::ctest}) {
    const std::string text = rendered(result, format);
    const auto z = text.find("BMz");
    const auto a = text.find("BMa");
    ASSERT_NE(z, std::string::npos) << to_string(format);
    ASSERT_NE(a, std::string::npos) << to_string(format);
    EXPECT_LT(z, a) << to_string(format);
  }
}

TEST(RenderCsv, QuotesNamesAndEndsLinesWithCrlf) {
  const GateResult result = gate({decision("BM_x<\"a,b\">", Verdict::fail)});
  const std::string csv = rendered(result, Format::csv);
  EXPECT_NE(csv.find("\r\n\"BM_x<\"\"a,b\"\">\",real_time,"), std::string::npos) << csv;
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(RenderCsv, WritesAbsentValuesEmptyAndNonFiniteByName) {
  Decision item = decision("BM_a", Verdict::error);
  item.candidate = std::numeric_limits<double>::quiet_NaN();
  item.change.reset();
  const std::string csv = rendered(gate({item}), Format::csv);
  EXPECT_NE(csv.find(",1000,NaN,,"), std::string::npos) << csv;
}

TEST(RenderMarkdown, EscapesPipesInBenchmarkNames) {
  const std::string markdown =
      rendered(gate({decision("BM_a|b", Verdict::fail)}), Format::markdown);
  EXPECT_NE(markdown.find("BM\\_a\\|b"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("BM_a|b"), std::string::npos);
}

TEST(RenderJson, WritesNonFiniteAsNullAndNamesIt) {
  Decision item = decision("BM_a", Verdict::error);
  item.candidate = std::numeric_limits<double>::infinity();
  const std::string json = rendered(gate({item}), Format::json);
  EXPECT_NE(json.find("\"candidate\": null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"candidate\": \"Infinity\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"schema\": \"perfgate.report/1\""), std::string::npos);
  EXPECT_NE(json.find("\"version\": \"1.2.3\""), std::string::npos);
}

TEST(RenderJunit, MapsVerdictsToFailureErrorAndSkipped) {
  const std::string xml =
      rendered(gate({decision("BM_fail", Verdict::fail), decision("BM_missing", Verdict::missing),
                     decision("BM_error", Verdict::error), decision("BM_waived", Verdict::waived),
                     decision("BM_pass", Verdict::pass)}),
               Format::junit);
  const auto section = [&xml](std::string_view benchmark) {
    const auto begin = xml.find("classname=\"" + std::string(benchmark) + "\"");
    return xml.substr(begin, xml.find("</testcase>", begin) - begin);
  };
  EXPECT_NE(section("BM_fail").find("<failure"), std::string::npos);
  EXPECT_NE(section("BM_missing").find("<failure"), std::string::npos);
  EXPECT_NE(section("BM_error").find("<error"), std::string::npos);
  EXPECT_NE(section("BM_waived").find("<skipped"), std::string::npos);
  EXPECT_EQ(section("BM_pass").find("<failure"), std::string::npos);
  EXPECT_NE(xml.find("name=\"perfgate.version\" value=\"1.2.3\""), std::string::npos);
}

TEST(RenderHtml, EscapesNamesAndHasNoScript) {
  const std::string html = rendered(gate({decision("BM_<script>&", Verdict::fail)}), Format::html);
  EXPECT_NE(html.find("BM_&lt;script&gt;&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

TEST(RenderCtest, EscapesMeasurementNamesAndSkipsNonFinite) {
  Decision item = decision("BM_a<\"&\">", Verdict::fail);
  item.headroom = std::numeric_limits<double>::quiet_NaN();
  const std::string text = rendered(gate({item}), Format::ctest);
  EXPECT_NE(
      text.find("<CTestMeasurement type=\"numeric/double\" "
                "name=\"BM_a&lt;&quot;&amp;&quot;&gt;/real_time/real_time-relative/candidate\">"
                "1200</CTestMeasurement>\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("/change_pct\">20</CTestMeasurement>"), std::string::npos) << text;
  EXPECT_EQ(text.find("headroom_pct"), std::string::npos) << text;
  EXPECT_NE(text.find("<CTestMeasurement type=\"text/string\" name=\"perfgate verdict\">"),
            std::string::npos);
}

TEST(RenderCtest, CarriesTheLimitAndTheVerdictAsNumbers) {
  Decision relative = decision("BM_r", Verdict::fail);
  Decision absolute = decision("BM_a", Verdict::warn);
  absolute.kind = RuleKind::absolute;
  absolute.rule = "p95-slo";
  absolute.limit = 1500.0;  // "< 1.5 us", in ns
  const std::string text = rendered(gate({relative, absolute}), Format::ctest);
  EXPECT_NE(text.find("name=\"BM_r/real_time/real_time-relative/limit_pct\">10<"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("name=\"BM_r/real_time/real_time-relative/verdict\">7<"), std::string::npos)
      << text;
  EXPECT_NE(text.find("name=\"BM_a/real_time/p95-slo/limit\">1500<"), std::string::npos) << text;
  EXPECT_NE(text.find("name=\"BM_a/real_time/p95-slo/verdict\">4<"), std::string::npos) << text;
  EXPECT_EQ(text.find("BM_a/real_time/p95-slo/limit_pct"), std::string::npos) << text;
}

TEST(RenderCtest, VerdictCodesGrowWithSeverityAndNamesDoNotDependOnThem) {
  const std::vector<Verdict> best_to_worst{
      Verdict::pass,  Verdict::improved, Verdict::new_benchmark, Verdict::waived, Verdict::warn,
      Verdict::noisy, Verdict::missing,  Verdict::fail,          Verdict::error};
  std::string names_of_first;
  for (std::size_t code = 0; code < best_to_worst.size(); ++code) {
    const std::string text = rendered(gate({decision("BM_x", best_to_worst[code])}), Format::ctest);
    EXPECT_NE(text.find("/verdict\">" + std::to_string(code) + "<"), std::string::npos)
        << to_string(best_to_worst[code]) << ": " << text;
    // The numeric measurements' names, without their values.
    std::string names;
    for (std::size_t at = text.find("name=\""); at != std::string::npos;
         at = text.find("name=\"", at + 1)) {
      names += text.substr(at, text.find('"', at + 6) - at) + "\n";
    }
    if (code == 0) {
      names_of_first = names;
    }
    EXPECT_EQ(names, names_of_first) << to_string(best_to_worst[code]);
  }
}

TEST(ReportFormats, OneListGivesNamesAliasesAndExtensions) {
  EXPECT_EQ(format_names(), "text, json, csv, markdown, junit, html, ctest");
  EXPECT_EQ(format_names(true), "json, markdown, junit, html");
  EXPECT_EQ(format_from_string("md"), Format::markdown);
  EXPECT_EQ(format_from_string("junit"), Format::junit);
  EXPECT_EQ(format_from_string("xml"), std::nullopt);
  std::set<std::string_view> extensions;
  for (const FormatInfo& info : report_formats()) {
    EXPECT_TRUE(extensions.insert(info.extension).second) << info.extension;
    EXPECT_EQ(format_from_string(info.name), info.format);
    EXPECT_EQ(file_extension(info.format), info.extension);
  }
}

TEST(DisplayPath, ShowsPathsRelativeToTheFirstRootThatHoldsThem) {
  const std::vector<std::string> roots{"/home/ci/proj/build", "/home/ci/proj/"};
  EXPECT_EQ(display_path("/home/ci/proj/build/perfgate-artifacts/x/run.json", roots),
            "perfgate-artifacts/x/run.json");
  EXPECT_EQ(display_path("/home/ci/proj/baselines/a/x.json", roots), "baselines/a/x.json");
  // A sibling folder whose name starts like a root is not under it.
  EXPECT_EQ(display_path("/home/ci/proj/build2/x.json", roots), "build2/x.json");
  EXPECT_EQ(display_path("/tmp/perfgate-cg-1/results.json", roots), "results.json");
  EXPECT_EQ(display_path("baselines/a/x.json", roots), "baselines/a/x.json");
  EXPECT_EQ(display_path("/tmp/a/../b/x.json", {"/tmp/b"}), "x.json");
  EXPECT_EQ(display_path("", roots), "");
}

GateResult with_run_info() {
  GateResult result = gate({decision("BM_Sort<int>/1024/real_time", Verdict::fail)});
  result.baseline_source = "/home/ci/proj/baselines/x86_64/example.json";
  result.candidate_source = "/home/ci/proj/build/perfgate-artifacts/example/BM_Sort/r.json";
  result.run.test = "perf.example.BM_Sort";
  result.run.commit = "3f2c9e1";
  result.run.lane = "wall-time";
  result.run.baseline_kind = "committed";
  result.run.confirmation = "replicated the fail";
  result.run.conditions = {"measured under contention: load 3.1"};
  return result;
}

TEST(RenderHeader, EveryFormatButCsvShowsTheRun) {
  const GateResult result = with_run_info();
  for (const FormatInfo& info : report_formats()) {
    if (info.format == Format::csv) {
      continue;  // rows only; the run is in report.json
    }
    const std::string text = rendered(result, info.format);
    for (const char* expected : {"3f2c9e1", "wall-time", "committed", "replicated the fail",
                                 "measured under contention: load 3.1"}) {
      EXPECT_NE(text.find(expected), std::string::npos) << info.name << ": " << expected;
    }
  }
  const std::string ctest = rendered(result, Format::ctest);
  EXPECT_NE(ctest.find("<CTestMeasurement type=\"text/string\" name=\"perfgate/lane\">wall-time"
                       "</CTestMeasurement>"),
            std::string::npos);
  EXPECT_NE(ctest.find("name=\"perfgate/baseline\">committed<"), std::string::npos);
  EXPECT_NE(rendered(result, Format::junit)
                .find("<property name=\"perfgate.condition.1\" value=\"measured under "
                      "contention: load 3.1\"/>"),
            std::string::npos);
  EXPECT_NE(rendered(result, Format::json).find("\"baseline_kind\": \"committed\""),
            std::string::npos);
}

TEST(RenderHeader, SkipsEmptyFields) {
  const std::string text = rendered(gate({decision("BM_a", Verdict::pass)}), Format::markdown);
  EXPECT_EQ(text.find("- commit"), std::string::npos);
  EXPECT_EQ(text.find("- confirmation"), std::string::npos);
  const std::string ctest = rendered(gate({decision("BM_a", Verdict::pass)}), Format::ctest);
  EXPECT_EQ(ctest.find("perfgate/"), std::string::npos);
}

TEST(RenderPaths, MarkdownAndHtmlCarryNoAbsolutePath) {
  const GateResult result = with_run_info();
  RenderOptions options;
  options.path_roots = {"/home/ci/proj/build"};
  for (const Format format : {Format::markdown, Format::html}) {
    std::ostringstream out;
    render(result, format, out, options);
    EXPECT_EQ(out.str().find("/home/ci"), std::string::npos) << to_string(format);
    EXPECT_NE(out.str().find("perfgate-artifacts/example/BM"), std::string::npos);
    EXPECT_NE(out.str().find("example.json"), std::string::npos);
  }
  // Text and JSON keep the full paths.
  EXPECT_NE(rendered(result, Format::json).find("/home/ci/proj/baselines"), std::string::npos);
}

TEST(RenderRecord, EveryFormatReadsAsAnAcceptedChange) {
  GateResult result = with_run_info();
  result.run.record = true;
  for (const FormatInfo& info : report_formats()) {
    const std::string text = rendered(result, info.format);
    EXPECT_EQ(text.find("FAILED"), std::string::npos) << info.name;
    EXPECT_EQ(text.find("<failure"), std::string::npos) << info.name;
    EXPECT_EQ(text.find("\xE2\x9D\x8C"), std::string::npos) << info.name;  // cross mark
    if (info.format != Format::csv && info.format != Format::json) {
      EXPECT_NE(text.find("baseline updated: 1 change accepted"), std::string::npos)
          << info.name;
    }
  }
  const std::string json = rendered(result, Format::json);
  EXPECT_NE(json.find("\"status\": \"recorded\""), std::string::npos);
  EXPECT_NE(json.find("\"exit_code\": 0"), std::string::npos);
  EXPECT_NE(json.find("\"record\": true"), std::string::npos);
}

TEST(RenderHtml, BreaksNamesOnlyAfterASlash) {
  const std::string html =
      rendered(gate({decision("BM_Sort<int>/1024/real_time", Verdict::fail)}), Format::html);
  EXPECT_NE(html.find("BM_Sort&lt;int&gt;/<wbr>1024/<wbr>real_time"), std::string::npos);
  EXPECT_EQ(html.find("break-all"), std::string::npos);
  EXPECT_EQ(html.find("break-word"), std::string::npos);
}

}  // namespace
}  // namespace perfgate
