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
#include <memory>
#include <set>
#include <sstream>
#include <thread>

namespace perfgate::cli {

namespace fs = std::filesystem;

namespace {

// The most valgrind thread ids a benchmark's dump files are looked for under.
constexpr int k_max_thread_id = 64;
constexpr auto k_poll_interval = std::chrono::milliseconds(5);
// In every run folder: the id of the perfgate process that owns it (remove_abandoned_run_folders).
constexpr const char* k_owner_file = "perfgate.pid";

// Feeds callgrind's dump files "<out_dir>/<prefix>.<part>-<thread>" to a collector, in part order,
// as they become complete, and removes them.
class DumpReader {
 public:
  DumpReader(std::string out_dir, std::string prefix, const std::string& benchmark)
      : m_out_dir(std::move(out_dir)),
        m_prefix(std::move(prefix)),
        m_collector(callgrind::schedule_of(benchmark)) {}

  [[nodiscard]] const callgrind::RunCollector& collector() const { return m_collector; }
  [[nodiscard]] bool complete() const { return m_collector.complete(); }
  // Why a dump could not be read; empty while all is well.
  [[nodiscard]] const std::string& broken() const { return m_broken; }

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

 private:
  // callgrind prints the thread id with at least two digits.
  std::optional<std::string> find_part(int part) const {
    const auto path_for = [&](int thread) {
      char suffix[32];
      std::snprintf(suffix, sizeof(suffix), ".%d-%02d", part, thread);
      return m_out_dir + "/" + m_prefix + suffix;
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

  std::string m_out_dir;
  std::string m_prefix;
  callgrind::RunCollector m_collector;
  std::set<int> m_seen_threads;
  int m_next_part = 1;
  std::string m_broken;
};

// The measurement of one benchmark run once its process (or fork server child) has ended.
JobOutcome outcome_of(const DumpReader& reader, callgrind::ProcessOutcome process,
                      double seconds, double cpu_seconds) {
  JobOutcome outcome;
  outcome.seconds = seconds;
  outcome.cpu_seconds = cpu_seconds;
  outcome.measurement = callgrind::measure(reader.collector(), process);
  if (!reader.broken().empty()) {
    outcome.measurement = callgrind::Measurement{};
    outcome.measurement.error = reader.broken();
  }
  return outcome;
}

// One benchmark being measured by one valgrind process.
class ActiveJob {
 public:
  ActiveJob(std::size_t job, const std::string& benchmark, const Staged& staged,
            const RunnerSettings& settings, int slot)
      : m_job(job),
        m_out_dir(settings.stage_dir + "/out." + std::to_string(slot)),
        m_reader(m_out_dir, "cg", benchmark),
        m_timeout(settings.timeout_seconds),
        m_start(Clock::now()) {
    std::error_code ec;
    fs::remove_all(m_out_dir, ec);
    fs::create_directories(m_out_dir, ec);
    if (!m_reader.collector().schedule().time_override.empty()) {
      return;  // not measurable: callgrind::measure says why, without running anything
    }
    m_child.emplace(callgrind_command(settings.valgrind, m_out_dir + "/cg", staged.program,
                                      filter_argument(benchmark)),
                    staged.directory, m_out_dir + "/stdout.txt", m_out_dir + "/valgrind.txt",
                    pinned_environment(settings.extra_environment));
    if (!m_child->started()) {
      m_broken = "could not start valgrind: " + m_child->start_error();
    }
  }

  [[nodiscard]] std::size_t job() const { return m_job; }
  [[nodiscard]] bool ran_valgrind() const { return m_child && m_child->started(); }

  // Reads what is new; kills valgrind once it has enough runs or its time is up. Returns true
  // when the job is finished, and sets `progress` when it read something.
  bool step(bool& progress) {
    if (!m_child || !m_broken.empty()) {
      return true;
    }
    m_reader.drain(progress);
    if (m_reader.complete() || !m_reader.broken().empty()) {
      m_child->kill_and_wait();
      m_stopped_by_driver = true;
      return true;
    }
    if (m_child->poll()) {
      m_reader.drain(progress);  // the dumps written just before it exited
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
    callgrind::ProcessOutcome process;
    process.timeout_seconds = m_timeout;
    process.timed_out = m_timed_out;
    process.stopped_by_driver = m_stopped_by_driver;
    if (m_child && !m_stopped_by_driver && !m_timed_out) {
      decode_status(m_child->status(), process.exit_code, process.signal);
    }
    process.console_output = slurp(m_out_dir + "/stdout.txt").value_or("");
    process.valgrind_log = slurp(m_out_dir + "/valgrind.txt").value_or("");
    JobOutcome outcome = outcome_of(m_reader, process, seconds_since(m_start),
                                    m_child ? m_child->cpu_seconds() : 0.0);
    if (!m_broken.empty()) {
      outcome.measurement = callgrind::Measurement{};
      outcome.measurement.error = m_broken;
    }
    std::error_code ec;
    fs::remove_all(m_out_dir, ec);
    return outcome;
  }

 private:
  std::size_t m_job;
  std::string m_out_dir;
  DumpReader m_reader;
  double m_timeout;
  Clock::time_point m_start;
  std::optional<Child> m_child;
  bool m_stopped_by_driver = false;
  bool m_timed_out = false;
  std::string m_broken;
};

// valgrind's log lines about one process ("==<pid>== ...").
std::string log_of(const std::string& log, long pid) {
  const std::string tag = "==" + std::to_string(pid) + "==";
  std::string lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(tag, 0) == 0) {
      lines += line + '\n';
    }
  }
  return lines;
}

// A valgrind process running the fork server of the pinned-host library (see Isolation) over
// `jobs`, one forked child at a time: reads the server's status file to learn which child runs,
// feeds that child's dumps to its own DumpReader and kills the child (not the server) once it
// has enough timed runs or its time is up.
class ForkServer {
 public:
  ForkServer(std::vector<std::size_t> jobs, const std::vector<MeasureJob>& all_jobs,
             const Staged& staged, const RunnerSettings& settings, int slot)
      : m_jobs(std::move(jobs)),
        m_all_jobs(all_jobs),
        m_out_dir(settings.stage_dir + "/forks." + std::to_string(slot)),
        m_files(staged.directory + "/perfgate-forks." + std::to_string(slot)),
        m_timeout(settings.timeout_seconds) {
    std::error_code ec;
    fs::remove_all(m_out_dir, ec);
    fs::create_directories(m_out_dir, ec);
    std::string list;
    for (const std::size_t job : m_jobs) {
      list += filter_argument(m_all_jobs[job].benchmark) + '\n';
    }
    if (!write_text(m_files + ".txt", list)) {
      m_refused = "cannot write " + m_files + ".txt";
      return;
    }
    m_server.emplace(callgrind_command(settings.valgrind, m_out_dir + "/cg.%p", staged.program,
                                       fork_server_argument(slot)),
                     staged.directory, m_out_dir + "/stdout.txt", m_out_dir + "/valgrind.txt",
                     pinned_environment(settings.extra_environment));
    if (!m_server->started()) {
      m_refused = "could not start valgrind: " + m_server->start_error();
    }
  }

  // One poll. `done(job, outcome)` for each child that ended. Returns true once the server has
  // ended (or could not start); leftover() then holds the jobs it did not measure.
  bool step(bool& progress, const std::function<void(std::size_t, JobOutcome)>& done) {
    if (!m_server || !m_refused.empty()) {
      return true;
    }
    const bool server_ended = m_server->poll();
    read_status(progress, done);
    if (m_current) {
      m_current->reader.drain(progress);
      const bool enough = m_current->reader.complete() || !m_current->reader.broken().empty();
      if (!m_current->kill_sent && (enough || seconds_since(m_current->start) > m_timeout)) {
        ::kill(static_cast<pid_t>(m_current->pid), SIGKILL);
        m_current->kill_sent = true;
        m_current->timed_out = !enough;
      }
    }
    if (server_ended) {
      read_status(progress, done);
      if (m_current) {  // the server died under its child: measured in process mode instead
        m_current.reset();
      }
      return true;
    }
    return false;
  }

  // The jobs this server did not measure, and why (empty when it measured them all).
  [[nodiscard]] std::vector<std::size_t> leftover() const {
    return std::vector<std::size_t>(m_jobs.begin() + static_cast<std::ptrdiff_t>(m_finished),
                                    m_jobs.end());
  }
  [[nodiscard]] std::string why_leftover() const {
    if (!m_refused.empty()) {
      return m_refused;
    }
    if (m_server && m_server->started()) {
      std::optional<int> exit_code;
      std::optional<int> signal;
      decode_status(m_server->status(), exit_code, signal);
      // What the program itself said (valgrind's own lines start with "==<pid>=="), last lines.
      std::istringstream log(slurp(m_out_dir + "/valgrind.txt").value_or(""));
      std::vector<std::string> said;
      for (std::string line; std::getline(log, line);) {
        if (!line.empty() && line.rfind("==", 0) != 0) {
          said.push_back(line);
        }
      }
      std::string tail;
      for (std::size_t i = said.size() > 3 ? said.size() - 3 : 0; i < said.size(); ++i) {
        tail += (tail.empty() ? "" : "; ") + said[i];
      }
      return "the fork server ended (" +
             (signal ? "signal " + std::to_string(*signal)
                     : "exit " + std::to_string(exit_code.value_or(-1))) +
             ") before its list was done" + (tail.empty() ? "" : ": " + tail);
    }
    return "the fork server did not start";
  }
  [[nodiscard]] double cpu_seconds() const { return m_server ? m_server->cpu_seconds() : 0.0; }
  [[nodiscard]] std::size_t measured() const { return m_finished; }

  void stop() {
    if (m_server) {
      m_server->kill_and_wait();
    }
  }

  ~ForkServer() {
    stop();
    std::error_code ec;
    fs::remove_all(m_out_dir, ec);
  }
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

 private:
  struct Current {
    std::size_t index = 0;  // into m_jobs
    long pid = 0;
    Clock::time_point start;
    DumpReader reader;
    bool kill_sent = false;
    bool timed_out = false;
  };

  static bool write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out.flush());
  }

  // New lines of the status file: "start <i> <pid>", "end <i> <pid> <status>", "refused <why>".
  void read_status(bool& progress, const std::function<void(std::size_t, JobOutcome)>& done) {
    const std::string text = slurp(m_files + ".status").value_or("");
    while (m_status_read < text.size()) {
      const std::size_t end = text.find('\n', m_status_read);
      if (end == std::string::npos) {
        return;  // a line still being written
      }
      const std::string text_line = text.substr(m_status_read, end - m_status_read);
      std::istringstream line(text_line);
      m_status_read = end + 1;
      progress = true;
      std::string word;
      long index = -1;
      long pid = 0;
      line >> word >> index >> pid;
      if (word == "refused") {
        m_refused = "the fork server refused: " + text_line.substr(word.size() + 1);
      } else if (word == "start" && index >= 0 && static_cast<std::size_t>(index) < m_jobs.size()) {
        const std::size_t job = m_jobs[static_cast<std::size_t>(index)];
        m_current.emplace(Current{static_cast<std::size_t>(index), pid, Clock::now(),
                                  DumpReader(m_out_dir, "cg." + std::to_string(pid),
                                             m_all_jobs[job].benchmark)});
      } else if (word == "end" && m_current && m_current->pid == pid) {
        int status = 0;
        line >> status;
        finish_current(status, done);
      }
    }
  }

  void finish_current(int status, const std::function<void(std::size_t, JobOutcome)>& done) {
    bool progress = false;
    m_current->reader.drain(progress);  // what it dumped before it ended
    callgrind::ProcessOutcome process;
    process.timeout_seconds = m_timeout;
    process.timed_out = m_current->timed_out;
    process.stopped_by_driver = m_current->kill_sent && !m_current->timed_out;
    if (!m_current->kill_sent) {
      decode_status(status, process.exit_code, process.signal);
    }
    const std::string out =
        m_files + "." + std::to_string(m_current->index) + ".out";
    process.console_output = slurp(out).value_or("");
    process.valgrind_log =
        log_of(slurp(m_out_dir + "/valgrind.txt").value_or(""), m_current->pid);
    std::error_code ec;
    fs::remove(out, ec);
    const std::size_t job = m_jobs[m_current->index];
    JobOutcome outcome = outcome_of(m_current->reader, process,
                                    seconds_since(m_current->start), 0.0);
    m_current.reset();
    ++m_finished;
    done(job, std::move(outcome));
  }

  std::vector<std::size_t> m_jobs;
  const std::vector<MeasureJob>& m_all_jobs;
  std::string m_out_dir;
  std::string m_files;  // <run folder>/perfgate-forks.<slot>
  double m_timeout;
  std::optional<Child> m_server;
  std::optional<Current> m_current;
  std::size_t m_status_read = 0;
  std::size_t m_finished = 0;
  std::string m_refused;
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
  remove_abandoned_run_folders();
  // A fixed-length path, whatever the build tree is called (see the header).
  char run_template[] = "/tmp/perfgate-cg-XXXXXX";
  if (mkdtemp(run_template) == nullptr) {
    error = std::string("cannot create a run folder /tmp/perfgate-cg-XXXXXX: ") +
            std::strerror(errno);
    return std::nullopt;
  }
  const fs::path run_dir(run_template);
  {
    std::ofstream owner(run_dir / k_owner_file);
    owner << getpid() << '\n';
  }
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


void remove_abandoned_run_folders() {
  std::error_code ec;
  for (fs::directory_iterator it("/tmp", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("perfgate-cg-", 0) != 0 || name.size() != 18) {
      continue;
    }
    const auto owner = slurp((it->path() / k_owner_file).string());
    if (!owner) {
      continue;  // not ours to judge (or still being created)
    }
    const long pid = std::strtol(owner->c_str(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
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

std::string filter_argument(const std::string& benchmark) {
  return "--benchmark_filter=" + callgrind::exact_filter(benchmark);
}

std::string fork_server_argument(int slot) { return "--perfgate-forks=" + std::to_string(slot); }

std::vector<std::string> callgrind_command(const std::string& valgrind, const std::string& out_file,
                                           const std::string& program,
                                           const std::string& argument) {
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
          argument,
          "--benchmark_min_time=1e9",
          "--benchmark_color=false"};
}

namespace {

using DoneCallback = std::function<void(std::size_t job, const JobOutcome&)>;

// Why every run must stop now (perfgate was asked to terminate, or the deadline passed); empty
// while measuring may go on.
std::string stop_reason(const RunnerSettings& settings) {
  if (const int signal = termination_signal(); signal != 0) {
    return "perfgate was interrupted by signal " + std::to_string(signal) + " (" +
           strsignal(signal) + ") before this benchmark was measured";
  }
  if (settings.deadline && Clock::now() > *settings.deadline) {
    return "the measurement's deadline passed before this benchmark was measured";
  }
  return {};
}

// `indices` (into `jobs`), one valgrind process per job, settings.jobs at a time.
void run_in_processes(const Staged& staged, const std::vector<MeasureJob>& jobs,
                      const std::vector<std::size_t>& indices, const RunnerSettings& settings,
                      CallgrindRun& run, const DoneCallback& done) {
  std::vector<std::optional<ActiveJob>> slots(static_cast<std::size_t>(std::max(1, settings.jobs)));
  std::size_t next = 0;
  std::size_t finished = 0;
  while (finished < indices.size() && stop_reason(settings).empty()) {
    bool progress = false;
    for (std::size_t slot = 0; slot < slots.size(); ++slot) {
      if (!slots[slot] && next < indices.size()) {
        const std::size_t job = indices[next];
        slots[slot].emplace(job, jobs[job].benchmark, staged, settings, static_cast<int>(slot));
        ++next;
        progress = true;
      }
      if (!slots[slot] || !slots[slot]->step(progress)) {
        continue;
      }
      const std::size_t job = slots[slot]->job();
      run.valgrind_processes += slots[slot]->ran_valgrind() ? 1U : 0U;
      run.outcomes[job] = slots[slot]->finish();
      run.cpu_seconds += run.outcomes[job].cpu_seconds;
      slots[slot].reset();
      ++finished;
      progress = true;
      if (done) {
        done(job, run.outcomes[job]);
      }
    }
    if (!progress) {
      std::this_thread::sleep_for(k_poll_interval);
    }
  }
}

// `indices` in settings.jobs fork servers (every settings.jobs-th job to the same server, so the
// repetitions of a benchmark run in different valgrind processes). Returns the jobs no server
// measured.
std::vector<std::size_t> run_in_fork_servers(const Staged& staged,
                                             const std::vector<MeasureJob>& jobs,
                                             const std::vector<std::size_t>& indices,
                                             const RunnerSettings& settings, CallgrindRun& run,
                                             const DoneCallback& done) {
  const auto servers = static_cast<std::size_t>(std::max(1, settings.jobs));
  std::vector<std::vector<std::size_t>> lists(std::min(servers, indices.size()));
  for (std::size_t i = 0; i < indices.size(); ++i) {
    lists[i % lists.size()].push_back(indices[i]);
  }
  std::vector<std::unique_ptr<ForkServer>> active;
  for (std::size_t slot = 0; slot < lists.size(); ++slot) {
    active.push_back(std::make_unique<ForkServer>(lists[slot], jobs, staged, settings,
                                                  static_cast<int>(slot)));
  }
  const auto finished = [&](std::size_t job, JobOutcome outcome) {
    run.outcomes[job] = std::move(outcome);
    ++run.forked_runs;
    if (done) {
      done(job, run.outcomes[job]);
    }
  };
  std::vector<bool> ended(active.size(), false);
  std::vector<std::size_t> leftover;
  for (std::size_t running = active.size(); running > 0 && stop_reason(settings).empty();) {
    bool progress = false;
    for (std::size_t slot = 0; slot < active.size(); ++slot) {
      if (ended[slot] || !active[slot]->step(progress, finished)) {
        continue;
      }
      ended[slot] = true;
      --running;
      run.cpu_seconds += active[slot]->cpu_seconds();
      run.valgrind_processes += 1;
      const std::vector<std::size_t> left = active[slot]->leftover();
      if (!left.empty()) {
        run.notes.push_back(std::to_string(left.size()) + " of " +
                            std::to_string(lists[slot].size()) +
                            " runs measured in a valgrind process each: " +
                            active[slot]->why_leftover());
        leftover.insert(leftover.end(), left.begin(), left.end());
      }
    }
    if (!progress) {
      std::this_thread::sleep_for(k_poll_interval);
    }
  }
  if (!stop_reason(settings).empty()) {
    return {};  // the servers are killed on return; nothing is measured any more
  }
  std::sort(leftover.begin(), leftover.end());
  return leftover;
}

}  // namespace

CallgrindRun run_callgrind_jobs(const Staged& staged, const std::vector<MeasureJob>& jobs,
                                const RunnerSettings& settings, const DoneCallback& done) {
  CallgrindRun run;
  run.outcomes.resize(jobs.size());
  std::vector<bool> finished(jobs.size(), false);
  const DoneCallback record = [&](std::size_t job, const JobOutcome& outcome) {
    finished[job] = true;
    if (done) {
      done(job, outcome);
    }
  };
  std::vector<std::size_t> forked;
  std::vector<std::size_t> alone;
  for (std::size_t job = 0; job < jobs.size(); ++job) {
    // A benchmark that is not measurable goes through the process path, which runs nothing.
    const bool measurable = callgrind::schedule_of(jobs[job].benchmark).time_override.empty();
    (settings.isolation == Isolation::fork && measurable ? forked : alone).push_back(job);
  }
  if (!forked.empty()) {
    const std::vector<std::size_t> left =
        run_in_fork_servers(staged, jobs, forked, settings, run, record);
    alone.insert(alone.end(), left.begin(), left.end());
    std::sort(alone.begin(), alone.end());
  }
  run_in_processes(staged, jobs, alone, settings, run, record);
  const std::string why = stop_reason(settings);
  for (std::size_t job = 0; job < jobs.size(); ++job) {
    if (!finished[job]) {
      run.outcomes[job] = JobOutcome{};
      run.outcomes[job].measurement.error = why.empty() ? "not measured" : why;
    }
  }
  return run;
}

}  // namespace perfgate::cli
