#pragma once
// Digests as lowercase hex: content addresses (attachments), token digests, signatures.

#include <cstddef>
#include <string>
#include <string_view>

namespace omniroute {

/// `raw` bytes as lowercase hex.
std::string to_hex(std::string_view raw);

/// `n` bytes from the system's cryptographic random source, as 2n lowercase hex digits ("" if it has none to
/// give): tokens and session secrets.
std::string random_hex(std::size_t n);

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// HMAC-SHA256 of `data` with `key`, as 64 lowercase hex digits (how omniroute signs bodies).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Whether `a` equals `b`, in time that depends only on the lengths, never on where they differ (signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace omniroute
