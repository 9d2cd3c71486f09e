// The readiness packet as Markdown (docs/readiness.md): the answer first, then the blockers, the
// warnings, the suites, the drills, the waivers and what the evidence rests on. Short enough for
// a pull-request comment: long lists are cut with a count of what was left out.
#include <perfgate/readiness.hpp>

#include "render_support.hpp"

namespace perfgate::readiness {

namespace {

constexpr std::size_t k_rows = 40;  // rows of a table before "… and N more"

std::string cell(std::string_view text) {
  return detail::markdown_cell(text);
}

std::string count(std::size_t n) {
  return std::to_string(n);
}

// "suite / test" or "drill x", what a finding is about.
std::string where(const Finding& finding) {
  if (!finding.drill.empty()) {
    return "drill " + finding.drill;
  }
  std::string text = finding.suite;
  if (!finding.test.empty()) {
    text += (text.empty() ? "" : " / ") + finding.test;
  }
  return text.empty() ? "(all)" : text;
}

void more(std::ostream& out, std::size_t total) {
  if (total > k_rows) {
    out << "\n… and " << total - k_rows << " more (see the JSON packet)\n";
  }
}

void findings(std::ostream& out, std::string_view title, const std::vector<Finding>& list) {
  if (list.empty()) {
    return;
  }
  out << "\n## " << title << " (" << list.size() << ")\n\n| kind | where | message | file |\n"
      << "| --- | --- | --- | --- |\n";
  for (std::size_t i = 0; i < list.size() && i < k_rows; ++i) {
    const Finding& finding = list[i];
    out << "| `" << finding.kind << "` | " << cell(where(finding)) << " | " << cell(finding.message)
        << " | " << cell(finding.file) << " |\n";
  }
  more(out, list.size());
}

void suites(std::ostream& out, const Packet& packet) {
  if (packet.suites.empty()) {
    return;
  }
  out << "\n## Suites\n\n| suite | tests | passed | failed | inconclusive | run failed | invalid "
         "| waived | evidence |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";
  for (std::size_t i = 0; i < packet.suites.size() && i < k_rows; ++i) {
    const SuiteEntry& s = packet.suites[i];
    out << "| " << cell(s.name) << " | " << s.tests << " | " << s.passed << " | " << s.failed
        << " | " << s.inconclusive << " | " << s.run_failed << " | " << s.invalid << " | "
        << s.waived << " | " << to_string(s.evidence) << " |\n";
  }
  more(out, packet.suites.size());
}

void drills(std::ostream& out, const Packet& packet) {
  if (packet.drills.empty()) {
    return;
  }
  out << "\n## Drills\n\n| drill | passed | expected exit | actual exit | fault |\n"
         "| --- | --- | ---: | ---: | --- |\n";
  for (std::size_t i = 0; i < packet.drills.size() && i < k_rows; ++i) {
    const DrillEntry& d = packet.drills[i];
    out << "| " << cell(d.name) << " | " << (d.passed ? "yes" : "**no**") << " | "
        << d.expected_exit << " | " << d.actual_exit << " | " << cell(d.fault) << " |\n";
  }
  more(out, packet.drills.size());
}

void waivers(std::ostream& out, const Packet& packet) {
  if (packet.waivers.empty()) {
    return;
  }
  out << "\n## Waivers\n\n| benchmark | metric | largest change | owner | expires | status | "
         "tracking |\n| --- | --- | ---: | --- | --- | --- | --- |\n";
  for (std::size_t i = 0; i < packet.waivers.size() && i < k_rows; ++i) {
    const WaiverRecord& w = packet.waivers[i].waiver;
    out << "| " << cell(w.benchmark) << " | " << cell(w.metric) << " | "
        << (w.max_change_pct ? detail::format_shortest(*w.max_change_pct) + " %" : "") << " | "
        << cell(w.owner) << " | " << cell(w.expires) << " | " << cell(w.status) << " | "
        << cell(w.tracking) << " |\n";
  }
  more(out, packet.waivers.size());
}

std::string joined(const std::vector<std::string>& values) {
  if (values.empty()) {
    return "(none recorded)";
  }
  std::string text;
  for (const std::string& value : values) {
    text += (text.empty() ? "`" : ", `") + value + "`";
  }
  return text;
}

void subject(std::ostream& out, const Packet& packet) {
  std::size_t verified = 0;
  std::size_t missing = 0;
  std::size_t changed = 0;
  for (const Material& material : packet.materials) {
    if (material.verified()) {
      ++verified;
    } else if (!material.current) {
      ++missing;
    } else {
      ++changed;
    }
  }
  out << "\n## Subject and materials\n\n- commit: " << joined(packet.commits)
      << "\n- runner fingerprint: " << joined(packet.runner_fingerprints)
      << "\n- toolchain: " << joined(packet.toolchains)
      << "\n- recorded files: " << packet.materials.size() << " (" << verified << " unchanged, "
      << changed << " changed, " << missing << " missing or never read)\n";
  if (!packet.generated_at.empty()) {
    out << "- packet made " << packet.generated_at << " by perfgate " << packet.tool_version
        << "\n";
  }
}

}  // namespace

void render_markdown(const Packet& packet, std::ostream& out) {
  std::size_t gates = 0;
  for (const SuiteEntry& suite : packet.suites) {
    gates += suite.tests;
  }
  out << "# perfgate readiness: " << (packet.ready ? "READY" : "NOT READY") << "\n\n"
      << "ready: " << (packet.ready ? "true" : "false")
      << ", blocker_count: " << packet.blockers.size()
      << ", evidence: " << to_string(packet.evidence) << ", " << count(gates) << " test(s) in "
      << count(packet.suites.size()) << " suite(s), " << count(packet.drills.size()) << " drill(s)";
  if (packet.requirements.live) {
    out << ", live evidence required";
  }
  out << "\n";
  findings(out, "Blockers", packet.blockers);
  findings(out, "Warnings", packet.warnings);
  suites(out, packet);
  drills(out, packet);
  waivers(out, packet);
  subject(out, packet);
}

}  // namespace perfgate::readiness
