// perfgate_drill_lock_holder STORE COMMAND [ARG...]: holds an exclusive transaction on the SQLite
// database STORE (another process writing the history store) while COMMAND runs, then lets go.
// The lock is taken before COMMAND starts, so the drill has no race. Exits with COMMAND's exit
// code (128 + N when a signal N ended it); 125 when the lock cannot be taken.
#include <sqlite3.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace {

bool exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::cerr << "perfgate_drill_lock_holder: " << sql << ": " << (error ? error : "?") << '\n';
    sqlite3_free(error);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: perfgate_drill_lock_holder STORE COMMAND [ARG...]\n";
    return 125;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::cerr << "perfgate_drill_lock_holder: cannot open '" << argv[1] << "'\n";
    return 125;
  }
  // A write inside the transaction takes the write lock for good (WAL or rollback journal alike).
  if (!exec(db, "BEGIN EXCLUSIVE") || !exec(db, "CREATE TABLE drill_lock(x)")) {
    return 125;
  }
  std::cout << "perfgate_drill_lock_holder: holding an exclusive transaction on " << argv[1]
            << std::endl;
  const pid_t child = fork();
  if (child == 0) {
    execvp(argv[2], argv + 2);
    std::perror("perfgate_drill_lock_holder: exec");
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) {
    std::perror("perfgate_drill_lock_holder");
    return 125;
  }
  exec(db, "ROLLBACK");  // the store is left as it was
  sqlite3_close(db);
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}
