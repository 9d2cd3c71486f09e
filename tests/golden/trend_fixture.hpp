// A small fixed trend (built directly, without the change-point detector) for the golden tests of
// the trend reports and the screenshot test: a persistent regression, a new one, an improvement,
// a creep, a series with an absolute limit and a quiet one.
#pragma once

#include <perfgate/trend.hpp>

namespace perfgate::golden {

TrendResult trend_fixture();

}  // namespace perfgate::golden
