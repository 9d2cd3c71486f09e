# CTestConfig.cmake template for a project that submits perfgate runs to CDash: copy it to the
# top of your source tree and set the project name. ctest_start() reads it from there
# (dashboards/perfgate-dashboard.cmake), as does `ctest -D Experimental` in a build tree of a
# project that calls include(CTest). Nothing secret belongs here: the submit URL comes from the
# environment, and the token only ever from PERFGATE_CDASH_TOKEN (docs/cdash.md).
set(CTEST_PROJECT_NAME "MyProject")
# Builds started before this time of day count for the previous day's Nightly dashboard.
set(CTEST_NIGHTLY_START_TIME "01:00:00 UTC")
if(DEFINED ENV{PERFGATE_CDASH_SUBMIT_URL} AND NOT "$ENV{PERFGATE_CDASH_SUBMIT_URL}" STREQUAL "")
  # The full URL, e.g. https://cdash.example.org/submit.php?project=MyProject
  set(CTEST_SUBMIT_URL "$ENV{PERFGATE_CDASH_SUBMIT_URL}")
endif()
