#include "support/http_client.hpp"

#include <array>
#include <functional>

#include "common/signing.hpp"
#include "support/openapi_check.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace omniroute::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

HttpResult exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, const std::string& method,
                    const std::string& target, const Headers& headers, const std::string& body, int timeout_ms) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  HttpResult out;
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  beast::error_code ec;
  http::write(stream, req, ec);
  if (ec) return out;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) return out;
  auto res = parser.release();
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  if (openapi_checks_enabled()) {
    auto type = out.headers.find("content-type");
    std::string problem = openapi_violation(method, target, out.status, type == out.headers.end() ? "" : type->second, out.body);
    if (!problem.empty()) ADD_FAILURE() << problem;
  }
  return out;
}

}  // namespace

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const Headers& headers, const std::string& body, int timeout_ms) {
  asio::io_context ctx;
  beast::tcp_stream stream(ctx);
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  beast::error_code ec;
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {};
  beast::flat_buffer buffer;
  return exchange(stream, buffer, method, target, headers, body, timeout_ms);
}

std::string raw_exchange(std::uint16_t port, const std::string& raw, int timeout_ms) {
  // Reads asynchronously under one deadline: a server that keeps the connection open (and even
  // talks now and then, like a WebSocket's pings) cannot hold the test beyond `timeout_ms`.
  asio::io_context ctx;
  tcp::socket socket(ctx);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "";
  asio::write(socket, asio::buffer(raw), ec);
  std::string out;
  std::array<char, 4096> buf{};
  bool closed = false;
  std::function<void()> read = [&] {
    socket.async_read_some(asio::buffer(buf), [&](beast::error_code e, size_t n) {
      out.append(buf.data(), n);
      if (e) {
        closed = true;
        return;
      }
      read();
    });
  };
  read();
  ctx.run_for(std::chrono::milliseconds(timeout_ms));
  return closed ? out : out + kClientGaveUp;
}

struct HttpConnection::Impl {
  asio::io_context ctx;
  beast::tcp_stream stream{ctx};
  beast::flat_buffer buffer;
};

HttpConnection::HttpConnection(std::uint16_t port, const std::string& from) : impl_(new Impl) {
  impl_->stream.expires_after(std::chrono::seconds(5));
  if (!from.empty()) {
    impl_->stream.socket().open(tcp::v4());
    impl_->stream.socket().bind(tcp::endpoint(asio::ip::make_address(from), 0));
  }
  impl_->stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

HttpConnection::~HttpConnection() { delete impl_; }

HttpResult HttpConnection::request(const std::string& method, const std::string& target, const Headers& headers,
                                   const std::string& body) {
  return exchange(impl_->stream, impl_->buffer, method, target, headers, body, 10'000);
}

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  return channels::hmac_sha256_hex(key, data);
}

}  // namespace omniroute::testing
