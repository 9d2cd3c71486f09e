// SHA-256 from OpenSSL's libcrypto: a well-kept implementation rather than one of our own.
#include <perfgate/digest.hpp>

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace perfgate {

std::string sha256_digest(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), hash.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not compute a SHA-256 digest");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out = "sha256:";
  out.reserve(out.size() + 2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += k_hex[hash[i] >> 4];
    out += k_hex[hash[i] & 0x0f];
  }
  return out;
}

}  // namespace perfgate
