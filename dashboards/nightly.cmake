# ctest -S dashboards/nightly.cmake: a Nightly dashboard, i.e. perfgate-dashboard.cmake
# with PERFGATE_DASHBOARD_MODEL=Nightly (docs/cdash.md).
set(ENV{PERFGATE_DASHBOARD_MODEL} Nightly)
include("${CMAKE_CURRENT_LIST_DIR}/perfgate-dashboard.cmake")
