# `perfgate baseline update` as a sequence on one baseline (docs/baselines.md): the first update,
# an update on top of it (the previous provenance and digest kept in the history, a comparison
# headlined as an accepted change), a changed digit refused as a digest mismatch, an old-schema
# file refused and then adopted, and the lock held by another process (exit 3).
#
#   cmake -D PERFGATE=<perfgate> -D RESULTS=<a results or baseline file> -D WORK=<folder>
#         -P check_update.cmake
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(baseline "${WORK}/baselines/class/suite.json")
set(problems "")

# run(<expected exit> <stdout+stderr regex> <args>...)
function(run expected regex)
  execute_process(COMMAND "${PERFGATE}" ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT result STREQUAL "${expected}" OR NOT "${out}${err}" MATCHES "${regex}")
    set(problems "${problems}perfgate ${ARGN}\n  expected exit ${expected} and /${regex}/, got ${result}:\n${out}${err}\n" PARENT_SCOPE)
  endif()
endfunction()

set(update baseline update --results "${RESULTS}" --suite suite --out "${baseline}"
           --recorded-by check_update)

# No reason, a short reason: refused before anything is written.
run(2 "--reason must say why" ${update})
run(2 "--reason must say why" ${update} --reason "short")
if(EXISTS "${baseline}")
  string(APPEND problems "a refused update wrote ${baseline}\n")
endif()

run(0 "recorded [0-9]+ benchmarks of suite \"suite\" into .*\\(sha256:[0-9a-f]+\\)"
    ${update} --reason "the first baseline of the sequence")
file(READ "${baseline}" first)
string(JSON first_digest GET "${first}" digest)

run(0 "updated [0-9]+ benchmarks .*replacing ${first_digest}"
    ${update} --reason "the second recording, on top of the first" --report-dir "${WORK}/comparison")
file(READ "${baseline}" second)
string(JSON kept_reason GET "${second}" history 0 reason)
string(JSON kept_digest GET "${second}" history 0 digest)
if(NOT kept_reason STREQUAL "the first baseline of the sequence" OR
   NOT kept_digest STREQUAL first_digest)
  string(APPEND problems "the history does not keep the previous provenance: '${kept_reason}' ${kept_digest}\n")
endif()
file(READ "${WORK}/comparison/report.md" page)
if(NOT page MATCHES "baseline updated: [^\n]*reason: the second recording, on top of the first" OR
   page MATCHES "gate FAILED")
  string(APPEND problems "the comparison is not headlined as an accepted change:\n${page}\n")
endif()
file(GLOB staging "${WORK}/comparison.staging-*" "${baseline}.tmp-*")
if(staging)
  string(APPEND problems "an update left ${staging}\n")
endif()

# A changed digit inside a number: refused by every reader, and never overwritten.
string(REGEX MATCH "\"samples\": \\[[0-9]" number "${second}")
string(LENGTH "${number}" length)
math(EXPR last "${length} - 1")
string(SUBSTRING "${number}" ${last} 1 digit)
if(digit STREQUAL "9")
  set(other 8)
else()
  math(EXPR other "${digit} + 1")
endif()
string(SUBSTRING "${number}" 0 ${last} prefix)
string(REPLACE "${number}" "${prefix}${other}" damaged "${second}")
file(WRITE "${baseline}" "${damaged}")
run(2 "suite\\.json: error: /digest: digest mismatch: the file was changed by hand or damaged; re-record with perfgate baseline update"
    baseline check "${baseline}")
run(2 "digest mismatch.*does not validate, so it is not overwritten"
    ${update} --reason "an update over a damaged file")
file(WRITE "${baseline}" "${second}")

# The previous schema (no digest): refused, then adopted with its numbers.
string(JSON legacy REMOVE "${second}" digest)
string(JSON legacy SET "${legacy}" schema "\"perfgate.baseline/1\"")
file(WRITE "${baseline}" "${legacy}")
run(2 "a perfgate.baseline/1 file carries no digest.*--adopt" baseline check "${baseline}")
run(2 "give no --results" ${update} --adopt --reason "adopting the old file, checked in git")
run(0 "updated" baseline update --adopt --out "${baseline}" --reason "adopting the old file, checked in git")
run(0 "digest sha256:[0-9a-f]+ checked" baseline check "${baseline}")
file(READ "${baseline}" adopted)
string(JSON adopted_reason GET "${adopted}" history 0 reason)
if(NOT adopted_reason STREQUAL "the second recording, on top of the first")
  string(APPEND problems "adopting lost the previous provenance: '${adopted_reason}'\n")
endif()

# The lock held by another process: the update waits its --lock-timeout, then exits 3.
find_program(FLOCK flock)
if(FLOCK)
  execute_process(
    COMMAND sh -c "'${FLOCK}' '${baseline}.lock' sleep 4 & sleep 0.5; '${PERFGATE}' baseline update --results '${RESULTS}' --suite suite --out '${baseline}' --reason 'an update while another holds the lock' --lock-timeout 1; echo \"exit=$?\"; wait"
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT err MATCHES "another update of this baseline holds its lock" OR NOT out MATCHES "exit=3")
    string(APPEND problems "a held lock did not give exit 3:\n${out}${err}\n")
  endif()
endif()

if(problems)
  message(FATAL_ERROR "${problems}")
endif()
