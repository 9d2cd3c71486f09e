// The machine a wall-time benchmark runs on, as facts: what /proc/cpuinfo and /sys say about its
// CPU, and the runner class (docs/baselines.md) those facts name. Pure: the caller reads the
// texts (src/cli/host_probe.cpp) and passes them in, so every rule here is tested with texts
// captured on real hosts (tests/data/host/).
#pragma once

#include <perfgate/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// One CPU cache, from /sys/devices/system/cpu/cpu0/cache/index<i>/{level,type,size}.
struct CacheLevel {
  int level = 0;          // 1, 2, 3
  std::string type;       // "Data", "Instruction", "Unified"
  std::uint64_t kib = 0;  // size in KiB
};

// The texts of one /sys/.../cache/index<i> folder, as read.
struct CacheIndexTexts {
  std::string level;
  std::string type;
  std::string size;
};

// Everything the probe reads, as text; an empty text means "not there" (no such file).
struct HostTexts {
  std::string arch;     // uname's machine: "x86_64", "aarch64"
  std::string cpuinfo;  // /proc/cpuinfo
  std::vector<CacheIndexTexts> caches;  // /sys/devices/system/cpu/cpu0/cache/index*
  std::string cpufreq_max_khz;          // /sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq
  int online_cpus = 0;                  // the CPUs this process may run on; 0 = unknown
};

// Where the frequency of the runner class came from, most trusted first (docs/baselines.md).
enum class MhzSource { cpufreq_max, model_name, tsc, cpuinfo, none };
std::string_view to_string(MhzSource source);  // "cpufreq", "model name", "tsc", "cpuinfo", "none"

struct HostFacts {
  std::string arch;
  std::string vendor;     // "AuthenticAMD", "GenuineIntel"; "" when not said
  std::string cpu_model;  // "model name" (x86), "Hardware" or "cpu model"; "" when not said
  int num_cpus = 0;       // the online CPUs, else the "processor" entries of /proc/cpuinfo
  std::size_t flag_count = 0;
  // The x86-64 micro-architecture level the flags meet: "v1" .. "v4"; "" on other machines.
  std::string isa_level;
  // Frequencies in MHz; nullopt when the source does not say.
  std::optional<double> cpufreq_max_mhz;  // the cpufreq driver's maximum
  std::optional<double> model_name_mhz;   // "@ 2.10GHz" in the model name
  std::optional<double> tsc_mhz;          // x86 with constant_tsc: bogomips / 2, calibrated at boot
  std::optional<double> cpuinfo_mhz;      // the highest "cpu MHz": moves with frequency scaling
  std::optional<std::uint64_t> cpuinfo_cache_kib;  // "cache size" (L2 on AMD, L3 on Intel)
  std::vector<CacheLevel> caches;                  // from /sys, ordered by level and type
};

// Reads the texts into facts. Total: a text it cannot read leaves its facts empty.
HostFacts host_facts(const HostTexts& texts);

// The CPU's speed as the runner class names it, and where it came from (MhzSource order).
struct SpeedBand {
  MhzSource source = MhzSource::none;
  std::optional<double> mhz;  // the frequency the band was taken from
  std::string token;          // "2450mhz", or "nomhz"
};
SpeedBand speed_band(const HostFacts& facts);

// The cache signature: "l2-512k-l3-32m" from /sys, else "cache512k" from /proc/cpuinfo's
// "cache size", else "nocache".
std::string cache_signature(const HostFacts& facts);

// The CPU model part of the runner class: lower case, "(R)", "(TM)", "(C)", everything from '@',
// the words "cpu", "processor" and "<n>-core" and everything from " with " removed, runs of other
// characters as '-'; "unknown" when nothing is left. "AMD EPYC" -> "amd-epyc".
std::string cpu_model_slug(std::string_view model);

// The runner class of the wall-time lane (docs/baselines.md):
// <arch>[-<isa level>]-<cpu model slug>-<N>c-<speed band>-<cache signature>-<compiler><major>
// [-<build type>], e.g. "x86_64-v3-amd-epyc-2c-2450mhz-l2-512k-l3-32m-gcc12". The build type is
// left out when it is Release. `compiler_id` is CMake's ("GNU" -> "gcc", "Clang" -> "clang").
std::string runner_fingerprint(const HostFacts& facts, std::string_view compiler_id,
                               std::string_view compiler_version, std::string_view build_type);

// The run-context keys (RunContext::extra) the facts add, for reports and reviewers: cpu_model,
// cpu_vendor, num_cpus, cpu_mhz, cpu_mhz_source, cpu_caches, isa_level.
std::vector<std::pair<std::string, std::string>> host_context(const HostFacts& facts);

// The toolchain class of the instructions lane (docs/baselines.md):
// callgrind-<compiler><major.minor>-<build type>-gbench<version>-vg<valgrind major.minor>, e.g.
// "callgrind-gcc12.2-release-gbench1.7.1-vg3.19". The build type is lower case, "none" when empty;
// `valgrind_version` as callgrind::valgrind_version_of() gives it ("3.19.0"). Runs of characters
// other than letters, digits, '.', '_' and '-' become '-'.
std::string toolchain_class(std::string_view compiler_id, std::string_view compiler_version,
                            std::string_view build_type, std::string_view benchmark_version,
                            std::string_view valgrind_version);

// ---------------------------------------------------------------------------------------------
// Load: what the machine was doing around a measured run (src/lib/contention.cpp judges it).

// The aggregate "cpu" line of /proc/stat: time every CPU spent in each state since boot, in
// clock ticks (USER_HZ). Guest time is already part of user and nice.
struct CpuTicks {
  std::uint64_t user = 0;
  std::uint64_t nice = 0;
  std::uint64_t system = 0;
  std::uint64_t idle = 0;
  std::uint64_t iowait = 0;
  std::uint64_t irq = 0;
  std::uint64_t softirq = 0;
  std::uint64_t steal = 0;  // taken by the hypervisor for other guests

  [[nodiscard]] std::uint64_t total() const;
  // Running something in this machine: total - idle - iowait - steal.
  [[nodiscard]] std::uint64_t busy() const;
};

struct LoadSample {
  double seconds = 0;  // when it was taken, on a monotonic clock
  int num_cpus = 0;    // online CPUs
  double load1 = 0;    // /proc/loadavg: runnable (and uninterruptible) tasks, 1-minute average
  int running = 0;     // /proc/loadavg: tasks running or runnable right now (the sampler is one)
  // CPU time the sampling process itself had used (getrusage), so that its own work while it
  // waited for the measured run is not counted as a neighbour's.
  double sampler_cpu_seconds = 0;
  CpuTicks ticks;
};

// Reads /proc/loadavg ("1.32 1.01 1.17 1/120 18785") and /proc/stat's "cpu" line. Each text that
// does not say what is expected is a diagnostic naming the file.
Result<LoadSample> parse_load_sample(std::string_view loadavg, std::string_view stat, int num_cpus,
                                     double seconds, double sampler_cpu_seconds = 0);

}  // namespace perfgate
