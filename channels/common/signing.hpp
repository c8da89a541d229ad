#pragma once
// Signature primitives providers use to sign webhooks.

#include <string>
#include <string_view>

namespace omniroute::channels {

/// Raw HMAC-SHA256 of `data` keyed by `key`, as lowercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Raw HMAC-SHA1 of `data` keyed by `key`, base64-encoded (Twilio's form).
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

/// True when `header` is "sha256=<hex HMAC-SHA256 of body with secret>" (the generic webhook's
/// X-Omniroute-Signature, Meta's X-Hub-Signature-256); constant time.
bool webhook_signature_valid(std::string_view secret, std::string_view body, std::string_view header);

/// Compares in time that depends only on the lengths, never on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace omniroute::channels
