// The process edge of the instructions lane (callgrind_runner.hpp). POSIX and Linux only:
// fork/execve, poll the dump files, SIGKILL, wait4.
#include "callgrind_runner.hpp"
#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

// The most valgrind thread ids a benchmark's dump files are looked for under.
constexpr int k_max_thread_id = 64;
constexpr auto k_poll_interval = std::chrono::milliseconds(5);

// One benchmark being measured by one valgrind process.
class ActiveJob {
 public:
  ActiveJob(std::size_t job, const std::string& benchmark, const Staged& staged,
            const RunnerSettings& settings, int slot)
      : m_job(job),
        m_out_dir(settings.stage_dir + "/out." + std::to_string(slot)),
        m_collector(callgrind::schedule_of(benchmark)),
        m_timeout(settings.timeout_seconds),
        m_start(Clock::now()) {
    std::error_code ec;
    fs::remove_all(m_out_dir, ec);
    fs::create_directories(m_out_dir, ec);
    if (!m_collector.schedule().time_override.empty()) {
      return;  // not measurable: callgrind::measure says why, without running anything
    }
    m_child.emplace(callgrind_command(settings.valgrind, m_out_dir + "/cg", staged.program,
                                      benchmark),
                    staged.directory, m_out_dir + "/stdout.txt", m_out_dir + "/valgrind.txt",
                    pinned_environment(settings.extra_environment));
    if (!m_child->started()) {
      m_broken = "could not start valgrind: " + m_child->start_error();
    }
  }

  [[nodiscard]] std::size_t job() const { return m_job; }

  // Reads what is new; kills valgrind once it has enough runs or its time is up. Returns true
  // when the job is finished, and sets `progress` when it read something.
  bool step(bool& progress) {
    if (!m_child || !m_broken.empty()) {
      return true;
    }
    drain(progress);
    if (m_collector.complete() || !m_broken.empty()) {
      m_child->kill_and_wait();
      m_stopped_by_driver = true;
      return true;
    }
    if (m_child->poll()) {
      drain(progress);  // the dumps written just before it exited
      return true;
    }
    if (seconds_since(m_start) > m_timeout) {
      m_child->kill_and_wait();
      m_timed_out = true;
      return true;
    }
    return false;
  }

  JobOutcome finish() {
    JobOutcome outcome;
    outcome.seconds = seconds_since(m_start);
    callgrind::ProcessOutcome process;
    process.timeout_seconds = m_timeout;
    process.timed_out = m_timed_out;
    process.stopped_by_driver = m_stopped_by_driver;
    if (m_child) {
      outcome.cpu_seconds = m_child->cpu_seconds();
      if (!m_stopped_by_driver && !m_timed_out) {
        decode_status(m_child->status(), process.exit_code, process.signal);
      }
    }
    process.console_output = slurp(m_out_dir + "/stdout.txt").value_or("");
    process.valgrind_log = slurp(m_out_dir + "/valgrind.txt").value_or("");
    outcome.measurement = callgrind::measure(m_collector, process);
    if (!m_broken.empty()) {
      outcome.measurement = callgrind::Measurement{};
      outcome.measurement.error = m_broken;
    }
    std::error_code ec;
    fs::remove_all(m_out_dir, ec);
    return outcome;
  }

 private:
  // Feeds every complete dump file, in part order, to the collector, and removes it.
  void drain(bool& progress) {
    while (!m_collector.complete() && m_broken.empty()) {
      const auto path = find_part(m_next_part);
      if (!path) {
        return;
      }
      const auto text = slurp(*path);
      if (!text || !callgrind::is_complete_dump(*text)) {
        return;  // still being written
      }
      auto dump = callgrind::parse_dump(*text, *path);
      if (!dump) {
        m_broken = "callgrind wrote a dump perfgate cannot read:\n" +
                   format_diagnostics(dump.error());
        return;
      }
      m_seen_threads.insert(dump->thread);
      m_collector.add(*dump);
      std::error_code ec;
      fs::remove(*path, ec);
      ++m_next_part;
      progress = true;
    }
  }

  // "<out>/cg.<part>-<thread>" (callgrind prints the thread id with at least two digits).
  std::optional<std::string> find_part(int part) const {
    const auto path_for = [&](int thread) {
      char suffix[32];
      std::snprintf(suffix, sizeof(suffix), ".%d-%02d", part, thread);
      return m_out_dir + "/cg" + suffix;
    };
    struct stat info {};
    for (const int thread : m_seen_threads) {
      const std::string path = path_for(thread);
      if (stat(path.c_str(), &info) == 0) {
        return path;
      }
    }
    for (int thread = 1; thread <= k_max_thread_id; ++thread) {
      if (m_seen_threads.count(thread) != 0) {
        continue;
      }
      const std::string path = path_for(thread);
      if (stat(path.c_str(), &info) == 0) {
        return path;
      }
    }
    return std::nullopt;
  }

  std::size_t m_job;
  std::string m_out_dir;
  callgrind::RunCollector m_collector;
  double m_timeout;
  Clock::time_point m_start;
  std::optional<Child> m_child;
  std::set<int> m_seen_threads;
  int m_next_part = 1;
  bool m_stopped_by_driver = false;
  bool m_timed_out = false;
  std::string m_broken;
};

}  // namespace

std::vector<std::string> pinned_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> environment{"PATH=/usr/bin:/bin", "LD_BIND_NOW=1"};
  for (const std::string& entry : extra) {
    const std::string name = entry.substr(0, entry.find('=') + 1);  // "VAR="
    const auto same = [&name](const std::string& e) { return e.rfind(name, 0) == 0; };
    environment.erase(std::remove_if(environment.begin(), environment.end(), same),
                      environment.end());
    environment.push_back(entry);
  }
  return environment;
}

std::optional<Staged> stage_executable(const std::string& executable, const std::string& stage_dir,
                                       std::string& error) {
  std::error_code ec;
  fs::create_directories(stage_dir, ec);
  if (ec) {
    error = "cannot create the stage folder '" + stage_dir + "': " + ec.message();
    return std::nullopt;
  }
  // A fixed-length path, whatever the build tree is called (see the header).
  char run_template[] = "/tmp/perfgate-cg-XXXXXX";
  if (mkdtemp(run_template) == nullptr) {
    error = std::string("cannot create a run folder /tmp/perfgate-cg-XXXXXX: ") +
            std::strerror(errno);
    return std::nullopt;
  }
  const fs::path run_dir(run_template);
  constexpr auto k_executable = fs::perms::owner_all | fs::perms::group_read |
                                fs::perms::group_exec | fs::perms::others_read |
                                fs::perms::others_exec;
  const fs::path target = run_dir / "bench";
  const fs::path temporary = run_dir / "bench.tmp";
  fs::copy_file(executable, temporary, fs::copy_options::overwrite_existing, ec);
  if (!ec) {
    fs::permissions(temporary, k_executable, ec);
  }
  if (!ec) {
    fs::rename(temporary, target, ec);
  }
  if (ec) {
    error = "cannot copy '" + executable + "' to '" + target.string() + "': " + ec.message();
    fs::remove_all(run_dir, ec);
    return std::nullopt;
  }
  // The pinned-host library, at a path of fixed length too (it ends up in LD_PRELOAD, on the
  // program's stack).
  const fs::path preload = run_dir / "pinned_host.so";
  const std::string_view library = pinned_host_library();
  bool written = false;
  {
    std::ofstream out(preload, std::ios::binary);
    out.write(library.data(), static_cast<std::streamsize>(library.size()));
    written = static_cast<bool>(out.flush());
  }
  if (written) {
    fs::permissions(preload, k_executable, ec);
  }
  if (!written || ec) {
    error = "cannot write the pinned-host library to '" + preload.string() + "'";
    fs::remove_all(run_dir, ec);
    return std::nullopt;
  }
  return Staged{run_dir.string(), "./bench", preload.string()};
}

std::vector<std::string> pinned_host_environment(const Staged& staged, std::size_t auxv_entries,
                                                 const std::vector<std::string>& extra) {
  std::string preload = "LD_PRELOAD=" + staged.preload;
  std::vector<std::string> environment;
  for (const std::string& entry : extra) {
    if (entry.rfind("LD_PRELOAD=", 0) == 0) {
      preload += ":" + entry.substr(11);  // the caller's preloads come after the pinned host
    } else {
      environment.push_back(entry);
    }
  }
  std::vector<std::string> pinned{preload, "TZ=UTC0"};
  if (const auto padding = callgrind::stack_padding(auxv_entries)) {
    pinned.push_back("PERFGATE_STACK_PAD=" + *padding);
  }
  // The caller's entries come last, so an explicit --env TZ=... still wins.
  pinned.insert(pinned.end(), environment.begin(), environment.end());
  return pinned;
}

std::optional<std::size_t> host_auxv_entries() {
  const auto text = slurp("/proc/self/auxv");
  if (!text || text->size() % 16 != 0) {
    return std::nullopt;
  }
  // (type, value) pairs of 64-bit words, ended by type 0 (AT_NULL).
  for (std::size_t at = 0; at + 16 <= text->size(); at += 16) {
    std::uint64_t type = 0;
    std::memcpy(&type, text->data() + at, sizeof(type));
    if (type == 0) {
      return at / 16;
    }
  }
  return std::nullopt;
}

void remove_staged(const Staged& staged) {
  std::error_code ec;
  fs::remove_all(staged.directory, ec);
}

CapturedRun run_captured(const std::vector<std::string>& argv, const std::string& cwd,
                         const std::string& scratch, double timeout_seconds,
                         const std::vector<std::string>& extra_environment) {
  CapturedRun run;
  const std::string out_path = scratch + ".out";
  const std::string err_path = scratch + ".err";
  Child child(argv, cwd, out_path, err_path, pinned_environment(extra_environment));
  run.started = child.started();
  if (!run.started) {
    return run;
  }
  const auto start = Clock::now();
  while (!child.poll()) {
    if (seconds_since(start) > timeout_seconds) {
      child.kill_and_wait();
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(k_poll_interval);
  }
  if (!run.timed_out) {
    decode_status(child.status(), run.exit_code, run.signal);
  }
  run.out = slurp(out_path).value_or("");
  run.err = slurp(err_path).value_or("");
  std::error_code ec;
  fs::remove(out_path, ec);
  fs::remove(err_path, ec);
  return run;
}

std::optional<std::string> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    const std::size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    dirs.remove_prefix(colon + 1);
  }
}

std::vector<std::string> callgrind_command(const std::string& valgrind, const std::string& out_file,
                                           const std::string& program,
                                           const std::string& benchmark) {
  return {valgrind,
          "--tool=callgrind",
          "--separate-threads=yes",
          "--compress-strings=no",
          "--compress-pos=no",
          "--zero-before=" + std::string(callgrind::k_zero_at_start),
          "--zero-before=" + std::string(callgrind::k_zero_at_resume),
          "--dump-before=" + std::string(callgrind::k_dump_at_finish),
          "--dump-before=" + std::string(callgrind::k_dump_at_pause),
          "--callgrind-out-file=" + out_file,
          program,
          "--benchmark_filter=" + callgrind::exact_filter(benchmark),
          "--benchmark_min_time=1e9",
          "--benchmark_color=false"};
}

std::vector<JobOutcome> run_callgrind_jobs(
    const Staged& staged, const std::vector<MeasureJob>& jobs, const RunnerSettings& settings,
    const std::function<void(std::size_t job, const JobOutcome&)>& done) {
  std::vector<JobOutcome> outcomes(jobs.size());
  std::vector<std::optional<ActiveJob>> slots(static_cast<std::size_t>(std::max(1, settings.jobs)));
  std::size_t next = 0;
  std::size_t finished = 0;
  while (finished < jobs.size()) {
    bool progress = false;
    for (std::size_t slot = 0; slot < slots.size(); ++slot) {
      if (!slots[slot] && next < jobs.size()) {
        slots[slot].emplace(next, jobs[next].benchmark, staged, settings, static_cast<int>(slot));
        ++next;
        progress = true;
      }
      if (!slots[slot]) {
        continue;
      }
      if (slots[slot]->step(progress)) {
        const std::size_t job = slots[slot]->job();
        outcomes[job] = slots[slot]->finish();
        slots[slot].reset();
        ++finished;
        progress = true;
        if (done) {
          done(job, outcomes[job]);
        }
      }
    }
    if (!progress) {
      std::this_thread::sleep_for(k_poll_interval);
    }
  }
  return outcomes;
}

}  // namespace perfgate::cli
