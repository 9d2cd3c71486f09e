// The only file-system user in libperfgate.
#include <perfgate/io.hpp>
#include <perfgate/number_format.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>

namespace perfgate {

namespace fs = std::filesystem;

namespace {
Diagnostics single_error(const std::string& path, std::string message, std::string hint = {}) {
  Diagnostics diagnostics;
  diagnostics.error(path, "", std::move(message), std::move(hint));
  return diagnostics;
}

// What a file that is not a regular file is, for "expected a file, found ...".
std::string kind_of(const struct stat& status) {
  if (S_ISDIR(status.st_mode)) {
    return "a directory";
  }
  if (S_ISFIFO(status.st_mode)) {
    return "a FIFO (named pipe)";
  }
  if (S_ISCHR(status.st_mode)) {
    return "a character device";
  }
  if (S_ISBLK(status.st_mode)) {
    return "a block device";
  }
  if (S_ISSOCK(status.st_mode)) {
    return "a socket";
  }
  return "a special file";
}

// "1 GiB (1073741824 bytes)", "10 bytes".
std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t k_gib = std::uint64_t{1} << 30;
  constexpr std::uint64_t k_mib = std::uint64_t{1} << 20;
  std::string exact = format_integer(bytes) + (bytes == 1 ? " byte" : " bytes");
  if (bytes >= k_gib && bytes % k_gib == 0) {
    return format_integer(bytes / k_gib) + " GiB (" + exact + ")";
  }
  if (bytes >= k_mib && bytes % k_mib == 0) {
    return format_integer(bytes / k_mib) + " MiB (" + exact + ")";
  }
  return exact;
}

Diagnostics too_large(const std::string& path, std::string_view size, std::uint64_t max_size) {
  return single_error(path,
                      "file is too large: " + std::string(size) + ", the limit is " +
                          size_text(max_size),
                      "a results file, baseline or policy is far smaller: is this the right file?");
}

// Closes a descriptor on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  [[nodiscard]] int get() const { return m_fd; }

 private:
  int m_fd;
};
}  // namespace

Result<std::string> read_text_file(const std::string& path, std::uint64_t max_size) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer. The type is checked on the open
  // descriptor (fstat), so nothing can be swapped in between the check and the read.
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      return single_error(path, "file does not exist");
    }
    return single_error(path, std::string("cannot open file: ") + std::strerror(error));
  }
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) {
    return single_error(path, std::string("cannot open file: ") + std::strerror(errno));
  }
  if (S_ISDIR(status.st_mode)) {
    return single_error(path, "expected a file, found a directory");
  }
  if (!S_ISREG(status.st_mode)) {
    return single_error(path, "expected a regular file, found " + kind_of(status),
                        "perfgate reads whole files: write the results to a file first and pass "
                        "its path");
  }
  const auto size = static_cast<std::uint64_t>(status.st_size);
  if (size > max_size) {
    return too_large(path, size_text(size), max_size);
  }
  // The size is a hint only (files under /proc say 0, a file may grow while it is read): read
  // until the end, never past the limit.
  std::string text;
  text.resize(static_cast<std::size_t>(size) + 1);
  std::size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (used > max_size) {
        return too_large(path, "more than " + size_text(max_size), max_size);
      }
      const std::uint64_t grown = std::min<std::uint64_t>(std::uint64_t{used} * 2 + 4096,
                                                          max_size + 1);
      text.resize(static_cast<std::size_t>(grown));
    }
    const ssize_t got = ::read(file.get(), text.data() + used, text.size() - used);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return single_error(path, std::string("read error: ") + std::strerror(errno));
    }
    if (got == 0) {
      break;
    }
    used += static_cast<std::size_t>(got);
  }
  if (used > max_size) {
    return too_large(path, "more than " + size_text(max_size), max_size);
  }
  text.resize(used);
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
  // "<name>.tmp-perfgate-<pid>-<random>": recognisable, and the next `perfgate baseline update`
  // removes those whose writer died (kill -9) before renaming them.
  const fs::path temporary = target.string() + ".tmp-perfgate-" + std::to_string(::getpid()) +
                             "-" + std::to_string(entropy()) + std::to_string(entropy());
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
