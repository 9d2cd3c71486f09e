// Contention: load samples captured around real benchmark runs (tests/data/host/README.md), the
// benchmarks' own real/cpu times, and the judgement of a baseline recording.
#include <perfgate/contention.hpp>
#include <perfgate/diagnostics.hpp>
#include <perfgate/parse.hpp>

#include "host_data.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace perfgate {
namespace {

std::string data(const std::string& path) { return test::host_data("load/" + path); }

// The samples captured before and after one run; `seconds` apart.
std::pair<LoadSample, LoadSample> captured(const std::string& run, double seconds) {
  auto before = parse_load_sample(data(run + "/before-loadavg"), data(run + "/before-stat"), 2, 0);
  auto after = parse_load_sample(data(run + "/after-loadavg"), data(run + "/after-stat"), 2,
                                 seconds);
  EXPECT_TRUE(before.has_value() && after.has_value()) << run;
  return {*before, *after};
}

Benchmark timed(const std::string& name, int threads, const std::vector<double>& real,
                const std::vector<double>& cpu) {
  Benchmark benchmark;
  benchmark.name = name;
  benchmark.family = family_of(name);
  benchmark.threads = threads;
  benchmark.series(metric::k_real_time).samples = real;
  benchmark.series(metric::k_cpu_time).samples = cpu;
  return benchmark;
}

RunSet runs_of(std::vector<Benchmark> benchmarks) {
  RunSet runs;
  runs.benchmarks = std::move(benchmarks);
  return runs;
}

Decision decision(const std::string& benchmark, const std::string& metric, Verdict verdict) {
  Decision made;
  made.benchmark = benchmark;
  made.metric = metric;
  made.verdict = verdict;
  return made;
}

RunUsage usage_of(const std::string& run) {
  std::istringstream in(data(run + "/usage"));
  RunUsage usage;
  in >> usage.wall_seconds >> usage.cpu_seconds >> usage.involuntary_switches;
  return usage;
}

// ---- one measured run ----------------------------------------------------------------------

TEST(AssessLoad, LeavesAQuietRunAlone) {
  // bm_example --benchmark_repetitions=3 alone: 5 preemptions per CPU-second, real/cpu 1.0002.
  const RunUsage usage = usage_of("quiet");
  const auto [before, after] = captured("quiet", usage.wall_seconds);
  const LoadReport report = assess_load(before, after, usage);
  EXPECT_FALSE(report.contended) << report.condition();
  ASSERT_TRUE(report.others_cpus && report.idle_share);
  EXPECT_LT(*report.others_cpus, 0.05);
  EXPECT_GT(*report.idle_share, 0.4);
  EXPECT_LT(report.switches_per_cpu_second, 10);
}

TEST(AssessLoad, LeavesARunAloneThatKeptItsCpuBesideANeighbour) {
  // Another process kept 0.65 of the 2 CPUs busy; the run still had a CPU of its own (real/cpu
  // 1.00 to 1.08), so its times are not in doubt.
  const RunUsage usage = usage_of("neighbour");
  const auto [before, after] = captured("neighbour", usage.wall_seconds);
  const LoadReport report = assess_load(before, after, usage);
  EXPECT_FALSE(report.contended) << report.condition();
  ASSERT_TRUE(report.others_cpus && report.idle_share);
  EXPECT_GT(*report.others_cpus, 0.5);
  EXPECT_GT(*report.idle_share, 0.15);
}

TEST(AssessLoad, MarksARunBesideACpuHog) {
  // stress-ng --cpu 2 beside it on the otherwise quiet machine: real time 1.5-1.9x cpu time.
  const RunUsage usage = usage_of("hog");
  const auto [before, after] = captured("hog", usage.wall_seconds);
  const LoadReport report = assess_load(before, after, usage);
  EXPECT_TRUE(report.contended);
  ASSERT_EQ(report.reasons.size(), 2u) << report.condition();
  EXPECT_EQ(report.reasons[0].rfind("the machine was saturated: its CPUs were idle 0.1% of the "
                                    "time and other processes kept 1.4",
                                    0),
            0u)
      << report.reasons[0];
  EXPECT_EQ(report.reasons[1],
            "the benchmark was preempted 312 times per CPU-second (involuntary context switches)");
}

TEST(AssessLoad, MarksARunOnTheBusySharedMachine) {
  // bm_example --benchmark_repetitions=3 while five other engineers built on the same 2 CPUs:
  // it ran on 0.14 CPUs for 76 s, its real time 5-9x its cpu time.
  const RunUsage usage = usage_of("busy");
  const auto [before, after] = captured("busy", usage.wall_seconds);
  const LoadReport report = assess_load(before, after, usage);
  EXPECT_TRUE(report.contended);
  ASSERT_TRUE(report.others_cpus && report.steal_share);
  EXPECT_GT(*report.others_cpus, 1.8);
  EXPECT_LT(*report.steal_share, 0.01);
  ASSERT_EQ(report.reasons.size(), 3u);
  EXPECT_EQ(report.reasons[0].rfind("the machine was saturated: its CPUs were idle 0.0% of the "
                                    "time and other processes kept 1.8",
                                    0),
            0u)
      << report.reasons[0];
  EXPECT_EQ(report.reasons[1],
            "the load average stayed above 3.0 (12.63 before, 14.01 after, on 2 CPUs)");
  EXPECT_EQ(report.reasons[2],
            "the benchmark was preempted 347 times per CPU-second (involuntary context switches)");
}

TEST(AssessLoad, WithoutSamplesJudgesOnlyThePreemptions) {
  const LoadReport quiet = assess_load(std::nullopt, std::nullopt, {2.0, 1.98, 12, 1});
  EXPECT_FALSE(quiet.contended);
  EXPECT_FALSE(quiet.others_cpus);
  EXPECT_EQ(quiet.describe(),
            "run 2.00 s on 0.99 CPUs, 6 involuntary switches per CPU-second");
  EXPECT_EQ(quiet.condition(), "");
  const LoadReport busy = assess_load(std::nullopt, std::nullopt, {2.0, 1.2, 480, 1});
  EXPECT_TRUE(busy.contended);
  EXPECT_EQ(busy.condition(),
            "measured under contention: the benchmark was preempted 400 times per CPU-second "
            "(involuntary context switches)");
}

TEST(AssessLoad, ThreadsThatOutnumberTheCpusPreemptThemselves) {
  LoadSample before;
  before.num_cpus = 2;
  before.ticks.idle = 1000;
  LoadSample after = before;
  after.seconds = 1;
  after.ticks.user = 200;  // both CPUs busy with the run itself: 2 CPU-seconds in 1 s
  const LoadReport report = assess_load(before, after, {1.0, 2.0, 900, 8});
  EXPECT_FALSE(report.contended) << report.condition();
  ASSERT_TRUE(report.others_cpus);
  EXPECT_DOUBLE_EQ(*report.others_cpus, 0.0);
}

TEST(AssessLoad, StealAndASustainedLoadAreReasons) {
  LoadSample before;
  before.num_cpus = 2;
  before.load1 = 3.4;
  LoadSample after = before;
  after.seconds = 1;
  after.load1 = 3.6;
  after.ticks.user = 100;
  after.ticks.idle = 80;
  after.ticks.steal = 20;
  const LoadReport report = assess_load(before, after, {1.0, 1.0, 10, 1});
  EXPECT_EQ(report.condition(),
            "measured under contention: the hypervisor took 10.0% of the CPU time (steal); the "
            "load average stayed above 3.0 (3.40 before, 3.60 after, on 2 CPUs)");
}

TEST(AssessLoad, TooShortAnIntervalIsNotJudgedOnProcStat) {
  LoadSample before;
  before.num_cpus = 2;
  LoadSample after = before;
  after.seconds = 0.05;
  after.ticks.user = 10;
  const LoadReport report = assess_load(before, after, {0.05, 0.0, 0, 1});
  EXPECT_FALSE(report.others_cpus);
  EXPECT_FALSE(report.contended);
}

// ---- the benchmarks' own times -------------------------------------------------------------

TEST(RealCpuRatios, TakesTheMedianOfEachRepetitionsRatio) {
  const auto ratios = real_cpu_ratios(runs_of({timed("BM_A", 1, {110, 200, 105}, {100, 100, 100}),
                                               timed("BM_B/threads:4", 4, {50, 50}, {200, 200}),
                                               timed("BM_C", 1, {1, 2, 3}, {1, 2})}));
  ASSERT_EQ(ratios.size(), 3u);
  EXPECT_EQ(ratios[0].benchmark, "BM_A");
  EXPECT_DOUBLE_EQ(ratios[0].ratio, 1.1);
  EXPECT_DOUBLE_EQ(ratios[0].real_ns, 110);
  EXPECT_EQ(ratios[1].threads, 4);
  EXPECT_DOUBLE_EQ(ratios[1].ratio, 0.25);
  EXPECT_DOUBLE_EQ(ratios[2].ratio, 2.0 / 1.5);  // unpaired: the medians' ratio
}

TEST(ContentionNotes, ExplainsAFailWhoseRealTimeRoseMuchMoreThanItsCpuTime) {
  // The A/A run of issue 10: +94% real time, +41% cpu time; its baseline had absorbed load too
  // (1.20 us of real time against 599 ns of cpu time).
  const RunSet baseline = runs_of({timed("BM_Hash/64", 1, {1200, 1190, 1210}, {599, 600, 598}),
                                   timed("BM_Sort/1024", 1, {5000, 5010}, {4990, 5000})});
  const RunSet candidate = runs_of({timed("BM_Hash/64", 1, {2328, 2300, 2350}, {845, 840, 850}),
                                    timed("BM_Sort/1024", 1, {5100, 5110}, {5090, 5100})});
  GateResult result;
  result.decisions = {decision("BM_Hash/64", "cpu_time", Verdict::fail),
                      decision("BM_Hash/64", "real_time", Verdict::fail),
                      decision("BM_Sort/1024", "real_time", Verdict::pass)};
  result.decisions[1].note = "+94.0% is beyond the +15% limit";
  const auto conditions = contention_notes(baseline, candidate, result);
  EXPECT_EQ(result.decisions[0].note, "");
  EXPECT_EQ(result.decisions[0].verdict, Verdict::fail);
  EXPECT_EQ(result.decisions[1].note,
            "+94.0% is beyond the +15% limit; real time rose +94.0% but cpu time only +41.1%: "
            "the machine was likely busy");
  EXPECT_EQ(result.decisions[1].verdict, Verdict::fail);
  EXPECT_EQ(result.decisions[2].note, "");
  const std::vector<std::string> expected = {
      "the baseline absorbed load: real time was 2.00x cpu time for BM_Hash/64 (1.20 us against "
      "599 ns); a single-threaded benchmark that does not wait (I/O, sleep) runs near 1x: "
      "re-record it on a quiet machine",
      "this run absorbed load: real time was 2.76x cpu time for BM_Hash/64 (2.33 us against "
      "845 ns); a single-threaded benchmark that does not wait (I/O, sleep) runs near 1x: the "
      "machine was likely busy"};
  EXPECT_EQ(conditions, expected);
}

TEST(ContentionNotes, LeavesARegressionOfTheCpuTimeAlone) {
  const RunSet baseline = runs_of({timed("BM_A", 1, {100, 101}, {99, 100})});
  const RunSet candidate = runs_of({timed("BM_A", 1, {130, 131}, {128, 129})});
  GateResult result;
  result.decisions = {decision("BM_A", "real_time", Verdict::fail)};
  EXPECT_TRUE(contention_notes(baseline, candidate, result).empty());
  EXPECT_EQ(result.decisions[0].note, "");
}

TEST(ContentionNotes, LeavesMultiThreadedBenchmarksAlone) {
  // Four threads on two CPUs wait for each other: real time far from cpu time by design.
  const RunSet baseline = runs_of({timed("BM_Q/threads:4", 4, {100, 100}, {40, 40})});
  const RunSet candidate = runs_of({timed("BM_Q/threads:4", 4, {200, 200}, {41, 41})});
  GateResult result;
  result.decisions = {decision("BM_Q/threads:4", "real_time", Verdict::noisy)};
  EXPECT_TRUE(contention_notes(baseline, candidate, result).empty());
  EXPECT_EQ(result.decisions[0].note, "");
}

TEST(ContentionNotes, LeavesManualTimeBenchmarksAlone) {
  // A load run (perfgate::slo::register_load) times its workers' period by hand; the benchmark's
  // own thread only waits, so real time is thousands of times its cpu time by design.
  const std::string name = "BM_batch_patches/iterations:1/manual_time";
  const RunSet baseline = runs_of({timed(name, 1, {3e9, 3e9}, {2e6, 2e6})});
  const RunSet candidate = runs_of({timed(name, 1, {3e9, 3e9}, {1e6, 1e6})});
  EXPECT_TRUE(real_cpu_ratios(candidate).empty());
  GateResult result;
  result.decisions = {decision(name, "counter:completion_p99_ns", Verdict::fail)};
  EXPECT_TRUE(contention_notes(baseline, candidate, result).empty());
  EXPECT_EQ(result.decisions[0].note, "");
}

TEST(ContentionNotes, SaysWhenCpuTimeFellWhileRealTimeRose) {
  const RunSet baseline = runs_of({timed("BM_A", 1, {100, 100}, {99, 99})});
  const RunSet candidate = runs_of({timed("BM_A", 1, {120, 120}, {98, 98})});
  GateResult result;
  result.decisions = {decision("BM_A", "real_time", Verdict::noisy)};
  contention_notes(baseline, candidate, result);
  EXPECT_EQ(result.decisions[0].note,
            "real time rose +20.0% while cpu time changed -1.0%: the machine was likely busy");
}

// ---- a stored-lane A/A run beside a CPU hog --------------------------------------------------

RunSet results(const std::string& run) {
  const auto runs = parse_gbench(data(run + "/results.json"), run + "/results.json");
  EXPECT_TRUE(runs.has_value()) << format_diagnostics(runs.error());
  return *runs;
}

constexpr std::string_view k_aa_policy = R"({
  "schema": "perfgate.policy/1", "name": "aa",
  "rules": [
    {"id": "time", "benchmarks": "BM_.*", "metric": "real_time", "relative": {"fail": "+20%"}},
    {"id": "cpu", "benchmarks": "BM_.*", "metric": "cpu_time", "relative": {"fail": "+20%"}}
  ]})";

TEST(ContentionNotes, ExplainsEveryRealTimeFailOfAnAaRunBesideAHog) {
  // The same build, measured quiet (the baseline) and beside stress-ng --cpu 2 (the candidate).
  const RunSet quiet = results("quiet");
  const RunSet hog = results("hog");
  const auto policy = parse_policy(k_aa_policy, "aa.json");
  ASSERT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  GateResult result = evaluate(quiet, hog, *policy);
  const std::vector<Decision> before = result.decisions;
  const auto conditions = contention_notes(quiet, hog, result);
  std::size_t explained = 0;
  for (std::size_t i = 0; i < result.decisions.size(); ++i) {
    const Decision& decision = result.decisions[i];
    EXPECT_EQ(decision.verdict, before[i].verdict);
    const bool busy = decision.note.find(": the machine was likely busy") != std::string::npos;
    if (decision.metric == "real_time" && decision.verdict != Verdict::pass) {
      EXPECT_TRUE(busy) << decision.benchmark << ": " << decision.note;
      explained += busy ? 1 : 0;
    } else {
      EXPECT_FALSE(busy) << decision.benchmark << " " << decision.metric;
    }
  }
  EXPECT_GE(explained, 1u);
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].rfind("this run absorbed load: real time was 1.88x cpu time for "
                                "BM_Fnv1a/4096 (9.80 us against 5.17 us)",
                                0),
            0u)
      << conditions[0];
}

TEST(ContentionNotes, NamesABaselineRecordedBesideAHog) {
  const RunSet quiet = results("quiet");
  const RunSet hog = results("hog");
  GateResult result = evaluate(hog, quiet, *parse_policy(k_aa_policy, "aa.json"));
  const auto conditions = contention_notes(hog, quiet, result);
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].rfind("the baseline absorbed load: real time was 1.88x cpu time for "
                                "BM_Fnv1a/4096",
                                0),
            0u)
      << conditions[0];
  EXPECT_NE(conditions[0].find("and 2 more; "), std::string::npos) << conditions[0];
}

// ---- recording a baseline ------------------------------------------------------------------

LoadReport contended_load() {
  return assess_load(std::nullopt, std::nullopt, {2.0, 1.2, 480, 1});
}

TEST(JudgeRecording, AcceptsQuietRunsThatAgree) {
  const std::vector<RunSet> runs = {runs_of({timed("BM_A", 1, {100, 101, 99}, {99, 100, 98})}),
                                    runs_of({timed("BM_A", 1, {102, 101, 103}, {101, 100, 102})}),
                                    runs_of({timed("BM_A", 1, {100, 99, 98}, {99, 98, 97})})};
  const auto judgement = judge_recording({LoadReport{}, LoadReport{}, LoadReport{}}, runs);
  EXPECT_EQ(judgement.verdict, RecordingVerdict::accept);
  EXPECT_EQ(judgement.text, "");
  EXPECT_TRUE(judgement.contended_runs.empty());
}

TEST(JudgeRecording, WarnsWhenOneRunOfThreeWasContended) {
  const std::vector<RunSet> runs = {runs_of({timed("BM_A", 1, {100, 101, 99}, {99, 100, 98})}),
                                    runs_of({timed("BM_A", 1, {104, 103, 105}, {101, 100, 102})}),
                                    runs_of({timed("BM_A", 1, {100, 99, 98}, {99, 98, 97})})};
  const auto judgement = judge_recording({LoadReport{}, contended_load(), LoadReport{}}, runs);
  EXPECT_EQ(judgement.verdict, RecordingVerdict::warn);
  EXPECT_EQ(judgement.contended_runs, std::vector<std::size_t>{1});
  EXPECT_EQ(judgement.text,
            "1 of 3 runs was measured on a busy machine (run 2: measured under contention: the "
            "benchmark was preempted 400 times per CPU-second (involuntary context switches)); "
            "the runs agree, so the baseline is recorded, but review its numbers");
}

TEST(JudgeRecording, RefusesWhenMostRunsWereContended) {
  // Run 3's own times show the load although its samples did not.
  const std::vector<RunSet> runs = {runs_of({timed("BM_A", 1, {100, 101, 99}, {99, 100, 98})}),
                                    runs_of({timed("BM_A", 1, {104, 103, 105}, {101, 100, 102})}),
                                    runs_of({timed("BM_A", 1, {101, 99, 100}, {70, 71, 72})})};
  const auto judgement = judge_recording({LoadReport{}, contended_load(), LoadReport{}}, runs);
  EXPECT_EQ(judgement.verdict, RecordingVerdict::refuse);
  EXPECT_EQ(judgement.contended_runs, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(judgement.text,
            "2 of 3 runs were measured on a busy machine (run 2: measured under contention: the "
            "benchmark was preempted 400 times per CPU-second (involuntary context switches); run "
            "3: it absorbed load: real time was 1.39x cpu time for BM_A (100 ns against 71.0 ns); "
            "a single-threaded benchmark that does not wait (I/O, sleep) runs near 1x: the machine "
            "was likely busy); record again when the machine is quiet");
}

TEST(JudgeRecording, WarnsOnQuietRunsThatDisagreeBeyondTheirNoise) {
  // No run saw a busy machine: the host's own run-to-run noise, which the pooled baseline keeps.
  const std::vector<RunSet> runs = {runs_of({timed("BM_A", 1, {100, 101, 99}, {99, 100, 98})}),
                                    runs_of({timed("BM_A", 1, {125, 124, 126}, {124, 123, 125})}),
                                    runs_of({timed("BM_A", 1, {100, 99, 98}, {99, 98, 97})})};
  const auto judgement = judge_recording({LoadReport{}, LoadReport{}, LoadReport{}}, runs);
  EXPECT_EQ(judgement.verdict, RecordingVerdict::warn);
  EXPECT_NE(judgement.text.find("the runs disagree beyond their own noise on BM_A (99.0 ns to "
                                "125 ns, +26.3% apart; within a run 1.5%)"),
            std::string::npos);
}

TEST(JudgeRecording, RefusesDisagreeingRunsWhenOneWasContended) {
  const std::vector<RunSet> runs = {runs_of({timed("BM_A", 1, {100, 101, 99}, {99, 100, 98})}),
                                    runs_of({timed("BM_A", 1, {125, 124, 126}, {124, 123, 125})}),
                                    runs_of({timed("BM_A", 1, {100, 99, 98}, {99, 98, 97})})};
  LoadReport busy;
  busy.contended = true;
  busy.reasons = {"steal 9.0%"};
  const auto judgement = judge_recording({LoadReport{}, busy, LoadReport{}}, runs);
  EXPECT_EQ(judgement.verdict, RecordingVerdict::refuse);
  EXPECT_EQ(to_string(judgement.verdict), "refuse");
}

TEST(JudgeRecording, NoisyRunsMayDifferAsMuchAsTheirNoise) {
  // Each run spreads by about 10%: run medians 12% apart are within that.
  const std::vector<RunSet> runs = {
      runs_of({timed("BM_A", 1, {100, 110, 90, 105, 95}, {100, 110, 90, 105, 95})}),
      runs_of({timed("BM_A", 1, {112, 122, 102, 117, 107}, {112, 122, 102, 117, 107})})};
  EXPECT_EQ(judge_recording({LoadReport{}, LoadReport{}}, runs).verdict,
            RecordingVerdict::accept);
}

}  // namespace
}  // namespace perfgate
