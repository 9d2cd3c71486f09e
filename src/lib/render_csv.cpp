#include <perfgate/render.hpp>

namespace perfgate {

void render_csv(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_csv: not implemented\n";
}

}  // namespace perfgate
