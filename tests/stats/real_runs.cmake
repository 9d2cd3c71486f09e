# Real A/A and injected-slowdown runs of the example suite on this machine, in the stored-baseline
# and paired lanes (issue 5, part b). Wall-time measurements: run by hand, never a CI pass/fail.
#
#   cmake -DPERFGATE=build/bin/perfgate -DEXAMPLE=build/bin/bm_example -DGATES=gates
#         [-DTRIALS=20] [-DRUNS=5] [-DREPS=2] [-DSLOWDOWN=BM_Fnv1a:10] [-DSEED=1] [-DWORK=dir]
#         -P tests/stats/real_runs.cmake
#
# Each trial of the paired lane runs the reference and the candidate executable RUNS times each,
# interleaved in a random order, every run with REPS repetitions, then decides with
# `perfgate gate --reference ... --results ...`. In an A/A trial reference and candidate are the
# same program; in a slowdown trial the candidate runs with PERFGATE_EXAMPLE_SLOWDOWN. The
# stored-baseline lane records one baseline from RUNS runs, then gates RUNS candidate runs per
# trial under the example suite's own policy.
cmake_minimum_required(VERSION 3.25)

foreach(var PERFGATE EXAMPLE GATES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "real_runs.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED TRIALS)
  set(TRIALS 20)
endif()
if(NOT DEFINED RUNS)
  set(RUNS 5)
endif()
if(NOT DEFINED REPS)
  set(REPS 2)
endif()
if(NOT DEFINED SLOWDOWN)
  set(SLOWDOWN "BM_Fnv1a:10")
endif()
if(NOT DEFINED SEED)
  set(SEED 1)
endif()
if(NOT DEFINED WORK)
  set(WORK "${CMAKE_CURRENT_BINARY_DIR}/perfgate-real-runs")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
string(RANDOM LENGTH 1 RANDOM_SEED ${SEED} _ignored)

# run_example(<out.json> <slowdown or "">)
function(run_example out slowdown)
  set(env_args --unset=PERFGATE_EXAMPLE_SLOWDOWN)
  if(slowdown)
    set(env_args "PERFGATE_EXAMPLE_SLOWDOWN=${slowdown}")
  endif()
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env ${env_args} "${EXAMPLE}" --benchmark_min_time=0.02
            --benchmark_repetitions=${REPS} "--benchmark_out=${out}" --benchmark_out_format=json
    OUTPUT_QUIET RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "real_runs.cmake: ${EXAMPLE} failed (${result})")
  endif()
endfunction()

# gate(<result var> <report dir> <args>...): the exit code of perfgate gate.
function(gate result_var dir)
  execute_process(COMMAND "${PERFGATE}" gate ${ARGN} --report-dir "${dir}" --format text
                  OUTPUT_FILE "${dir}.txt" ERROR_FILE "${dir}.err" RESULT_VARIABLE result)
  set(${result_var} "${result}" PARENT_SCOPE)
endfunction()

# One paired trial: RUNS runs of each side in a random interleaved order.
function(paired_trial name slowdown result_var)
  set(reference "")
  set(candidate "")
  foreach(run RANGE 1 ${RUNS})
    string(RANDOM LENGTH 1 ALPHABET "01" first)
    set(ref_json "${WORK}/${name}-ref-${run}.json")
    set(cand_json "${WORK}/${name}-cand-${run}.json")
    if(first STREQUAL "0")
      run_example("${ref_json}" "")
      run_example("${cand_json}" "${slowdown}")
    else()
      run_example("${cand_json}" "${slowdown}")
      run_example("${ref_json}" "")
    endif()
    list(APPEND reference --reference "${ref_json}")
    list(APPEND candidate --results "${cand_json}")
  endforeach()
  gate(code "${WORK}/${name}" ${reference} ${candidate} --policy "${GATES}/example-paired.json")
  set(${result_var} "${code}" PARENT_SCOPE)
endfunction()

# One stored-baseline trial: RUNS candidate runs gated against the recorded baseline under the
# example suite's own wall-time policy (gates/example.json).
function(stored_trial name slowdown result_var)
  set(candidate "")
  foreach(run RANGE 1 ${RUNS})
    run_example("${WORK}/${name}-${run}.json" "${slowdown}")
    list(APPEND candidate --results "${WORK}/${name}-${run}.json")
  endforeach()
  gate(code "${WORK}/${name}" --baseline "${WORK}/baseline.json" ${candidate}
       --policy "${GATES}/example.json")
  set(${result_var} "${code}" PARENT_SCOPE)
endfunction()

# tally(<lane> <code>): counts exit codes per lane.
macro(tally lane code)
  if("${code}" STREQUAL "0")
    math(EXPR ${lane}_pass "${${lane}_pass} + 1")
  elseif("${code}" STREQUAL "1")
    math(EXPR ${lane}_fail "${${lane}_fail} + 1")
  else()
    math(EXPR ${lane}_other "${${lane}_other} + 1")
  endif()
endmacro()

foreach(lane paired_aa paired_slow stored_aa stored_slow)
  set(${lane}_pass 0)
  set(${lane}_fail 0)
  set(${lane}_other 0)
endforeach()

# Stored-baseline lane: one baseline from RUNS separate runs.
set(baseline_runs "")
foreach(run RANGE 1 ${RUNS})
  run_example("${WORK}/baseline-${run}.json" "")
  list(APPEND baseline_runs --results "${WORK}/baseline-${run}.json")
endforeach()
execute_process(COMMAND "${PERFGATE}" baseline update ${baseline_runs} --suite example
                        --out "${WORK}/baseline.json" --reason "real A/A runs of the example suite"
                OUTPUT_QUIET RESULT_VARIABLE recorded)
if(NOT recorded EQUAL 0)
  message(FATAL_ERROR "real_runs.cmake: recording the baseline failed (${recorded})")
endif()

foreach(trial RANGE 1 ${TRIALS})
  paired_trial("paired-aa-${trial}" "" code)
  tally(paired_aa "${code}")
  stored_trial("stored-aa-${trial}" "" code)
  tally(stored_aa "${code}")
  message(STATUS "A/A trial ${trial}: paired ${paired_aa_fail} fail so far, stored ${stored_aa_fail} fail so far")
endforeach()

math(EXPR slow_trials "(${TRIALS} + 3) / 4")
foreach(trial RANGE 1 ${slow_trials})
  paired_trial("paired-slow-${trial}" "${SLOWDOWN}" code)
  tally(paired_slow "${code}")
  stored_trial("stored-slow-${trial}" "${SLOWDOWN}" code)
  tally(stored_slow "${code}")
endforeach()

message("
| lane | trials | pass (exit 0) | fail (exit 1) | other exit |
| --- | ---: | ---: | ---: | ---: |
| paired, A/A | ${TRIALS} | ${paired_aa_pass} | ${paired_aa_fail} | ${paired_aa_other} |
| stored baseline, A/A | ${TRIALS} | ${stored_aa_pass} | ${stored_aa_fail} | ${stored_aa_other} |
| paired, ${SLOWDOWN}% slower | ${slow_trials} | ${paired_slow_pass} | ${paired_slow_fail} | ${paired_slow_other} |
| stored baseline, ${SLOWDOWN}% slower | ${slow_trials} | ${stored_slow_pass} | ${stored_slow_fail} | ${stored_slow_other} |

paired lane: gates/example-paired.json (+5%); stored lane: gates/example.json (+50%); ${RUNS} runs x ${REPS} repetitions per side, seed ${SEED};
reports in ${WORK}")
