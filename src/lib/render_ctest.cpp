#include <perfgate/render.hpp>

namespace perfgate {

void render_ctest(const GateResult& result, std::ostream& out, const RenderOptions& options) {
  (void)result;
  (void)options;
  out << "render_ctest: not implemented\n";
}

}  // namespace perfgate
