# perfgate — distributed under the terms of the project's LICENSE file.
#
# Builds the reference of the paired lane (docs/statistics.md, lane b) in the CI job that gates the
# candidate: a detached `git worktree` of the reference revision (by default the merge base of
# HEAD with origin/main), configured like the candidate and built, on the same runner. No Python,
# no shell.
#
#   cmake -DSOURCE_DIR=<repository> -DBINARY_DIR=<dir>
#         [-DREF=<revision>]            the reference revision; default: git merge-base <BASE> HEAD
#         [-DBASE=<branch>]             default origin/main (fetch it first in a shallow clone)
#         [-DCANDIDATE=<build dir>]     copy build type, compilers, flags and generator from there
#         [-DBUILD_TYPE=<type>]         default: the candidate's, else Release
#         [-DGENERATOR=<generator>]     default: the candidate's, else CMake's default
#         [-DTARGETS=<target>[;...]]    default: everything
#         [-DCMAKE_ARGS=<-D...>[;...]]  more configure arguments (the candidate's options)
#         [-DJOBS=<n>]
#         -P cmake/PerfGateReference.cmake
#
# The worktree goes to <BINARY_DIR>/source, the build to <BINARY_DIR>/build, the logs to
# <BINARY_DIR>/configure.log and build.log. Standard output is exactly the path to give as
# REFERENCE or PERFGATE_REFERENCE (<BINARY_DIR>/build), so a job can write
#
#   export PERFGATE_REFERENCE=$(cmake -DSOURCE_DIR=. -DBINARY_DIR=../reference \
#                                     -DCANDIDATE=build -P cmake/PerfGateReference.cmake)
#
# Everything that goes wrong (not a git repository, an unknown revision, no merge base, a failed
# configure or build) stops with a message on standard error and exit code 1; nothing is printed
# on standard output then. Running it again reuses the worktree and the build.
cmake_minimum_required(VERSION 3.25)

# The message may come in several string arguments: joined verbatim.
function(_perfgate_reference_fail)
  string(CONCAT text ${ARGV})
  message(FATAL_ERROR "perfgate: PerfGateReference.cmake: ${text}")
endfunction()

# Runs git in <dir>; sets <out> to its trimmed output, <out>_RESULT to its exit code.
function(_perfgate_git dir out)
  execute_process(COMMAND "${_perfgate_git_program}" -C "${dir}" ${ARGN}
    OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE result
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE)
  set(${out} "${output}" PARENT_SCOPE)
  set(${out}_RESULT "${result}" PARENT_SCOPE)
  set(${out}_ERRORS "${errors}" PARENT_SCOPE)
endfunction()

# The last lines of a log, for a failure message.
function(_perfgate_log_tail file out)
  set(text "")
  if(EXISTS "${file}")
    file(STRINGS "${file}" lines)
    list(LENGTH lines count)
    if(count GREATER 30)
      math(EXPR first "${count} - 30")
      list(SUBLIST lines ${first} 30 lines)
    endif()
    list(JOIN lines "\n    " text)
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

if(NOT DEFINED SOURCE_DIR OR SOURCE_DIR STREQUAL "")
  set(SOURCE_DIR ".")
endif()
if(NOT DEFINED BINARY_DIR OR BINARY_DIR STREQUAL "")
  _perfgate_reference_fail("-DBINARY_DIR=<dir> is required (the reference's worktree and build go there).\n"
                           "  Hint: cmake -DSOURCE_DIR=. -DBINARY_DIR=../reference -P cmake/PerfGateReference.cmake")
endif()
cmake_path(ABSOLUTE_PATH SOURCE_DIR NORMALIZE)
cmake_path(ABSOLUTE_PATH BINARY_DIR NORMALIZE)
if(NOT DEFINED BASE OR BASE STREQUAL "")
  set(BASE "origin/main")
endif()

find_program(_perfgate_git_program NAMES git)
if(NOT _perfgate_git_program)
  _perfgate_reference_fail("git is not installed.\n  Hint: apt-get install git")
endif()
if(NOT IS_DIRECTORY "${SOURCE_DIR}")
  _perfgate_reference_fail("SOURCE_DIR is not a folder.\n  Path: '${SOURCE_DIR}'")
endif()
_perfgate_git("${SOURCE_DIR}" top rev-parse --show-toplevel)
if(NOT top_RESULT EQUAL 0)
  _perfgate_reference_fail("SOURCE_DIR is not in a git repository, so there is no revision to build "
                           "the reference from.\n  Path: '${SOURCE_DIR}'\n  git: ${top_ERRORS}")
endif()

# --- The reference revision.
if(NOT DEFINED REF OR REF STREQUAL "")
  _perfgate_git("${SOURCE_DIR}" ref merge-base "${BASE}" HEAD)
  if(NOT ref_RESULT EQUAL 0 OR ref STREQUAL "")
    _perfgate_reference_fail("no merge base of HEAD and '${BASE}'.\n  git: ${ref_ERRORS}\n"
                             "  Hint: fetch the branch first (git fetch origin main; a shallow clone "
                             "needs --deepen or --unshallow), or name the revision with -DREF=<rev> or "
                             "the branch with -DBASE=<branch>.")
  endif()
  set(REF_TEXT "merge base of HEAD and ${BASE}")
  set(REF "${ref}")
else()
  set(REF_TEXT "${REF}")
endif()
_perfgate_git("${SOURCE_DIR}" sha rev-parse --verify --quiet "${REF}^{commit}")
if(NOT sha_RESULT EQUAL 0 OR sha STREQUAL "")
  _perfgate_reference_fail("unknown revision '${REF}' in '${top}'.\n"
                           "  Hint: fetch it first, or give a commit, tag or branch that exists.")
endif()

# --- The worktree (detached at the reference commit).
set(worktree "${BINARY_DIR}/source")
set(build "${BINARY_DIR}/build")
file(MAKE_DIRECTORY "${BINARY_DIR}")
if(EXISTS "${worktree}")
  _perfgate_git("${worktree}" have rev-parse --show-toplevel)
  if(NOT have_RESULT EQUAL 0 OR NOT have STREQUAL worktree)
    _perfgate_reference_fail("'${worktree}' exists and is not a git worktree.\n"
                             "  Hint: remove it, or choose another BINARY_DIR.")
  endif()
  _perfgate_git("${worktree}" checkout checkout --quiet --detach --force "${sha}")
  if(NOT checkout_RESULT EQUAL 0)
    _perfgate_reference_fail("cannot check out ${sha} in the worktree '${worktree}'.\n  git: ${checkout_ERRORS}")
  endif()
else()
  _perfgate_git("${SOURCE_DIR}" added worktree add --detach "${worktree}" "${sha}")
  if(NOT added_RESULT EQUAL 0)
    _perfgate_reference_fail("git worktree add of ${sha} failed.\n  Path: '${worktree}'\n  git: ${added_ERRORS}")
  endif()
endif()
message("perfgate: reference ${sha} (${REF_TEXT}) checked out in ${worktree}")

# --- Configure like the candidate.
set(cache_args "")
set(generator_args "")
set(candidate_type "")
if(DEFINED CANDIDATE AND NOT CANDIDATE STREQUAL "")
  cmake_path(ABSOLUTE_PATH CANDIDATE NORMALIZE)
  if(NOT EXISTS "${CANDIDATE}/CMakeCache.txt")
    _perfgate_reference_fail("CANDIDATE is not a configured build folder (no CMakeCache.txt).\n"
                             "  Path: '${CANDIDATE}'")
  endif()
  file(STRINGS "${CANDIDATE}/CMakeCache.txt" entries
    REGEX "^(CMAKE_BUILD_TYPE|CMAKE_C_COMPILER|CMAKE_CXX_COMPILER|CMAKE_CXX_FLAGS|CMAKE_C_FLAGS|CMAKE_GENERATOR):[A-Z]+=")
  foreach(entry IN LISTS entries)
    if(entry MATCHES "^([A-Z_]+):[A-Z]+=(.*)$")
      if(CMAKE_MATCH_1 STREQUAL "CMAKE_GENERATOR")
        set(generator_args -G "${CMAKE_MATCH_2}")
      elseif(CMAKE_MATCH_1 STREQUAL "CMAKE_BUILD_TYPE")
        set(candidate_type "${CMAKE_MATCH_2}")
      elseif(NOT CMAKE_MATCH_2 STREQUAL "")
        list(APPEND cache_args "-D${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
      endif()
    endif()
  endforeach()
endif()
if(NOT DEFINED BUILD_TYPE OR BUILD_TYPE STREQUAL "")
  set(BUILD_TYPE "${candidate_type}")
  if(BUILD_TYPE STREQUAL "")
    set(BUILD_TYPE Release)
  endif()
endif()
if(DEFINED GENERATOR AND NOT GENERATOR STREQUAL "")
  set(generator_args -G "${GENERATOR}")
endif()
if(EXISTS "${build}/CMakeCache.txt")
  set(generator_args "")  # a configured build keeps its generator
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${worktree}" -B "${build}" ${generator_args}
          "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" ${cache_args} ${CMAKE_ARGS}
  OUTPUT_FILE "${BINARY_DIR}/configure.log" ERROR_FILE "${BINARY_DIR}/configure.log"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  _perfgate_log_tail("${BINARY_DIR}/configure.log" tail)
  _perfgate_reference_fail("configuring the reference ${sha} failed (${result}).\n"
                           "  Log: '${BINARY_DIR}/configure.log'\n    ${tail}")
endif()

# --- Build the benchmark targets.
set(build_args "")
if(DEFINED TARGETS AND NOT TARGETS STREQUAL "")
  list(APPEND build_args --target ${TARGETS})
endif()
if(DEFINED JOBS AND NOT JOBS STREQUAL "")
  list(APPEND build_args --parallel ${JOBS})
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${build}" --config "${BUILD_TYPE}" ${build_args}
  OUTPUT_FILE "${BINARY_DIR}/build.log" ERROR_FILE "${BINARY_DIR}/build.log"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  _perfgate_log_tail("${BINARY_DIR}/build.log" tail)
  _perfgate_reference_fail("building the reference ${sha} failed (${result}).\n"
                           "  Log: '${BINARY_DIR}/build.log'\n    ${tail}")
endif()
message("perfgate: reference built in ${build} (${BUILD_TYPE}); give it as REFERENCE or "
        "PERFGATE_REFERENCE")
execute_process(COMMAND "${CMAKE_COMMAND}" -E echo "${build}")
