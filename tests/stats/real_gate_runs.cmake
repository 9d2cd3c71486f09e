# Real A/A and injected-slowdown runs of the example suite's perf gate, through the CMake module
# and CTest exactly as a CI job runs them (issue 5, part b). Wall time on this machine: run by
# hand, never a CI pass/fail.
#
#   cmake -S . -B build-real -DCMAKE_BUILD_TYPE=Release -DPERFGATE_EXAMPLE_PAIRED=ON
#   cmake --build build-real
#   cmake -DBUILD_DIR=build-real [-DTRIALS=20] [-DSLOW_TRIALS=5] [-DSLOWDOWN=BM_Fnv1a:10]
#         [-DWORK=dir] -P tests/stats/real_gate_runs.cmake
#
# Each trial runs three ctest selections of the build tree:
#   stored lane  ctest -R '^perf\.example\.'         the example suite's wall-time tests against the
#                                                    provisional baseline its bootstrap fixture
#                                                    records from a clean run at the start of each
#                                                    selection (a fresh runner class,
#                                                    PERFGATE_RUNNER), gates/example.json
#   paired lane  ctest -R '^perf\.example_paired\.'  bm_example against itself as the reference,
#                                                    10 runs x 1 repetition per side interleaved in
#                                                    a random order, gates/example-paired.json (+5%)
#   adaptive     ctest -R '^perf\.example_adaptive\.' the same with REPETITIONS auto (cap 20); the
#                                                    repetitions per side each test used are read
#                                                    from its run.json
# A/A trials run both builds unchanged; slowdown trials set PERFGATE_EXAMPLE_SLOWDOWN, which the
# candidate runs get and the reference and baseline runs do not (BASELINE_UNSET_ENV). Every
# trial's ctest output is kept in WORK; the table at the end counts the trials with a failed test
# and names the tests that failed.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED BUILD_DIR)
  message(FATAL_ERROR "real_gate_runs.cmake: -DBUILD_DIR=<build tree configured with "
                      "-DPERFGATE_EXAMPLE_PAIRED=ON> is required")
endif()
get_filename_component(BUILD_DIR "${BUILD_DIR}" ABSOLUTE)
if(NOT DEFINED TRIALS)
  set(TRIALS 20)
endif()
if(NOT DEFINED SLOW_TRIALS)
  set(SLOW_TRIALS 5)
endif()
if(NOT DEFINED SLOWDOWN)
  set(SLOWDOWN "BM_Fnv1a:10")
endif()
if(NOT DEFINED WORK)
  set(WORK "${BUILD_DIR}/perfgate-real-gate-runs")
endif()
if(NOT DEFINED CTEST)
  get_filename_component(cmake_dir "${CMAKE_COMMAND}" DIRECTORY)
  set(CTEST "${cmake_dir}/ctest")
endif()
string(TIMESTAMP stamp "%Y%m%d%H%M%S" UTC)
set(runner "real-gate-runs-${stamp}")  # a fresh runner class: its baseline is bootstrapped here
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

set(stored_regex "^perf\\.example\\.")
set(paired_regex "^perf\\.example_paired\\.")
set(adaptive_regex "^perf\\.example_adaptive\\.")
execute_process(COMMAND "${CTEST}" --test-dir "${BUILD_DIR}" -N -R "${paired_regex}"
                OUTPUT_VARIABLE listing RESULT_VARIABLE listed)
if(NOT listed EQUAL 0 OR NOT listing MATCHES "perf\\.example_paired\\.BM_")
  message(FATAL_ERROR "real_gate_runs.cmake: ${BUILD_DIR} has no perf.example_paired.* tests.\n"
                      "  Hint: configure it with -DPERFGATE_EXAMPLE_PAIRED=ON and build it.")
endif()

# run_gate(<name> <regex> <slowdown or ""> <failed var>): one ctest selection; <failed var> gets
# the names of its failed tests (empty when all passed).
function(run_gate name regex slowdown failed_var)
  set(env_args --unset=PERFGATE_REFERENCE --unset=PERFGATE_BOOTSTRAP "PERFGATE_RUNNER=${runner}")
  if(slowdown STREQUAL "")
    list(APPEND env_args --unset=PERFGATE_EXAMPLE_SLOWDOWN)
  else()
    list(APPEND env_args "PERFGATE_EXAMPLE_SLOWDOWN=${slowdown}")
  endif()
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env ${env_args}
            "${CTEST}" --test-dir "${BUILD_DIR}" -R "${regex}" --output-on-failure
    OUTPUT_FILE "${WORK}/${name}.txt" ERROR_FILE "${WORK}/${name}.txt" RESULT_VARIABLE result)
  # Every test's report of this selection, passed or not (the ctest output shows failures only).
  string(REGEX REPLACE "^\\^perf\\\\\\.([a-z_]+)\\\\\\.$" "\\1" suite "${regex}")
  file(GLOB reports "${BUILD_DIR}/perfgate-artifacts/${suite}/perf.${suite}.*/report.txt")
  file(MAKE_DIRECTORY "${WORK}/${name}")
  foreach(report IN LISTS reports)
    get_filename_component(test_dir "${report}" DIRECTORY)
    get_filename_component(test "${test_dir}" NAME)
    file(COPY_FILE "${report}" "${WORK}/${name}/${test}.txt" ONLY_IF_DIFFERENT)
  endforeach()
  file(READ "${WORK}/${name}.txt" output)
  string(REGEX MATCHALL "[0-9]+ - perf\\.[A-Za-z0-9_.]+ \\([A-Za-z ]+\\)" failures "${output}")
  set(failed "")
  foreach(line IN LISTS failures)
    string(REGEX REPLACE "^[0-9]+ - ([^ ]+) \\((.*)\\)$" "\\1 (\\2)" line "${line}")
    list(APPEND failed "${line}")
  endforeach()
  if(NOT result EQUAL 0 AND failed STREQUAL "")
    set(failed "ctest exit ${result} (see ${WORK}/${name}.txt)")
  endif()
  set(${failed_var} "${failed}" PARENT_SCOPE)
endfunction()

# tally(<lane> <failed>): trials with and without a failed test, and the tests that failed.
macro(tally lane failed)
  if("${failed}" STREQUAL "")
    math(EXPR ${lane}_pass "${${lane}_pass} + 1")
  else()
    math(EXPR ${lane}_fail "${${lane}_fail} + 1")
    list(APPEND ${lane}_failed "${failed}")
  endif()
endmacro()

# run_fields(<suite> <key> <out>): the values of <key> in the run.json of every perf.<suite>.*
# test of the last selection (tests without the key are left out).
function(run_fields suite key out)
  set(values "")
  file(GLOB run_files "${BUILD_DIR}/perfgate-artifacts/${suite}/perf.${suite}.*/run.json")
  foreach(run_file IN LISTS run_files)
    file(READ "${run_file}" run_text)
    string(JSON value ERROR_VARIABLE json_error GET "${run_text}" ${key})
    if(NOT json_error)
      list(APPEND values "${value}")
    endif()
  endforeach()
  set(${out} "${values}" PARENT_SCOPE)
endfunction()

# reps(<lane>): adds the repetitions per side of every example_adaptive test of the last run.
macro(reps lane)
  run_fields(example_adaptive repetitions_per_side used_list)
  foreach(used IN LISTS used_list)
    if(used MATCHES "^[0-9]+$")
      math(EXPR ${lane}_reps "${${lane}_reps} + ${used}")
      math(EXPR ${lane}_tests "${${lane}_tests} + 1")
    endif()
  endforeach()
endmacro()

# confirmations(<lane>): counts the perf.example.* tests of the last run whose first verdict was a
# fail that a confirmation run did not replicate (CONFIRM, docs/cmake-module.md).
macro(confirmations lane)
  run_fields(example confirmation confirmation_list)
  list(FILTER confirmation_list INCLUDE REGEX "^passed")
  list(LENGTH confirmation_list unconfirmed)
  math(EXPR ${lane}_unconfirmed "${${lane}_unconfirmed} + ${unconfirmed}")
endmacro()

foreach(lane paired_aa stored_aa adaptive_aa paired_slow stored_slow adaptive_slow)
  set(${lane}_unconfirmed 0)
  set(${lane}_pass 0)
  set(${lane}_fail 0)
  set(${lane}_failed "")
  set(${lane}_reps 0)
  set(${lane}_tests 0)
endforeach()

foreach(trial RANGE 1 ${TRIALS})
  run_gate("paired-aa-${trial}" "${paired_regex}" "" failed)
  tally(paired_aa "${failed}")
  run_gate("stored-aa-${trial}" "${stored_regex}" "" failed)
  tally(stored_aa "${failed}")
  confirmations(stored_aa)
  run_gate("adaptive-aa-${trial}" "${adaptive_regex}" "" failed)
  tally(adaptive_aa "${failed}")
  reps(adaptive_aa)
  message(STATUS "A/A trial ${trial}/${TRIALS}: trials with a failed test so far: paired "
                 "${paired_aa_fail}, stored ${stored_aa_fail}, adaptive ${adaptive_aa_fail}")
endforeach()
foreach(trial RANGE 1 ${SLOW_TRIALS})
  run_gate("paired-slow-${trial}" "${paired_regex}" "${SLOWDOWN}" paired_failed)
  tally(paired_slow "${paired_failed}")
  run_gate("stored-slow-${trial}" "${stored_regex}" "${SLOWDOWN}" stored_failed)
  tally(stored_slow "${stored_failed}")
  confirmations(stored_slow)
  run_gate("adaptive-slow-${trial}" "${adaptive_regex}" "${SLOWDOWN}" failed)
  tally(adaptive_slow "${failed}")
  reps(adaptive_slow)
  message(STATUS "${SLOWDOWN}% trial ${trial}/${SLOW_TRIALS}: failed in the paired lane "
                 "[${paired_failed}], in the stored lane [${stored_failed}]")
endforeach()

foreach(lane paired_aa stored_aa adaptive_aa paired_slow stored_slow adaptive_slow)
  list(REMOVE_DUPLICATES ${lane}_failed)
  list(JOIN ${lane}_failed ", " ${lane}_failed)
endforeach()
foreach(lane adaptive_aa adaptive_slow)
  set(${lane}_mean "-")
  if(${lane}_tests GREATER 0)
    math(EXPR hundredths "100 * ${${lane}_reps} / ${${lane}_tests}")
    math(EXPR whole "${hundredths} / 100")
    math(EXPR part "${hundredths} % 100")
    string(LENGTH "${part}" digits)
    if(digits EQUAL 1)
      set(part "0${part}")
    endif()
    set(${lane}_mean "${whole}.${part}")
  endif()
endforeach()
message("
| lane (ctest selection) | trials | all passed | a test failed | tests that failed |
| --- | ---: | ---: | ---: | --- |
| paired, A/A (perf.example_paired.*) | ${TRIALS} | ${paired_aa_pass} | ${paired_aa_fail} | ${paired_aa_failed} |
| stored baseline, A/A (perf.example.*) | ${TRIALS} | ${stored_aa_pass} | ${stored_aa_fail} | ${stored_aa_failed} |
| paired, ${SLOWDOWN}% slower | ${SLOW_TRIALS} | ${paired_slow_pass} | ${paired_slow_fail} | ${paired_slow_failed} |
| stored baseline, ${SLOWDOWN}% slower | ${SLOW_TRIALS} | ${stored_slow_pass} | ${stored_slow_fail} | ${stored_slow_failed} |
| adaptive, A/A (perf.example_adaptive.*) | ${TRIALS} | ${adaptive_aa_pass} | ${adaptive_aa_fail} | ${adaptive_aa_failed} |
| adaptive, ${SLOWDOWN}% slower | ${SLOW_TRIALS} | ${adaptive_slow_pass} | ${adaptive_slow_fail} | ${adaptive_slow_failed} |

stored lane: tests whose first run failed and whose confirmation run passed (CONFIRM): ${stored_aa_unconfirmed} in the A/A trials, ${stored_slow_unconfirmed} in the slowdown trials
adaptive lane, repetitions per side per test (cap 20): A/A ${adaptive_aa_mean} on average over ${adaptive_aa_tests} tests; slowdown trials ${adaptive_slow_mean} over ${adaptive_slow_tests} tests

paired lane: gates/example-paired.json (+5% fails), 10 runs x 1 repetition per side; stored lane:
gates/example.json (+50% fails) against a baseline bootstrapped per selection for runner class ${runner};
ctest output of every trial in ${WORK}")
