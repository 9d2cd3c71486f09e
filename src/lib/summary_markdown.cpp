// The suite summary in Markdown, short enough for one pull-request comment or a CI job summary
// whatever the size of the run: a headline with the overall status and the counts, a table of only
// the tests that did not pass and their worst decisions (at most k_summary_markdown_rows rows, then
// "… and N more"), the passing suites on one line, and every test in a collapsed <details> block
// that stops before the text reaches k_summary_markdown_budget characters.
#include <perfgate/summary.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "summary_support.hpp"

namespace perfgate {

namespace {

// Decisions shown per test in the table; the rest are counted in "… and N more".
constexpr std::size_t k_decisions_per_test = 5;
// Longest cell text (names, notes) in bytes: one long note cannot take the budget.
constexpr std::size_t k_cell_limit = 160;

std::string cell(std::string_view text) {
  return text.empty() ? std::string(detail::k_no_value)
                      : detail::markdown_cell(detail::shorten(text, k_cell_limit));
}

std::string_view status_mark(TestStatus status) {
  switch (status) {
    case TestStatus::passed:
      return "\xE2\x9C\x85";  // check mark
    case TestStatus::failed:
      return "\xE2\x9D\x8C";  // cross mark
    case TestStatus::inconclusive:
      return "\xE2\x9A\xA0\xEF\xB8\x8F";  // warning sign
    case TestStatus::invalid_input:
    case TestStatus::refused:
      return "\xF0\x9F\x9A\xAB";  // no entry sign
    default:
      return "\xE2\x9B\x94";  // no entry
  }
}

std::string status_cell(const TestSummary& test) {
  std::string text =
      std::string(status_mark(test.run.status)) + " " + std::string(to_string(test.run.status));
  if (test.run.contended) {
    text += ", contended";
  }
  return text;
}

std::string headline_mark(const SuiteSummary& summary) {
  switch (exit_code(summary)) {
    case 0:
      return "\xE2\x9C\x85";
    case 4:
      return "\xE2\x9A\xA0\xEF\xB8\x8F";
    default:
      return "\xE2\x9D\x8C";
  }
}

std::size_t severity_index(TestStatus status) {
  return static_cast<std::size_t>(
      std::find(detail::k_status_order.begin(), detail::k_status_order.end(), status) -
      detail::k_status_order.begin());
}

void write_head(std::string& text, const SuiteSummary& summary, const RenderOptions& options) {
  text += "## " + headline_mark(summary) + " " +
          detail::markdown_cell(detail::format_summary_headline(summary)) + "\n\n";
  text += "**" + detail::markdown_cell(detail::format_status_counts(summary)) + "** (exit code " +
          detail::format_integer(exit_code(summary)) + ")";
  if (summary.commits.size() == 1) {
    text += " \xC2\xB7 commit " + cell(summary.commits.front());
  } else if (summary.commits.size() > 1) {
    text += " \xC2\xB7 " + detail::format_integer(summary.commits.size()) + " commits";
  }
  if (!options.tool_version.empty()) {
    text += " \xC2\xB7 perfgate " + detail::markdown_cell(options.tool_version);
  }
  text += "\n\n";
  if (const std::size_t contended = summary.contended(); contended > 0) {
    text += "> \xE2\x9A\xA0\xEF\xB8\x8F " + detail::format_integer(contended) +
            (contended == 1 ? " test was" : " tests were") +
            " measured under contention: their wall-time numbers may say more about the machine "
            "than about the code.\n\n";
  }
}

// The table of the tests that did not pass, most severe first, capped at k_summary_markdown_rows.
void write_attention(std::string& text, const SuiteSummary& summary) {
  std::vector<const TestSummary*> tests;
  for (const TestSummary& test : summary.tests) {
    if (!test.passed()) {
      tests.push_back(&test);
    }
  }
  if (tests.empty()) {
    return;
  }
  std::stable_sort(tests.begin(), tests.end(), [](const TestSummary* a, const TestSummary* b) {
    return severity_index(a->run.status) < severity_index(b->run.status);
  });
  text += "### Did not pass (" + detail::format_integer(tests.size()) + ")\n\n";
  text += "| test | status | benchmark | metric | change | limit | note |\n";
  text += "| --- | --- | --- | --- | ---: | --- | --- |\n";
  std::size_t rows = 0;
  std::size_t omitted = 0;
  for (const TestSummary* test : tests) {
    const std::vector<Decision> none;
    const std::vector<Decision>& worst = test->report ? test->report->worst : none;
    const std::size_t more = test->report ? test->report->more : 0;
    const std::size_t wanted = std::max<std::size_t>(1, worst.size());
    // At most k_summary_markdown_rows rows, and at most half the budget (escaping can double a
    // cell), so that the rest of the summary always fits.
    const std::size_t room =
        text.size() > k_summary_markdown_budget / 2
            ? 0
            : k_summary_markdown_rows - std::min(rows, k_summary_markdown_rows);
    const std::size_t shown = std::min({wanted, k_decisions_per_test, room});
    omitted += wanted - shown + more;
    for (std::size_t index = 0; index < shown; ++index, ++rows) {
      text += index == 0 ? "| " + cell(test->run.test) + " | " + cell(status_cell(*test))
                         : std::string("| | ");
      if (worst.empty()) {
        text += " | - | - | - | - | " + cell(test->run.summary) + " |\n";
        continue;
      }
      const Decision& decision = worst[index];
      text += " | " + cell(decision.benchmark) + " | " + cell(decision.metric) + " | " +
              (decision.change ? detail::format_percent(*decision.change)
                               : std::string(detail::k_no_value)) +
              " | " + cell(decision.limit_text) + " | " +
              cell(std::string(to_string(decision.verdict)) + ": " + decision.note) + " |\n";
    }
  }
  text += '\n';
  if (omitted > 0) {
    text += "\xE2\x80\xA6 and " + detail::format_integer(omitted) +
            " more (tests or decisions): see summary.html and each test's report.\n\n";
  }
}

// The suites whose every test passed, on one line; suites with trouble say how many passed.
void write_passed(std::string& text, const SuiteSummary& summary) {
  std::vector<std::pair<std::string, std::pair<std::size_t, std::size_t>>> suites;  // passed, all
  for (const TestSummary& test : summary.tests) {
    if (suites.empty() || suites.back().first != test.run.suite) {
      suites.push_back({test.run.suite, {0, 0}});
    }
    suites.back().second.first += test.passed() ? 1U : 0U;
    ++suites.back().second.second;
  }
  std::string clean;
  std::string mixed;
  std::size_t listed = 0;
  for (const auto& [name, counts] : suites) {
    if (++listed > 50) {
      break;
    }
    const std::string shown = cell(name.empty() ? std::string("(no suite)") : name);
    if (counts.first == counts.second) {
      clean +=
          (clean.empty() ? "" : ", ") + shown + " (" + detail::format_integer(counts.second) + ")";
    } else if (counts.first > 0) {
      mixed += (mixed.empty() ? "" : ", ") + shown + " (" + detail::format_integer(counts.first) +
               " of " + detail::format_integer(counts.second) + ")";
    }
  }
  if (clean.empty() && mixed.empty()) {
    return;
  }
  text += "### Passed\n\n";
  if (!clean.empty()) {
    text += "\xE2\x9C\x85 every test passed in: " + clean + "\n";
  }
  if (!mixed.empty()) {
    text += (clean.empty() ? "" : "\n") + std::string("partly passed: ") + mixed + "\n";
  }
  if (suites.size() > 50) {
    text += "\n\xE2\x80\xA6 and " + detail::format_integer(suites.size() - 50) + " more suites\n";
  }
  text += '\n';
}

// Every test, one row each, until the budget would be exceeded.
void write_all(std::string& text, const SuiteSummary& summary, const RenderOptions& options) {
  if (summary.tests.empty()) {
    return;
  }
  const std::string closing = "\n</details>\n";
  text += "<details>\n<summary>All tests (" + detail::format_integer(summary.tests.size()) +
          ")</summary>\n\n";
  text += "| test | status | lane | baseline | summary |\n| --- | --- | --- | --- | --- |\n";
  // Room for the closing lines and the "… and N more" line.
  const std::size_t budget = k_summary_markdown_budget - 200;
  std::size_t written = 0;
  for (const TestSummary& test : summary.tests) {
    std::string baseline = test.run.baseline_kind;
    if (!test.run.baseline.empty()) {
      baseline +=
          (baseline.empty() ? "" : ": ") + display_path(test.run.baseline, options.path_roots);
    }
    const std::string row = "| " + cell(test.run.test) + " | " + cell(status_cell(test)) + " | " +
                            cell(test.run.lane) + " | " + cell(baseline) + " | " +
                            cell(test.run.summary) + " |\n";
    if (text.size() + row.size() + closing.size() > budget) {
      break;
    }
    text += row;
    ++written;
  }
  if (written < summary.tests.size()) {
    text += "\n\xE2\x80\xA6 and " + detail::format_integer(summary.tests.size() - written) +
            " more tests: see summary.html\n";
  }
  text += closing;
}

}  // namespace

void render_summary_markdown(const SuiteSummary& summary, std::ostream& out,
                             const RenderOptions& options) {
  std::string text;
  write_head(text, summary, options);
  if (summary.tests.empty()) {
    text += "No gate results were found.\n";
  }
  write_attention(text, summary);
  write_passed(text, summary);
  write_all(text, summary, options);
  while (text.size() > 1 && text[text.size() - 1] == '\n' && text[text.size() - 2] == '\n') {
    text.pop_back();
  }
  out << text;
}

}  // namespace perfgate
