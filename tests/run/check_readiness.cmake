# The readiness packet over a real run, through real CTest with the fake benchmark: configure the
# consumer (project/), record its baseline, run the gate tests of suite `outcomes`, then
# `perfgate readiness build/perfgate-artifacts --require-live` must say ready with live evidence;
# after one recorded results file is altered it must not (a blocker naming the file).
#
# -D PERFGATE=<perfgate> -D FAKE=<perfgate_fake_benchmark> -D MODULE_DIR=<cmake/> -D WORK=<folder>
# -D SOURCE=<tests/run> -D CTEST=<ctest> -D GENERATOR=<generator>
cmake_minimum_required(VERSION 3.25)
set(build "${WORK}/build")
set(artifacts "${build}/perfgate-artifacts")
file(REMOVE_RECURSE "${WORK}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}/project" -B "${build}" -G "${GENERATOR}"
          -DCMAKE_BUILD_TYPE=Release "-DPERFGATE=${PERFGATE}" "-DFAKE=${FAKE}"
          "-DPERFGATE_MODULE_DIR=${MODULE_DIR}"
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}")
endif()
set(ENV{FAKE_BENCHMARK_SCENARIO} "${SOURCE}/scenarios/base.txt")
set(ENV{PERFGATE_REASON} "the readiness test's baseline")
set(ENV{PERFGATE_ACCEPT_CONTENDED} 1)
set(ENV{PERFGATE_HISTORY} off)
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" --target perfgate_record_baseline_outcomes
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "recording the baseline failed:\n${out}")
endif()

set(ENV{FAKE_BENCHMARK_SCENARIO} "${SOURCE}/scenarios/same.txt")
execute_process(COMMAND "${CTEST}" --test-dir "${build}" --no-tests=error -R "^perf\\.outcomes\\."
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the gate tests did not pass:\n${out}")
endif()

# readiness(<exit> <json> <output variable>)
function(readiness code json out_var)
  execute_process(COMMAND "${PERFGATE}" readiness "${artifacts}" --require-live
                          --require-suite outcomes --json "${json}"
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE result)
  if(NOT result EQUAL code)
    message(FATAL_ERROR "perfgate readiness: expected exit ${code}, got ${result}\n${out}${err}")
  endif()
  if(NOT EXISTS "${json}")
    message(FATAL_ERROR "perfgate readiness wrote no ${json}\n${out}${err}")
  endif()
  file(READ "${json}" packet)
  set(${out_var} "${packet}" PARENT_SCOPE)
  set(${out_var}_TEXT "${out}${err}" PARENT_SCOPE)
endfunction()

readiness(0 "${WORK}/live.json" packet)
string(JSON schema GET "${packet}" schema)
string(JSON ready GET "${packet}" ready)
string(JSON blockers GET "${packet}" blocker_count)
string(JSON evidence GET "${packet}" evidence)
string(JSON gates LENGTH "${packet}" tests)
string(JSON materials LENGTH "${packet}" materials)
if(NOT schema STREQUAL "perfgate.readiness/1" OR NOT ready OR NOT blockers EQUAL 0
   OR NOT evidence STREQUAL "live" OR gates LESS 2 OR materials LESS 3)
  message(FATAL_ERROR "a clean live run: expected ready, 0 blockers, live evidence; got ${schema} "
                      "ready=${ready} blocker_count=${blockers} evidence=${evidence} "
                      "tests=${gates} materials=${materials}\n${packet_TEXT}")
endif()
message("clean live run: ready, 0 blockers, live evidence, ${gates} tests, ${materials} files")

# Alter one recorded results file: stale or altered evidence, a blocker naming it.
set(results "${artifacts}/outcomes/perf.outcomes.BM_Alpha/results.json")
if(NOT EXISTS "${results}")
  message(FATAL_ERROR "no ${results}")
endif()
file(APPEND "${results}" " ")
readiness(1 "${WORK}/altered.json" packet)
string(JSON ready GET "${packet}" ready)
string(JSON kind GET "${packet}" blockers 0 kind)
string(JSON test GET "${packet}" blockers 0 test)
string(JSON evidence GET "${packet}" evidence)
if(ready OR NOT kind STREQUAL "evidence-mismatch" OR NOT test STREQUAL "perf.outcomes.BM_Alpha"
   OR evidence STREQUAL "live")
  message(FATAL_ERROR "an altered results file: expected not ready, an evidence-mismatch blocker of "
                      "perf.outcomes.BM_Alpha; got ready=${ready} ${kind} ${test} ${evidence}\n"
                      "${packet_TEXT}")
endif()
message("altered results file: not ready, blocker ${kind} of ${test}")
