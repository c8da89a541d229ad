#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>

#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

SessionSet::Handle SessionSet::add(tcp::socket* socket) { return entries_.insert(entries_.end(), Entry{socket}); }

void SessionSet::remove(Handle h) { entries_.erase(h); }

void SessionSet::drain() {
  draining_ = true;
  for (auto& e : entries_) {
    if (!e.busy && !e.fresh) {
      boost::system::error_code ignored;
      e.socket->cancel(ignored);
      e.socket->shutdown(tcp::socket::shutdown_both, ignored);
    }
  }
}

namespace {

/// The answer to a request the parser refused, or nullopt when the peer just went away
/// (or timed out: tcp_stream has closed the socket by then, so nothing can be said).
std::optional<Response> answer_to_read_error(const boost::system::error_code& ec) {
  if (ec == beast_http::error::body_limit) return json_error(413, "body_too_large", "the body is over the limit");
  if (ec == beast_http::error::header_limit) {
    return json_error(431, "headers_too_large", "the request headers are over the limit");
  }
  if (ec == beast_http::error::bad_transfer_encoding) {
    return json_error(400, "unsupported_transfer_encoding", "only Transfer-Encoding: chunked is accepted");
  }
  static const auto& http_category = beast_http::make_error_code(beast_http::error::end_of_stream).category();
  if (ec.category() == http_category && ec != beast_http::error::end_of_stream &&
      ec != beast_http::error::partial_message) {
    return json_error(400, "bad_request", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;
}

/// A request framed by a transfer coding we do not decode: RFC 9112 §6.3 says its length cannot
/// be known, so it is refused and the connection closed (read as an empty body, the rest would be
/// taken for a second request that a proxy in front never saw). Only `chunked` alone is accepted.
bool unsupported_framing(const Request& request) {
  auto te = request.find(beast_http::field::transfer_encoding);
  if (te == request.end()) return false;
  std::string_view value = te->value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.size() != 7) return true;
  for (size_t i = 0; i < 7; ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != "chunked"[i]) return true;
  }
  // A second Transfer-Encoding line would be appended to the first by a proxy: refuse it too.
  return request.count(beast_http::field::transfer_encoding) > 1;
}

/// The handler's answer; a request it failed on (an exception: a bug) is logged with its route
/// and answered 500, so the client always hears something and the operator can find it.
asio::awaitable<Response> answer(Handler& handler, Request& request) {
  std::string failure;
  try {
    co_return co_await handler.handle(request);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  std::string_view target = request.target();
  log::error("http: " + std::string(request.method_string()) + " " + std::string(target.substr(0, target.find('?'))) +
             " failed: " + failure);
  co_return json_error(500, "internal_error", "the request failed unexpectedly; it was logged");
}

}  // namespace

asio::awaitable<void> serve_session(tcp::socket socket, Handler& handler, Limits limits, SessionSet& sessions) {
  beast::tcp_stream stream(std::move(socket));
  auto handle = sessions.add(&stream.socket());
  struct Unregister {
    SessionSet& set;
    SessionSet::Handle h;
    ~Unregister() { set.remove(h); }
  } unregister{sessions, handle};

  beast::flat_buffer buffer;
  while (handle->fresh || !sessions.draining()) {
    handle->busy = false;
    // Idle between requests: wait for the first byte at most idle_timeout.
    if (buffer.size() == 0) {
      stream.expires_after(limits.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kAwait);
      if (ec) break;
      buffer.commit(n);
    }
    handle->busy = true;
    // Then the whole request within read_timeout, however slowly it trickles.
    stream.expires_after(limits.read_timeout);
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    auto [ec, n] = co_await beast_http::async_read(stream, buffer, parser, kAwait);
    (void)n;
    if (ec) {
      auto answer = answer_to_read_error(ec);
      if (answer) {
        answer->keep_alive(false);
        stream.expires_after(limits.read_timeout);
        co_await beast_http::async_write(stream, *answer, kAwait);
      }
      break;
    }
    Request request = parser.release();
    if (unsupported_framing(request)) {
      Response refused = json_error(400, "unsupported_transfer_encoding", "only Transfer-Encoding: chunked is accepted");
      refused.keep_alive(false);
      stream.expires_after(limits.read_timeout);
      co_await beast_http::async_write(stream, refused, kAwait);
      break;
    }
    if (boost::beast::websocket::is_upgrade(request)) {
      // The WebSocket owns the connection from here; shutdown reaches it through its own hub.
      handle->busy = false;
      co_await handler.upgrade(std::move(request), std::move(stream));
      co_return;
    }
    Response response = co_await answer(handler, request);
    bool keep_alive = request.keep_alive() && !sessions.draining();
    response.keep_alive(keep_alive);
    response.version(request.version());
    stream.expires_after(limits.read_timeout);
    auto [wec, wn] = co_await beast_http::async_write(stream, response, kAwait);
    (void)wn;
    handle->fresh = false;
    if (wec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

Listener::Listener(asio::io_context& context, const tcp::endpoint& endpoint, std::vector<Lane> lanes, Limits limits)
    : acceptor_(context), lanes_(std::move(lanes)), limits_(limits) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

std::uint16_t Listener::port() const { return acceptor_.local_endpoint().port(); }

void Listener::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), logged("http: accept loop")); }

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::replace_lanes(std::vector<Lane> lanes, Limits limits) {
  lanes_ = std::move(lanes);
  limits_ = limits;
  boost::system::error_code ignored;
  acceptor_.cancel(ignored);  // the accept pending on an old lane starts again on a new one
}

asio::awaitable<void> Listener::accept_loop() {
  while (acceptor_.is_open()) {
    Lane lane = lanes_[next_++ % lanes_.size()];
    auto [ec, socket] = co_await acceptor_.async_accept(lane.context->get_executor(), kAwait);
    if (ec) {
      if (!acceptor_.is_open()) break;
      if (ec == asio::error::operation_aborted) continue;  // lanes replaced
      // Out of descriptors or similar: say so, pause so the loop does not spin, keep serving.
      log::warn("http: accept failed: " + ec.message());
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(kAwait);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(lane.context->get_executor(),
                   serve_session(std::move(socket), *lane.handler, limits_, *lane.sessions), logged("http: session"));
  }
}

}  // namespace omniroute::http
