#include <perfgate/render.hpp>

namespace perfgate {

void render_json(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_json: not implemented\n";
}

}  // namespace perfgate
