// Reader for run-context files ("perfgate.context/1"; docs/formats.md).
#include <perfgate/parse.hpp>

#include "json_support.hpp"

#include <boost/json.hpp>

namespace perfgate {

Result<std::map<std::string, std::string>> parse_context(std::string_view text,
                                                         const std::string& source) {
  Diagnostics diagnostics;
  const auto object = detail::parse_json_object(text, "a context object", {}, source, diagnostics);
  if (!object) {
    return diagnostics;
  }
  detail::check_schema(*object, "perfgate.context", 1, source, diagnostics);
  std::map<std::string, std::string> context;
  for (const auto& entry : *object) {
    if (entry.key() == "schema") {
      continue;
    }
    const auto& value = entry.value();
    if (value.is_string()) {
      context[std::string(entry.key())] = std::string(value.get_string());
    } else if (const auto number = detail::number_of(value); number && !value.is_string()) {
      context[std::string(entry.key())] = detail::format_number(*number);
    } else if (value.is_bool()) {
      context[std::string(entry.key())] = value.get_bool() ? "true" : "false";
    } else {
      diagnostics.error(source, detail::pointer_append("", entry.key()),
                        "expected a string, number or boolean, got " + detail::describe(value));
    }
  }
  if (diagnostics.has_errors()) {
    return diagnostics;
  }
  return context;
}

}  // namespace perfgate
