#include "store/redis_stream.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace omniroute::store {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

/// Why a TLS handshake failed, in OpenSSL's own words where it verified the certificate.
std::string handshake_error(ssl::stream<asio::ip::tcp::socket>& s, const boost::system::error_code& ec) {
  long verify = SSL_get_verify_result(s.native_handle());
  if (verify != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  std::string why = ec.message();
  if (why.find("wrong version number") != std::string::npos) why += " (is the server speaking TLS on this port?)";
  return "TLS handshake failed: " + why;
}

}  // namespace

RedisStream::RedisStream(const asio::any_io_executor& executor, std::shared_ptr<ssl::context> tls)
    : executor_(executor), tls_(std::move(tls)), resolver_(executor), socket_(std::in_place_type<Tcp>, executor) {}

asio::awaitable<std::string> RedisStream::connect(const RedisAddress& to) {
  if (!to.unix_path.empty()) {
    socket_.emplace<Unix>(executor_);
    auto [ec] = co_await std::get<Unix>(socket_).async_connect(asio::local::stream_protocol::endpoint(to.unix_path), kAwait);
    if (ec) co_return to.unix_path + ": " + ec.message();
    co_return "";
  }
  auto [rec, results] = co_await resolver_.async_resolve(to.host, std::to_string(to.port), kAwait);
  if (rec || results.empty()) co_return "cannot resolve " + to.host + ": " + rec.message();
  Tcp tcp(executor_);
  auto [cec, endpoint] = co_await asio::async_connect(tcp, results, kAwait);
  if (cec) co_return to.text() + ": " + cec.message();
  tcp.set_option(asio::ip::tcp::no_delay(true));
  if (!tls_) {
    socket_.emplace<Tcp>(std::move(tcp));
    co_return "";
  }
  auto& tls = *socket_.emplace<Tls>(std::make_unique<ssl::stream<Tcp>>(std::move(tcp), *tls_));
  // The certificate must name the host we asked for (an address must be among its IP SANs).
  X509_VERIFY_PARAM* param = SSL_get0_param(tls.native_handle());
  if (is_ip_literal(to.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, to.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, to.host.c_str(), 0);
    SSL_set_tlsext_host_name(tls.native_handle(), to.host.c_str());
  }
  auto [hec] = co_await tls.async_handshake(ssl::stream_base::client, kAwait);
  if (hec) co_return to.text() + ": " + handshake_error(tls, hec);
  co_return "";
}

asio::awaitable<Expected<std::vector<Reply>, std::string>> RedisStream::exchange(
    const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& c : commands) append_command(out, c);
  auto [wec, written] = co_await async_write(asio::buffer(out), kAwait);
  if (wec) co_return unexpected("write failed: " + wec.message());
  std::vector<Reply> replies;
  char buf[4096];
  while (replies.size() < commands.size()) {
    while (replies.size() < commands.size()) {
      auto r = reader_.next();
      if (!r) break;
      replies.push_back(std::move(*r));
    }
    if (reader_.failed()) co_return unexpected(reader_.error());
    if (replies.size() == commands.size()) break;
    auto [rec, n] = co_await async_read_some(asio::buffer(buf), kAwait);
    if (rec) co_return unexpected(rec == asio::error::eof ? std::string("connection closed by the server") : rec.message());
    reader_.feed(std::string_view(buf, n));
  }
  co_return replies;
}

void RedisStream::close() {
  boost::system::error_code ignored;
  resolver_.cancel();
  std::visit([&](auto& s) { layer(s).lowest_layer().close(ignored); }, socket_);
}

bool RedisStream::is_open() const {
  return std::visit([](const auto& s) {
    if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Tls>) return s && s->lowest_layer().is_open();
    else return s.is_open();
  }, socket_);
}

Expected<std::shared_ptr<ssl::context>, std::string> make_tls_context(const std::string& ca_file,
                                                                     const std::string& cert_file,
                                                                     const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) return unexpected("redis.tls.ca_file " + ca_file + ": " + ec.message());
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) return unexpected("the system's CA store: " + ec.message());
  }
  if (!cert_file.empty()) {
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) return unexpected("redis.tls.cert_file " + cert_file + ": " + ec.message());
    ctx->use_private_key_file(key_file.empty() ? cert_file : key_file, ssl::context::pem, ec);
    if (ec) {
      return unexpected("redis.tls.key_file " + key_file + ": " + ec.message());
    }
  }
  return ctx;
}

}  // namespace omniroute::store
