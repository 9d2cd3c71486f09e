// Reader for a gate test's report.json ("perfgate.report/1", render_json's schema): what the suite
// summary needs of it, the counts and the worst decisions (docs/reports.md).
#include <perfgate/summary.hpp>

#include <algorithm>
#include <limits>

#include <perfgate/natural_order.hpp>

#include "render_support.hpp"
#include "summary_reader.hpp"

namespace perfgate {

namespace {

std::optional<Verdict> verdict_from_string(std::string_view text) {
  for (const Verdict verdict : detail::k_verdict_order) {
    if (to_string(verdict) == text) {
      return verdict;
    }
  }
  return std::nullopt;
}

// Rank of a decision among those that need attention (lower is worse); nullopt for the others.
std::optional<int> attention_rank(const Decision& decision) {
  switch (decision.verdict) {
    case Verdict::error:
      return 0;
    case Verdict::fail:
      return 1;
    case Verdict::missing:
      return 2;
    case Verdict::noisy:
      return decision.accepted ? 5 : 3;
    case Verdict::warn:
      return 4;
    default:
      return std::nullopt;
  }
}

bool worse(const Decision& a, const Decision& b) {
  const int rank_a = attention_rank(a).value_or(9);
  const int rank_b = attention_rank(b).value_or(9);
  if (rank_a != rank_b) {
    return rank_a < rank_b;
  }
  // Furthest beyond its limit first; no headroom last.
  const double inf = std::numeric_limits<double>::infinity();
  const double headroom_a = a.headroom.value_or(inf);
  const double headroom_b = b.headroom.value_or(inf);
  if (headroom_a != headroom_b) {
    return headroom_a < headroom_b;
  }
  if (a.benchmark != b.benchmark) {
    return natural_less(a.benchmark, b.benchmark);
  }
  return a.metric < b.metric;
}

Decision read_decision(const boost::json::value& value, const std::string& source,
                       const std::string& pointer, Diagnostics& diagnostics) {
  Decision decision;
  if (!value.is_object()) {
    diagnostics.error(source, pointer,
                      "expected a decision object, got " + detail::describe(value));
    return decision;
  }
  const boost::json::object& object = value.get_object();
  detail::MemberReader member(object, source, pointer, diagnostics);
  decision.benchmark = member.text("benchmark", false);
  decision.metric = member.text("metric");
  decision.rule = member.text("rule");
  const std::string verdict = member.text("verdict", false);
  if (const auto parsed = verdict_from_string(verdict)) {
    decision.verdict = *parsed;
  } else if (object.contains("verdict")) {
    diagnostics.error(source, member.pointer("verdict"),
                      "expected a verdict (pass, warn, fail, improved, new, missing, noisy, "
                      "waived, error), got \"" +
                          verdict + "\"");
  }
  decision.unit = member.text("unit");
  decision.baseline = member.number_or_null("baseline");
  decision.candidate = member.number_or_null("candidate");
  decision.change = member.number_or_null("change");
  decision.limit = member.number_or_null("limit");
  decision.headroom = member.number_or_null("headroom");
  decision.limit_text = member.text("limit_text");
  decision.note = member.text("note");
  // Reports written before "accepted" was added lack it: not accepted.
  if (const auto* accepted = object.if_contains("accepted"); accepted != nullptr) {
    decision.accepted = member.boolean("accepted");
  }
  return decision;
}

void read_counts(const boost::json::value* value, const std::string& source,
                 Diagnostics& diagnostics, VerdictCounts& counts) {
  if (value == nullptr) {
    return;
  }
  if (!value->is_object()) {
    diagnostics.error(source, "/counts",
                      "expected an object of counts per verdict, got " + detail::describe(*value));
    return;
  }
  detail::MemberReader member(value->get_object(), source, "/counts", diagnostics);
  for (const Verdict verdict : detail::k_verdict_order) {
    const auto count = member.integer(to_string(verdict), 0, std::numeric_limits<int>::max());
    if (count && *count > 0) {
      counts.by_verdict[verdict] = static_cast<std::size_t>(*count);
    }
  }
}

// report.json's counts and the `keep` worst of its decisions.
void read_digest(ReportDigest& digest, detail::MemberReader& member, Diagnostics& diagnostics,
                 std::size_t keep) {
  const std::string& source = digest.source;
  digest.status = member.text("status", false);
  digest.exit_code = static_cast<int>(member.integer("exit_code", 0, 4).value_or(3));
  read_counts(member.required("counts"), source, diagnostics, digest.counts);
  const boost::json::value* decisions = member.required("decisions");
  if (decisions != nullptr && !decisions->is_array()) {
    member.wrong("decisions", "an array of decisions", *decisions);
  } else if (decisions != nullptr) {
    const boost::json::array& array = decisions->get_array();
    digest.decisions = array.size();
    std::vector<Decision> attention;
    for (std::size_t index = 0; index < array.size(); ++index) {
      Decision decision = read_decision(array[index], source,
                                        detail::pointer_append("/decisions", index), diagnostics);
      if (attention_rank(decision)) {
        attention.push_back(std::move(decision));
      }
    }
    const std::size_t kept = std::min(keep, attention.size());
    std::partial_sort(attention.begin(), attention.begin() + static_cast<std::ptrdiff_t>(kept),
                      attention.end(), worse);
    digest.more = attention.size() - kept;
    attention.resize(kept);
    digest.worst = std::move(attention);
  }
}

}  // namespace

Result<ReportDigest> parse_report_digest(std::string_view text, const std::string& source,
                                         std::size_t keep) {
  return detail::read_record<ReportDigest>(
      text, {"perfgate.report", 1}, source,
      [keep](ReportDigest& digest, detail::MemberReader& member, Diagnostics& diagnostics) {
        read_digest(digest, member, diagnostics, keep);
      });
}

}  // namespace perfgate
