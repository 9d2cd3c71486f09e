# How fast the trend report opens in headless Chromium, and a screenshot of a small one
# (docs/trend.md). Prints the times; fails only when a step fails, never on a time.
#
#   cmake -D GENERATOR=<perfgate_trend_report_generator> -D CHROMIUM=<chromium> -D WORK=<folder>
#         [-D SERIES=1000] [-D RUNS=50] [-D MODE=open|screenshot] -P tests/timing/trend_report_open.cmake
#
# MODE=open: writes a report of SERIES series x RUNS runs with a small script that, once the page
# has loaded, forces style and layout and writes performance.now() into the title; Chromium's
# --dump-dom prints it. That is the page's own time from navigation to a laid-out page, without
# the browser's start. The wall time of the whole Chromium run is printed too, with an empty
# page's for comparison.
# MODE=screenshot: renders the small golden trend to <WORK>/trend-small.png and checks it is a
# PNG of more than a few KB (a page that drew something).
cmake_minimum_required(VERSION 3.25)

foreach(var GENERATOR CHROMIUM WORK)
  if("${${var}}" STREQUAL "")
    message(FATAL_ERROR "trend_report_open.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT SERIES)
  set(SERIES 1000)
endif()
if(NOT RUNS)
  set(RUNS 50)
endif()
if(NOT MODE)
  set(MODE open)
endif()
file(MAKE_DIRECTORY "${WORK}")
set(_chromium_flags --headless --disable-gpu --no-sandbox --no-first-run --hide-scrollbars
    "--user-data-dir=${WORK}/chromium-profile")

# Microseconds since the epoch.
function(_now out)
  string(TIMESTAMP seconds "%s" UTC)
  string(TIMESTAMP micro "%f" UTC)
  math(EXPR value "${seconds} * 1000000 + ${micro}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE errors TIMEOUT 120)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${errors}")
  endif()
  set(_output "${output}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "screenshot")
  set(html "${WORK}/trend-small.html")
  set(png "${WORK}/trend-small.png")
  file(REMOVE "${png}")
  _run("${GENERATOR}" --small "${html}")
  _run("${CHROMIUM}" ${_chromium_flags} --window-size=1000,1600 "--screenshot=${png}"
       "file://${html}")
  if(NOT EXISTS "${png}")
    message(FATAL_ERROR "Chromium wrote no screenshot to ${png}")
  endif()
  file(READ "${png}" signature LIMIT 8 HEX)
  file(SIZE "${png}" size)
  if(NOT signature STREQUAL "89504e470d0a1a0a" OR size LESS 20000)
    message(FATAL_ERROR "${png} is not a PNG of a drawn page (signature ${signature}, ${size} bytes)")
  endif()
  message(STATUS "screenshot: ${png} (${size} bytes)")
  return()
endif()

set(page "${WORK}/trend-${SERIES}x${RUNS}.html")
set(empty "${WORK}/empty.html")
_run("${GENERATOR}" --large "${SERIES}" "${RUNS}" "${page}" --timing-script)
file(WRITE "${empty}" "<!DOCTYPE html><html><head><title>empty</title></head><body></body></html>\n")
file(SIZE "${page}" size)
math(EXPR kib "${size} / 1024")
# A first run warms the profile and the file cache.
_run("${CHROMIUM}" ${_chromium_flags} --dump-dom "file://${empty}")
foreach(what empty page)
  _now(start)
  _run("${CHROMIUM}" ${_chromium_flags} --dump-dom "file://${${what}}")
  _now(end)
  math(EXPR wall_${what} "(${end} - ${start}) / 1000")
  if(what STREQUAL "page")
    string(REGEX MATCH "<title>loaded ([0-9]+) ms</title>" found "${_output}")
    if(NOT found)
      message(FATAL_ERROR "the page did not report its load time:\n${_output}")
    endif()
    set(loaded "${CMAKE_MATCH_1}")
  endif()
endforeach()
math(EXPR difference "${wall_page} - ${wall_empty}")
message(STATUS "trend report ${SERIES} series x ${RUNS} runs, ${kib} KiB: laid out ${loaded} ms "
               "after navigation; Chromium wall time ${wall_page} ms (empty page ${wall_empty} ms, "
               "difference ${difference} ms)")
