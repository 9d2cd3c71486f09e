# Runs one libFuzzer target of tests/fuzz over its seeds and then for SECONDS on new inputs
# (docs/fuzzing.md). Fails on any finding: a crash, a sanitizer report, a leak, a timeout or an
# out-of-memory, naming the input libFuzzer kept for it.
#
#   cmake -DFUZZER=<exe> -DCONFIG=<reader>.cmake -DWORK=<dir> -DSECONDS=20 [-DFRESH=ON]
#         -P run_fuzzer.cmake
#
# CONFIG sets NAME, SEED_GLOBS and DICT. The seeds are copied into WORK/seeds; new inputs go to
# WORK/corpus, emptied first with FRESH=ON so that a run with the same seed is the same run.
# PERFGATE_FUZZ_SECONDS in the environment overrides SECONDS.
cmake_minimum_required(VERSION 3.25)

foreach(_var IN ITEMS FUZZER CONFIG WORK SECONDS)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${_var}=... is required")
  endif()
endforeach()
include("${CONFIG}")
if(DEFINED ENV{PERFGATE_FUZZ_SECONDS} AND NOT "$ENV{PERFGATE_FUZZ_SECONDS}" STREQUAL "")
  set(SECONDS "$ENV{PERFGATE_FUZZ_SECONDS}")
endif()

# The seeds, numbered so that files of the same name from two folders are both kept.
file(REMOVE_RECURSE "${WORK}/seeds")
file(MAKE_DIRECTORY "${WORK}/seeds")
set(_count 0)
foreach(_glob IN LISTS SEED_GLOBS)
  file(GLOB _files LIST_DIRECTORIES false "${_glob}")
  foreach(_file IN LISTS _files)
    math(EXPR _count "${_count} + 1")
    get_filename_component(_base "${_file}" NAME)
    file(COPY_FILE "${_file}" "${WORK}/seeds/${_count}-${_base}")
  endforeach()
endforeach()

if(FRESH)
  file(REMOVE_RECURSE "${WORK}/corpus")
endif()
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/findings")
file(GLOB _old_findings "${WORK}/findings/*")
if(_old_findings)
  file(REMOVE ${_old_findings})
endif()

set(_options -seed=1 -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -max_len=131072
             -print_final_stats=1 "-artifact_prefix=${WORK}/findings/")
if(DICT)
  list(APPEND _options "-dict=${DICT}")
endif()
set(_log "${WORK}/fuzz.log")
message(STATUS "fuzz ${NAME}: ${_count} seeds, ${SECONDS} s of new inputs; log ${_log}")
execute_process(
  COMMAND "${FUZZER}" ${_options} "${WORK}/corpus" "${WORK}/seeds"
  RESULT_VARIABLE _result OUTPUT_FILE "${_log}" ERROR_FILE "${_log}")

file(READ "${_log}" _text)
set(_runs "?")
if(_text MATCHES "stat::number_of_executed_units: +([0-9]+)")
  set(_runs "${CMAKE_MATCH_1}")
endif()
set(_new "?")
if(_text MATCHES "stat::new_units_added: +([0-9]+)")
  set(_new "${CMAKE_MATCH_1}")
endif()
# The last status line: "#N ... cov: C ft: F corp: K/S ..." (K inputs in the corpus in memory).
set(_corpus_size "?")
set(_coverage "?")
string(REGEX MATCHALL "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+" _status "${_text}")
if(_status)
  list(GET _status -1 _last)
  string(REGEX REPLACE "cov: ([0-9]+) ft: [0-9]+ corp: ([0-9]+)" "\\1;\\2" _last "${_last}")
  list(GET _last 0 _coverage)
  list(GET _last 1 _corpus_size)
endif()
file(GLOB _findings "${WORK}/findings/*")

set(_sanitizer_report FALSE)
if(_text MATCHES "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)"
   OR _text MATCHES "runtime error: ")
  set(_sanitizer_report TRUE)
endif()
if(NOT _result EQUAL 0 OR _findings OR _sanitizer_report)
  string(LENGTH "${_text}" _length)
  if(_length GREATER 6000)
    math(EXPR _from "${_length} - 6000")
    string(SUBSTRING "${_text}" ${_from} -1 _text)
  endif()
  list(JOIN _findings "\n  " _findings_text)
  message(FATAL_ERROR
    "fuzz ${NAME}: FINDING (libFuzzer exit ${_result}) after ${_runs} executions.\n"
    "Inputs kept:\n  ${_findings_text}\n"
    "Replay one with: ${FUZZER} <input>\n"
    "End of the log (${_log}):\n${_text}")
endif()
message(STATUS "fuzz ${NAME}: ${_runs} executions in ${SECONDS} s, ${_new} new inputs, "
               "corpus ${_corpus_size} inputs, coverage ${_coverage} edges, no findings")
