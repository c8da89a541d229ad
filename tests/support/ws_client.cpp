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
};

WsClient::WsClient(std::uint16_t port, const std::string& target, const std::string& bearer) : impl_(new Impl) {
  beast::error_code ec;
  auto& lowest = beast::get_lowest_layer(impl_->ws);
  lowest.expires_after(std::chrono::seconds(5));
  lowest.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;
  impl_->ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
    if (!bearer.empty()) req.set(beast::http::field::authorization, "Bearer " + bearer);
  }));
  impl_->ws.handshake("127.0.0.1", target, ec);
  impl_->ok = !ec;
}

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
