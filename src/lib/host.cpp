#include <perfgate/host.hpp>
#include <perfgate/number_format.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <tuple>

namespace perfgate {
namespace {

std::string_view strip(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view()
                                         : text.substr(first, last - first + 1);
}

std::optional<double> number_in(std::string_view text) {
  text = strip(text);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string lower_ascii(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return lowered;
}

// "512 KB", "32K", "32768K", "1M", "1024" (KiB when there is no unit) -> KiB.
std::optional<std::uint64_t> kib_of(std::string_view text) {
  text = strip(text);
  const auto digits = std::min(text.find_first_not_of("0123456789"), text.size());
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, value);
  if (error != std::errc() || digits == 0) {
    return std::nullopt;
  }
  const std::string unit = lower_ascii(strip(text.substr(digits)));
  if (unit.empty() || unit == "k" || unit == "kb" || unit == "kib") {
    return value;
  }
  if (unit == "m" || unit == "mb" || unit == "mib") {
    return value * 1024;
  }
  if (unit == "g" || unit == "gb" || unit == "gib") {
    return value * 1024 * 1024;
  }
  return std::nullopt;
}

// "x86-64-v<N>" as the x86-64 psABI defines the levels, spelled as /proc/cpuinfo spells the
// flags (sse3 is "pni", lzcnt is "abm"; OSXSAVE is implied by "xsave" on a running kernel).
std::string isa_level_of(const std::set<std::string, std::less<>>& flags) {
  const std::array<std::vector<std::string_view>, 4> levels = {{
      {"cmov", "cx8", "fpu", "fxsr", "mmx", "syscall", "sse", "sse2"},
      {"cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"},
      {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"},
      {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"},
  }};
  std::string level;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const bool has_all = std::all_of(levels[i].begin(), levels[i].end(),
                                     [&](std::string_view flag) { return flags.count(flag) > 0; });
    if (!has_all) {
      break;
    }
    level = "v" + std::to_string(i + 1);
  }
  return level;
}

bool is_x86(std::string_view arch) {
  return arch == "x86_64" || arch == "amd64" || arch == "i686" || arch == "i386";
}

// "Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz" -> 2300.
std::optional<double> model_name_mhz(std::string_view model) {
  const auto at = model.find('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string rest = lower_ascii(strip(model.substr(at + 1)));
  const auto unit = rest.find_first_not_of("0123456789.");
  const auto value = number_in(std::string_view(rest).substr(0, unit));
  if (!value || unit == std::string::npos) {
    return std::nullopt;
  }
  const std::string_view suffix = strip(std::string_view(rest).substr(unit));
  if (suffix == "ghz") {
    return *value * 1000;
  }
  if (suffix == "mhz") {
    return *value;
  }
  return std::nullopt;
}

// One "key : value" line of /proc/cpuinfo per call; the first value of each key wins except
// where noted.
struct CpuinfoReader {
  explicit CpuinfoReader(HostFacts& into) : facts(into) {}

  HostFacts& facts;
  int processors = 0;
  std::optional<double> bogomips;
  std::set<std::string, std::less<>> flags;
  bool flags_seen = false;

  void line(std::string_view key, std::string_view value) {
    if (key == "processor") {
      ++processors;
    } else if (key == "vendor_id" && facts.vendor.empty()) {
      facts.vendor = std::string(value);
    } else if ((key == "model name" || key == "Hardware" || key == "cpu model") &&
               facts.cpu_model.empty()) {
      facts.cpu_model = std::string(value);
    } else if (key == "cpu MHz") {
      const auto mhz = number_in(value);  // the highest of every CPU's
      if (mhz && (!facts.cpuinfo_mhz || *mhz > *facts.cpuinfo_mhz)) {
        facts.cpuinfo_mhz = mhz;
      }
    } else if (key == "cache size" && !facts.cpuinfo_cache_kib) {
      facts.cpuinfo_cache_kib = kib_of(value);
    } else if ((key == "flags" || key == "Features") && !flags_seen) {
      flags_seen = true;
      std::size_t start = 0;
      while ((start = value.find_first_not_of(' ', start)) != std::string_view::npos) {
        const auto end = std::min(value.find(' ', start), value.size());
        flags.emplace(value.substr(start, end - start));
        start = end;
      }
    } else if ((key == "bogomips" || key == "BogoMIPS") && !bogomips) {
      bogomips = number_in(value);
    }
  }
};

void read_cpuinfo(std::string_view text, HostFacts& facts) {
  CpuinfoReader reader(facts);
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text = end == text.size() ? std::string_view() : text.substr(end + 1);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      reader.line(strip(line.substr(0, colon)), strip(line.substr(colon + 1)));
    }
  }
  facts.num_cpus = reader.processors;
  facts.flag_count = reader.flags.size();
  facts.model_name_mhz = model_name_mhz(facts.cpu_model);
  if (is_x86(facts.arch)) {
    facts.isa_level = isa_level_of(reader.flags);
    // With a constant TSC the kernel calibrates its delay loop on the TSC at boot: bogomips is
    // twice the TSC's rate in MHz, which is the CPU's nominal frequency, whatever it runs at now.
    if (reader.flags.count("constant_tsc") > 0 && reader.bogomips && *reader.bogomips > 0) {
      facts.tsc_mhz = *reader.bogomips / 2;
    }
  }
}

int type_rank(std::string_view type) {
  return type == "Data" ? 0 : type == "Instruction" ? 1 : 2;
}

// "512K" -> "512k", "32768K" -> "32m".
std::string size_token(std::uint64_t kib) {
  return kib % 1024 == 0 ? std::to_string(kib / 1024) + "m" : std::to_string(kib) + "k";
}

// Rounded to the nearest multiple of `step`.
long rounded(double mhz, double step) { return std::lround(mhz / step) * std::lround(step); }

// The CMake 3.25 string(REGEX REPLACE "(^| )(cpu|processor|[0-9]+-core)( |$)" " " ...) of
// _perfgate_slug, quirk included: CMake searches again from the end of each match and lets '^'
// match there, so "x cpu cpu y" loses both words.
std::size_t model_word_end(std::string_view text, std::size_t at) {
  std::size_t end = std::string_view::npos;
  const std::string_view rest = text.substr(at);
  if (rest.substr(0, 3) == "cpu") {
    end = at + 3;
  } else if (rest.substr(0, 9) == "processor") {
    end = at + 9;
  } else {
    const auto digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    if (digits > 0 && rest.substr(digits, 5) == "-core") {
      end = at + digits + 5;
    }
  }
  if (end == std::string_view::npos || end == text.size()) {
    return end;
  }
  return text[end] == ' ' ? end + 1 : std::string_view::npos;
}

std::string drop_model_words(std::string_view text) {
  std::string out;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t start = std::string_view::npos;
    std::size_t end = model_word_end(text, from);
    if (end != std::string_view::npos) {
      start = from;
    } else {
      for (std::size_t i = from; i < text.size(); ++i) {
        if (text[i] == ' ' && (end = model_word_end(text, i + 1)) != std::string_view::npos) {
          start = i;
          break;
        }
      }
    }
    if (start == std::string_view::npos) {
      break;
    }
    out.append(text.substr(from, start - from)).append(" ");
    from = end;
  }
  return out.append(text.substr(std::min(from, text.size())));
}

// Runs of characters other than letters, digits, '.', '_' and '-' as one '-'.
std::string class_safe(std::string_view text) {
  std::string safe;
  for (const char c : text) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (kept || safe.empty() || safe.back() != '-') {
      safe += kept ? c : '-';
    }
  }
  return safe;
}

// CMake's compiler id as the class names it: "GNU" -> "gcc", "Clang" -> "clang".
std::string compiler_slug(std::string_view compiler_id) {
  const std::string slug = lower_ascii(compiler_id);
  return slug == "gnu" ? "gcc" : slug;
}

// The first `parts` numbers of a version: ("12.2.0", 1) -> "12", ("12.2.0", 2) -> "12.2".
std::string_view version_prefix(std::string_view version, int parts) {
  std::size_t end = 0;
  for (int part = 0; part < parts; ++part) {
    if (part > 0 && (end >= version.size() || version[end] != '.')) {
      break;
    }
    const std::size_t start = part == 0 ? 0 : end + 1;
    const auto digits = std::min(version.find_first_not_of("0123456789", start), version.size());
    if (digits == start) {
      break;
    }
    end = digits;
  }
  return version.substr(0, end);
}

}  // namespace

std::string_view to_string(MhzSource source) {
  switch (source) {
    case MhzSource::cpufreq_max: return "cpufreq";
    case MhzSource::model_name: return "model name";
    case MhzSource::tsc: return "tsc";
    case MhzSource::cpuinfo: return "cpuinfo";
    case MhzSource::none: break;
  }
  return "none";
}

HostFacts host_facts(const HostTexts& texts) {
  HostFacts facts;
  facts.arch = std::string(strip(texts.arch));
  read_cpuinfo(texts.cpuinfo, facts);
  if (texts.online_cpus > 0) {
    facts.num_cpus = texts.online_cpus;
  }
  if (const auto khz = number_in(texts.cpufreq_max_khz); khz && *khz > 0) {
    facts.cpufreq_max_mhz = *khz / 1000;
  }
  for (const auto& index : texts.caches) {
    const auto level = number_in(index.level);
    const auto kib = kib_of(index.size);
    if (level && *level >= 1 && kib && *kib > 0) {
      facts.caches.push_back({static_cast<int>(*level), std::string(strip(index.type)), *kib});
    }
  }
  std::sort(facts.caches.begin(), facts.caches.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.level, type_rank(a.type), a.kib) <
           std::make_tuple(b.level, type_rank(b.type), b.kib);
  });
  return facts;
}

SpeedBand speed_band(const HostFacts& facts) {
  // A stable source gives the nominal frequency: to the nearest 50 MHz, so nominal frequencies
  // (multiples of 50 MHz) sit in the middle of their band. "cpu MHz" moves with frequency
  // scaling: to the nearest 500 MHz.
  const std::array<std::tuple<MhzSource, std::optional<double>, double>, 4> sources = {{
      {MhzSource::cpufreq_max, facts.cpufreq_max_mhz, 50},
      {MhzSource::model_name, facts.model_name_mhz, 50},
      {MhzSource::tsc, facts.tsc_mhz, 50},
      {MhzSource::cpuinfo, facts.cpuinfo_mhz, 500},
  }};
  for (const auto& [source, mhz, step] : sources) {
    if (mhz && *mhz > 0) {
      return {source, mhz, std::to_string(rounded(*mhz, step)) + "mhz"};
    }
  }
  return {MhzSource::none, std::nullopt, "nomhz"};
}

std::string cache_signature(const HostFacts& facts) {
  std::string signature;
  for (const auto& cache : facts.caches) {
    if (cache.level >= 2) {
      signature += (signature.empty() ? "l" : "-l") + std::to_string(cache.level) + "-" +
                   size_token(cache.kib);
    }
  }
  if (!signature.empty()) {
    return signature;
  }
  if (facts.cpuinfo_cache_kib && *facts.cpuinfo_cache_kib > 0) {
    return "cache" + size_token(*facts.cpuinfo_cache_kib);
  }
  return "nocache";
}

std::string cpu_model_slug(std::string_view model) {
  std::string text = lower_ascii(model);
  for (const std::string_view mark : {"(r)", "(tm)", "(c)"}) {
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + 1)) {
      text.replace(at, mark.size(), " ");
    }
  }
  text = drop_model_words(text.substr(0, text.find('@')));
  for (std::size_t at = 0; (at = text.find("with ", at)) != std::string::npos; ++at) {
    if (at == 0 || text[at - 1] == ' ') {
      text.erase(at == 0 ? 0 : at - 1);
      break;
    }
  }
  std::string slug;
  for (const char c : text) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (kept) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') {
    slug.pop_back();
  }
  return slug.empty() ? "unknown" : slug;
}

std::string runner_fingerprint(const HostFacts& facts, std::string_view compiler_id,
                               std::string_view compiler_version, std::string_view build_type) {
  const std::string arch = class_safe(facts.arch);
  std::string fingerprint = (arch.empty() ? "unknown" : arch) +
                            (facts.isa_level.empty() ? "" : "-" + facts.isa_level) + "-" +
                            cpu_model_slug(facts.cpu_model) + "-" +
                            std::to_string(facts.num_cpus) + "c-" + speed_band(facts).token +
                            "-" + cache_signature(facts) + "-" + compiler_slug(compiler_id) +
                            std::string(version_prefix(compiler_version, 1));
  if (build_type != "Release") {
    fingerprint += "-" + cpu_model_slug(build_type);
  }
  return fingerprint;
}

std::vector<std::pair<std::string, std::string>> host_context(const HostFacts& facts) {
  const SpeedBand band = speed_band(facts);
  std::string caches;
  for (const auto& cache : facts.caches) {
    const std::string kind = cache.type == "Data"          ? "d"
                             : cache.type == "Instruction" ? "i"
                                                           : "";
    caches += (caches.empty() ? "L" : ", L") + std::to_string(cache.level) + kind + " " +
              std::to_string(cache.kib) + " KiB";
  }
  if (caches.empty() && facts.cpuinfo_cache_kib) {
    caches = std::to_string(*facts.cpuinfo_cache_kib) + " KiB (cpuinfo cache size)";
  }
  return {
      {"cpu_model", facts.cpu_model},
      {"cpu_vendor", facts.vendor},
      {"num_cpus", std::to_string(facts.num_cpus)},
      {"isa_level", facts.isa_level},
      {"cpu_mhz", band.mhz ? format_fixed(*band.mhz, 0) : ""},
      {"cpu_mhz_source", std::string(to_string(band.source))},
      {"cpu_speed_band", band.token},
      {"cpu_caches", caches.empty() ? "not reported" : caches},
      {"cpu_cache_signature", cache_signature(facts)},
  };
}

}  // namespace perfgate

namespace perfgate {

std::uint64_t CpuTicks::total() const {
  return user + nice + system + idle + iowait + irq + softirq + steal;
}

std::uint64_t CpuTicks::busy() const { return total() - idle - iowait - steal; }

namespace {

// The whitespace-separated fields of one line.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while ((start = line.find_first_not_of(" \t\r", start)) != std::string_view::npos) {
    const auto end = std::min(line.find_first_of(" \t\r", start), line.size());
    fields.push_back(line.substr(start, end - start));
    start = end;
  }
  return fields;
}

// "cpu  2010397 35230 105348 291359 734 0 320 4293 0 0": the first line of /proc/stat.
std::optional<CpuTicks> cpu_line_of(std::string_view stat) {
  const auto fields = fields_of(stat.substr(0, stat.find('\n')));
  if (fields.size() < 9 || fields[0] != "cpu") {
    return std::nullopt;
  }
  std::array<std::uint64_t, 8> values{};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto field = fields[i + 1];
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), values[i]);
    if (error != std::errc() || end != field.data() + field.size()) {
      return std::nullopt;
    }
  }
  return CpuTicks{values[0], values[1], values[2], values[3],
                  values[4], values[5], values[6], values[7]};
}

}  // namespace

Result<LoadSample> parse_load_sample(std::string_view loadavg, std::string_view stat, int num_cpus,
                                     double seconds, double sampler_cpu_seconds) {
  Diagnostics problems;
  LoadSample sample;
  sample.seconds = seconds;
  sample.sampler_cpu_seconds = sampler_cpu_seconds;
  sample.num_cpus = num_cpus;
  const auto fields = fields_of(loadavg.substr(0, loadavg.find('\n')));
  const auto load1 = fields.size() >= 4 ? number_in(fields[0]) : std::nullopt;
  const auto running = fields.size() >= 4 ? number_in(fields[3].substr(0, fields[3].find('/')))
                                          : std::nullopt;
  if (!load1 || !running) {
    problems.error("/proc/loadavg", "",
                   "expected \"<1-min> <5-min> <15-min> <running>/<tasks> <last pid>\", got \"" +
                       std::string(strip(loadavg.substr(0, loadavg.find('\n')))) + "\"");
  } else {
    sample.load1 = *load1;
    sample.running = static_cast<int>(*running);
  }
  if (const auto ticks = cpu_line_of(stat)) {
    sample.ticks = *ticks;
  } else {
    problems.error("/proc/stat", "",
                   "expected a first line \"cpu <user> <nice> <system> <idle> <iowait> <irq> "
                   "<softirq> <steal> ...\" of clock ticks, got \"" +
                       std::string(strip(stat.substr(0, stat.find('\n')))) + "\"");
  }
  if (num_cpus <= 0) {
    problems.error("/proc/stat", "", "expected at least one online CPU, got " +
                                         std::to_string(num_cpus));
  }
  if (problems.has_errors()) {
    return problems;
  }
  return sample;
}

}  // namespace perfgate

namespace perfgate {

std::string toolchain_class(std::string_view compiler_id, std::string_view compiler_version,
                            std::string_view build_type, std::string_view benchmark_version,
                            std::string_view valgrind_version) {
  const std::string build = build_type.empty() ? "none" : lower_ascii(build_type);
  return class_safe("callgrind-" + compiler_slug(compiler_id) +
                    std::string(version_prefix(compiler_version, 2)) + "-" + build + "-gbench" +
                    std::string(benchmark_version) + "-vg" +
                    std::string(version_prefix(valgrind_version, 2)));
}

}  // namespace perfgate
