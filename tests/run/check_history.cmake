# 30 gate runs fill the history store, through real CTest with the fake benchmark (deterministic):
# BM_Alpha steps up 10% at run 12 (0-based), BM_Beta/8 creeps 0.5% per run from run 0. Then the
# store holds every run, the reports show the recent band, and `perfgate trend` finds the step at
# run 12 (+-1) as a step and the creep as one creep, not as a string of steps.
#
# -D PERFGATE=<perfgate> -D FAKE=<perfgate_fake_benchmark> -D MODULE_DIR=<cmake/> -D WORK=<folder>
# -D SOURCE=<tests/run> -D CTEST=<ctest> -D GENERATOR=<generator> [-D RUNS=30]
cmake_minimum_required(VERSION 3.25)
if(NOT DEFINED RUNS)
  set(RUNS 30)
endif()
set(step_at 12)
set(build "${WORK}/build")
set(store "${build}/perfgate-history.sqlite")
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
set(ENV{PERFGATE_REASON} "the history test's baseline")
set(ENV{PERFGATE_ACCEPT_CONTENDED} 1)
unset(ENV{PERFGATE_HISTORY})
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" --target perfgate_record_baseline_outcomes
  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "recording the baseline failed:\n${out}")
endif()
if(EXISTS "${store}")
  message(FATAL_ERROR "recording a baseline must not write history: ${store} exists")
endif()

# One scenario per run: 1% deterministic noise (a hash of name, repetition and invocation).
math(EXPR last "${RUNS} - 1")
foreach(run RANGE ${last})
  if(run LESS step_at)
    set(alpha_real 1000)
  else()
    set(alpha_real 1100)
  endif()
  # 2000 * 1.005^run, to the nanosecond
  set(beta_real 2000)
  foreach(i RANGE ${run})
    if(i GREATER 0)
      math(EXPR beta_real "(${beta_real} * 1005 + 500) / 1000")
    endif()
  endforeach()
  set(scenario "${WORK}/run-${run}.txt")
  file(WRITE "${scenario}" "BM_Alpha     ${alpha_real}  ${alpha_real}  1%\nBM_Beta/8    ${beta_real}  ${beta_real}  1%\n")
  set(ENV{FAKE_BENCHMARK_SCENARIO} "${scenario}")
  execute_process(COMMAND "${CTEST}" --test-dir "${build}" --no-tests=error -R "^perf\\.outcomes\\."
    OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
  if(run LESS step_at AND NOT result EQUAL 0)
    message(FATAL_ERROR "run ${run}: the gate failed before the step:\n${out}")
  endif()
endforeach()

# Every run is in the store: 2 tests x RUNS runs.
execute_process(COMMAND "${PERFGATE}" history list --store "${store}"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE result)
math(EXPR runs_expected "2 * ${RUNS}")
if(NOT result EQUAL 0 OR NOT out MATCHES " ${runs_expected} gate test runs")
  message(FATAL_ERROR "history list: exit ${result}, expected ${runs_expected} gate test runs:\n${out}${err}")
endif()
message("${out}")
# The last run's reports show the recent band.
file(READ "${build}/perfgate-artifacts/outcomes/perf.outcomes.BM_Beta/report.md" md)
if(NOT md MATCHES "recent runs" OR NOT md MATCHES "\\(20 runs\\), \\+0\\.[0-9]%/run")
  message(FATAL_ERROR "the last report of BM_Beta shows no recent band with its creep:\n${md}")
endif()

# perfgate trend over the store: the step and the creep.
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --metric real_time --format json
                        --html "${WORK}/trend.html"
  OUTPUT_VARIABLE json ERROR_VARIABLE err RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "perfgate trend: exit ${result}\n${json}${err}")
endif()
file(WRITE "${WORK}/trend.json" "${json}")
set(alpha_found "")
set(beta_steps "")
set(beta_creeps 0)
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
    if(benchmark STREQUAL "BM_Alpha" AND kind STREQUAL "step")
      list(APPEND alpha_found ${index})
    elseif(benchmark STREQUAL "BM_Beta/8" AND kind STREQUAL "creep")
      math(EXPR beta_creeps "${beta_creeps} + 1")
    elseif(benchmark STREQUAL "BM_Beta/8")
      list(APPEND beta_steps ${index})
    endif()
  endforeach()
endforeach()
list(LENGTH alpha_found n_alpha)
if(NOT n_alpha EQUAL 1)
  message(FATAL_ERROR "BM_Alpha: expected one step, found at runs '${alpha_found}'\n${json}")
endif()
math(EXPR off_by "${alpha_found} - ${step_at}")
if(off_by GREATER 1 OR off_by LESS -1)
  message(FATAL_ERROR "BM_Alpha: the step is at run ${alpha_found}, injected at ${step_at}\n${json}")
endif()
if(NOT beta_creeps EQUAL 1 OR beta_steps)
  message(FATAL_ERROR "BM_Beta/8: expected one creep and no step, found ${beta_creeps} creep(s) "
                      "and steps at '${beta_steps}'\n${json}")
endif()
message("history: ${RUNS} runs stored; BM_Alpha step found at run ${alpha_found} (injected ${step_at}); "
        "BM_Beta/8 reported as one creep")

# The nightly check: the creep beyond the +10% limit is a persistent regression (exit 1, named);
# the step within the limit is not; a regression younger than --persist runs does not fail yet.
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --metric real_time --fail-on-change
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE result)
if(NOT result EQUAL 1 OR NOT "${out}${err}" MATCHES "BM_Beta/8")
  message(FATAL_ERROR "trend --fail-on-change: exit ${result}, expected 1 naming BM_Beta/8\n${out}${err}")
endif()
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --benchmark BM_Alpha --fail-on-change
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "trend --fail-on-change on BM_Alpha (+10% within +10%): exit ${result}\n${out}${err}")
endif()
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --fail-on-change --persist 60
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "trend --fail-on-change --persist 60: exit ${result}\n${out}${err}")
endif()
execute_process(COMMAND "${PERFGATE}" trend --store "${store}" --suite no-such-suite --fail-on-change
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE result)
if(NOT result EQUAL 4)
  message(FATAL_ERROR "trend --fail-on-change over nothing: exit ${result}, expected 4\n${out}${err}")
endif()
file(READ "${WORK}/trend.html" html)
if(NOT html MATCHES "BM_Beta/(<wbr>)?8" OR html MATCHES "<script src|https?://")
  message(FATAL_ERROR "trend.html: no BM_Beta/8, or a network reference")
endif()
message("trend --fail-on-change: exit 1 on the creep, 0 on the step within its limit and on young regressions, 4 on nothing")

# Fail closed: a gate that passes but whose run cannot be stored is not a pass (exit 3, naming the
# store), whether the store's folder is missing or the file is not a store; the file is untouched.
set(ENV{FAKE_BENCHMARK_SCENARIO} "${SOURCE}/scenarios/base.txt")
file(WRITE "${WORK}/not-a-store.sqlite" "plain text, not a database, kept as it is\n")
foreach(bad "${WORK}/no-such-folder/history.sqlite" "${WORK}/not-a-store.sqlite")
  set(ENV{PERFGATE_HISTORY} "${bad}")
  execute_process(COMMAND "${CTEST}" --test-dir "${build}" --no-tests=error
                          -R "^perf\\.outcomes\\.BM_Alpha$" --output-on-failure
    OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE result)
  if(result EQUAL 0 OR NOT out MATCHES "could not be added to the history store" OR
     NOT out MATCHES "perfgate exit 3")
    message(FATAL_ERROR "PERFGATE_HISTORY=${bad}: ctest exit ${result}; expected a failed test "
                        "(exit 3) naming the store:\n${out}")
  endif()
endforeach()
unset(ENV{PERFGATE_HISTORY})
file(READ "${WORK}/not-a-store.sqlite" kept)
if(NOT kept STREQUAL "plain text, not a database, kept as it is\n")
  message(FATAL_ERROR "the file that is not a store was changed")
endif()
message("history: a passing gate whose run cannot be stored exits 3 and names the store")
