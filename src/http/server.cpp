#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <sys/resource.h>

#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

SessionSet::Handle SessionSet::add(tcp::socket* socket) { return entries_.insert(entries_.end(), Entry{socket}); }

void SessionSet::remove(Handle h) {
  if (h->shed) --shedding_;
  if (h->upgraded) --upgraded_;
  entries_.erase(h);
  if (entries_.empty() && on_empty_) on_empty_();
}

bool SessionSet::upgrade(Handle h, std::size_t cap) {
  if (cap > 0) {
    const std::size_t reserve = std::min(cap / 2, std::max<std::size_t>(2, cap / 10));
    if (upgraded_ >= cap - reserve) {
      if (socket_refusals_) socket_refusals_->inc();
      return false;
    }
  }
  h->upgraded = true;
  h->busy = false;
  ++upgraded_;
  return true;
}

bool SessionSet::shed_oldest_idle() {
  // Oldest first: the list is in the order connections came.
  for (auto& e : entries_) {
    if (e.busy || e.upgraded || e.shed) continue;
    boost::system::error_code ignored;
    // Closed now, not just shut down: its descriptor is free before the next accept.
    e.socket->close(ignored);
    e.shed = true;
    ++shedding_;
    return true;
  }
  return false;
}

std::size_t connection_cap(const Limits& limits) {
  rlimit files{};
  std::size_t soft = 1024;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    soft = files.rlim_cur == RLIM_INFINITY ? (1u << 20) : static_cast<std::size_t>(files.rlim_cur);
  }
  // Leave room for Redis connections, provider and mail calls, the listener and reloads.
  std::size_t ceiling = soft > 256 ? soft - 128 : soft / 2;
  std::size_t wanted = limits.max_connections ? limits.max_connections : std::min<std::size_t>(soft / 2, 10'000);
  return std::max<std::size_t>(1, std::min(wanted, ceiling));
}

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

/// The handler's answer; a request it failed on (an exception: a bug) is logged with its route
/// and answered 500, so the client always hears something and the operator can find it.
asio::awaitable<Response> answer(Handler& handler, Request& request, const std::string& peer) {
  std::string failure;
  try {
    co_return co_await handler.handle(request, peer);
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

/// Tells a connection there is no room (every connection busy), then closes it.
asio::awaitable<void> refuse(tcp::socket socket, std::shared_ptr<int> refusing) {
  struct Done {
    std::shared_ptr<int> n;
    ~Done() { --*n; }
  } done{std::move(refusing)};
  beast::tcp_stream stream(std::move(socket));
  Response busy = json_error(503, "too_many_connections", "the server is at its connection limit; retry shortly");
  busy.set(beast_http::field::retry_after, "1");
  busy.keep_alive(false);
  stream.expires_after(std::chrono::seconds(1));
  co_await beast_http::async_write(stream, busy, kAwait);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

/// Serves a new connection on `lane` if it has room, making room by closing its longest-idle
/// connection when it is full; refuses it (503) when every connection there is busy.
asio::awaitable<void> admit(Lane lane, Limits limits, std::size_t cap, tcp::socket socket) {
  auto executor = co_await asio::this_coro::executor;
  lane.sessions->set_cap(cap);
  if (lane.sessions->open() >= cap) {
    if (!lane.sessions->shed_oldest_idle()) {
      if (lane.refused) lane.refused->inc();
      // Answering costs a descriptor for up to a second: a few at a time, the rest just closed.
      static thread_local auto refusing = std::make_shared<int>(0);
      if (*refusing >= 16) co_return;  // the socket closes as it goes out of scope
      ++*refusing;
      if (lane.tasks) lane.tasks->spawn(refuse(std::move(socket), refusing), "http: refusing a connection");
      else asio::co_spawn(executor, refuse(std::move(socket), refusing), logged("http: refusing a connection"));
      co_return;
    }
    if (lane.shed) lane.shed->inc();
  }
  auto session = serve_session(std::move(socket), *lane.handler, limits, *lane.sessions);
  if (lane.tasks) lane.tasks->spawn(std::move(session), "http: session");
  else asio::co_spawn(executor, std::move(session), logged("http: session"));
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

  boost::system::error_code peer_ec;
  const std::string peer = stream.socket().remote_endpoint(peer_ec).address().to_string();
  beast::flat_buffer buffer;
  while (handle->fresh || !sessions.draining()) {
    handle->busy = false;
    // Idle between requests: wait for the first byte at most idle_timeout (a new connection:
    // first_request_timeout, so one that never speaks soon gives its descriptor back).
    if (buffer.size() == 0) {
      stream.expires_after(handle->fresh ? limits.first_request_timeout : limits.idle_timeout);
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
      if (!sessions.upgrade(handle, sessions.cap())) {
        Response full = json_error(503, "too_many_sockets",
                                   "event sockets hold their share of this server's connections; retry shortly");
        full.set(beast_http::field::retry_after, "5");
        full.keep_alive(false);
        stream.expires_after(limits.read_timeout);
        co_await beast_http::async_write(stream, full, kAwait);
        break;
      }
      // The WebSocket owns the connection from here; shutdown reaches it through its own hub.
      co_await handler.upgrade(std::move(request), std::move(stream));
      co_return;
    }
    Response response = co_await answer(handler, request, peer);
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
    : acceptor_(context), lanes_(std::move(lanes)), limits_(limits),
      lane_cap_(std::max<std::size_t>(1, connection_cap(limits) / lanes_.size())) {
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
  lane_cap_ = std::max<std::size_t>(1, connection_cap(limits) / lanes_.size());
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
    // Decided on the lane's own loop (its session set lives there), and awaited: under a flood,
    // accepting never runs ahead of shedding, so descriptors stay within the cap.
    auto [failed] = co_await asio::co_spawn(lane.context->get_executor(),
                                            admit(lane, limits_, lane_cap_, std::move(socket)), kAwait);
    if (failed) logged{"http: admitting a connection"}(failed);
  }
}

}  // namespace omniroute::http
