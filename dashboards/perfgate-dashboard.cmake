# perfgate's CDash dashboard client: configure, build, run the perf gate and submit to CDash.
# A CI job calls
#
#   ctest -S dashboards/perfgate-dashboard.cmake [-V]
#
# configured by the environment (docs/cdash.md):
#
#   PERFGATE_CDASH_SUBMIT_URL      the full CDash submit URL, .../submit.php?project=<project>;
#                                  required unless PERFGATE_DASHBOARD_NO_SUBMIT=ON
#   PERFGATE_CDASH_TOKEN           CDash authentication token, sent as "Authorization: Bearer ..."
#   PERFGATE_DASHBOARD_MODEL       Experimental (default), Continuous or Nightly
#   PERFGATE_SITE                  CDash site; default: this host's name
#   PERFGATE_BUILD_NAME            CDash build name; default: $PERFGATE_RUNNER, else
#                                  <system>-<processor>-<build type>
#   PERFGATE_DASHBOARD_SOURCE_DIR  default: the repository that holds this script
#   PERFGATE_DASHBOARD_BINARY_DIR  default: <source>/build-dashboard
#   PERFGATE_DASHBOARD_BUILD_TYPE  default: Release (perfgate refuses to gate a Debug build)
#   PERFGATE_DASHBOARD_GENERATOR   default: Ninja when found, else Unix Makefiles
#   PERFGATE_DASHBOARD_CONFIGURE_OPTIONS  more cache entries, ';'-separated: -DX=1;-DY=2
#   PERFGATE_DASHBOARD_LABELS      regex of the test labels to run; default: ^perf-gate$
#   PERFGATE_DASHBOARD_INCLUDE     regex of the test names to run (ctest -R); default: all
#   PERFGATE_DASHBOARD_SHARD       start,end,stride of the tests to run (ctest -I); default: all
#   PERFGATE_DASHBOARD_PARALLEL    build jobs; default: the number of processors
#   PERFGATE_DASHBOARD_NO_SUBMIT   ON: run everything, submit nothing (a local trial)
#   PERFGATE_DASHBOARD_TREND       ON: after the tests, `perfgate trend --fail-on-change` over the
#                                  history store (the nightly check, docs/trend.md); its HTML trend
#                                  report is uploaded and a persistent regression fails the script
#                                  after the submission. Default: OFF
#   PERFGATE_EXECUTABLE            the perfgate program for the trend; default: perfgate in
#                                  <binary>/bin, else on PATH
#   PERFGATE_HISTORY               the history store; default: <binary>/perfgate-history.sqlite
#
# The order matters: every step's result is submitted before the script fails, so CDash shows a
# failed gate (and its measurements) instead of a missing build. The script fails (non-zero
# exit) when the configure, the build or a test failed, or the submission did not go through.
cmake_minimum_required(VERSION 3.25)

# $ENV{<name>}, or `default` when it is unset or empty.
function(_perfgate_setting out name default)
  if(DEFINED ENV{${name}} AND NOT "$ENV{${name}}" STREQUAL "")
    set(${out} "$ENV{${name}}" PARENT_SCOPE)
  else()
    set(${out} "${default}" PARENT_SCOPE)
  endif()
endfunction()

_perfgate_setting(model PERFGATE_DASHBOARD_MODEL Experimental)
if(NOT model MATCHES "^(Experimental|Continuous|Nightly)$")
  message(FATAL_ERROR "perfgate-dashboard: PERFGATE_DASHBOARD_MODEL must be Experimental, "
    "Continuous or Nightly, not '${model}'")
endif()
_perfgate_setting(submit_url PERFGATE_CDASH_SUBMIT_URL "")
_perfgate_setting(no_submit PERFGATE_DASHBOARD_NO_SUBMIT OFF)
if(submit_url STREQUAL "" AND NOT no_submit)
  message(FATAL_ERROR "perfgate-dashboard: set PERFGATE_CDASH_SUBMIT_URL to the CDash submit URL, "
    "e.g. https://cdash.example.org/submit.php?project=myproject (or "
    "PERFGATE_DASHBOARD_NO_SUBMIT=ON for a run that submits nothing)")
endif()

get_filename_component(default_source "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
_perfgate_setting(source_dir PERFGATE_DASHBOARD_SOURCE_DIR "${default_source}")
_perfgate_setting(binary_dir PERFGATE_DASHBOARD_BINARY_DIR "${source_dir}/build-dashboard")
get_filename_component(CTEST_SOURCE_DIRECTORY "${source_dir}" ABSOLUTE)
get_filename_component(CTEST_BINARY_DIRECTORY "${binary_dir}" ABSOLUTE)
if(NOT EXISTS "${CTEST_SOURCE_DIRECTORY}/CMakeLists.txt")
  message(FATAL_ERROR "perfgate-dashboard: no CMakeLists.txt in ${CTEST_SOURCE_DIRECTORY} "
    "(PERFGATE_DASHBOARD_SOURCE_DIR)")
endif()

# Stable names: CDash keys a test's history by site + build name + test name, so none of them
# may carry a date, a commit or a job number.
cmake_host_system_information(RESULT host QUERY HOSTNAME)
_perfgate_setting(CTEST_SITE PERFGATE_SITE "${host}")
_perfgate_setting(build_type PERFGATE_DASHBOARD_BUILD_TYPE Release)
_perfgate_setting(runner PERFGATE_RUNNER
  "${CMAKE_HOST_SYSTEM_NAME}-${CMAKE_HOST_SYSTEM_PROCESSOR}-${build_type}")
_perfgate_setting(CTEST_BUILD_NAME PERFGATE_BUILD_NAME "${runner}")

find_program(ninja NAMES ninja ninja-build)
if(ninja)
  set(default_generator Ninja)
else()
  set(default_generator "Unix Makefiles")
endif()
_perfgate_setting(CTEST_CMAKE_GENERATOR PERFGATE_DASHBOARD_GENERATOR "${default_generator}")
cmake_host_system_information(RESULT processors QUERY NUMBER_OF_LOGICAL_CORES)
_perfgate_setting(jobs PERFGATE_DASHBOARD_PARALLEL "${processors}")
set(CTEST_BUILD_CONFIGURATION "${build_type}")
set(CTEST_CONFIGURATION_TYPE "${build_type}")
# A project's CTestConfig.cmake (read by ctest_start) may set these; the defaults hold otherwise.
if(NOT DEFINED CTEST_NIGHTLY_START_TIME)
  set(CTEST_NIGHTLY_START_TIME "01:00:00 UTC")
endif()
if(NOT DEFINED CTEST_PROJECT_NAME)
  set(CTEST_PROJECT_NAME perfgate)
endif()

_perfgate_setting(configure_options PERFGATE_DASHBOARD_CONFIGURE_OPTIONS "")
set(CTEST_CONFIGURE_COMMAND "\"${CMAKE_COMMAND}\" -G \"${CTEST_CMAKE_GENERATOR}\"")
string(APPEND CTEST_CONFIGURE_COMMAND " \"-DCMAKE_BUILD_TYPE=${build_type}\"")
foreach(option IN LISTS configure_options)
  string(APPEND CTEST_CONFIGURE_COMMAND " \"${option}\"")
endforeach()
string(APPEND CTEST_CONFIGURE_COMMAND " \"${CTEST_SOURCE_DIRECTORY}\"")
set(CTEST_BUILD_FLAGS "")
if(CTEST_CMAKE_GENERATOR MATCHES "Makefiles|Ninja")
  set(CTEST_BUILD_FLAGS "-j${jobs}")
endif()

# The revision under test, for CDash's Update part. The CI job has checked out what it tests;
# the script only records that version (it never pulls), whatever the model.
find_program(CTEST_GIT_COMMAND NAMES git)
set(CTEST_UPDATE_COMMAND "${CTEST_GIT_COMMAND}")
set(CTEST_UPDATE_VERSION_ONLY ON)
set(update_step OFF)
if(CTEST_GIT_COMMAND)
  execute_process(COMMAND "${CTEST_GIT_COMMAND}" rev-parse --is-inside-work-tree
    WORKING_DIRECTORY "${CTEST_SOURCE_DIRECTORY}" OUTPUT_QUIET ERROR_QUIET RESULT_VARIABLE not_git)
  if(not_git EQUAL 0)
    set(update_step ON)
  endif()
endif()

message("perfgate-dashboard: ${model} of ${CTEST_SOURCE_DIRECTORY} in ${CTEST_BINARY_DIRECTORY}, "
  "site '${CTEST_SITE}', build '${CTEST_BUILD_NAME}'")
ctest_start("${model}")
if(update_step)
  ctest_update(RETURN_VALUE updated)
endif()
ctest_configure(RETURN_VALUE configure_result CAPTURE_CMAKE_ERROR configure_error)
set(build_errors 0)
set(test_result 0)
set(failures "")
if(NOT configure_result EQUAL 0 OR configure_error EQUAL -1)
  list(APPEND failures "configure (exit ${configure_result})")
else()
  # CTestCustom.cmake keeps a passing test's measurements in Test.xml (ctest/CTestCustom.cmake).
  ctest_read_custom_files("${CTEST_BINARY_DIRECTORY}")
  ctest_build(NUMBER_ERRORS build_errors RETURN_VALUE build_result CAPTURE_CMAKE_ERROR build_error)
  if(NOT build_result EQUAL 0 OR build_errors GREATER 0 OR build_error EQUAL -1)
    list(APPEND failures "build (${build_errors} error(s), exit ${build_result})")
  else()
    _perfgate_setting(labels PERFGATE_DASHBOARD_LABELS "^perf-gate$")
    _perfgate_setting(include PERFGATE_DASHBOARD_INCLUDE "")
    _perfgate_setting(shard PERFGATE_DASHBOARD_SHARD "")
    set(selection INCLUDE_LABEL "${labels}")
    if(NOT include STREQUAL "")
      list(APPEND selection INCLUDE "${include}")
    endif()
    if(NOT shard STREQUAL "")
      string(REPLACE "," ";" shard "${shard}")
      list(LENGTH shard parts)
      if(NOT parts EQUAL 3)
        message(FATAL_ERROR "perfgate-dashboard: PERFGATE_DASHBOARD_SHARD is start,end,stride "
          "(as ctest -I), e.g. 1,,2 for every other test from the first")
      endif()
      list(GET shard 0 start)
      list(GET shard 1 end)
      list(GET shard 2 stride)
      foreach(part start end stride)
        if(NOT "${${part}}" STREQUAL "")
          string(TOUPPER "${part}" keyword)
          list(APPEND selection ${keyword} ${${part}})
        endif()
      endforeach()
    endif()
    # Serial: perf gates measure; parallel neighbours would be their noise.
    ctest_test(${selection} PARALLEL_LEVEL 1 RETURN_VALUE test_result
      CAPTURE_CMAKE_ERROR test_error)
    if(NOT test_result EQUAL 0 OR test_error EQUAL -1)
      list(APPEND failures "tests (ctest_test exit ${test_result})")
    endif()
  endif()
endif()

# The nightly check over the history: change points that are regressions under the policy and
# have held for --persist runs fail the script (after the submission), with the trend report.
_perfgate_setting(trend PERFGATE_DASHBOARD_TREND OFF)
set(trend_report "")
if(trend)
  _perfgate_setting(perfgate_program PERFGATE_EXECUTABLE "")
  if(perfgate_program STREQUAL "")
    find_program(perfgate_program NAMES perfgate HINTS "${CTEST_BINARY_DIRECTORY}/bin" NO_CACHE)
  endif()
  _perfgate_setting(store PERFGATE_HISTORY "${CTEST_BINARY_DIRECTORY}/perfgate-history.sqlite")
  set(trend_report "${CTEST_BINARY_DIRECTORY}/perfgate-trend.html")
  if(NOT perfgate_program)
    list(APPEND failures "trend (no perfgate program: set PERFGATE_EXECUTABLE)")
    set(trend_report "")
  else()
    execute_process(COMMAND "${perfgate_program}" trend --store "${store}" --fail-on-change
                            --html "${trend_report}"
                    RESULT_VARIABLE trend_result OUTPUT_VARIABLE trend_output
                    ERROR_VARIABLE trend_output)
    message("perfgate-dashboard: perfgate trend --fail-on-change: exit ${trend_result}\n${trend_output}")
    if(NOT trend_result EQUAL 0)
      list(APPEND failures "trend (perfgate trend --fail-on-change exit ${trend_result})")
    endif()
    if(NOT EXISTS "${trend_report}")
      set(trend_report "")
    endif()
  endif()
endif()

# Each suite's combined summary, next to the build (the per-test reports are attached to their
# tests by the perfgate module), and the trend report.
file(GLOB summaries LIST_DIRECTORIES false
  "${CTEST_BINARY_DIRECTORY}/perfgate-artifacts/*/summary/summary.html"
  "${CTEST_BINARY_DIRECTORY}/perfgate-artifacts/*/summary/summary.md")
list(APPEND summaries ${trend_report})
if(summaries)
  ctest_upload(FILES ${summaries} QUIET)
endif()

if(no_submit)
  message("perfgate-dashboard: PERFGATE_DASHBOARD_NO_SUBMIT is set: nothing submitted")
else()
  set(headers "")
  if(NOT "$ENV{PERFGATE_CDASH_TOKEN}" STREQUAL "")
    set(headers HTTPHEADER "Authorization: Bearer $ENV{PERFGATE_CDASH_TOKEN}")
  endif()
  set(CTEST_SUBMIT_URL "${submit_url}")
  ctest_submit(SUBMIT_URL "${submit_url}" ${headers} RETRY_COUNT 3 RETRY_DELAY 5
    RETURN_VALUE submit_result CAPTURE_CMAKE_ERROR submit_error)
  if(NOT submit_result EQUAL 0 OR submit_error EQUAL -1)
    list(APPEND failures "submission to CDash (exit ${submit_result})")
  endif()
endif()

if(failures)
  list(JOIN failures ", " failures)
  message(FATAL_ERROR "perfgate-dashboard: failed: ${failures}")
endif()
message("perfgate-dashboard: passed")
