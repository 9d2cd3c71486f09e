# ctest -S dashboards/continuous.cmake: a Continuous dashboard, i.e. perfgate-dashboard.cmake
# with PERFGATE_DASHBOARD_MODEL=Continuous (docs/cdash.md).
set(ENV{PERFGATE_DASHBOARD_MODEL} Continuous)
include("${CMAKE_CURRENT_LIST_DIR}/perfgate-dashboard.cmake")
