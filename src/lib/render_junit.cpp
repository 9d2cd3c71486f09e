#include <perfgate/render.hpp>

namespace perfgate {

void render_junit(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_junit: not implemented\n";
}

}  // namespace perfgate
