// The only file-system user in libperfgate.
#include <perfgate/io.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

namespace perfgate {

namespace fs = std::filesystem;

namespace {
Diagnostics single_error(const std::string& path, std::string message, std::string hint = {}) {
  Diagnostics diagnostics;
  diagnostics.error(path, "", std::move(message), std::move(hint));
  return diagnostics;
}
}  // namespace

Result<std::string> read_text_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return single_error(path, "file does not exist");
  }
  if (fs::is_directory(status)) {
    return single_error(path, "expected a file, found a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return single_error(path, std::string("cannot open file: ") + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return single_error(path, "read error");
  }
  std::string text = std::move(buffer).str();
  if (text.empty()) {
    return single_error(path, "file is empty", "a benchmark that crashed or was killed before "
                                               "writing its results leaves an empty file");
  }
  return text;
}

Result<bool> write_file_atomic(const std::string& path, std::string_view contents) {
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return single_error(path, "cannot create folder '" + target.parent_path().string() +
                                    "': " + ec.message());
    }
  }
  std::random_device entropy;
  const fs::path temporary =
      target.string() + ".tmp-" + std::to_string(entropy()) + std::to_string(entropy());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      return single_error(path, std::string("cannot write: ") + std::strerror(errno));
    }
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(temporary, ec);
      return single_error(path, "write failed (disk full?)");
    }
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return single_error(path, "cannot replace file: " + ec.message());
  }
  return true;
}

}  // namespace perfgate
