#pragma once
// A blocking HTTP/1.1 client for tests, with a deadline on every call.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace omniroute::testing {

struct HttpResult {
  int status = 0;  // 0: no answer (connection failed or closed)
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Sends one request on a fresh connection; waits at most `timeout_ms`.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const Headers& headers = {}, const std::string& body = "", int timeout_ms = 10'000);

/// Appended by raw_exchange when the server never closed the connection.
inline constexpr const char* kClientGaveUp = "<client timed out>";

/// Writes `raw` bytes on a fresh connection and returns what came back until close or timeout.
std::string raw_exchange(std::uint16_t port, const std::string& raw, int timeout_ms = 5'000);

/// A keep-alive connection for sending several requests in a row.
class HttpConnection {
 public:
  /// Connects to 127.0.0.1:`port` from `from` (another loopback address, "127.0.0.2", is another client).
  explicit HttpConnection(std::uint16_t port, const std::string& from = "");
  ~HttpConnection();
  HttpResult request(const std::string& method, const std::string& target, const Headers& headers = {},
                     const std::string& body = "");

 private:
  struct Impl;
  Impl* impl_;
};

/// Hex HMAC-SHA256, as the generic webhook channel signs bodies.
std::string hmac_sha256_hex(const std::string& key, const std::string& data);

}  // namespace omniroute::testing
