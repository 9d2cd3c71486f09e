// Internal: the one place that knows how perfgate uses Boost.JSON.
#pragma once

#include <perfgate/diagnostics.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::detail {

// Google Benchmark writes bare NaN, Infinity and -Infinity (e.g. the cv of an always-zero
// counter), which Boost.JSON 1.81 rejects. This rewrites each such token outside strings into a
// sentinel string of the same line layout, which number_of() turns back into the non-finite value.
std::string protect_non_finite(std::string_view text);

// Parses JSON text (after protect_non_finite). On a syntax error adds a diagnostic naming the
// line and column and returns nullopt.
std::optional<boost::json::value> parse_json(std::string_view text, const std::string& source,
                                             Diagnostics& diagnostics);

// A JSON number (or a protected NaN/Infinity) as double; nullopt for anything else.
std::optional<double> number_of(const boost::json::value& value);

// "name" appended to a JSON pointer, escaped per RFC 6901.
std::string pointer_append(std::string_view pointer, std::string_view name);
std::string pointer_append(std::string_view pointer, std::size_t index);

// The 1-based line of a byte offset.
std::size_t line_of_offset(std::string_view text, std::size_t offset);

// A short description of a JSON value's kind and content for messages: 'string "fast"'.
std::string describe(const boost::json::value& value);

// A double as the shortest text that reads back the same, independent of the locale.
std::string format_number(double value);

}  // namespace perfgate::detail
