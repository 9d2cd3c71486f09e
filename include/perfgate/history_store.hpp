// The local history store (docs/history.md): an SQLite database of HistoryEntry rows, appended by
// every gate test and read by `perfgate history` and `perfgate trend`. This is I/O, so it lives in
// its own library (perfgate_store), outside the pure core.
//
// Safe under `ctest -j` and a killed writer: WAL journal, a busy timeout, and one transaction per
// gate test run, so a run is in the store whole or not at all.
#pragma once

#include <perfgate/history.hpp>
#include <perfgate/result.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace perfgate {

inline constexpr int k_history_store_version = 1;
// How long a writer waits for another one to finish (a parallel gate test's append takes milliseconds).
inline constexpr int k_history_busy_timeout_ms = 60000;

struct HistoryQuery {
  std::optional<std::string> suite;
  std::optional<std::string> benchmark_regex;  // RE2 full match against the benchmark name
  std::optional<std::string> metric;
  std::optional<std::string> lane;
  std::optional<std::string> runner_class;
  std::size_t last_runs = 0;  // 0: all; else only each series' last N entries
};

class HistoryStore {
 public:
  // Opens (creating when `create`) the database at `path`; a database of another schema version,
  // a file that is not a perfgate store, or one that cannot be opened is a diagnostic naming it.
  // A store locked by another process for longer than `busy_timeout_ms` is such a diagnostic too.
  static Result<HistoryStore> open(const std::string& path, bool create,
                                   int busy_timeout_ms = k_history_busy_timeout_ms);

  HistoryStore(HistoryStore&&) noexcept;
  HistoryStore& operator=(HistoryStore&&) noexcept;
  ~HistoryStore();

  // Appends the entries of one or more runs in one transaction. Entries whose key (run_id,
  // benchmark, metric, rule) is already stored are skipped, so importing the same export twice
  // adds nothing. Returns how many were added.
  Result<std::size_t> append(const std::vector<HistoryEntry>& entries);

  // Entries in run order (started_at, then run_id), then benchmark, metric, rule.
  Result<std::vector<HistoryEntry>> query(const HistoryQuery& query = {}) const;

  [[nodiscard]] const std::string& path() const;

 private:
  struct Impl;
  explicit HistoryStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace perfgate
