// The machine's facts and load (host_probe.hpp). Linux only; elsewhere every text is empty and
// the facts say "unknown".
#include "host_probe.hpp"

#include "process.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>

namespace perfgate::cli {

namespace {

constexpr const char* k_cpu0 = "/sys/devices/system/cpu/cpu0";

int online_cpus() {
  const long count = sysconf(_SC_NPROCESSORS_ONLN);
  return count > 0 ? static_cast<int>(count) : 0;
}

double own_cpu_seconds() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) {
    return 0;
  }
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

}  // namespace

HostTexts read_host_texts() {
  HostTexts texts;
  struct utsname name {};
  if (uname(&name) == 0) {
    texts.arch = name.machine;
  }
  texts.cpuinfo = slurp("/proc/cpuinfo").value_or("");
  texts.cpufreq_max_khz = slurp(std::string(k_cpu0) + "/cpufreq/cpuinfo_max_freq").value_or("");
  // index0, index1, ... without gaps, as the kernel numbers them.
  for (int i = 0;; ++i) {
    const std::string folder = std::string(k_cpu0) + "/cache/index" + std::to_string(i);
    const auto level = slurp(folder + "/level");
    if (!level) {
      break;
    }
    texts.caches.push_back(
        {*level, slurp(folder + "/type").value_or(""), slurp(folder + "/size").value_or("")});
  }
  texts.online_cpus = online_cpus();
  return texts;
}

HostFacts probe_host() { return host_facts(read_host_texts()); }

Result<LoadSample> sample_load() {
  const double now =
      std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  return parse_load_sample(slurp("/proc/loadavg").value_or(""), slurp("/proc/stat").value_or(""),
                           online_cpus(), now, own_cpu_seconds());
}

}  // namespace perfgate::cli
