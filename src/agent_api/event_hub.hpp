#pragma once
// Agent event push. One EventHub per event loop hands each entry of the
// workspace's `events` stream (read once per process by the EventFeed, only
// while some socket is open) to that loop's WebSocket sessions; each session
// keeps what concerns its agent. A client that reconnects with
// the id of the last event it saw is first replayed what it missed (from the
// stream itself), then continues live, with nothing lost or repeated.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/task_group.hpp"
#include "http/types.hpp"
#include "routing/agent_directory.hpp"
#include "store/conversation_store.hpp"
#include "store/conversations.hpp"
#include "store/events.hpp"
#include "agent_api/event_feed.hpp"

namespace omniroute::agent_api {

/// One entry of the events stream.
/// One event of the stream; its id is the client's resumption cursor.
using omniroute::Event;

class EventSession;

/// Whatever follows the hub's events on this loop: an agent's or supervisor's socket, a web chat visitor's.
class EventListener {
 public:
  virtual ~EventListener() = default;
  /// Takes one event, in stream order (called on the loop; must not block).
  virtual void offer(const Event& e) = 0;
  /// Ends the listener (shutdown).
  virtual void close() = 0;
};

/// Whether the credential a socket was opened with still names the same caller: the very check a
/// request gets (agent_api::CallerResolver::resolve), run again. A socket re-runs it before writing
/// anything after a credential.changed event (sign-out, token rotation, on any daemon) and every
/// kAuthorityRecheck, and closes when it fails.
using Authority = std::function<boost::asio::awaitable<bool>()>;

class EventHub final : public FeedSubscriber {
 public:
  /// Gets the stream from `feed` (the process's one reader) while a session of this loop is open.
  EventHub(store::ConversationStore& store, const routing::AgentDirectory& directory, EventFeed& feed,
           int max_sockets_per_agent, metrics::Registry& metrics, TaskGroup& tasks);
  ~EventHub() override;

  /// Closes every session (shutdown) and stops wanting events.
  void stop();

  // FeedSubscriber, on this loop:
  void placed(const std::string& position) override;
  void deliver(std::shared_ptr<const std::vector<Event>> events) override;

  /// Runs one upgraded connection (GET /v1/agents/me/events) of agent `agent` (authenticated by the router)
  /// to its end; `agent` "" is the admin's stream (GET /v1/events): every event of the workspace.
  boost::asio::awaitable<void> serve(http::Request request, boost::beast::tcp_stream stream, std::string agent,
                                     Authority authority);

  /// Keeps the feed wanted while a listener joins; `placed` waits (5 s at most) until this hub knows its
  /// place in the stream: false when it could not learn it (the listener should answer 503).
  class Joining {
   public:
    explicit Joining(EventHub& hub);
    ~Joining();
    Joining(const Joining&) = delete;
    Joining& operator=(const Joining&) = delete;
    boost::asio::awaitable<bool> placed();

   private:
    EventHub& hub_;
  };
  /// Adds a listener (while a Joining is held): it is offered every event from now on, until it expires.
  void add(std::weak_ptr<EventListener> listener) { sessions_.push_back(std::move(listener)); }

  const std::string& position() const { return position_; }
  store::Conversations& conversations() { return conversations_; }
  store::ConversationStore& store() { return store_; }
  store::RedisClient& client() { return store_.client(); }
  const store::Keys& keys() { return store_.keys(); }
  TaskGroup& tasks() { return tasks_; }
  store::Events& events() { return events_; }
  /// A session was closed because its client read too slowly.
  void count_closed_slow() { closed_slow_->inc(); }

 private:
  /// Wants events from the feed while a session is open or joining, not otherwise.
  void update_demand();

  store::ConversationStore& store_;
  TaskGroup& tasks_;
  const routing::AgentDirectory& directory_;
  int max_sockets_per_agent_;
  metrics::Counter* closed_slow_;
  metrics::Counter* too_many_;
  EventFeed& feed_;
  bool wanting_ = false;
  store::Conversations conversations_;
  store::Events events_;
  std::string position_ = "$";  // last stream id delivered here ("$" until the feed says where it stands)
  std::list<std::weak_ptr<EventListener>> sessions_;
  bool stopped_ = false;
  int joining_ = 0;  // sessions waiting for the follower to know its place in the stream
  std::vector<std::weak_ptr<boost::asio::steady_timer>> placed_;  // their wake-ups
  void wake_placed();
};

}  // namespace omniroute::agent_api
