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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include <sys/utsname.h>
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
