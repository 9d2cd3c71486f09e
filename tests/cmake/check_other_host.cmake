# The instructions lane gives the same counts on another host of the same kind (docs/lanes.md,
# "A pinned host"). The benchmarks are measured twice: as they are, and as if on another machine
# of the same kind, in a private mount and UTS namespace where /proc/cpuinfo has a longer `flags`
# line (48 more characters: a CPU with more features, such as rdtscp and rdseed), the host name
# is longer and /etc/localtime is another time zone. Every count must be bit-identical.
#
# Without the pinned host these two hosts differ (bm_example, Debian bookworm, measured by the
# perfgate before the pinned host): BM_SortInts/16384 1 892 697 against 1 892 681 instructions per
# iteration (memcpy's `rep movsb` over a buffer at another offset in its cache line) and
# BM_CountWords 461 619.76 against 460 670.76 (memcmp, memset and malloc over a heap laid out
# differently).
#
# Emulating the other host needs unshare(1) and mount(8) with CAP_SYS_ADMIN (root outside a
# restricted container); without them the test says SKIPPED and CTest reports it as skipped.
#
# -D PERFGATE=<perfgate> -D EXECUTABLE=<bm_example> -D ARTIFACTS=<folder> -D NAME=<test name>
cmake_minimum_required(VERSION 3.25)

foreach(var PERFGATE EXECUTABLE ARTIFACTS NAME)
  if("${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_other_host.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${ARTIFACTS}")
file(MAKE_DIRECTORY "${ARTIFACTS}")

# The other host's description.
set(other_name "perfgate-e2e-another-host-of-the-same-kind")
file(READ /proc/cpuinfo cpuinfo)
string(REPEAT "pgextra " 6 more_flags)  # 48 characters
string(REPLACE "\nflags\t\t: " "\nflags\t\t: ${more_flags}" other_cpuinfo "\n${cpuinfo}")
string(SUBSTRING "${other_cpuinfo}" 1 -1 other_cpuinfo)
if(other_cpuinfo STREQUAL cpuinfo)
  string(APPEND other_cpuinfo "power management:\n\n")  # no flags line: lengthen it otherwise
endif()
file(WRITE "${ARTIFACTS}/cpuinfo" "${other_cpuinfo}")
set(other_zone "")
foreach(zone America/New_York Europe/Berlin Asia/Tokyo)
  if(EXISTS "/usr/share/zoneinfo/${zone}")
    file(REAL_PATH "/usr/share/zoneinfo/${zone}" zone_file)
    file(REAL_PATH /etc/localtime local_file)
    if(NOT zone_file STREQUAL local_file)
      set(other_zone "${zone_file}")
      break()
    endif()
  endif()
endforeach()
if(other_zone STREQUAL "")
  set(other_zone /etc/localtime)  # no tzdata: the time zone stays, the rest still differs
endif()

# sh -c '<script>' <cpuinfo> <zone> <host name> <command...>
set(as_other_host
  unshare --mount --uts sh -c
  "mount --bind \"$0\" /proc/cpuinfo && mount --bind \"$1\" /etc/localtime && hostname \"$2\" && shift 2 && exec \"$@\""
  "${ARTIFACTS}/cpuinfo" "${other_zone}" "${other_name}")

execute_process(COMMAND ${as_other_host} cat /proc/cpuinfo
  OUTPUT_VARIABLE probe ERROR_VARIABLE probe_error RESULT_VARIABLE probe_result)
if(NOT probe_result EQUAL 0 OR NOT probe STREQUAL other_cpuinfo)
  string(STRIP "${probe_error}" probe_error)
  message("e2e: ${NAME}: SKIPPED: cannot emulate another host here (unshare --mount --uts and "
          "mount --bind need CAP_SYS_ADMIN): ${probe_error}")
  return()
endif()

set(measure "${PERFGATE}" measure instructions --executable "${EXECUTABLE}"
            --filter "^BM_(SortInts/16384|CountWords)$" --repeat 1 --jobs 2 --timeout 200)
set(problems "")
foreach(host here other)
  set(command ${measure} --out "${ARTIFACTS}/${host}.json"
              --stage-dir "${ARTIFACTS}/callgrind-${host}")
  if(host STREQUAL "other")
    set(command ${as_other_host} ${command})
  endif()
  execute_process(COMMAND ${command} OUTPUT_VARIABLE output ERROR_VARIABLE output
                  RESULT_VARIABLE result)
  message("e2e: ${NAME}: measured on ${host} host:\n${output}")
  if(NOT result EQUAL 0)
    string(APPEND problems "\n  perfgate measure instructions on the ${host} host exited ${result}")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "e2e: ${NAME} failed:${problems}\n  Artifacts: ${ARTIFACTS}")
endif()

file(READ "${ARTIFACTS}/here.json" here)
file(READ "${ARTIFACTS}/other.json" other)
string(JSON count LENGTH "${here}" benchmarks)
string(JSON other_count LENGTH "${other}" benchmarks)
if(NOT count EQUAL 2 OR NOT other_count EQUAL 2)
  message(FATAL_ERROR "e2e: ${NAME}: expected 2 benchmarks on each host, got ${count} and "
                      "${other_count}\n  Artifacts: ${ARTIFACTS}")
endif()
foreach(i RANGE 0 1)
  string(JSON name GET "${here}" benchmarks ${i} name)
  string(JSON other_name_i GET "${other}" benchmarks ${i} name)
  string(JSON value GET "${here}" benchmarks ${i} metrics 0 samples 0)
  string(JSON other_value GET "${other}" benchmarks ${i} metrics 0 samples 0)
  if(NOT name STREQUAL other_name_i OR NOT value STREQUAL other_value)
    string(APPEND problems "\n  ${name}: ${value} instructions per iteration here, "
                           "${other_name_i}: ${other_value} on the other host")
  else()
    message("e2e: ${name}: ${value} instructions per iteration on both hosts")
  endif()
endforeach()
string(JSON here_pinned ERROR_VARIABLE missing GET "${here}" context extra pinned_host)
string(JSON other_pinned ERROR_VARIABLE other_missing GET "${other}" context extra pinned_host)
if(NOT missing STREQUAL "NOTFOUND" OR NOT other_missing STREQUAL "NOTFOUND")
  string(APPEND problems "\n  the results do not say how the host was pinned (no context.extra.pinned_host)")
elseif(NOT here_pinned STREQUAL other_pinned)
  string(APPEND problems "\n  pinned_host differs: '${here_pinned}' and '${other_pinned}'")
endif()
if(problems)
  message(FATAL_ERROR "e2e: ${NAME} failed: the counts depend on the host:${problems}\n"
                      "  Artifacts: ${ARTIFACTS}")
endif()
message("e2e: ${NAME}: passed; the counts are identical on another host of the same kind")
