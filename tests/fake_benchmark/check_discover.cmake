# Runs `perfgate discover` on a run configuration of the fake benchmark and checks what it
# registered, through CTest itself (`ctest --show-only=json-v1`, as Catch2's VerifyRegistration).
#
#   cmake -DPERFGATE=<exe> -DFAKE=<exe> -DCTEST=<exe> -DWORK=<dir> [-DSCENARIO=<file>]
#         [-DDIRECTIVES=<lines joined by @@>] [-DLANES=<lanes joined by @@>] [-DFILTER=<regex>]
#         [-DINSTRUCTIONS_FILTER=<regex>] [-DEXECUTABLE=<path instead of FAKE>]
#         [-DCONFIG_EXTRA=<JSON members>] -DEXPECT_EXIT=<n> [-DEXPECT_STDERR=<regex>]
#         [-DEXPECT_SCRIPT=<regex>] [-DEXPECT_TESTS=<names joined by @@>] -P check_discover.cmake
#
# After a successful discovery it also checks, per mode, that the --benchmarks regexes of the
# registered tests select every listed benchmark exactly once (through the fake's own filter,
# Google Benchmark 1.7's std::regex), and that no two tests share an artifact folder.
cmake_minimum_required(VERSION 3.25)

function(json_text text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

include("${CMAKE_CURRENT_LIST_DIR}/write_scenario.cmake")
write_scenario("${WORK}" "${SCENARIO}" "${DIRECTIVES}")
file(MAKE_DIRECTORY "${WORK}/ctest")
unset(ENV{FAKE_BENCHMARK_SCENARIO})  # the configuration's environment must carry it

if(NOT LANES)
  set(LANES "wall-time")
endif()
string(REPLACE "@@" "\", \"" lanes "${LANES}")
if(NOT EXECUTABLE)
  set(EXECUTABLE "${FAKE}")
endif()
json_text("${FILTER}" filter)
set(instructions_filter "")
if(DEFINED INSTRUCTIONS_FILTER)
  json_text("${INSTRUCTIONS_FILTER}" instructions_filter)
  set(instructions_filter "\"instructions_filter\": ${instructions_filter},")
endif()
set(scenario_env "FAKE_BENCHMARK_SCENARIO=${WORK}/scenario.txt")
file(WRITE "${WORK}/run-config.json" "{
  \"schema\": \"perfgate.run-config/1\", \"suite\": \"fake\",
  \"target\": \"perfgate_fake_benchmark\", \"executable\": \"${EXECUTABLE}\",
  \"perfgate\": \"${PERFGATE}\", \"working_directory\": \"${WORK}\",
  \"artifacts_root\": \"${WORK}/artifacts\", \"ctest_file\": \"${WORK}/discovered.cmake\",
  \"policy\": \"/gates/default.json\", \"instructions_policy\": \"/gates/instructions.json\",
  \"lanes\": [\"${lanes}\"], \"filter\": ${filter}, ${instructions_filter}
  \"environment\": [\"${scenario_env}\"], ${CONFIG_EXTRA}
  \"tests\": {
    \"perf\": {\"labels\": [\"perf-gate\", \"fake\"], \"timeout\": 60, \"run_serial\": true,
             \"fixtures_required\": [\"perfgate_fake_validate\"],
             \"environment\": [\"${scenario_env}\", \"SEMI=a;b\"]},
    \"instr\": {\"labels\": [\"perf-instructions\"], \"processors\": 2,
              \"resource_lock\": \"perfgate_valgrind\"},
    \"smoke\": {\"labels\": [\"smoke\"], \"timeout\": 30}
  }
}
")

execute_process(COMMAND "${PERFGATE}" discover "${WORK}/run-config.json"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(problems "")
if(NOT result STREQUAL "${EXPECT_EXIT}")
  string(APPEND problems "exit code: expected ${EXPECT_EXIT}, got ${result}\n")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  string(APPEND problems "stderr does not match: ${EXPECT_STDERR}\n")
endif()
set(script "")
if(EXISTS "${WORK}/discovered.cmake")
  file(READ "${WORK}/discovered.cmake" script)
endif()
if(DEFINED EXPECT_SCRIPT AND NOT script MATCHES "${EXPECT_SCRIPT}")
  string(APPEND problems "the CTest script does not match: ${EXPECT_SCRIPT}\n")
endif()
if(NOT result EQUAL 0)
  if(script)
    string(APPEND problems "a failed discovery left a CTest script\n")
  endif()
  if(problems)
    message(FATAL_ERROR "${problems}--- stdout ---\n${out}\n--- stderr ---\n${err}")
  endif()
  return()
endif()

# What CTest registers from the script; the fake lists under the scenario from here on.
set(ENV{FAKE_BENCHMARK_SCENARIO} "${WORK}/scenario.txt")
file(WRITE "${WORK}/ctest/CTestTestfile.cmake" "include([==[${WORK}/discovered.cmake]==])\n")
execute_process(COMMAND "${CTEST}" --show-only=json-v1 WORKING_DIRECTORY "${WORK}/ctest"
                RESULT_VARIABLE ctest_result OUTPUT_VARIABLE json ERROR_VARIABLE ctest_err)
if(NOT ctest_result EQUAL 0)
  message(FATAL_ERROR "ctest --show-only=json-v1 failed:\n${ctest_err}\n--- script ---\n${script}")
endif()
string(JSON count LENGTH "${json}" tests)
set(names "")
set(folders "\n")
foreach(mode perf instr smoke)
  set(listed_${mode} "\n")
  set(listed_count_${mode} 0)
endforeach()
math(EXPR last "${count} - 1")
foreach(index RANGE ${last})
  string(JSON name GET "${json}" tests ${index} name)
  list(APPEND names "${name}")
  string(JSON argc LENGTH "${json}" tests ${index} command)
  math(EXPR argc_last "${argc} - 1")
  foreach(arg_index RANGE ${argc_last})
    string(JSON arg GET "${json}" tests ${index} command ${arg_index})
    if(arg_index GREATER 0 AND previous MATCHES "^--(mode|family|benchmarks|artifacts|test)$")
      set(value_${CMAKE_MATCH_1} "${arg}")
    endif()
    set(previous "${arg}")
  endforeach()
  string(JSON command0 GET "${json}" tests ${index} command 0)
  if(NOT command0 STREQUAL PERFGATE OR NOT value_test STREQUAL name)
    string(APPEND problems "${name}: command is not `perfgate run ... --test ${name}`\n")
  endif()
  string(FIND "${folders}" "\n${value_artifacts}\n" seen)
  if(NOT seen EQUAL -1)
    string(APPEND problems "${name}: shares its artifact folder ${value_artifacts}\n")
  endif()
  string(APPEND folders "${value_artifacts}\n")
  if(value_family STREQUAL "")
    continue()
  endif()
  # The benchmarks this test would run: the fake's listing under its --benchmarks regex.
  execute_process(COMMAND "${FAKE}" --benchmark_list_tests=true
                          "--benchmark_filter=${value_benchmarks}"
                  OUTPUT_VARIABLE selected ERROR_VARIABLE selected_err)
  string(REGEX MATCHALL "\n" lines "${selected}")
  list(LENGTH lines selected_count)
  if(selected_count EQUAL 0)
    string(APPEND problems "${name}: --benchmarks ${value_benchmarks} selects nothing\n")
  endif()
  math(EXPR listed_count_${value_mode} "${listed_count_${value_mode}} + ${selected_count}")
  string(APPEND listed_${value_mode} "${selected}")
endforeach()

foreach(mode perf instr smoke)
  if(listed_count_${mode} EQUAL 0)
    continue()
  endif()
  set(mode_filter "${FILTER}")
  if(mode STREQUAL "instr" AND DEFINED INSTRUCTIONS_FILTER)
    set(mode_filter "${INSTRUCTIONS_FILTER}")
  endif()
  execute_process(COMMAND "${FAKE}" --benchmark_list_tests=true "--benchmark_filter=${mode_filter}"
                  OUTPUT_VARIABLE all_listed)
  string(REGEX MATCHALL "\n" lines "${all_listed}")
  list(LENGTH lines all_count)
  if(NOT all_count EQUAL listed_count_${mode})
    string(APPEND problems "${mode}: the tests select ${listed_count_${mode}} benchmarks, the "
                           "listing holds ${all_count}:\n${listed_${mode}}\n")
  endif()
endforeach()

if(DEFINED EXPECT_TESTS)
  string(REPLACE "@@" ";" expected_tests "${EXPECT_TESTS}")
  if(NOT names STREQUAL expected_tests)
    string(APPEND problems "registered tests:\n  ${names}\nexpected:\n  ${expected_tests}\n")
  endif()
endif()
string(JSON properties GET "${json}" tests 0 properties)
if(names MATCHES "^perf" AND NOT properties MATCHES "\"SEMI=a;b\"")
  string(APPEND problems "the ENVIRONMENT entry SEMI=a;b did not reach CTest whole\n")
endif()
if(problems)
  message(FATAL_ERROR "${problems}--- stderr ---\n${err}\n--- script ---\n${script}")
endif()
