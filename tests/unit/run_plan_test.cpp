// The decisions of `perfgate run` (include/perfgate/run_plan.hpp): every planner outcome without
// running anything.
#include <perfgate/run_plan.hpp>

#include <gtest/gtest.h>

namespace perfgate::run {
namespace {

RunConfig example_config() {
  RunConfig config;
  config.suite = "example";
  config.target = "bm_example";
  config.baselines = "/src/baselines";
  config.artifacts_root = "/build/perfgate-artifacts/example";
  config.binary_dir = "/build";
  config.repetitions = 10;
  config.max_repetitions = 20;
  config.build.type = "Release";
  config.build.cxx_compiler_id = "GNU";
  config.build.cxx_compiler_version = "12.2.0";
  config.build.cxx_flags = "-O3 -DNDEBUG";
  return config;
}

Decision undecided(const std::string& name) {
  Decision d;
  d.benchmark = name;
  d.metric = "real_time";
  d.verdict = Verdict::noisy;
  d.undecided = true;
  return d;
}

TEST(RunPlan, ExitCodesOfEveryStatus) {
  EXPECT_EQ(exit_code(Status::passed), 0);
  EXPECT_EQ(exit_code(Status::failed), 1);
  EXPECT_EQ(exit_code(Status::invalid_input), 2);
  EXPECT_EQ(exit_code(Status::refused), 2);
  EXPECT_EQ(exit_code(Status::run_failed), 3);
  EXPECT_EQ(exit_code(Status::timeout), 3);
  EXPECT_EQ(exit_code(Status::no_benchmarks), 3);
  EXPECT_EQ(exit_code(Status::error), 3);
  EXPECT_EQ(exit_code(Status::inconclusive), 4);
  EXPECT_EQ(to_string(Status::invalid_input), "invalid-input");
  EXPECT_EQ(mode_from_string("not-built"), Mode::not_built);
  EXPECT_EQ(mode_from_string("gate"), std::nullopt);
}

TEST(RunPlan, HardLimitLeavesTimeForTheVerdict) {
  EXPECT_DOUBLE_EQ(hard_limit(300), 270);  // 10 %
  EXPECT_DOUBLE_EQ(hard_limit(60), 54);
  EXPECT_DOUBLE_EQ(hard_limit(30), 25);    // at least 5 s
  EXPECT_DOUBLE_EQ(hard_limit(6), 3);      // at most half
  EXPECT_DOUBLE_EQ(hard_limit(1), 1);
}

TEST(RunPlan, SettingsPerLane) {
  RunConfig config = example_config();
  EXPECT_EQ(measure_settings(config, Lane::perf, false).repetitions, 10U);
  EXPECT_EQ(measure_settings(config, Lane::smoke, false).repetitions, 1U);
  EXPECT_EQ(measure_settings(config, Lane::smoke, false).warmup, "0");
  config.repetitions.reset();  // REPETITIONS auto
  EXPECT_TRUE(measure_settings(config, Lane::perf, true).adaptive);
  // A run that makes a baseline (no reference) takes the cap.
  EXPECT_FALSE(measure_settings(config, Lane::perf, false).adaptive);
  EXPECT_EQ(measure_settings(config, Lane::perf, false).repetitions, 20U);
}

TEST(RunPlan, OptimisedBuildsOnly) {
  BuildFacts build;
  build.type = "Release";
  build.cxx_flags = "-O3 -DNDEBUG";
  EXPECT_TRUE(optimised_build(build));
  build.target_flags = "-O0";  // the last flag wins
  EXPECT_FALSE(optimised_build(build));
  build.target_flags.clear();
  build.type = "Debug";
  EXPECT_FALSE(optimised_build(build));
  build.type.clear();
  build.cxx_flags.clear();
  EXPECT_FALSE(optimised_build(build));
  EXPECT_NE(unoptimised_refusal(example_config()).find("refusing to gate a Release build"),
            std::string::npos);
}

TEST(RunPlan, RunnerClassPrecedenceAndCharacters) {
  RunConfig config = example_config();
  EXPECT_EQ(runner_class(config, "", "x86_64-amd-2c-gcc12").name, "x86_64-amd-2c-gcc12");
  config.runner = "ci-large";
  EXPECT_EQ(runner_class(config, "", "fp").name, "ci-large");
  const ClassChoice env = runner_class(config, "laptop", "fp");
  EXPECT_EQ(env.name, "laptop");
  EXPECT_EQ(env.source, "environment variable PERFGATE_RUNNER");
  const ClassChoice bad = runner_class(config, "my laptop/1", "fp");
  EXPECT_TRUE(bad.name.empty());
  EXPECT_NE(bad.error.find("letters, digits"), std::string::npos);
}

TEST(RunPlan, ToolchainClassFromItsFacts) {
  const RunConfig config = example_config();
  EXPECT_EQ(toolchain_class(config.build, "1.7.1", "3.19.0").name,
            "callgrind-gcc12.2-release-gbench1.7.1-vg3.19");
  const ClassChoice none = toolchain_class(config.build, "1.7.1", "");
  EXPECT_TRUE(none.name.empty());
  EXPECT_NE(none.error.find("valgrind"), std::string::npos);
}

TEST(RunPlan, BaselineChoice) {
  const RunConfig config = example_config();
  const BaselineChoice committed = choose_baseline(config, Lane::perf, "r", true, true);
  EXPECT_EQ(committed.kind, BaselineKind::committed);
  EXPECT_EQ(committed.path, "/src/baselines/r/example.json");
  const BaselineChoice provisional = choose_baseline(config, Lane::smoke, "r", false, true);
  EXPECT_EQ(provisional.kind, BaselineKind::provisional);
  EXPECT_EQ(provisional.path, "/build/perfgate-artifacts/example/bootstrap-smoke/r/example.json");
  EXPECT_EQ(choose_baseline(config, Lane::perf, "r", false, false).kind, BaselineKind::missing);
  EXPECT_TRUE(bootstrap_enabled(config, ""));
  EXPECT_FALSE(bootstrap_enabled(config, "Off"));
  EXPECT_FALSE(bootstrap_enabled(config, "0"));
  RunConfig off = config;
  off.bootstrap = false;
  EXPECT_FALSE(bootstrap_enabled(off, ""));
}

// A committed baseline known at configure time and gone now is a blocker, whatever BOOTSTRAP says;
// one that never existed is bootstrapped (or missing with BOOTSTRAP OFF).
TEST(RunPlan, VanishedCommittedBaselineIsABlockerNeverABootstrap) {
  RunConfig config = example_config();
  config.committed_baselines.push_back({"/src/baselines//r/./example.json", "sha256:abc"});
  const BaselineChoice gone = choose_baseline(config, Lane::perf, "r", false, true);
  EXPECT_EQ(gone.kind, BaselineKind::vanished);
  EXPECT_EQ(gone.path, "/src/baselines/r/example.json");
  EXPECT_EQ(gone.configured_digest, "sha256:abc");
  EXPECT_EQ(choose_baseline(config, Lane::perf, "r", false, false).kind, BaselineKind::vanished);
  EXPECT_EQ(choose_baseline(config, Lane::perf, "r", true, true).kind, BaselineKind::committed);
  // Another class never had one: bootstrapped as before.
  EXPECT_EQ(choose_baseline(config, Lane::perf, "other", false, true).kind,
            BaselineKind::provisional);
  const std::string message = vanished_message(gone, "PERFGATE_REASON=... cmake --build ...");
  EXPECT_NE(message.find("'/src/baselines/r/example.json'"), std::string::npos) << message;
  EXPECT_NE(message.find("git checkout -- /src/baselines/r/example.json"), std::string::npos);
  EXPECT_NE(message.find("never replaced by a provisional one"), std::string::npos);
  EXPECT_EQ(to_string(BaselineKind::vanished), "vanished");
}

// A gate against a provisional baseline compares the build with itself: a pass or a fail is
// inconclusive unless bootstrap verdicts are accepted; invalid input and failed runs keep their code.
TEST(RunPlan, ProvisionalBaselineIsInconclusiveUnlessAccepted) {
  EXPECT_EQ(provisional_exit(0, false), 4);
  EXPECT_EQ(provisional_exit(1, false), 4);
  EXPECT_EQ(provisional_exit(4, false), 4);
  EXPECT_EQ(provisional_exit(2, false), 2);
  EXPECT_EQ(provisional_exit(3, false), 3);
  EXPECT_EQ(provisional_exit(0, true), 0);
  EXPECT_EQ(provisional_exit(1, true), 1);
  RunConfig config = example_config();
  EXPECT_FALSE(bootstrap_accepted(config, false));
  EXPECT_TRUE(bootstrap_accepted(config, true));
  config.accept_bootstrap = true;
  EXPECT_TRUE(bootstrap_accepted(config, false));
  EXPECT_NE(provisional_condition(false).find("inconclusive"), std::string::npos);
  EXPECT_NE(provisional_condition(true).find("PROVISIONAL"), std::string::npos);
}

TEST(RunPlan, ReferenceFromTheEnvironmentWins) {
  RunConfig config = example_config();
  EXPECT_TRUE(reference_setting(config, "").path.empty());
  config.reference = "/ref";
  EXPECT_EQ(reference_setting(config, "").source, "REFERENCE of perfgate_add_benchmarks()");
  EXPECT_EQ(reference_setting(config, "/env").path, "/env");
}

TEST(RunPlan, PairedScheduleIsSeededAndMixed) {
  const PairedSchedule a = paired_schedule("perf.x.BM_a", "abc", "git commit", 64);
  const PairedSchedule b = paired_schedule("perf.x.BM_a", "abc", "git commit", 64);
  const PairedSchedule c = paired_schedule("perf.x.BM_a", "abd", "git commit", 64);
  EXPECT_EQ(a.reference_first, b.reference_first);
  EXPECT_NE(a.reference_first, c.reference_first);
  const auto first = std::count(a.reference_first.begin(), a.reference_first.end(), true);
  EXPECT_GT(first, 16);  // a fair coin: 64 draws, far from all one side
  EXPECT_LT(first, 48);
  EXPECT_NE(a.seed_text.find("mt19937_64"), std::string::npos);
}

TEST(RunPlan, ChunksReachTheTarget) {
  EXPECT_EQ(run_chunks(0, 4, 2), (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(run_chunks(4, 7, 2), (std::vector<std::size_t>{2, 1}));
  EXPECT_TRUE(run_chunks(8, 8, 2).empty());
}

TEST(RunPlan, LiteralFilterEscapesEveryName) {
  EXPECT_EQ(literal_filter({"BM_a/8", "BM_b<int>/1"}), "^(BM_a/8|BM_b<int>/1)$");
  EXPECT_EQ(literal_filter({"BM_x(1.5)+[a]|$"}), "^(BM_x\\(1\\.5\\)\\+\\[a]\\|\\$)$");
}

TEST(RunPlan, NextLookDecidedContinueOrGiveUp) {
  GateResult decided;
  EXPECT_TRUE(next_look(decided, 4, 20, 1).decided);

  GateResult open;
  open.decisions = {undecided("BM_b/2"), undecided("BM_a/1"), undecided("BM_a/1")};
  open.next_repetitions = 9;
  const NextLook next = next_look(open, 4, 20, 1);
  EXPECT_FALSE(next.decided);
  EXPECT_TRUE(next.failure.empty());
  EXPECT_EQ(next.target, 9U);
  EXPECT_EQ(next.benchmarks, (std::vector<std::string>{"BM_a/1", "BM_b/2"}));
  EXPECT_EQ(next.filter, "^(BM_a/1|BM_b/2)$");

  open.next_repetitions = 3;  // never fewer than one more
  EXPECT_EQ(next_look(open, 4, 20, 1).target, 5U);
  open.next_repetitions = 50;  // never past the cap
  EXPECT_EQ(next_look(open, 4, 20, 1).target, 20U);

  const NextLook capped = next_look(open, 20, 20, 5);
  EXPECT_NE(capped.failure.find("never passes"), std::string::npos);
  EXPECT_NE(next_look(open, 10, 20, k_max_looks).failure, "");
}

TEST(RunPlan, ConfirmationRule) {
  EXPECT_TRUE(wants_confirmation(Mode::perf, false, 1, true, 100, 20));
  EXPECT_FALSE(wants_confirmation(Mode::perf, true, 1, true, 100, 20));   // paired
  EXPECT_FALSE(wants_confirmation(Mode::smoke, false, 1, true, 100, 20));
  EXPECT_FALSE(wants_confirmation(Mode::perf, false, 4, true, 100, 20));  // not a fail
  EXPECT_FALSE(wants_confirmation(Mode::perf, false, 1, false, 100, 20)); // CONFIRM OFF
  EXPECT_FALSE(wants_confirmation(Mode::perf, false, 1, true, 10, 20));   // no time left
  EXPECT_EQ(confirm(1, 0).exit_code, 0);
  EXPECT_EQ(confirm(1, 1).exit_code, 1);
  EXPECT_EQ(confirm(1, 4).exit_code, 4);  // never a pass
  EXPECT_EQ(confirm(1, 3).exit_code, 3);
  EXPECT_EQ(confirm(1, 1).result, "failed: the regression replicated");
}

TEST(RunPlan, ConcludeEveryExitCode) {
  EXPECT_EQ(conclude(Mode::perf, "BM_a", 0, "", "x").status, Status::passed);
  EXPECT_NE(conclude(Mode::perf, "BM_a", 0, "\n    BM_a noisy: noisy: n", "x").summary.find("not everything was gated"),
            std::string::npos);
  EXPECT_EQ(conclude(Mode::perf, "BM_a", 1, "", "x").status, Status::failed);
  EXPECT_EQ(conclude(Mode::perf, "BM_a", 2, "", "x").status, Status::invalid_input);
  EXPECT_EQ(conclude(Mode::perf, "BM_a", 3, "", "x").status, Status::run_failed);
  const Outcome inconclusive = conclude(Mode::perf, "BM_a", 4, "", "x");
  EXPECT_EQ(inconclusive.status, Status::inconclusive);
  EXPECT_NE(inconclusive.summary.find("never a pass"), std::string::npos);
  EXPECT_NE(conclude(Mode::smoke, "BM_a", 0, "\n  w", "x").summary.find("not enforced"),
            std::string::npos);
  EXPECT_EQ(process_failure_status(true), Status::timeout);
}

TEST(RunPlan, FindingsNameTheBenchmarkAndAreCapped) {
  GateResult result;
  for (int i = 0; i < 5; ++i) {
    Decision d;
    d.benchmark = "BM_" + std::to_string(i);
    d.metric = "real_time";
    d.verdict = i == 0 ? Verdict::pass : Verdict::fail;
    d.note = "slower";
    result.decisions.push_back(d);
  }
  const std::string lines = findings(result, 2);
  EXPECT_EQ(lines.find("BM_0"), std::string::npos);
  EXPECT_NE(lines.find("BM_1 real_time median: fail: slower"), std::string::npos);
  EXPECT_NE(lines.find("... and 2 more"), std::string::npos);
}

TEST(RunPlan, RecordingNeedsAReasonAndSaysWho) {
  EXPECT_FALSE(reason_problem("short").empty());
  EXPECT_TRUE(reason_problem("new compiler, all sorts 3% faster").empty());
  EXPECT_EQ(recorded_by({{"USER", "ana"}}, "box"), "ana@box");
  EXPECT_EQ(recorded_by({{"GITHUB_RUN_ID", "7"}, {"GITHUB_ACTOR", "bo"}}, "box"), "github run 7 (bo)");
  EXPECT_EQ(recorded_by({{"PERFGATE_RECORDED_BY", "me"}, {"USER", "x"}}, "box"), "me");
  EXPECT_EQ(recorded_by({}, "box"), "unknown-user@box");
}

}  // namespace
}  // namespace perfgate::run
