#pragma once
// Digests as lowercase hex: content addresses (attachments), token digests, signatures.

#include <string>
#include <string_view>

namespace omniroute {

/// `raw` bytes as lowercase hex.
std::string to_hex(std::string_view raw);

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace omniroute
