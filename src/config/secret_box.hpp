#pragma once
// Secrets at rest: libsodium's secretbox (XSalsa20-Poly1305) under the key in server.secrets_key_file, so
// a Redis dump or replica holds no provider token in clear. A sealed value is "sb1:" followed by the hex of
// a random 24-byte nonce and the ciphertext; opening one checks its tag, so a value sealed under another
// key (or changed) is refused, never misread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omniroute/expected.hpp"

namespace omniroute::config {

class SecretBox {
 public:
  /// The key from the text of a key file: 64 hex characters (surrounding whitespace ignored); else why not.
  static Expected<SecretBox, std::string> from_key_text(std::string_view text);
  /// A fresh random key as a key file's text (64 hex characters and a newline), for `omnictl secrets-key`.
  static std::string new_key_text();

  /// `plaintext` sealed under the key, with a fresh nonce.
  std::string seal(std::string_view plaintext) const;
  /// The plaintext of a value seal() made under this key; nullopt for anything else.
  std::optional<std::string> open(std::string_view sealed) const;
  /// Whether `value` has the form seal() gives (whatever its key).
  static bool is_sealed(std::string_view value);
  /// open() also accepts values sealed under `previous`'s key (a key being rotated out); seal() never uses it.
  void also_open_with(const SecretBox& previous) { previous_.push_back(previous.key_); }

 private:
  std::string key_;  // 32 bytes
  std::vector<std::string> previous_;
};

}  // namespace omniroute::config
