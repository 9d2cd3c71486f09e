# Real A/A and injected-slowdown runs of the example suite's perf gate, through the CMake module
# and CTest exactly as a CI job runs them (issue 5, part b). Wall time on this machine: run by
# hand, never a CI pass/fail.
#
#   cmake -S . -B build-real -DCMAKE_BUILD_TYPE=Release -DPERFGATE_EXAMPLE_PAIRED=ON
#   cmake --build build-real
#   cmake -DBUILD_DIR=build-real [-DTRIALS=20] [-DSLOW_TRIALS=5] [-DSLOWDOWN=BM_Fnv1a:10]
#         [-DWORK=dir] -P tests/stats/real_gate_runs.cmake
#
# Each trial runs two ctest selections of the build tree:
#   stored lane  ctest -R '^perf\.example\.'         the example suite's wall-time tests against a
#                                                    baseline bootstrapped once for a fresh runner
#                                                    class (PERFGATE_RUNNER), gates/example.json
#   paired lane  ctest -R '^perf\.example_paired\.'  bm_example against itself as the reference,
#                                                    5 runs x 2 repetitions per side interleaved in
#                                                    a random order, gates/example-paired.json (+5%)
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

foreach(lane paired_aa stored_aa paired_slow stored_slow)
  set(${lane}_pass 0)
  set(${lane}_fail 0)
  set(${lane}_failed "")
endforeach()

foreach(trial RANGE 1 ${TRIALS})
  run_gate("paired-aa-${trial}" "${paired_regex}" "" failed)
  tally(paired_aa "${failed}")
  run_gate("stored-aa-${trial}" "${stored_regex}" "" failed)
  tally(stored_aa "${failed}")
  message(STATUS "A/A trial ${trial}/${TRIALS}: trials with a failed test so far: paired "
                 "${paired_aa_fail}, stored ${stored_aa_fail}")
endforeach()
foreach(trial RANGE 1 ${SLOW_TRIALS})
  run_gate("paired-slow-${trial}" "${paired_regex}" "${SLOWDOWN}" paired_failed)
  tally(paired_slow "${paired_failed}")
  run_gate("stored-slow-${trial}" "${stored_regex}" "${SLOWDOWN}" stored_failed)
  tally(stored_slow "${stored_failed}")
  message(STATUS "${SLOWDOWN}% trial ${trial}/${SLOW_TRIALS}: failed in the paired lane "
                 "[${paired_failed}], in the stored lane [${stored_failed}]")
endforeach()

foreach(lane paired_aa stored_aa paired_slow stored_slow)
  list(REMOVE_DUPLICATES ${lane}_failed)
  list(JOIN ${lane}_failed ", " ${lane}_failed)
endforeach()
message("
| lane (ctest selection) | trials | all passed | a test failed | tests that failed |
| --- | ---: | ---: | ---: | --- |
| paired, A/A (perf.example_paired.*) | ${TRIALS} | ${paired_aa_pass} | ${paired_aa_fail} | ${paired_aa_failed} |
| stored baseline, A/A (perf.example.*) | ${TRIALS} | ${stored_aa_pass} | ${stored_aa_fail} | ${stored_aa_failed} |
| paired, ${SLOWDOWN}% slower | ${SLOW_TRIALS} | ${paired_slow_pass} | ${paired_slow_fail} | ${paired_slow_failed} |
| stored baseline, ${SLOWDOWN}% slower | ${SLOW_TRIALS} | ${stored_slow_pass} | ${stored_slow_fail} | ${stored_slow_failed} |

paired lane: gates/example-paired.json (+5% fails), 5 runs x 2 repetitions per side; stored lane:
gates/example.json (+50% fails) against a baseline bootstrapped for runner class ${runner};
ctest output of every trial in ${WORK}")
