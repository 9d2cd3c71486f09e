# 30 real gate runs of the example suite's instructions lane fill a history store, with an injected
# step and an injected creep; then `perfgate trend` must find the step at its run (+-1) and report
# the creep as one creep. The instructions lane counts instructions under callgrind, so the
# injected effects are exact and nothing hangs on this machine's noise. Run by hand (about 10
# minutes: every run measures the whole suite under valgrind once):
#
#   cmake -DBUILD_DIR=build [-DRUNS=30] [-DSTEP_AT=15] [-DWORK=dir] -P tests/stats/history_example.cmake
#
# Run k (0-based) sets PERFGATE_EXAMPLE_SLOWDOWN="BM_CountWords:<0.5 k>" (a creep of 0.5 % more
# words per run) and, from run STEP_AT on, "BM_Fnv1a:5" (a step of +5 % bytes hashed). The store is
# a fresh file in WORK (PERFGATE_HISTORY), so the build tree's own store is left alone.
cmake_minimum_required(VERSION 3.25)
if(NOT DEFINED BUILD_DIR)
  message(FATAL_ERROR "history_example.cmake: -DBUILD_DIR=<a built perfgate build tree> is required")
endif()
get_filename_component(BUILD_DIR "${BUILD_DIR}" ABSOLUTE)
if(NOT DEFINED RUNS)
  set(RUNS 30)
endif()
if(NOT DEFINED STEP_AT)
  set(STEP_AT 15)
endif()
if(NOT DEFINED WORK)
  set(WORK "${BUILD_DIR}/perfgate-history-example")
endif()
if(NOT DEFINED CTEST)
  get_filename_component(cmake_dir "${CMAKE_COMMAND}" DIRECTORY)
  set(CTEST "${cmake_dir}/ctest")
endif()
set(PERFGATE "${BUILD_DIR}/bin/perfgate")
set(store "${WORK}/history.sqlite")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

math(EXPR last "${RUNS} - 1")
foreach(run RANGE ${last})
  math(EXPR whole "${run} / 2")
  math(EXPR half "${run} % 2 * 5")
  set(slowdown "BM_CountWords:${whole}.${half}")
  if(NOT run LESS STEP_AT)
    string(APPEND slowdown ",BM_Fnv1a:5")
  endif()
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env "PERFGATE_HISTORY=${store}" "PERFGATE_EXAMPLE_SLOWDOWN=${slowdown}"
            "${CTEST}" --test-dir "${BUILD_DIR}" -R "^instr\\.example\\."
    OUTPUT_FILE "${WORK}/run-${run}.txt" ERROR_FILE "${WORK}/run-${run}.txt" RESULT_VARIABLE result)
  message(STATUS "run ${run}: PERFGATE_EXAMPLE_SLOWDOWN=${slowdown}: ctest exit ${result}")
endforeach()

execute_process(COMMAND "${PERFGATE}" history list --store "${store}" --metric instructions
                OUTPUT_VARIABLE out RESULT_VARIABLE result)
message("${out}")
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --metric instructions --format json
                        --html "${WORK}/trend.html"
                OUTPUT_VARIABLE json ERROR_VARIABLE err RESULT_VARIABLE result)
file(WRITE "${WORK}/trend.json" "${json}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "perfgate trend: exit ${result}\n${err}")
endif()
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --metric instructions
                OUTPUT_VARIABLE text)
message("${text}")

# What was found, per benchmark.
set(problems "")
set(fnv_steps "")
set(count_creeps 0)
set(count_steps "")
set(others "")
string(JSON n_series LENGTH "${json}" series)
math(EXPR last_series "${n_series} - 1")
foreach(s RANGE ${last_series})
  string(JSON benchmark GET "${json}" series ${s} benchmark)
  string(JSON n_findings LENGTH "${json}" series ${s} findings)
  if(n_findings EQUAL 0)
    continue()
  endif()
  math(EXPR last_finding "${n_findings} - 1")
  foreach(f RANGE ${last_finding})
    string(JSON kind GET "${json}" series ${s} findings ${f} kind)
    string(JSON index GET "${json}" series ${s} findings ${f} index)
    if(benchmark MATCHES "^BM_Fnv1a" AND kind STREQUAL "step")
      list(APPEND fnv_steps ${index})
    elseif(benchmark MATCHES "^BM_CountWords" AND kind STREQUAL "creep")
      math(EXPR count_creeps "${count_creeps} + 1")
    elseif(benchmark MATCHES "^BM_CountWords")
      list(APPEND count_steps ${index})
    else()
      list(APPEND others "${benchmark}:${kind}@${index}")
    endif()
  endforeach()
endforeach()
list(LENGTH fnv_steps n_fnv)
if(NOT n_fnv EQUAL 1)
  string(APPEND problems "BM_Fnv1a: expected one step, found '${fnv_steps}'. ")
else()
  math(EXPR off_by "${fnv_steps} - ${STEP_AT}")
  if(off_by GREATER 1 OR off_by LESS -1)
    string(APPEND problems "BM_Fnv1a: step at run ${fnv_steps}, injected at ${STEP_AT}. ")
  endif()
endif()
if(NOT count_creeps EQUAL 1 OR count_steps)
  string(APPEND problems "BM_CountWords: ${count_creeps} creep(s), steps at '${count_steps}'. ")
endif()
if(others)
  string(APPEND problems "unexpected findings: ${others}. ")
endif()
message("history_example: ${RUNS} runs; BM_Fnv1a step(s) at '${fnv_steps}' (injected ${STEP_AT}); "
        "BM_CountWords: ${count_creeps} creep(s), steps at '${count_steps}'; other findings: '${others}'")
if(problems)
  message(FATAL_ERROR "history_example: ${problems}(see ${WORK})")
endif()
