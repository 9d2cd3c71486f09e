# PerfGateSetup.cmake: installs what perfgate needs on a Debian bookworm machine.
#
#   cmake -P cmake/PerfGateSetup.cmake
#
# As root it installs every missing Debian package with apt-get. As a plain user it prints the
# exact `apt-get install` line and stops with an error, so nothing half-works.
cmake_minimum_required(VERSION 3.25)

set(_perfgate_packages
  g++
  clang
  libclang-rt-14-dev  # with clang: the asan preset, libFuzzer and its sanitizer runtimes
  cmake
  git
  libbenchmark-dev
  libgtest-dev
  libgmock-dev
  libboost-json1.81-dev
  libboost1.81-dev
  libcli11-dev
  libre2-dev
  libsqlite3-dev
  libssl-dev
  pkgconf
  valgrind
  stress-ng
)

find_program(_perfgate_dpkg_query dpkg-query)
if(NOT _perfgate_dpkg_query)
  message(FATAL_ERROR
    "perfgate set-up: dpkg-query not found. This script knows Debian bookworm; elsewhere install "
    "the equivalents of: ${_perfgate_packages}")
endif()

set(_perfgate_missing "")
foreach(_package IN LISTS _perfgate_packages)
  execute_process(
    COMMAND "${_perfgate_dpkg_query}" -W "-f=\${Status}" "${_package}"
    OUTPUT_VARIABLE _status ERROR_QUIET RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0 OR NOT _status MATCHES "install ok installed")
    list(APPEND _perfgate_missing "${_package}")
  endif()
endforeach()

if(NOT _perfgate_missing)
  message(STATUS "perfgate set-up: every package is installed")
  return()
endif()

list(JOIN _perfgate_missing " " _perfgate_missing_text)
execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _uid STREQUAL "0")
  message(FATAL_ERROR
    "perfgate set-up: missing Debian packages: ${_perfgate_missing_text}\n"
    "Install them as root, then run this again:\n"
    "  sudo apt-get update && sudo apt-get install -y ${_perfgate_missing_text}")
endif()

message(STATUS "perfgate set-up: installing ${_perfgate_missing_text}")
set(ENV{DEBIAN_FRONTEND} noninteractive)
execute_process(COMMAND apt-get update -qq RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "perfgate set-up: 'apt-get update' failed (exit ${_result})")
endif()
execute_process(
  COMMAND apt-get install -y -qq --no-install-recommends ${_perfgate_missing}
  RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
  message(FATAL_ERROR
    "perfgate set-up: 'apt-get install ${_perfgate_missing_text}' failed (exit ${_result})")
endif()
message(STATUS "perfgate set-up: done")
