#include <perfgate/io.hpp>

#include <gtest/gtest.h>

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
