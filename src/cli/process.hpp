// The process edge every perfgate command shares: a child process with a deadline, an exact
// environment and its output captured in files. POSIX and Linux only (fork/execve, wait4).
// `perfgate run` runs benchmarks with it, the instructions lane runs valgrind with it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace perfgate::cli {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start);

// The whole file, or nullopt when it cannot be opened.
std::optional<std::string> slurp(const std::string& path);

// This process's environment as "VAR=value" entries.
std::vector<std::string> current_environment();
// `environment` with every "VAR=value" of `set` put in (replacing VAR) and every VAR of `unset`
// removed.
std::vector<std::string> change_environment(std::vector<std::string> environment,
                                            const std::vector<std::string>& set,
                                            const std::vector<std::string>& unset = {});

// A child process with exactly `environment`, in its own process group, killed if perfgate dies
// (PR_SET_PDEATHSIG), stdin from /dev/null, stdout and stderr into files (the same file when the
// paths are equal). A program that cannot be executed is reported by start_error(), not as an
// exit code the program might also use.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& cwd, const std::string& out_path,
        const std::string& err_path, const std::vector<std::string>& environment);
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  [[nodiscard]] bool started() const { return m_pid > 0 && m_start_error.empty(); }
  [[nodiscard]] const std::string& start_error() const { return m_start_error; }
  [[nodiscard]] bool running() const { return m_pid > 0 && !m_status; }
  [[nodiscard]] const std::optional<int>& status() const { return m_status; }  // wait4's status
  [[nodiscard]] double cpu_seconds() const { return m_cpu_seconds; }
  [[nodiscard]] long involuntary_switches() const { return m_involuntary_switches; }

  // True once the child has ended (reaped).
  bool poll();
  // Kills the whole process group and reaps the child.
  void kill_and_wait();

 private:
  bool reap(int options);

  int m_pid = -1;
  std::string m_start_error;
  std::optional<int> m_status;
  double m_cpu_seconds = 0;
  long m_involuntary_switches = 0;
};

// Exit code or signal from a wait4 status.
void decode_status(const std::optional<int>& status, std::optional<int>& exit_code,
                   std::optional<int>& signal);

struct ProcessSpec {
  std::vector<std::string> argv;         // argv[0]: an absolute or `cwd`-relative path
  std::string cwd = ".";
  std::vector<std::string> environment;  // exactly this; see current_environment()
  std::string out_path;                  // stdout; required
  std::string err_path;                  // stderr; empty = into out_path
  double timeout_seconds = 60;
};

struct ProcessOutcome {
  bool started = false;
  std::string start_error;  // why it could not be started (fork, chdir, execve)
  bool timed_out = false;   // killed at the deadline
  std::optional<int> exit_code;
  std::optional<int> signal;
  double seconds = 0;      // wall time
  double cpu_seconds = 0;  // user + system time of the child and its waited-for children
  long involuntary_switches = 0;

  [[nodiscard]] bool succeeded() const { return started && !timed_out && exit_code == 0; }
  // "exit 3", "killed by signal 11 (Segmentation fault)", "killed by the hard timeout after 12 s",
  // "could not be started: ...".
  [[nodiscard]] std::string describe() const;
};

// Runs the process to its end or its deadline (then kills its process group).
ProcessOutcome run_process(const ProcessSpec& spec);

}  // namespace perfgate::cli

namespace perfgate::cli {

// Fail closed on SIGINT, SIGTERM and SIGHUP (a CI job cancelled, a test runner's timeout): while a
// TerminationGuard lives, such a signal kills the process group of every running Child at once
// (kill(2) is async-signal-safe) and is remembered; the polling loops see termination_signal(),
// stop, and let their owners' destructors remove what they staged. The guard restores the
// previous handlers; the command that installed it re-raises the signal once it has cleaned up
// (reraise_termination()), so the caller sees the usual signal exit. SIGKILL cannot be caught:
// what it leaves behind is removed by the next run (remove_abandoned_run_folders()).
class TerminationGuard {
 public:
  TerminationGuard();
  ~TerminationGuard();
  TerminationGuard(const TerminationGuard&) = delete;
  TerminationGuard& operator=(const TerminationGuard&) = delete;

 private:
  struct Saved;
  std::unique_ptr<Saved> m_saved;
};

// The signal that asked perfgate to stop, or 0.
int termination_signal();
// Ends perfgate with the signal termination_signal() names (default action); returns if none.
void reraise_termination();

}  // namespace perfgate::cli
