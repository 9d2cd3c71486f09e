// Host facts and the runner class, from texts captured on real hosts (tests/data/host/README.md).
#include <perfgate/baseline.hpp>
#include <perfgate/diagnostics.hpp>
#include <perfgate/host.hpp>

#include "host_data.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace perfgate {
namespace {

std::string data(const std::string& path) { return test::host_data(path); }

// The texts host_probe.cpp reads, from a captured host folder.
HostTexts captured(const std::string& host, int cache_indices) {
  HostTexts texts;
  texts.arch = "x86_64";
  texts.cpuinfo = data(host + "/cpuinfo");
  for (int i = 0; i < cache_indices; ++i) {
    const std::string index = host + "/cache/index" + std::to_string(i) + "/";
    texts.caches.push_back({data(index + "level"), data(index + "type"), data(index + "size")});
  }
  return texts;
}

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(HostFacts, ReadsACapturedEpycHost) {
  const HostFacts facts = host_facts(captured("epyc-2445", 4));
  EXPECT_EQ(facts.vendor, "AuthenticAMD");
  EXPECT_EQ(facts.cpu_model, "AMD EPYC");
  EXPECT_EQ(facts.num_cpus, 2);
  EXPECT_EQ(facts.isa_level, "v3");
  EXPECT_EQ(facts.flag_count, 93u);
  ASSERT_TRUE(facts.cpuinfo_mhz && facts.tsc_mhz && facts.cpuinfo_cache_kib);
  EXPECT_DOUBLE_EQ(*facts.cpuinfo_mhz, 2445.428);
  EXPECT_DOUBLE_EQ(*facts.tsc_mhz, 2445.425);
  EXPECT_EQ(*facts.cpuinfo_cache_kib, 512u);
  EXPECT_FALSE(facts.model_name_mhz);
  EXPECT_FALSE(facts.cpufreq_max_mhz);
  ASSERT_EQ(facts.caches.size(), 4u);
  EXPECT_EQ(facts.caches[0].type, "Data");
  EXPECT_EQ(facts.caches[1].type, "Instruction");
  EXPECT_EQ(facts.caches[2].level, 2);
  EXPECT_EQ(facts.caches[2].kib, 512u);
  EXPECT_EQ(facts.caches[3].kib, 32768u);
}

TEST(HostFacts, OnlineCpusWinOverTheProcessorEntries) {
  HostTexts texts = captured("epyc-2445", 0);
  texts.online_cpus = 1;
  EXPECT_EQ(host_facts(texts).num_cpus, 1);
}

TEST(HostFacts, ContextNamesWhereTheFrequencyCameFrom) {
  const auto context = host_context(host_facts(captured("epyc-2445", 4)));
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"cpu_model", "AMD EPYC"},
      {"cpu_vendor", "AuthenticAMD"},
      {"num_cpus", "2"},
      {"isa_level", "v3"},
      {"cpu_mhz", "2445"},
      {"cpu_mhz_source", "tsc"},
      {"cpu_speed_band", "2450mhz"},
      {"cpu_caches", "L1d 32 KiB, L1i 32 KiB, L2 512 KiB, L3 32768 KiB"},
      {"cpu_cache_signature", "l2-512k-l3-32m"},
  };
  EXPECT_EQ(context, expected);
}

TEST(RunnerFingerprint, SeparatesTheTwoEpycHostsOfIssue10) {
  // The committed baseline's host (2096 MHz, no caches reported) and the newer host (2445 MHz,
  // caches reported) were both "x86_64-amd-epyc-2c-gcc12"; 3 of 4 tests failed across them.
  const std::string newer =
      runner_fingerprint(host_facts(captured("epyc-2445", 4)), "GNU", "12.2.0", "Release");
  const std::string older =
      runner_fingerprint(host_facts(captured("epyc-2096-nocache", 0)), "GNU", "12.2.0", "Release");
  EXPECT_EQ(newer, "x86_64-v3-amd-epyc-2c-2450mhz-l2-512k-l3-32m-gcc12");
  EXPECT_EQ(older, "x86_64-v3-amd-epyc-2c-2100mhz-nocache-gcc12");
}

TEST(RunnerFingerprint, StaysTheSameWhileTheClockMoves) {
  // "cpu MHz" follows frequency scaling; the TSC rate (bogomips) is fixed at boot.
  const HostTexts idle = captured("epyc-2445", 4);
  HostTexts busy = idle;
  busy.cpuinfo = replaced(busy.cpuinfo, "cpu MHz\t\t: 2445.428", "cpu MHz\t\t: 3512.000");
  HostTexts slow = idle;
  slow.cpuinfo = replaced(slow.cpuinfo, "cpu MHz\t\t: 2445.428", "cpu MHz\t\t: 1497.000");
  const std::string expected = runner_fingerprint(host_facts(idle), "GNU", "12.2.0", "Release");
  EXPECT_EQ(runner_fingerprint(host_facts(busy), "GNU", "12.2.0", "Release"), expected);
  EXPECT_EQ(runner_fingerprint(host_facts(slow), "GNU", "12.2.0", "Release"), expected);
  // A reboot recalibrates the TSC by a few kHz.
  HostTexts rebooted = idle;
  rebooted.cpuinfo = replaced(rebooted.cpuinfo, "bogomips\t: 4890.85", "bogomips\t: 4890.81");
  EXPECT_EQ(runner_fingerprint(host_facts(rebooted), "GNU", "12.2.0", "Release"), expected);
}

// The run context of a wall-time run on `host`, as perfgate run records it.
RunContext context_on(const std::string& host, int cache_indices) {
  RunContext context;
  for (const auto& [key, value] : host_context(host_facts(captured(host, cache_indices)))) {
    context.extra[key] = value;
  }
  context.extra["compiler"] = "GNU 12.2.0";
  context.extra["build_type"] = "Release";
  return context;
}

TEST(RunnerFingerprint, ABaselineOfAnotherSpeedClassIsRefusedWhateverTheRunnerName) {
  // PERFGATE_RUNNER may give both hosts one name; the fingerprint check still tells them apart.
  const auto mismatches =
      fingerprint_mismatches(context_on("epyc-2096-nocache", 0), context_on("epyc-2445", 4));
  const std::vector<std::string> expected = {
      "cpu_speed_band: the baseline was recorded with \"2100mhz\", this run has \"2450mhz\"",
      "cpu_cache_signature: the baseline was recorded with \"nocache\", this run has "
      "\"l2-512k-l3-32m\""};
  EXPECT_EQ(mismatches, expected);
  const RunContext same = context_on("epyc-2445", 4);
  EXPECT_TRUE(fingerprint_mismatches(same, same).empty());
}

TEST(SpeedBand, PrefersCpufreqThenTheModelNameThenTheTsc) {
  HostTexts texts = captured("epyc-2445", 4);
  EXPECT_EQ(speed_band(host_facts(texts)).source, MhzSource::tsc);
  texts.cpuinfo = replaced(texts.cpuinfo, "model name\t: AMD EPYC",
                           "model name\t: AMD EPYC 7B13 64-Core Processor @ 2.25GHz");
  SpeedBand band = speed_band(host_facts(texts));
  EXPECT_EQ(band.source, MhzSource::model_name);
  EXPECT_EQ(band.token, "2250mhz");
  texts.cpufreq_max_khz = "3500000\n";
  band = speed_band(host_facts(texts));
  EXPECT_EQ(band.source, MhzSource::cpufreq_max);
  EXPECT_EQ(band.token, "3500mhz");
  EXPECT_EQ(to_string(band.source), "cpufreq");
}

TEST(SpeedBand, PutsNominalFrequenciesInTheMiddleOfTheirBand) {
  HostFacts facts;
  for (const auto& [mhz, token] : std::vector<std::pair<double, std::string>>{
           {2399.998, "2400mhz"}, {2400.0, "2400mhz"}, {2424.9, "2400mhz"}, {2450.0, "2450mhz"},
           {2445.425, "2450mhz"}, {2096.06, "2100mhz"}, {2300.0, "2300mhz"}}) {
    facts.tsc_mhz = mhz;
    EXPECT_EQ(speed_band(facts).token, token) << mhz;
  }
}

TEST(SpeedBand, TakesTheMovingCpuinfoMhzOnlyInWideBands) {
  // An aarch64 host says no frequency at all; an x86 host without constant_tsc only "cpu MHz".
  HostTexts texts;
  texts.arch = "x86_64";
  texts.cpuinfo = "processor\t: 0\nmodel name\t: Old CPU\ncpu MHz\t\t: 2745.1\nflags\t\t: fpu tsc\n"
                  "bogomips\t: 5490.20\nprocessor\t: 1\ncpu MHz\t\t: 2312.0\n";
  const SpeedBand band = speed_band(host_facts(texts));
  EXPECT_EQ(band.source, MhzSource::cpuinfo);
  EXPECT_EQ(band.token, "2500mhz");  // the highest "cpu MHz", to the nearest 500
  texts.arch = "aarch64";
  texts.cpuinfo = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes\n"
                  "CPU implementer\t: 0x41\n";
  EXPECT_EQ(speed_band(host_facts(texts)).token, "nomhz");
  EXPECT_EQ(to_string(MhzSource::none), "none");
}

TEST(CacheSignature, FallsBackToCpuinfoThenSaysNocache) {
  HostTexts texts = captured("epyc-2445", 0);
  EXPECT_EQ(cache_signature(host_facts(texts)), "cache512k");
  texts.caches = {{"2\n", "Unified\n", "1024K\n"}, {"3\n", "Unified\n", "36608K\n"}};
  EXPECT_EQ(cache_signature(host_facts(texts)), "l2-1m-l3-36608k");
  EXPECT_EQ(cache_signature(host_facts(captured("epyc-2096-nocache", 0))), "nocache");
  texts.caches = {{"2\n", "Unified\n", "garbage\n"}};  // unreadable entries are left out
  EXPECT_EQ(cache_signature(host_facts(texts)), "cache512k");
}

TEST(CpuModelSlug, FollowsTheRulesOfTheCMakeRunStep) {
  // Expected values: what the CMake run step of earlier versions (_perfgate_slug) gave under CMake 3.25.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"AMD EPYC", "amd-epyc"},
      {"Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "intel-xeon-platinum-8375c"},
      {"AMD Ryzen 9 5950X 16-Core Processor", "amd-ryzen-9-5950x"},
      {"cpu cpu cpu", "unknown"},
      {"CPU processor 8-core x", "x"},
      {"Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz", "intel-core-i7-8550u"},
      {"AMD Ryzen 7 PRO 4750U with Radeon Graphics", "amd-ryzen-7-pro-4750u"},
      {"", "unknown"},
      {"ARMv8 Processor rev 1 (v8l)", "armv8-rev-1-v8l"},
      {"QEMU Virtual CPU version 2.5+", "qemu-virtual-version-2-5"},
      {"cpuX cpu", "cpux"},
      {"a  cpu  b", "a-b"},
      {"processorcpu", "processorcpu"},
      {"(R)(TM)", "unknown"},
      {"withstand with", "withstand-with"},
      {"a with", "a-with"},
      {"12-core-cpu", "12-core-cpu"},
      {"Apple M1 with cpu", "apple-m1"},
      {"AMD EPYC-Milan Processor", "amd-epyc-milan"},
      {"x cpu cpu y", "x-y"},
  };
  for (const auto& [model, slug] : cases) {
    EXPECT_EQ(cpu_model_slug(model), slug) << model;
  }
}

TEST(RunnerFingerprint, NamesCompilerAndBuildTypeAsBefore) {
  HostFacts facts = host_facts(captured("epyc-2445", 4));
  EXPECT_EQ(runner_fingerprint(facts, "Clang", "15.0.6", "RelWithDebInfo"),
            "x86_64-v3-amd-epyc-2c-2450mhz-l2-512k-l3-32m-clang15-relwithdebinfo");
  EXPECT_EQ(runner_fingerprint(facts, "GNU", "12.2.0", ""),
            "x86_64-v3-amd-epyc-2c-2450mhz-l2-512k-l3-32m-gcc12-unknown");
  facts = HostFacts{};
  EXPECT_EQ(runner_fingerprint(facts, "GNU", "12.2.0", "Release"),
            "unknown-unknown-0c-nomhz-nocache-gcc12");
}

TEST(ToolchainClass, NamesTheInstructionsBaselinesAsTheCMakeRunStepDid) {
  EXPECT_EQ(toolchain_class("GNU", "12.2.0", "Release", "1.7.1", "3.19.0"),
            "callgrind-gcc12.2-release-gbench1.7.1-vg3.19");
  EXPECT_EQ(toolchain_class("Clang", "15", "", "1.8.3", "3.22.0.GIT"),
            "callgrind-clang15-none-gbench1.8.3-vg3.22");
  EXPECT_EQ(toolchain_class("GNU", "12.2.0", "Rel With Debug", "unknown", ""),
            "callgrind-gcc12.2-rel-with-debug-gbenchunknown-vg");
}

TEST(ParseLoadSample, ReadsCapturedTexts) {
  const auto sample =
      parse_load_sample(data("load/busy/before-loadavg"), data("load/busy/before-stat"), 2, 10.5);
  ASSERT_TRUE(sample.has_value()) << format_diagnostics(sample.error());
  EXPECT_EQ(sample->num_cpus, 2);
  EXPECT_DOUBLE_EQ(sample->seconds, 10.5);
  EXPECT_GT(sample->ticks.total(), sample->ticks.busy());
  EXPECT_GE(sample->running, 1);
}

TEST(ParseLoadSample, NamesTheFileThatSaysSomethingElse) {
  const auto sample = parse_load_sample("1.0 2.0\n", "intr 1 2 3\ncpu 1 2\n", 0, 0);
  ASSERT_FALSE(sample.has_value());
  EXPECT_EQ(format_diagnostics(sample.error()),
            "/proc/loadavg: error: expected \"<1-min> <5-min> <15-min> <running>/<tasks> <last "
            "pid>\", got \"1.0 2.0\"\n"
            "/proc/stat: error: expected a first line \"cpu <user> <nice> <system> <idle> <iowait> "
            "<irq> <softirq> <steal> ...\" of clock ticks, got \"intr 1 2 3\"\n"
            "/proc/stat: error: expected at least one online CPU, got 0\n");
}

}  // namespace
}  // namespace perfgate
