// The shared process edge (process.hpp). POSIX and Linux only.
#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace perfgate::cli {

namespace {

constexpr auto k_poll_interval = std::chrono::milliseconds(5);

// The process groups of the running Child objects, for the termination handler (no allocation,
// no lock: plain atomic slots).
constexpr std::size_t k_max_children = 256;
std::atomic<int> s_child_groups[k_max_children];
volatile std::sig_atomic_t s_termination_signal = 0;

void register_child(int pid) {
  for (auto& slot : s_child_groups) {
    int empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) {
      return;
    }
  }
}

void unregister_child(int pid) {
  for (auto& slot : s_child_groups) {
    int expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) {
      return;
    }
  }
}

void on_termination(int signal) {
  s_termination_signal = signal;
  for (auto& slot : s_child_groups) {
    const int pid = slot.load();
    if (pid > 0) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
    }
  }
}

constexpr int k_termination_signals[] = {SIGINT, SIGTERM, SIGHUP};

double cpu_seconds_of(const struct rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// In the child, after fork: report `what` and errno through the pipe and end.
[[noreturn]] void child_fail(int pipe_fd, const char* what) {
  const int saved = errno;
  char message[256];
  const int n = std::snprintf(message, sizeof(message), "%s: %s", what, std::strerror(saved));
  if (n > 0) {
    [[maybe_unused]] const ssize_t written = write(pipe_fd, message, static_cast<std::size_t>(n));
  }
  _exit(127);
}

}  // namespace

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> current_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  return environment;
}

std::vector<std::string> change_environment(std::vector<std::string> environment,
                                            const std::vector<std::string>& set,
                                            const std::vector<std::string>& unset) {
  const auto remove = [&environment](const std::string& name) {
    environment.erase(std::remove_if(environment.begin(), environment.end(),
                                     [&name](const std::string& e) { return name_of(e) == name; }),
                      environment.end());
  };
  for (const std::string& name : unset) {
    remove(name);
  }
  for (const std::string& entry : set) {
    remove(name_of(entry));
    environment.push_back(entry);
  }
  return environment;
}

Child::Child(const std::vector<std::string>& argv, const std::string& cwd,
             const std::string& out_path, const std::string& err_path,
             const std::vector<std::string>& environment) {
  if (argv.empty()) {
    m_start_error = "no program to run";
    return;
  }
  // execve's arrays are char* const[]; the strings outlive the call.
  std::vector<std::string> argv_copy = argv;
  std::vector<std::string> env_copy = environment;
  std::vector<char*> c_argv;
  std::vector<char*> c_env;
  for (auto& arg : argv_copy) {
    c_argv.push_back(arg.data());
  }
  c_argv.push_back(nullptr);
  for (auto& entry : env_copy) {
    c_env.push_back(entry.data());
  }
  c_env.push_back(nullptr);
  // A close-on-exec pipe carries the reason when the child cannot reach execve's program.
  int report[2] = {-1, -1};
  if (pipe2(report, O_CLOEXEC) != 0) {
    m_start_error = std::string("pipe: ") + std::strerror(errno);
    return;
  }
  const bool shared_output = err_path.empty() || err_path == out_path;
  const pid_t parent = getpid();
  m_pid = fork();
  if (m_pid == 0) {
    close(report[0]);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(127);
    }
    if (chdir(cwd.c_str()) != 0) {
      child_fail(report[1], "cannot enter the working directory");
    }
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err =
        shared_output ? out : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) {
      child_fail(report[1], "cannot open the output files");
    }
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execve(c_argv[0], c_argv.data(), c_env.data());
    child_fail(report[1], "cannot execute");
  }
  close(report[1]);
  if (m_pid < 0) {
    m_start_error = std::string("fork: ") + std::strerror(errno);
    close(report[0]);
    return;
  }
  setpgid(m_pid, m_pid);  // also from the parent, so a kill right away reaches the group
  register_child(m_pid);
  char message[256];
  ssize_t n = 0;
  do {
    n = read(report[0], message, sizeof(message));
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n > 0) {
    m_start_error.assign(message, static_cast<std::size_t>(n));
    reap(0);
  }
}

Child::~Child() { kill_and_wait(); }

bool Child::poll() {
  if (!running()) {
    return true;
  }
  return reap(WNOHANG);
}

void Child::kill_and_wait() {
  if (!running()) {
    return;
  }
  ::kill(-m_pid, SIGKILL);
  ::kill(m_pid, SIGKILL);
  reap(0);
}

bool Child::reap(int options) {
  int status = 0;
  struct rusage usage {};
  pid_t done = 0;
  do {
    done = wait4(m_pid, &status, options, &usage);
  } while (done < 0 && errno == EINTR);
  if (done != m_pid) {
    return false;
  }
  unregister_child(m_pid);
  m_status = status;
  m_cpu_seconds = cpu_seconds_of(usage);
  m_involuntary_switches = usage.ru_nivcsw;
  return true;
}

void decode_status(const std::optional<int>& status, std::optional<int>& exit_code,
                   std::optional<int>& signal) {
  if (!status) {
    return;
  }
  if (WIFEXITED(*status)) {
    exit_code = WEXITSTATUS(*status);
  } else if (WIFSIGNALED(*status)) {
    signal = WTERMSIG(*status);
  }
}

std::string ProcessOutcome::describe() const {
  if (!started) {
    return "could not be started: " + start_error;
  }
  if (timed_out) {
    return "killed by the hard timeout after " + std::to_string(std::lround(seconds)) + " s";
  }
  if (signal) {
    const char* name = strsignal(*signal);
    return "killed by signal " + std::to_string(*signal) + " (" +
           (name != nullptr ? name : "unknown") + ")";
  }
  if (exit_code) {
    return "exit " + std::to_string(*exit_code);
  }
  return "ended in an unknown way";
}

ProcessOutcome run_process(const ProcessSpec& spec) {
  ProcessOutcome outcome;
  const auto start = Clock::now();
  Child child(spec.argv, spec.cwd, spec.out_path, spec.err_path, spec.environment);
  outcome.started = child.started();
  outcome.start_error = child.start_error();
  if (!outcome.started) {
    return outcome;
  }
  while (!child.poll()) {
    if (seconds_since(start) > spec.timeout_seconds) {
      child.kill_and_wait();
      outcome.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(k_poll_interval);
  }
  outcome.seconds = seconds_since(start);
  outcome.cpu_seconds = child.cpu_seconds();
  outcome.involuntary_switches = child.involuntary_switches();
  if (!outcome.timed_out) {
    decode_status(child.status(), outcome.exit_code, outcome.signal);
  }
  return outcome;
}

}  // namespace perfgate::cli

namespace perfgate::cli {

struct TerminationGuard::Saved {
  struct sigaction previous[sizeof(k_termination_signals) / sizeof(int)];
};

TerminationGuard::TerminationGuard() : m_saved(std::make_unique<Saved>()) {
  struct sigaction action {};
  action.sa_handler = on_termination;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(k_termination_signals); ++i) {
    sigaction(k_termination_signals[i], &action, &m_saved->previous[i]);
  }
}

TerminationGuard::~TerminationGuard() {
  for (std::size_t i = 0; i < std::size(k_termination_signals); ++i) {
    sigaction(k_termination_signals[i], &m_saved->previous[i], nullptr);
  }
}

int termination_signal() { return s_termination_signal; }

void reraise_termination() {
  const int signal = s_termination_signal;
  if (signal == 0) {
    return;
  }
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace perfgate::cli
