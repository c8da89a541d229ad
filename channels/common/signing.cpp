#include "common/signing.hpp"

#include "omniroute/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace omniroute::channels {

namespace {
std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}
}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) { return omniroute::hmac_sha256_hex(key, data); }

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  std::string raw = hmac(EVP_sha1(), key, data);
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) { return omniroute::constant_time_equal(a, b); }

bool webhook_signature_valid(std::string_view secret, std::string_view body, std::string_view header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (!header.starts_with(kPrefix)) return false;
  std::string expected = hmac_sha256_hex(secret, body);
  std::string given(header.substr(kPrefix.size()));
  for (char& c : given) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return constant_time_equal(expected, given);
}

}  // namespace omniroute::channels
