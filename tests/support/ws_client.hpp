#pragma once
// A blocking WebSocket client for tests, with a deadline on every read.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace omniroute::testing {

class WsClient {
 public:
  /// Connects and upgrades `target`; `ok()` is false when the server refused.
  WsClient(std::uint16_t port, const std::string& target, const std::string& bearer = "");
  /// Connects with these request headers (Cookie, Origin, Last-Event-ID…) instead of a Bearer token.
  WsClient(std::uint16_t port, const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers);
  ~WsClient();
  bool ok() const;
  /// The next text frame, or nullopt if none came within `timeout_ms` or the socket closed.
  std::optional<std::string> next(int timeout_ms = 5000);
  void close();
  /// Sends one text frame; false when the socket is not open.
  bool send(const std::string& text);
  /// Sends one binary frame; false when the socket is not open.
  bool send_binary(const std::string& bytes);
  /// The HTTP status the server answered the upgrade with (101 when accepted; 0 when nothing came).
  int status() const;
  /// The close code the server sent, once a read saw the socket close (0 when none).
  int close_code() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace omniroute::testing
