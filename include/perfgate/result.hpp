// Result<T>: a value or the diagnostics that explain why there is none.
#pragma once

#include <perfgate/diagnostics.hpp>

#include <boost/system/result.hpp>

namespace perfgate {

// Bad input never throws: parsers return Result<T>. Kept behind an alias so it can become
// std::expected once C++23 is the minimum.
template <class T>
using Result = boost::system::result<T, Diagnostics>;

// Called by Result<T>::value() when it holds diagnostics: a programming error, since callers
// must check has_value() first.
[[noreturn]] void throw_exception_from_error(const Diagnostics& diagnostics,
                                             const boost::source_location& location);

}  // namespace perfgate
