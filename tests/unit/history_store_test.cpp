// The SQLite history store (history_store.hpp): versioned, idempotent appends, filters, parallel
// writers and writers killed in the middle of a write.
#include <perfgate/history_store.hpp>

#include <sqlite3.h>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace perfgate {
namespace {

namespace fs = std::filesystem;

class HistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("perfgate-history-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  [[nodiscard]] std::string path(const char* name = "history.sqlite") const {
    return (m_dir / name).string();
  }

  fs::path m_dir;
};

// One run of `benchmarks` entries.
std::vector<HistoryEntry> run_entries(int run, int benchmarks = 3) {
  std::vector<HistoryEntry> entries;
  for (int b = 0; b < benchmarks; ++b) {
    HistoryEntry e;
    char when[32];
    std::snprintf(when, sizeof(when), "2026-12-%02dT10:%02d:00Z", 1 + run / 60, run % 60);
    e.started_at = when;
    e.run_id = e.started_at + "/perf.s.BM/" + std::to_string(run);
    e.suite = "s";
    e.test = "perf.s.BM";
    e.benchmark = "BM_" + std::to_string(b);
    e.metric = "real_time";
    e.rule = "time";
    e.lane = "wall-time";
    e.runner_class = "class-a";
    e.value = 100.0 + run;
    e.verdict = "pass";
    entries.push_back(e);
  }
  return entries;
}

TEST_F(HistoryStoreTest, AppendsOnceAndQueriesInRunOrder) {
  auto store = HistoryStore::open(path(), true);
  ASSERT_TRUE(store.has_value()) << format_diagnostics(store.error());
  for (int run = 4; run >= 0; --run) {
    ASSERT_EQ(*store->append(run_entries(run)), 3U);
  }
  EXPECT_EQ(*store->append(run_entries(2)), 0U);  // the same run again adds nothing
  const auto all = store->query();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 15U);
  EXPECT_EQ(*all->front().value, 100);
  EXPECT_EQ(*all->back().value, 104);
  HistoryQuery query;
  query.benchmark_regex = "BM_1";
  query.last_runs = 2;
  const auto last = store->query(query);
  ASSERT_EQ(last->size(), 2U);
  EXPECT_EQ(*(*last)[0].value, 103);
  EXPECT_EQ(*(*last)[1].value, 104);
  query = {};
  query.runner_class = "class-b";
  EXPECT_TRUE(store->query(query)->empty());
}

TEST_F(HistoryStoreTest, RefusesWhatIsNotAStore) {
  EXPECT_FALSE(HistoryStore::open(path("absent.sqlite"), false).has_value());
  std::ofstream(path("text.sqlite")) << "not a database, just text that is long enough to check\n";
  const auto text = HistoryStore::open(path("text.sqlite"), true);
  ASSERT_FALSE(text.has_value());
  EXPECT_NE(format_diagnostics(text.error()).find("text.sqlite"), std::string::npos);
  // The refused file is left as it was.
  std::ifstream in(path("text.sqlite"));
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "not a database, just text that is long enough to check");
}

TEST_F(HistoryStoreTest, RefusesAnotherSchemaVersionAndAForeignDatabase) {
  ASSERT_TRUE(HistoryStore::open(path(), true).has_value());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value='perfgate.history-store/9' WHERE key='schema'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto newer = HistoryStore::open(path(), true);
  ASSERT_FALSE(newer.has_value());
  const std::string said = format_diagnostics(newer.error());
  EXPECT_NE(said.find("perfgate.history-store/9"), std::string::npos) << said;
  EXPECT_NE(said.find(path()), std::string::npos) << said;

  ASSERT_EQ(sqlite3_open(path("other.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const auto foreign = HistoryStore::open(path("other.sqlite"), true);
  ASSERT_FALSE(foreign.has_value());
  EXPECT_NE(format_diagnostics(foreign.error()).find("not a perfgate history store"),
            std::string::npos);
}

TEST_F(HistoryStoreTest, ParallelWritersLoseNothing) {
  ASSERT_TRUE(HistoryStore::open(path(), true).has_value());
  constexpr int k_writers = 4;
  constexpr int k_runs = 25;
  std::vector<pid_t> children;
  for (int w = 0; w < k_writers; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = HistoryStore::open(path(), true);
      int failures = store ? 0 : 1;
      for (int run = 0; store && run < k_runs; ++run) {
        failures += store->append(run_entries(w * k_runs + run)).has_value() ? 0 : 1;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto store = HistoryStore::open(path(), false);
  EXPECT_EQ(store->query()->size(), static_cast<std::size_t>(k_writers * k_runs * 3));
}

// A writer killed at 50 points of its writes: the store stays readable, every run committed
// before the kill is there whole, and a run is never there in part.
TEST_F(HistoryStoreTest, AKilledWriterLosesNoEarlierRun) {
  {
    auto store = HistoryStore::open(path(), true);
    ASSERT_TRUE(store->append(run_entries(0, 50)).has_value());
  }
  std::size_t committed = 1;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = HistoryStore::open(path(), true);
      for (int run = 1000 * (attempt + 1);; ++run) {  // until killed
        (void)store->append(run_entries(run, 50));
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200 + 397 * attempt));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto store = HistoryStore::open(path(), false);
    ASSERT_TRUE(store.has_value()) << "attempt " << attempt << ": " << format_diagnostics(store.error());
    const auto entries = store->query();
    ASSERT_TRUE(entries.has_value()) << "attempt " << attempt;
    std::map<std::string, std::size_t> per_run;
    for (const HistoryEntry& e : *entries) {
      ++per_run[e.run_id];
    }
    for (const auto& [run, count] : per_run) {
      ASSERT_EQ(count, 50U) << "attempt " << attempt << ": run " << run << " is there in part";
    }
    ASSERT_GE(per_run.size(), committed) << "attempt " << attempt << ": an earlier run was lost";
    committed = per_run.size();
  }
  EXPECT_GT(committed, 1U);  // the writers did commit runs between the kills
}

}  // namespace
}  // namespace perfgate
