#pragma once
// One agent's events WebSocket (GET /v1/agents/me/events): admits the events
// that concern its agent, queues them (boundedly) and writes them as JSON
// frames; on reconnect it first replays what the client missed.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "agent_api/event_hub.hpp"
#include "http/types.hpp"

namespace omniroute::agent_api {

/// One agent's WebSocket: the events that concern its agent, queued (boundedly) for its writer.
class EventSession final : public EventListener, public std::enable_shared_from_this<EventSession> {
 public:
  /// `waiting`: also announce conversations opening in the agent's queues (conversation.queued).
  /// `admin`: the supervisor's stream, every event, no socket bookkeeping.
  EventSession(EventHub& hub, std::string agent, std::string socket_id, boost::beast::tcp_stream stream,
               Authority authority, bool waiting = false, bool admin = false);

  /// Takes `e` if it concerns this agent; called by the hub, in stream order. What does not
  /// concern the agent is never queued; a client too slow to keep the queue under its bound is
  /// closed (1013, try again later) and resumes from the last event it received.
  void offer(const Event& e) override;
  /// Ends the session (shutdown, or the hub is told the client is gone).
  void close() override;

  /// Accepts the upgrade, replays what the client missed after `cursor`, then writes live events.
  boost::asio::awaitable<void> run(http::Request request, std::string cursor);

  /// Events one session holds at most before its client counts as too slow.
  static constexpr std::size_t kMaxQueuedEvents = 512;
  /// A resuming client is replayed at most this far back; older cursors get "reload".
  static constexpr std::chrono::milliseconds kReplayWindow = std::chrono::minutes(10);
  /// Events read from the stream per page of a replay, and at most in all before answering "reload".
  static constexpr int kReplayPage = 256;
  static constexpr std::size_t kMaxReplayScan = 20'000;
  /// How often a socket re-checks its credential without being told it changed (a session's idle expiry,
  /// an admin token replaced by a reload).
  static constexpr std::chrono::seconds kAuthorityRecheck{15};

 private:
  /// Reads the conversations this agent holds now (the base admit() builds on).
  boost::asio::awaitable<void> follow_current();
  /// Whether `e` concerns this agent; keeps the set of conversations it follows, in stream order.
  bool admit(const Event& e);

  /// The client does not read fast enough: drop what is queued and close. A writer blocked on the
  /// client's full window cannot send a close frame, so then the connection is cut.
  void close_slow();

  /// Keeps this socket's liveness entry fresh in Redis while it is open (the presence sweep reads it).
  boost::asio::awaitable<void> keep_alive();

  /// Reads client frames: control frames, and the client's signals ({"type":"viewing"|"typing"|"left",
  /// "conversation_id":"v12"}), at most a few per second; anything else is ignored.
  boost::asio::awaitable<void> read_loop();
  /// Records one signal frame from the client.
  boost::asio::awaitable<void> signal(std::string_view frame);

  /// Queues what concerns this agent after `cursor`, up to `until` (the hub's position when we joined).
  boost::asio::awaitable<void> replay(const std::string& cursor, const std::string& until);

  boost::asio::awaitable<void> write_loop();
  /// Runs the authority check when one is due; false (and the session closing) when it failed.
  boost::asio::awaitable<bool> still_authorized();

  /// The JSON frame for `e` (admitted: it concerns this agent), or nullopt when it cannot be built.
  boost::asio::awaitable<std::optional<std::string>> render(Event& e);

  boost::asio::awaitable<std::optional<boost::json::object>> fetch(const std::string& conv);
  /// Whether this agent may read `conv` (agent_may_read, the REST API's rule).
  boost::asio::awaitable<bool> may_read(const std::string& conv);

  EventHub& hub_;
  std::string agent_;
  bool waiting_ = false;
  bool admin_ = false;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer beat_;
  std::deque<Event> incoming_;
  std::set<std::string> conversations_;
  std::set<std::string> queues_;     // the queues this agent serves (when the socket opened)
  std::string viewing_;              // the conversation the client says it shows (others' presence on it is sent)
  std::int64_t signal_window_ = 0;   // rate limit of client signals: the second they were counted in
  int signals_in_window_ = 0;
  std::string socket_id_;
  Authority authority_;
  bool recheck_ = false;                              // a credential changed somewhere: check before writing more
  std::chrono::steady_clock::time_point checked_at_;  // when the authority was last found valid
  bool revoked_ = false;
  std::string joined_at_;     // the hub's position when this session joined: a replay ends there
  bool ready_ = false;        // knows what its agent holds and has replayed: offers are judged at once
  std::deque<Event> early_;   // offered before that                              // closed because the credential no longer names the caller
  bool closed_ = false;
  bool slow_ = false;     // closed for reading too slowly
  bool writing_ = false;  // a frame is being written (the client's window may be full)
};


}  // namespace omniroute::agent_api
