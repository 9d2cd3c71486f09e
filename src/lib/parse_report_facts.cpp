// What the readiness packet reads of a report.json ("perfgate.report/1") beyond the counts that
// parse_report_digest reads: the run it names, the files it gated, and its waivers. A report
// written before waivers existed has none; when they are there, every member is checked.
#include <perfgate/readiness.hpp>

#include "summary_reader.hpp"

#include <algorithm>

namespace perfgate {

namespace {

constexpr std::string_view k_waiver_statuses =
    "\"in_force\", \"exceeded\", \"expired\" or "
    "\"ready_to_retire\"";

bool known_status(std::string_view status) {
  return status == "in_force" || status == "exceeded" || status == "expired" ||
         status == "ready_to_retire";
}

// An optional string member: "" when absent or null.
std::string optional_text(detail::MemberReader& member, std::string_view key) {
  return member.contains(key) ? member.text(key) : std::string();
}

void read_waiver(const boost::json::value& value, const std::string& source,
                 const std::string& pointer, Diagnostics& diagnostics,
                 std::vector<WaiverRecord>& waivers) {
  if (!value.is_object()) {
    diagnostics.error(source, pointer, "expected a waiver object, got " + detail::describe(value));
    return;
  }
  detail::MemberReader member(value.get_object(), source, pointer, diagnostics);
  WaiverRecord waiver;
  waiver.benchmark = member.text("benchmark", false);
  waiver.metric = optional_text(member, "metric");
  waiver.max_change_pct = member.number_or_null("max_change_pct");
  waiver.owner = optional_text(member, "owner");
  waiver.reason = optional_text(member, "reason");
  waiver.tracking = optional_text(member, "tracking");
  waiver.expires = optional_text(member, "expires");
  waiver.status = member.text("status", false);
  if (member.contains("status") && !known_status(waiver.status)) {
    diagnostics.error(
        source, member.pointer("status"),
        "expected " + std::string(k_waiver_statuses) + ", got \"" + waiver.status + "\"");
  }
  const auto same = [&](const WaiverRecord& other) {
    return other.benchmark == waiver.benchmark && other.metric == waiver.metric &&
           other.expires == waiver.expires;
  };
  if (std::none_of(waivers.begin(), waivers.end(), same)) {
    waivers.push_back(std::move(waiver));
  }
}

void read_facts(ReportFacts& facts, const boost::json::object& root, const std::string& source,
                Diagnostics& diagnostics) {
  if (const auto* run = root.if_contains("run"); run != nullptr && run->is_object()) {
    detail::MemberReader member(run->get_object(), source, "/run", diagnostics);
    facts.test = optional_text(member, "test");
    facts.suite = optional_text(member, "suite");
    facts.commit = optional_text(member, "commit");
  }
  if (const auto* sources = root.if_contains("sources");
      sources != nullptr && sources->is_object()) {
    detail::MemberReader member(sources->get_object(), source, "/sources", diagnostics);
    facts.baseline_source = optional_text(member, "baseline");
    facts.candidate_source = optional_text(member, "candidate");
  }
  if (const auto* decisions = root.if_contains("decisions");
      decisions != nullptr && decisions->is_array()) {
    const boost::json::array& array = decisions->get_array();
    for (std::size_t index = 0; index < array.size(); ++index) {
      const boost::json::value* waiver =
          array[index].is_object() ? array[index].get_object().if_contains("waiver") : nullptr;
      if (waiver != nullptr && !waiver->is_null()) {
        read_waiver(*waiver, source,
                    detail::pointer_append(detail::pointer_append("/decisions", index), "waiver"),
                    diagnostics, facts.waivers);
      }
    }
  }
  if (const auto* waivers = root.if_contains("waivers"); waivers != nullptr) {
    if (!waivers->is_array()) {
      diagnostics.error(source, "/waivers",
                        "expected an array of waivers, got " + detail::describe(*waivers));
      return;
    }
    const boost::json::array& array = waivers->get_array();
    for (std::size_t index = 0; index < array.size(); ++index) {
      read_waiver(array[index], source, detail::pointer_append("/waivers", index), diagnostics,
                  facts.waivers);
    }
  }
}

}  // namespace

Result<ReportFacts> parse_report_facts(std::string_view text, const std::string& source) {
  return detail::read_document<ReportFacts>(
      text, {"perfgate.report", 1}, source,
      [&](const boost::json::object& root, Diagnostics& diagnostics) {
        ReportFacts facts;
        read_facts(facts, root, source, diagnostics);
        return facts;
      });
}

}  // namespace perfgate
