#include <perfgate/digest.hpp>

#include <gtest/gtest.h>

namespace perfgate {
namespace {

// FIPS 180-2's test vectors: the digest is SHA-256 itself, not a look-alike.
TEST(Digest, MatchesTheStandardTestVectors) {
  EXPECT_EQ(sha256_digest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_digest("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, OneFlippedBitChangesIt) {
  const std::string text = "{\"median\": 1234.5}";
  std::string flipped = text;
  flipped[12] = static_cast<char>(flipped[12] ^ 0x01);
  EXPECT_NE(sha256_digest(text), sha256_digest(flipped));
}

}  // namespace
}  // namespace perfgate
