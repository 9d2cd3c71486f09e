// The instructions lane's pure half: dump text -> timed runs -> instructions per iteration.
// The counts below are real: captured with valgrind 3.19 and Google Benchmark 1.7.1 from small
// sample benchmarks (a vector sum, a map insert, a two-thread counter, a paused loop).
#include <perfgate/baseline.hpp>
#include <perfgate/callgrind.hpp>
#include <perfgate/evaluate.hpp>
#include <perfgate/parse.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perfgate::callgrind {
namespace {

// A dump exactly as callgrind 3.19 wrote it (BM_Threaded/threads:2, the PauseTiming() inside
// FinishKeepRunning() on thread 2), cost lines shortened.
constexpr std::string_view k_captured_dump = R"(# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 7903
cmd:  ../sample/build/sample_bench --benchmark_filter=^BM_Threaded/threads:2$ --benchmark_min_time=1e9
part: 12
thread: 2


desc: I1 cache: 
desc: D1 cache: 
desc: LL cache: 

desc: Timerange: Basic block 855677 - 855684
desc: Trigger: --dump-before=benchmark::State::PauseTiming()

positions: line
events: Ir
summary: 20


ob=(8) /usr/lib/x86_64-linux-gnu/libbenchmark.so.1.7.1
fl=(162) ???
fn=(4220) benchmark::State::FinishKeepRunning()
0 19
0 1

totals: 20
)";

std::string dump_text(int part, int thread, Trigger trigger, std::uint64_t totals) {
  const std::string function = trigger == Trigger::finish ? "FinishKeepRunning()" : "PauseTiming()";
  return "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 42\npart: " +
         std::to_string(part) + "\nthread: " + std::to_string(thread) +
         "\n\ndesc: Trigger: --dump-before=benchmark::State::" + function +
         "\n\npositions: line\nevents: Ir\nsummary: " + std::to_string(totals) +
         "\n\nfn=(1) x\n0 " + std::to_string(totals) + "\n\ntotals: " + std::to_string(totals) +
         "\n";
}

// Feeds (thread, trigger, totals) triples as parts 1, 2, ... through the text parser.
RunCollector collect(std::string_view name,
                     const std::vector<std::tuple<int, Trigger, std::uint64_t>>& dumps) {
  RunCollector collector(schedule_of(name));
  int part = 0;
  for (const auto& [thread, trigger, totals] : dumps) {
    const std::string text = dump_text(++part, thread, trigger, totals);
    EXPECT_TRUE(is_complete_dump(text));
    const auto dump = parse_dump(text, "cg." + std::to_string(part));
    EXPECT_TRUE(dump.has_value());
    if (dump) {
      collector.add(*dump);
    }
  }
  return collector;
}

ProcessOutcome stopped() {
  ProcessOutcome outcome;
  outcome.stopped_by_driver = true;
  return outcome;
}

constexpr auto F = Trigger::finish;
constexpr auto P = Trigger::pause;

TEST(Callgrind, ParsesACapturedDump) {
  ASSERT_TRUE(is_complete_dump(k_captured_dump));
  const auto dump = parse_dump(k_captured_dump, "cg.12-02");
  ASSERT_TRUE(dump.has_value()) << format_diagnostics(dump.error());
  EXPECT_EQ(dump->part, 12);
  EXPECT_EQ(dump->thread, 2);
  EXPECT_EQ(dump->trigger, Trigger::pause);
  EXPECT_EQ(dump->totals, 20U);  // totals:, not summary:
}

TEST(Callgrind, ADumpBeingWrittenIsIncomplete) {
  const std::string_view text = k_captured_dump;
  EXPECT_FALSE(is_complete_dump(text.substr(0, text.find("totals:"))));
  EXPECT_FALSE(is_complete_dump(text.substr(0, text.size() - 1)));  // "totals: 2" without newline
  EXPECT_FALSE(is_complete_dump(""));
}

TEST(Callgrind, RejectsDumpsItCannotUse) {
  const auto not_callgrind = parse_dump("hello\ntotals: 5\n", "cg.1-01");
  ASSERT_FALSE(not_callgrind.has_value());
  EXPECT_EQ(format_diagnostics(not_callgrind.error()),
            "cg.1-01:1: error: not a callgrind dump (expected \"# callgrind format\" on the first "
            "line)\n");
  const auto shared_threads =
      parse_dump("# callgrind format\npart: 3\ntotals: x\n", "cg.3");
  ASSERT_FALSE(shared_threads.has_value());
  EXPECT_EQ(format_diagnostics(shared_threads.error()),
            "cg.3:3: error: expected an instruction count after \"totals:\", got \"x\"\n"
            "  hint: run callgrind with its default event set (Ir only)\n"
            "cg.3: error: missing \"thread:\" line\n"
            "  hint: run valgrind with --separate-threads=yes, so each dump holds one thread's "
            "counts\n"
            "cg.3: error: missing \"totals:\" line (the dump is incomplete)\n");
}

TEST(Callgrind, ReadsTheScheduleFromTheName) {
  EXPECT_EQ(schedule_of("BM_x/64").threads, 1);
  EXPECT_EQ(schedule_of("BM_x/64/threads:8").threads, 8);
  EXPECT_EQ(schedule_of("BM_x/iterations:50").fixed_iterations, 50);
  EXPECT_EQ(schedule_of("BM_x/iterations:50").runs_needed(), 1U);
  EXPECT_EQ(schedule_of("BM_x/min_time:0.500/threads:2").time_override, "min_time:0.500");
  EXPECT_EQ(schedule_of("BM_x/repeats:3").runs_needed(), 3U);
}

TEST(Callgrind, ExactFilterEscapesRegexCharacters) {
  EXPECT_EQ(exact_filter("BM_x/64/threads:2"), "^BM_x/64/threads:2$");
  EXPECT_EQ(exact_filter("BM_TemplVecPush<int>"), "^BM_TemplVecPush<int>$");
  EXPECT_EQ(exact_filter("BM_a.b(c)[d]*+?^$|\\"),
            "^BM_a\\.b\\(c\\)\\[d]\\*\\+\\?\\^\\$\\|\\\\$");  // "]" stays bare
}

TEST(Callgrind, InstructionsPerIterationCancelsOverheadAndWarmUp) {
  // BM_MapInsert: the first run pays 21541 instructions of one-time work, which (R2 - R1) / 9
  // would count; (R3 - R2) / 90 does not.
  const auto collector = collect("BM_MapInsert", {{1, F, 103518}, {1, P, 20}, {1, F, 818144},
                                                  {1, P, 20}, {1, F, 8179811}});
  ASSERT_TRUE(collector.complete());
  EXPECT_EQ(collector.run_totals(), (std::vector<std::uint64_t>{103518, 818144, 8179811}));
  const Measurement m = measure(collector, stopped());
  EXPECT_EQ(m.status, Status::ok);
  ASSERT_TRUE(m.instructions.has_value());
  EXPECT_DOUBLE_EQ(*m.instructions, (8179811.0 - 818144.0) / 90.0);
  EXPECT_TRUE(m.notes.empty());
}

TEST(Callgrind, SumsTheThreadsOfEachRun) {
  // BM_Threaded/threads:2, dumps in the order callgrind wrote them.
  const auto collector =
      collect("BM_Threaded/threads:2",
              {{1, F, 9105},   {1, P, 20}, {2, F, 9103},   {2, P, 20}, {2, F, 90194},
               {2, P, 20},     {1, F, 90194}, {1, P, 20},  {1, F, 901094}, {1, P, 20},
               {2, F, 901094}, {2, P, 20}});
  EXPECT_EQ(collector.run_totals(), (std::vector<std::uint64_t>{18208, 180388, 1802188}));
  const Measurement m = measure(collector, stopped());
  EXPECT_EQ(m.status, Status::ok);
  EXPECT_DOUBLE_EQ(*m.instructions, 18020);
  ASSERT_EQ(m.notes.size(), 1U);
  EXPECT_EQ(m.notes[0], "multi-threaded: valgrind runs one thread at a time, so the count says "
                        "nothing about parallel scaling");
}

TEST(Callgrind, ARunIsCompleteOnlyWhenAllItsThreadsFinished) {
  // The driver stops valgrind as soon as complete() says so: one thread's finish of the third
  // run must not be enough.
  auto collector = collect("BM_Threaded/threads:2", {{1, F, 9105}, {2, F, 9103}, {2, F, 90194},
                                                     {1, F, 90194}, {2, F, 901094}});
  EXPECT_FALSE(collector.complete());
  EXPECT_EQ(collector.completed_runs(), 2U);
  EXPECT_EQ(collector.run_totals(), (std::vector<std::uint64_t>{18208, 180388}));
  collector.add(Dump{6, 1, Trigger::finish, 901094});
  EXPECT_TRUE(collector.complete());
  EXPECT_EQ(collector.run_totals().back(), 1802188U);
}

TEST(Callgrind, UnequalThreadsGetANote) {
  const auto collector = collect("BM_Locked/threads:2", {{1, F, 100}, {2, F, 110}, {1, F, 1000},
                                                         {2, F, 1010}, {1, F, 10000},
                                                         {2, F, 10300}});
  const Measurement m = measure(collector, stopped());
  ASSERT_EQ(m.notes.size(), 2U);
  EXPECT_EQ(m.notes[0], "its 2 threads did unequal work (10000 to 10300 instructions in one "
                        "run): waiting on each other makes counts jitter");
}

TEST(Callgrind, PausedSetupIsNotCounted) {
  // Two iterations with a pause each: segment, segment, then the run's last segment.
  const auto collector =
      collect("BM_Paused", {{1, P, 90}, {1, F, 95}, {1, P, 20}, {1, P, 9100}, {1, F, 9100},
                            {1, P, 20}, {1, P, 91000}, {1, F, 91099}, {1, P, 20}});
  EXPECT_EQ(collector.run_totals(), (std::vector<std::uint64_t>{185, 18200, 182099}));
  const Measurement m = measure(collector, stopped());
  EXPECT_TRUE(collector.paused());
  EXPECT_DOUBLE_EQ(*m.instructions, (182099.0 - 18200.0) / 90.0);
  EXPECT_EQ(m.notes, (std::vector<std::string>{"uses PauseTiming(): the paused code is not counted"}));
}

TEST(Callgrind, FixedIterationsUseTheOneRun) {
  ProcessOutcome exited;
  exited.exit_code = 0;
  const Measurement m =
      measure(collect("BM_FixedIters/iterations:50", {{1, F, 450595}, {1, P, 20}}), exited);
  EXPECT_EQ(m.status, Status::fixed_iterations);
  EXPECT_DOUBLE_EQ(*m.instructions, 450595.0 / 50.0);
  ASSERT_EQ(m.notes.size(), 1U);
}

TEST(Callgrind, ReportsWhyThereIsNoMeasurement) {
  ProcessOutcome exited;
  exited.exit_code = 0;
  exited.console_output = "BM_Error   ERROR OCCURRED: 'intentional error'\n";
  EXPECT_EQ(measure(collect("BM_Error", {{1, F, 155}}), exited).error,
            "the benchmark reported an error (SkipWithError): 'intentional error'");

  ProcessOutcome timed_out;
  timed_out.timed_out = true;
  timed_out.timeout_seconds = 30;
  EXPECT_EQ(measure(collect("BM_Slow", {{1, F, 155}, {1, F, 1555}}), timed_out).error,
            "timed out after 30 s under callgrind (2 of 3 timed runs done); raise --timeout or "
            "make the benchmark's iterations cheaper");

  ProcessOutcome empty;
  empty.exit_code = 0;
  EXPECT_EQ(measure(collect("BM_x", {}), empty).error,
            "callgrind saw no timed region: benchmark::State::FinishKeepRunning() was never "
            "reached or has no symbol (a stripped executable with a static libbenchmark?); link "
            "the shared libbenchmark or keep its symbols");

  ProcessOutcome crashed;
  crashed.signal = 11;
  crashed.valgrind_log = "==1== Process terminating with default action of signal 11\n==1== \n";
  EXPECT_EQ(measure(collect("BM_x", {{1, F, 100}}), crashed).error,
            "valgrind ended on signal 11 after 1 of 3 timed runs\n  valgrind said:\n"
            "    ==1== Process terminating with default action of signal 11\n    ==1== ");

  const Measurement own_time = measure(collect("BM_x/min_time:0.500", {}), stopped());
  EXPECT_EQ(own_time.status, Status::errored);
  EXPECT_NE(own_time.error.find("\"min_time:0.500\""), std::string::npos);

  // Runs that did not grow ten-fold: the schedule is not 1, 10, 100 iterations.
  const Measurement mismatch =
      measure(collect("BM_x", {{1, F, 100}, {1, F, 1000}, {1, F, 5000}}), stopped());
  EXPECT_EQ(mismatch.status, Status::errored);
  EXPECT_EQ(mismatch.error, "iteration schedule mismatch: the timed runs cost 100, 1000 and 5000 "
                            "instructions, which is not runs of 1, 10 and 100 iterations");
  EXPECT_FALSE(mismatch.instructions.has_value());
}

Measurement ok(double instructions, std::vector<std::string> notes = {}) {
  Measurement m;
  m.status = Status::ok;
  m.instructions = instructions;
  m.notes = std::move(notes);
  return m;
}

TEST(Callgrind, IdenticalRepetitionsAreDeterministic) {
  const Benchmark b = to_benchmark("BM_x/64", {ok(8010), ok(8010), ok(8010)});
  EXPECT_EQ(b.family, "BM_x");
  EXPECT_FALSE(b.errored);
  const MetricSeries* series = b.find(metric::k_instructions);
  ASSERT_NE(series, nullptr);
  EXPECT_EQ(series->unit, "instr");
  EXPECT_EQ(series->samples, (std::vector<double>{8010, 8010, 8010}));
  EXPECT_EQ(series->groups, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(series->noisy);
  EXPECT_EQ(series->note, "");
}

TEST(Callgrind, DifferingRepetitionsAreNoisy) {
  const std::string threads = "multi-threaded: ...";
  const Benchmark b = to_benchmark("BM_Locked/threads:2", {ok(80150.456, {threads}),
                                                           ok(80150.9, {threads}),
                                                           ok(80151.367, {threads})});
  const MetricSeries* series = b.find(metric::k_instructions);
  ASSERT_NE(series, nullptr);
  EXPECT_TRUE(series->noisy);
  EXPECT_EQ(series->note, "instruction counts differ between 3 separate runs: 80150.46 to "
                          "80151.37 per iteration (spread 0.0011%); multi-threaded: ...");
  EXPECT_EQ(b.threads, 2);
}

TEST(Callgrind, AnErroredRepetitionErrsTheBenchmark) {
  Measurement failed;
  failed.error = "timed out";
  const Benchmark b = to_benchmark("BM_x", {ok(10), failed});
  EXPECT_TRUE(b.errored);
  EXPECT_EQ(b.error_message, "run 2 of 2: timed out");
  EXPECT_TRUE(to_benchmark("BM_x", {failed}).metrics.empty());
}

TEST(Callgrind, ResultsRoundTripThroughTheBaselineFormat) {
  Baseline results;
  results.suite = "example";
  results.runs.context.extra["lane"] = "instructions";
  results.runs.benchmarks.push_back(to_benchmark("BM_a", {ok(1), ok(2)}));
  Measurement failed;
  failed.error = "the benchmark reported an error (SkipWithError): 'no input'";
  results.runs.benchmarks.push_back(to_benchmark("BM_b", {failed}));
  const std::string text = write_baseline(results);
  const auto read = parse_results(text, "measured.json");
  ASSERT_TRUE(read.has_value()) << format_diagnostics(read.error());
  ASSERT_EQ(read->benchmarks.size(), 2U);
  const MetricSeries* a = read->benchmarks[0].find(metric::k_instructions);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->noisy);
  EXPECT_EQ(a->note, results.runs.benchmarks[0].metrics[0].note);
  EXPECT_TRUE(read->benchmarks[1].errored);
  EXPECT_EQ(read->benchmarks[1].error_message, failed.error);
  EXPECT_EQ(lane_of(read->context), "instructions");
}

Policy instructions_policy() {
  auto policy = parse_policy(R"({"schema": "perfgate.policy/1", "name": "instructions",
    "rules": [{"id": "instr", "benchmarks": ".*", "metric": "instructions",
               "relative": {"fail": "+0.5%", "warn": "+0.25%"}}]})",
                             "instructions.json");
  EXPECT_TRUE(policy.has_value()) << format_diagnostics(policy.error());
  return policy ? *policy : Policy{};
}

RunSet runs_of(std::vector<Benchmark> benchmarks) {
  RunSet runs;
  runs.benchmarks = std::move(benchmarks);
  return runs;
}

TEST(Callgrind, GateFailsOnOnePercentAndReportsNoisyInsteadOfGating) {
  const RunSet base = runs_of({to_benchmark("BM_a", {ok(8010)}), to_benchmark("BM_b", {ok(500)}),
                               to_benchmark("BM_t/threads:2", {ok(100), ok(100), ok(100)})});
  const RunSet cand =
      runs_of({to_benchmark("BM_a", {ok(8090)}), to_benchmark("BM_b", {ok(500)}),
               to_benchmark("BM_t/threads:2", {ok(150), ok(150.5), ok(150)})});
  const GateResult result = evaluate(base, cand, instructions_policy());
  ASSERT_EQ(result.decisions.size(), 3U);
  EXPECT_EQ(result.decisions[0].verdict, Verdict::fail);
  EXPECT_NEAR(*result.decisions[0].change, 80.0 / 8010.0, 1e-12);
  EXPECT_EQ(result.decisions[1].verdict, Verdict::pass);
  EXPECT_EQ(result.decisions[2].verdict, Verdict::noisy);
  EXPECT_EQ(result.decisions[2].note,
            "instructions is not gated: the candidate's measurement is unreliable (instruction counts "
            "differ between 3 separate runs: 150 to 150.50 per iteration (spread 0.33%)); the "
            "change was +50.0%. Make the benchmark single-threaded or uncontended to gate it "
            "here, or gate it in a wall-time lane (docs/lanes.md)");
  EXPECT_FALSE(result.passed());  // BM_a's fail; the noisy one alone would not fail the gate
}

TEST(Callgrind, ToolchainFacts) {
  EXPECT_EQ(valgrind_version_of("valgrind-3.19.0\n"), "3.19.0");
  EXPECT_EQ(valgrind_version_of("bash: valgrind: not found\n"), "");
  const auto libraries = libraries_from_ldd(
      "\tlinux-vdso.so.1 (0x00007ff6c9d53000)\n"
      "\tlibbenchmark.so.1debian => /lib/x86_64-linux-gnu/libbenchmark.so.1debian "
      "(0x00007ff6c9ce4000)\n"
      "\tlibmissing.so.2 => not found\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007ff6c9d55000)\n");
  EXPECT_EQ(libraries, (std::map<std::string, std::string>{
                           {"libbenchmark.so.1debian", "/lib/x86_64-linux-gnu/libbenchmark.so.1debian"},
                           {"libmissing.so.2", ""}}));
  EXPECT_EQ(library_file_name("/usr/lib/x86_64-linux-gnu/libbenchmark.so.1.7.1"),
            "libbenchmark.so.1.7.1");
  EXPECT_EQ(skip_with_error_message("BM_x   ERROR OCCURRED: 'it's broken'\nmore"), "it's broken");
  EXPECT_FALSE(skip_with_error_message("BM_x  100 ns").has_value());
}

TEST(Callgrind, StackPaddingMakesEveryKernelLookLikeOne) {
  // Linux 6.1 (Debian bookworm) hands a program 20 auxv entries, 6.3 and later 22: the padding
  // differs by the two missing 16-byte entries, so the program's stack starts at one address.
  ASSERT_TRUE(stack_padding(20).has_value());
  ASSERT_TRUE(stack_padding(22).has_value());
  EXPECT_EQ(stack_padding(20)->size(), 16U * 12);
  EXPECT_EQ(stack_padding(20)->size() - stack_padding(22)->size(), 32U);
  EXPECT_EQ(stack_padding(k_auxv_slots), "");
  EXPECT_FALSE(stack_padding(k_auxv_slots + 1).has_value());

  EXPECT_EQ(pinned_host_of(20), k_pinned_host);
  EXPECT_EQ(pinned_host_of(22), pinned_host_of(20));
  EXPECT_EQ(pinned_host_of(40),
            "perfgate-1: /proc/cpuinfo, /sys/devices/system/cpu/cpu*, host name, CPU count, "
            "stdout buffer, TZ=UTC0; stack NOT pinned: this kernel has 40 auxv entries, more "
            "than 32");
  EXPECT_NE(pinned_host_of(std::nullopt), k_pinned_host);
}

TEST(Callgrind, FamilyFilterSelectsTheFamilyAndItsArguments) {
  EXPECT_EQ(family_filter("BM_Fnv1a"), "^BM_Fnv1a(/.*)?$");
  EXPECT_EQ(family_filter("BM_Cmp=="), "^BM_Cmp==(/.*)?$");
  EXPECT_EQ(family_filter("BM_a.b"), "^BM_a\\.b(/.*)?$");
}

TEST(Callgrind, ExecutableDigestIsFnv1a64OfTheBytes) {
  // The published FNV-1a 64 test vectors.
  EXPECT_EQ(executable_digest(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(executable_digest("a"), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_EQ(executable_digest("foobar"), "fnv1a64:85944171f73967e8");
}

RunContext measured_context() {
  RunContext context;
  context.extra["lane"] = "instructions";
  context.extra["valgrind_version"] = "3.19.0";
  record_measurement_key({executable_digest("bench v1"), "^BM_", 2}, context);
  return context;
}

TEST(Callgrind, MeasurementIsCurrentForTheSameExecutableFilterAndRepeat) {
  const RunContext context = measured_context();
  EXPECT_EQ(context.extra.at("measured_filter"), "^BM_");
  EXPECT_EQ(context.extra.at("measured_repeat"), "2");
  RunContext toolchain;
  toolchain.extra["valgrind_version"] = "3.19.0";
  EXPECT_TRUE(measurement_is_current(context, {executable_digest("bench v1"), "^BM_", 2},
                                     toolchain));
  EXPECT_TRUE(measurement_is_current(context, {executable_digest("bench v1"), "^BM_", 2}, {}));
}

TEST(Callgrind, MeasurementIsStaleWhenTheExecutableFilterRepeatOrToolchainChanged) {
  const RunContext context = measured_context();
  RunContext toolchain;
  toolchain.extra["valgrind_version"] = "3.20.0";
  const auto reasons =
      measurement_staleness(context, {executable_digest("bench v2"), "^BM_X", 3}, toolchain);
  ASSERT_EQ(reasons.size(), 4U);
  EXPECT_EQ(reasons[0], "the executable changed: measured with \"" +
                            executable_digest("bench v1") + "\", now \"" +
                            executable_digest("bench v2") + "\"");
  EXPECT_EQ(reasons[1], "the filter changed: measured with \"^BM_\", now \"^BM_X\"");
  EXPECT_EQ(reasons[2], "the repeat count changed: measured with \"2\", now \"3\"");
  EXPECT_EQ(reasons[3], "valgrind_version changed: measured with \"3.19.0\", now \"3.20.0\"");
}

TEST(Callgrind, MeasurementWithoutItsKeyIsNeverCurrent) {
  RunContext old;
  old.extra["lane"] = "instructions";
  const auto reasons = measurement_staleness(old, {executable_digest("x"), "", 1}, {});
  ASSERT_EQ(reasons.size(), 3U);
  EXPECT_EQ(reasons[0],
            "the results do not record the executable (measured_executable): measured by an "
            "older perfgate");
}

Benchmark counted(const std::string& name, double count) {
  Benchmark benchmark;
  benchmark.name = name;
  benchmark.family = family_of(name);
  benchmark.series(metric::k_instructions).samples = {count};
  return benchmark;
}

TEST(Callgrind, MergeFamilyReplacesOnlyThatFamilyInPlace) {
  RunSet existing;
  existing.context.extra["lane"] = "instructions";
  existing.context.extra["valgrind_version"] = "3.19.0";
  existing.benchmarks = {counted("BM_A/1", 1), counted("BM_B/1", 2), counted("BM_B/2", 3),
                         counted("BM_C", 4)};
  RunSet fresh;
  fresh.context = existing.context;
  fresh.benchmarks = {counted("BM_B/1", 20), counted("BM_B/8", 80), counted("BM_C", 99)};
  const auto merged = merge_family(existing, fresh, "BM_B", "fresh.json");
  ASSERT_TRUE(merged) << format_diagnostics(merged.error());
  std::vector<std::string> names;
  for (const Benchmark& benchmark : merged->benchmarks) {
    names.push_back(benchmark.name + "=" +
                    std::to_string(static_cast<int>(
                        benchmark.find(metric::k_instructions)->samples.at(0))));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"BM_A/1=1", "BM_B/1=20", "BM_B/8=80", "BM_C=4"}));
}

TEST(Callgrind, MergeFamilyAppendsANewFamily) {
  RunSet existing;
  existing.benchmarks = {counted("BM_A", 1)};
  RunSet fresh;
  fresh.benchmarks = {counted("BM_New/3", 5)};
  const auto merged = merge_family(existing, fresh, "BM_New", "fresh.json");
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->benchmarks.size(), 2U);
  EXPECT_EQ(merged->benchmarks[1].name, "BM_New/3");
}

TEST(Callgrind, MergeFamilyRefusesAMissingFamilyAnErrorAndAnotherToolchain) {
  RunSet existing;
  existing.context.extra["lane"] = "instructions";
  existing.context.extra["valgrind_version"] = "3.19.0";
  existing.benchmarks = {counted("BM_A", 1)};
  RunSet fresh;
  fresh.context = existing.context;
  fresh.benchmarks = {counted("BM_A", 2)};
  const auto missing = merge_family(existing, fresh, "BM_B", "fresh.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(format_diagnostics(missing.error()),
            "fresh.json: error: holds no benchmark of family \"BM_B\"\n"
            "  hint: measure it with --filter '^BM_B(/.*)?$'\n");
  fresh.benchmarks[0].errored = true;
  fresh.benchmarks[0].error_message = "timed out";
  fresh.context.extra["valgrind_version"] = "3.20.0";
  const auto refused = merge_family(existing, fresh, "BM_A", "fresh.json");
  ASSERT_FALSE(refused);
  const std::string text = format_diagnostics(refused.error());
  EXPECT_NE(text.find("BM_A: could not be measured (timed out)"), std::string::npos) << text;
  EXPECT_NE(text.find("measured under another fingerprint than the baseline"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace perfgate::callgrind
