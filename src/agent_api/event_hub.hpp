#pragma once
// Agent event push. One EventHub per event loop follows the workspace's
// `events` stream and hands each entry to that loop's WebSocket sessions;
// each session keeps what concerns its agent. A client that reconnects with
// the id of the last event it saw is first replayed what it missed (from the
// stream itself), then continues live, with nothing lost or repeated.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
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

namespace omniroute::agent_api {

/// One entry of the events stream.
/// One event of the stream; its id is the client's resumption cursor.
using Event = store::StreamEntry;

class EventSession;

class EventHub {
 public:
  /// Follows the stream over its own connection (a blocking XREAD must never hold up request traffic).
  EventHub(store::ConversationStore& store, const routing::AgentDirectory& directory, const config::RedisConfig& redis,
           int max_sockets_per_agent, metrics::Registry& metrics, TaskGroup& tasks);
  ~EventHub();

  /// Starts following the stream from its current end.
  void start();
  /// Closes every session (shutdown) and stops following.
  void stop();

  /// Runs one upgraded connection (GET /v1/agents/me/events) to its end.
  boost::asio::awaitable<void> serve(http::Request request, boost::beast::tcp_stream stream);

  const std::string& position() const { return position_; }
  store::Conversations& conversations() { return conversations_; }
  TaskGroup& tasks() { return tasks_; }
  store::Events& events() { return events_; }
  /// A session was closed because its client read too slowly.
  void count_closed_slow() { closed_slow_->inc(); }

 private:
  boost::asio::awaitable<void> follow();

  store::ConversationStore& store_;
  TaskGroup& tasks_;
  const routing::AgentDirectory& directory_;
  int max_sockets_per_agent_;
  metrics::Counter* closed_slow_;
  metrics::Counter* too_many_;
  std::shared_ptr<store::RedisClient> blocking_;
  store::Conversations conversations_;
  store::Events events_;         // on the request connection
  store::Events follow_events_;  // on blocking_: its reads wait for the next event
  std::string position_ = "$";  // last stream id read ("$" until the first read)
  std::list<std::weak_ptr<EventSession>> sessions_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  int joining_ = 0;  // sessions waiting for the follower to know its place in the stream
  std::vector<std::weak_ptr<boost::asio::steady_timer>> placed_;  // their wake-ups
  void wake_placed();
};

}  // namespace omniroute::agent_api
