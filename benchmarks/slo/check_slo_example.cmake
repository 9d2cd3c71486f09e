# e2e.slo_example: the tiny SLO benchmark with ->Threads(4) runs, and perfgate reads its counters
# as metrics with units: `perfgate compare A.json A.json` passes under the example policy and
# shows the latency percentiles as times and the floor as a rate (docs/slo.md). Compares a file
# with itself: no verdict depends on wall time.
# -DBENCHMARK=<bm_slo_example> -DPERFGATE=<perfgate> -DPOLICY=<example-policy.json> -DWORK=<dir>
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(
  COMMAND "${BENCHMARK}" --benchmark_min_time=0.05 --benchmark_repetitions=3
          "--benchmark_out=${WORK}/A.json" --benchmark_out_format=json
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "bm_slo_example failed (${result}):\n${output}")
endif()
execute_process(
  COMMAND "${PERFGATE}" compare "${WORK}/A.json" "${WORK}/A.json" --policy "${POLICY}"
          --format text --color never
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "perfgate compare A.json A.json exited ${result}, expected 0:\n${output}")
endif()
# The percentiles are times (shown in a time unit), the floor a rate per second.
foreach(expected
    "counter:latency_p50_ns" "counter:latency_p99_ns" "counter:served_p5_per_s"
    "counter:requests_error_ratio" "counter:requests_invariant_violations")
  string(FIND "${output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the report does not show ${expected}:\n${output}")
  endif()
endforeach()
if(NOT output MATCHES "[0-9.]+ (ns|µs|us|ms)")
  message(FATAL_ERROR "the report shows no latency with a time unit:\n${output}")
endif()
if(NOT output MATCHES "[0-9.]+[a-zA-Z ]*/s")
  message(FATAL_ERROR "the report shows no rate per second:\n${output}")
endif()
message(STATUS "${output}")
