# The paired lane of the consumer (suites paired and paired_auto, PERFGATE_E2E_PAIRED=ON): the
# executable is its own reference, so an unchanged run is an A/A comparison; an 8x work factor of
# BM_VectorPush (PERFGATE_CONSUMER_SLOWDOWN, which only the candidate runs get; 3x slower or more as
# measured, under load too) is the one effect asserted to fail - no noise on a loaded machine hides
# +200 % against a +50 % margin.
# -D BUILD_DIR=... -D CTEST=...
include("${CMAKE_CURRENT_LIST_DIR}/expect.cmake")
set(clean UNSET PERFGATE_CONSUMER_SLOWDOWN PERFGATE_REFERENCE PERFGATE_RUNNER PERFGATE_BOOTSTRAP)
set(artifacts "${BUILD_DIR}/perfgate-artifacts")

# Reads <key> of <dir>/run.json into <out>.
function(run_field dir key out)
  if(NOT EXISTS "${dir}/run.json")
    message(FATAL_ERROR "e2e: no run.json in ${dir}")
  endif()
  file(READ "${dir}/run.json" run)
  string(JSON value GET "${run}" ${key})
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# Every real_time decision of <dir>/report.json was decided by the paired lane (method paired:...),
# and at least one exists.
function(check_paired_methods dir prefix)
  file(READ "${dir}/report.json" report)
  string(JSON count LENGTH "${report}" decisions)
  set(seen 0)
  math(EXPR last "${count} - 1")
  foreach(i RANGE 0 ${last})
    string(JSON metric GET "${report}" decisions ${i} metric)
    if(NOT metric STREQUAL "real_time")
      continue()
    endif()
    string(JSON method GET "${report}" decisions ${i} method)
    if(NOT method MATCHES "^${prefix}")
      message(FATAL_ERROR "e2e: ${dir}/report.json: real_time decided by '${method}', not '${prefix}...'")
    endif()
    math(EXPR seen "${seen} + 1")
  endforeach()
  if(seen EQUAL 0)
    message(FATAL_ERROR "e2e: ${dir}/report.json has no real_time decision")
  endif()
  message("e2e: ${dir}: ${seen} real_time decisions by the method ${prefix}...")
endfunction()

# (a) A/A, fixed design (RUNS 8 x REPETITIONS 2), reference = the build folder: in the paired
# lane, naming the reference executable; the bootstrap fixture needs no stored baseline. An A/A
# run is never a fail; whether it passes or is inconclusive (exit 4) is the machine's noise against
# +50% (on a busy shared runner the run-to-run spread can be that large), so either is accepted.
e2e_step(paired-aa COMMAND "${CTEST}" -R "^perf\\.paired\\." --output-on-failure -V ${clean}
  EXPECT any
  MATCHES "paired lane, 8 runs x 2 repetitions = 16 repetitions per side"
          "(holds the reference build|inconclusive: nothing failed)[^\n]*bm_consumer"
          "bootstrap\\.perf[^\n]*no stored baseline is needed"
  NOT_MATCHES "real_time median: fail" "cpu_time median: fail")
foreach(family BM_Accumulate BM_VectorPush)
  set(dir "${artifacts}/paired/perf.paired.${family}")
  check_paired_methods("${dir}" "paired:")
  run_field("${dir}" "paired;method" method)
  run_field("${dir}" "paired;order" order)
  if(NOT method STREQUAL "paired" OR NOT order MATCHES "^(RC|CR) (RC|CR) (RC|CR) (RC|CR) (RC|CR) (RC|CR) (RC|CR) (RC|CR)$")
    message(FATAL_ERROR "e2e: ${dir}/run.json: paired_method '${method}', order '${order}'")
  endif()
  foreach(file reference-1.json reference-8.json candidate-1.json candidate-8.json)
    if(NOT EXISTS "${dir}/${file}")
      message(FATAL_ERROR "e2e: no ${file} in ${dir}")
    endif()
  endforeach()
endforeach()

# (b) 8x work factor of BM_VectorPush in the candidate only: its test fails naming the benchmark;
# the other family is never a fail (it passes, or is inconclusive when the machine is that busy).
e2e_step(paired-slowdown COMMAND "${CTEST}" -R "^perf\\.paired\\." --output-on-failure
  UNSET PERFGATE_REFERENCE PERFGATE_RUNNER PERFGATE_BOOTSTRAP
  ENV PERFGATE_CONSUMER_SLOWDOWN=BM_VectorPush:8
  EXPECT fail
  MATCHES "[0-9]+ - perf\\.paired\\.BM_VectorPush \\(Failed\\)"
          "BM_VectorPush real_time median: fail" "paired lane"
          "removed from the environment of the reference runs"
  NOT_MATCHES "BM_Accumulate/[0-9]+ (real|cpu)_time median: fail")

# (c) PERFGATE_REFERENCE (which wins over REFERENCE) naming nothing fails closed, with the path;
# never a fall-back to the stored baseline.
e2e_step(paired-missing COMMAND "${CTEST}" -R "^perf\\.paired\\.BM_VectorPush$" --output-on-failure
  UNSET PERFGATE_CONSUMER_SLOWDOWN PERFGATE_RUNNER PERFGATE_BOOTSTRAP
  ENV "PERFGATE_REFERENCE=${BUILD_DIR}/no-such-reference"
  EXPECT fail
  MATCHES "paired lane: the reference build does not exist \\(from the environment variable PERFGATE_REFERENCE\\)"
          "Path: '[^']*no-such-reference'"
  NOT_MATCHES "holds the|baseline of runner class")

# (d) REPETITIONS auto: A/A is never a fail, and when it passes it stops before the cap
# (MAX_REPETITIONS 20); the 8x work factor fails.
e2e_step(auto-aa COMMAND "${CTEST}" -R "^perf\\.paired_auto\\." --output-on-failure -V ${clean}
  EXPECT any MATCHES "paired lane, adaptive: [0-9]+ repetitions per side \\(cap 20\\)"
  NOT_MATCHES "real_time median: fail" "cpu_time median: fail")
foreach(family BM_Accumulate BM_VectorPush)
  set(dir "${artifacts}/paired_auto/perf.paired_auto.${family}")
  check_paired_methods("${dir}" "paired:sequential:")
  run_field("${dir}" "paired;method" method)
  run_field("${dir}" "paired;repetitions_per_side" used)
  run_field("${dir}" "paired;max_repetitions" cap)
  file(READ "${dir}/report.json" report)
  string(JSON status GET "${report}" status)
  if(NOT method STREQUAL "paired-sequential" OR NOT used GREATER_EQUAL 4 OR used GREATER cap OR
     (status STREQUAL "passed" AND NOT used LESS cap))
    message(FATAL_ERROR "e2e: ${dir}/run.json: method '${method}', ${used} repetitions per side "
                        "of cap '${cap}' (an unchanged benchmark must stop before the cap)")
  endif()
  message("e2e: perf.paired_auto.${family}: A/A ${status} at ${used} repetitions per side (cap ${cap})")
endforeach()
e2e_step(auto-slowdown COMMAND "${CTEST}" -R "^perf\\.paired_auto\\.BM_VectorPush$" --output-on-failure
  UNSET PERFGATE_REFERENCE PERFGATE_RUNNER PERFGATE_BOOTSTRAP
  ENV PERFGATE_CONSUMER_SLOWDOWN=BM_VectorPush:8
  EXPECT fail
  MATCHES "[0-9]+ - perf\\.paired_auto\\.BM_VectorPush \\(Failed\\)"
          "BM_VectorPush real_time median: fail" "paired lane, adaptive")

# (e) CONFIRM in the stored lane: a failure of only the first run does not replicate, so the test
# never ends failed. Each verdict rests on a 3x effect or more, never on an A/A wall-time pass: the
# bootstrap (warm-up and measured run) does 3x the work, the first gate run 27x (fails), the
# confirmation 1x (at least 2x faster: passes; on a machine too busy to decide, inconclusive).
set(count_file "${BUILD_DIR}/confirm-factors-count")
file(REMOVE "${count_file}")
e2e_step(confirm-transient COMMAND "${CTEST}" -R "^perf\\.confirm\\." --output-on-failure -V
  UNSET PERFGATE_REFERENCE PERFGATE_RUNNER PERFGATE_BOOTSTRAP PERFGATE_CONSUMER_SLOWDOWN
  ENV "PERFGATE_CONSUMER_FACTORS=${count_file}:3,3,27,27,1,1"
  EXPECT any
  MATCHES "perfgate/confirmation\">(passed|inconclusive)"
          "(first run FAILED, not replicated by the confirmation run|first run FAILED; the confirmation run could not decide)"
  NOT_MATCHES "perf\\.confirm\\.BM_VectorPush: failed")
run_field("${artifacts}/confirm/perf.confirm.BM_VectorPush" confirmation confirmation)
if(NOT confirmation MATCHES "^(passed|inconclusive)")
  message(FATAL_ERROR "e2e: perf.confirm.BM_VectorPush run.json: confirmation '${confirmation}'")
endif()
# (f) The same slowdown in every run replicates: the test fails and names both runs' findings.
e2e_step(confirm-persistent COMMAND "${CTEST}" -R "^perf\\.confirm\\." --output-on-failure
  UNSET PERFGATE_REFERENCE PERFGATE_RUNNER PERFGATE_BOOTSTRAP PERFGATE_CONSUMER_FACTORS
  ENV PERFGATE_CONSUMER_SLOWDOWN=BM_VectorPush:8
  EXPECT fail
  MATCHES "[0-9]+ - perf\\.confirm\\.BM_VectorPush \\(Failed\\)"
          "replicated by a confirmation run" "BM_VectorPush real_time median: fail")
