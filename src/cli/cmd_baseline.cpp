// perfgate baseline update (alias: record): the only way a baseline is written, and baseline
// check (docs/baselines.md). An update takes an exclusive lock on `<baseline>.lock`, removes the
// temporaries of writers that died, writes the before/after comparison into a staging folder, then
// the baseline (atomically) and then the comparison folder as a whole (an atomic exchange), so a
// kill at any moment leaves the old or the new baseline and one complete report set.
#include "commands.hpp"
#include "common.hpp"
#include "exit_code.hpp"

#include <perfgate/callgrind.hpp>
#include <perfgate/io.hpp>
#include <perfgate/version.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

namespace perfgate::cli {

namespace {

struct RecordOptions {
  std::vector<std::string> results;
  std::string suite;
  std::string out;
  std::string reason;
  std::string runner;
  std::string context;
  std::string recorded_by;
  std::string policy;
  std::string report_dir;
  std::string paths_relative_to;  // files under it are named relative to it
  std::string family;             // re-record only this family of the existing baseline
  bool pool_runs = false;         // the runs' repetitions as one sample
  bool adopt = false;             // keep the numbers of --out, give it a digest and this reason
  double lock_timeout = 120;      // seconds to wait for another update of the same file
  std::string command_line;
};

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  const auto end = text.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

// `path` relative to `root` when it lies inside it ("build/bin/bm_example"), else unchanged: a
// committed baseline names the files it came from without the folder names of one machine.
std::string relative_to(const std::string& path, const std::string& root) {
  namespace fs = std::filesystem;
  if (root.empty() || path.empty()) {
    return path;
  }
  std::error_code ec;
  const fs::path absolute_root = fs::absolute(root, ec).lexically_normal();
  const fs::path absolute_path = fs::absolute(path, ec).lexically_normal();
  const fs::path relative = absolute_path.lexically_relative(absolute_root);
  if (ec || relative.empty() || *relative.begin() == "..") {
    return path;
  }
  return relative.generic_string();
}


namespace fs = std::filesystem;

// Whether a process runs: kill(pid, 0), except that a zombie (killed, not yet reaped: its parent
// died with it, and PID 1 reaps it a moment later) is dead (Linux: its state in /proc).
bool process_alive(long pid) {
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) {
    return false;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const std::size_t name_end = line.rfind(')');
  return name_end == std::string::npos || name_end + 2 >= line.size() ||
         (line[name_end + 2] != 'Z' && line[name_end + 2] != 'X');
}

// The process id in a name "<prefix><pid>-...", or 0.
long pid_in(const std::string& name, const std::string& prefix) {
  if (name.compare(0, prefix.size(), prefix) != 0) {
    return 0;
  }
  return std::strtol(name.c_str() + prefix.size(), nullptr, 10);
}

// An exclusive lock (flock) on `<baseline>.lock` for the whole read-compare-write of an update,
// so two updates of one file never both say "recorded" with one of them lost: the second waits
// (at most `timeout` seconds) and then records on top of the first, or gives up naming the holder.
// The lock file stays (removing it would let a third writer lock a new file while the second
// still waits on the old one); it holds who has it.
class BaselineLock {
 public:
  BaselineLock(const std::string& baseline, double timeout) : m_path(baseline + ".lock") {
    std::error_code ec;
    if (fs::path(m_path).has_parent_path()) {
      fs::create_directories(fs::path(m_path).parent_path(), ec);
    }
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      m_problem = "cannot open the lock file '" + m_path + "': " + std::strerror(errno);
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
    bool announced = false;
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        m_problem = "cannot lock '" + m_path + "': " + std::strerror(errno);
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        m_problem = "another update of this baseline holds its lock ('" + m_path + "': " +
                    holder() + ") and did not finish within " +
                    std::to_string(static_cast<long>(timeout)) + " s (--lock-timeout)";
        return;
      }
      if (!announced) {
        std::cout << "perfgate: waiting for another update of this baseline to finish (" << holder()
                  << ")" << std::endl;
        announced = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    m_locked = true;
    const std::string who = "pid " + std::to_string(::getpid()) + " on " + host_name() +
                            " since " + utc_now() + "\n";
    if (::ftruncate(m_fd, 0) == 0) {
      (void)!::pwrite(m_fd, who.data(), who.size(), 0);
    }
  }
  ~BaselineLock() {
    if (m_fd >= 0) {
      if (m_locked) {
        (void)!::ftruncate(m_fd, 0);  // nobody holds it now
      }
      ::close(m_fd);  // releases the lock
    }
  }
  BaselineLock(const BaselineLock&) = delete;
  BaselineLock& operator=(const BaselineLock&) = delete;

  [[nodiscard]] bool locked() const { return m_locked; }
  [[nodiscard]] const std::string& problem() const { return m_problem; }

 private:
  std::string m_path;
  int m_fd = -1;
  bool m_locked = false;
  std::string m_problem;

  [[nodiscard]] std::string holder() const {
    std::ifstream in(m_path);
    std::string line;
    std::getline(in, line);
    return line.empty() ? std::string("held by a process that is not a perfgate update")
                        : "held by " + line;
  }
};

// A folder's path without a trailing separator ("out/comparison/" -> "out/comparison").
std::string folder_path(const std::string& dir) {
  std::string path = fs::path(dir).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
  }
  return path;
}

// The temporaries of writers that died (kill -9, power loss) beside `baseline`
// ("<name>.tmp-perfgate-<pid>-...", io.cpp) and beside the comparison folder (its staging and
// retired copies): removed under the lock, so no live update of the same files can own them.
void remove_stale_temporaries(const std::string& baseline, const std::string& report_dir) {
  std::error_code ec;
  const auto sweep = [&ec](const fs::path& file, const std::vector<std::string>& prefixes) {
    const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      for (const std::string& prefix : prefixes) {
        const std::string full = file.filename().string() + prefix;
        if (name.compare(0, full.size(), full) == 0 && !process_alive(pid_in(name, full))) {
          std::error_code ignored;
          fs::remove_all(it->path(), ignored);
          std::cout << "perfgate: removed " << it->path().generic_string()
                    << ", left by an update that did not finish" << std::endl;
        }
      }
    }
  };
  sweep(fs::path(baseline), {".tmp-perfgate-"});
  if (!report_dir.empty()) {
    sweep(fs::path(folder_path(report_dir)), {".staging-", ".retired-"});
  }
}

// The staging folder of a report set: "<dir>.staging-<pid>".
std::string staging_folder(const std::string& report_dir) {
  return folder_path(report_dir) + ".staging-" + std::to_string(::getpid());
}

// Puts the staged report set in place of `report_dir` as a whole: an atomic exchange of the two
// folders (renameat2 RENAME_EXCHANGE), so a reader or a kill sees the old set or the new one,
// never a mix; where the exchange is not available, the old set is first moved aside.
bool publish_reports(const std::string& staging, const std::string& report_dir) {
  const std::string target = folder_path(report_dir);
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    fs::rename(staging, target, ec);
  } else {
#ifdef RENAME_EXCHANGE
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      fs::remove_all(staging, ec);  // now the old set
      return true;
    }
#endif
    const std::string retired = target + ".retired-" + std::to_string(::getpid());
    fs::rename(target, retired, ec);
    if (!ec) {
      fs::rename(staging, target, ec);
      std::error_code ignored;
      fs::remove_all(retired, ignored);
    }
  }
  if (ec) {
    std::cerr << "perfgate: error: cannot put the comparison into '" << target << "': "
              << ec.message() << " (it is in '" << staging << "')\n";
    return false;
  }
  return true;
}

// The new baseline from the results files (not for --adopt); nullopt after a message, with the
// exit code in `exit`.
std::optional<Baseline> baseline_from_results(const RecordOptions& options, int& exit) {
  exit = k_exit_invalid_input;
  auto runs = load_results(options.results);
  if (!runs) {
    return std::nullopt;
  }
  if (runs->benchmarks.empty()) {
    std::cerr << "perfgate: error: " << runs->source << " holds no benchmarks to record\n";
    return std::nullopt;
  }
  int broken = 0;
  for (const auto& benchmark : runs->benchmarks) {
    if (benchmark.errored || benchmark.skipped) {
      std::cerr << runs->source << ": error: benchmark \"" << benchmark.name << "\" "
                << (benchmark.errored ? "reported an error: " + benchmark.error_message
                                      : "was skipped: " + benchmark.skip_message)
                << '\n';
      ++broken;
    }
  }
  if (broken > 0) {
    std::cerr << "perfgate: error: a baseline is never recorded from a failed run (" << broken
              << " benchmark" << (broken == 1 ? "" : "s") << ")\n";
    exit = k_exit_run_failed;
    return std::nullopt;
  }
  if (!options.context.empty()) {
    const auto context = load_context(options.context);
    if (!context) {
      return std::nullopt;
    }
    apply_context(*runs, *context);
  }
  if (options.pool_runs) {
    // One sample of every run's repetitions: their spread then holds the run-to-run offsets too,
    // so a gate against it is more cautious, not less (docs/baselines.md, RECORD_RUNS).
    for (auto& benchmark : runs->benchmarks) {
      for (auto& metric : benchmark.metrics) {
        metric.groups.clear();
      }
    }
  }
  Baseline baseline;
  baseline.suite = options.suite;
  baseline.runner = options.runner;
  baseline.provenance.source = runs->source;
  baseline.runs = std::move(*runs);
  if (!options.paths_relative_to.empty()) {
    const std::string& root = options.paths_relative_to;
    baseline.provenance.source = relative_to(baseline.provenance.source, root);
    baseline.runs.context.executable = relative_to(baseline.runs.context.executable, root);
    if (const auto it = baseline.runs.context.extra.find("executable");
        it != baseline.runs.context.extra.end()) {
      it->second = relative_to(it->second, root);
    }
  }
  exit = k_exit_passed;
  return baseline;
}

int record(const RecordOptions& options) {
  if (trimmed(options.reason).size() < 10) {
    std::cerr << "perfgate: error: --reason must say why the baseline changes (at least 10 "
                 "characters): what changed, and why it is acceptable\n";
    return k_exit_invalid_input;
  }
  if (options.adopt != options.results.empty()) {
    std::cerr << "perfgate: error: "
              << (options.adopt ? "--adopt keeps the numbers of --out: give no --results"
                                : "--results is required (or --adopt, to keep the numbers of --out)")
              << '\n';
    return k_exit_invalid_input;
  }
  if (!options.adopt && options.suite.empty()) {
    std::cerr << "perfgate: error: --suite is required\n";
    return k_exit_invalid_input;
  }
  Baseline baseline;
  if (!options.adopt) {
    int exit = k_exit_passed;
    auto made = baseline_from_results(options, exit);
    if (!made) {
      return exit;
    }
    baseline = std::move(*made);
  }
  baseline.provenance.recorded_at = utc_now();
  baseline.provenance.recorded_by = options.recorded_by;
  baseline.provenance.reason = trimmed(options.reason);
  baseline.provenance.tool_version = std::string(k_version);
  baseline.provenance.command = options.command_line + (options.adopt ? " --adopt" : "");

  // Read, compare and write under the lock; temporaries of writers that died go first.
  const BaselineLock lock(options.out, options.lock_timeout);
  if (!lock.locked()) {
    std::cerr << "perfgate: error: " << options.out << ": " << lock.problem()
              << "\n  hint: wait for it to finish and update again; nothing was written\n";
    return k_exit_run_failed;
  }
  remove_stale_temporaries(options.out, options.report_dir);

  // An existing baseline is never lost: its provenance (with its digest) goes into the history,
  // and the before/after comparison into the report folder. One that does not validate (a
  // digest mismatch included) is left alone.
  std::error_code ec;
  std::optional<Baseline> previous;
  if (fs::exists(options.out, ec)) {
    previous = load_baseline(options.out, options.adopt ? BaselineRead::adopt_legacy
                                                        : BaselineRead::verified);
    if (!previous) {
      std::cerr << options.out << ": error: the existing baseline does not validate, so it is "
                                  "not overwritten\n  hint: restore it from version control (git "
                                  "checkout -- " << options.out << "), or move it away and update "
                                  "again\n";
      return k_exit_invalid_input;
    }
  } else if (options.adopt) {
    std::cerr << "perfgate: error: --adopt keeps the numbers of '" << options.out
              << "', which does not exist\n";
    return k_exit_invalid_input;
  }
  if (previous) {
    if (options.adopt) {
      baseline.suite = previous->suite;
      baseline.runner = previous->runner;
      baseline.runs = previous->runs;
      baseline.provenance.source = previous->provenance.source;
    } else if (!options.family.empty()) {
      // One family re-recorded: every other benchmark keeps the numbers it had.
      auto merged = callgrind::merge_family(previous->runs, baseline.runs, options.family,
                                            baseline.provenance.source);
      if (!merged) {
        std::cerr << format_diagnostics(merged.error());
        return k_exit_invalid_input;
      }
      baseline.runs = std::move(*merged);
    }
    Provenance replaced = previous->provenance;
    replaced.digest = previous->digest;
    baseline.history.push_back(std::move(replaced));
    baseline.history.insert(baseline.history.end(), previous->history.begin(),
                            previous->history.end());
  }
  if (!options.family.empty() && !previous) {
    std::cerr << "perfgate: error: --family re-records one family of an existing baseline, and '"
              << options.out << "' does not exist\n  hint: record the whole suite first\n";
    return k_exit_invalid_input;
  }
  const std::string text = write_baseline(baseline);
  const std::string digest = baseline_digest(text).value_or("");

  // The comparison is staged whole before the baseline changes, and put in place after it.
  std::string staging;
  if (previous && !options.report_dir.empty()) {
    std::optional<Policy> policy =
        options.policy.empty() ? std::optional<Policy>(default_policy()) : load_policy(options.policy);
    if (!policy) {
      return k_exit_invalid_input;
    }
    GateResult comparison = evaluate(previous->runs, baseline.runs, *policy);
    comparison.run.record = true;  // an accepted change, not a gate (docs/reports.md)
    comparison.run.baseline_kind = "previous baseline";
    comparison.run.reason = baseline.provenance.reason;
    comparison.run.digest = digest;
    ReportOptions report;
    staging = staging_folder(options.report_dir);
    fs::remove_all(staging, ec);
    report.report_dir = staging;
    report.color = "never";
    std::cout << "Before/after comparison (old baseline -> new baseline):\n";
    if (!emit_reports(comparison, report)) {
      return k_exit_invalid_input;
    }
  }
  if (!write_output(options.out, text)) {
    return k_exit_invalid_input;
  }
  if (!staging.empty() && !publish_reports(staging, options.report_dir)) {
    return k_exit_run_failed;
  }
  std::cout << (previous ? "updated " : "recorded ") << baseline.runs.benchmarks.size()
            << " benchmarks of suite \"" << baseline.suite << "\" into " << options.out << " ("
            << digest
            << (!previous                   ? std::string()
                : previous->digest.empty() ? std::string(", replacing a file without a digest")
                                           : ", replacing " + previous->digest)
            << ")\n";
  return k_exit_passed;
}

struct CheckOptions {
  std::string baseline;
  std::string context;
  std::string policy;
};

// What the CTest validate fixture runs before any gate test: the baseline parses, holds no failed
// run, and (with --context) was recorded on this kind of runner; the policy (if given) parses.
int check(const CheckOptions& options) {
  const auto baseline = load_baseline(options.baseline);
  if (!baseline) {
    return k_exit_invalid_input;
  }
  if (!options.policy.empty() && !load_policy(options.policy)) {
    return k_exit_invalid_input;
  }
  if (!options.context.empty()) {
    const auto context = load_context(options.context);
    if (!context) {
      return k_exit_invalid_input;
    }
    RunSet here;
    apply_context(here, *context);
    if (!fingerprint_matches(baseline->runs, here, options.baseline)) {
      return k_exit_invalid_input;
    }
  }
  const Provenance& p = baseline->provenance;
  std::cout << options.baseline << ": baseline of suite \"" << baseline->suite << "\" is valid ("
            << baseline->runs.benchmarks.size() << " benchmarks" << (baseline->runner.empty() ? "" : ", runner " + baseline->runner)
            << ", digest " << baseline->digest << " checked)\n  recorded " << p.recorded_at << " by " << p.recorded_by << ": " << p.reason
            << '\n';
  return k_exit_passed;
}


// The options of an update; `record` is the same command under its old name.
void add_update_options(CLI::App* app, RecordOptions& options) {
  app->add_option("--results", options.results,
                  "Results JSON; repeat for several separate runs (recommended: 3 or more)")
      ->check(CLI::ExistingFile);
  app->add_option("--suite", options.suite, "Suite name");
  app->add_flag("--pool-runs", options.pool_runs,
                "Pool the repetitions of several --results runs into one sample (the stored "
                "wall-time lane: the runs judge the load, the gate sees one sample)");
  app->add_option("--family", options.family,
                  "Re-record only this family (\"BM_x\", \"Fixture/Method\") of the existing "
                  "baseline --out; every other benchmark keeps its numbers");
  app->add_flag("--adopt", options.adopt,
                "Keep the numbers of the existing --out (e.g. a perfgate.baseline/1 file without a "
                "digest, checked against version control) and write it again with a digest and "
                "this reason");
  app->add_option("--out", options.out, "Baseline file to write (baselines/<runner>/<suite>.json)")
      ->required();
  app->add_option("--reason", options.reason, "Why this baseline is recorded or changes (required)");
  app->add_option("--runner", options.runner, "Runner class the numbers belong to");
  app->add_option("--context", options.context, "Run-context file (perfgate.context/1)");
  const char* user = std::getenv("USER");
  options.recorded_by = user != nullptr ? user : "unknown";
  app->add_option("--recorded-by", options.recorded_by, "Who records it")->capture_default_str();
  app->add_option("--policy", options.policy, "Policy for the before/after comparison");
  app->add_option("--report-dir", options.report_dir,
                  "Write the before/after comparison with the previous baseline here (replaced "
                  "as a whole)");
  app->add_option("--paths-relative-to", options.paths_relative_to,
                  "Name the results file and the executable relative to this folder (the source "
                  "tree) when they lie inside it, so a committed baseline holds no machine path");
  app->add_option("--lock-timeout", options.lock_timeout,
                  "Seconds to wait while another update of the same baseline holds its lock; "
                  "then exit 3 naming the holder")
      ->capture_default_str();
}

}  // namespace

Command setup_baseline(CLI::App& parent) {
  auto update_options = std::make_shared<RecordOptions>();
  auto record_options = std::make_shared<RecordOptions>();
  CLI::App* app = add_command_group(parent, "baseline", "Update and check baselines");
  CLI::App* upd = app->add_subcommand(
      "update", "Record or change a baseline from results files, with a written reason (locked, "
                "atomic, the previous provenance kept)");
  add_update_options(upd, *update_options);
  update_options->command_line = "perfgate baseline update";
  CLI::App* rec = app->add_subcommand("record", "The same as baseline update (its older name)");
  add_update_options(rec, *record_options);
  record_options->command_line = "perfgate baseline update";

  auto check_options = std::make_shared<CheckOptions>();
  CLI::App* chk = app->add_subcommand(
      "check", "Validate a baseline (its digest too) and, with --context, that it fits this runner");
  chk->add_option("baseline", check_options->baseline, "Baseline file")->required();
  chk->add_option("--context", check_options->context,
                  "Run-context file of this runner (perfgate.context/1)");
  chk->add_option("--policy", check_options->policy, "Policy file to validate too");
  return {app, [update_options, record_options, check_options, upd, rec] {
            if (upd->parsed()) {
              return record(*update_options);
            }
            return rec->parsed() ? record(*record_options) : check(*check_options);
          }};
}

}  // namespace perfgate::cli
