// The readiness packet's fold (readiness.hpp, docs/readiness.md): gate artifacts and drill results
// in, one packet out. Pure: the caller reads the files and says what each recorded file digests
// to now.
#include <perfgate/natural_order.hpp>
#include <perfgate/readiness.hpp>

#include <algorithm>
#include <map>

namespace perfgate::readiness {

namespace {

// Modes whose run.json is a gate's verdict on measured results.
bool gate_mode(std::string_view mode) {
  return mode == "perf" || mode == "instr" || mode == "smoke";
}

// Modes that are neither a gate nor a fixture the gates depend on: not gate results.
bool ignored_mode(std::string_view mode) {
  return mode == "summary" || mode == "record";
}

void add_distinct(std::vector<std::string>& values, const std::string& value) {
  if (!value.empty() && std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(value);
  }
}

// The first line of the first diagnostic: what a blocker says about a file that is not valid.
std::string first_problem(const Diagnostics& diagnostics) {
  if (diagnostics.items().empty()) {
    return "invalid";
  }
  std::string text = format_diagnostic(diagnostics.items().front());
  text = text.substr(0, text.find('\n'));
  if (diagnostics.items().size() > 1) {
    text += " (and " + std::to_string(diagnostics.items().size() - 1) + " more)";
  }
  return text;
}

bool absolute(const std::string& path) {
  return !path.empty() && path.front() == '/';
}

std::string short_digest(const std::string& digest) {
  return digest.size() > 19 ? digest.substr(0, 19) + "…" : digest;
}

class Folder {
 public:
  Folder(const Inputs& inputs, const DigestOf& digest_of, Packet& packet)
      : m_inputs(inputs), m_digest_of(digest_of), m_packet(packet) {}

  void blocker(Finding finding) { m_packet.blockers.push_back(std::move(finding)); }
  void warning(Finding finding) { m_packet.warnings.push_back(std::move(finding)); }

  void invalid(const std::string& file, const Diagnostics& diagnostics) {
    m_packet.bad_input = true;
    blocker({"invalid-artifact", "", "", "", first_problem(diagnostics), file});
  }

  void gate(const GateArtifact& artifact);
  void drill(const DrillFile& file);
  void requirements();
  void evidence();

 private:
  void check_files(TestEntry& test, const GateArtifact& artifact, const RunEvidence& evidence,
                   const std::string& file);
  void verdict(const TestEntry& test, const RecordedRun* run, const std::string& file);
  void waivers(const TestEntry& test, const ReportFacts& facts, const std::string& file);

  const Inputs& m_inputs;
  const DigestOf& m_digest_of;
  Packet& m_packet;
};

void Folder::gate(const GateArtifact& artifact) {
  std::optional<RecordedRun> run;
  if (!artifact.run_source.empty()) {
    auto parsed = parse_run_record(artifact.run_text, artifact.run_source);
    if (!parsed) {
      invalid(artifact.run_source, parsed.error());
      return;
    }
    if (ignored_mode(parsed->mode)) {
      return;
    }
    run = std::move(*parsed);
  }
  std::optional<ReportDigest> digest;
  std::optional<ReportFacts> facts;
  if (!artifact.report_source.empty()) {
    auto parsed_digest = parse_report_digest(artifact.report_text, artifact.report_source);
    auto parsed_facts = parse_report_facts(artifact.report_text, artifact.report_source);
    if (!parsed_digest || !parsed_facts) {
      invalid(artifact.report_source, parsed_digest ? parsed_facts.error() : parsed_digest.error());
      return;
    }
    digest = std::move(*parsed_digest);
    facts = std::move(*parsed_facts);
  }
  if (!run && !digest) {
    return;  // the caller passes only folders with one of the two
  }
  const std::string file = run ? artifact.run_source : artifact.report_source;
  TestEntry test;
  test.folder = artifact.folder;
  if (run) {
    test.suite = run->suite;
    test.test = run->test;
    test.mode = run->mode;
    test.status = std::string(to_string(run->status));
    test.exit_code = run->exit_code;
    test.commit = run->commit;
    test.runner = run->runner;
  } else {
    test.suite = facts->suite;
    test.test = facts->test;
    test.mode = "gate";  // `perfgate gate` or `compare` over files: no run.json
    test.status = digest->status;
    test.exit_code = digest->exit_code;
    test.commit = facts->commit;
  }
  if (test.suite.empty()) {
    test.suite = "(no suite)";
  }
  if (test.test.empty()) {
    test.test = artifact.folder;
  }
  if (digest) {
    test.waived = digest->counts.count(Verdict::waived);
    test.warned = digest->counts.count(Verdict::warn);
  }
  const bool gates = !run || gate_mode(run->mode);
  if (!gates) {
    test.evidence = Evidence::none;  // a fixture (validate, bootstrap): counted, not evidence
  } else if (!run) {
    test.sample_reason =
        "a gate over recorded files: report.json without run.json, no benchmark process ran";
  } else if (!run->evidence) {
    // A test whose gate never ran (a crash, invalid input) has no evidence of either kind.
    test.evidence = run->exit_code == 2 || run->exit_code == 3 ? Evidence::none : Evidence::sample;
    test.sample_reason = "run.json records no digests of the files it gated";
  } else {
    test.runner_fingerprint = run->evidence->runner_fingerprint;
    test.toolchain = run->evidence->toolchain;
    if (run->measuring_processes == 0 && run->evidence->measured != "instructions") {
      test.sample_reason = "run.json records no benchmark process: nothing was measured in it";
    }
    check_files(test, artifact, *run->evidence, file);
    if (test.sample_reason.empty()) {
      test.evidence = Evidence::live;
    }
  }
  verdict(test, run ? &*run : nullptr, file);
  if (facts) {
    waivers(test, *facts, artifact.report_source);
  }
  if (run && run->contended) {
    warning({"contended", test.suite, test.test, "",
             "the machine was busy around a measured run (see its report's conditions)", file});
  }
  if (run && run->baseline_kind == "provisional") {
    warning({"provisional-baseline", test.suite, test.test, "",
             "gated against a provisional baseline bootstrapped in the build tree, not a "
             "committed one",
             file});
  }
  if (digest && test.exit_code == 0 && digest->counts.count(Verdict::fail) > 0) {
    // A warn-only (smoke) gate reports fails without failing.
    warning({"reported-failures", test.suite, test.test, "",
             std::to_string(digest->counts.count(Verdict::fail)) +
                 " decision(s) with the verdict fail, reported without failing the test",
             file});
  }
  if (test.warned > 0) {
    warning({"warned", test.suite, test.test, "",
             std::to_string(test.warned) + " decision(s) with the verdict warn", file});
  }
  add_distinct(m_packet.commits, test.commit);
  add_distinct(m_packet.runner_fingerprints, test.runner_fingerprint);
  add_distinct(m_packet.toolchains, test.toolchain);
  m_packet.tests.push_back(std::move(test));
}

// Every recorded file digested again: a file gone makes the evidence a sample (it cannot be
// checked again), a file changed is a blocker (stale or altered evidence).
void Folder::check_files(TestEntry& test, const GateArtifact& artifact, const RunEvidence& evidence,
                         const std::string& file) {
  bool results = false;
  for (const RecordedFile& recorded : evidence.files) {
    Material material;
    material.test = test.test;
    material.role = recorded.role;
    material.path = recorded.path;
    material.digest = recorded.digest;
    const std::string where = absolute(recorded.path) || artifact.directory.empty()
                                  ? recorded.path
                                  : artifact.directory + "/" + recorded.path;
    material.current = m_digest_of(where);
    results = results || recorded.role == "results";
    const std::string what = recorded.role + " file '" + recorded.path + "'";
    if (recorded.digest.empty()) {
      test.sample_reason = "the run could not read its " + what;
    } else if (!material.current) {
      if (test.sample_reason.empty()) {
        test.sample_reason = "its " + what + " no longer exists, so it cannot be checked again";
      }
    } else if (*material.current != recorded.digest) {
      test.sample_reason = "its " + what + " changed since the gate read it";
      blocker({"evidence-mismatch", test.suite, test.test, "",
               what + " changed since the gate read it (recorded " + short_digest(recorded.digest) +
                   ", now " + short_digest(*material.current) + "): stale or altered evidence",
               file});
    }
    m_packet.materials.push_back(std::move(material));
  }
  if (!results && test.sample_reason.empty()) {
    test.sample_reason = "run.json records no results file";
  }
}

void Folder::verdict(const TestEntry& test, const RecordedRun* run, const std::string& file) {
  if (test.exit_code == 0) {
    return;
  }
  std::string message = test.test + ": " + test.status;
  if (run != nullptr && !run->summary.empty()) {
    message += ": " + run->summary.substr(0, run->summary.find('\n'));
  }
  const char* kind = test.exit_code == 1   ? "test-failed"
                     : test.exit_code == 4 ? "test-inconclusive"
                     : test.exit_code == 2 ? "test-invalid-input"
                                           : "test-run-failed";
  blocker({kind, test.suite, test.test, "", message, file});
}

void Folder::waivers(const TestEntry& test, const ReportFacts& facts, const std::string& file) {
  for (const WaiverRecord& waiver : facts.waivers) {
    const std::string what = "waiver of " + waiver.benchmark +
                             (waiver.metric.empty() ? "" : " " + waiver.metric) +
                             (waiver.owner.empty() ? "" : " (owner " + waiver.owner + ")");
    if (waiver.status == "expired") {
      blocker({"waiver-expired", test.suite, test.test, "", what + " expired on " + waiver.expires,
               file});
    } else if (waiver.status == "exceeded") {
      blocker({"waiver-exceeded", test.suite, test.test, "",
               what + ": the change is beyond the waiver's limit", file});
    } else if (waiver.status == "ready_to_retire") {
      warning({"waiver-ready-to-retire", test.suite, test.test, "",
               what + ": the benchmark is back within its limit; retire the waiver", file});
    }
    m_packet.waivers.push_back({test.suite, test.test, waiver});
  }
}

void Folder::drill(const DrillFile& file) {
  auto parsed = parse_drill(file.text, file.source);
  if (!parsed) {
    invalid(file.source, parsed.error());
    return;
  }
  const DrillResult& drill = *parsed;
  DrillEntry entry;
  entry.name = drill.name;
  entry.fault = drill.fault;
  entry.test = drill.test;
  entry.file = file.source;
  entry.expected_exit = drill.expected_exit;
  entry.actual_exit = drill.actual_exit;
  // A drill passes when it says so and its own facts agree.
  std::vector<std::string> disagree;
  if (drill.expected_exit != drill.actual_exit) {
    disagree.push_back("expected exit " + std::to_string(drill.expected_exit) + ", got " +
                       std::to_string(drill.actual_exit));
  }
  if (!drill.message_found) {
    disagree.push_back(
        "the expected message was not found" +
        (drill.message_regex.empty() ? std::string() : " (" + drill.message_regex + ")"));
  }
  if (!drill.artifacts_written) {
    disagree.push_back("the artifacts were not written");
  }
  if (!drill.nothing_lost) {
    disagree.push_back("something recorded earlier was lost or overwritten");
  }
  std::string facts;
  for (const std::string& part : disagree) {
    facts += (facts.empty() ? "" : "; ") + part;
  }
  const std::string fault = drill.fault.empty() ? "" : " (" + drill.fault + ")";
  if (!drill.passed) {
    blocker({"drill-failed", "", drill.test, drill.name,
             "drill " + drill.name + fault + " failed" + (facts.empty() ? "" : ": " + facts) +
                 (drill.details.empty() ? "" : "; " + drill.details),
             file.source});
  } else if (!disagree.empty()) {
    blocker({"drill-inconsistent", "", drill.test, drill.name,
             "drill " + drill.name + fault + " says it passed, but " + facts, file.source});
  }
  entry.passed = drill.passed && disagree.empty();
  m_packet.drills.push_back(std::move(entry));
}

void Folder::requirements() {
  const Requirements& required = m_inputs.requirements;
  for (const std::string& suite : required.suites) {
    const bool found = std::any_of(m_packet.suites.begin(), m_packet.suites.end(),
                                   [&](const SuiteEntry& entry) { return entry.name == suite; });
    if (!found) {
      blocker({"missing-suite", suite, "", "",
               "required suite " + suite + " has no gate result under the folders", ""});
    }
  }
  for (const std::string& name : required.drills) {
    const bool found = std::any_of(m_packet.drills.begin(), m_packet.drills.end(),
                                   [&](const DrillEntry& entry) { return entry.name == name; });
    if (!found) {
      blocker({"missing-drill", "", "", name,
               "required drill " + name + " has no result (no " + name +
                   " in any *.drill.json under the folders)",
               ""});
    }
  }
}

Evidence combine(Evidence a, Evidence b) {
  if (a == Evidence::none) {
    return b;
  }
  if (b == Evidence::none || a == b) {
    return a;
  }
  return Evidence::mixed;
}

void Folder::evidence() {
  std::map<std::string, SuiteEntry, bool (*)(const std::string&, const std::string&)> suites(
      [](const std::string& a, const std::string& b) { return natural_less(a, b); });
  std::size_t gates = 0;
  for (const TestEntry& test : m_packet.tests) {
    SuiteEntry& suite = suites[test.suite];
    suite.name = test.suite;
    ++suite.tests;
    switch (test.exit_code) {
      case 0:
        ++suite.passed;
        break;
      case 1:
        ++suite.failed;
        break;
      case 4:
        ++suite.inconclusive;
        break;
      case 2:
        ++suite.invalid;
        break;
      default:
        ++suite.run_failed;
        break;
    }
    suite.waived += test.waived;
    suite.evidence = combine(suite.evidence, test.evidence);
    m_packet.evidence = combine(m_packet.evidence, test.evidence);
    if (test.mode == "gate" || gate_mode(test.mode)) {
      ++gates;
    }
    if (test.evidence != Evidence::sample) {
      continue;
    }
    Finding finding{"sample-evidence",
                    test.suite,
                    test.test,
                    "",
                    test.test + " is sample evidence, replayed rather than measured here: " +
                        test.sample_reason,
                    ""};
    if (m_inputs.requirements.live) {
      finding.message += " (--require-live)";
      blocker(std::move(finding));
    } else {
      warning(std::move(finding));
    }
  }
  for (auto& [name, suite] : suites) {
    m_packet.suites.push_back(std::move(suite));
  }
  if (gates == 0) {
    std::string roots;
    for (const std::string& root : m_inputs.roots) {
      roots += (roots.empty() ? "" : ", ") + root;
    }
    blocker({"no-gate-results", "", "", "",
             "no gate result under " + (roots.empty() ? std::string("the folders") : roots) +
                 " (no run.json of a gate test, no report.json): nothing was checked",
             ""});
  }
  if (m_packet.commits.size() > 1) {
    warning({"mixed-commits", "", "", "",
             "the results come from " + std::to_string(m_packet.commits.size()) +
                 " commits, not one run",
             ""});
  }
}

}  // namespace

std::string_view to_string(Evidence evidence) {
  switch (evidence) {
    case Evidence::live:
      return "live";
    case Evidence::sample:
      return "sample";
    case Evidence::mixed:
      return "mixed";
    default:
      return "none";
  }
}

Packet fold(const Inputs& inputs, const DigestOf& digest_of) {
  Packet packet;
  packet.roots = inputs.roots;
  packet.requirements = inputs.requirements;
  packet.generated_at = inputs.generated_at;
  packet.tool_version = inputs.tool_version;
  Folder folder(inputs, digest_of, packet);
  for (const Unreadable& unreadable : inputs.unreadable) {
    packet.bad_input = true;
    folder.blocker({"unreadable", "", "", "", unreadable.message, unreadable.file});
  }
  for (const GateArtifact& artifact : inputs.gates) {
    folder.gate(artifact);
  }
  for (const DrillFile& drill : inputs.drills) {
    folder.drill(drill);
  }
  std::stable_sort(packet.tests.begin(), packet.tests.end(),
                   [](const TestEntry& a, const TestEntry& b) {
                     if (a.suite != b.suite) {
                       return natural_less(a.suite, b.suite);
                     }
                     return natural_less(a.test, b.test);
                   });
  std::stable_sort(packet.drills.begin(), packet.drills.end(),
                   [](const DrillEntry& a, const DrillEntry& b) { return a.name < b.name; });
  folder.evidence();
  folder.requirements();
  packet.ready = packet.blockers.empty();
  return packet;
}

int exit_code(const Packet& packet) {
  if (packet.bad_input) {
    return 2;
  }
  return packet.ready ? 0 : 1;
}

}  // namespace perfgate::readiness
