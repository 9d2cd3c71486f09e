# The instructions lane's wall time, old against new, in one run on one machine (docs/lanes.md,
# "One measurement per suite"). For each suite:
#
#   old: what each instr.<suite>.<family> test did by itself: measure its family in a valgrind
#        process per run (--isolation process), then gate the family;
#   new: one measurement of the whole suite (--isolation fork: --jobs valgrind processes fork a
#        child per run), then each family gated from that one file.
#
# and it checks that the new measurement's counts are bit-identical to the old ones, benchmark by
# benchmark, run by run. The old side leaves out the cmake -P driver each test also paid, so it
# understates today's cost. Prints one table; fails only when a count differs or a step fails.
#
#   cmake -D PERFGATE=<perfgate> -D SUITES="example=<bm_example>;tiny=<bm_tiny_families>"
#         -D POLICY=<gates/instructions.json> -D WORK=<scratch folder>
#         [-D BASELINE_example=<committed baseline>] [-D REPEAT=2] [-D JOBS=2]
#         -P tests/timing/instructions_lane_timing.cmake
#
# A suite without BASELINE_<name> is gated against its old measurement (the gate then only
# costs what it costs; the counts are compared separately).
cmake_minimum_required(VERSION 3.25)

foreach(var PERFGATE SUITES POLICY WORK)
  if("${${var}}" STREQUAL "")
    message(FATAL_ERROR "instructions_lane_timing.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT REPEAT)
  set(REPEAT 2)
endif()
if(NOT JOBS)
  set(JOBS 2)
endif()

# Microseconds since the epoch.
function(_now out)
  string(TIMESTAMP seconds "%s" UTC)
  string(TIMESTAMP micro "%f" UTC)
  math(EXPR value "${seconds} * 1000000 + ${micro}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# Microseconds as seconds with two decimals.
function(_seconds micro out)
  math(EXPR hundredths "(${micro} + 5000) / 10000")
  math(EXPR whole "${hundredths} / 100")
  math(EXPR fraction "${hundredths} % 100")
  if(fraction LESS 10)
    set(fraction "0${fraction}")
  endif()
  set(${out} "${whole}.${fraction}" PARENT_SCOPE)
endfunction()

# Runs a command, adds its wall time to the variable named by `total`; fails on exit codes other
# than 0 (a gate's 1 is a result here only if ALLOW_FAIL is set).
function(_timed total)
  _now(start)
  execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE output ERROR_VARIABLE output
                  RESULT_VARIABLE result)
  _now(end)
  if(NOT result EQUAL 0)
    list(JOIN ARGN " " shown)
    message(FATAL_ERROR "timing: '${shown}' failed (${result}):\n${output}")
  endif()
  math(EXPR sum "${${total}} + ${end} - ${start}")
  set(${total} "${sum}" PARENT_SCOPE)
endfunction()

# "name -> samples" of a results file, as a list of "name=s1,s2,..." entries.
function(_samples file out)
  file(READ "${file}" json)
  string(JSON count LENGTH "${json}" benchmarks)
  set(entries "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${json}" benchmarks ${i} name)
      string(JSON samples ERROR_VARIABLE missing GET "${json}" benchmarks ${i} metrics 0 samples)
      string(REGEX REPLACE "[][ \n]" "" samples "${samples}")
      list(APPEND entries "${name}=${samples}")
    endforeach()
  endif()
  set(${out} "${entries}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(table "| suite | families | old: total s | old: s per family | new: total s | new: s per family | new / old |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
set(problems "")
foreach(entry IN LISTS SUITES)
  string(REGEX MATCH "^([^=]+)=(.+)$" matched "${entry}")
  set(suite "${CMAKE_MATCH_1}")
  set(executable "${CMAKE_MATCH_2}")
  set(work "${WORK}/${suite}")
  file(MAKE_DIRECTORY "${work}/old" "${work}/new")
  execute_process(COMMAND "${executable}" --benchmark_list_tests=true
                  OUTPUT_VARIABLE listing RESULT_VARIABLE listed)
  string(REGEX REPLACE "\n$" "" listing "${listing}")
  string(REPLACE "\n" ";" names "${listing}")
  set(families "")
  foreach(name IN LISTS names)
    string(REGEX REPLACE "/.*" "" family "${name}")
    list(APPEND families "${family}")
  endforeach()
  list(REMOVE_DUPLICATES families)
  list(LENGTH families family_count)
  message("timing: ${suite}: ${family_count} families of ${executable}")
  set(measure "${PERFGATE}" measure instructions --executable "${executable}" --suite "${suite}"
              --repeat ${REPEAT} --jobs ${JOBS} --timeout 600)
  set(gate "${PERFGATE}" gate --policy "${POLICY}" --format json)

  set(old 0)
  foreach(family IN LISTS families)
    set(filter "^${family}(/.*)?$")
    _timed(old ${measure} --isolation process --filter "${filter}"
           --out "${work}/old/${family}.json" --stage-dir "${work}/old/stage")
    set(baseline "${BASELINE_${suite}}")
    if(baseline STREQUAL "")
      set(baseline "${work}/old/${family}.json")
    endif()
    _timed(old ${gate} --baseline "${baseline}" --results "${work}/old/${family}.json"
           --benchmarks "${filter}")
  endforeach()

  set(new 0)
  _timed(new ${measure} --isolation fork --out "${work}/new/suite.json"
         --stage-dir "${work}/new/stage")
  foreach(family IN LISTS families)
    set(filter "^${family}(/.*)?$")
    set(baseline "${BASELINE_${suite}}")
    if(baseline STREQUAL "")
      set(baseline "${work}/old/${family}.json")
    endif()
    _timed(new ${gate} --baseline "${baseline}" --results "${work}/new/suite.json"
           --benchmarks "${filter}")
  endforeach()

  # Bit-identical counts: every benchmark's samples, old against new.
  _samples("${work}/new/suite.json" new_samples)
  set(old_samples "")
  foreach(family IN LISTS families)
    _samples("${work}/old/${family}.json" family_samples)
    list(APPEND old_samples ${family_samples})
  endforeach()
  list(SORT new_samples)
  list(SORT old_samples)
  if(NOT new_samples STREQUAL old_samples)
    string(APPEND problems "\n  ${suite}: counts differ\n    old: ${old_samples}\n    new: ${new_samples}")
  else()
    list(LENGTH new_samples compared)
    message("timing: ${suite}: the counts of all ${compared} benchmarks are identical, old and new")
  endif()

  math(EXPR old_per "${old} / ${family_count}")
  math(EXPR new_per "${new} / ${family_count}")
  math(EXPR ratio "(${new} * 100 + ${old} / 2) / ${old}")
  _seconds(${old} old_s)
  _seconds(${old_per} old_per_s)
  _seconds(${new} new_s)
  _seconds(${new_per} new_per_s)
  string(APPEND table "| ${suite} | ${family_count} | ${old_s} | ${old_per_s} | ${new_s} | ${new_per_s} | ${ratio} % |\n")
endforeach()

cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
file(READ /proc/loadavg load)
string(REGEX MATCH "^[^ ]+ [^ ]+ [^ ]+" load "${load}")
message("timing: --repeat ${REPEAT} --jobs ${JOBS}, ${cores} cores, load average ${load} at the end\n\n${table}")
if(problems)
  message(FATAL_ERROR "timing: the new measurement does not reproduce the old counts:${problems}")
endif()
