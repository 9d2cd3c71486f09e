#include <perfgate/render.hpp>

namespace perfgate {

void render_text(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_text: not implemented\n";
}

}  // namespace perfgate
