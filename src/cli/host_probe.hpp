// The machine's facts and load, read from /proc, /sys, uname and getrusage: the only code that
// reads them. What they mean is decided in the library (host.hpp, contention.hpp).
#pragma once

#include <perfgate/host.hpp>
#include <perfgate/result.hpp>

#include <string>

namespace perfgate::cli {

// /proc/cpuinfo, cpu0's caches and cpufreq maximum under /sys, uname's machine and the online
// CPU count, as read; a file that is not there stays empty.
HostTexts read_host_texts();

// host_facts(read_host_texts()).
HostFacts probe_host();

// /proc/loadavg and /proc/stat now, with a monotonic time stamp and this process's own CPU time.
// Take one right before and one right after a measured run (contention.hpp: assess_load).
Result<LoadSample> sample_load();

}  // namespace perfgate::cli
