// Writes a trend report for the timing and screenshot tests (trend_report_open.cmake):
//
//   perfgate_trend_report_generator --large SERIES RUNS OUT.html [--timing-script]
//   perfgate_trend_report_generator --small OUT.html
//
// --large: SERIES synthetic series of RUNS runs each (deterministic values; every tenth series
// with a step at three quarters, a persistent regression), rendered by render_trend_html.
// --small: the golden fixture (tests/golden/trend_fixture.cpp).
// --timing-script adds, before </body>, a script that forces style and layout once the page has
// loaded and writes performance.now() into the title, for `chromium --headless --dump-dom` to
// print. The report itself has no script.
#include <perfgate/trend.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "trend_fixture.hpp"

namespace {

perfgate::TrendResult large(std::size_t count, std::size_t runs) {
  perfgate::TrendResult result;
  for (std::size_t id = 0; id < count; ++id) {
    perfgate::TrendSeries series;
    series.key = perfgate::SeriesKey{"suite" + std::to_string(id / 100),
                                     "BM_Family" + std::to_string(id / 10) + "/" +
                                         std::to_string(id),
                                     "real_time", "time", "wall-time", "x86_64-4c"};
    const bool stepped = id % 10 == 0;
    const std::size_t step = runs * 3 / 4;
    for (std::size_t index = 0; index < runs; ++index) {
      perfgate::HistoryEntry run;
      run.started_at = "2026-" + std::string(index / 28 < 9 ? "0" : "") +
                       std::to_string(index / 28 + 1) + "-" +
                       std::string(index % 28 < 9 ? "0" : "") + std::to_string(index % 28 + 1) +
                       "T02:00:00Z";
      run.test = "perf." + series.key.suite + "." + series.key.benchmark;
      run.run_id = run.test + "@" + run.started_at;
      run.commit = std::to_string(1000000000 + index * 7919 + id);
      run.unit = "ns";
      run.direction = "lower_is_better";
      run.rule_kind = "relative";
      run.limit = 0.10;
      run.warn_limit = 0.05;
      run.limit_text = "+10%";
      const double base = 1000.0 + static_cast<double>(id);
      run.baseline = base;
      const double wiggle = static_cast<double>((index * 37 + id * 11) % 17) - 8.0;
      run.value = (stepped && index >= step ? base * 1.25 : base) + wiggle;
      run.verdict = stepped && index >= step ? "fail" : "pass";
      series.runs.push_back(run);
    }
    if (stepped) {
      series.changes.change_points.push_back(
          perfgate::ChangePoint{step, 1000, 1250, 0.25, 1e-9});
      perfgate::TrendFinding finding;
      finding.index = step;
      finding.last = step;
      finding.change = 0.25;
      finding.p = 1e-9;
      finding.regression = true;
      finding.persistent = runs - step >= 3;
      finding.run_id = series.runs[step].run_id;
      finding.commit = series.runs[step].commit;
      finding.note = "+25.0% in the bad direction, beyond the fail limit +10%";
      series.findings.push_back(finding);
    }
    result.series.push_back(std::move(series));
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  std::ostringstream html;
  std::string path;
  bool timing = false;
  if (mode == "--large" && argc >= 5) {
    render_trend_html(large(std::strtoul(argv[2], nullptr, 10), std::strtoul(argv[3], nullptr, 10)),
                      html);
    path = argv[4];
    timing = argc > 5 && std::string_view(argv[5]) == "--timing-script";
  } else if (mode == "--small" && argc >= 3) {
    render_trend_html(perfgate::golden::trend_fixture(), html);
    path = argv[2];
  } else {
    std::cerr << "usage: perfgate_trend_report_generator --large SERIES RUNS OUT.html "
                 "[--timing-script] | --small OUT.html\n";
    return 2;
  }
  std::string text = html.str();
  if (timing) {
    const std::string script =
        "<script>addEventListener('load', () => { void document.body.offsetHeight; "
        "document.title = 'loaded ' + performance.now().toFixed(0) + ' ms'; });</script>\n";
    text.insert(text.rfind("</body>"), script);
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  return out ? 0 : 1;
}
