// The file-system seam: the only code in libperfgate that touches files.
#pragma once

#include <perfgate/result.hpp>

#include <string>
#include <string_view>

namespace perfgate {

// The whole file, or a diagnostic that names it and says why it could not be read
// (missing, a directory, unreadable, empty).
Result<std::string> read_text_file(const std::string& path);

// Writes through a temporary file in the same folder and renames it over `path`, so a reader
// (or a killed writer) never sees a half-written file. Creates missing parent folders.
Result<bool> write_file_atomic(const std::string& path, std::string_view contents);

}  // namespace perfgate
