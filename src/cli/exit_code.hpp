// The exit codes of the perfgate command (README, docs/cli.md; asserted by tests/cli).
#pragma once

namespace perfgate::cli {

enum ExitCode : int {
  k_exit_passed = 0,         // gate passed (warnings allowed)
  k_exit_failed = 1,         // gate failed: a regression, an SLO breach, a missing benchmark
  k_exit_invalid_input = 2,  // usage error or invalid input (file, policy, baseline)
  k_exit_run_failed = 3,     // the run itself failed: crash, timeout, errored benchmark, no results
  k_exit_inconclusive = 4,   // nothing failed, but a gated comparison could not be decided
};

}  // namespace perfgate::cli
