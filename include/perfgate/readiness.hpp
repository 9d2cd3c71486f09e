// The readiness packet ("perfgate.readiness/1", docs/readiness.md): every gate result and drill
// result of a run folded into one answer, ready or not, with the blockers that say why not, and
// whether the evidence was measured here (live) or replayed from recorded files (sample).
// Pure: the caller finds and reads the files, and says what each recorded file digests to now.
#pragma once

#include <perfgate/evidence.hpp>
#include <perfgate/result.hpp>
#include <perfgate/summary.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// A fault drill's result ("perfgate.drill/1", a `*.drill.json` file written by `ctest -L drill`).
struct DrillResult {
  std::string source;
  std::string name;   // "benchmark-crash"
  std::string fault;  // what was injected
  int expected_exit = 0;
  int actual_exit = 0;
  std::string message_regex;
  bool message_found = false;
  bool artifacts_written = false;
  bool nothing_lost = false;
  bool passed = false;
  std::string test;  // the CTest test that ran it
  std::string details;
};

Result<DrillResult> parse_drill(std::string_view text, const std::string& source);

// A waiver a report names ("waiver" of a decision, or the report's "waivers"), written by the
// gate that applied it. Every member but `benchmark` and `status` may be empty.
struct WaiverRecord {
  std::string benchmark;
  std::string metric;
  std::optional<double> max_change_pct;
  std::string owner;
  std::string reason;
  std::string tracking;
  std::string expires;
  std::string status;  // "in_force", "exceeded", "expired", "ready_to_retire"
};

// What the packet needs of a report.json beyond its counts: whom it names, what it gated, and its
// waivers (tolerated when absent: reports of a perfgate without waivers have none).
struct ReportFacts {
  std::string test;
  std::string suite;
  std::string commit;
  std::string baseline_source;
  std::string candidate_source;
  std::vector<WaiverRecord> waivers;  // one per (benchmark, metric, expires)
};

Result<ReportFacts> parse_report_facts(std::string_view text, const std::string& source);

namespace readiness {

// "live" (measured here, every recorded file still as measured), "sample" (replayed from
// recorded files), "mixed" (some of each), "none" (no gate result at all).
enum class Evidence { none, live, sample, mixed };
std::string_view to_string(Evidence evidence);

// One folder of gate artifacts as the caller read it: run.json (written by `perfgate run`),
// report.json (written by every gate), or both.
struct GateArtifact {
  std::string folder;      // how the packet names it, e.g. "outcomes/perf.outcomes.BM_Alpha"
  std::string directory;   // where it is, to resolve the relative paths run.json records
  std::string run_source;  // "" when the folder has no run.json
  std::string run_text;
  std::string report_source;  // "" when the folder has no report.json
  std::string report_text;
};

// A file under the folders that could not be read (a diagnostic of io.hpp, formatted).
struct Unreadable {
  std::string file;
  std::string message;
};

struct DrillFile {
  std::string source;
  std::string text;
};

struct Requirements {
  bool live = false;
  std::vector<std::string> suites;
  std::vector<std::string> drills;
};

struct Inputs {
  std::vector<std::string> roots;  // the folders searched, as given
  std::vector<GateArtifact> gates;
  std::vector<DrillFile> drills;
  std::vector<Unreadable> unreadable;
  Requirements requirements;
  std::string generated_at;  // ISO 8601, the caller's clock
  std::string tool_version;
};

// The digest of the file at `path` now ("sha256:..."), nullopt when it is missing or unreadable.
using DigestOf = std::function<std::optional<std::string>(const std::string& path)>;

// A blocker (the packet is not ready while there is one) or a warning (it is, but look).
struct Finding {
  std::string kind;  // "test-failed", "sample-evidence", "missing-drill", ... (docs/readiness.md)
  std::string suite;
  std::string test;
  std::string drill;
  std::string message;
  std::string file;
};

// A file a verdict rests on: what was recorded and what it digests to now.
struct Material {
  std::string test;
  std::string role;                    // results, policy, baseline, reference, report
  std::string path;                    // as recorded
  std::string digest;                  // as recorded ("" = the run could not read it)
  std::optional<std::string> current;  // now; nullopt = missing
  [[nodiscard]] bool verified() const { return !digest.empty() && current == digest; }
};

struct TestEntry {
  std::string folder;
  std::string suite;
  std::string test;
  std::string mode;
  std::string status;  // run.json's status, or the report's for a replayed gate
  int exit_code = 0;
  Evidence evidence = Evidence::sample;
  std::string sample_reason;  // why it is not live ("" when live)
  std::string commit;
  std::string runner;
  std::string runner_fingerprint;
  std::string toolchain;
  std::size_t waived = 0;  // decisions waived
  std::size_t warned = 0;  // decisions with the verdict warn
};

struct SuiteEntry {
  std::string name;
  std::size_t tests = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t inconclusive = 0;
  std::size_t run_failed = 0;
  std::size_t invalid = 0;  // invalid input or refused
  std::size_t waived = 0;   // decisions waived, over its tests
  Evidence evidence = Evidence::none;
};

struct DrillEntry {
  std::string name;
  std::string fault;
  std::string test;
  std::string file;
  bool passed = false;
  int expected_exit = 0;
  int actual_exit = 0;
};

struct WaiverEntry {
  std::string suite;
  std::string test;
  WaiverRecord waiver;
};

struct Packet {
  bool ready = false;
  bool bad_input = false;  // some file could not be read or was invalid (exit 2)
  Evidence evidence = Evidence::none;
  std::vector<Finding> blockers;
  std::vector<Finding> warnings;
  std::vector<TestEntry> tests;    // by suite, then test (natural order)
  std::vector<SuiteEntry> suites;  // by name
  std::vector<DrillEntry> drills;  // by name
  std::vector<WaiverEntry> waivers;
  std::vector<std::string> commits;  // distinct, in order of first appearance
  std::vector<std::string> runner_fingerprints;
  std::vector<std::string> toolchains;
  std::vector<Material> materials;
  std::vector<std::string> roots;
  Requirements requirements;
  std::string generated_at;
  std::string tool_version;
};

// Folds the inputs into the packet. `digest_of` is asked about every file run.json records.
Packet fold(const Inputs& inputs, const DigestOf& digest_of);

// 0 ready, 1 not ready, 2 some input could not be read or was invalid.
int exit_code(const Packet& packet);

void render_markdown(const Packet& packet, std::ostream& out);
void render_json(const Packet& packet, std::ostream& out);
// An in-toto Statement (v1) with a test-result predicate (v0.1); docs/readiness.md.
void render_in_toto(const Packet& packet, std::ostream& out);

}  // namespace readiness

}  // namespace perfgate
