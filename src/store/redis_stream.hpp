#pragma once
// One byte stream to a Redis server: TCP, a unix socket, or TLS over TCP
// (the server's certificate verified against the CA file or the system
// store, its name or address checked, SNI sent). Knows nothing of commands
// beyond exchange(), the request/response step used before a connection is
// handed to the pipelining client (AUTH, SELECT, ROLE) and for one-off
// questions (a Sentinel's master, a cluster's slot map).
//
// close() may be called at any time from the stream's executor: every
// pending operation then completes with an error.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "omniroute/expected.hpp"
#include "store/reply.hpp"
#include "store/resp.hpp"

namespace omniroute::store {

/// Where one Redis server (a data node, a sentinel, a cluster node) listens.
struct RedisAddress {
  std::string host;  // empty for a unix socket
  std::uint16_t port = 6379;
  std::string unix_path;

  std::string text() const { return unix_path.empty() ? host + ":" + std::to_string(port) : unix_path; }
  bool operator==(const RedisAddress&) const = default;
};

class RedisStream {
 public:
  /// `tls` null: plain TCP (or unix); otherwise every TCP connection is TLS with it.
  RedisStream(const boost::asio::any_io_executor& executor, std::shared_ptr<boost::asio::ssl::context> tls);

  /// Resolves, connects and, with TLS, completes a verified handshake. "" when connected, else why not
  /// ("certificate verify failed: certificate has expired", "connection refused", ...).
  boost::asio::awaitable<std::string> connect(const RedisAddress& to);

  /// Sends `commands` in one write and reads one reply each. An error text when the connection failed
  /// (error replies are replies: the caller judges them).
  boost::asio::awaitable<Expected<std::vector<Reply>, std::string>> exchange(
      const std::vector<std::vector<std::string>>& commands);

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return std::visit([&](auto& s) { return layer(s).async_read_some(buffers, std::forward<Token>(token)); }, socket_);
  }
  template <typename Buffers, typename Token>
  auto async_write(const Buffers& buffers, Token&& token) {
    return std::visit([&](auto& s) { return boost::asio::async_write(layer(s), buffers, std::forward<Token>(token)); },
                      socket_);
  }

  /// The replies of what the pipelining client sent, parsed as bytes arrive.
  RespReader& reader() { return reader_; }

  void close();
  bool is_open() const;

 private:
  using Tcp = boost::asio::ip::tcp::socket;
  using Unix = boost::asio::local::stream_protocol::socket;
  using Tls = std::unique_ptr<boost::asio::ssl::stream<Tcp>>;
  static Tcp& layer(Tcp& s) { return s; }
  static Unix& layer(Unix& s) { return s; }
  static boost::asio::ssl::stream<Tcp>& layer(Tls& s) { return *s; }

  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::resolver resolver_;
  std::variant<Tcp, Unix, Tls> socket_;
  RespReader reader_;
};

/// The TLS settings of redis.tls as an OpenSSL context (verify the server; a client certificate when
/// given), or why it cannot be made (an unreadable file, a key that does not match).
Expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_tls_context(const std::string& ca_file,
                                                                                  const std::string& cert_file,
                                                                                  const std::string& key_file);

}  // namespace omniroute::store
