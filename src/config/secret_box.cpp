#include "config/secret_box.hpp"

#include <sodium.h>

#include <stdexcept>

namespace omniroute::config {

namespace {
constexpr std::string_view kPrefix = "sb1:";

void ensure_sodium() {
  static const int ready = sodium_init();  // thread-safe once; 1 when it was already initialised
  if (ready < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string hex_of(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::optional<std::string> bytes_of_hex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr, &len,
                     &end) != 0 ||
      end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}
}  // namespace

Expected<SecretBox, std::string> SecretBox::from_key_text(std::string_view text) {
  ensure_sodium();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  auto key = text.size() == crypto_secretbox_KEYBYTES * 2 ? bytes_of_hex(text) : std::nullopt;
  if (!key || key->size() != crypto_secretbox_KEYBYTES) {
    return unexpected(std::string("expected 64 hex characters (a 32-byte key; `omnictl secrets-key` makes one)"));
  }
  SecretBox box;
  box.key_ = std::move(*key);
  return box;
}

std::string SecretBox::new_key_text() {
  ensure_sodium();
  unsigned char key[crypto_secretbox_KEYBYTES];
  crypto_secretbox_keygen(key);
  std::string text = hex_of(key, sizeof key) + "\n";
  sodium_memzero(key, sizeof key);
  return text;
}

std::string SecretBox::seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return std::string(kPrefix) + hex_of(nonce, out.size());
}

std::optional<std::string> SecretBox::open(std::string_view sealed) const {
  if (!is_sealed(sealed)) return std::nullopt;
  auto raw = bytes_of_hex(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const size_t cipher_len = raw->size() - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_len - crypto_secretbox_MACBYTES, '\0');
  auto opens_with = [&](const std::string& key) {
    return crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                      cipher_len, nonce, reinterpret_cast<const unsigned char*>(key.data())) == 0;
  };
  if (opens_with(key_)) return plain;
  for (const auto& key : previous_) {
    if (opens_with(key)) return plain;
  }
  return std::nullopt;
}

bool SecretBox::is_sealed(std::string_view value) { return value.starts_with(kPrefix); }

}  // namespace omniroute::config
