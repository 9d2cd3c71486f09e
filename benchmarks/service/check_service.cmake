# e2e.service.<case>: issue 13's Must-show for the example service (docs/slo.md, "The seeds as
# gates"). Runs bm_service (or bm_service_leaky) with a profile and a fault injected through the
# environment, gates the results with `perfgate gate` under the seed's policy, and checks the
# verdict of each named rule in report.json and the limit in the text report, not only the exit
# code. The baseline is the results file itself: every rule of these policies is absolute or zero,
# so the baseline decides nothing.
#
# Robust on a loaded 2-core machine: each injected effect is far beyond the noise (a 200 ms spike
# against a 100 ms p99 limit and a 50 ms p50 limit, where the service answers in well under 10 ms;
# 6 errors in every 100 against a limit of 5; a leak of 256 B per request against a 256 KiB growth limit),
# and the p99 rules see more than 10,000 requests per run.
#
# -DCASE=<smoke|spike|errors|invariant|override|soak_memory> -DSERVICE=<bm_service>
# -DLEAKY=<bm_service_leaky> -DPERFGATE=<perfgate> -DGATES=<gates dir> -DWORK=<dir>
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# Nothing from the caller's environment may move a limit or inject a fault unseen.
foreach(var SLO_FIRST_BYTE_P95_MS SLO_MSG_THROUGHPUT_MIN SLO_RECONNECT_RATE_MIN SLO_COMPLETION_P99_S
            SLO_HEAP_GROWTH_MAX_BYTES SLO_ENCODE_P95_MS SLO_VERIFY_P95_MS SLO_BATCH_P50_MS
            SLO_BATCH_P95_MS SLO_BATCH_P99_MS SLO_BATCH_ERROR_RATE_MAX SLO_BATCH_PATCHES_MIN
            SLO_BATCH_PATCHES_TARGET SERVICE_SPIKE_PCT SERVICE_SPIKE_MS SERVICE_ERROR_PCT
            SERVICE_INVARIANT_VIOLATIONS SERVICE_ENCODE_KB PERFGATE_PROFILE PERFGATE_LOAD_WORKERS
            PERFGATE_LOAD_DURATION_MS PERFGATE_LOAD_WARMUP_MS)
  unset(ENV{${var}})
endforeach()

# run_service(<name> <executable> <filter> [VAR=value...]): results in ${WORK}/<name>.json.
function(run_service name executable filter)
  foreach(assignment IN LISTS ARGN)
    string(REGEX MATCH "^([A-Z_0-9]+)=(.*)$" ignored "${assignment}")
    set(ENV{${CMAKE_MATCH_1}} "${CMAKE_MATCH_2}")
  endforeach()
  execute_process(
    COMMAND "${executable}" "--benchmark_filter=${filter}"
            "--benchmark_out=${WORK}/${name}.json" --benchmark_out_format=json
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0 OR output MATCHES "ERROR OCCURRED")
    message(FATAL_ERROR "${executable} (${ARGN}) failed (${result}):\n${output}")
  endif()
endfunction()

# gate(<name> <results> <policy> <expected exit> [VAR=value...]): reports in ${WORK}/<name>/;
# sets verdict_<rule id> and limit_<rule id> in the caller for every decision, and gate_text.
macro(gate name results policy expected_exit)
  set(gate_env "")
  foreach(assignment IN ITEMS ${ARGN})
    list(APPEND gate_env "${assignment}")
  endforeach()
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env ${gate_env}
            "${PERFGATE}" gate --baseline "${WORK}/${results}.json" --results "${WORK}/${results}.json"
            --policy "${GATES}/${policy}" --report-dir "${WORK}/${name}" --color never
    RESULT_VARIABLE gate_exit OUTPUT_VARIABLE gate_text ERROR_VARIABLE gate_text)
  if(NOT gate_exit EQUAL ${expected_exit})
    message(FATAL_ERROR "perfgate gate (${name}, ${policy}, ${ARGN}) exited ${gate_exit}, "
                        "expected ${expected_exit}:\n${gate_text}")
  endif()
  file(READ "${WORK}/${name}/report.json" report)
  string(JSON count LENGTH "${report}" decisions)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON rule GET "${report}" decisions ${i} rule)
    string(JSON verdict_${rule} GET "${report}" decisions ${i} verdict)
    string(JSON limit_${rule} GET "${report}" decisions ${i} limit_text)
    string(JSON candidate_${rule} ERROR_VARIABLE no_candidate GET "${report}" decisions ${i} candidate)
  endforeach()
  message(STATUS "${name}:\n${gate_text}")
endmacro()

function(expect rule verdict)
  if(NOT DEFINED verdict_${rule})
    message(FATAL_ERROR "no decision of rule '${rule}' in the report:\n${gate_text}")
  endif()
  if(NOT verdict_${rule} STREQUAL verdict)
    message(FATAL_ERROR "rule '${rule}' decided '${verdict_${rule}}', expected '${verdict}':\n${gate_text}")
  endif()
endfunction()

function(expect_text text)
  string(FIND "${gate_text}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the report does not show '${text}':\n${gate_text}")
  endif()
endfunction()

if(CASE STREQUAL "smoke")
  # (a) The smoke profile of the example passes every seed's gate, in seconds.
  run_service(smoke "${SERVICE}" "." PERFGATE_PROFILE=smoke)
  gate(streaming smoke service-streaming.json 0)
  foreach(rule first-byte-p95 message-throughput-floor reconnect-success-rate completion-p99 memory-growth)
    expect(${rule} pass)
  endforeach()
  gate(codec smoke service-codec.json 0)
  expect(encode-p95 pass)
  expect(verify-p95 pass)
  gate(batch smoke service-batch.json 0)
  foreach(rule latency-p50 latency-p95 latency-p99 error-rate invariant-violations throughput)
    expect(${rule} pass)
  endforeach()

elseif(CASE STREQUAL "spike")
  # (b) 2 % of the batches wait 200 ms more: the p99 (limit moved to 100 ms, the example's scale)
  # fails, the p50 (< 50 ms) does not. 64 workers for 3 s, so the p99 sees > 10,000 batches.
  run_service(spike "${SERVICE}" "BM_batch_patches" PERFGATE_PROFILE=smoke PERFGATE_LOAD_WORKERS=64
              PERFGATE_LOAD_DURATION_MS=3000 SERVICE_SPIKE_PCT=2 SERVICE_SPIKE_MS=200)
  file(READ "${WORK}/spike.json" results)
  string(JSON samples GET "${results}" benchmarks 0 completion_count)
  if(samples LESS 10000)
    message(FATAL_ERROR "the spike run completed ${samples} batches; a p99 needs 10,000")
  endif()
  gate(batch spike service-batch.json 1 SLO_BATCH_P99_MS=100)
  expect(latency-p99 fail)
  expect(latency-p50 pass)
  expect(error-rate pass)
  expect(invariant-violations pass)
  expect_text("< 100 ms ($SLO_BATCH_P99_MS)")

elseif(CASE STREQUAL "errors")
  # (c) 6 % of the requests fail (6 in every 100): the error-rate rule (< 5 %) fails.
  run_service(errors "${SERVICE}" "BM_batch_patches" PERFGATE_PROFILE=smoke SERVICE_ERROR_PCT=6)
  gate(batch errors service-batch.json 1)
  expect(error-rate fail)
  # Exactly 6 in every 100: the ratio is 0.06, less at most one error of the last partial hundred.
  if(NOT candidate_error-rate MATCHES "^0\\.(06|0599[0-9]*)$|^6(\\.0*)?e-0?2$")
    message(FATAL_ERROR "error ratio ${candidate_error-rate}, expected 0.06:\n${gate_text}")
  endif()
  expect(invariant-violations pass)
  expect(latency-p50 pass)

elseif(CASE STREQUAL "invariant")
  # (d) One invariant violation (a lost patch) fails the zero-only rule, and nothing else.
  run_service(invariant "${SERVICE}" "BM_batch_patches" PERFGATE_PROFILE=smoke
              SERVICE_INVARIANT_VIOLATIONS=1)
  gate(batch invariant service-batch.json 1)
  expect(invariant-violations fail)
  expect(error-rate pass)
  expect(latency-p99 pass)

elseif(CASE STREQUAL "override")
  # (e) SLO_FIRST_BYTE_P95_MS moves seed 002's first-byte limit: 250 → the report shows the new
  # target, the variable and the headroom; 0.001 (1 µs, in the policy's unit: ms) → it fails.
  run_service(override "${SERVICE}" "BM_stream_sessions" PERFGATE_PROFILE=smoke)
  gate(relaxed override service-streaming.json 0 SLO_FIRST_BYTE_P95_MS=250)
  expect(first-byte-p95 pass)
  if(NOT limit_first-byte-p95 STREQUAL "< 250 ms ($SLO_FIRST_BYTE_P95_MS)")
    message(FATAL_ERROR "limit_text is '${limit_first-byte-p95}', expected "
                        "'< 250 ms ($SLO_FIRST_BYTE_P95_MS)'")
  endif()
  expect_text("< 250 ms ($SLO_FIRST_BYTE_P95_MS)")
  file(READ "${WORK}/relaxed/report.json" report)
  string(JSON count LENGTH "${report}" decisions)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON rule GET "${report}" decisions ${i} rule)
    if(rule STREQUAL "first-byte-p95")
      string(JSON headroom GET "${report}" decisions ${i} headroom)
      string(JSON limit GET "${report}" decisions ${i} limit)
      if(NOT limit EQUAL 250000000 OR NOT headroom GREATER 0)
        message(FATAL_ERROR "first-byte-p95: limit ${limit} ns, headroom ${headroom}; expected "
                            "250000000 ns and a positive headroom")
      endif()
    endif()
  endforeach()
  gate(strict override service-streaming.json 1 SLO_FIRST_BYTE_P95_MS=0.001)
  expect(first-byte-p95 fail)
  expect(completion-p99 pass)

elseif(CASE STREQUAL "soak_memory")
  # (f) The soak profile (shortened to 3 s) shows the leaky build's memory growth and fails the
  # memory rule, while the clean build passes it.
  foreach(build clean leaky)
    if(build STREQUAL "clean")
      set(executable "${SERVICE}")
      set(expected 0)
    else()
      set(executable "${LEAKY}")
      set(expected 1)
    endif()
    run_service(${build} "${executable}" "BM_stream_sessions" PERFGATE_PROFILE=soak
                PERFGATE_LOAD_DURATION_MS=3000 PERFGATE_LOAD_WARMUP_MS=500)
    gate(${build} ${build} service-streaming.json ${expected})
    if(build STREQUAL "clean")
      expect(memory-growth pass)
    else()
      expect(memory-growth fail)
      expect(first-byte-p95 pass)
    endif()
  endforeach()
  expect_text("counter:heap_growth_bytes")

elseif(CASE STREQUAL "bad_env")
  # Fail closed: a fault variable that does not read is an error of the run, never a default.
  set(ENV{PERFGATE_PROFILE} smoke)
  set(ENV{SERVICE_ERROR_PCT} lots)
  execute_process(
    COMMAND "${SERVICE}" --benchmark_filter=BM_batch_patches
            "--benchmark_out=${WORK}/bad.json" --benchmark_out_format=json
    OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT output MATCHES "SERVICE_ERROR_PCT='lots' is not valid")
    message(FATAL_ERROR "bm_service did not name the invalid variable:\n${output}")
  endif()
  gate(bad bad service-batch.json 3)
  expect_text("gate ERROR")

else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
