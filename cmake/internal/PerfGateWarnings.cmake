# Build-only helpers: warning and sanitizer settings as INTERFACE targets (never installed).
include_guard(GLOBAL)

add_library(perfgate_warnings INTERFACE)
target_compile_options(perfgate_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast
  -Wnon-virtual-dtor $<$<BOOL:${PERFGATE_WERROR}>:-Werror>)

add_library(perfgate_sanitizers INTERFACE)
if(PERFGATE_SANITIZE)
  target_compile_options(perfgate_sanitizers INTERFACE
    -fsanitize=${PERFGATE_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer
    # GCC 12 reports false maybe-uninitialized warnings inside libstdc++'s <regex> when
    # sanitizers are on; they drown the real output of the asan build.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  target_link_options(perfgate_sanitizers INTERFACE -fsanitize=${PERFGATE_SANITIZE})
endif()

# PERFGATE_FUZZ (docs/fuzzing.md): the library gets libFuzzer's coverage instrumentation; the
# fuzz targets of tests/fuzz link the fuzzer itself.
add_library(perfgate_fuzzing INTERFACE)
if(PERFGATE_FUZZ)
  target_compile_options(perfgate_fuzzing INTERFACE -fsanitize=fuzzer-no-link)
endif()
