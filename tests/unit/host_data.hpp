// The captured host texts of tests/data/host/ (README.md there), for the host and contention tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace perfgate::test {

// The text of tests/data/host/<path>, unchanged.
inline std::string host_data(const std::string& path) {
  std::ifstream in(std::string(PERFGATE_TEST_DATA_DIR) + "/host/" + path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace perfgate::test
