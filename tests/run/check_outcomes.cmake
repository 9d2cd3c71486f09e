# Every outcome of a gate test, through real CTest, with the fake benchmark (tests/fake_benchmark):
# configure a consumer (project/), record its baseline, then run perf.outcomes.BM_Alpha under one
# scenario after another and check the exit code in CTest's output, in Testing/*/Test.xml
# ("Exit Value"), in run.json, and that the artifacts are there, whatever happened.
#
# -D PERFGATE=<perfgate> -D FAKE=<perfgate_fake_benchmark> -D MODULE_DIR=<cmake/> -D WORK=<folder>
# -D SOURCE=<tests/run> -D CTEST=<ctest> -D GENERATOR=<generator>
cmake_minimum_required(VERSION 3.25)
set(build "${WORK}/build")
file(REMOVE_RECURSE "${WORK}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}/project" -B "${build}" -G "${GENERATOR}"
          -DCMAKE_BUILD_TYPE=Release "-DPERFGATE=${PERFGATE}" "-DFAKE=${FAKE}"
          "-DPERFGATE_MODULE_DIR=${MODULE_DIR}"
          # Only this test waives: the drills and run.history gate without a waiver, whatever
          # today's date is.
          "-DOUTCOMES_OPTIONS=WAIVERS;${SOURCE}/outcomes-waivers.json"
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}")
endif()

# The baseline, from RECORD_RUNS separate runs of the steady scenario.
set(ENV{FAKE_BENCHMARK_SCENARIO} "${SOURCE}/scenarios/base.txt")
set(ENV{PERFGATE_REASON} "the outcome tests' baseline")
# The recording's load judgement is not what this test checks, and a neighbour must not fail it.
set(ENV{PERFGATE_ACCEPT_CONTENDED} 1)
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" --target perfgate_record_baseline_outcomes
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0 OR NOT EXISTS "${build}/baselines/outcomes-runner/outcomes.json")
  message(FATAL_ERROR "recording the baseline failed:\n${out}")
endif()

set(failures "")
# check(<scenario> <expected exit> <expected status> <output regex>)
function(check scenario code status regex)
  set(ENV{FAKE_BENCHMARK_SCENARIO} "${SOURCE}/scenarios/${scenario}.txt")
  file(REMOVE_RECURSE "${build}/Testing")
  execute_process(COMMAND "${CTEST}" --test-dir "${build}" -T Test --no-tests=error
                          -R "^perf\\.outcomes\\.BM_Alpha$" -V
    OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
  set(artifacts "${build}/perfgate-artifacts/outcomes/perf.outcomes.BM_Alpha")
  set(problems "")
  if(code EQUAL 0 AND NOT result EQUAL 0)
    string(APPEND problems " ctest failed;")
  elseif(NOT code EQUAL 0 AND result EQUAL 0)
    string(APPEND problems " ctest passed;")
  endif()
  if(NOT code EQUAL 0 AND NOT out MATCHES "perfgate exit ${code}: ")
    string(APPEND problems " the output does not say 'perfgate exit ${code}';")
  endif()
  if(NOT out MATCHES "${regex}")
    string(APPEND problems " the output does not match '${regex}';")
  endif()
  file(GLOB test_xml "${build}/Testing/*/Test.xml")
  if(test_xml)
    file(READ "${test_xml}" xml)
    string(REGEX MATCH "<Name>perf\\.outcomes\\.BM_Alpha</Name>.*</Test>" section "${xml}")
    if(code EQUAL 0)
      if(NOT section MATCHES "Status=\"passed\"|<Test Status=\"passed\">" AND NOT xml MATCHES "<Test Status=\"passed\">")
        string(APPEND problems " Test.xml does not say passed;")
      endif()
    elseif(NOT section MATCHES "name=\"Exit Value\">[ \n\t]*<Value>${code}</Value>")
      string(APPEND problems " Test.xml has no Exit Value ${code};")
    endif()
  else()
    string(APPEND problems " no Testing/*/Test.xml;")
  endif()
  foreach(file run.json report.txt report.md report.html report.junit.xml context.json)
    if(NOT EXISTS "${artifacts}/${file}")
      string(APPEND problems " no ${file};")
    endif()
  endforeach()
  if(EXISTS "${artifacts}/run.json")
    file(READ "${artifacts}/run.json" run)
    string(JSON run_status GET "${run}" status)
    string(JSON run_code GET "${run}" exit_code)
    if(NOT run_status STREQUAL status OR NOT run_code EQUAL code)
      string(APPEND problems " run.json says ${run_status} (${run_code});")
    endif()
  endif()
  if(problems)
    message("outcome ${scenario}: FAILED:${problems}\n${out}")
    set(failures "${failures} ${scenario}" PARENT_SCOPE)
  else()
    message("outcome ${scenario}: exit ${code} (${status}) as expected")
  endif()
endfunction()

# outcomes-waivers.json (WAIVERS) waives BM_Alpha real_time up to +25% until 2026-12-31: in force
# on the dates below, except the last (docs/waivers.md).
set(ENV{PERFGATE_TODAY} "2026-12-15")
check(same 0 passed "BM_Alpha holds the committed wall-time baseline")
check(slow 1 failed "BM_Alpha real_time median: fail")
check(noisy 4 inconclusive "could not be decided")
check(crash 3 run-failed "killed by signal 11")
check(hang 3 timeout "killed by the hard timeout")
check(garbage 3 run-failed "cannot read")
check(truncate 3 run-failed "cannot read")
check(nan 3 run-failed "BM_Alpha")
check(slower 0 passed "BM_Alpha holds the committed wall-time baseline")
set(ENV{PERFGATE_TODAY} "2027-01-01")
check(slower 1 failed "waiver 'BM_Alpha' real_time \\(owner outcomes-test, expires 2026-12-31, tracking PERF-OUTCOMES\\) expired on 2026-12-31")
set(ENV{PERFGATE_TODAY} "2026-12-15")  # the waiver in force again

# No quiet substitutes for a baseline (docs/baselines.md). expect_ctest(<name> <pass|fail>
# <regex> <ctest args>...)
function(expect_ctest name outcome regex)
  set(ENV{FAKE_BENCHMARK_SCENARIO} "${SOURCE}/scenarios/same.txt")
  execute_process(COMMAND "${CTEST}" --test-dir "${build}" --no-tests=error -V ${ARGN}
    OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
  if((outcome STREQUAL "pass" AND NOT result EQUAL 0) OR
     (outcome STREQUAL "fail" AND result EQUAL 0) OR NOT out MATCHES "${regex}")
    message("outcome ${name}: FAILED: expected ${outcome} and '${regex}'\n${out}")
    set(failures "${failures} ${name}" PARENT_SCOPE)
  else()
    message("outcome ${name}: ${outcome} as expected")
  endif()
endfunction()
# A gate against a provisional baseline bootstrapped from this very build says so, and is
# inconclusive unless bootstrap verdicts are accepted.
expect_ctest(provisional fail
  "PROVISIONAL baseline.*accept_bootstrap_verdicts.*perfgate exit 4: inconclusive"
  -R "^perfgate\\.provisional\\.(validate|bootstrap\\.perf)$|^perf\\.provisional\\.BM_Alpha$")
expect_ctest(provisional.accepted pass "PROVISIONAL baseline.*its verdict is accepted"
  -R "^perfgate\\.accepted\\.(validate|bootstrap\\.perf)$|^perf\\.accepted\\.BM_Alpha$")
# The committed baseline that existed at configure time disappears: a blocker naming the file,
# never a bootstrap. Configure again: the baseline was recorded after the first configure.
execute_process(COMMAND "${CMAKE_COMMAND}" "${build}" OUTPUT_QUIET ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring the consumer again failed:\n${out}")
endif()
set(committed "${build}/baselines/outcomes-runner/outcomes.json")
file(RENAME "${committed}" "${committed}.away")
expect_ctest(committed.vanished fail
  "outcomes-runner/outcomes\\.json' existed when the build was configured.*git checkout --"
  -R "^perfgate\\.outcomes\\.validate$|^perf\\.outcomes\\.BM_Alpha$")
file(RENAME "${committed}.away" "${committed}")
if(failures)
  message(FATAL_ERROR "outcomes not as expected:${failures}")
endif()
