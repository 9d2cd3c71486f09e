# The golden test of `perfgate changes --format json`: runs it on a CSV series and compares its
# stdout byte for byte with the committed golden file; on a mismatch the output is written to
# ACTUAL. With -DUPDATE=ON (the perfgate_update_golden target only) the golden file is rewritten.
#
#   cmake -DPERFGATE=<exe> -DINPUT=<csv> -DGOLDEN=<json> -DACTUAL=<json> [-DUPDATE=ON] -P check_changes.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${PERFGATE}" changes "${INPUT}" --format json
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "perfgate changes exited ${result}:\n${err}")
endif()
if(UPDATE)
  file(WRITE "${GOLDEN}" "${out}")
  return()
endif()
file(READ "${GOLDEN}" expected)
if(NOT out STREQUAL expected)
  file(WRITE "${ACTUAL}" "${out}")
  message(FATAL_ERROR "perfgate changes --format json differs from ${GOLDEN}; see ${ACTUAL}")
endif()
