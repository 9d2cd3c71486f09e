# perfgate — distributed under the terms of the project's LICENSE file.

#[=======================================================================[.rst:
PerfGate
--------

Register the benchmark families of a Google Benchmark executable as CTest
tests that are gated by perfgate against a versioned baseline under a written
policy, in one or two measurement *lanes* (``docs/lanes.md``).

Like CMake's own :module:`GoogleTest` module, :command:`perfgate_add_benchmarks`
asks the *built* executable for its benchmarks (``--benchmark_list_tests``),
either right after it is linked (``POST_BUILD``) or when CTest starts
(``PRE_TEST``), so adding or renaming a benchmark never needs a re-configure.
If the executable was never built, failing placeholder tests named
``perf.<suite>.NOT_BUILT`` (``instr.<suite>.NOT_BUILT``,
``smoke.<suite>.NOT_BUILT``) say so.

For every benchmark *family* (the part of a benchmark's name before the first
``/``: ``BM_Sort/1024`` and ``BM_Sort/4096`` are the family ``BM_Sort``) it
adds one test per lane in ``LANES`` and a smoke test:

``perf.<suite>.<family>`` (lane ``wall-time``)
  Real and CPU time, throughput and counters. Labels ``perf-gate`` when
  ``wall-time`` is the first (blocking) lane, else ``perf-walltime``, and
  ``<suite>``; ``RUN_SERIAL``, a bounded ``TIMEOUT``. Runs a warm-up, then
  ``REPETITIONS`` repetitions of at least ``MIN_TIME`` seconds each, and fails
  on a regression, an SLO breach, a missing benchmark, a crash, a timeout or
  invalid output, against ``<BASELINES>/<runner class>/<suite>.json`` under
  ``POLICY``. With a ``REFERENCE`` build (or ``PERFGATE_REFERENCE`` in the
  environment of ``ctest``) the test runs the *paired* lane instead: the
  reference build's executable and the candidate alternate in a randomized
  order, ``RUNS`` process runs each (or adaptively, ``REPETITIONS auto``), and
  ``perfgate gate --reference ... --results ...`` decides; no stored baseline
  is used (``docs/statistics.md``, lane (b)).

``instr.<suite>.<family>`` (lane ``instructions``)
  Instructions per iteration under valgrind's callgrind (``perfgate measure
  instructions``): identical from run to run on the same toolchain, whatever
  the load, so margins under 1 % work on a noisy machine. Labels ``perf-gate``
  when ``instructions`` is the first lane, else ``perf-instructions``, and
  ``instructions`` and ``<suite>``; ``TIMEOUT`` is ``INSTRUCTIONS_TIMEOUT``,
  ``PROCESSORS`` is ``INSTRUCTIONS_JOBS`` and ``RESOURCE_LOCK
  perfgate_valgrind`` (no ``RUN_SERIAL``: load does not move the counts).
  Gated under ``INSTRUCTIONS_POLICY`` against
  ``<BASELINES>/<toolchain class>/<suite>.json``. A benchmark whose count
  differs between its ``INSTRUCTIONS_REPEAT`` separate valgrind runs is
  reported ``noisy`` (never gated on), a threaded one carries a note.

``smoke.<suite>.<family>``
  The quick look at a desk, always wall time. Labels ``smoke`` and
  ``<suite>``. One short repetition; regressions are reported but do not fail
  (``perfgate gate --warn-only``); a crash, an error, a timeout or invalid or
  empty output still fails.

Each test's command is the perfgate program itself, ``perfgate run <run
configuration> --mode <perf|instr|smoke> ...``: the run configuration
(``perfgate.run-config/1``, one JSON file per suite and build configuration,
written by ``file(GENERATE)``) holds what this function knows; everything
decided at test time is decided by perfgate, which exits with its own code
(0 pass, 1 fail, 2 invalid input, 3 run failed, 4 inconclusive) so that CTest
and ``Testing/*/Test.xml`` show it. It writes everything it produced (the
benchmark's JSON or ``instructions.json``, its console output, the run
context, the reports ``report.{txt,md,html,json,csv,junit.xml}`` and
``run.json``) under ``<ARTIFACTS_DIR>/<suite>/<folder>/``, one folder per
test, so ``ctest -j`` never mixes them, and it writes them even when the
benchmark crashes or is killed by the hard timeout. Every gated value is
printed as a ``<CTestMeasurement type="numeric/double" name="...">`` line,
which CTest turns into a ``NamedMeasurement`` that CDash graphs; the Markdown
report is attached to the test (``ATTACHED_FILES``), the HTML report when it
fails. After the gate tests, ``perfgate.<suite>.summary`` (a cleanup fixture)
folds every test's artifacts into ``<ARTIFACTS_DIR>/<suite>/summary/``
(``perfgate report merge``).

Set-up tests guard the gate tests through test fixtures, so that a policy or
baseline that does not validate stops every dependent test (*Not Run*)
instead of letting it pass:

``perfgate.<suite>.validate``
  ``perfgate policy check`` of ``POLICY`` (and ``INSTRUCTIONS_POLICY``) and a
  parse of every committed baseline of the runner and toolchain classes.

``perfgate.<suite>.bootstrap.perf`` / ``.instr`` / ``.smoke``
  When the lane's committed baseline does not exist (and did not exist at
  configure time) and ``BOOTSTRAP`` is ``AUTO`` or ``ACCEPT``, record a
  *provisional* baseline into the build tree from a separate clean run (the
  variables named in ``BASELINE_UNSET_ENV`` removed from its environment).
  Every report and the CTest output of a gate against it say *provisional*;
  its verdict is inconclusive (exit 4) unless bootstrap verdicts are accepted
  (``BOOTSTRAP ACCEPT`` or the policy's ``accept_bootstrap_verdicts``). With
  ``BOOTSTRAP OFF`` (or ``PERFGATE_BOOTSTRAP=off`` in the environment of
  ``ctest``) a missing baseline fails with the command that records one. A
  committed baseline that disappeared since configure time fails this
  fixture (exit 2, naming the file), never bootstrapped.
  ``bootstrap.perf`` passes at once when the paired lane is on (``REFERENCE``
  or ``PERFGATE_REFERENCE``): it uses no stored baseline.

The runner class (wall-time lane) is ``$ENV{PERFGATE_RUNNER}`` when set at
test time, else ``RUNNER``, else a slug of the machine's fingerprint
(architecture, CPU model, logical CPU count, compiler and major version, and
the build type when it is not ``Release``), e.g. ``x86_64-v3-amd-epyc-2c-2450mhz-l2-512k-l3-32m-gcc12``.
The toolchain class (instructions lane) is computed at test time from the
facts the lane's fingerprint checks: compiler and version, build type, Google
Benchmark library version and valgrind version, e.g.
``callgrind-gcc12.2-release-gbench1.7.1-vg3.19``; a machine with the same
toolchain finds the committed baseline whatever its CPU. See
``docs/baselines.md``.

The targets ``perfgate_record_baseline_<suite>`` (wall time, runner class) and
``perfgate_record_instructions_baseline_<suite>`` (instructions, toolchain
class) record the committed baselines through ``perfgate baseline update``:
they need a written reason in the environment variable ``PERFGATE_REASON``,
lock the file, write atomically with a digest, keep the previous baseline's
provenance and leave a before/after comparison in
``<ARTIFACTS_DIR>/<suite>/record/`` (``record-instructions/``);
``perfgate_record_baselines`` records them all::

  PERFGATE_REASON="first baseline of the ci-large runners" \
    cmake --build build --target perfgate_record_baseline_example

Gating a ``Debug`` or otherwise unoptimised build (no ``-O1``..``-O3``,
``-Os``, ``-Ofast`` in the effective flags, or ``-O0``) is refused at test
time with a message that says how to configure an optimised build; a warning
says so already at configure time.

.. command:: perfgate_add_benchmarks

  .. code-block:: cmake

    perfgate_add_benchmarks(<target>
                            SUITE <name>
                            POLICY <file>
                            [LANES <wall-time|instructions>...]
                            [WAIVERS <file>]
                            [INSTRUCTIONS_POLICY <file>]
                            [INSTRUCTIONS_FILTER <regex>]
                            [INSTRUCTIONS_TIMEOUT <seconds>]
                            [INSTRUCTIONS_REPEAT <n>]
                            [INSTRUCTIONS_JOBS <n>]
                            [BASELINES <dir>]
                            [RUNNER <name>]
                            [FILTER <regex>]
                            [REPETITIONS <n|auto>]
                            [REFERENCE <executable|build dir>]
                            [RUNS <k>]
                            [MAX_REPETITIONS <cap>]
                            [MIN_TIME <seconds>]
                            [WARMUP <seconds>]
                            [TIMEOUT <seconds>]
                            [SMOKE_MIN_TIME <seconds>]
                            [SMOKE_TIMEOUT <seconds>]
                            [SMOKE_LABEL <label>]
                            [LABELS <label>...]
                            [ENVIRONMENT <VAR=value>...]
                            [BASELINE_UNSET_ENV <VAR>...]
                            [FORWARD_ENV <VAR>...]
                            [EXTRA_ARGS <arg>...]
                            [WORKING_DIRECTORY <dir>]
                            [ARTIFACTS_DIR <dir>] [HISTORY <file>|OFF]
                            [BOOTSTRAP <AUTO|ACCEPT|OFF>]
                            [CONFIRM <ON|OFF>]
                            [RECORD_RUNS <n>]
                            [DISCOVERY_MODE <POST_BUILD|PRE_TEST>]
                            [DISCOVERY_TIMEOUT <seconds>]
    )

  Any keyword not listed here, or a keyword without its value, is a
  configure error.

  ``<target>``
    An executable target built from Google Benchmark (``BENCHMARK_MAIN()`` or
    an equivalent ``main`` that honours the ``--benchmark_*`` flags).

  ``SUITE <name>``
    The suite's name: the middle part of the test names and the name of the
    baseline file. Letters, digits, ``_`` and ``-`` only. One executable per
    suite.

  ``POLICY <file>``
    The ``perfgate.policy/1`` file that decides. Relative paths are relative to
    ``CMAKE_CURRENT_SOURCE_DIR``. It must exist at configure time.

  ``WAIVERS <file>``
    A ``perfgate.waivers/1`` file of known regressions let through until their
    expiry date (``docs/waivers.md``), applied with the policy's own
    ``waivers``. Relative paths are relative to ``CMAKE_CURRENT_SOURCE_DIR``.
    Default: ``waivers.json`` beside the policy file when it exists at test
    time.

  ``LANES <lane>...``
    The measurement lanes, ``wall-time`` and/or ``instructions``; the first
    one is the blocking gate (label ``perf-gate``), the other keeps its tests
    runnable under its own label (``perf-walltime`` or
    ``perf-instructions``). Default: ``PERFGATE_DEFAULT_LANES`` or
    ``wall-time``.

  ``INSTRUCTIONS_POLICY <file>``
    The policy of the instructions lane (a rule on the metric
    ``instructions``; perfgate's ``gates/instructions.json`` is a start).
    Required when ``LANES`` holds ``instructions``. Default:
    ``PERFGATE_DEFAULT_INSTRUCTIONS_POLICY``.

  ``INSTRUCTIONS_FILTER <regex>``
    The Google Benchmark filter of the instructions lane, e.g. ``/10$`` to
    measure only the small sizes (a benchmark runs 111 iterations at about
    50x slowdown under callgrind). Default: ``FILTER``.

  ``INSTRUCTIONS_TIMEOUT <seconds>``
    The ``TIMEOUT`` of each ``instr.*`` test; ``perfgate measure`` is killed at
    90 % of it so that a verdict and the artifacts still follow. Default:
    ``PERFGATE_DEFAULT_INSTRUCTIONS_TIMEOUT`` or 300.

  ``INSTRUCTIONS_REPEAT <n>``
    Separate valgrind runs per benchmark (``perfgate measure --repeat``);
    counts that differ mark the benchmark ``noisy``. Threaded benchmarks are
    always measured at least 3 times. Default:
    ``PERFGATE_DEFAULT_INSTRUCTIONS_REPEAT`` or 2.

  ``INSTRUCTIONS_JOBS <n>``
    Valgrind processes at a time (``perfgate measure --jobs``), also the
    tests' ``PROCESSORS``. Default: ``PERFGATE_DEFAULT_INSTRUCTIONS_JOBS`` or 2.

  ``BASELINES <dir>``
    The folder of committed baselines, ``<dir>/<runner>/<suite>.json`` and
    ``<dir>/<toolchain class>/<suite>.json``.
    Default: ``PERFGATE_DEFAULT_BASELINES`` or
    ``${CMAKE_CURRENT_SOURCE_DIR}/baselines``. It need not exist yet.

  ``RUNNER <name>``
    The runner class, when it is not to come from ``$ENV{PERFGATE_RUNNER}`` or
    the machine's fingerprint. Default: ``PERFGATE_DEFAULT_RUNNER``, else
    computed at test time.

  ``FILTER <regex>``
    Only benchmarks matching this Google Benchmark filter are discovered and
    gated. A filter that matches nothing fails the tests
    ``perf.<suite>.NO_BENCHMARKS`` and ``smoke.<suite>.NO_BENCHMARKS``.

  ``REPETITIONS <n|auto>``
    Repetitions of the gate tests (``--benchmark_repetitions``). Default:
    ``PERFGATE_DEFAULT_REPETITIONS`` or 10. Smoke tests always run one. In the
    paired lane ``<n>`` is the repetitions of *each process run*, so each side
    pools ``RUNS`` x ``<n>`` repetitions. ``auto`` (needs ``REFERENCE``)
    chooses them adaptively: the two builds run interleaved, 2 repetitions
    per process run, until each side has 4; then ``perfgate gate --sequential
    <MAX_REPETITIONS>`` says stop, or how many the undecided benchmarks need
    (only those run again), up to ``MAX_REPETITIONS`` per side.

  ``REFERENCE <executable|build dir>``
    Turns the wall-time tests (``perf.*``) into the paired lane. The benchmark
    executable of a reference build (e.g. of the merge base;
    ``PerfGateReference.cmake`` makes one), or that build's folder, where the
    executable with the candidate's file name is looked for at the
    candidate's path relative to ``CMAKE_BINARY_DIR``
    (``<dir>/benchmarks/bm_codec``), then anywhere below it. Relative paths
    are relative to ``CMAKE_BINARY_DIR``; generator expressions work. The
    environment variable ``PERFGATE_REFERENCE`` at test time takes precedence
    (a CI job points an existing build tree at a reference build without
    re-configuring; a file named there must have the candidate's file name).
    A reference that cannot be found or is not executable fails the test,
    naming the path: never a silent fall-back to the stored baseline. Smoke
    and ``instr.*`` tests are unchanged. Default: ``PERFGATE_DEFAULT_REFERENCE``
    or none.

  ``RUNS <k>``
    Process runs per side in the paired lane, alternated with the reference
    in a randomized order (seeded by the test name and
    ``$ENV{PERFGATE_SEED}``, else the candidate's git commit; the seed and the
    order are kept in ``run.json``). Default: ``PERFGATE_DEFAULT_RUNS`` or 5.

  ``MAX_REPETITIONS <cap>``
    With ``REPETITIONS auto``: the most pooled repetitions per side
    (``perfgate gate --sequential <cap>``), at least 4. Default:
    ``PERFGATE_DEFAULT_MAX_REPETITIONS`` or 20.

  ``MIN_TIME <seconds>``
    ``--benchmark_min_time`` of the gate tests, a bare number of seconds.
    Default: ``PERFGATE_DEFAULT_MIN_TIME`` or ``0.1``.

  ``WARMUP <seconds>``
    A discarded warm-up run of the same benchmarks before the measured one
    (Google Benchmark 1.7 has no ``--benchmark_min_warmup_time``); ``0``
    turns it off. Default: ``PERFGATE_DEFAULT_WARMUP`` or ``0.05``.

  ``TIMEOUT <seconds>``
    The ``TIMEOUT`` of each gate test. The benchmark itself is killed at
    90 % of it so that the artifacts and a verdict are still written.
    Default: ``PERFGATE_DEFAULT_TIMEOUT`` or 300.

  ``SMOKE_MIN_TIME <seconds>``
    ``--benchmark_min_time`` of the smoke tests. Default:
    ``PERFGATE_DEFAULT_SMOKE_MIN_TIME`` or ``0.01``.

  ``SMOKE_TIMEOUT <seconds>``
    The ``TIMEOUT`` of each smoke test. Default:
    ``PERFGATE_DEFAULT_SMOKE_TIMEOUT`` or 60.

  ``SMOKE_LABEL <label>``
    The label of the smoke tests, in place of ``smoke`` (their fixtures carry
    ``<label>-fixture``), for a suite whose quick look must stay out of
    ``ctest -L smoke``, such as a long load profile. Default:
    ``PERFGATE_DEFAULT_SMOKE_LABEL`` or ``smoke``.

  ``LABELS <label>...``
    Extra labels for every test added.

  ``ENVIRONMENT <VAR=value>...``
    Environment of the benchmark in every test (and in the baseline runs).

  ``BASELINE_UNSET_ENV <VAR>...``
    Variables removed from the environment of the runs that produce a
    baseline (the provisional bootstraps and the ``perfgate_record_*``
    targets), e.g. a fault-injection switch.

  ``FORWARD_ENV <VAR>...``
    Variables passed from the environment of ``ctest`` into the pinned
    environment of the instructions lane (``perfgate measure --env``), which
    otherwise holds only ``PATH`` and ``LD_BIND_NOW`` so that nothing else can
    move the counts; never into a baseline run when ``BASELINE_UNSET_ENV``
    names them. The wall-time lane inherits the whole environment anyway.

  ``EXTRA_ARGS <arg>...``
    Extra arguments for the benchmark executable.

  ``WORKING_DIRECTORY <dir>``
    Where the benchmark runs. Default: ``CMAKE_CURRENT_BINARY_DIR``.

  ``ARTIFACTS_DIR <dir>``
    Root of the artifact folders. Default: ``PERFGATE_DEFAULT_ARTIFACTS_DIR``
    or ``${CMAKE_BINARY_DIR}/perfgate-artifacts``. Must not be inside the
    source tree.

  ``HISTORY <file>|OFF``
    The local history store (SQLite, docs/history.md) that every gate test
    appends its decisions to, for ``perfgate history`` and ``perfgate trend``.
    Default: ``PERFGATE_DEFAULT_HISTORY`` or
    ``${CMAKE_BINARY_DIR}/perfgate-history.sqlite``; ``OFF`` keeps none. The
    environment variable ``PERFGATE_HISTORY`` (a path, or ``off``) overrides it
    when the tests run, e.g. to keep the store in a CI cache folder.

  ``CONFIRM <ON|OFF>``
    A failing ``perf.*`` test against a stored baseline runs the family once
    more and gates that confirmation run alone against the same baseline;
    the test fails only when the regression replicates. A stored baseline
    cannot tell a slowdown of the code from a slowdown of the machine during
    one run (a neighbour, a frequency drop); requiring two fails keeps the
    false-fail rate within the gate's level while a transient episode rarely
    hits both runs. Skipped when the time left before the hard timeout is
    shorter than the first run took. ``run.json`` and the measurement
    ``perfgate/confirmation`` say what happened; the confirmation's reports
    are in ``confirm/``. The paired and instructions lanes and smoke tests do
    not confirm. Default: ``PERFGATE_DEFAULT_CONFIRM`` or ``ON``.

  ``RECORD_RUNS <n>``
    Separate process runs of the benchmark that a recorded wall-time
    baseline pools (each with ``REPETITIONS`` repetitions), so that one
    disturbed run cannot shape a committed baseline. Default:
    ``PERFGATE_DEFAULT_RECORD_RUNS`` or 3.

  ``BOOTSTRAP <AUTO|ACCEPT|OFF>``
    What a runner or toolchain class without a committed baseline gets:
    ``AUTO`` records a provisional one in the build tree, and the gate tests
    against it are *inconclusive* (exit 4: a baseline recorded from the build
    under test checks nothing) unless the policy says
    ``"accept_bootstrap_verdicts": true``; ``ACCEPT`` records one and accepts
    its verdicts (every report still says *provisional*); ``OFF`` fails with
    the command that records one. A committed baseline that existed at
    configure time and is gone at test time is never bootstrapped: exit 2,
    naming the file. The environment variable ``PERFGATE_BOOTSTRAP=off`` at
    test time forces ``OFF``. Default: ``PERFGATE_DEFAULT_BOOTSTRAP`` or
    ``AUTO``.

  ``DISCOVERY_MODE <POST_BUILD|PRE_TEST>``
    When the benchmarks are listed, as for :command:`gtest_discover_tests`.
    Default: ``PERFGATE_DEFAULT_DISCOVERY_MODE`` or ``POST_BUILD``.

  ``DISCOVERY_TIMEOUT <seconds>``
    How long ``--benchmark_list_tests`` may take. Default: 10.

  The comparator is the program named by the variable ``PERFGATE_EXECUTABLE``
  when it is set, else the target ``perfgate::perfgate`` (from
  ``find_package(PerfGate)``, ``add_subdirectory`` or ``FetchContent``).

  Example:

  .. code-block:: cmake

    find_package(benchmark REQUIRED)
    find_package(PerfGate CONFIG REQUIRED)
    include(PerfGate)

    add_executable(bm_codec bm_codec.cpp)
    target_link_libraries(bm_codec PRIVATE codec benchmark::benchmark_main)
    perfgate_add_benchmarks(bm_codec
      SUITE codec
      POLICY gates/codec.json
      BASELINES ${PROJECT_SOURCE_DIR}/baselines
      REPETITIONS 12 MIN_TIME 0.2 TIMEOUT 600
      LABELS codec-team)

  and then ``ctest -L perf-gate`` in CI, ``ctest -L smoke`` at a desk. In the
  paired lane, against a reference build of the merge base made in the same
  job (``cmake -P PerfGateReference.cmake``, see ``docs/cmake-module.md``):

  .. code-block:: cmake

    perfgate_add_benchmarks(bm_codec
      SUITE codec
      POLICY gates/codec-paired.json       # margins of a few percent
      REFERENCE ${PROJECT_BINARY_DIR}/../build-reference
      REPETITIONS auto MAX_REPETITIONS 20)

  With
  the deterministic lane blocking and the wall-time lane kept for SLOs:

  .. code-block:: cmake

    perfgate_add_benchmarks(bm_codec
      SUITE codec
      POLICY gates/codec.json                   # wall time: ctest -L perf-walltime
      LANES instructions wall-time
      INSTRUCTIONS_POLICY gates/codec-instructions.json   # ctest -L perf-gate
      FORWARD_ENV CODEC_FAULT_INJECTION
      BASELINE_UNSET_ENV CODEC_FAULT_INJECTION)
#]=======================================================================]

include_guard(GLOBAL)

block(SCOPE_FOR POLICIES)
cmake_policy(VERSION 3.25)

# True when <token> looks like a misspelling of one of <keywords> (upper case, same first three
# letters, length within two); the closest such keyword is returned in <out>.
function(_perfgate_similar_keyword token keywords out)
  set(${out} "" PARENT_SCOPE)
  if(NOT token MATCHES "^[A-Z][A-Z0-9_]+$")
    return()
  endif()
  string(LENGTH "${token}" token_length)
  string(SUBSTRING "${token}" 0 3 token_head)
  foreach(keyword IN LISTS keywords)
    string(LENGTH "${keyword}" keyword_length)
    string(SUBSTRING "${keyword}" 0 3 keyword_head)
    math(EXPR difference "${token_length} - ${keyword_length}")
    if(token_head STREQUAL keyword_head AND difference LESS_EQUAL 2 AND difference GREATER_EQUAL -2)
      set(${out} "${keyword}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

function(_perfgate_positive_number where keyword value)
  if(NOT value MATCHES "^([0-9]+\\.?[0-9]*|\\.[0-9]+)$" OR value MATCHES "^0*\\.?0*$")
    message(FATAL_ERROR "${where}: ${keyword} must be a positive number of seconds or a count.\n"
                        "  Value: '${value}'")
  endif()
endfunction()

# CTest keeps only 1 KiB of a passing test's output by default, which would drop the
# <CTestMeasurement> lines before they reach Test.xml. Unless the project has its own
# CTestCustom.cmake at the top of the build tree, write one that keeps enough.
function(_perfgate_ctest_custom)
  set(file "${CMAKE_BINARY_DIR}/CTestCustom.cmake")
  set(marker "# Written by perfgate_add_benchmarks()")
  if(EXISTS "${file}")
    file(READ "${file}" text)
    string(FIND "${text}" "${marker}" ours)
    string(FIND "${text}" "CTEST_CUSTOM_MAXIMUM_PASSED_TEST_OUTPUT_SIZE" sized)
    if(ours EQUAL -1)
      if(sized EQUAL -1)
        message(WARNING "perfgate: ${file} does not set CTEST_CUSTOM_MAXIMUM_PASSED_TEST_OUTPUT_SIZE;"
                        " CTest may cut the measurements of passing gate tests.\n"
                        "  Hint: set it to 1048576 there.")
      endif()
      return()
    endif()
  endif()
  file(CONFIGURE OUTPUT "${file}" CONTENT "${marker}; keeps the measurements of passing tests.
set(CTEST_CUSTOM_MAXIMUM_PASSED_TEST_OUTPUT_SIZE 1048576)
set(CTEST_CUSTOM_MAXIMUM_FAILED_TEST_OUTPUT_SIZE 4194304)
")
endfunction()

# The sections of perfgate_add_benchmarks(), in order. Macros: they share its variables.

# --- Strict arguments: unknown, misspelt or valueless keywords are configure errors.
macro(_perfgate_check_arguments)
  if(arg_UNPARSED_ARGUMENTS)
    list(GET arg_UNPARSED_ARGUMENTS 0 first)
    _perfgate_similar_keyword("${first}" "${all_keywords}" guess)
    if(guess)
      set(hint "\n  Hint: did you mean '${guess}'?")
    else()
      set(hint "\n  Hint: the keywords are ${all_keywords}")
    endif()
    list(JOIN arg_UNPARSED_ARGUMENTS " " unparsed)
    message(FATAL_ERROR "${where}: unknown argument '${first}'.\n"
                        "  Unparsed: ${unparsed}${hint}")
  endif()
  foreach(keyword IN LISTS multiValueArgs)
    foreach(value IN LISTS arg_${keyword})
      if(value IN_LIST all_keywords)
        message(FATAL_ERROR "${where}: keyword ${value} given inside ${keyword} (given twice?).")
      endif()
      _perfgate_similar_keyword("${value}" "${all_keywords}" guess)
      if(guess AND NOT keyword MATCHES "^(BASELINE_UNSET_ENV|FORWARD_ENV)$")
        message(FATAL_ERROR "${where}: '${value}' in ${keyword} looks like a misspelt keyword.\n"
                            "  Hint: did you mean '${guess}'?")
      endif()
    endforeach()
  endforeach()
  foreach(keyword BASELINE_UNSET_ENV FORWARD_ENV)
    foreach(value IN LISTS arg_${keyword})
      if(NOT value MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
        message(FATAL_ERROR "${where}: ${keyword} takes variable names.\n  Value: '${value}'")
      endif()
    endforeach()
  endforeach()
  foreach(value IN LISTS arg_ENVIRONMENT)
    if(NOT value MATCHES "^[A-Za-z_][A-Za-z0-9_]*=")
      _perfgate_similar_keyword("${value}" "${all_keywords}" guess)
      set(hint "")
      if(guess)
        set(hint "\n  Hint: did you mean the keyword '${guess}'?")
      endif()
      message(FATAL_ERROR "${where}: ENVIRONMENT takes VAR=value entries.\n"
                          "  Value: '${value}'${hint}")
    endif()
  endforeach()
  if(arg_KEYWORDS_MISSING_VALUES)
    list(JOIN arg_KEYWORDS_MISSING_VALUES ", " missing)
    message(FATAL_ERROR "${where}: keyword(s) without a value: ${missing}.")
  endif()

  if(NOT TARGET ${target})
    message(FATAL_ERROR "${where}: '${target}' is not a target.")
  endif()
  get_target_property(target_type ${target} TYPE)
  if(NOT target_type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "${where}: '${target}' is a ${target_type}, not an executable.")
  endif()
  get_target_property(target_imported ${target} IMPORTED)

  if(NOT DEFINED arg_SUITE)
    message(FATAL_ERROR "${where}: SUITE <name> is required.")
  endif()
  if(NOT arg_SUITE MATCHES "^[A-Za-z0-9_-]+$")
    message(FATAL_ERROR "${where}: SUITE may hold letters, digits, '_' and '-' only.\n"
                        "  Value: '${arg_SUITE}'")
  endif()
  get_property(suite_owner GLOBAL PROPERTY _PERFGATE_SUITE_${arg_SUITE})
  if(suite_owner)
    message(FATAL_ERROR "${where}: SUITE '${arg_SUITE}' is already registered by '${suite_owner}'.\n"
                        "  Hint: give each benchmark executable its own suite.")
  endif()
  set_property(GLOBAL PROPERTY _PERFGATE_SUITE_${arg_SUITE} "${target}")

  if(NOT DEFINED arg_POLICY)
    message(FATAL_ERROR "${where}: POLICY <file> is required.\n"
                        "  Hint: start from perfgate's gates/default.json.")
  endif()
  cmake_path(ABSOLUTE_PATH arg_POLICY BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  if(NOT EXISTS "${arg_POLICY}" OR IS_DIRECTORY "${arg_POLICY}")
    message(FATAL_ERROR "${where}: POLICY file does not exist.\n"
                        "  Path: '${arg_POLICY}'\n"
                        "  Hint: write a perfgate.policy/1 file (see docs/policy.md); "
                        "perfgate's gates/default.json is a start.")
  endif()
  # A changed policy re-runs the configure step, so the tests never hold a stale path.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${arg_POLICY}")
  if(DEFINED arg_WAIVERS)
    cmake_path(ABSOLUTE_PATH arg_WAIVERS BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${arg_WAIVERS}" OR IS_DIRECTORY "${arg_WAIVERS}")
      message(FATAL_ERROR "${where}: WAIVERS file does not exist.\n"
                          "  Path: '${arg_WAIVERS}'\n"
                          "  Hint: write a perfgate.waivers/1 file (see docs/waivers.md), or leave "
                          "WAIVERS out to use waivers.json beside the policy when there is one.")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${arg_WAIVERS}")
  endif()

endmacro()

# --- Defaults (PERFGATE_DEFAULT_<KEYWORD>, then built-in).
macro(_perfgate_apply_defaults)
  foreach(pair
      "BASELINES|${CMAKE_CURRENT_SOURCE_DIR}/baselines" "RUNNER|" "REPETITIONS|10"
      "MIN_TIME|0.1" "WARMUP|0.05" "TIMEOUT|300" "SMOKE_MIN_TIME|0.01" "SMOKE_TIMEOUT|60" "SMOKE_LABEL|smoke"
      "WORKING_DIRECTORY|${CMAKE_CURRENT_BINARY_DIR}"
      "ARTIFACTS_DIR|${CMAKE_BINARY_DIR}/perfgate-artifacts" "BOOTSTRAP|AUTO"
      "HISTORY|${CMAKE_BINARY_DIR}/perfgate-history.sqlite"
      "DISCOVERY_MODE|POST_BUILD" "DISCOVERY_TIMEOUT|10" "LANES|wall-time" "INSTRUCTIONS_POLICY|"
      "INSTRUCTIONS_TIMEOUT|300" "INSTRUCTIONS_REPEAT|2"
      "INSTRUCTIONS_JOBS|2" "REFERENCE|" "RUNS|5" "MAX_REPETITIONS|20"
      "CONFIRM|ON" "RECORD_RUNS|3")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 keyword)
    list(LENGTH pair n)
    set(fallback "")
    if(n GREATER 1)
      list(GET pair 1 fallback)
    endif()
    if(NOT DEFINED arg_${keyword})
      if(DEFINED PERFGATE_DEFAULT_${keyword})
        set(arg_${keyword} "${PERFGATE_DEFAULT_${keyword}}")
      else()
        set(arg_${keyword} "${fallback}")
      endif()
    endif()
  endforeach()
  # Not in the list above: a FILTER holding "|" (BM_(a|b)) would be split there.
  if(NOT DEFINED arg_INSTRUCTIONS_FILTER)
    if(DEFINED PERFGATE_DEFAULT_INSTRUCTIONS_FILTER)
      set(arg_INSTRUCTIONS_FILTER "${PERFGATE_DEFAULT_INSTRUCTIONS_FILTER}")
    else()
      set(arg_INSTRUCTIONS_FILTER "${arg_FILTER}")
    endif()
  endif()

endmacro()

# --- The paired lane (docs/statistics.md, lane b): REFERENCE, RUNS, REPETITIONS auto.
macro(_perfgate_check_paired)
  if(arg_REPETITIONS MATCHES "^[Aa][Uu][Tt][Oo]$")
    set(arg_REPETITIONS auto)
    if("${arg_REFERENCE}" STREQUAL "")
      message(FATAL_ERROR "${where}: REPETITIONS auto needs a REFERENCE build: adaptive "
                          "repetitions compare the candidate with a reference run in the same "
                          "job (the paired lane).\n"
                          "  Hint: add REFERENCE <reference build dir or executable> (see "
                          "PerfGateReference.cmake), or give REPETITIONS a number.")
    endif()
  elseif(NOT arg_REPETITIONS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "${where}: REPETITIONS must be a positive whole number or auto.\n"
                        "  Value: '${arg_REPETITIONS}'")
  endif()
  if(NOT arg_RECORD_RUNS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "${where}: RECORD_RUNS must be a positive whole number.\n"
                        "  Value: '${arg_RECORD_RUNS}'")
  endif()
  if(NOT arg_RUNS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "${where}: RUNS must be a positive whole number.\n"
                        "  Value: '${arg_RUNS}'")
  endif()
  if(NOT arg_MAX_REPETITIONS MATCHES "^[1-9][0-9]*$" OR arg_MAX_REPETITIONS LESS 4)
    message(FATAL_ERROR "${where}: MAX_REPETITIONS must be a whole number of at least 4 (the "
                        "first look of the adaptive lane).\n  Value: '${arg_MAX_REPETITIONS}'")
  endif()
  if(NOT "${arg_REFERENCE}" STREQUAL "" AND NOT arg_REFERENCE MATCHES "^\\$<")
    cmake_path(ABSOLUTE_PATH arg_REFERENCE BASE_DIRECTORY "${CMAKE_BINARY_DIR}" NORMALIZE)
  endif()
  if(NOT arg_SMOKE_LABEL MATCHES "^[A-Za-z0-9_.+-]+$")
    message(FATAL_ERROR "${where}: SMOKE_LABEL must be one label (letters, digits, _ . + -).\n"
                        "  Value: '${arg_SMOKE_LABEL}'")
  endif()
  foreach(keyword MIN_TIME TIMEOUT SMOKE_MIN_TIME SMOKE_TIMEOUT DISCOVERY_TIMEOUT)
    _perfgate_positive_number("${where}" ${keyword} "${arg_${keyword}}")
  endforeach()
  if(NOT arg_WARMUP MATCHES "^([0-9]+\\.?[0-9]*|\\.[0-9]+)$")
    message(FATAL_ERROR "${where}: WARMUP must be a number of seconds (0 = none).\n"
                        "  Value: '${arg_WARMUP}'")
  endif()
endmacro()

# --- Lanes (docs/lanes.md; the first one is the blocking gate) and the other settings.
macro(_perfgate_check_settings)
  set(lanes "")
  foreach(lane IN LISTS arg_LANES)
    if(NOT lane MATCHES "^(wall-time|instructions)$")
      message(FATAL_ERROR "${where}: LANES takes wall-time and/or instructions (the first one "
                          "blocks).\n  Value: '${lane}'")
    endif()
    if(lane IN_LIST lanes)
      message(FATAL_ERROR "${where}: lane '${lane}' is given twice in LANES.")
    endif()
    list(APPEND lanes "${lane}")
  endforeach()
  if(lanes STREQUAL "")
    message(FATAL_ERROR "${where}: LANES is empty.\n  Hint: LANES wall-time, LANES instructions, "
                        "or both (the first one blocks).")
  endif()
  list(GET lanes 0 blocking_lane)
  if("instructions" IN_LIST lanes)
    if(arg_INSTRUCTIONS_POLICY STREQUAL "")
      message(FATAL_ERROR "${where}: the instructions lane needs INSTRUCTIONS_POLICY <file> (or "
                          "PERFGATE_DEFAULT_INSTRUCTIONS_POLICY).\n"
                          "  Hint: start from perfgate's gates/instructions.json (a rule on the "
                          "metric 'instructions').")
    endif()
    cmake_path(ABSOLUTE_PATH arg_INSTRUCTIONS_POLICY BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
               NORMALIZE)
    if(NOT EXISTS "${arg_INSTRUCTIONS_POLICY}" OR IS_DIRECTORY "${arg_INSTRUCTIONS_POLICY}")
      message(FATAL_ERROR "${where}: INSTRUCTIONS_POLICY file does not exist.\n"
                          "  Path: '${arg_INSTRUCTIONS_POLICY}'\n"
                          "  Hint: perfgate's gates/instructions.json is a start.")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${arg_INSTRUCTIONS_POLICY}")
  endif()
  foreach(keyword INSTRUCTIONS_REPEAT INSTRUCTIONS_JOBS)
    if(NOT arg_${keyword} MATCHES "^[1-9][0-9]*$")
      message(FATAL_ERROR "${where}: ${keyword} must be a positive whole number.\n"
                          "  Value: '${arg_${keyword}}'")
    endif()
  endforeach()
  _perfgate_positive_number("${where}" INSTRUCTIONS_TIMEOUT "${arg_INSTRUCTIONS_TIMEOUT}")

  string(TOUPPER "${arg_CONFIRM}" arg_CONFIRM)
  if(NOT arg_CONFIRM MATCHES "^(ON|OFF)$")
    message(FATAL_ERROR "${where}: CONFIRM must be ON or OFF.\n  Value: '${arg_CONFIRM}'")
  endif()
  string(TOUPPER "${arg_BOOTSTRAP}" arg_BOOTSTRAP)
  if(NOT arg_BOOTSTRAP MATCHES "^(AUTO|ACCEPT|OFF)$")
    message(FATAL_ERROR "${where}: BOOTSTRAP must be AUTO, ACCEPT or OFF.\n  Value: '${arg_BOOTSTRAP}'")
  endif()
  if(NOT arg_DISCOVERY_MODE MATCHES "^(POST_BUILD|PRE_TEST)$")
    message(FATAL_ERROR "${where}: DISCOVERY_MODE must be POST_BUILD or PRE_TEST.\n"
                        "  Value: '${arg_DISCOVERY_MODE}'")
  endif()
  if(arg_RUNNER AND NOT arg_RUNNER MATCHES "^[A-Za-z0-9._-]+$")
    message(FATAL_ERROR "${where}: RUNNER may hold letters, digits, '.', '_' and '-' only.\n"
                        "  Value: '${arg_RUNNER}'")
  endif()
  cmake_path(ABSOLUTE_PATH arg_BASELINES BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  cmake_path(ABSOLUTE_PATH arg_ARTIFACTS_DIR BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
  cmake_path(ABSOLUTE_PATH arg_WORKING_DIRECTORY BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
  if(arg_HISTORY MATCHES "^(OFF|off|Off|NO|no|FALSE|false|0)$")
    set(arg_HISTORY "")
  else()
    cmake_path(ABSOLUTE_PATH arg_HISTORY BASE_DIRECTORY "${CMAKE_BINARY_DIR}" NORMALIZE)
  endif()
  cmake_path(IS_PREFIX CMAKE_SOURCE_DIR "${arg_ARTIFACTS_DIR}" NORMALIZE artifacts_in_source)
  cmake_path(IS_PREFIX CMAKE_BINARY_DIR "${arg_ARTIFACTS_DIR}" NORMALIZE artifacts_in_binary)
  if(artifacts_in_source AND NOT artifacts_in_binary)
    message(FATAL_ERROR "${where}: ARTIFACTS_DIR must not be inside the source tree.\n"
                        "  Path: '${arg_ARTIFACTS_DIR}'")
  endif()

endmacro()

# --- The comparator: PERFGATE_EXECUTABLE, else perfgate::perfgate (built with the benchmark when
# it is built in this tree). Sets perfgate_program.
macro(_perfgate_find_comparator)
  if(PERFGATE_EXECUTABLE)
    set(perfgate_program "${PERFGATE_EXECUTABLE}")
  elseif(TARGET perfgate::perfgate)
    set(perfgate_program "$<TARGET_FILE:perfgate::perfgate>")
    get_target_property(perfgate_real perfgate::perfgate ALIASED_TARGET)
    if(perfgate_real)
      get_target_property(perfgate_real_imported ${perfgate_real} IMPORTED)
      if(NOT perfgate_real_imported AND NOT target_imported)
        add_dependencies(${target} ${perfgate_real})
      endif()
    endif()
  else()
    message(FATAL_ERROR "${where}: the perfgate comparator was not found.\n"
                        "  Hint: find_package(PerfGate CONFIG REQUIRED), add_subdirectory() or "
                        "FetchContent perfgate first, or set PERFGATE_EXECUTABLE.")
  endif()
endmacro()

# --- What the run context records about the build (C2); Google Benchmark 1.7.1 calls every
# library "debug", so the build type comes from CMake. A build without a build type has no
# optimisation: it is refused here, not as a cascade of failing tests. Sets build_type,
# base_flags, target_flags, benchmark_version, multi_config.
macro(_perfgate_build_facts)
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(build_type "$<CONFIG>")
  else()
    set(build_type "${CMAKE_BUILD_TYPE}")
  endif()
  if(NOT multi_config AND NOT CMAKE_BUILD_TYPE)
    message(FATAL_ERROR "${where}: this build has no CMAKE_BUILD_TYPE, so nothing in it is "
                        "optimised and its timings say nothing about the program.\n"
                        "  Hint: configure with -DCMAKE_BUILD_TYPE=Release (or RelWithDebInfo).")
  endif()
  set(config_flags "")
  foreach(config IN ITEMS Debug Release RelWithDebInfo MinSizeRel ${CMAKE_CONFIGURATION_TYPES})
    string(TOUPPER "${config}" config_upper)
    string(APPEND config_flags "$<$<CONFIG:${config}>:${CMAKE_CXX_FLAGS_${config_upper}}>")
  endforeach()
  if(NOT multi_config)
    string(TOUPPER "${CMAKE_BUILD_TYPE}" config_upper)
    set(config_flags "${CMAKE_CXX_FLAGS_${config_upper}}")
    if(CMAKE_BUILD_TYPE STREQUAL "Debug")
      message(WARNING "${where}: this is a Debug build; its perf and smoke tests will refuse to "
                      "run.\n  Hint: configure an optimised build, e.g. -DCMAKE_BUILD_TYPE=Release.")
    endif()
  endif()
  set(target_flags "$<JOIN:$<TARGET_PROPERTY:${target},COMPILE_OPTIONS>, >")
  string(STRIP "${CMAKE_CXX_FLAGS} ${config_flags}" base_flags)
  set(benchmark_version "${benchmark_VERSION}")
  if(NOT benchmark_version)
    set(benchmark_version "unknown")
  endif()
endmacro()

# A JSON string of <value> (generator expressions inside are evaluated by file(GENERATE) later).
function(_perfgate_json_string out value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "\n" "\\n" value "${value}")
  string(REPLACE "\t" "\\t" value "${value}")
  set(${out} "\"${value}\"" PARENT_SCOPE)
endfunction()

# JSON members `"name": "value"` of the remaining "name|value" arguments, in <out> as a list.
function(_perfgate_json_members out)
  set(members "")
  foreach(pair IN LISTS ARGN)
    string(FIND "${pair}" "|" bar)
    string(SUBSTRING "${pair}" 0 ${bar} name)
    math(EXPR bar "${bar} + 1")
    string(SUBSTRING "${pair}" ${bar} -1 value)
    _perfgate_json_string(quoted "${value}")
    list(APPEND members "\"${name}\": ${quoted}")
  endforeach()
  set(${out} "${members}" PARENT_SCOPE)
endfunction()

# A JSON array of strings of the remaining arguments.
function(_perfgate_json_array out)
  set(items "")
  foreach(item IN LISTS ARGN)
    _perfgate_json_string(quoted "${item}")
    list(APPEND items "${quoted}")
  endforeach()
  list(JOIN items ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

# The CTest properties of one kind of test as a JSON object (TestProperties in run_config.hpp).
function(_perfgate_json_test_properties out)
  cmake_parse_arguments(PARSE_ARGV 1 p "RUN_SERIAL" "TIMEOUT;PROCESSORS;RESOURCE_LOCK"
                        "LABELS;FIXTURES_REQUIRED;ENVIRONMENT")
  _perfgate_json_array(labels ${p_LABELS})
  _perfgate_json_array(fixtures ${p_FIXTURES_REQUIRED})
  _perfgate_json_array(environment ${p_ENVIRONMENT})
  if(NOT p_PROCESSORS)
    set(p_PROCESSORS 1)
  endif()
  if(p_RUN_SERIAL)
    set(serial true)
  else()
    set(serial false)
  endif()
  _perfgate_json_string(lock "${p_RESOURCE_LOCK}")
  set(${out} "{\"labels\": ${labels}, \"timeout\": ${p_TIMEOUT}, \"run_serial\": ${serial}, \"processors\": ${p_PROCESSORS}, \"resource_lock\": ${lock}, \"fixtures_required\": ${fixtures}, \"environment\": ${environment}}" PARENT_SCOPE)
endfunction()

# --- Test kinds, labels and fixtures. Modes: perf (wall-time lane), instr (instructions lane),
# smoke (always, wall time). The blocking lane's tests carry perf-gate; a non-blocking lane its
# own label, so it stays runnable without blocking (perf-walltime, perf-instructions).
macro(_perfgate_test_kinds)
  set(modes "")
  if("wall-time" IN_LIST lanes)
    list(APPEND modes perf)
  endif()
  if("instructions" IN_LIST lanes)
    list(APPEND modes instr)
  endif()
  list(APPEND modes smoke)
  if(blocking_lane STREQUAL "wall-time")
    set(gate_label_perf perf-gate)
    set(gate_label_instr perf-instructions)
  else()
    set(gate_label_perf perf-walltime)
    set(gate_label_instr perf-gate)
  endif()
  set(labels_perf ${gate_label_perf} ${arg_SUITE} ${arg_LABELS})
  set(labels_instr ${gate_label_instr} instructions ${arg_SUITE} ${arg_LABELS})
  set(labels_smoke ${arg_SMOKE_LABEL} ${arg_SUITE} ${arg_LABELS})
  set(fixture_validate "perfgate_${arg_SUITE}_validate")
  foreach(mode IN LISTS modes)
    set(fixture_${mode} "perfgate_${arg_SUITE}_baseline_${mode}")
  endforeach()
  set(timeout_perf "${arg_TIMEOUT}")
  set(timeout_instr "${arg_INSTRUCTIONS_TIMEOUT}")
  set(timeout_smoke "${arg_SMOKE_TIMEOUT}")
endmacro()

# --- The run configuration every perfgate command of this registration reads
# (perfgate.run-config/1, docs/formats.md): one file per build configuration. Sets run_config,
# ctest_tests_file and base.
macro(_perfgate_write_run_config)
  set(base "${CMAKE_CURRENT_BINARY_DIR}/perfgate/${arg_SUITE}")
  set(run_config "${base}/run-config-$<CONFIG>.json")
  set(ctest_tests_file "${base}/discovered_tests-$<CONFIG>.cmake")
  _perfgate_json_members(members
      "schema|perfgate.run-config/1" "suite|${arg_SUITE}" "target|${target}"
      "executable|$<TARGET_FILE:${target}>" "perfgate|${perfgate_program}"
      "source_dir|${CMAKE_CURRENT_SOURCE_DIR}" "binary_dir|${CMAKE_BINARY_DIR}"
      "working_directory|${arg_WORKING_DIRECTORY}"
      "artifacts_root|${arg_ARTIFACTS_DIR}/${arg_SUITE}" "ctest_file|${ctest_tests_file}"
      "history|${arg_HISTORY}"
      "policy|${arg_POLICY}" "instructions_policy|${arg_INSTRUCTIONS_POLICY}"
      "waivers|${arg_WAIVERS}"
      "baselines|${arg_BASELINES}" "runner|${arg_RUNNER}" "filter|${arg_FILTER}"
      "instructions_filter|${arg_INSTRUCTIONS_FILTER}" "min_time|${arg_MIN_TIME}"
      "warmup|${arg_WARMUP}" "smoke_min_time|${arg_SMOKE_MIN_TIME}" "reference|${arg_REFERENCE}"
      "bootstrap|${arg_BOOTSTRAP}")
  list(JOIN members ",\n  " json)
  set(json "{\n  ${json}")
  if(arg_REPETITIONS STREQUAL "auto")
    string(APPEND json ",\n  \"repetitions\": \"auto\"")
  else()
    string(APPEND json ",\n  \"repetitions\": ${arg_REPETITIONS}")
  endif()
  foreach(pair "runs|RUNS" "max_repetitions|MAX_REPETITIONS" "record_runs|RECORD_RUNS"
               "timeout|TIMEOUT" "smoke_timeout|SMOKE_TIMEOUT" "discovery_timeout|DISCOVERY_TIMEOUT"
               "instructions_timeout|INSTRUCTIONS_TIMEOUT" "instructions_repeat|INSTRUCTIONS_REPEAT"
               "instructions_jobs|INSTRUCTIONS_JOBS")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 keyword)
    string(APPEND json ",\n  \"${name}\": ${arg_${keyword}}")
  endforeach()
  if(arg_CONFIRM)
    string(APPEND json ",\n  \"confirm\": true")
  else()
    string(APPEND json ",\n  \"confirm\": false")
  endif()
  foreach(pair "lanes|lanes" "environment|arg_ENVIRONMENT" "baseline_unset_env|arg_BASELINE_UNSET_ENV"
               "forward_env|arg_FORWARD_ENV" "extra_args|arg_EXTRA_ARGS")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 variable)
    _perfgate_json_array(array ${${variable}})
    string(APPEND json ",\n  \"${name}\": ${array}")
  endforeach()
  _perfgate_json_members(build_json "type|${build_type}" "cxx_compiler|${CMAKE_CXX_COMPILER}"
      "cxx_compiler_id|${CMAKE_CXX_COMPILER_ID}"
      "cxx_compiler_version|${CMAKE_CXX_COMPILER_VERSION}" "cxx_flags|${base_flags}"
      "target_flags|${target_flags}" "benchmark_version|${benchmark_version}")
  list(JOIN build_json ", " build_json)
  string(APPEND json ",\n  \"build\": {${build_json}}")
  set(tests_json "")
  foreach(mode IN LISTS modes)
    set(extra "")
    if(mode STREQUAL "perf")
      set(extra RUN_SERIAL)
    elseif(mode STREQUAL "instr")
      # Instruction counts do not depend on load, but measuring runs INSTRUCTIONS_JOBS valgrind
      # processes: account for them, and never run two such tests at once.
      set(extra PROCESSORS ${arg_INSTRUCTIONS_JOBS} RESOURCE_LOCK perfgate_valgrind)
    endif()
    _perfgate_json_test_properties(properties LABELS ${labels_${mode}} TIMEOUT ${timeout_${mode}}
      FIXTURES_REQUIRED ${fixture_validate} ${fixture_${mode}} ENVIRONMENT ${arg_ENVIRONMENT}
      ${extra})
    list(APPEND tests_json "\"${mode}\": ${properties}")
  endforeach()
  # The committed baselines that exist now, with the digest each carries: one that disappears
  # before the tests run is a blocker at test time, never replaced by a bootstrap.
  file(GLOB committed_baselines LIST_DIRECTORIES false "${arg_BASELINES}/*/${arg_SUITE}.json")
  set(committed_json "")
  foreach(committed IN LISTS committed_baselines)
    file(READ "${committed}" committed_text)
    string(JSON committed_digest ERROR_VARIABLE committed_error GET "${committed_text}" digest)
    if(committed_error)
      set(committed_digest "")
    endif()
    _perfgate_json_members(committed_members "path|${committed}" "digest|${committed_digest}")
    list(JOIN committed_members ", " committed_members)
    list(APPEND committed_json "{${committed_members}}")
  endforeach()
  list(JOIN committed_json ",\n    " committed_json)
  if(committed_json STREQUAL "")
    string(APPEND json ",\n  \"committed_baselines\": []")
  else()
    string(APPEND json ",\n  \"committed_baselines\": [\n    ${committed_json}\n  ]")
  endif()
  list(JOIN tests_json ",\n    " tests_json)
  string(APPEND json ",\n  \"tests\": {\n    ${tests_json}\n  }\n}\n")
  file(GENERATE OUTPUT "${run_config}" CONTENT "${json}")
endmacro()

# --- Set-up tests (fixtures): the validation of the policies and baselines, then the bootstraps,
# so that a policy or baseline that does not validate stops every dependent test.
macro(_perfgate_add_fixtures)
  set(validate_test "perfgate.${arg_SUITE}.validate")
  add_test(NAME ${validate_test}
           COMMAND "${perfgate_program}" run "${run_config}" --mode validate)
  set_tests_properties(${validate_test} PROPERTIES
    LABELS "perf-gate-fixture;${arg_SMOKE_LABEL}-fixture;${arg_SUITE};${arg_LABELS}"
    FIXTURES_SETUP ${fixture_validate} TIMEOUT 60)
  # A bootstrap run measures the reference: nothing from BASELINE_UNSET_ENV reaches it.
  set(unset_env "")
  foreach(var IN LISTS arg_BASELINE_UNSET_ENV)
    list(APPEND unset_env "${var}=unset:")
  endforeach()
  foreach(mode IN LISTS modes)
    set(bootstrap_test "perfgate.${arg_SUITE}.bootstrap.${mode}")
    list(GET labels_${mode} 0 label)
    add_test(NAME ${bootstrap_test}
             COMMAND "${perfgate_program}" run "${run_config}" --mode bootstrap --lane ${mode})
    set_tests_properties(${bootstrap_test} PROPERTIES
      LABELS "${label}-fixture;${arg_SUITE};${arg_LABELS}"
      FIXTURES_SETUP ${fixture_${mode}} FIXTURES_REQUIRED ${fixture_validate}
      TIMEOUT ${timeout_${mode}}
      ENVIRONMENT "${arg_ENVIRONMENT}" ENVIRONMENT_MODIFICATION "${unset_env}")
    if(mode STREQUAL "instr")
      set_tests_properties(${bootstrap_test} PROPERTIES
        PROCESSORS ${arg_INSTRUCTIONS_JOBS} RESOURCE_LOCK perfgate_valgrind)
    else()
      set_tests_properties(${bootstrap_test} PROPERTIES RUN_SERIAL TRUE)
    endif()
  endforeach()
  # The suite's combined summary, after its gate tests (a cleanup fixture of every lane).
  set(summary_test "perfgate.${arg_SUITE}.summary")
  set(summary_fixtures "")
  set(summary_labels "")
  foreach(mode IN LISTS modes)
    list(APPEND summary_fixtures ${fixture_${mode}})
    list(GET labels_${mode} 0 label)
    list(APPEND summary_labels "${label}-fixture")
  endforeach()
  add_test(NAME ${summary_test}
           COMMAND "${perfgate_program}" report merge "${arg_ARTIFACTS_DIR}/${arg_SUITE}"
                   --out "${arg_ARTIFACTS_DIR}/${arg_SUITE}/summary" --exit-zero)
  set_tests_properties(${summary_test} PROPERTIES
    LABELS "${summary_labels};${arg_SUITE};${arg_LABELS}" FIXTURES_CLEANUP "${summary_fixtures}"
    TIMEOUT 120
    ATTACHED_FILES "${arg_ARTIFACTS_DIR}/${arg_SUITE}/summary/summary.md")
endmacro()

# --- Per-family tests, discovered from the built executable by `perfgate discover` (like
# gtest_discover_tests): right after it is linked (POST_BUILD) or when CTest starts (PRE_TEST).
# If it was never built, failing placeholder tests say so.
macro(_perfgate_add_discovery)
  set(ctest_include_file "${base}/discovered_include.cmake")
  if(multi_config)
    set(config_at_test_time "\${CTEST_CONFIGURATION_TYPE}")
  else()
    set(config_at_test_time "${CMAKE_BUILD_TYPE}")
  endif()
  set(tests_at_test_time "${base}/discovered_tests-${config_at_test_time}.cmake")
  set(not_built "")
  foreach(mode IN LISTS modes)
    string(APPEND not_built
      "  add_test(${mode}.${arg_SUITE}.NOT_BUILT [==[${perfgate_program}]==] run"
      " \"${base}/run-config-${config_at_test_time}.json\" --mode not-built)\n"
      "  set_tests_properties(${mode}.${arg_SUITE}.NOT_BUILT PROPERTIES"
      " LABELS [==[${labels_${mode}}]==])\n")
  endforeach()
  if(arg_DISCOVERY_MODE STREQUAL "POST_BUILD")
    if(target_imported)
      message(FATAL_ERROR "${where}: '${target}' is imported; use DISCOVERY_MODE PRE_TEST.")
    endif()
    add_custom_command(TARGET ${target} POST_BUILD
      BYPRODUCTS "${ctest_tests_file}"
      COMMAND "${perfgate_program}" discover "${run_config}"
      COMMENT "perfgate: discovering the benchmarks of ${target} (suite ${arg_SUITE})"
      VERBATIM)
    file(GENERATE OUTPUT "${ctest_include_file}" CONTENT
      "if(EXISTS \"${tests_at_test_time}\")\n  include(\"${tests_at_test_time}\")\nelse()\n${not_built}endif()\n")
  else()
    string(CONCAT content
      "if(EXISTS [==[$<TARGET_FILE:${target}>]==])\n"
      "  if(NOT EXISTS [==[${ctest_tests_file}]==] OR\n"
      "     NOT [==[${ctest_tests_file}]==] IS_NEWER_THAN [==[$<TARGET_FILE:${target}>]==])\n"
      "    execute_process(COMMAND [==[${perfgate_program}]==] discover [==[${run_config}]==]\n"
      "                    RESULT_VARIABLE result)\n"
      "    if(NOT result EQUAL 0)\n"
      "      message(WARNING \"perfgate discover failed for suite ${arg_SUITE} (exit \${result})\")\n"
      "    endif()\n"
      "  endif()\n"
      "  include([==[${ctest_tests_file}]==] OPTIONAL)\n"
      "else()\n"
      "${not_built}"
      "endif()\n")
    file(GENERATE OUTPUT "${base}/discover-$<CONFIG>.cmake" CONTENT "${content}")
    file(WRITE "${ctest_include_file}"
         "include(\"${base}/discover-${config_at_test_time}.cmake\")\n")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${ctest_include_file}")
endmacro()

# --- The explicit, reviewed baseline updates: PERFGATE_REASON=... cmake --build . --target ...
# perfgate_record_baseline_<suite> records the wall-time baseline of the runner class (also what
# smoke compares with); perfgate_record_instructions_baseline_<suite> the instructions baseline
# of the toolchain class.
macro(_perfgate_add_record_targets)
  set(record_targets "perfgate_record_baseline_${arg_SUITE}|perf|wall-time")
  if("instructions" IN_LIST lanes)
    list(APPEND record_targets "perfgate_record_instructions_baseline_${arg_SUITE}|instr|instructions")
  endif()
  if(NOT TARGET perfgate_record_baselines)
    add_custom_target(perfgate_record_baselines)
  endif()
  foreach(entry IN LISTS record_targets)
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 record_target)
    list(GET entry 1 record_for)
    list(GET entry 2 record_lane)
    if(NOT TARGET ${record_target})
      add_custom_target(${record_target}
        COMMAND "${perfgate_program}" run "${run_config}" --mode record --lane ${record_for}
        COMMENT "perfgate: recording the ${record_lane} baseline of suite ${arg_SUITE} (reason from PERFGATE_REASON)"
        USES_TERMINAL VERBATIM)
      add_dependencies(${record_target} ${target})
      if(TARGET perfgate)
        get_target_property(perfgate_imported perfgate IMPORTED)
        if(NOT perfgate_imported)
          add_dependencies(${record_target} perfgate)
        endif()
      endif()
    endif()
    add_dependencies(perfgate_record_baselines ${record_target})
  endforeach()
endmacro()

function(perfgate_add_benchmarks target)
  set(where "perfgate_add_benchmarks(${target})")
  set(options "")
  set(oneValueArgs SUITE POLICY WAIVERS BASELINES RUNNER FILTER REPETITIONS MIN_TIME WARMUP TIMEOUT
      SMOKE_MIN_TIME SMOKE_TIMEOUT SMOKE_LABEL WORKING_DIRECTORY ARTIFACTS_DIR HISTORY BOOTSTRAP DISCOVERY_MODE
      DISCOVERY_TIMEOUT INSTRUCTIONS_POLICY INSTRUCTIONS_FILTER INSTRUCTIONS_TIMEOUT
      INSTRUCTIONS_REPEAT INSTRUCTIONS_JOBS REFERENCE RUNS MAX_REPETITIONS CONFIRM RECORD_RUNS)
  set(multiValueArgs LANES LABELS ENVIRONMENT BASELINE_UNSET_ENV FORWARD_ENV EXTRA_ARGS)
  set(all_keywords ${options} ${oneValueArgs} ${multiValueArgs})
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${oneValueArgs}" "${multiValueArgs}")

  _perfgate_check_arguments()
  _perfgate_apply_defaults()
  _perfgate_check_paired()
  _perfgate_check_settings()
  _perfgate_find_comparator()
  _perfgate_build_facts()
  _perfgate_test_kinds()
  _perfgate_write_run_config()
  _perfgate_add_fixtures()
  _perfgate_add_discovery()
  _perfgate_add_record_targets()
  _perfgate_ctest_custom()
endfunction()

endblock()
