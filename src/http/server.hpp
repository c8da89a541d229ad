#pragma once
// The HTTP/1.1 server: one acceptor hands each connection to one of the
// event loops; a session is one coroutine on that loop, reading requests
// with a deadline on every read and answering through a Handler.
//
// Shutdown: the acceptor closes, idle keep-alive connections are closed at
// once, and a connection in the middle of a request finishes it (its
// response says Connection: close) before closing. A connection accepted
// but not yet served (its request may be on the wire: a reload handed the
// socket over meanwhile) is served its first request before closing.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <vector>

#include "http/types.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/task_group.hpp"

namespace omniroute::http {

/// Answers one request. Runs on the session's loop; must not block.
class Handler {
 public:
  virtual ~Handler() = default;
  /// `peer` is the client's address as the socket sees it ("203.0.113.7", "::1").
  virtual boost::asio::awaitable<Response> handle(Request& request, const std::string& peer) = 0;
  /// Takes over a connection whose request asked for a WebSocket upgrade.
  virtual boost::asio::awaitable<void> upgrade(Request request, boost::beast::tcp_stream stream) = 0;
};

struct Limits {
  std::size_t body_limit = std::size_t{1024} * 1024;
  std::size_t header_limit = std::size_t{16} * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  /// A new connection must start its first request within this (one that never sends a byte
  /// would otherwise hold a descriptor for the whole idle timeout).
  std::chrono::milliseconds first_request_timeout{5'000};
  /// Open connections (WebSockets included) across all loops; 0: half the process's file limit.
  std::size_t max_connections = 0;
};

/// The connection cap `limits` gives, given the process's file limit (RLIMIT_NOFILE): the
/// configured one, but never so close to the file limit that Redis, providers or an accept fail.
std::size_t connection_cap(const Limits& limits);

/// The sessions of one loop, so shutdown can reach each. Use on that loop only.
class SessionSet {
 public:
  struct Entry {
    boost::asio::ip::tcp::socket* socket;
    bool busy = false;
    bool fresh = true;      // accepted, nothing answered yet: its client is sending a request
    bool upgraded = false;  // a WebSocket now: counted, closed through its own hub
    bool shed = false;      // closed to make room; leaving
  };
  using Handle = std::list<Entry>::iterator;

  Handle add(boost::asio::ip::tcp::socket* socket);
  void remove(Handle h);
  /// From now on sessions close after their current request; idle ones close now.
  void drain();
  bool draining() const { return draining_; }
  std::size_t size() const { return entries_.size(); }
  /// Connections that stay: all but those shed and on their way out.
  std::size_t open() const { return entries_.size() - shedding_; }
  /// WebSockets among them.
  std::size_t upgraded() const { return upgraded_; }
  /// Marks `h` a WebSocket, unless WebSockets hold their share of `cap` already (false: refuse it).
  /// A tenth of the connections (at least 2) is kept for plain requests: health, readiness, webhooks
  /// and the API stay reachable however many sockets are opened.
  bool upgrade(Handle h, std::size_t cap);
  /// Calls `f` (once set, until replaced) whenever the last session leaves: drain waits on it.
  void on_empty(std::function<void()> f) { on_empty_ = std::move(f); }
  /// The connection cap of this set's lane (set when connections are admitted).
  void set_cap(std::size_t cap) { cap_ = cap; }
  std::size_t cap() const { return cap_; }
  /// Counts each WebSocket refused by upgrade() on `counter`.
  void count_socket_refusals(metrics::Counter* counter) { socket_refusals_ = counter; }
  /// Closes the connection idle longest (waiting for a request, oldest first) to make room for a
  /// new one; false when every connection is busy with a request or is a WebSocket.
  bool shed_oldest_idle();

 private:
  std::list<Entry> entries_;
  bool draining_ = false;
  std::size_t shedding_ = 0;
  std::size_t upgraded_ = 0;
  std::size_t cap_ = 0;  // 0: not known yet (no limit on WebSockets)
  metrics::Counter* socket_refusals_ = nullptr;
  std::function<void()> on_empty_;
};

/// Where an accepted connection goes: a loop, its handler and its session set.
struct Lane {
  boost::asio::io_context* context;
  Handler* handler;
  SessionSet* sessions;
  metrics::Counter* shed = nullptr;     // idle connections closed to make room
  metrics::Counter* refused = nullptr;  // connections refused: no room, none idle
  TaskGroup* tasks = nullptr;           // the loop's background work (sessions run in it when set)
};

/// Serves one connection until it closes, times out, or the set drains.
boost::asio::awaitable<void> serve_session(boost::asio::ip::tcp::socket socket, Handler& handler,
                                           Limits limits, SessionSet& sessions);

/// Accepts connections on one loop and deals them round-robin to lanes.
class Listener {
 public:
  /// Binds and listens now (throws std::system_error when the address is taken).
  Listener(boost::asio::io_context& context, const boost::asio::ip::tcp::endpoint& endpoint,
           std::vector<Lane> lanes, Limits limits);
  /// The bound port (useful when the configured port was 0).
  std::uint16_t port() const;
  /// Starts the accept loop on the listener's context.
  void start();
  /// Stops accepting; sessions are drained separately, per lane.
  void stop();
  /// From now on, hands new connections to `lanes` (a reloaded configuration's loops); the socket
  /// stays open throughout, so nothing is refused meanwhile. Call on the listener's context.
  void replace_lanes(std::vector<Lane> lanes, Limits limits);

 private:
  boost::asio::awaitable<void> accept_loop();

  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<Lane> lanes_;
  Limits limits_;
  std::size_t lane_cap_ = 1;  // connections each lane may hold: the cap shared out
  std::size_t next_ = 0;
};

}  // namespace omniroute::http
