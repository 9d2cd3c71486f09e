# The drill of `perfgate baseline update` under kill -9 and under a concurrent update
# (docs/baselines.md, "Updating a baseline"). Runnable by hand:
#
#   cmake -D PERFGATE=build/bin/perfgate -D RESULTS=baselines/<class>/example.json \
#         -D WORK=/tmp/update-drill [-D KILLS=120] [-D RACES=10] [-D SEED=1] \
#         -P tests/cli/update_drill.cmake
#
# KILLS updates of one baseline are each killed with SIGKILL (coreutils `timeout -s KILL`) after a
# random delay between 0 and 1.2 times the duration of an update that is not killed. After each:
#   - the baseline verifies (`perfgate baseline check`: parse and digest) and is the old one or the
#     new one (its reason), and a new one keeps the old one's provenance first in its history;
#   - the before/after report set is one set: every report file that names an update names the
#     same one (a mix of old and new files is a failure);
#   - temporaries a killed update left ("<name>.tmp-perfgate-<pid>-...", "<dir>.staging-<pid>")
#     are counted, and the next update must remove them.
# Then RACES rounds of two updates started at once: both must succeed with the second on top of
# the first (the first its history), or one must refuse naming the holder of the lock (exit 3);
# never both "updated" with one lost.
# Prints one line of numbers; fails when any check fails.
cmake_minimum_required(VERSION 3.25)

foreach(required PERFGATE RESULTS WORK)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "update_drill.cmake: -D ${required}=... is required")
  endif()
endforeach()
if(NOT DEFINED KILLS)
  set(KILLS 120)
endif()
if(NOT DEFINED RACES)
  set(RACES 10)
endif()
if(NOT DEFINED SEED)
  set(SEED 1)
endif()
find_program(TIMEOUT_PROGRAM timeout REQUIRED)
find_program(SH_PROGRAM sh REQUIRED)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(baseline "${WORK}/baselines/drill/suite.json")
set(reports "${WORK}/comparison")
set(problems "")

function(_update reason out_var)
  execute_process(
    COMMAND "${PERFGATE}" baseline update --results "${RESULTS}" --suite suite --out "${baseline}"
            --reason "${reason}" --recorded-by drill --report-dir "${reports}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${out_var} "${result}" PARENT_SCOPE)
  set(update_output "${out}${err}" PARENT_SCOPE)
endfunction()

function(_reason_of file out_var)
  file(READ "${file}" text)
  string(JSON reason ERROR_VARIABLE error GET "${text}" provenance reason)
  set(${out_var} "${reason}" PARENT_SCOPE)
endfunction()

# "update 17 of the kill drill" in every report file of the set that names one.
function(_report_set out_var)
  file(GLOB files "${reports}/*")
  set(numbers "")
  foreach(file IN LISTS files)
    file(READ "${file}" text)
    string(REGEX MATCHALL "update [0-9]+ of the kill drill" found "${text}")
    list(APPEND numbers ${found})
  endforeach()
  list(REMOVE_DUPLICATES numbers)
  set(${out_var} "${numbers}" PARENT_SCOPE)
endfunction()

function(_temporaries out_var)
  file(GLOB left "${baseline}.tmp-*" "${reports}.staging-*" "${reports}.retired-*")
  list(LENGTH left count)
  set(${out_var} ${count} PARENT_SCOPE)
endfunction()

# The first update; the second (with a previous baseline: a comparison is written) is timed, and
# the kills fall between 0 and 1.2 times its duration.
_update("update 0 of the kill drill" first)
if(NOT first EQUAL 0)
  message(FATAL_ERROR "the first update failed (${first}):\n${update_output}")
endif()
string(TIMESTAMP started "%s%f")
_update("update 0 of the kill drill, again" second)
string(TIMESTAMP ended "%s%f")
math(EXPR duration_us "${ended} - ${started}")
math(EXPR window_ms "${duration_us} * 12 / 10000")
if(window_ms LESS 5)
  set(window_ms 5)
endif()

set(old_count 0)
set(new_count 0)
set(mixed_count 0)
set(left_count 0)
set(left_after_next 0)
set(history_lost 0)
string(RANDOM LENGTH 1 ALPHABET 0 RANDOM_SEED ${SEED} ignored)
_reason_of("${baseline}" previous_reason)
foreach(i RANGE 1 ${KILLS})
  string(RANDOM LENGTH 6 ALPHABET 0123456789 draw)
  math(EXPR delay_ms "(1${draw} - 1000000) * ${window_ms} / 1000000")
  if(delay_ms LESS 10)
    set(delay "0.00${delay_ms}")
  elseif(delay_ms LESS 100)
    set(delay "0.0${delay_ms}")
  elseif(delay_ms LESS 1000)
    set(delay "0.${delay_ms}")
  else()
    math(EXPR seconds "${delay_ms} / 1000")
    math(EXPR rest "${delay_ms} % 1000 + 1000")
    string(SUBSTRING "${rest}" 1 3 rest)
    set(delay "${seconds}.${rest}")
  endif()
  _temporaries(before_kill)
  set(reason "update ${i} of the kill drill")
  execute_process(
    COMMAND "${TIMEOUT_PROGRAM}" -s KILL ${delay}
            "${PERFGATE}" baseline update --results "${RESULTS}" --suite suite --out "${baseline}"
            --reason "${reason}" --recorded-by drill --report-dir "${reports}"
    RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
  if(before_kill GREATER 0)
    # The update before this one was killed and left temporaries: this one must have removed
    # them unless it was killed itself before it could.
    _temporaries(after)
    if(result EQUAL 0 AND after GREATER 0)
      math(EXPR left_after_next "${left_after_next} + 1")
    endif()
  endif()
  execute_process(COMMAND "${PERFGATE}" baseline check "${baseline}"
                  RESULT_VARIABLE check OUTPUT_VARIABLE check_out ERROR_VARIABLE check_err)
  if(NOT check EQUAL 0)
    string(APPEND problems "kill ${i} (after ${delay} s): the baseline does not verify:\n${check_out}${check_err}\n")
    break()
  endif()
  _reason_of("${baseline}" now)
  if(now STREQUAL reason)
    math(EXPR new_count "${new_count} + 1")
    file(READ "${baseline}" text)
    string(JSON kept ERROR_VARIABLE ignored GET "${text}" history 0 reason)
    if(NOT kept STREQUAL previous_reason)
      math(EXPR history_lost "${history_lost} + 1")
    endif()
    set(previous_reason "${reason}")
  elseif(now STREQUAL previous_reason)
    math(EXPR old_count "${old_count} + 1")
  else()
    string(APPEND problems "kill ${i}: the baseline is neither the old nor the new one: '${now}'\n")
  endif()
  _report_set(set)
  list(LENGTH set names)
  if(names GREATER 1)
    math(EXPR mixed_count "${mixed_count} + 1")
    string(APPEND problems "kill ${i} (after ${delay} s): the report set mixes ${set}\n")
  endif()
  _temporaries(left)
  if(left GREATER 0)
    math(EXPR left_count "${left_count} + 1")
  endif()
endforeach()

# One more update, not killed: nothing a dead writer left may remain.
_update("the update after the kill drill" final)
_temporaries(left_at_end)
if(NOT final EQUAL 0 OR left_at_end GREATER 0)
  string(APPEND problems "the update after the drill: exit ${final}, ${left_at_end} temporaries left\n${update_output}\n")
endif()
if(history_lost GREATER 0)
  string(APPEND problems "${history_lost} new baselines lost the previous provenance\n")
endif()
if(left_after_next GREATER 0)
  string(APPEND problems "${left_after_next} completed updates left a dead writer's temporaries\n")
endif()

# Two updates at once, RACES times.
set(both 0)
set(refused 0)
set(lost 0)
foreach(round RANGE 1 ${RACES})
  set(a "concurrent update A of round ${round}")
  set(b "concurrent update B of round ${round}")
  set(command_a "'${PERFGATE}' baseline update --results '${RESULTS}' --suite suite --out '${baseline}' --reason '${a}' --report-dir '${reports}' --lock-timeout 60 > '${WORK}/a.log' 2>&1; echo $? > '${WORK}/a.exit'")
  set(command_b "'${PERFGATE}' baseline update --results '${RESULTS}' --suite suite --out '${baseline}' --reason '${b}' --report-dir '${reports}' --lock-timeout 60 > '${WORK}/b.log' 2>&1; echo $? > '${WORK}/b.exit'")
  execute_process(COMMAND "${SH_PROGRAM}" -c "(${command_a}) & (${command_b}) & wait")
  file(STRINGS "${WORK}/a.exit" exit_a)
  file(STRINGS "${WORK}/b.exit" exit_b)
  file(READ "${baseline}" text)
  string(JSON now GET "${text}" provenance reason)
  string(JSON under ERROR_VARIABLE ignored GET "${text}" history 0 reason)
  if(exit_a EQUAL 0 AND exit_b EQUAL 0)
    if((now STREQUAL a AND under STREQUAL b) OR (now STREQUAL b AND under STREQUAL a))
      math(EXPR both "${both} + 1")
    else()
      math(EXPR lost "${lost} + 1")
      string(APPEND problems "race ${round}: both said updated, but the baseline is '${now}' over '${under}'\n")
    endif()
  elseif((exit_a EQUAL 3 AND exit_b EQUAL 0 AND now STREQUAL b) OR
         (exit_b EQUAL 3 AND exit_a EQUAL 0 AND now STREQUAL a))
    math(EXPR refused "${refused} + 1")
  else()
    file(READ "${WORK}/a.log" log_a)
    file(READ "${WORK}/b.log" log_b)
    string(APPEND problems "race ${round}: exits ${exit_a} and ${exit_b}, baseline '${now}'\n${log_a}\n${log_b}\n")
  endif()
endforeach()

message(STATUS "update drill: ${KILLS} updates killed at random (0 to ${window_ms} ms): baseline "
               "old ${old_count}, new ${new_count}, neither 0; report sets mixed ${mixed_count}; "
               "kills that left temporaries ${left_count}, left after the next update "
               "${left_after_next}; ${RACES} races: both recorded in order ${both}, one refused "
               "${refused}, one lost ${lost}")
if(problems)
  message(FATAL_ERROR "update drill failed:\n${problems}")
endif()
