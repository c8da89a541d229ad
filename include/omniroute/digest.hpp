#pragma once
// Digests as lowercase hex: content addresses (attachments), token digests, signatures.

#include <string>
#include <string_view>

namespace omniroute {

/// `raw` bytes as lowercase hex.
std::string to_hex(std::string_view raw);

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// HMAC-SHA256 of `data` with `key`, as 64 lowercase hex digits (how omniroute signs bodies).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace omniroute
