#include <perfgate/render.hpp>

namespace perfgate {

void render_markdown(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_markdown: not implemented\n";
}

}  // namespace perfgate
