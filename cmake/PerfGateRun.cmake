# perfgate — distributed under the terms of the project's LICENSE file.
#
# The launcher every perfgate CTest test runs (`cmake -P`, no Python, no shell):
#
#   benchmark executable → warm-up → measured run (--benchmark_out JSON) + run context
#   → `perfgate gate` against the baseline under the policy → verdict, reports, measurements.
#
# Everything goes to PERFGATE_ARTIFACTS (one folder per test) and is written even when the
# benchmark crashes or is killed by the hard timeout: context.json, benchmark.log,
# results.json (possibly partial), gate.log, report.*, run.json (perfgate.run/1).
#
# Input: -D PERFGATE_RUN_CONFIG=<file written by perfgate_add_benchmarks()>
#        -D PERFGATE_MODE=perf|instr|smoke|validate|bootstrap|record|not_built
#        perf/instr/smoke: -D PERFGATE_TEST_NAME=... -D PERFGATE_FAMILY=...
#                     -D PERFGATE_FAMILY_REGEX=... -D PERFGATE_ARTIFACTS=<folder>
#        bootstrap:   -D PERFGATE_FOR=perf|instr|smoke
#        record:      -D PERFGATE_FOR=perf|instr; reason from -D PERFGATE_REASON=... or the
#                     environment variable PERFGATE_REASON
#        optional:    -D PERFGATE_EXECUTABLE_OVERRIDE=<file> gates another build of the same
#                     suite under this configuration (perfgate's own e2e.instructions.* tests)
#
# The instructions lane (mode instr, docs/lanes.md) runs `perfgate measure instructions` instead
# of the benchmark and gates against <BASELINES>/<toolchain class>/<suite>.json.
#
# Environment read at test time: PERFGATE_RUNNER (runner class), PERFGATE_BOOTSTRAP=off,
# PERFGATE_REASON (record), PERFGATE_RECORD_OUT (record: write elsewhere than BASELINES),
# PERFGATE_REFERENCE (the paired lane's reference build; wins over REFERENCE) and PERFGATE_SEED
# (the paired lane's order of runs).
#
# The paired lane (mode perf with a reference, docs/statistics.md lane b) runs the reference
# build's executable and the candidate alternately in a random order, reference-<i>.json and
# candidate-<i>.json, and gates with `perfgate gate --reference ... --results ...`; with
# REPETITIONS auto it repeats `--sequential` looks until they decide.
#
# The variables named by FORWARD_ENV are passed on to the pinned environment of the instructions
# lane (--env), except to the runs that make a baseline when BASELINE_UNSET_ENV names them.
#
# A `cmake -P` script of CMake 3.25 can only exit 0 or 1; the comparator's exit code and its
# meaning (DESIGN.md: 0 pass, 1 gate failed, 2 invalid input, 3 run failed) are printed and
# kept in run.json.

cmake_minimum_required(VERSION 3.25)

# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------

function(_perfgate_json_string text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\r" "\\r" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  string(ASCII 1 2 3 4 5 6 7 8 11 12 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 controls)
  string(REGEX REPLACE "[${controls}]" "?" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

# A flat JSON object of strings, built one member at a time (values may hold ';').
function(_perfgate_json_add var key value)
  _perfgate_json_string("${value}" quoted)
  if("${${var}}" STREQUAL "")
    set(${var} "{\n  \"${key}\": ${quoted}" PARENT_SCOPE)
  else()
    set(${var} "${${var}},\n  \"${key}\": ${quoted}" PARENT_SCOPE)
  endif()
endfunction()

function(_perfgate_now out)
  string(TIMESTAMP now "%s" UTC)
  set(${out} "${now}" PARENT_SCOPE)
endfunction()

# Prints a file to stdout unchanged (CTest reads <CTestMeasurement> tags from the output).
function(_perfgate_cat file)
  if(EXISTS "${file}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -E cat "${file}")
  endif()
endfunction()

function(_perfgate_slug text out)
  string(TOLOWER "${text}" text)
  string(REGEX REPLACE "\\((r|tm|c)\\)" " " text "${text}")
  string(REGEX REPLACE "@.*$" "" text "${text}")
  string(REGEX REPLACE "(^| )(cpu|processor|[0-9]+-core)( |$)" " " text "${text}")
  string(REGEX REPLACE "(^| )with .*$" "" text "${text}")
  string(REGEX REPLACE "[^a-z0-9]+" "-" text "${text}")
  string(REGEX REPLACE "^-+|-+$" "" text "${text}")
  if(text STREQUAL "")
    set(text "unknown")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The last optimisation flag wins, as with GCC and Clang; MSVC's /Od likewise.
function(_perfgate_optimised flags build_type out)
  set(level "")
  string(REGEX MATCHALL "(^| )[-/]O[^ ]*" found " ${flags} ")
  foreach(flag IN LISTS found)
    string(STRIP "${flag}" flag)
    set(level "${flag}")
  endforeach()
  if(build_type STREQUAL "Debug" OR level STREQUAL "" OR level MATCHES "^[-/](O0|Od)$")
    set(${out} FALSE PARENT_SCOPE)
  else()
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

# ------------------------------------------------------------------------------------------
# Run context and runner class (C2, C5)
# ------------------------------------------------------------------------------------------

macro(_perfgate_collect_context)
  # CPU model: /proc/cpuinfo is more precise than CMake's PROCESSOR_NAME.
  set(cpu_model "")
  if(EXISTS "/proc/cpuinfo")
    file(STRINGS "/proc/cpuinfo" model_lines REGEX "^(model name|Hardware|cpu model)[ \t]*:" LIMIT_COUNT 1)
    if(model_lines)
      string(REGEX REPLACE "^[^:]*:[ \t]*" "" cpu_model "${model_lines}")
      string(STRIP "${cpu_model}" cpu_model)
    endif()
  endif()
  cmake_host_system_information(RESULT host_facts
    QUERY NUMBER_OF_LOGICAL_CORES OS_NAME OS_RELEASE OS_PLATFORM HOSTNAME PROCESSOR_NAME)
  list(GET host_facts 0 num_cpus)
  list(GET host_facts 1 os_name)
  list(GET host_facts 2 kernel)
  list(GET host_facts 3 arch)
  list(GET host_facts 4 hostname)
  if(cpu_model STREQUAL "")
    list(GET host_facts 5 cpu_model)
  endif()
  set(cpu_scaling "unknown (no cpufreq in /sys)")
  set(governor_file "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
  if(EXISTS "${governor_file}")
    file(READ "${governor_file}" cpu_scaling)
    string(STRIP "${cpu_scaling}" cpu_scaling)
  endif()
  set(git_commit "unknown")
  set(git_dirty "unknown")
  find_program(_perfgate_git NAMES git)
  if(_perfgate_git)
    execute_process(COMMAND "${_perfgate_git}" -C "${PERFGATE_SOURCE_DIR}" rev-parse HEAD
      OUTPUT_VARIABLE git_out RESULT_VARIABLE git_result ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(git_result EQUAL 0)
      set(git_commit "${git_out}")
      execute_process(COMMAND "${_perfgate_git}" -C "${PERFGATE_SOURCE_DIR}" status --porcelain
                              --untracked-files=no
        OUTPUT_VARIABLE git_out RESULT_VARIABLE git_result ERROR_QUIET)
      if(git_result EQUAL 0)
        if(git_out STREQUAL "")
          set(git_dirty "false")
        else()
          set(git_dirty "true")
        endif()
      endif()
    endif()
  endif()
  set(compiler "${PERFGATE_CXX_COMPILER_ID} ${PERFGATE_CXX_COMPILER_VERSION}")
  string(REGEX MATCH "^[0-9]+" compiler_major "${PERFGATE_CXX_COMPILER_VERSION}")
  string(TOLOWER "${PERFGATE_CXX_COMPILER_ID}" compiler_slug)
  if(compiler_slug STREQUAL "gnu")
    set(compiler_slug "gcc")
  endif()
  string(STRIP "${PERFGATE_CXX_FLAGS} ${PERFGATE_TARGET_FLAGS}" cxx_flags)
  set(build_type "${PERFGATE_BUILD_TYPE}")

  # Runner class: $PERFGATE_RUNNER, else RUNNER from the build, else the fingerprint's slug.
  _perfgate_slug("${cpu_model}" cpu_slug)
  set(runner_fingerprint "${arch}-${cpu_slug}-${num_cpus}c-${compiler_slug}${compiler_major}")
  if(NOT build_type STREQUAL "Release")
    _perfgate_slug("${build_type}" build_slug)
    string(APPEND runner_fingerprint "-${build_slug}")
  endif()
  if(NOT "$ENV{PERFGATE_RUNNER}" STREQUAL "")
    set(runner "$ENV{PERFGATE_RUNNER}")
    set(runner_source "environment variable PERFGATE_RUNNER")
  elseif(NOT "${PERFGATE_RUNNER_CONFIGURED}" STREQUAL "")
    set(runner "${PERFGATE_RUNNER_CONFIGURED}")
    set(runner_source "RUNNER of perfgate_add_benchmarks()")
  else()
    set(runner "${runner_fingerprint}")
    set(runner_source "machine fingerprint")
  endif()
  if(NOT runner MATCHES "^[A-Za-z0-9._-]+$")
    message(FATAL_ERROR "perfgate: runner class '${runner}' (from ${runner_source}) may hold "
                        "letters, digits, '.', '_' and '-' only.")
  endif()
  _perfgate_now(started_at)
  string(TIMESTAMP started_iso "%Y-%m-%dT%H:%M:%SZ" UTC)
endmacro()

# The toolchain class of the instructions lane (docs/baselines.md), from the facts its fingerprint
# checks: compiler and version, build type, Google Benchmark library version, valgrind version,
# e.g. callgrind-gcc12.2-release-gbench1.7.1-vg3.19. Sets toolchain_class and toolchain_error
# (non-empty when it cannot be computed) in the caller.
macro(_perfgate_toolchain_class)
  set(toolchain_class "")
  set(toolchain_error "")
  set(valgrind_version "")
  find_program(_perfgate_valgrind NAMES valgrind)
  if(NOT _perfgate_valgrind)
    set(toolchain_error
      "valgrind is not installed, and the instructions lane measures under valgrind's callgrind.\n"
      "  Hint: apt-get install valgrind (or cmake -P cmake/PerfGateSetup.cmake as root).")
  else()
    execute_process(COMMAND "${_perfgate_valgrind}" --version OUTPUT_VARIABLE valgrind_out
      ERROR_QUIET RESULT_VARIABLE valgrind_result OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(valgrind_out MATCHES "valgrind-([0-9]+)\\.([0-9]+)")
      set(valgrind_version "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
    else()
      set(toolchain_error "'${_perfgate_valgrind} --version' did not say its version: '${valgrind_out}'")
    endif()
  endif()
  # Google Benchmark: the real file name of the shared library (what the fingerprint's
  # benchmark_library key holds) carries its version; a static library: CMake's version.
  set(gbench_version "")
  find_program(_perfgate_ldd NAMES ldd)
  if(_perfgate_ldd AND EXISTS "${PERFGATE_EXECUTABLE_FILE}")
    execute_process(COMMAND "${_perfgate_ldd}" "${PERFGATE_EXECUTABLE_FILE}"
      OUTPUT_VARIABLE ldd_out ERROR_QUIET RESULT_VARIABLE ldd_result)
    if(ldd_out MATCHES "libbenchmark\\.so[^ \t\r\n]* => ([^ \t\r\n]+)")
      file(REAL_PATH "${CMAKE_MATCH_1}" gbench_file)
      get_filename_component(gbench_file "${gbench_file}" NAME)
      if(gbench_file MATCHES "\\.so\\.([0-9]+\\.[0-9]+\\.[0-9]+)$")
        set(gbench_version "${CMAKE_MATCH_1}")
      endif()
    endif()
  endif()
  if(gbench_version STREQUAL "")
    set(gbench_version "${PERFGATE_BENCHMARK_VERSION}")
  endif()
  string(REGEX MATCH "^[0-9]+(\\.[0-9]+)?" compiler_major_minor "${PERFGATE_CXX_COMPILER_VERSION}")
  set(toolchain_build "${build_type}")
  if(toolchain_build STREQUAL "")
    set(toolchain_build "none")
  endif()
  string(TOLOWER "${toolchain_build}" toolchain_build)
  if(toolchain_error STREQUAL "")
    set(toolchain_class
      "callgrind-${compiler_slug}${compiler_major_minor}-${toolchain_build}-gbench${gbench_version}-vg${valgrind_version}")
    string(REGEX REPLACE "[^A-Za-z0-9._-]+" "-" toolchain_class "${toolchain_class}")
  endif()
endmacro()

function(_perfgate_write_context file mode)
  set(json "")
  _perfgate_json_add(json schema "perfgate.context/1")
  _perfgate_json_add(json git_commit "${git_commit}")
  _perfgate_json_add(json git_dirty "${git_dirty}")
  _perfgate_json_add(json compiler "${compiler}")
  _perfgate_json_add(json compiler_id "${PERFGATE_CXX_COMPILER_ID}")
  _perfgate_json_add(json compiler_version "${PERFGATE_CXX_COMPILER_VERSION}")
  _perfgate_json_add(json compiler_path "${PERFGATE_CXX_COMPILER}")
  _perfgate_json_add(json cxx_flags "${cxx_flags}")
  _perfgate_json_add(json build_type "${build_type}")
  _perfgate_json_add(json cpu_model "${cpu_model}")
  _perfgate_json_add(json num_cpus "${num_cpus}")
  _perfgate_json_add(json cpu_scaling "${cpu_scaling}")
  _perfgate_json_add(json arch "${arch}")
  _perfgate_json_add(json os "${os_name}")
  _perfgate_json_add(json kernel "${kernel}")
  _perfgate_json_add(json hostname "${hostname}")
  _perfgate_json_add(json benchmark_library_version "${PERFGATE_BENCHMARK_VERSION}")
  _perfgate_json_add(json runner "${runner}")
  _perfgate_json_add(json runner_source "${runner_source}")
  _perfgate_json_add(json runner_fingerprint "${runner_fingerprint}")
  if(for STREQUAL "instr")
    _perfgate_json_add(json lane "instructions")
  endif()
  if(NOT toolchain_class STREQUAL "")
    _perfgate_json_add(json toolchain_class "${toolchain_class}")
  endif()
  _perfgate_json_add(json suite "${PERFGATE_SUITE}")
  _perfgate_json_add(json target "${PERFGATE_TARGET}")
  _perfgate_json_add(json executable "${PERFGATE_EXECUTABLE_FILE}")
  _perfgate_json_add(json mode "${mode}")
  _perfgate_json_add(json repetitions "${repetitions}")
  _perfgate_json_add(json min_time "${min_time}")
  _perfgate_json_add(json warmup "${warmup}")
  _perfgate_json_add(json date "${started_iso}")
  string(APPEND json "\n}\n")
  file(WRITE "${file}" "${json}")
endfunction()

# ------------------------------------------------------------------------------------------
# Artifacts and outcome
# ------------------------------------------------------------------------------------------

# Writes run.json and, when the comparator left none, a report.md/report.txt saying what
# happened; then ends the test: status "passed" exits 0, anything else fails.
function(_perfgate_finish status summary)
  # The summary may come in several string arguments (and hold ';'): join them verbatim.
  if(ARGC GREATER 2)
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE 2 ${last})
      string(APPEND summary "${ARGV${i}}")
    endforeach()
  endif()
  _perfgate_now(now)
  math(EXPR duration "${now} - ${started_at}")
  set(json "")
  _perfgate_json_add(json schema "perfgate.run/1")
  _perfgate_json_add(json test "${test_name}")
  _perfgate_json_add(json suite "${PERFGATE_SUITE}")
  _perfgate_json_add(json family "${PERFGATE_FAMILY}")
  _perfgate_json_add(json mode "${mode}")
  _perfgate_json_add(json status "${status}")
  _perfgate_json_add(json summary "${summary}")
  _perfgate_json_add(json lane "${lane_name}")
  _perfgate_json_add(json runner "${runner}")
  _perfgate_json_add(json baseline "${baseline_file}")
  _perfgate_json_add(json baseline_kind "${baseline_kind}")
  _perfgate_json_add(json benchmark_exit "${benchmark_exit}")
  _perfgate_json_add(json comparator_exit "${comparator_exit}")
  _perfgate_json_add(json command "${benchmark_command}")
  _perfgate_json_add(json started_at "${started_iso}")
  _perfgate_json_add(json duration_seconds "${duration}")
  if(DEFINED confirmation)
    _perfgate_json_add(json confirmation "${confirmation}")
  endif()
  if(DEFINED paired_method)
    # The paired lane (docs/cmake-module.md): what was compared, how often, in which order.
    _perfgate_json_add(json paired_method "${paired_method}")
    _perfgate_json_add(json reference "${reference_executable}")
    _perfgate_json_add(json reference_source "${reference_source}")
    _perfgate_json_add(json runs_per_side "${pair_index}")
    _perfgate_json_add(json repetitions_per_side "${paired_have}")
    _perfgate_json_add(json max_repetitions "${paired_cap}")
    _perfgate_json_add(json looks "${paired_looks}")
    _perfgate_json_add(json seed "${paired_seed_text}")
    _perfgate_json_add(json order "${paired_order}")
  endif()
  string(APPEND json "\n}\n")
  if(IS_DIRECTORY "${artifacts}")
    file(WRITE "${artifacts}/run.json" "${json}")
    if(NOT EXISTS "${artifacts}/report.md")
      file(WRITE "${artifacts}/report.md"
        "# perfgate: ${test_name}\n\n**${status}**: ${summary}\n\n"
        "Artifacts: `${artifacts}`\n")
      file(WRITE "${artifacts}/report.txt" "perfgate: ${test_name}: ${status}: ${summary}\n")
    endif()
    if(NOT EXISTS "${artifacts}/report.html")
      string(REPLACE "&" "&amp;" html "${summary}")
      string(REPLACE "<" "&lt;" html "${html}")
      file(WRITE "${artifacts}/report.html"
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>perfgate: ${test_name}</title>"
        "</head><body><h1>perfgate: ${test_name}</h1><p><b>${status}</b>: <pre>${html}</pre></p>"
        "</body></html>\n")
    endif()
  endif()
  if(status STREQUAL "passed")
    message("perfgate: ${test_name}: PASSED: ${summary}")
  else()
    # The full text unwrapped (FATAL_ERROR re-wraps paragraphs), then the failure itself.
    message("perfgate: ${test_name}: ${status}: ${summary}\n  Artifacts: ${artifacts}")
    message(FATAL_ERROR "perfgate: ${test_name}: ${status} (see above)")
  endif()
endfunction()


# Ends the script with success (a macro, so return() leaves the script; call it at file scope).
macro(_perfgate_pass summary)
  _perfgate_finish("passed" "${summary}")
  return()
endmacro()
# Ends a gate test from the comparator's exit_code, the report's findings and the words of
# `against` (what was compared with): pass (with warnings), fail, invalid input (the words of
# `invalid_text`), or a failed run. A macro, like _perfgate_pass: call it at file scope.
macro(_perfgate_conclude)
  if(exit_code EQUAL 0)
    if(findings MATCHES ": noisy: ")
      _perfgate_pass("${PERFGATE_FAMILY}: no regression shown against ${against}, but not everything was gated (the policy's on_inconclusive accepts undecided comparisons):${findings}")
    elseif(findings)
      _perfgate_pass("${PERFGATE_FAMILY} holds ${against}, with warnings:${findings}")
    endif()
    _perfgate_pass("${PERFGATE_FAMILY} holds ${against}.")
  elseif(exit_code EQUAL 1)
    _perfgate_finish("failed" "${PERFGATE_FAMILY}: ${_perfgate_exit_meaning_1} against ${against}:${findings}")
  elseif(exit_code EQUAL 2)
    _perfgate_finish("invalid-input" "${invalid_text}")
  elseif(exit_code EQUAL 4)
    _perfgate_finish("inconclusive" "${PERFGATE_FAMILY}: ${_perfgate_exit_meaning_4}, against ${against}; never a pass (docs/statistics.md):${findings}")
  else()
    _perfgate_finish("run-failed" "${_perfgate_exit_meaning_3} (perfgate exit ${exit_code}), against ${against}:${findings}")
  endif()
endmacro()

function(_perfgate_prepare_artifacts dir)
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "perfgate: cannot create the artifact folder.\n  Path: '${dir}'")
  endif()
  # Probe: an unwritable folder fails here, with its path, not later with a vague error.
  file(TOUCH "${dir}/.writable")
  if(NOT EXISTS "${dir}/.writable")
    message(FATAL_ERROR "perfgate: the artifact folder is not writable.\n  Path: '${dir}'")
  endif()
  file(REMOVE "${dir}/.writable")
endfunction()

# Applies ENVIRONMENT and, for reference runs, removes BASELINE_UNSET_ENV.
macro(_perfgate_apply_environment reference)
  foreach(entry IN LISTS PERFGATE_ENVIRONMENT)
    string(FIND "${entry}" "=" eq)
    if(eq GREATER 0)
      string(SUBSTRING "${entry}" 0 ${eq} var)
      math(EXPR eq "${eq} + 1")
      string(SUBSTRING "${entry}" ${eq} -1 value)
      set(ENV{${var}} "${value}")
    endif()
  endforeach()
  if(${reference})
    foreach(var IN LISTS PERFGATE_BASELINE_UNSET_ENV)
      if(DEFINED ENV{${var}})
        message("perfgate: removing ${var} from the environment of this baseline run")
        unset(ENV{${var}})
      endif()
    endforeach()
  endif()
endmacro()

# ------------------------------------------------------------------------------------------
# The benchmark run (C2): warm-up, repetitions, hard timeout, partial artifacts.
# Sets benchmark_exit, benchmark_command; on any failure ends the test through _perfgate_finish.
# ------------------------------------------------------------------------------------------

# _perfgate_run_benchmark(<regex> <results> <deadline> [EXECUTABLE <file>] [LOG <stem>]
#                         [REPETITIONS <n>] [WHAT <text>])
# Runs the warm-up and the measured run of <regex> (all when empty) into <results>. By default
# the candidate (PERFGATE_EXECUTABLE_FILE) with the test's repetitions, logs warmup.log and
# benchmark.log; the paired lane names the side's executable, its logs (<stem>.log,
# <stem>-warmup.log), the repetitions of this process run and the words for messages.
function(_perfgate_run_benchmark regex results deadline)
  cmake_parse_arguments(PARSE_ARGV 3 run "" "EXECUTABLE;LOG;REPETITIONS;WHAT" "")
  set(executable "${PERFGATE_EXECUTABLE_FILE}")
  if(DEFINED run_EXECUTABLE)
    set(executable "${run_EXECUTABLE}")
  endif()
  set(log "${artifacts}/benchmark.log")
  set(warmup_log "${artifacts}/warmup.log")
  if(DEFINED run_LOG)
    set(log "${artifacts}/${run_LOG}.log")
    set(warmup_log "${artifacts}/${run_LOG}-warmup.log")
  endif()
  set(run_repetitions "${repetitions}")
  if(DEFINED run_REPETITIONS)
    set(run_repetitions "${run_REPETITIONS}")
  endif()
  set(what "the benchmark")
  if(DEFINED run_WHAT)
    set(what "${run_WHAT}")
  endif()
  get_filename_component(log_name "${log}" NAME)
  get_filename_component(results_name "${results}" NAME)
  set(filter_args "")
  if(NOT "${regex}" STREQUAL "")
    set(filter_args "--benchmark_filter=${regex}")
  endif()
  set(common ${filter_args} ${PERFGATE_EXTRA_ARGS})

  if(NOT EXISTS "${executable}")
    _perfgate_finish("error" "the benchmark executable does not exist: ${executable}")
  endif()

  # Warm-up: a discarded short run of the same benchmarks (Google Benchmark 1.7 has no
  # --benchmark_min_warmup_time).
  if(NOT "${warmup}" STREQUAL "" AND NOT warmup MATCHES "^0*\\.?0*$")
    _perfgate_now(now)
    math(EXPR left "${deadline} - ${now}")
    if(left LESS 1)
      set(left 1)
    endif()
    execute_process(
      COMMAND "${executable}" ${common} --benchmark_repetitions=1
              --benchmark_min_time=${warmup}
      WORKING_DIRECTORY "${PERFGATE_WORKING_DIRECTORY}"
      OUTPUT_FILE "${warmup_log}" ERROR_FILE "${warmup_log}"
      TIMEOUT ${left}
      RESULT_VARIABLE warmup_exit)
    if(NOT warmup_exit EQUAL 0)
      set(benchmark_exit "${warmup_exit}" PARENT_SCOPE)
      set(benchmark_exit "${warmup_exit}")
      _perfgate_cat("${warmup_log}")
      if(warmup_exit MATCHES "timeout")
        _perfgate_finish("timeout" "the warm-up run of ${what} was killed by the hard timeout (${timeout} s).")
      endif()
      _perfgate_finish("run-failed" "the warm-up run of ${what} failed: ${warmup_exit}")
    endif()
  endif()

  _perfgate_now(now)
  math(EXPR left "${deadline} - ${now}")
  if(left LESS 1)
    set(left 1)
  endif()
  set(command "${executable}" ${common}
              --benchmark_repetitions=${run_repetitions} --benchmark_min_time=${min_time}
              "--benchmark_out=${results}" --benchmark_out_format=json
              --benchmark_format=console --benchmark_color=false)
  list(JOIN command " " benchmark_command)
  set(benchmark_command "${benchmark_command}" PARENT_SCOPE)
  message("perfgate: running ${benchmark_command}")
  execute_process(
    COMMAND ${command}
    WORKING_DIRECTORY "${PERFGATE_WORKING_DIRECTORY}"
    OUTPUT_FILE "${log}" ERROR_FILE "${log}"
    TIMEOUT ${left}
    RESULT_VARIABLE exit_code)
  set(benchmark_exit "${exit_code}" PARENT_SCOPE)
  set(benchmark_exit "${exit_code}")
  if(NOT exit_code EQUAL 0)
    _perfgate_cat("${log}")
    if(exit_code MATCHES "timeout")
      _perfgate_finish("timeout"
        "${what} was killed by the hard timeout after ${left} s (TIMEOUT ${timeout} s); "
        "the partial output is in ${log_name} and ${results_name}.")
    endif()
    _perfgate_finish("run-failed" "${what} failed (exit: ${exit_code}); see ${log_name}.")
  endif()
  if(NOT EXISTS "${results}")
    _perfgate_finish("run-failed" "${what} wrote no --benchmark_out file.")
  endif()
  file(SIZE "${results}" size)
  file(READ "${log}" console)
  if(console MATCHES "Failed to match any benchmarks")
    # Google Benchmark 1.7.1 exits 0 with an empty output when the filter matches nothing.
    _perfgate_finish("run-failed"
      "no benchmark of ${PERFGATE_TARGET} matched FILTER '${regex}' (${what}): Google Benchmark ran nothing, and a gate over nothing never passes.")
  endif()
  if(size EQUAL 0)
    _perfgate_finish("run-failed" "the --benchmark_out file of ${what} is empty.")
  endif()
  # Google Benchmark 1.7.1 exits 0 when the filter matches nothing; that is never a pass.
  file(READ "${results}" text)
  string(FIND "${text}" "\"run_name\"" has_runs)
  if(has_runs EQUAL -1)
    _perfgate_finish("run-failed"
      "no benchmark of ${PERFGATE_TARGET} matched FILTER '${regex}' (${what}): the results hold zero benchmarks, and a gate over nothing never passes.")
  endif()
endfunction()

# ------------------------------------------------------------------------------------------
# The comparator
# ------------------------------------------------------------------------------------------

set(_perfgate_exit_meaning_0 "passed")
set(_perfgate_exit_meaning_1 "gate failed (regression, SLO breach or missing benchmark)")
set(_perfgate_exit_meaning_2 "invalid input or usage (policy, baseline, fingerprint, file)")
set(_perfgate_exit_meaning_3 "the run itself failed (crash, errored benchmark, no results)")
set(_perfgate_exit_meaning_4 "inconclusive: nothing failed, but a gated comparison could not be decided (too noisy, too few repetitions)")

# Runs perfgate with the given arguments; output kept in <log> and echoed; exit code in <out>.
function(_perfgate_comparator log out)
  list(JOIN ARGN " " shown)
  message("perfgate: ${PERFGATE_PROGRAM} ${shown}")
  execute_process(COMMAND "${PERFGATE_PROGRAM}" ${ARGN}
    OUTPUT_FILE "${log}" ERROR_FILE "${log}.stderr"
    TIMEOUT 120
    RESULT_VARIABLE exit_code)
  # Quiet for the adaptive lane's interim looks: the caller prints the final log.
  if(NOT _perfgate_comparator_quiet)
    _perfgate_cat("${log}")
  endif()
  if(EXISTS "${log}.stderr")
    file(READ "${log}.stderr" stderr_text)
    if(NOT stderr_text STREQUAL "" AND NOT _perfgate_comparator_quiet)
      message("${stderr_text}")
    endif()
    file(APPEND "${log}" "${stderr_text}")
    file(REMOVE "${log}.stderr")
  endif()
  if(NOT exit_code MATCHES "^[0-9]+$")
    set(exit_code 3)
    message("perfgate: the comparator did not finish normally (${exit_code})")
  endif()
  set(${out} "${exit_code}" PARENT_SCOPE)
endfunction()

function(_perfgate_record_command out)
  if(for STREQUAL "instr")
    set(${out}
      "PERFGATE_REASON=\"<why>\" cmake --build ${PERFGATE_BINARY_DIR} --target perfgate_record_instructions_baseline_${PERFGATE_SUITE}"
      PARENT_SCOPE)
  else()
    set(${out}
      "PERFGATE_REASON=\"<why>\" PERFGATE_RUNNER=${runner} cmake --build ${PERFGATE_BINARY_DIR} --target perfgate_record_baseline_${PERFGATE_SUITE}"
      PARENT_SCOPE)
  endif()
endfunction()

# Picks the baseline of this runner class (wall-time lane) or toolchain class (instructions
# lane, <for> = instr): committed, else the provisional one.
# Sets baseline_file and baseline_kind (committed|provisional) in the caller.
macro(_perfgate_select_baseline for)
  if("${for}" STREQUAL "instr")
    set(baseline_class "${toolchain_class}")
    set(class_text "toolchain class '${toolchain_class}'")
  else()
    set(baseline_class "${runner}")
    set(class_text "runner class '${runner}' (${runner_source})")
  endif()
  set(committed "${PERFGATE_BASELINES}/${baseline_class}/${PERFGATE_SUITE}.json")
  set(provisional "${PERFGATE_ARTIFACTS_ROOT}/bootstrap-${for}/${baseline_class}/${PERFGATE_SUITE}.json")
  set(bootstrap "${PERFGATE_BOOTSTRAP}")
  string(TOUPPER "$ENV{PERFGATE_BOOTSTRAP}" env_bootstrap)
  if(env_bootstrap MATCHES "^(OFF|0|FALSE|NO)$")
    set(bootstrap OFF)
  endif()
  if(EXISTS "${committed}")
    set(baseline_file "${committed}")
    set(baseline_kind "committed")
  elseif(bootstrap STREQUAL "OFF")
    _perfgate_record_command(record_command)
    set(baseline_file "${committed}")
    set(baseline_kind "missing")
    _perfgate_finish("invalid-input"
      "no baseline for ${class_text}: '${committed}' does not exist "
      "and BOOTSTRAP is OFF.\n  Hint: record one with\n    ${record_command}\n"
      "  or see docs/baselines.md (first baseline on a new runner or toolchain).")
  else()
    set(baseline_file "${provisional}")
    set(baseline_kind "provisional")
  endif()
endmacro()

# The keyword the instructions lane's filter came from: FILTER when INSTRUCTIONS_FILTER is FILTER.
function(_perfgate_instructions_filter_keyword out)
  if("${PERFGATE_INSTRUCTIONS_FILTER}" STREQUAL "${PERFGATE_FILTER}")
    set(${out} "FILTER" PARENT_SCOPE)
  else()
    set(${out} "INSTRUCTIONS_FILTER" PARENT_SCOPE)
  endif()
endfunction()

# Runs `perfgate measure instructions` over the benchmarks matching the --benchmark_filter
# <regex> (all when empty) into <out>, killed at <deadline>. The benchmark's pinned environment
# gets ENVIRONMENT and the FORWARD_ENV variables set now, except, for a <reference> run (one that
# makes a baseline), those named by BASELINE_UNSET_ENV. Sets measure_exit (a number, or
# "timeout") and benchmark_command in the caller.
function(_perfgate_measure_instructions regex out reference deadline)
  set(env_args "")
  foreach(entry IN LISTS PERFGATE_ENVIRONMENT)
    string(FIND "${entry}" "=" eq)
    string(SUBSTRING "${entry}" 0 ${eq} var)
    if(reference AND var IN_LIST PERFGATE_BASELINE_UNSET_ENV)
      continue()
    endif()
    list(APPEND env_args --env "${entry}")
  endforeach()
  foreach(var IN LISTS PERFGATE_FORWARD_ENV)
    if(NOT DEFINED ENV{${var}})
      continue()
    endif()
    if(reference AND var IN_LIST PERFGATE_BASELINE_UNSET_ENV)
      message("perfgate: not forwarding ${var} to this baseline run (BASELINE_UNSET_ENV)")
      continue()
    endif()
    list(APPEND env_args --env "${var}=$ENV{${var}}")
    message("perfgate: forwarding ${var}=$ENV{${var}} to the measured benchmark (FORWARD_ENV)")
  endforeach()
  if(NOT EXISTS "${PERFGATE_EXECUTABLE_FILE}")
    _perfgate_finish("error" "the benchmark executable does not exist: ${PERFGATE_EXECUTABLE_FILE}")
  endif()
  _perfgate_now(now)
  math(EXPR left "${deadline} - ${now}")
  if(left LESS 1)
    set(left 1)
  endif()
  set(command "${PERFGATE_PROGRAM}" measure instructions
      --executable "${PERFGATE_EXECUTABLE_FILE}" --context "${artifacts}/context.json"
      --suite "${PERFGATE_SUITE}" --out "${out}" --jobs ${PERFGATE_INSTRUCTIONS_JOBS}
      --repeat ${repetitions} --timeout ${left} --stage-dir "${artifacts}/callgrind")
  if(NOT "${regex}" STREQUAL "")
    list(APPEND command --filter "${regex}")
  endif()
  list(APPEND command ${env_args})
  list(JOIN command " " shown)
  set(benchmark_command "${shown}" PARENT_SCOPE)
  message("perfgate: ${shown}")
  execute_process(COMMAND ${command}
    OUTPUT_FILE "${artifacts}/measure.log" ERROR_FILE "${artifacts}/measure.log"
    TIMEOUT ${left}
    RESULT_VARIABLE exit_code)
  _perfgate_cat("${artifacts}/measure.log")
  file(READ "${artifacts}/measure.log" measure_log)
  if(exit_code EQUAL 3 AND measure_log MATCHES "lists no benchmarks")
    # Google Benchmark 1.7.1 lists nothing for a filter that matches nothing; never a pass.
    _perfgate_instructions_filter_keyword(keyword)
    _perfgate_finish("run-failed"
      "no benchmark of ${PERFGATE_TARGET} matched ${keyword} '${regex}' when perfgate measure "
      "listed them; a gate over nothing never passes.")
  endif()
  if(NOT exit_code MATCHES "^[0-9]+$")
    if(exit_code MATCHES "timeout")
      set(exit_code "timeout")
    else()
      message("perfgate: perfgate measure did not finish normally (${exit_code})")
      set(exit_code 3)
    endif()
  endif()
  set(measure_exit "${exit_code}" PARENT_SCOPE)
  set(benchmark_exit "${exit_code}" PARENT_SCOPE)
endfunction()

# The decisions of report.json that are not a pass, one line each ("BM_x/8 real_time median:
# fail: ..."), so the test's last words name the benchmark and the metric.
function(_perfgate_findings report out)
  set(lines "")
  if(EXISTS "${report}")
    file(READ "${report}" json)
    string(JSON count ERROR_VARIABLE json_error LENGTH "${json}" decisions)
    if(NOT json_error AND count GREATER 0)
      math(EXPR last "${count} - 1")
      foreach(i RANGE 0 ${last})
        string(JSON verdict ERROR_VARIABLE json_error GET "${json}" decisions ${i} verdict)
        if(json_error OR verdict MATCHES "^(pass|improved|new|waived)$")
          continue()
        endif()
        set(fields "")
        foreach(key benchmark metric statistic note)
          string(JSON value ERROR_VARIABLE json_error GET "${json}" decisions ${i} ${key})
          if(json_error OR value STREQUAL "null")
            set(value "")
          endif()
          set(${key} "${value}")
        endforeach()
        string(STRIP "${benchmark} ${metric} ${statistic}" what)
        string(APPEND lines "\n    ${what}: ${verdict}: ${note}")
      endforeach()
    endif()
  endif()
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

# ------------------------------------------------------------------------------------------
# The paired lane (docs/statistics.md, lane b): a reference build run interleaved with the
# candidate in the same test, decided by `perfgate gate --reference ... --results ...`.
# ------------------------------------------------------------------------------------------

# Where the reference comes from: $ENV{PERFGATE_REFERENCE} (a CI job points an existing build
# tree at a reference build) wins over REFERENCE. Sets reference_path (empty: the stored lane)
# and reference_source in the caller.
macro(_perfgate_reference_setting)
  set(reference_path "")
  set(reference_source "")
  if(NOT "$ENV{PERFGATE_REFERENCE}" STREQUAL "")
    set(reference_path "$ENV{PERFGATE_REFERENCE}")
    set(reference_source "environment variable PERFGATE_REFERENCE")
  elseif(NOT "${PERFGATE_REFERENCE_CONFIGURED}" STREQUAL "")
    set(reference_path "${PERFGATE_REFERENCE_CONFIGURED}")
    set(reference_source "REFERENCE of perfgate_add_benchmarks()")
  endif()
endmacro()

# The reference build's benchmark executable from reference_path: the file itself, or in a build
# folder the file with the candidate's name at the candidate's path relative to the build tree,
# else the only file of that name below the folder. Anything else fails the test (never a silent
# fall-back to the stored baseline). Sets <out>.
function(_perfgate_resolve_reference out)
  set(path "${reference_path}")
  cmake_path(ABSOLUTE_PATH path BASE_DIRECTORY "${PERFGATE_BINARY_DIR}" NORMALIZE)
  get_filename_component(name "${PERFGATE_EXECUTABLE_FILE}" NAME)
  set(hint "  Hint: build the reference first (cmake -P PerfGateReference.cmake prints the path to "
           "give), or unset PERFGATE_REFERENCE / drop REFERENCE to gate against the stored baseline.")
  string(CONCAT hint ${hint})
  if(NOT EXISTS "${path}")
    _perfgate_finish("invalid-input"
      "paired lane: the reference build does not exist (from the ${reference_source}); expected "
      "the reference build's benchmark executable '${name}' or the reference build folder.\n"
      "  Path: '${path}'\n${hint}")
  endif()
  if(IS_DIRECTORY "${path}")
    set(found "")
    set(tried "")
    cmake_path(IS_PREFIX PERFGATE_BINARY_DIR "${PERFGATE_EXECUTABLE_FILE}" NORMALIZE inside)
    if(inside)
      file(RELATIVE_PATH relative "${PERFGATE_BINARY_DIR}" "${PERFGATE_EXECUTABLE_FILE}")
      set(tried "'${path}/${relative}', then ")
      if(EXISTS "${path}/${relative}" AND NOT IS_DIRECTORY "${path}/${relative}")
        set(found "${path}/${relative}")
      endif()
    endif()
    if(found STREQUAL "")
      file(GLOB_RECURSE matches LIST_DIRECTORIES false "${path}/${name}")
      list(FILTER matches EXCLUDE REGEX "/CMakeFiles/|/perfgate-artifacts/")
      list(LENGTH matches count)
      if(count EQUAL 1)
        set(found "${matches}")
      elseif(count GREATER 1)
        list(JOIN matches "'\n    '" shown)
        _perfgate_finish("invalid-input"
          "paired lane: the reference build folder (from the ${reference_source}) holds "
          "${count} files named '${name}' and none at the candidate's place; which one is the "
          "reference is ambiguous.\n  Path: '${path}'\n  Found: '${shown}'\n"
          "  Hint: name the reference executable itself.")
      else()
        _perfgate_finish("invalid-input"
          "paired lane: no reference executable '${name}' in the reference build folder (from "
          "the ${reference_source}); looked at ${tried}anywhere below the folder.\n"
          "  Path: '${path}'\n"
          "  Hint: build the target ${PERFGATE_TARGET} in the reference build, or name its "
          "executable.")
      endif()
    endif()
    set(path "${found}")
  elseif(reference_source MATCHES "environment")
    # PERFGATE_REFERENCE holds for every suite of the build tree: a file must be this suite's.
    get_filename_component(reference_name "${path}" NAME)
    if(NOT reference_name STREQUAL name)
      _perfgate_finish("invalid-input"
        "paired lane: PERFGATE_REFERENCE names '${reference_name}', but this suite's benchmark "
        "executable is '${name}' (the variable applies to every suite of the build tree).\n"
        "  Path: '${path}'\n"
        "  Hint: set PERFGATE_REFERENCE to the reference build folder; each suite finds its own "
        "executable there.")
    endif()
  endif()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# Sets the environment of one side of the paired lane: ENVIRONMENT for both; the reference does
# without the variables of BASELINE_UNSET_ENV (as a baseline run would), the candidate gets them
# back as ctest gave them.
function(_perfgate_paired_environment side)
  foreach(var IN LISTS PERFGATE_BASELINE_UNSET_ENV)
    if(side STREQUAL "reference")
      unset(ENV{${var}})
    elseif(DEFINED _perfgate_saved_defined_${var})
      set(ENV{${var}} "${_perfgate_saved_env_${var}}")
    endif()
  endforeach()
endfunction()

# One pair of process runs, reference and candidate in a random order, of the benchmarks matching
# <regex> with <reps> repetitions each: reference-<i>.json and candidate-<i>.json. Updates
# pair_index, paired_order, paired_reference_args and paired_candidate_args in the caller.
function(_perfgate_paired_pair regex reps)
  math(EXPR pair_index "${pair_index} + 1")
  string(SUBSTRING "${paired_coins}" ${pair_index} 1 coin)
  if(coin STREQUAL "0")
    set(sides reference candidate)
    string(APPEND paired_order " RC")
  else()
    set(sides candidate reference)
    string(APPEND paired_order " CR")
  endif()
  string(STRIP "${paired_order}" paired_order)
  foreach(side IN LISTS sides)
    _perfgate_paired_environment(${side})
    if(side STREQUAL "reference")
      set(executable "${reference_executable}")
      set(what "the reference run ${pair_index} (${reference_executable})")
    else()
      set(executable "${PERFGATE_EXECUTABLE_FILE}")
      set(what "the candidate run ${pair_index}")
    endif()
    _perfgate_run_benchmark("${regex}" "${artifacts}/${side}-${pair_index}.json" "${deadline}"
      EXECUTABLE "${executable}" LOG "${side}-${pair_index}" REPETITIONS ${reps} WHAT "${what}")
  endforeach()
  list(APPEND paired_reference_args --reference "${artifacts}/reference-${pair_index}.json")
  list(APPEND paired_candidate_args --results "${artifacts}/candidate-${pair_index}.json")
  foreach(var pair_index paired_order paired_reference_args paired_candidate_args)
    set(${var} "${${var}}" PARENT_SCOPE)
  endforeach()
endfunction()

# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------

if(NOT DEFINED PERFGATE_RUN_CONFIG OR NOT EXISTS "${PERFGATE_RUN_CONFIG}")
  message(FATAL_ERROR "PerfGateRun.cmake: the run configuration does not exist.\n"
                      "  Path: '${PERFGATE_RUN_CONFIG}'\n"
                      "  Hint: re-run the CMake configure step of the build tree.")
endif()
include("${PERFGATE_RUN_CONFIG}")
if(DEFINED PERFGATE_EXECUTABLE_OVERRIDE)
  # Gate another build of the same suite (e.g. bm_example_plus1) under this configuration.
  set(PERFGATE_EXECUTABLE_FILE "${PERFGATE_EXECUTABLE_OVERRIDE}")
endif()
set(mode "${PERFGATE_MODE}")
if(NOT mode MATCHES "^(perf|instr|smoke|validate|bootstrap|record|not_built)$")
  message(FATAL_ERROR "PerfGateRun.cmake: unknown PERFGATE_MODE '${mode}'.")
endif()
set(test_name "${PERFGATE_TEST_NAME}")
set(baseline_file "")
set(baseline_kind "")
set(benchmark_exit "")
set(comparator_exit "")
set(benchmark_command "")
_perfgate_now(started_at)
string(TIMESTAMP started_iso "%Y-%m-%dT%H:%M:%SZ" UTC)
set(runner "")
set(toolchain_class "")
set(toolchain_error "")
set(lane_name "")

if(mode STREQUAL "not_built")
  message(FATAL_ERROR
    "perfgate: the benchmark executable of suite '${PERFGATE_SUITE}' was never built, so its "
    "benchmarks are not discovered.\n"
    "  Path: '${PERFGATE_EXECUTABLE_FILE}'\n"
    "  Hint: cmake --build ${PERFGATE_BINARY_DIR} --target ${PERFGATE_TARGET}, then run ctest again.")
endif()

# Settings per mode.
set(for "${mode}")
if(mode STREQUAL "bootstrap")
  set(for "${PERFGATE_FOR}")
elseif(mode STREQUAL "record")
  set(for "perf")
  if("${PERFGATE_FOR}" STREQUAL "instr")
    set(for "instr")
  endif()
elseif(mode STREQUAL "validate")
  set(for "perf")
endif()
if(NOT for MATCHES "^(perf|instr|smoke)$")
  message(FATAL_ERROR "PerfGateRun.cmake: unknown PERFGATE_FOR '${for}'.")
endif()
if(for STREQUAL "instr")
  set(lane_name "instructions")
else()
  set(lane_name "wall-time")
endif()
if(for STREQUAL "instr")
  # Separate valgrind runs per benchmark: counts that differ mark it noisy.
  set(repetitions "${PERFGATE_INSTRUCTIONS_REPEAT}")
  set(min_time "")
  set(warmup 0)
  set(timeout "${PERFGATE_INSTRUCTIONS_TIMEOUT}")
elseif(for STREQUAL "smoke")
  set(repetitions 1)
  set(min_time "${PERFGATE_SMOKE_MIN_TIME}")
  set(warmup 0)
  set(timeout "${PERFGATE_SMOKE_TIMEOUT}")
else()
  set(repetitions "${PERFGATE_REPETITIONS}")
  set(min_time "${PERFGATE_MIN_TIME}")
  set(warmup "${PERFGATE_WARMUP}")
  set(timeout "${PERFGATE_TIMEOUT}")
endif()
# The benchmark is killed before the test's TIMEOUT, so a verdict and artifacts still follow.
string(REGEX REPLACE "\\..*$" "" timeout_whole "${timeout}")
if(timeout_whole STREQUAL "" OR timeout_whole LESS 1)
  set(timeout_whole 1)
endif()
# Margin for the verdict and the reports: 10 % of TIMEOUT, at least 5 s (at most half of it).
math(EXPR margin "${timeout_whole} / 10")
if(margin LESS 5)
  math(EXPR margin "${timeout_whole} / 2")
  if(margin GREATER 5)
    set(margin 5)
  endif()
endif()
math(EXPR hard_limit "${timeout_whole} - ${margin}")
if(hard_limit LESS 1)
  set(hard_limit 1)
endif()
math(EXPR deadline "${started_at} + ${hard_limit}")

_perfgate_collect_context()
_perfgate_reference_setting()
if(repetitions STREQUAL "auto" AND NOT (mode STREQUAL "perf" AND NOT reference_path STREQUAL ""))
  # REPETITIONS auto is the paired lane's; a run that makes a baseline takes the cap.
  set(repetitions "${PERFGATE_MAX_REPETITIONS}")
endif()
if(for STREQUAL "instr" OR (mode STREQUAL "validate" AND "instructions" IN_LIST PERFGATE_LANES))
  _perfgate_toolchain_class()
endif()

if(mode STREQUAL "validate")
  set(test_name "perfgate.${PERFGATE_SUITE}.validate")
  set(artifacts "${PERFGATE_ARTIFACTS_ROOT}/${test_name}")
elseif(mode STREQUAL "bootstrap")
  set(test_name "perfgate.${PERFGATE_SUITE}.bootstrap.${for}")
  set(artifacts "${PERFGATE_ARTIFACTS_ROOT}/${test_name}")
elseif(mode STREQUAL "record" AND for STREQUAL "instr")
  set(test_name "perfgate_record_instructions_baseline_${PERFGATE_SUITE}")
  set(artifacts "${PERFGATE_ARTIFACTS_ROOT}/record-instructions")
elseif(mode STREQUAL "record")
  set(test_name "perfgate_record_baseline_${PERFGATE_SUITE}")
  set(artifacts "${PERFGATE_ARTIFACTS_ROOT}/record")
else()
  set(artifacts "${PERFGATE_ARTIFACTS}")
endif()
_perfgate_prepare_artifacts("${artifacts}")
_perfgate_write_context("${artifacts}/context.json" "${mode}")
message("perfgate: suite ${PERFGATE_SUITE}, runner class ${runner} (${runner_source}), "
        "${build_type} build, ${cpu_model} x${num_cpus}, ${compiler}")
if(NOT toolchain_class STREQUAL "")
  message("perfgate: instructions lane, toolchain class ${toolchain_class}")
endif()

# C2: never gate an unoptimised build.
_perfgate_optimised("${cxx_flags}" "${build_type}" optimised)
if(NOT optimised)
  if(build_type STREQUAL "")
    set(what "a build without CMAKE_BUILD_TYPE")
  else()
    set(what "a ${build_type} build")
  endif()
  _perfgate_finish("refused"
    "refusing to gate ${what} of ${PERFGATE_TARGET} (flags: '${cxx_flags}'): its timings say "
    "nothing about the optimised program.\n"
    "  Hint: configure an optimised build, e.g.\n"
    "    cmake -S <source> -B <build> -DCMAKE_BUILD_TYPE=Release\n"
    "  (or RelWithDebInfo) and run ctest there.")
endif()

# ---------------------------------------------------------------------------- validate
if(mode STREQUAL "validate")
  # Every policy and every committed baseline of the suite's lanes, before anything runs.
  set(checks "perf|${PERFGATE_POLICY}|${runner}|runner class")
  if("instructions" IN_LIST PERFGATE_LANES)
    list(APPEND checks "instr|${PERFGATE_INSTRUCTIONS_POLICY}|${toolchain_class}|toolchain class")
  endif()
  set(said "")
  foreach(check IN LISTS checks)
    string(REPLACE "|" ";" check "${check}")
    list(GET check 0 for)
    list(GET check 1 policy)
    list(GET check 2 class)
    list(GET check 3 class_word)
    _perfgate_comparator("${artifacts}/policy-check-${for}.log" exit_code policy check "${policy}")
    set(comparator_exit "${exit_code}")
    if(NOT exit_code EQUAL 0)
      _perfgate_finish("invalid-input"
        "the policy does not validate (perfgate exit ${exit_code}: ${_perfgate_exit_meaning_${exit_code}}); "
        "every gate test of suite ${PERFGATE_SUITE} is stopped.\n  Policy: '${policy}'")
    endif()
    if(class STREQUAL "")
      # The toolchain class could not be computed (no valgrind): the instr tests say why.
      string(APPEND said " Instructions policy validates, but: ${toolchain_error}")
      continue()
    endif()
    set(committed "${PERFGATE_BASELINES}/${class}/${PERFGATE_SUITE}.json")
    if(NOT EXISTS "${committed}")
      string(APPEND said " Policy '${policy}' validates; no committed baseline for ${class_word} ${class}.")
      continue()
    endif()
    set(baseline_file "${committed}")
    set(baseline_kind "committed")
    # Parse the committed baseline (and check it against the policy).
    _perfgate_comparator("${artifacts}/baseline-check-${for}.log" exit_code
      compare "${committed}" "${committed}" --policy "${policy}" --format text)
    set(comparator_exit "${exit_code}")
    if(exit_code EQUAL 2 OR exit_code EQUAL 3)
      _perfgate_record_command(record_command)
      _perfgate_finish("invalid-input"
        "the committed baseline does not validate (perfgate exit ${exit_code}); every gate test of "
        "suite ${PERFGATE_SUITE} is stopped.\n  Baseline: '${committed}'\n"
        "  Hint: fix it or record a new one with\n    ${record_command}")
    endif()
    string(APPEND said " Policy '${policy}' and committed baseline (${class_word} ${class}) validate.")
  endforeach()
  string(STRIP "${said}" said)
  _perfgate_pass("${said}")
endif()

# The instructions lane needs valgrind (and the facts of its toolchain class).
if(for STREQUAL "instr" AND NOT toolchain_error STREQUAL "")
  _perfgate_finish("error" "${toolchain_error}")
endif()

# ---------------------------------------------------------------------------- bootstrap
if(mode STREQUAL "bootstrap")
  if(for STREQUAL "perf" AND NOT reference_path STREQUAL "")
    _perfgate_pass("paired lane (reference build from the ${reference_source}): the perf tests compare with the reference build, no stored baseline is needed.")
  endif()
  _perfgate_select_baseline(${for})
  if(baseline_kind STREQUAL "committed")
    _perfgate_pass("committed baseline found, nothing to bootstrap: ${baseline_file}")
  endif()
  if(for STREQUAL "instr")
    set(results "${artifacts}/instructions.json")
    _perfgate_measure_instructions("${PERFGATE_INSTRUCTIONS_FILTER}" "${results}" TRUE "${deadline}")
    if(NOT measure_exit EQUAL 0)
      _perfgate_finish("run-failed"
        "measuring the reference under callgrind failed (perfgate measure exit ${measure_exit}); "
        "a baseline is never recorded from a run that could not measure every benchmark.")
    endif()
  else()
    _perfgate_apply_environment(TRUE)
    set(results "${artifacts}/results.json")
    _perfgate_run_benchmark("${PERFGATE_FILTER}" "${results}" "${deadline}")
  endif()
  get_filename_component(provisional_dir "${baseline_file}" DIRECTORY)
  file(MAKE_DIRECTORY "${provisional_dir}")
  file(REMOVE "${baseline_file}")
  _perfgate_comparator("${artifacts}/record.log" exit_code
    baseline record --results "${results}" --suite "${PERFGATE_SUITE}" --out "${baseline_file}"
    --runner "${baseline_class}" --context "${artifacts}/context.json"
    --recorded-by "perfgate bootstrap (${hostname})"
    --reason "PROVISIONAL: bootstrapped in the build tree because ${class_text} has no committed baseline - not reviewed, not committed (see docs/baselines.md)")
  set(comparator_exit "${exit_code}")
  if(NOT exit_code EQUAL 0 OR NOT EXISTS "${baseline_file}")
    _perfgate_finish("run-failed" "recording the provisional baseline failed (perfgate exit ${exit_code}).")
  endif()
  _perfgate_pass("PROVISIONAL ${lane_name} baseline for ${class_text} recorded from a clean run: ${baseline_file}")
endif()

# ---------------------------------------------------------------------------- record
if(mode STREQUAL "record")
  set(reason "${PERFGATE_REASON}")
  if(reason STREQUAL "")
    set(reason "$ENV{PERFGATE_REASON}")
  endif()
  string(STRIP "${reason}" reason)
  if(for STREQUAL "instr")
    set(baseline_class "${toolchain_class}")
    set(class_text "toolchain class '${toolchain_class}'")
    set(record_policy "${PERFGATE_INSTRUCTIONS_POLICY}")
  else()
    set(baseline_class "${runner}")
    set(class_text "runner class '${runner}'")
    set(record_policy "${PERFGATE_POLICY}")
  endif()
  set(committed "${PERFGATE_BASELINES}/${baseline_class}/${PERFGATE_SUITE}.json")
  if(NOT "$ENV{PERFGATE_RECORD_OUT}" STREQUAL "")
    set(committed "$ENV{PERFGATE_RECORD_OUT}")
  endif()
  set(baseline_file "${committed}")
  set(baseline_kind "committed")
  string(LENGTH "${reason}" reason_length)
  if(reason_length LESS 10)
    _perfgate_finish("refused"
      "recording a baseline needs a written reason (at least 10 characters).\n"
      "  Hint: PERFGATE_REASON=\"why the numbers change\" cmake --build ${PERFGATE_BINARY_DIR} "
      "--target ${test_name}")
  endif()
  set(deadline 9999999999)
  if(for STREQUAL "instr")
    set(results "${artifacts}/instructions.json")
    _perfgate_measure_instructions("${PERFGATE_INSTRUCTIONS_FILTER}" "${results}" TRUE "${deadline}")
    if(NOT measure_exit EQUAL 0)
      _perfgate_finish("run-failed"
        "perfgate measure instructions failed (exit ${measure_exit}); nothing is recorded from a "
        "run that could not measure every benchmark.")
    endif()
  else()
    _perfgate_apply_environment(TRUE)
    set(results "${artifacts}/results.json")
    _perfgate_run_benchmark("${PERFGATE_FILTER}" "${results}" "${deadline}")
  endif()
  get_filename_component(committed_dir "${committed}" DIRECTORY)
  file(MAKE_DIRECTORY "${committed_dir}")
  # Who records it: PERFGATE_RECORDED_BY, else the CI job or the user, and the host.
  set(recorded_by "$ENV{PERFGATE_RECORDED_BY}")
  if(recorded_by STREQUAL "")
    set(user "$ENV{USER}")
    if(user STREQUAL "")
      set(user "$ENV{LOGNAME}")
    endif()
    if(user STREQUAL "")
      set(user "unknown-user")
    endif()
    set(recorded_by "${user}@${hostname}")
    if(NOT "$ENV{CI_JOB_URL}" STREQUAL "")
      set(recorded_by "$ENV{CI_JOB_URL}")
    elseif(NOT "$ENV{GITHUB_RUN_ID}" STREQUAL "")
      set(recorded_by "github run $ENV{GITHUB_RUN_ID} ($ENV{GITHUB_ACTOR})")
    endif()
  endif()
  string(REPLACE ";" "\\;" reason_arg "${reason}")
  # The before/after comparison with the previous baseline goes to the artifacts (comparison/);
  # the previous baseline's provenance is kept in the new file's history.
  file(MAKE_DIRECTORY "${artifacts}/comparison")
  # The file is committed: the results and the executable are named relative to the repository
  # (build/bin/bm_example), not by this machine's folders.
  set(relative_args "")
  if(_perfgate_git)
    execute_process(COMMAND "${_perfgate_git}" -C "${PERFGATE_SOURCE_DIR}" rev-parse --show-toplevel
      OUTPUT_VARIABLE git_toplevel RESULT_VARIABLE git_result ERROR_QUIET
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(git_result EQUAL 0 AND NOT git_toplevel STREQUAL "")
      set(relative_args --paths-relative-to "${git_toplevel}")
    endif()
  endif()
  _perfgate_comparator("${artifacts}/record.log" exit_code
    baseline record --results "${results}" --suite "${PERFGATE_SUITE}" --out "${committed}"
    --runner "${baseline_class}" --context "${artifacts}/context.json" --reason "${reason_arg}"
    --recorded-by "${recorded_by}" --policy "${record_policy}"
    --report-dir "${artifacts}/comparison" ${relative_args})
  set(comparator_exit "${exit_code}")
  if(NOT exit_code EQUAL 0)
    _perfgate_finish("run-failed" "perfgate baseline record failed (exit ${exit_code}).")
  endif()
  _perfgate_pass("recorded ${committed} for ${class_text}.\n  Review the comparison in ${artifacts}/comparison/ and commit the file with its reason.")
endif()

# ---------------------------------------------------------------------------- perf / instr / smoke
if("${PERFGATE_FAMILY}" STREQUAL "")
  set(filter_text "${PERFGATE_FILTER}")
  set(filter_keyword "FILTER")
  if(for STREQUAL "instr")
    set(filter_text "${PERFGATE_INSTRUCTIONS_FILTER}")
    _perfgate_instructions_filter_keyword(filter_keyword)
  endif()
  _perfgate_finish("no-benchmarks"
    "no benchmark of ${PERFGATE_TARGET} matched ${filter_keyword} '${filter_text}' when it was listed "
    "(--benchmark_list_tests); a gate over nothing never passes.\n"
    "  Hint: fix ${filter_keyword} in perfgate_add_benchmarks(${PERFGATE_TARGET} ...) or the benchmarks' names.")
endif()
# ---------------------------------------------------------------------------- perf, paired lane
if(mode STREQUAL "perf" AND NOT reference_path STREQUAL "")
  _perfgate_resolve_reference(reference_executable)
  set(baseline_file "${reference_executable}")
  set(baseline_kind "reference")
  message("perfgate: paired lane: the candidate ${PERFGATE_EXECUTABLE_FILE} against the reference "
          "build ${reference_executable} (from the ${reference_source}), run interleaved")
  # Does it run, and does it have this family? (CMake 3.25 has no if(IS_EXECUTABLE).)
  execute_process(COMMAND "${reference_executable}" --benchmark_list_tests=true
                          "--benchmark_filter=${PERFGATE_FAMILY_REGEX}" ${PERFGATE_EXTRA_ARGS}
    WORKING_DIRECTORY "${PERFGATE_WORKING_DIRECTORY}" TIMEOUT 60
    OUTPUT_VARIABLE listing ERROR_VARIABLE listing_errors RESULT_VARIABLE list_exit)
  if(NOT list_exit EQUAL 0)
    _perfgate_finish("invalid-input"
      "paired lane: the reference executable does not run (${list_exit}); expected the reference "
      "build's benchmark executable, executable by this user.\n"
      "  Path: '${reference_executable}' (from the ${reference_source})\n${listing_errors}")
  endif()
  string(REGEX MATCHALL "[^\n]+" listed "${listing}")
  if(listed STREQUAL "")
    # A family the reference does not have yet: nothing to compare it with, as with a benchmark
    # missing from a baseline; the policy's on_new says what that means.
    file(READ "${PERFGATE_POLICY}" policy_text)
    string(JSON on_new ERROR_VARIABLE json_error GET "${policy_text}" on_new)
    if(json_error)
      set(on_new "warn")
    endif()
    set(paired_method "paired")
    set(pair_index 0)
    set(paired_have 0)
    if(on_new STREQUAL "fail")
      _perfgate_finish("failed"
        "${PERFGATE_FAMILY} is new: the reference build ${reference_executable} has none of its "
        "benchmarks (paired lane), and the policy's on_new is fail.")
    endif()
    _perfgate_pass("${PERFGATE_FAMILY} is new: the reference build ${reference_executable} has none of its benchmarks, nothing to compare (paired lane; the policy's on_new is ${on_new}).")
  endif()

  # The order of the two builds: random, reproducible from the test name and PERFGATE_SEED (else
  # the candidate's git commit), and kept in run.json.
  set(seed_text "$ENV{PERFGATE_SEED}")
  set(seed_from "PERFGATE_SEED")
  if(seed_text STREQUAL "")
    set(seed_text "${git_commit}")
    set(seed_from "git commit")
  endif()
  string(MD5 digest "${test_name}|${seed_text}")
  string(SUBSTRING "${digest}" 0 7 digest)
  math(EXPR seed "0x${digest}")
  # One string(RANDOM) call draws every coin: CMake 3.25 gives poorly mixed single draws in a row.
  math(EXPR coins "${PERFGATE_RUNS} + ${PERFGATE_MAX_REPETITIONS} + 8")
  string(RANDOM LENGTH ${coins} ALPHABET "01" RANDOM_SEED ${seed} paired_coins)
  set(paired_seed_text "${seed} (md5 of '${test_name}|${seed_text}', ${seed_from})")

  # Both sides get ENVIRONMENT; the reference runs do without BASELINE_UNSET_ENV.
  _perfgate_apply_environment(FALSE)
  foreach(var IN LISTS PERFGATE_BASELINE_UNSET_ENV)
    if(DEFINED ENV{${var}})
      set(_perfgate_saved_defined_${var} TRUE)
      set(_perfgate_saved_env_${var} "$ENV{${var}}")
      message("perfgate: ${var} is removed from the environment of the reference runs (BASELINE_UNSET_ENV)")
    endif()
  endforeach()

  set(pair_index 0)
  set(paired_order "")
  set(paired_reference_args "")
  set(paired_candidate_args "")
  set(paired_looks "")
  set(paired_cap "")
  set(gate_common --policy "${PERFGATE_POLICY}" --context "${artifacts}/context.json"
      --benchmarks "${PERFGATE_FAMILY_REGEX}" --report-dir "${artifacts}" --ctest-measurements)
  if(NOT repetitions STREQUAL "auto")
    # Fixed design: RUNS process runs per side, REPETITIONS each.
    set(paired_method "paired")
    set(paired_have 0)
    foreach(run RANGE 1 ${PERFGATE_RUNS})
      _perfgate_paired_pair("${PERFGATE_FAMILY_REGEX}" ${repetitions})
      math(EXPR paired_have "${paired_have} + ${repetitions}")
    endforeach()
    set(design "${PERFGATE_RUNS} runs x ${repetitions} repetitions = ${paired_have} repetitions per side")
    _perfgate_comparator("${artifacts}/gate.log" exit_code gate
      ${paired_reference_args} ${paired_candidate_args} ${gate_common})
  else()
    # Adaptive repetitions: interleaved process runs of 2 repetitions each until every side has 4,
    # then one `--sequential` look after another; only the undecided benchmarks run again, until
    # they have what the look asks for. All files go to every look (docs/cli.md).
    set(paired_method "paired-sequential")
    set(paired_cap "${PERFGATE_MAX_REPETITIONS}")
    set(chunk 2)
    set(paired_have 0)
    set(run_regex "${PERFGATE_FAMILY_REGEX}")
    set(target_reps 4)
    set(look 0)
    set(max_looks 30)
    set(_perfgate_comparator_quiet TRUE)
    while(TRUE)
      while(paired_have LESS target_reps)
        math(EXPR reps "${target_reps} - ${paired_have}")
        if(reps GREATER chunk)
          set(reps ${chunk})
        endif()
        _perfgate_paired_pair("${run_regex}" ${reps})
        math(EXPR paired_have "${paired_have} + ${reps}")
      endwhile()
      math(EXPR look "${look} + 1")
      _perfgate_comparator("${artifacts}/gate-look-${look}.log" exit_code gate
        ${paired_reference_args} ${paired_candidate_args} ${gate_common} --sequential ${paired_cap})
      file(READ "${artifacts}/gate-look-${look}.log" look_log)
      if(NOT exit_code EQUAL 0 OR look_log MATCHES "perfgate-sequential: decided")
        string(APPEND paired_looks "look ${look}: ${paired_have}/side, decided (exit ${exit_code})")
        break()
      endif()
      if(NOT look_log MATCHES "perfgate-sequential: continue next=([0-9]+) undecided=([0-9]+)")
        set(comparator_exit "${exit_code}")
        _perfgate_cat("${artifacts}/gate-look-${look}.log")
        _perfgate_finish("run-failed"
          "paired lane: perfgate gate --sequential exited 0 without saying 'decided' or "
          "'continue' (look ${look}, ${paired_have} repetitions per side); no verdict is taken "
          "from an interim report. See gate-look-${look}.log.")
      endif()
      set(next "${CMAKE_MATCH_1}")
      set(undecided_count "${CMAKE_MATCH_2}")
      string(REGEX MATCHALL "perfgate-sequential-undecided: [^\n]+" undecided_lines "${look_log}")
      set(alternatives "")
      set(undecided_names "")
      foreach(line IN LISTS undecided_lines)
        string(REGEX REPLACE "^perfgate-sequential-undecided: " "" name "${line}")
        string(STRIP "${name}" name)
        # Escaped for Google Benchmark's filter (RE2 or std::regex): the name, literally.
        string(REGEX REPLACE "([][.*+?^$(){}|\\\\])" "\\\\\\1" escaped "${name}")
        list(APPEND alternatives "${escaped}")
        string(APPEND undecided_names " ${name}")
      endforeach()
      string(APPEND paired_looks "look ${look}: ${paired_have}/side, continue to ${next} (${undecided_count} undecided:${undecided_names}); ")
      message("perfgate: look ${look} at ${paired_have} repetitions per side: continue to ${next} for${undecided_names}")
      if(alternatives STREQUAL "" OR look GREATER_EQUAL max_looks OR paired_have GREATER_EQUAL paired_cap)
        set(comparator_exit "${exit_code}")
        _perfgate_cat("${artifacts}/gate-look-${look}.log")
        _perfgate_finish("run-failed"
          "paired lane: the adaptive repetitions did not end (look ${look}, ${paired_have} "
          "repetitions per side, cap ${paired_cap}, undecided:${undecided_names}); a gate that "
          "cannot decide never passes. See gate-look-${look}.log.")
      endif()
      list(JOIN alternatives "|" run_regex)
      set(run_regex "^(${run_regex})$")
      # At least one more repetition per look, never past the cap.
      set(target_reps "${next}")
      if(target_reps LESS_EQUAL paired_have)
        math(EXPR target_reps "${paired_have} + 1")
      endif()
      if(target_reps GREATER paired_cap)
        set(target_reps "${paired_cap}")
      endif()
    endwhile()
    set(_perfgate_comparator_quiet FALSE)
    file(COPY_FILE "${artifacts}/gate-look-${look}.log" "${artifacts}/gate.log")
    _perfgate_cat("${artifacts}/gate.log")
    set(design "adaptive: ${paired_have} repetitions per side (cap ${paired_cap}) in ${pair_index} runs per side, looks: ${look}")
  endif()
  set(comparator_exit "${exit_code}")
  set(benchmark_command "paired: ${pair_index} runs per side, order ${paired_order}; see run.json")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E echo
    "<CTestMeasurement type=\"text/string\" name=\"perfgate/baseline\">paired</CTestMeasurement>")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E echo
    "<CTestMeasurement type=\"numeric/double\" name=\"perfgate/repetitions_per_side\">${paired_have}</CTestMeasurement>")
  _perfgate_findings("${artifacts}/report.json" findings)
  set(against "the reference build ${reference_executable} (paired lane, ${design})")
  set(invalid_text "${_perfgate_exit_meaning_2} (perfgate exit 2), against ${against}; see gate.log.")
  _perfgate_conclude()
endif()

_perfgate_select_baseline(${mode})
if(NOT EXISTS "${baseline_file}")
  _perfgate_finish("invalid-input"
    "the provisional baseline was not bootstrapped: '${baseline_file}' does not exist.\n"
    "  Hint: run the test with its fixtures (plain ctest -L ${mode} does), or record a baseline.")
endif()
set(measure_exit 0)
if(for STREQUAL "instr")
  set(results "${artifacts}/instructions.json")
  set(policy_file "${PERFGATE_INSTRUCTIONS_POLICY}")
  _perfgate_measure_instructions("${PERFGATE_FAMILY_REGEX}" "${results}" FALSE "${deadline}")
  if(measure_exit STREQUAL "timeout")
    _perfgate_finish("timeout"
      "perfgate measure instructions was killed by the hard timeout (INSTRUCTIONS_TIMEOUT "
      "${timeout} s); its output is in measure.log.")
  elseif(measure_exit EQUAL 2)
    _perfgate_finish("invalid-input" "perfgate measure instructions refused its input (exit 2); see measure.log.")
  elseif(NOT EXISTS "${results}")
    _perfgate_finish("run-failed" "perfgate measure instructions wrote no results (exit ${measure_exit}); see measure.log.")
  endif()
  # Exit 3 (a benchmark could not be measured): the gate still runs, so the reports name it.
else()
  _perfgate_apply_environment(FALSE)
  set(results "${artifacts}/results.json")
  _perfgate_run_benchmark("${PERFGATE_FAMILY_REGEX}" "${results}" "${deadline}")
  set(policy_file "${PERFGATE_POLICY}")
endif()

# A smoke run has one repetition by design: the policy's min_repetitions rules would make every
# smoke test an error, so smoke gates under a copy of the policy without them (written to the
# artifacts). Everything else in the policy applies unchanged.
if(mode STREQUAL "smoke")
  file(READ "${PERFGATE_POLICY}" policy_text)
  string(JSON rule_count ERROR_VARIABLE json_error LENGTH "${policy_text}" rules)
  if(NOT json_error AND rule_count GREATER 0)
    set(removed 0)
    math(EXPR i "${rule_count} - 1")
    while(i GREATER_EQUAL 0)
      string(JSON has_min ERROR_VARIABLE json_error GET "${policy_text}" rules ${i} min_repetitions)
      if(NOT json_error)
        string(JSON policy_text REMOVE "${policy_text}" rules ${i})
        math(EXPR removed "${removed} + 1")
      endif()
      math(EXPR i "${i} - 1")
    endwhile()
    if(removed GREATER 0)
      set(policy_file "${artifacts}/smoke-policy.json")
      file(WRITE "${policy_file}" "${policy_text}\n")
      message("perfgate: smoke runs one repetition: ${removed} min_repetitions rule(s) of the policy "
              "do not apply (${policy_file})")
    endif()
  endif()
endif()

set(gate_args gate --baseline "${baseline_file}" --results "${results}" --policy "${policy_file}"
    --context "${artifacts}/context.json" --benchmarks "${PERFGATE_FAMILY_REGEX}"
    --report-dir "${artifacts}" --ctest-measurements)
if(mode STREQUAL "smoke")
  list(APPEND gate_args --warn-only)
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E echo
  "<CTestMeasurement type=\"text/string\" name=\"perfgate/baseline\">${baseline_kind}</CTestMeasurement>")
if(baseline_kind STREQUAL "provisional")
  message("perfgate: NOTE: comparing against a PROVISIONAL baseline bootstrapped in this build "
          "tree (${class_text} has no committed baseline); see docs/baselines.md.")
endif()
_perfgate_comparator("${artifacts}/gate.log" exit_code ${gate_args})
set(comparator_exit "${exit_code}")
if(measure_exit EQUAL 3 AND exit_code EQUAL 0)
  # Never a pass when something could not be measured.
  set(exit_code 3)
endif()
if(baseline_kind STREQUAL "provisional" AND EXISTS "${artifacts}/report.md")
  file(READ "${artifacts}/report.md" report)
  file(WRITE "${artifacts}/report.md"
    "> **Provisional baseline.** The ${class_text} has no committed baseline; this verdict "
    "compares against a baseline bootstrapped in the build tree from a clean run "
    "(docs/baselines.md).\n\n${report}")
endif()
_perfgate_findings("${artifacts}/report.json" findings)
set(against "the ${baseline_kind} ${lane_name} baseline of ${class_text}")

# C8 on a shared machine: a stored wall-time baseline cannot tell a slowdown of the code from a
# slowdown of the machine during the candidate's run (a neighbour, a frequency drop). A fail must
# therefore replicate: one confirmation run of the family, gated alone against the same baseline,
# must fail too. Each run's test is at the family-wise level, so requiring both keeps the false-fail
# rate within it; a transient episode rarely hits both runs (docs/cmake-module.md, CONFIRM).
if(mode STREQUAL "perf" AND exit_code EQUAL 1 AND PERFGATE_CONFIRM)
  _perfgate_now(now)
  math(EXPR first_took "${now} - ${started_at}")
  math(EXPR left "${deadline} - ${now}")
  if(left LESS_EQUAL first_took)
    set(confirmation "skipped: ${left} s left before the hard timeout, the first run took ${first_took} s")
    message("perfgate: no time left for a confirmation run (${left} s); the first verdict stands.")
  else()
    message("perfgate: the gate failed; a confirmation run of ${PERFGATE_FAMILY} decides whether "
            "the slowdown replicates (CONFIRM).")
    file(MAKE_DIRECTORY "${artifacts}/confirm")
    _perfgate_run_benchmark("${PERFGATE_FAMILY_REGEX}" "${artifacts}/confirm/results.json" "${deadline}"
      LOG "confirm/benchmark" WHAT "the confirmation run")
    # The same gate on the confirmation run alone; CDash keeps the first run's measurements.
    _perfgate_comparator("${artifacts}/confirm/gate.log" confirm_exit
      gate --baseline "${baseline_file}" --results "${artifacts}/confirm/results.json"
      --policy "${policy_file}" --context "${artifacts}/context.json"
      --benchmarks "${PERFGATE_FAMILY_REGEX}" --report-dir "${artifacts}/confirm")
    _perfgate_findings("${artifacts}/confirm/report.json" confirm_findings)
    if(confirm_exit EQUAL 0)
      set(confirmation "passed: the first run's fail did not replicate")
      set(exit_code 0)
      set(findings "\n  first run FAILED, not replicated by the confirmation run (confirm/report.txt), so it is taken as the machine's slowdown, not the code's:${findings}")
    elseif(confirm_exit EQUAL 1)
      set(confirmation "failed: the regression replicated")
      set(findings "${findings}\n  replicated by a confirmation run (confirm/report.txt):${confirm_findings}")
    elseif(confirm_exit EQUAL 4)
      # Neither replicated nor ruled out: the machine was too noisy to tell. Never a pass.
      set(confirmation "inconclusive: the confirmation run could not decide (perfgate exit 4)")
      set(exit_code 4)
      set(findings "\n  first run FAILED; the confirmation run could not decide (confirm/report.txt), so the gate is inconclusive:${findings}${confirm_findings}")
    else()
      set(confirmation "error: perfgate exit ${confirm_exit}")
      set(exit_code "${confirm_exit}")
      set(findings "${confirm_findings}")
    endif()
    message("perfgate: confirmation run ${confirmation}")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" -E echo
    "<CTestMeasurement type=\"text/string\" name=\"perfgate/confirmation\">${confirmation}</CTestMeasurement>")
endif()

if(exit_code EQUAL 0 AND mode STREQUAL "smoke")
  if(findings)
    _perfgate_pass("smoke run of ${PERFGATE_FAMILY} completed; reported, not enforced (smoke):${findings}")
  endif()
  _perfgate_pass("smoke run of ${PERFGATE_FAMILY} completed; nothing to report.")
endif()
_perfgate_record_command(record_command)
set(invalid_text "${_perfgate_exit_meaning_2} (perfgate exit 2).\n  If the baseline belongs to another machine, compiler or build type, record one for the ${class_text}:\n    ${record_command}")
_perfgate_conclude()
