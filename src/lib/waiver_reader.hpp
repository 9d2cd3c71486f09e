// Internal: the reader of a list of waivers, shared by the waiver file (parse_waivers.cpp) and the
// "waivers" array of a policy (parse_policy.cpp), so both report the same errors the same way.
#pragma once

#include <perfgate/diagnostics.hpp>
#include <perfgate/waiver.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace perfgate::detail {

// The waivers of the array `value` at `pointer` of `source` ("/waivers"); every problem goes to
// `diagnostics`. `max_days`: the longest a waiver may run, and `max_days_origin` where that limit
// comes from, for messages ("the default", "the policy's waiver_max_days").
std::vector<Waiver> read_waiver_list(const boost::json::value& value, const std::string& source,
                                     const std::string& pointer, int max_days,
                                     const std::string& max_days_origin, Diagnostics& diagnostics);

}  // namespace perfgate::detail
