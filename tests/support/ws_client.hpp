#pragma once
// A blocking WebSocket client for tests, with a deadline on every read.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace omniroute::testing {

class WsClient {
 public:
  /// Connects and upgrades `target`; `ok()` is false when the server refused.
  WsClient(std::uint16_t port, const std::string& target, const std::string& bearer = "");
  ~WsClient();
  bool ok() const;
  /// The next text frame, or nullopt if none came within `timeout_ms` or the socket closed.
  std::optional<std::string> next(int timeout_ms = 5000);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace omniroute::testing
