# `ctest -L <label>` in the consumer's build fails with a clear message.
# -D BUILD_DIR=... -D CTEST=... -D LABEL=perf-gate|smoke -D REGEX=...
include("${CMAKE_CURRENT_LIST_DIR}/expect.cmake")
e2e_step(refused COMMAND "${CTEST}" -L "^${LABEL}$" --output-on-failure
  UNSET PERFGATE_RUNNER PERFGATE_BOOTSTRAP EXPECT fail MATCHES "${REGEX}")
