#include <perfgate/render.hpp>

namespace perfgate {

void render_html(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_html: not implemented\n";
}

}  // namespace perfgate
