// The readiness packet as an in-toto Statement with a test-result predicate
// (https://in-toto.io/attestation/test-result/v0.1), ready to be signed by the CI step that
// attests it; docs/readiness.md has the mapping member by member.
#include <perfgate/readiness.hpp>

#include "render_json_writer.hpp"

#include <algorithm>
#include <set>

namespace perfgate::readiness {

namespace {

// "sha256:<hex>" as a DigestSet member.
void digest_set(detail::JsonWriter& json, const std::string& digest) {
  json.key("digest");
  json.begin_object();
  constexpr std::string_view k_prefix = "sha256:";
  if (digest.rfind(k_prefix, 0) == 0) {
    json.string_member("sha256", std::string_view(digest).substr(k_prefix.size()));
  }
  json.end_object();
}

std::string result_of(const Packet& packet) {
  if (!packet.ready) {
    return "FAILED";
  }
  return packet.warnings.empty() ? "PASSED" : "WARNED";
}

}  // namespace

void render_in_toto(const Packet& packet, std::ostream& out) {
  // Tests and drills named by a blocker failed; tests named only by a warning warned.
  std::set<std::string> failed;
  std::set<std::string> warned;
  for (const Finding& finding : packet.blockers) {
    if (!finding.drill.empty()) {
      failed.insert("drill/" + finding.drill);
    } else if (!finding.test.empty()) {
      failed.insert(finding.suite + "/" + finding.test);
    } else if (!finding.suite.empty()) {
      failed.insert(finding.suite);
    }
  }
  for (const Finding& finding : packet.warnings) {
    if (!finding.test.empty()) {
      warned.insert(finding.suite + "/" + finding.test);
    }
  }
  std::vector<std::string> passed;
  std::vector<std::string> warned_tests;
  for (const TestEntry& test : packet.tests) {
    const std::string name = test.suite + "/" + test.test;
    if (test.exit_code != 0 || failed.count(name) != 0) {
      continue;
    }
    (warned.count(name) != 0 ? warned_tests : passed).push_back(name);
  }
  for (const DrillEntry& drill : packet.drills) {
    if (drill.passed) {
      passed.push_back("drill/" + drill.name);
    }
  }

  std::string text;
  detail::JsonWriter json(text);
  json.begin_object();
  json.string_member("_type", "https://in-toto.io/Statement/v1");
  json.key("subject");
  json.begin_array();
  for (const std::string& commit : packet.commits) {
    json.element();
    json.begin_object();
    json.string_member("name", "commit");
    json.key("digest");
    json.begin_object();
    json.string_member("gitCommit", commit);
    json.end_object();
    json.end_object();
  }
  json.end_array();
  json.string_member("predicateType", "https://in-toto.io/attestation/test-result/v0.1");
  json.key("predicate");
  json.begin_object();
  json.string_member("result", result_of(packet));
  json.key("configuration");
  json.begin_array();
  std::set<std::string> seen;
  for (const Material& material : packet.materials) {
    if (material.role == "results" || !seen.insert(material.path).second) {
      continue;
    }
    json.element();
    json.begin_object();
    json.string_member("name", material.path);
    digest_set(json, material.digest);
    json.end_object();
  }
  json.end_array();
  json.string_array("passedTests", passed);
  json.string_array("warnedTests", warned_tests);
  json.string_array("failedTests", failed);
  json.end_object();
  json.end_object();
  text += '\n';
  out << text;
}

}  // namespace perfgate::readiness
