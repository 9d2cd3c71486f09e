// The local history store (history_store.hpp) on SQLite.
//
// Why SQLite and not files of our own: it gives what a store appended by parallel `ctest -j` gate
// tests needs and what would be long to write and prove by hand - atomic commits that survive a
// killed writer (the write-ahead log), a busy timeout instead of lost appends when two tests finish
// together, and indexed queries over years of runs.
//
// Layout (schema version k_history_store_version, kept in the `meta` table):
//   meta(key, value)          "schema" = "perfgate.history-store/1"
//   entries(...)              one row per HistoryEntry, primary key (run_id, benchmark, metric, rule)
#include <perfgate/history_store.hpp>
#include <perfgate/pattern.hpp>

#include <sqlite3.h>

#include <cmath>
#include <map>
#include <string_view>
#include <utility>

namespace perfgate {

namespace {

constexpr std::string_view k_store_schema = "perfgate.history-store/1";

constexpr const char* k_create = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
  run_id TEXT NOT NULL, started_at TEXT NOT NULL, commit_id TEXT NOT NULL, suite TEXT NOT NULL,
  test TEXT NOT NULL, benchmark TEXT NOT NULL, metric TEXT NOT NULL, rule TEXT NOT NULL,
  lane TEXT NOT NULL, runner_class TEXT NOT NULL, unit TEXT NOT NULL, direction TEXT NOT NULL,
  statistic TEXT NOT NULL, samples INTEGER NOT NULL, value REAL, min REAL, max REAL, mean REAL,
  baseline REAL, change REAL, limit_value REAL, warn_limit REAL, limit_text TEXT NOT NULL,
  rule_kind TEXT NOT NULL, verdict TEXT NOT NULL,
  PRIMARY KEY(run_id, benchmark, metric, rule));
CREATE INDEX IF NOT EXISTS entries_by_time ON entries(started_at, run_id);
)sql";

constexpr const char* k_columns =
    "run_id, started_at, commit_id, suite, test, benchmark, metric, rule, lane, runner_class, "
    "unit, direction, statistic, samples, value, min, max, mean, baseline, change, limit_value, "
    "warn_limit, limit_text, rule_kind, verdict";

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(m_stmt); }
  [[nodiscard]] bool ok() const { return m_rc == SQLITE_OK; }
  sqlite3_stmt* get() { return m_stmt; }

  void text(int index, const std::string& value) {
    sqlite3_bind_text(m_stmt, index, value.c_str(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void number(int index, const std::optional<double>& value) {
    if (value && std::isfinite(*value)) {
      sqlite3_bind_double(m_stmt, index, *value);
    } else {
      sqlite3_bind_null(m_stmt, index);
    }
  }

 private:
  sqlite3_stmt* m_stmt = nullptr;
  int m_rc = SQLITE_ERROR;
};

std::string column_text(sqlite3_stmt* stmt, int index) {
  const unsigned char* text = sqlite3_column_text(stmt, index);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

std::optional<double> column_number(sqlite3_stmt* stmt, int index) {
  if (sqlite3_column_type(stmt, index) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_double(stmt, index);
}

}  // namespace

struct HistoryStore::Impl {
  std::string path;
  sqlite3* db = nullptr;

  ~Impl() { sqlite3_close_v2(db); }

  [[nodiscard]] std::string error_text() const {
    return db == nullptr ? std::string("out of memory") : std::string(sqlite3_errmsg(db));
  }

  bool exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
};

HistoryStore::HistoryStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HistoryStore::HistoryStore(HistoryStore&&) noexcept = default;
HistoryStore& HistoryStore::operator=(HistoryStore&&) noexcept = default;
HistoryStore::~HistoryStore() = default;

const std::string& HistoryStore::path() const { return m_impl->path; }

Result<HistoryStore> HistoryStore::open(const std::string& path, bool create, int busy_timeout_ms) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  Diagnostics diagnostics;
  const auto fail = [&](std::string message, std::string hint = {}) -> Result<HistoryStore> {
    diagnostics.error(path, "", std::move(message), std::move(hint));
    return diagnostics;
  };
  const int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
  if (sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr) != SQLITE_OK) {
    return fail("cannot open the history store: " + impl->error_text(),
                create ? "check that its folder exists and is writable"
                       : "no store at this path: a gate test creates it on its first run, or "
                         "`perfgate history import` from an export");
  }
  sqlite3_busy_timeout(impl->db, busy_timeout_ms);
  // WAL: readers never block the one writer, and a writer killed mid-transaction leaves the
  // last committed state. It needs a local file system (docs/history.md).
  if (!impl->exec("PRAGMA journal_mode=WAL") || !impl->exec("PRAGMA synchronous=NORMAL")) {
    return fail("not a readable SQLite database: " + impl->error_text(),
                "a perfgate history store is an SQLite file; move this file away or name another "
                "path (PERFGATE_HISTORY)");
  }
  // The schema: created once, in one immediate transaction, so two gate tests that start at
  // once do not race.
  if (!impl->exec("BEGIN IMMEDIATE")) {
    return fail("cannot lock the history store: " + impl->error_text());
  }
  std::string found;
  {
    Statement has_meta(impl->db,
                       "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
    Statement has_any(impl->db, "SELECT count(*) FROM sqlite_master");
    if (!has_meta.ok() || !has_any.ok() || sqlite3_step(has_meta.get()) != SQLITE_ROW ||
        sqlite3_step(has_any.get()) != SQLITE_ROW) {
      impl->exec("ROLLBACK");
      return fail("not a readable SQLite database: " + impl->error_text());
    }
    const bool meta = sqlite3_column_int(has_meta.get(), 0) > 0;
    const bool empty = sqlite3_column_int(has_any.get(), 0) == 0;
    if (!meta && !empty) {
      impl->exec("ROLLBACK");
      return fail("an SQLite database, but not a perfgate history store (no meta table)",
                  "name another path (PERFGATE_HISTORY)");
    }
    if (meta) {
      Statement schema(impl->db, "SELECT value FROM meta WHERE key='schema'");
      if (schema.ok() && sqlite3_step(schema.get()) == SQLITE_ROW) {
        found = column_text(schema.get(), 0);
      }
    }
  }
  if (!found.empty() && found != k_store_schema) {
    impl->exec("ROLLBACK");
    return fail("history store schema \"" + found + "\", this perfgate reads \"" +
                    std::string(k_store_schema) + "\"",
                "export it with the perfgate that wrote it and import the export here");
  }
  if (found.empty()) {
    if (!create) {
      impl->exec("ROLLBACK");
      return fail("not a perfgate history store (empty database)");
    }
    const std::string insert =
        "INSERT OR REPLACE INTO meta(key, value) VALUES('schema', '" + std::string(k_store_schema) + "')";
    if (!impl->exec(k_create) || !impl->exec(insert.c_str())) {
      const std::string why = impl->error_text();
      impl->exec("ROLLBACK");
      return fail("cannot create the history store's tables: " + why);
    }
  }
  if (!impl->exec("COMMIT")) {
    return fail("cannot commit to the history store: " + impl->error_text());
  }
  return HistoryStore(std::move(impl));
}

Result<std::size_t> HistoryStore::append(const std::vector<HistoryEntry>& entries) {
  Diagnostics diagnostics;
  const auto fail = [&](const std::string& what) -> Result<std::size_t> {
    const std::string why = m_impl->error_text();
    m_impl->exec("ROLLBACK");
    diagnostics.error(m_impl->path, "", what + ": " + why,
                      "nothing of this run was stored; earlier runs are unchanged");
    return diagnostics;
  };
  if (!m_impl->exec("BEGIN IMMEDIATE")) {
    diagnostics.error(m_impl->path, "", "cannot lock the history store: " + m_impl->error_text());
    return diagnostics;
  }
  const std::string sql = std::string("INSERT OR IGNORE INTO entries(") + k_columns +
                          ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  std::size_t added = 0;
  {
    Statement insert(m_impl->db, sql.c_str());
    if (!insert.ok()) {
      return fail("cannot prepare the insert");
    }
    for (const HistoryEntry& e : entries) {
      int i = 0;
      for (const std::string* field :
           {&e.run_id, &e.started_at, &e.commit, &e.suite, &e.test, &e.benchmark, &e.metric,
            &e.rule, &e.lane, &e.runner_class, &e.unit, &e.direction, &e.statistic}) {
        insert.text(++i, *field);
      }
      sqlite3_bind_int64(insert.get(), ++i, static_cast<sqlite3_int64>(e.samples));
      for (const std::optional<double>* field :
           {&e.value, &e.min, &e.max, &e.mean, &e.baseline, &e.change, &e.limit, &e.warn_limit}) {
        insert.number(++i, *field);
      }
      insert.text(++i, e.limit_text);
      insert.text(++i, e.rule_kind);
      insert.text(++i, e.verdict);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) {
        return fail("cannot append run " + e.run_id);
      }
      added += static_cast<std::size_t>(sqlite3_changes(m_impl->db));
      sqlite3_reset(insert.get());
      sqlite3_clear_bindings(insert.get());
    }
  }
  if (!m_impl->exec("COMMIT")) {
    return fail("cannot commit the run");
  }
  return added;
}

Result<std::vector<HistoryEntry>> HistoryStore::query(const HistoryQuery& query) const {
  Diagnostics diagnostics;
  std::optional<NamePattern> pattern;
  if (query.benchmark_regex) {
    auto compiled = NamePattern::compile(*query.benchmark_regex);
    if (!compiled) {
      return compiled.error();
    }
    pattern = std::move(*compiled);
  }
  std::string sql = std::string("SELECT ") + k_columns + " FROM entries WHERE 1=1";
  std::vector<std::string> values;
  for (const auto& [column, value] :
       {std::pair{"suite", &query.suite}, std::pair{"metric", &query.metric},
        std::pair{"lane", &query.lane}, std::pair{"runner_class", &query.runner_class}}) {
    if (*value) {
      sql += std::string(" AND ") + column + " = ?";
      values.push_back(**value);
    }
  }
  sql += " ORDER BY started_at, run_id, benchmark, metric, rule";
  Statement select(m_impl->db, sql.c_str());
  if (!select.ok()) {
    diagnostics.error(m_impl->path, "", "cannot read the history store: " + m_impl->error_text());
    return diagnostics;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    select.text(static_cast<int>(i + 1), values[i]);
  }
  std::vector<HistoryEntry> entries;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    sqlite3_stmt* row = select.get();
    HistoryEntry e;
    int i = 0;
    for (std::string* field : {&e.run_id, &e.started_at, &e.commit, &e.suite, &e.test,
                               &e.benchmark, &e.metric, &e.rule, &e.lane, &e.runner_class,
                               &e.unit, &e.direction, &e.statistic}) {
      *field = column_text(row, i++);
    }
    e.samples = static_cast<std::size_t>(sqlite3_column_int64(row, i++));
    for (std::optional<double>* field :
         {&e.value, &e.min, &e.max, &e.mean, &e.baseline, &e.change, &e.limit, &e.warn_limit}) {
      *field = column_number(row, i++);
    }
    e.limit_text = column_text(row, i++);
    e.rule_kind = column_text(row, i++);
    e.verdict = column_text(row, i++);
    if (pattern && !pattern->full_match(e.benchmark)) {
      continue;
    }
    entries.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) {
    diagnostics.error(m_impl->path, "", "cannot read the history store: " + m_impl->error_text(),
                      "the file may be damaged: `perfgate history export` what can be read, or "
                      "restore it from a CI cache artifact");
    return diagnostics;
  }
  if (query.last_runs > 0) {
    // Each series' last N entries, in the same order.
    std::map<SeriesKey, std::size_t> remaining;
    std::vector<HistoryEntry> kept;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      auto [slot, inserted] = remaining.try_emplace(series_key(*it), query.last_runs);
      if (slot->second > 0) {
        --slot->second;
        kept.push_back(std::move(*it));
      }
    }
    entries.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
  }
  return entries;
}

}  // namespace perfgate
