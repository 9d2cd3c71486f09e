// Reader for Google Benchmark JSON (to be completed).
#include <perfgate/parse.hpp>

#include "json_support.hpp"

namespace perfgate {

Result<RunSet> parse_gbench(std::string_view text, const std::string& source) {
  Diagnostics diagnostics;
  (void)text;
  diagnostics.error(source, "", "Google Benchmark reader not implemented yet");
  return diagnostics;
}

}  // namespace perfgate
