# cli.history: `perfgate history import|list|export|merge` on recorded exports, end to end, and a
# bad input that adds nothing.
#   cmake -D PERFGATE=<perfgate> -D DATA=<tests/data/history> -D WORK=<scratch folder> -P check_history.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(store "${WORK}/a.sqlite")

# step(<name> EXIT <n> [MATCHES <regex>...] COMMAND <args>...)
function(step name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "EXIT" "MATCHES;COMMAND")
  execute_process(COMMAND "${PERFGATE}" ${arg_COMMAND} WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  if(NOT code EQUAL arg_EXIT)
    message(FATAL_ERROR "history ${name}: exit ${code}, expected ${arg_EXIT}\n${all}")
  endif()
  foreach(regex IN LISTS arg_MATCHES)
    if(NOT all MATCHES "${regex}")
      message(FATAL_ERROR "history ${name}: output does not match '${regex}'\n${all}")
    endif()
  endforeach()
  set(last_output "${all}" PARENT_SCOPE)
endfunction()

step(no-store EXIT 2 MATCHES "absent.sqlite" COMMAND history list --store absent.sqlite)
step(import EXIT 0 MATCHES "4 entries added from 1 file" COMMAND history import --store "${store}" "${DATA}/runs-1-2.json")
step(import-again EXIT 0 MATCHES "0 entries added from 1 file\\(s\\), 4 already there"
     COMMAND history import --store "${store}" "${DATA}/runs-1-2.json")
step(bad-import EXIT 2 MATCHES "bad-entry.json" "/entries/0/samples"
     COMMAND history import --store "${store}" "${DATA}/runs-1-2.json" "${DATA}/bad-entry.json")
step(list EXIT 0 MATCHES "2 series, 2 gate test runs, 4 entries"
     "example/BM_Sort/1024/real_time \\(time, wall-time, class-a\\): 2 runs, 2026-12-01T10:00:00Z \\.\\. 2026-12-02T10:00:00Z, last 6000 ns \\(fail, bbbbbbb\\)"
     COMMAND history list --store "${store}")
step(export-csv EXIT 0 COMMAND history export --store "${store}" --metric real_time --out "${WORK}/out.csv")
file(STRINGS "${WORK}/out.csv" rows)
list(LENGTH rows n)
if(NOT n EQUAL 3)
  message(FATAL_ERROR "history export-csv: ${n} lines, expected a header and 2 rows")
endif()
step(export-json EXIT 0 COMMAND history export --store "${store}" --format json --out "${WORK}/out.json")
# The export imports into a new store whole; merging the two adds nothing new.
step(reimport EXIT 0 MATCHES "4 entries added" COMMAND history import --store "${WORK}/b.sqlite" "${WORK}/out.json")
step(merge EXIT 0 MATCHES "0 entries added from 1 store\\(s\\), 4 already there"
     COMMAND history merge "${WORK}/b.sqlite" "${store}")
# An artifact folder: the history.json files a gate test leaves are found recursively.
file(MAKE_DIRECTORY "${WORK}/artifacts/example/perf.example.BM_Sort")
file(COPY_FILE "${DATA}/runs-1-2.json" "${WORK}/artifacts/example/perf.example.BM_Sort/history.json")
step(import-folder EXIT 0 MATCHES "4 entries added from 1 file"
     COMMAND history import --store "${WORK}/c.sqlite" "${WORK}/artifacts")
step(last EXIT 0 MATCHES "2 series, 1 gate test runs, 2 entries" COMMAND history list --store "${store}" --last 1)
step(not-a-store EXIT 2 MATCHES "out.csv" COMMAND history list --store "${WORK}/out.csv")
