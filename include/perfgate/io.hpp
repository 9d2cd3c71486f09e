// The file-system seam: the only code in libperfgate that touches files.
#pragma once

#include <perfgate/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace perfgate {

// The largest file read_text_file() reads unless told otherwise: 1 GiB. Google Benchmark writes
// about 500 bytes per result, so this is some two million results; anything larger is not one
// results file, baseline or policy but a mistake (a log that grew without bound, a disk image).
inline constexpr std::uint64_t k_max_text_file_size = std::uint64_t{1} << 30;

// The whole file, or a diagnostic that names it and says why it could not be read: missing,
// unreadable, empty, larger than `max_size` bytes, or not a regular file (a directory, a FIFO,
// a device or a socket, named as such: a FIFO would block and /dev/zero would never end).
Result<std::string> read_text_file(const std::string& path,
                                   std::uint64_t max_size = k_max_text_file_size);

// Writes through a temporary file in the same folder ("<name>.tmp-perfgate-<pid>-<random>") and
// renames it over `path`, so a reader (or a killed writer) never sees a half-written file; a
// killed writer can leave the temporary (perfgate baseline update removes those of dead writers).
// Creates missing parent folders.
Result<bool> write_file_atomic(const std::string& path, std::string_view contents);

}  // namespace perfgate
