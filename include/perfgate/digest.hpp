// Content digests: what a baseline carries to prove its numbers were not changed, and what the
// readiness packet records of every file its evidence rests on (docs/readiness.md).
#pragma once

#include <string>
#include <string_view>

namespace perfgate {

// "sha256:" followed by the 64 lower-case hex digits of the SHA-256 of `bytes` (OpenSSL).
std::string sha256_digest(std::string_view bytes);

}  // namespace perfgate
