# Runs perfgate_fake_benchmark under a scenario and checks what it did (the RunCMake pattern).
#
#   cmake -DFAKE=<exe> -DWORK=<dir> [-DSCENARIO=<file>] [-DDIRECTIVES=<lines joined by @@>]
#         [-DARGS=<args joined by @@; @OUT@ is WORK/out.json>] [-DENV=<VAR=value joined by @@>]
#         [-DRUNS=<n>] [-DTIMEOUT=<s>] -DEXPECT_RESULT=<regex> [-DEXPECT_STDOUT=<regex>]
#         [-DEXPECT_STDERR=<regex>] [-DEXPECT_OUT=<regex>] [-DREJECT_OUT=<regex>]
#         [-DPERFGATE=<exe> -DPOLICY=<file>] -P check_fake.cmake
#
# The scenario is SCENARIO's lines followed by DIRECTIVES. The checks apply to the last of RUNS
# runs. With PERFGATE, `perfgate compare` must read the JSON written and pass it against itself.
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/write_scenario.cmake")
write_scenario("${WORK}" "${SCENARIO}" "${DIRECTIVES}")
set(ENV{FAKE_BENCHMARK_SCENARIO} "${WORK}/scenario.txt")
unset(ENV{FAKE_BENCHMARK_CANDIDATE})
unset(ENV{FAKE_BENCHMARK_COUNTER})
string(REPLACE "@@" ";" env "${ENV}")
foreach(assignment IN LISTS env)
  string(FIND "${assignment}" "=" eq)
  string(SUBSTRING "${assignment}" 0 ${eq} name)
  math(EXPR eq "${eq} + 1")
  string(SUBSTRING "${assignment}" ${eq} -1 value)
  set(ENV{${name}} "${value}")
endforeach()
string(REPLACE "@OUT@" "${WORK}/out.json" args "${ARGS}")
string(REPLACE "@@" ";" args "${args}")
if(NOT RUNS)
  set(RUNS 1)
endif()
if(NOT TIMEOUT)
  set(TIMEOUT 30)
endif()

foreach(run RANGE 1 ${RUNS})
  execute_process(COMMAND "${FAKE}" ${args} WORKING_DIRECTORY "${WORK}" TIMEOUT ${TIMEOUT}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
endforeach()
set(written "")
if(EXISTS "${WORK}/out.json")
  file(READ "${WORK}/out.json" written)
endif()

set(problems "")
if(NOT result MATCHES "${EXPECT_RESULT}")
  string(APPEND problems "result: expected ${EXPECT_RESULT}, got ${result}\n")
endif()
foreach(check STDOUT:out STDERR:err OUT:written)
  string(REPLACE ":" ";" check "${check}")
  list(GET check 0 key)
  list(GET check 1 variable)
  if(DEFINED EXPECT_${key} AND NOT "${${variable}}" MATCHES "${EXPECT_${key}}")
    string(APPEND problems "${key} does not match: ${EXPECT_${key}}\n")
  endif()
endforeach()
if(DEFINED REJECT_OUT AND written MATCHES "${REJECT_OUT}")
  string(APPEND problems "OUT must not match: ${REJECT_OUT}\n")
endif()
if(PERFGATE)
  execute_process(COMMAND "${PERFGATE}" compare "${WORK}/out.json" "${WORK}/out.json"
                          --policy "${POLICY}"
                  RESULT_VARIABLE read_result OUTPUT_VARIABLE read_out ERROR_VARIABLE read_err)
  if(NOT read_result EQUAL 0)
    string(APPEND problems "perfgate compare of the JSON exited ${read_result}:\n"
                           "${read_out}${read_err}\n")
  endif()
endif()
if(problems)
  string(REPLACE ";" " " shown "${args}")
  file(READ "${WORK}/scenario.txt" scenario)
  message(FATAL_ERROR "${problems}command: ${FAKE} ${shown}\n--- scenario ---\n${scenario}\n"
                      "--- stdout ---\n${out}\n--- stderr ---\n${err}\n"
                      "--- out.json ---\n${written}")
endif()
