// The pinned host of the instructions lane (docs/lanes.md, "A pinned host"): a tiny library that
// `perfgate measure instructions` preloads (LD_PRELOAD) into the benchmark it lists and measures,
// so that the program sees the same machine on every host of a toolchain class.
//
// Why: Google Benchmark reads a description of the machine before it runs the first benchmark
// (/proc/cpuinfo twice, /sys/devices/system/cpu/cpu*/{cache,cpufreq}/..., the host name) and
// allocates strings of those lengths on the heap. A longer `flags` line in /proc/cpuinfo (a CPU
// with rdtscp and rdseed) moves every later heap block, so the benchmark's own buffers start at
// another offset within a cache line or a page, and glibc's memcpy, memcmp and memset (alignment
// prologues, `rep movsb`, which callgrind counts once per byte) execute a different number of
// instructions for the same work. The real machine is irrelevant under valgrind anyway: the
// program runs on valgrind's simulated CPU, one thread at a time.
//
// What the program sees instead (nothing else is changed):
//   /proc/cpuinfo                        one processor, "perfgate pinned host", 1000 MHz
//   /sys/devices/system/cpu/cpu<N>/...   absent (no cache or frequency files)
//   gethostname(), uname().nodename      "perfgate"
//   sysconf(_SC_NPROCESSORS_ONLN/CONF), get_nprocs(), get_nprocs_conf()   1
//   stdout's buffer                      a fixed one in this library (glibc would size it by the
//                                        st_blksize of the file system the output goes to)
// Calls from inside glibc (which do not go through the dynamic linker) are not affected. The time
// zone (TZ=UTC0) and the stack padding are set through the environment by perfgate.
//
// C-level code on purpose: it runs inside the measured program, before and around its main(),
// so it allocates nothing, throws nothing and needs nothing from the C++ runtime.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PERFGATE_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

constexpr char k_cpuinfo[] =
    "processor\t: 0\n"
    "model name\t: perfgate pinned host\n"
    "cpu MHz\t\t: 1000.000\n"
    "\n";
constexpr char k_host_name[] = "perfgate";
constexpr char k_cpu_folder[] = "/sys/devices/system/cpu/cpu";

char s_stdout_buffer[4096];

enum class Redirect { none, cpuinfo, absent };

Redirect redirect_of(const char* path) {
  if (path == nullptr) {
    return Redirect::none;
  }
  if (strcmp(path, "/proc/cpuinfo") == 0) {
    return Redirect::cpuinfo;
  }
  // cpu0/cache/index0/size, cpu1/cpufreq/scaling_governor, cpu0/tsc_freq_khz, ... but not
  // /sys/devices/system/cpu/online or .../possible.
  constexpr size_t k_length = sizeof(k_cpu_folder) - 1;
  if (strncmp(path, k_cpu_folder, k_length) == 0 && path[k_length] >= '0' &&
      path[k_length] <= '9') {
    return Redirect::absent;
  }
  return Redirect::none;
}

// A read-only in-memory file holding the pinned /proc/cpuinfo, positioned at its start.
int open_cpuinfo(bool close_on_exec) {
  const int fd = memfd_create("cpuinfo", close_on_exec ? MFD_CLOEXEC : 0U);
  if (fd < 0) {
    return -1;
  }
  constexpr auto k_size = static_cast<ssize_t>(sizeof(k_cpuinfo) - 1);
  if (write(fd, k_cpuinfo, sizeof(k_cpuinfo) - 1) != k_size || lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    errno = EIO;
    return -1;
  }
  return fd;
}

// The definition the program would have called without this library, looked up once.
template <class Function>
Function next_definition(Function& cache, const char* name) {
  Function found = __atomic_load_n(&cache, __ATOMIC_ACQUIRE);
  if (found == nullptr) {
    found = reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
    __atomic_store_n(&cache, found, __ATOMIC_RELEASE);
  }
  return found;
}

using Fopen = FILE* (*)(const char*, const char*);
using Open = int (*)(const char*, int, ...);
using Openat = int (*)(int, const char*, int, ...);
using Uname = int (*)(struct utsname*);
using Sysconf = long (*)(int);

Fopen s_fopen = nullptr;
Fopen s_fopen64 = nullptr;
Open s_open = nullptr;
Open s_open64 = nullptr;
Openat s_openat = nullptr;
Openat s_openat64 = nullptr;
Uname s_uname = nullptr;
Sysconf s_sysconf = nullptr;

FILE* pinned_fopen(const char* path, const char* mode, Fopen& real, const char* name) {
  switch (redirect_of(path)) {
    case Redirect::cpuinfo: {
      const int fd = open_cpuinfo(mode != nullptr && strchr(mode, 'e') != nullptr);
      return fd < 0 ? nullptr : fdopen(fd, "r");
    }
    case Redirect::absent:
      errno = ENOENT;
      return nullptr;
    case Redirect::none:
      break;
  }
  return next_definition(real, name)(path, mode);
}

// open() passes a mode only with O_CREAT or O_TMPFILE; forwarding 0 otherwise is what glibc does.
mode_t mode_argument(int flags, va_list arguments) {
  if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
    return static_cast<mode_t>(va_arg(arguments, unsigned int));
  }
  return 0;
}

// The pinned answer to opening `path`: a file descriptor, or -1 with errno; nullopt-like -2
// when the path is not pinned and the real file is to be opened.
constexpr int k_not_pinned = -2;
int pinned_open(const char* path, int flags) {
  switch (redirect_of(path)) {
    case Redirect::cpuinfo:
      return open_cpuinfo((flags & O_CLOEXEC) != 0);
    case Redirect::absent:
      errno = ENOENT;
      return -1;
    case Redirect::none:
      break;
  }
  return k_not_pinned;
}

// Runs before the program's main(): stdout gets a fixed buffer before anything is printed.
__attribute__((constructor)) void pin_stdout_buffer() {
  setvbuf(stdout, s_stdout_buffer, _IOFBF, sizeof(s_stdout_buffer));
}

}  // namespace

PERFGATE_EXPORT FILE* fopen(const char* path, const char* mode) {
  return pinned_fopen(path, mode, s_fopen, "fopen");
}

PERFGATE_EXPORT FILE* fopen64(const char* path, const char* mode) {
  return pinned_fopen(path, mode, s_fopen64, "fopen64");
}

PERFGATE_EXPORT int open(const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = mode_argument(flags, arguments);
  va_end(arguments);
  const int pinned = pinned_open(path, flags);
  return pinned != k_not_pinned ? pinned : next_definition(s_open, "open")(path, flags, mode);
}

PERFGATE_EXPORT int open64(const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = mode_argument(flags, arguments);
  va_end(arguments);
  const int pinned = pinned_open(path, flags);
  return pinned != k_not_pinned ? pinned : next_definition(s_open64, "open64")(path, flags, mode);
}

PERFGATE_EXPORT int openat(int folder, const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = mode_argument(flags, arguments);
  va_end(arguments);
  const int pinned = pinned_open(path, flags);
  return pinned != k_not_pinned ? pinned
                                : next_definition(s_openat, "openat")(folder, path, flags, mode);
}

PERFGATE_EXPORT int openat64(int folder, const char* path, int flags, ...) {
  va_list arguments;
  va_start(arguments, flags);
  const mode_t mode = mode_argument(flags, arguments);
  va_end(arguments);
  const int pinned = pinned_open(path, flags);
  return pinned != k_not_pinned
             ? pinned
             : next_definition(s_openat64, "openat64")(folder, path, flags, mode);
}

PERFGATE_EXPORT int gethostname(char* name, size_t length) {
  if (length < sizeof(k_host_name)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(name, k_host_name, sizeof(k_host_name));
  return 0;
}

PERFGATE_EXPORT int uname(struct utsname* name) {
  const int result = next_definition(s_uname, "uname")(name);
  if (result == 0) {
    memset(name->nodename, 0, sizeof(name->nodename));
    memcpy(name->nodename, k_host_name, sizeof(k_host_name));
  }
  return result;
}

PERFGATE_EXPORT long sysconf(int name) {
  if (name == _SC_NPROCESSORS_ONLN || name == _SC_NPROCESSORS_CONF) {
    return 1;
  }
  return next_definition(s_sysconf, "sysconf")(name);
}

PERFGATE_EXPORT int get_nprocs() { return 1; }

PERFGATE_EXPORT int get_nprocs_conf() { return 1; }

// ---------------------------------------------------------------------------------------------
// The fork server (docs/lanes.md, "One valgrind process per suite"). Valgrind's start-up (reading
// the symbols of every library, binding every symbol under LD_BIND_NOW, translating the loader's
// and the libraries' start-up code) costs far more than a tiny benchmark's 111 iterations. So
// perfgate starts valgrind once for a list of benchmarks and this library forks, before main(),
// one child per benchmark: each child is the process a valgrind of its own would have run, at the
// same memory layout, and perfgate kills it once callgrind has dumped its 100-iteration run.
//
// Started as `./bench --perfgate-forks=<slot> <the other arguments>`; it reads the children's
// --benchmark_filter arguments, one a line, from perfgate-forks.<slot>.txt in the working folder,
// reports on perfgate-forks.<slot>.status ("start <i> <pid>", "end <i> <pid> <wait status>",
// "done", or "refused <why>") and gives child <i> perfgate-forks.<slot>.<i>.out as its stdout.
//
// What makes a child's counts equal to those of a process of its own:
//   - the heap: nothing before the fork allocates (this file calls no malloc; the libraries'
//     constructors ran as they run in any process), and the child sees exactly the argument
//     vector of a process of its own (its argv[1] is its filter), so Google Benchmark makes the
//     same allocations in the same order;
//   - the stack: valgrind puts the strings of the argument vector and the environment at the top
//     of the stack and the stack pointer 16-byte aligned below them, so a longer argv[1] moves
//     every frame down. The child computes where valgrind would have put the stack pointer for
//     its own argv[1] (the formula of valgrind's setup_client_stack, checked against this
//     process's own layout first) and enters __libc_start_main that much lower;
//   - nothing else: no environment variable is added, and file descriptors are closed again.
// perfgate's e2e tests compare the counts with the committed baselines, measured one process per
// benchmark.

namespace {

constexpr char k_fork_flag[] = "--perfgate-forks=";
constexpr size_t k_fork_flag_length = sizeof(k_fork_flag) - 1;

char s_fork_list[1 << 18];  // perfgate-forks.<slot>.txt
size_t s_fork_list_size = 0;
char s_fork_slot[16];
char s_child_argument[4096];  // argv[1] of a child

bool equals_prefix(const char* text, const char* prefix, size_t length) {
  return strncmp(text, prefix, length) == 0;
}

// "<prefix><slot><suffix>" into `out` (capacity 256).
void slot_path(char* out, const char* prefix, const char* suffix) {
  out[0] = '\0';
  strncat(out, prefix, 255);
  strncat(out, s_fork_slot, 255 - strlen(out));
  strncat(out, suffix, 255 - strlen(out));
}

void append_number(char* out, size_t capacity, long value) {
  char digits[24];
  size_t n = 0;
  unsigned long magnitude = value < 0 ? 0UL - static_cast<unsigned long>(value)
                                      : static_cast<unsigned long>(value);
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0 && n < sizeof(digits));
  size_t at = strlen(out);
  if (value < 0 && at + 1 < capacity) {
    out[at++] = '-';
  }
  while (n > 0 && at + 1 < capacity) {
    out[at++] = digits[--n];
  }
  out[at] = '\0';
}

void report(int fd, const char* word, long index, long pid, long status, bool with_status) {
  char line[128] = {};
  strncat(line, word, sizeof(line) - 1);
  strncat(line, " ", sizeof(line) - 1 - strlen(line));
  append_number(line, sizeof(line), index);
  strncat(line, " ", sizeof(line) - 1 - strlen(line));
  append_number(line, sizeof(line), pid);
  if (with_status) {
    strncat(line, " ", sizeof(line) - 1 - strlen(line));
    append_number(line, sizeof(line), status);
  }
  strncat(line, "\n", sizeof(line) - 1 - strlen(line));
  [[maybe_unused]] const ssize_t written = write(fd, line, strlen(line));
}

[[noreturn]] void refuse(int fd, const char* why) {
  char line[256] = "refused ";
  strncat(line, why, sizeof(line) - 10);
  strncat(line, "\n", sizeof(line) - 1 - strlen(line));
  [[maybe_unused]] const ssize_t written = write(fd, line, strlen(line));
  _exit(3);
}

size_t round_up(size_t value, size_t step) { return (value + step - 1) / step * step; }

// What valgrind's setup_client_stack puts between the stack pointer and the top of the stack:
// argc, argv, envp, auxv and the strings (8-byte rounded). `strings` is the strings' total size.
struct StackLayout {
  size_t strings = 0;
  size_t fixed = 0;  // everything but the strings
  [[nodiscard]] size_t size_with(size_t strings_size) const {
    return fixed + round_up(strings_size, 8);
  }
};

StackLayout layout_of(char** argv) {
  StackLayout layout;
  size_t argc = 0;
  for (; argv[argc] != nullptr; ++argc) {
    layout.strings += strlen(argv[argc]) + 1;
  }
  char** envp = argv + argc + 1;
  size_t envc = 0;
  for (; envp[envc] != nullptr; ++envc) {
    layout.strings += strlen(envp[envc]) + 1;
  }
  const auto* auxv = reinterpret_cast<const unsigned long*>(envp + envc + 1);
  size_t entries = 0;
  for (; auxv[2 * entries] != 0; ++entries) {
    const unsigned long type = auxv[2 * entries];
    const auto* text = reinterpret_cast<const char*>(auxv[2 * entries + 1]);
    if (type == 15 || type == 24 || type == 31) {  // AT_PLATFORM, AT_BASE_PLATFORM, AT_EXECFN
      layout.strings += strlen(text) + 1;
    } else if (type == 25) {  // AT_RANDOM
      layout.strings += 16;
    }
  }
  layout.fixed = 8 + 8 * (argc + 1) + 8 * (envc + 1) + 16 * (entries + 1);
  return layout;
}

// How much lower the stack pointer of a process whose argv[1] is `argument` would start than this
// one's; -1 when this process's stack is not laid out as valgrind lays it out (not under
// valgrind, or another version).
long stack_shift(char** argv, const char* argument) {
  const StackLayout layout = layout_of(argv);
  // valgrind: the strings end at the last byte of the stack's top page (`top`), argv[0] first, the
  // block 4-byte rounded; the stack pointer is top - size, rounded down to 16 bytes.
  const auto top = reinterpret_cast<uintptr_t>(argv[0]) + round_up(layout.strings, 4);
  const size_t size = layout.size_with(layout.strings);
  const auto stack_pointer = reinterpret_cast<uintptr_t>(argv) - 8;
  if ((top + 1) % 4096 != 0 || stack_pointer != (top - size) / 16 * 16) {
    return -1;
  }
  const size_t other = layout.size_with(layout.strings - strlen(argv[1]) + strlen(argument));
  return static_cast<long>(stack_pointer - (top - other) / 16 * 16);
}

int open_in_folder(const char* path, int flags) {
  return static_cast<int>(syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, 0644));
}

// In the child: stdout into its own file, argv[1] its filter; returns the stack shift.
long become_child(char** argv, size_t index, const char* line, size_t length, int status_fd,
                  pid_t server) {
  // The child dies with the server, as the server dies with perfgate (a forked child does not
  // inherit PR_SET_PDEATHSIG): a perfgate killed by SIGKILL leaves no benchmark running.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != server) {
    _exit(3);
  }
  close(status_fd);
  char path[256];
  slot_path(path, "perfgate-forks.", ".");
  append_number(path, sizeof(path), static_cast<long>(index));
  strncat(path, ".out", sizeof(path) - 1 - strlen(path));
  const int out = open_in_folder(path, O_WRONLY | O_CREAT | O_TRUNC);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    close(out);
  }
  memcpy(s_child_argument, line, length);
  s_child_argument[length] = '\0';
  const long shift = stack_shift(argv, s_child_argument);
  argv[1] = s_child_argument;
  return shift;
}

}  // namespace

extern "C" {

// Read by the __libc_start_main trampoline below.
__attribute__((visibility("hidden"))) void* perfgate_real_libc_start_main = nullptr;
__attribute__((visibility("hidden"))) unsigned char perfgate_forking = 0;

// The fork server's loop; returns only in a child, with the stack shift for it.
__attribute__((visibility("hidden"))) long perfgate_fork_children(char** argv) {
  char path[256];
  slot_path(path, "perfgate-forks.", ".status");
  const int status_fd = open_in_folder(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
  if (status_fd < 0) {
    _exit(3);
  }
  if (s_fork_list_size == 0 || s_fork_list[s_fork_list_size - 1] != '\n') {
    refuse(status_fd, "cannot read its list of benchmarks");
  }
  if (stack_shift(argv, argv[1]) != 0) {
    refuse(status_fd, "the stack is not laid out as valgrind 3 lays it out");
  }
  size_t index = 0;
  for (size_t begin = 0; begin < s_fork_list_size; ++index) {
    const char* line = s_fork_list + begin;
    const size_t length = static_cast<size_t>(
        static_cast<const char*>(memchr(line, '\n', s_fork_list_size - begin)) - line);
    begin += length + 1;
    if (length < strlen(argv[1]) || length >= sizeof(s_child_argument)) {
      refuse(status_fd, "a filter is shorter than the server's own argument, or too long");
    }
    const pid_t server = getpid();
    const pid_t child = fork();
    if (child == 0) {
      const long shift = become_child(argv, index, line, length, status_fd, server);
      if (shift < 0) {
        _exit(3);
      }
      return shift;
    }
    if (child < 0) {
      refuse(status_fd, "fork failed");
    }
    report(status_fd, "start", static_cast<long>(index), child, 0, false);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    report(status_fd, "end", static_cast<long>(index), child, status, true);
  }
  [[maybe_unused]] const ssize_t written = write(status_fd, "done\n", 5);
  _exit(0);
}

}  // extern "C"

namespace {

// Runs before the program's main() and before __libc_start_main: finds the real
// __libc_start_main and, when perfgate started this process as a fork server, reads its list.
__attribute__((constructor)) void prepare_fork_server(int argc, char** argv, char**) {
  perfgate_real_libc_start_main = dlsym(RTLD_NEXT, "__libc_start_main");
  if (argc < 2 || argv == nullptr || !equals_prefix(argv[1], k_fork_flag, k_fork_flag_length)) {
    return;
  }
  const char* slot = argv[1] + k_fork_flag_length;
  if (strlen(slot) == 0 || strlen(slot) >= sizeof(s_fork_slot) ||
      strspn(slot, "0123456789") != strlen(slot)) {
    return;  // not ours: the program sees the argument and rejects it
  }
  memcpy(s_fork_slot, slot, strlen(slot) + 1);
  char path[256];
  slot_path(path, "perfgate-forks.", ".txt");
  const int fd = open_in_folder(path, O_RDONLY);
  if (fd >= 0) {
    ssize_t n = 0;
    while ((n = read(fd, s_fork_list + s_fork_list_size,
                     sizeof(s_fork_list) - s_fork_list_size)) > 0) {
      s_fork_list_size += static_cast<size_t>(n);
    }
    close(fd);
    if (s_fork_list_size == sizeof(s_fork_list)) {
      s_fork_list_size = 0;  // too long: refused in perfgate_fork_children
    }
  }
  perfgate_forking = 1;
}

}  // namespace

// The program's _start calls __libc_start_main(main, argc, argv, init, fini, rtld_fini,
// stack_end) with its return address and stack_end on the stack. Outside a fork server this is a
// plain jump: the real function sees exactly the registers and the stack it would have seen.
// In a fork server's child, the return address and stack_end move `shift` bytes down with the
// stack pointer, so every frame from __libc_start_main on lies where it lies in a process of its
// own. (x86-64 only; elsewhere the trampoline is left out and perfgate runs a valgrind process
// per benchmark.)
#if defined(__x86_64__)
asm(R"(
  .text
  .globl __libc_start_main
  .type __libc_start_main, @function
__libc_start_main:
  cmpb $0, perfgate_forking(%rip)
  jne 1f
  jmp *perfgate_real_libc_start_main(%rip)
1:
  push %rdi
  push %rsi
  push %rdx
  push %rcx
  push %r8
  push %r9
  sub $8, %rsp
  mov %rdx, %rdi
  call perfgate_fork_children
  add $8, %rsp
  pop %r9
  pop %r8
  pop %rcx
  pop %rdx
  pop %rsi
  pop %rdi
  mov (%rsp), %r10
  mov 8(%rsp), %r11
  sub %rax, %r11
  sub %rax, %rsp
  mov %r10, (%rsp)
  mov %r11, 8(%rsp)
  jmp *perfgate_real_libc_start_main(%rip)
  .size __libc_start_main, .-__libc_start_main
)");
#endif
