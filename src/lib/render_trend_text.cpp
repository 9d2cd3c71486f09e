// The trend as terminal text: a headline of counts, then each series with findings (most severe
// first) and one line per finding.
#include <perfgate/trend.hpp>

#include <string>

#include "render_support.hpp"
#include "trend_support.hpp"

namespace perfgate {

void render_trend_text(const TrendResult& result, std::ostream& out) {
  detail::StreamBuffer buffer(out);
  std::string& text = buffer.text();
  text += "trend: " + detail::format_trend_counts(detail::trend_counts(result)) + "\n";
  for (int rank = 0; rank < 3; ++rank) {
    for (const TrendSeries& series : result.series) {
      if (detail::series_rank(series) != rank) {
        continue;
      }
      text += "\n" + to_string(series.key) + ": " + format_integer(series.runs.size()) +
              (series.runs.size() == 1 ? " run\n" : " runs\n");
      for (const TrendFinding& finding : series.findings) {
        text += "  " + std::string(detail::finding_class(finding)) + ": " +
                std::string(detail::kind_name(finding.kind)) + " " +
                format_percent(finding.change) + " at run " + format_integer(finding.index + 1) +
                " (" + finding.run_id;
        if (!finding.commit.empty()) {
          text += ", commit " + detail::short_commit(finding.commit);
        }
        text += "), p " + format_general(finding.p, 2) + ": " + finding.note + "\n";
      }
      buffer.maybe_flush();
    }
  }
  buffer.flush();
}

}  // namespace perfgate
