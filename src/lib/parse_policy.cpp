#include <perfgate/parse.hpp>
