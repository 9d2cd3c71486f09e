# ctest -S dashboards/experimental.cmake: a Experimental dashboard, i.e. perfgate-dashboard.cmake
# with PERFGATE_DASHBOARD_MODEL=Experimental (docs/cdash.md).
set(ENV{PERFGATE_DASHBOARD_MODEL} Experimental)
include("${CMAKE_CURRENT_LIST_DIR}/perfgate-dashboard.cmake")
