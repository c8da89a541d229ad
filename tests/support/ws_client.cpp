#include "support/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace omniroute::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WsClient::Impl {
  asio::io_context ctx;
  websocket::stream<beast::tcp_stream> ws{ctx};
  bool ok = false;
  int status = 0;
  int close_code = 0;

  void connect(std::uint16_t port, const std::string& target,
               const std::vector<std::pair<std::string, std::string>>& headers) {
    beast::error_code ec;
    auto& lowest = beast::get_lowest_layer(ws);
    lowest.expires_after(std::chrono::seconds(5));
    lowest.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) return;
    ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    websocket::response_type res;
    ws.handshake(res, "127.0.0.1", target, ec);
    status = static_cast<int>(res.result_int());
    ok = !ec;
    lowest.expires_never();
  }
};

WsClient::WsClient(std::uint16_t port, const std::string& target, const std::string& bearer) : impl_(new Impl) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  impl_->connect(port, target, headers);
}

WsClient::WsClient(std::uint16_t port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers)
    : impl_(new Impl) {
  impl_->connect(port, target, headers);
}

bool WsClient::send(const std::string& text) {
  if (!impl_->ok) return false;
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);
  return !ec;
}

bool WsClient::send_binary(const std::string& bytes) {
  if (!impl_->ok) return false;
  beast::error_code ec;
  impl_->ws.binary(true);
  impl_->ws.write(asio::buffer(bytes), ec);
  impl_->ws.text(true);
  return !ec;
}

int WsClient::status() const { return impl_->status; }

int WsClient::close_code() const { return impl_->close_code; }

WsClient::~WsClient() { close(); }

bool WsClient::ok() const { return impl_->ok; }

std::optional<std::string> WsClient::next(int timeout_ms) {
  if (!impl_->ok) return std::nullopt;
  beast::flat_buffer buffer;
  beast::error_code ec;
  // A read deadline without tearing the socket down: run the async read for at most timeout_ms.
  bool done = false;
  impl_->ws.async_read(buffer, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  impl_->ctx.restart();
  impl_->ctx.run_for(std::chrono::milliseconds(timeout_ms));
  if (!done) {
    beast::get_lowest_layer(impl_->ws).cancel();
    impl_->ctx.restart();
    impl_->ctx.run();
    impl_->ok = false;  // a cancelled read leaves the stream unusable
    return std::nullopt;
  }
  if (ec) {
    if (ec == websocket::error::closed) impl_->close_code = impl_->ws.reason().code;
    impl_->ok = false;
    return std::nullopt;
  }
  return beast::buffers_to_string(buffer.data());
}

void WsClient::close() {
  if (!impl_ || !impl_->ok) return;
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(2));
  impl_->ws.close(websocket::close_code::normal, ec);
  impl_->ok = false;
}

}  // namespace omniroute::testing
