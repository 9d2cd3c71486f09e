# CTest's custom settings for a perfgate build tree (copied to the top of the build tree, where
# CTest reads it). A passing test's output is cut at 1 KiB by default, which would drop the
# <CTestMeasurement> lines of a gate test before CTest turns them into NamedMeasurements in
# Test.xml (and so CDash graphs); keep up to 1 MiB of it, and 4 MiB of a failing test.
set(CTEST_CUSTOM_MAXIMUM_PASSED_TEST_OUTPUT_SIZE 1048576)
set(CTEST_CUSTOM_MAXIMUM_FAILED_TEST_OUTPUT_SIZE 4194304)
