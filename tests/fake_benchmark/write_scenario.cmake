# write_scenario(<work dir> <scenario file or ""> <directives joined by @@>): writes
# <work dir>/scenario.txt, the scenario's lines followed by the directives, in a fresh <work dir>.
# Shared by check_fake.cmake and check_discover.cmake.
function(write_scenario work scenario_file directives)
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}")
  set(scenario "")
  if(scenario_file)
    file(READ "${scenario_file}" scenario)
  endif()
  string(REPLACE "@@" "\n" directives "${directives}")
  file(WRITE "${work}/scenario.txt" "${scenario}\n${directives}\n")
endfunction()
