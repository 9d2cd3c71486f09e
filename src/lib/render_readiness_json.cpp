// The readiness packet as JSON, schema "perfgate.readiness/1" (docs/readiness.md): one member per
// line, in the packet's order, locale-free numbers (render_json_writer.hpp).
#include <perfgate/readiness.hpp>

#include "render_json_writer.hpp"

namespace perfgate::readiness {

namespace {

constexpr std::string_view k_schema = "perfgate.readiness/1";

void findings(detail::JsonWriter& json, std::string_view name, const std::vector<Finding>& list) {
  json.key(name);
  json.begin_array();
  for (const Finding& finding : list) {
    json.element();
    json.begin_object();
    json.string_member("kind", finding.kind);
    json.text_member("suite", finding.suite);
    json.text_member("test", finding.test);
    json.text_member("drill", finding.drill);
    json.string_member("message", finding.message);
    json.text_member("file", finding.file);
    json.end_object();
  }
  json.end_array();
}

// {"sha256": "<hex>"}, in-toto's DigestSet; {} when there is none.
void digest_set(detail::JsonWriter& json, std::string_view name, const std::string& digest) {
  json.key(name);
  json.begin_object();
  constexpr std::string_view k_prefix = "sha256:";
  if (digest.rfind(k_prefix, 0) == 0) {
    json.string_member("sha256", std::string_view(digest).substr(k_prefix.size()));
  }
  json.end_object();
}

void suites(detail::JsonWriter& json, const Packet& packet) {
  json.key("suites");
  json.begin_array();
  for (const SuiteEntry& suite : packet.suites) {
    json.element();
    json.begin_object();
    json.string_member("name", suite.name);
    json.integer_member("tests", static_cast<std::uint64_t>(suite.tests));
    json.integer_member("passed", static_cast<std::uint64_t>(suite.passed));
    json.integer_member("failed", static_cast<std::uint64_t>(suite.failed));
    json.integer_member("inconclusive", static_cast<std::uint64_t>(suite.inconclusive));
    json.integer_member("run_failed", static_cast<std::uint64_t>(suite.run_failed));
    json.integer_member("invalid", static_cast<std::uint64_t>(suite.invalid));
    json.integer_member("waived", static_cast<std::uint64_t>(suite.waived));
    json.string_member("evidence", to_string(suite.evidence));
    json.end_object();
  }
  json.end_array();
}

void tests(detail::JsonWriter& json, const Packet& packet) {
  json.key("tests");
  json.begin_array();
  for (const TestEntry& test : packet.tests) {
    json.element();
    json.begin_object();
    json.string_member("suite", test.suite);
    json.string_member("test", test.test);
    json.string_member("folder", test.folder);
    json.string_member("mode", test.mode);
    json.string_member("status", test.status);
    json.integer_member("exit_code", test.exit_code);
    json.string_member("evidence", to_string(test.evidence));
    json.text_member("sample_reason", test.sample_reason);
    json.text_member("commit", test.commit);
    json.text_member("runner", test.runner);
    json.text_member("runner_fingerprint", test.runner_fingerprint);
    json.text_member("toolchain", test.toolchain);
    json.integer_member("waived", static_cast<std::uint64_t>(test.waived));
    json.end_object();
  }
  json.end_array();
}

void drills(detail::JsonWriter& json, const Packet& packet) {
  json.key("drills");
  json.begin_array();
  for (const DrillEntry& drill : packet.drills) {
    json.element();
    json.begin_object();
    json.string_member("name", drill.name);
    json.boolean_member("passed", drill.passed);
    json.integer_member("expected_exit", drill.expected_exit);
    json.integer_member("actual_exit", drill.actual_exit);
    json.text_member("fault", drill.fault);
    json.text_member("test", drill.test);
    json.string_member("file", drill.file);
    json.end_object();
  }
  json.end_array();
}

void waivers(detail::JsonWriter& json, const Packet& packet) {
  json.key("waivers");
  json.begin_array();
  for (const WaiverEntry& entry : packet.waivers) {
    const WaiverRecord& waiver = entry.waiver;
    json.element();
    json.begin_object();
    json.string_member("suite", entry.suite);
    json.string_member("test", entry.test);
    json.string_member("benchmark", waiver.benchmark);
    json.text_member("metric", waiver.metric);
    json.number_member("max_change_pct", waiver.max_change_pct);
    json.text_member("owner", waiver.owner);
    json.text_member("reason", waiver.reason);
    json.text_member("tracking", waiver.tracking);
    json.text_member("expires", waiver.expires);
    json.string_member("status", waiver.status);
    json.end_object();
  }
  json.end_array();
}

void materials(detail::JsonWriter& json, const Packet& packet) {
  json.key("materials");
  json.begin_array();
  for (const Material& material : packet.materials) {
    json.element();
    json.begin_object();
    json.string_member("name", material.path);
    json.string_member("role", material.role);
    json.string_member("test", material.test);
    digest_set(json, "digest", material.digest);
    json.text_member("recorded_digest", material.digest);
    json.text_member("current_digest", material.current.value_or(""));
    json.boolean_member("verified", material.verified());
    json.end_object();
  }
  json.end_array();
}

}  // namespace

void render_json(const Packet& packet, std::ostream& out) {
  std::string text;
  detail::JsonWriter json(text);
  json.begin_document(k_schema, packet.tool_version);
  json.text_member("generated_at", packet.generated_at);
  json.boolean_member("ready", packet.ready);
  json.integer_member("blocker_count", static_cast<std::uint64_t>(packet.blockers.size()));
  json.integer_member("warning_count", static_cast<std::uint64_t>(packet.warnings.size()));
  json.string_member("evidence", to_string(packet.evidence));
  json.integer_member("exit_code", exit_code(packet));
  json.key("requirements");
  json.begin_object();
  json.boolean_member("live", packet.requirements.live);
  json.string_array("suites", packet.requirements.suites);
  json.string_array("drills", packet.requirements.drills);
  json.end_object();
  json.key("subject");
  json.begin_object();
  json.string_array("commits", packet.commits);
  json.string_array("runner_fingerprints", packet.runner_fingerprints);
  json.string_array("toolchains", packet.toolchains);
  json.end_object();
  json.string_array("roots", packet.roots);
  findings(json, "blockers", packet.blockers);
  findings(json, "warnings", packet.warnings);
  suites(json, packet);
  drills(json, packet);
  waivers(json, packet);
  tests(json, packet);
  materials(json, packet);
  json.end_object();
  text += '\n';
  out << text;
}

}  // namespace perfgate::readiness
