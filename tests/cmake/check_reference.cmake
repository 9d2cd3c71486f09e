# PerfGateReference.cmake (how a CI job builds the paired lane's reference) against a tiny git
# repository made here: no network, no compiler (the project has LANGUAGES NONE, its "benchmark"
# target copies a file that says which commit it was built from).
#
#   main:     commit A (bm_tiny says "A")
#   feature:  commit B on top of A (bm_tiny says "B"), checked out; commit C (a failing build) on
#             the branch broken
#
# Asserted: the default reference (merge base of HEAD with -DBASE=main) is A, built in a detached
# worktree, and standard output is exactly the build folder; -DREF=broken stops with "building the
# reference ... failed"; -DREF=no-such-rev with "unknown revision"; a folder outside any repository
# with "not in a git repository". The repository's own checkout (HEAD = B) is left alone.
# -D WORK=<scratch folder> -D HELPER=<PerfGateReference.cmake> [-D GENERATOR=<generator>]
cmake_minimum_required(VERSION 3.25)

find_program(git NAMES git REQUIRED)
file(REMOVE_RECURSE "${WORK}")
set(repo "${WORK}/repo")
file(MAKE_DIRECTORY "${repo}")
# git never looks above WORK for a repository (the scratch folder is inside perfgate's checkout).
set(ENV{GIT_CEILING_DIRECTORIES} "${WORK}")
set(ENV{GIT_CONFIG_NOSYSTEM} 1)
set(ENV{GIT_AUTHOR_NAME} perfgate-e2e)
set(ENV{GIT_AUTHOR_EMAIL} perfgate-e2e@example.invalid)
set(ENV{GIT_COMMITTER_NAME} perfgate-e2e)
set(ENV{GIT_COMMITTER_EMAIL} perfgate-e2e@example.invalid)

function(git)
  execute_process(COMMAND "${git}" -C "${repo}" ${ARGN} RESULT_VARIABLE result
    OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "e2e: git ${ARGN} failed (${result}):\n${output}")
  endif()
endfunction()

# A project whose target bm_tiny writes bin/bm_tiny with <text>; <fail> makes the build fail.
function(commit text fail)
  set(command "COMMAND \"\${CMAKE_COMMAND}\" -E copy \"\${CMAKE_SOURCE_DIR}/bm_tiny.txt\" \"\${CMAKE_BINARY_DIR}/bin/bm_tiny\"")
  if(fail)
    set(command "COMMAND \"\${CMAKE_COMMAND}\" -E false")
  endif()
  file(WRITE "${repo}/CMakeLists.txt"
    "cmake_minimum_required(VERSION 3.25)\nproject(tiny LANGUAGES NONE)\n"
    "add_custom_target(bm_tiny ALL\n  COMMAND \"\${CMAKE_COMMAND}\" -E make_directory \"\${CMAKE_BINARY_DIR}/bin\"\n  ${command})\n")
  file(WRITE "${repo}/bm_tiny.txt" "${text}\n")
  git(add CMakeLists.txt bm_tiny.txt)
  git(commit --quiet -m "${text}")
endfunction()

git(init --quiet --initial-branch=main)
commit(A FALSE)
git(checkout --quiet -b broken)
commit(C TRUE)
git(checkout --quiet -b feature main)
commit(B FALSE)

set(generator_arg "")
if(GENERATOR)
  set(generator_arg "-DGENERATOR=${GENERATOR}")
endif()

# Runs the helper; sets helper_result, helper_out (stdout), helper_err (stderr).
function(helper)
  execute_process(COMMAND "${CMAKE_COMMAND}" ${ARGN} ${generator_arg} -P "${HELPER}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(helper_result "${result}" PARENT_SCOPE)
  set(helper_out "${out}" PARENT_SCOPE)
  set(helper_err "${err}" PARENT_SCOPE)
endfunction()

function(expect_failure name regex)
  if(helper_result EQUAL 0 OR NOT helper_err MATCHES "${regex}" OR NOT helper_out STREQUAL "")
    message(FATAL_ERROR "e2e: ${name}: expected a failure matching '${regex}' and nothing on "
                        "stdout; exit ${helper_result}\n--- stdout\n${helper_out}\n--- stderr\n${helper_err}")
  endif()
  message("e2e: ${name}: failed as expected")
endfunction()

# The merge base of HEAD (B, on feature) with main is A.
helper("-DSOURCE_DIR=${repo}" "-DBINARY_DIR=${WORK}/reference" -DBASE=main -DTARGETS=bm_tiny)
if(NOT helper_result EQUAL 0)
  message(FATAL_ERROR "e2e: merge-base: the helper failed (${helper_result}):\n${helper_err}")
endif()
if(NOT helper_out STREQUAL "${WORK}/reference/build")
  message(FATAL_ERROR "e2e: merge-base: stdout is '${helper_out}', not '${WORK}/reference/build'")
endif()
file(READ "${helper_out}/bin/bm_tiny" built)
execute_process(COMMAND "${git}" -C "${WORK}/reference/source" status --porcelain=v2 --branch
  OUTPUT_VARIABLE status)
execute_process(COMMAND "${git}" -C "${repo}" rev-parse --abbrev-ref HEAD OUTPUT_VARIABLE head
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT built STREQUAL "A\n" OR NOT status MATCHES "# branch.head \\(detached\\)" OR NOT head STREQUAL "feature")
  message(FATAL_ERROR "e2e: merge-base: built '${built}' (want A), worktree '${status}', "
                      "repository HEAD '${head}' (want feature)")
endif()
message("e2e: merge-base: reference A built in a detached worktree: ${helper_out}")

# Again with an explicit revision: the same worktree moves to it.
helper("-DSOURCE_DIR=${repo}" "-DBINARY_DIR=${WORK}/reference" -DREF=feature)
file(READ "${WORK}/reference/build/bin/bm_tiny" built)
if(NOT helper_result EQUAL 0 OR NOT built STREQUAL "B\n")
  message(FATAL_ERROR "e2e: explicit-ref: exit ${helper_result}, built '${built}' (want B)\n${helper_err}")
endif()
message("e2e: explicit-ref: reference B rebuilt in the same worktree")

helper("-DSOURCE_DIR=${repo}" "-DBINARY_DIR=${WORK}/broken" -DREF=broken)
expect_failure(build-failure "building the reference[ \n]+[0-9a-f]+ failed.*build\\.log")
helper("-DSOURCE_DIR=${repo}" "-DBINARY_DIR=${WORK}/unknown" -DREF=no-such-rev)
expect_failure(unknown-revision "unknown revision[ \n]+'no-such-rev'")
helper("-DSOURCE_DIR=${repo}" "-DBINARY_DIR=${WORK}/no-base")
expect_failure(no-merge-base "no merge base of HEAD and[ \n]+'origin/main'.*-DREF=<rev>")
file(MAKE_DIRECTORY "${WORK}/not-a-repo")
helper("-DSOURCE_DIR=${WORK}/not-a-repo" "-DBINARY_DIR=${WORK}/nothing")
expect_failure(not-a-repository "SOURCE_DIR is not in a git[ \n]+repository")
