# The CDash dashboard client (dashboards/perfgate-dashboard.cmake) against a loopback receiver
# that stands in for CDash (tests/http_receiver): the consumer project is configured, built and
# gated (two families of its deterministic instructions lane) three times, each run submitting
# to http://127.0.0.1:<port>/submit.php?project=perfgate-e2e with a bearer token.
#   1, 2: (against a provisional, then a recorded baseline) the Configure, Build and Test parts
#         arrive, each with "Authorization: Bearer <token>"; Test.xml carries a numeric
#         NamedMeasurement for every gated metric plus its limit and verdict, under the same
#         names in both submissions; the script passes.
#   3:    an 8x work factor of BM_VectorPush (PERFGATE_CONSUMER_SLOWDOWN) fails its instructions
#         gate (counts, +700 % against +0.5 %: never a matter of noise); Test.xml still arrives,
#         with verdict 7 (fail), and then the script fails.
#   4:    without PERFGATE_CDASH_SUBMIT_URL the script stops at once, naming the variable.
# -D RECEIVER=... -D SCRIPT=... -D CONSUMER=... -D PREFIX=... -D WORK=... -D CTEST=...
#   -D GENERATOR=... -D CXX=...
cmake_minimum_required(VERSION 3.25)
set(token "e2e-token-5f3a")
set(families "BM_Accumulate|BM_VectorPush")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# Runs the dashboard script once against a fresh receiver; sets <name>_result, <name>_output and
# <name>_requests (the receiver's folder).
function(run_dashboard name model)
  set(requests "${WORK}/requests-${name}")
  execute_process(COMMAND "${RECEIVER}" --out "${requests}" --port-file "${WORK}/${name}.port"
                          --pid-file "${WORK}/${name}.pid" --background --timeout 900
                  RESULT_VARIABLE started)
  if(NOT started EQUAL 0)
    message(FATAL_ERROR "e2e: the loopback receiver did not start (exit ${started})")
  endif()
  file(STRINGS "${WORK}/${name}.port" port LIMIT_COUNT 1)
  file(STRINGS "${WORK}/${name}.pid" pid LIMIT_COUNT 1)
  message("e2e: dashboard ${name} (${model}) submits to 127.0.0.1:${port} ${ARGN}")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env
      "PERFGATE_CDASH_SUBMIT_URL=http://127.0.0.1:${port}/submit.php?project=perfgate-e2e"
      "PERFGATE_CDASH_TOKEN=${token}"
      "PERFGATE_DASHBOARD_MODEL=${model}"
      "PERFGATE_SITE=e2e-site"
      "PERFGATE_BUILD_NAME=e2e-linux-gcc-Release"
      "PERFGATE_DASHBOARD_SOURCE_DIR=${CONSUMER}"
      "PERFGATE_DASHBOARD_BINARY_DIR=${WORK}/build"
      "PERFGATE_DASHBOARD_GENERATOR=${GENERATOR}"
      "PERFGATE_DASHBOARD_CONFIGURE_OPTIONS=-DCMAKE_PREFIX_PATH=${PREFIX};\
-DCMAKE_CXX_COMPILER=${CXX}"
      "PERFGATE_DASHBOARD_LABELS=^perf-gate$"
      "PERFGATE_DASHBOARD_INCLUDE=^instr\\.consumer\\.(${families})$"
      "PERFGATE_DASHBOARD_PARALLEL=2"
      --unset=PERFGATE_RUNNER --unset=PERFGATE_BOOTSTRAP --unset=PERFGATE_REFERENCE
      --unset=PERFGATE_DASHBOARD_SHARD --unset=PERFGATE_DASHBOARD_NO_SUBMIT
      ${ARGN}
      "${CTEST}" -S "${SCRIPT}" -V
    WORKING_DIRECTORY "${WORK}"
    OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
  file(WRITE "${WORK}/dashboard-${name}.log" "${output}")
  execute_process(COMMAND kill "${pid}" OUTPUT_QUIET ERROR_QUIET)
  set(${name}_result "${result}" PARENT_SCOPE)
  set(${name}_output "${output}" PARENT_SCOPE)
  set(${name}_requests "${requests}" PARENT_SCOPE)
endfunction()

function(fail name message)
  message(FATAL_ERROR "e2e: dashboard ${name}: ${message}\n"
    "--- ctest -S output (${WORK}/dashboard-${name}.log) ---\n${${name}_output}")
endfunction()

# The body of the part <part> (Configure, Build, Test, ...) the receiver got, in <out>; fails
# unless it came as a PUT to submit.php?project=perfgate-e2e with the bearer token.
function(received_part name part out)
  file(GLOB heads "${${name}_requests}/*.head")
  foreach(head_file IN LISTS heads)
    file(READ "${head_file}" head)
    string(REPLACE "\r" "" head "${head}")
    if(head MATCHES "^PUT /submit\\.php\\?project=perfgate-e2e&FileName=[^& ]*___${part}\\.xml[& ]")
      if(NOT head MATCHES "\nAuthorization: Bearer ${token}\n")
        fail(${name} "${part}.xml arrived without 'Authorization: Bearer ${token}':\n${head}")
      endif()
      if(NOT head MATCHES "FileName=e2e-site___e2e-linux-gcc-Release___")
        fail(${name} "${part}.xml does not carry the stable site and build name:\n${head}")
      endif()
      string(REGEX REPLACE "\\.head$" ".body" body_file "${head_file}")
      file(READ "${body_file}" body)
      set(${out} "${body}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(list "")
  foreach(head_file IN LISTS heads)
    file(STRINGS "${head_file}" line LIMIT_COUNT 1)
    string(APPEND list "\n  ${line}")
  endforeach()
  fail(${name} "no ${part}.xml arrived; the receiver got:${list}")
endfunction()

# The sorted names of the numeric NamedMeasurements of Test.xml's gate tests, in <out>; every
# gated metric (a .../candidate) has its limit and verdict next to it.
function(gate_measurements name test_xml out)
  string(REGEX MATCHALL "<NamedMeasurement type=\"numeric/double\" name=\"[^\"]*\""
         found "${test_xml}")
  set(names "")
  foreach(item IN LISTS found)
    string(REGEX REPLACE ".* name=\"([^\"]*)\"$" "\\1" item "${item}")
    if(NOT item MATCHES "^(Execution Time|Processors)$")
      list(APPEND names "${item}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(SORT names)
  set(gated "")
  foreach(item IN LISTS names)
    if(item MATCHES "^(.*)/candidate$")
      set(prefix "${CMAKE_MATCH_1}")
      list(APPEND gated "${prefix}")
      if(NOT "${prefix}/verdict" IN_LIST names OR
         NOT ("${prefix}/limit_pct" IN_LIST names OR "${prefix}/limit" IN_LIST names))
        fail(${name} "Test.xml has ${prefix}/candidate without its limit or verdict:\n${names}")
      endif()
    endif()
  endforeach()
  foreach(family BM_Accumulate BM_VectorPush)
    if(NOT gated MATCHES "(^|;)${family}[/;]([^;]*/)?instructions/")
      fail(${name} "Test.xml has no gated instructions measurement of ${family}:\n${names}")
    endif()
  endforeach()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

set(names_of "")
foreach(run first second)
  if(run STREQUAL "first")
    set(model Experimental)
  else()
    set(model Nightly)
  endif()
  if(run STREQUAL "first")
    run_dashboard(${run} ${model} --unset=PERFGATE_CONSUMER_SLOWDOWN)
  else()
    # The nightly run also checks the history: two clean runs, nothing to fail on.
    run_dashboard(${run} ${model} --unset=PERFGATE_CONSUMER_SLOWDOWN
                  PERFGATE_DASHBOARD_TREND=ON "PERFGATE_EXECUTABLE=${PREFIX}/bin/perfgate"
                  --unset=PERFGATE_HISTORY)
    if(NOT EXISTS "${WORK}/build/perfgate-trend.html" OR
       NOT second_output MATCHES "perfgate trend --fail-on-change: exit 0")
      fail(second "the nightly trend did not run, or did not pass over two clean runs")
    endif()
  endif()
  if(NOT ${run}_result EQUAL 0)
    fail(${run} "expected success, got exit ${${run}_result}")
  endif()
  foreach(part Configure Build)
    received_part(${run} ${part} ignored)
  endforeach()
  received_part(${run} Test test_xml)
  gate_measurements(${run} "${test_xml}" names_${run})
  if(${run}_output MATCHES "${token}")
    fail(${run} "the token appears in the output of ctest -S")
  endif()
  if(run STREQUAL "first")
    # The first run gated against a provisional baseline (bootstrapped in the build tree); record
    # one as a project commits one: the later runs gate against it, and their measurement names
    # must not depend on the kind of baseline.
    execute_process(
      COMMAND "${CMAKE_COMMAND}" -E env "PERFGATE_REASON=e2e.dashboard: a clean run's counts"
              --unset=PERFGATE_CONSUMER_SLOWDOWN
              "${CMAKE_COMMAND}" --build "${WORK}/build"
              --target perfgate_record_instructions_baseline_consumer
      OUTPUT_VARIABLE record_output ERROR_VARIABLE record_output RESULT_VARIABLE recorded)
    if(NOT recorded EQUAL 0)
      message(FATAL_ERROR "e2e: recording the consumer's instructions baseline failed "
        "(exit ${recorded}):\n${record_output}")
    endif()
  endif()
endforeach()
if(NOT names_first STREQUAL names_second)
  fail(second "the measurement names differ between two submissions:\n"
    "${names_first}\n---\n${names_second}")
endif()
list(LENGTH names_first count)
message("e2e: dashboard: ${count} numeric measurement names, the same in both submissions")

run_dashboard(failing Continuous PERFGATE_CONSUMER_SLOWDOWN=BM_VectorPush:8)
if(failing_result EQUAL 0)
  fail(failing "expected the script to fail on the failed gate, got exit 0")
endif()
if(NOT failing_output MATCHES "perfgate-dashboard: failed: tests")
  fail(failing "the script did not name the failed tests")
endif()
received_part(failing Test test_xml)
set(space "[ \t\r\n]*")
set(failed_test "<Test Status=\"failed\">${space}<Name>instr\\.consumer\\.BM_VectorPush</Name>")
if(NOT test_xml MATCHES "${failed_test}")
  fail(failing "Test.xml does not hold instr.consumer.BM_VectorPush as failed")
endif()
if(NOT test_xml MATCHES "name=\"BM_VectorPush[^\"]*instructions/verdict\">${space}<Value>7</Value>")
  fail(failing "Test.xml has no verdict 7 (fail) for BM_VectorPush's instructions")
endif()
gate_measurements(failing "${test_xml}" names_failing)
if(NOT names_failing STREQUAL names_first)
  fail(failing "the measurement names of a failing run differ from a passing one's:\n"
    "${names_first}\n---\n${names_failing}")
endif()
message("e2e: dashboard: a failed gate was submitted (Test.xml with verdict 7), "
  "then the script failed")

# Without a submit URL the script stops before doing anything, naming the variable.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env --unset=PERFGATE_CDASH_SUBMIT_URL
          --unset=PERFGATE_DASHBOARD_NO_SUBMIT "PERFGATE_DASHBOARD_SOURCE_DIR=${CONSUMER}"
          "PERFGATE_DASHBOARD_BINARY_DIR=${WORK}/no-url" "${CTEST}" -S "${SCRIPT}"
  WORKING_DIRECTORY "${WORK}"
  OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
if(result EQUAL 0 OR NOT output MATCHES "set PERFGATE_CDASH_SUBMIT_URL to the CDash submit URL"
   OR EXISTS "${WORK}/no-url")
  message(FATAL_ERROR "e2e: dashboard without PERFGATE_CDASH_SUBMIT_URL: expected a failure that "
    "names the variable before anything is built, got exit ${result}:\n${output}")
endif()
