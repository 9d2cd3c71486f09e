#include <perfgate/io.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace perfgate {
namespace {

namespace fs = std::filesystem;

class Io : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("perfgate-io-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  fs::path m_dir;
};

TEST_F(Io, ReadsAFile) {
  std::ofstream(m_dir / "a.json") << "{}";
  const auto text = read_text_file((m_dir / "a.json").string());
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "{}");
}

TEST_F(Io, MissingEmptyAndDirectoryAreErrors) {
  const std::string missing = (m_dir / "nope.json").string();
  EXPECT_EQ(format_diagnostics(read_text_file(missing).error()),
            missing + ": error: file does not exist\n");
  std::ofstream(m_dir / "empty.json").close();
  const std::string empty = (m_dir / "empty.json").string();
  EXPECT_EQ(format_diagnostics(read_text_file(empty).error()),
            empty + ": error: file is empty\n  hint: a benchmark that crashed or was killed "
                    "before writing its results leaves an empty file\n");
  EXPECT_EQ(format_diagnostics(read_text_file(m_dir.string()).error()),
            m_dir.string() + ": error: expected a file, found a directory\n");
}

TEST_F(Io, FifoIsRefusedWithoutWaitingForAWriter) {
  const std::string fifo = (m_dir / "results.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const auto text = read_text_file(fifo);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(format_diagnostics(text.error()),
            fifo + ": error: expected a regular file, found a FIFO (named pipe)\n"
                   "  hint: perfgate reads whole files: write the results to a file first and "
                   "pass its path\n");
}

TEST_F(Io, DevicesAreRefusedBeforeAnyByteIsRead) {
  // /dev/zero never ends: reading it would grow memory without limit.
  const auto text = read_text_file("/dev/zero");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(format_diagnostics(text.error()),
            "/dev/zero: error: expected a regular file, found a character device\n"
            "  hint: perfgate reads whole files: write the results to a file first and pass its "
            "path\n");
  // Through a symbolic link too: the type is that of the file the link names.
  fs::create_symlink("/dev/zero", m_dir / "link.json");
  const std::string link = (m_dir / "link.json").string();
  EXPECT_EQ(format_diagnostic(read_text_file(link).error().items().front()),
            link + ": error: expected a regular file, found a character device\n"
                   "  hint: perfgate reads whole files: write the results to a file first and "
                   "pass its path\n");
}

TEST_F(Io, FileAboveTheLimitIsRefused) {
  const std::string path = (m_dir / "big.json").string();
  std::ofstream(path) << std::string(11, 'x');
  EXPECT_EQ(format_diagnostics(read_text_file(path, 10).error()),
            path + ": error: file is too large: 11 bytes, the limit is 10 bytes\n"
                   "  hint: a results file, baseline or policy is far smaller: is this the right "
                   "file?\n");
  ASSERT_TRUE(read_text_file(path, 11).has_value());
  EXPECT_EQ(*read_text_file(path, 11), std::string(11, 'x'));
}

TEST_F(Io, DefaultLimitIsOneGibibyteAndIsCheckedBeforeReading) {
  EXPECT_EQ(k_max_text_file_size, std::uint64_t{1} << 30);
  // A sparse file one byte over the limit: refused from its size, without reading 1 GiB.
  const std::string path = (m_dir / "huge.json").string();
  std::ofstream(path).close();
  fs::resize_file(path, k_max_text_file_size + 1);
  EXPECT_EQ(format_diagnostics(read_text_file(path).error()),
            path + ": error: file is too large: 1073741825 bytes, the limit is 1 GiB "
                   "(1073741824 bytes)\n"
                   "  hint: a results file, baseline or policy is far smaller: is this the right "
                   "file?\n");
}

TEST_F(Io, FilesThatSayTheirSizeIsZeroAreReadToTheEnd) {
  // Files under /proc report size 0 and still have contents.
  const auto text = read_text_file("/proc/self/status");
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find("Name:"), std::string::npos);
  EXPECT_FALSE(read_text_file("/proc/self/status", 8).has_value());
}

TEST_F(Io, UnreadableFileSaysWhy) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads every file";
  }
  const std::string path = (m_dir / "secret.json").string();
  std::ofstream(path) << "{}";
  fs::permissions(path, fs::perms::none);
  EXPECT_EQ(format_diagnostics(read_text_file(path).error()),
            path + ": error: cannot open file: Permission denied\n");
}

TEST_F(Io, WritesAtomicallyAndCreatesFolders) {
  const std::string path = (m_dir / "deep" / "er" / "b.json").string();
  ASSERT_TRUE(write_file_atomic(path, "one").has_value());
  ASSERT_TRUE(write_file_atomic(path, "two").has_value());
  EXPECT_EQ(*read_text_file(path), "two");
  // No temporary file is left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(m_dir / "deep" / "er")) {
    ++files;
  }
  EXPECT_EQ(files, 1U);
}

TEST_F(Io, UnwritableFolderIsAnError) {
  std::ofstream(m_dir / "file") << "x";
  const auto written = write_file_atomic((m_dir / "file" / "sub" / "r.json").string(), "x");
  ASSERT_FALSE(written.has_value());
  EXPECT_NE(format_diagnostics(written.error()).find("cannot create folder"), std::string::npos);
}

}  // namespace
}  // namespace perfgate
