# Real A/A and injected-slowdown runs of the example suite's perf gate, through the CMake module
# and CTest exactly as a CI job runs them (issue 5, part b). Wall time on this machine: run by
# hand, never a CI pass/fail.
#
#   cmake -S . -B build-real -DCMAKE_BUILD_TYPE=Release -DPERFGATE_EXAMPLE_PAIRED=ON
#   cmake --build build-real
#   cmake -DBUILD_DIR=build-real [-DTRIALS=20] [-DSLOW_TRIALS=5] [-DSLOWDOWN=BM_Fnv1a:10]
#         [-DSLOWDOWNS="BM_Fnv1a:200;BM_Fnv1a:50"] [-DLANES="paired;stored;adaptive"]
#         [-DLOAD=ON] [-DLOAD_WORKERS=2] [-DWORK=dir] -P tests/stats/real_gate_runs.cmake
#
# LOAD=ON starts a CPU hog beside every trial (stress-ng --cpu LOAD_WORKERS, from Debian's
# stress-ng; both cores busy by default) and stops it at the end: the busy shared runner that a
# paired lane must survive. SLOWDOWNS runs SLOW_TRIALS trials of each slowdown; for every slowdown
# trial the verdict of the slowed family's test is read from its report.json: FAILED (decided),
# INCONCLUSIVE (exit 4) or passed (a silent pass, which must never happen).
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
if(NOT DEFINED SLOWDOWNS)
  set(SLOWDOWNS "${SLOWDOWN}")
endif()
if(NOT DEFINED LANES)
  set(LANES paired stored adaptive)
endif()
if(NOT DEFINED LOAD_WORKERS)
  set(LOAD_WORKERS 2)
endif()
string(TIMESTAMP stamp "%Y%m%d%H%M%S" UTC)
set(runner "real-gate-runs-${stamp}")  # a fresh runner class: its baseline is bootstrapped here
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

set(hog_pid "")
if(LOAD)
  find_program(STRESS_NG stress-ng)
  if(NOT STRESS_NG)
    message(FATAL_ERROR "real_gate_runs.cmake: LOAD=ON needs stress-ng (apt-get install stress-ng)")
  endif()
  execute_process(
    COMMAND sh -c "\"$0\" --cpu \"$1\" --timeout 14400 >/dev/null 2>&1 & echo $!"
            "${STRESS_NG}" "${LOAD_WORKERS}"
    OUTPUT_VARIABLE hog_pid OUTPUT_STRIP_TRAILING_WHITESPACE)
  message(STATUS "CPU hog: stress-ng --cpu ${LOAD_WORKERS}, pid ${hog_pid}")
endif()

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

# slowed_status(<suite> <slowdown> <out>): the status in report.json of the test of the slowed
# family ("BM_Fnv1a:200" -> perf.<suite>.BM_Fnv1a): FAILED, INCONCLUSIVE, passed, or missing.
function(slowed_status suite slowdown out)
  string(REGEX REPLACE ":.*$" "" family "${slowdown}")
  set(report "${BUILD_DIR}/perfgate-artifacts/${suite}/perf.${suite}.${family}/report.json")
  set(status "missing")
  if(EXISTS "${report}")
    file(READ "${report}" text)
    string(JSON status ERROR_VARIABLE json_error GET "${text}" status)
    if(json_error)
      set(status "unreadable")
    endif()
  endif()
  set(${out} "${status}" PARENT_SCOPE)
endfunction()

set(rows "")
# trials(<kind> <slowdown or "">): TRIALS A/A trials or SLOW_TRIALS slowdown trials of every lane.
function(trials kind slowdown count)
  foreach(lane IN LISTS LANES)
    set(pass 0)
    set(fail 0)
    set(failed_tests "")
    set(statuses "")
    set(reps_total 0)
    set(reps_tests 0)
    foreach(trial RANGE 1 ${count})
      string(REPLACE ":" "-" tag "${kind}-${slowdown}")
      run_gate("${lane}-${tag}-${trial}" "${${lane}_regex}" "${slowdown}" failed)
      if(failed STREQUAL "")
        math(EXPR pass "${pass} + 1")
      else()
        math(EXPR fail "${fail} + 1")
        list(APPEND failed_tests "${failed}")
      endif()
      if(NOT slowdown STREQUAL "")
        set(suite "example")
        if(NOT lane STREQUAL "stored")
          set(suite "example_${lane}")
        endif()
        slowed_status(${suite} "${slowdown}" status)
        list(APPEND statuses "${status}")
      endif()
      if(lane STREQUAL "adaptive")
        run_fields(example_adaptive repetitions_per_side used_list)
        foreach(used IN LISTS used_list)
          if(used MATCHES "^[0-9]+$")
            math(EXPR reps_total "${reps_total} + ${used}")
            math(EXPR reps_tests "${reps_tests} + 1")
          endif()
        endforeach()
      endif()
      message(STATUS "${lane} ${kind} ${slowdown} trial ${trial}/${count}: [${failed}] ${status}")
    endforeach()
    list(REMOVE_DUPLICATES failed_tests)
    list(JOIN failed_tests ", " failed_tests)
    set(verdicts "-")
    if(NOT slowdown STREQUAL "")
      set(verdicts "")
      foreach(name FAILED INCONCLUSIVE passed missing unreadable ERROR)
        set(matching "${statuses}")
        list(FILTER matching INCLUDE REGEX "^${name}$")
        list(LENGTH matching n)
        if(n GREATER 0)
          string(APPEND verdicts "${name} ${n}; ")
        endif()
      endforeach()
    endif()
    set(reps "-")
    if(reps_tests GREATER 0)
      math(EXPR tenths "10 * ${reps_total} / ${reps_tests}")
      math(EXPR whole "${tenths} / 10")
      math(EXPR part "${tenths} % 10")
      set(reps "${whole}.${part}")
    endif()
    set(what "A/A")
    if(NOT slowdown STREQUAL "")
      set(what "${slowdown}% slower")
    endif()
    set(rows "${rows}| ${lane}, ${what} | ${count} | ${pass} | ${fail} | ${verdicts} | ${reps} | ${failed_tests} |\n" PARENT_SCOPE)
  endforeach()
endfunction()

trials(aa "" ${TRIALS})
foreach(slowdown IN LISTS SLOWDOWNS)
  trials(slow "${slowdown}" ${SLOW_TRIALS})
endforeach()

if(NOT hog_pid STREQUAL "")
  execute_process(COMMAND kill "${hog_pid}")
endif()
set(load_text "an otherwise idle machine")
if(LOAD)
  set(load_text "both cores busy with stress-ng --cpu ${LOAD_WORKERS} started by this script")
endif()
message("
| lane, trials | trials | all passed | a test failed | slowed family's report status | reps/side (adaptive) | tests that failed |
| --- | ---: | ---: | ---: | --- | ---: | --- |
${rows}
Load: ${load_text}. paired lane: gates/example-paired.json (+5% fails), 10 runs x 1 repetition
per side; stored lane: gates/example.json (+50% fails) against a baseline bootstrapped per
selection for runner class ${runner}; ctest output of every trial in ${WORK}")
