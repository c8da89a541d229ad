#include "agent_api/event_hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <deque>
#include <random>
#include <set>

#include "agent_api/conversation_json.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {
std::string query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return {};
}

std::string random_socket_id() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

/// A stream id as Redis writes them: "<ms>-<seq>".
bool is_stream_id(const std::string& s) {
  auto dash = s.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != dash && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}
}  // namespace

/// One agent's WebSocket: the events that concern its agent, queued (boundedly) for its writer.
class EventSession : public std::enable_shared_from_this<EventSession> {
 public:
  EventSession(EventHub& hub, std::string agent, std::string socket_id, beast::tcp_stream stream)
      : hub_(hub), agent_(std::move(agent)), ws_(std::move(stream)), wake_(ws_.get_executor()),
        beat_(ws_.get_executor()), socket_id_(std::move(socket_id)) {}

  /// Takes `e` if it concerns this agent; called by the hub, in stream order. What does not
  /// concern the agent is never queued; a client too slow to keep the queue under its bound is
  /// closed (1013, try again later) and resumes from the last event it received.
  void offer(const Event& e) {
    if (closed_ || !admit(e)) return;
    if (incoming_.size() >= kMaxQueuedEvents) return close_slow();
    incoming_.push_back(e);
    wake_.cancel();
  }
  void close() {
    closed_ = true;
    wake_.cancel();
    beat_.cancel();
  }

  asio::awaitable<void> run(http::Request request, std::string cursor) {
    auto self = shared_from_this();
    websocket::stream_base::timeout t = websocket::stream_base::timeout::suggested(beast::role_type::server);
    t.idle_timeout = std::chrono::seconds(30);
    t.handshake_timeout = std::chrono::seconds(2);  // also bounds the close handshake at shutdown
    t.keep_alive_pings = true;  // a ping at half the idle time; a peer that answers nothing is dropped
    ws_.set_option(t);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.read_message_max(std::size_t{64} * 1024);  // agents send nothing but control frames; refuse floods
    auto [ec] = co_await ws_.async_accept(request, kAwait);
    if (!ec) {
      // What this agent holds now, so message events can be matched to them.
      if (auto mine = co_await hub_.conversations().assigned_to(agent_)) conversations_.insert(mine->begin(), mine->end());
      hub_.tasks().spawn(read_loop(), "events: socket reader");
      hub_.tasks().spawn(keep_alive(), "events: socket keep-alive");
      if (!cursor.empty()) co_await replay(cursor, hub_.position());
      co_await write_loop();
    }
    // Gone: the presence sweep starts this agent's grace period once no socket of theirs is left.
    co_await hub_.events().release_socket(agent_, socket_id_);
  }

  /// Events one session holds at most before its client counts as too slow.
  static constexpr std::size_t kMaxQueuedEvents = 512;

 private:
  /// Whether `e` concerns this agent; keeps the set of conversations it follows, in stream order.
  bool admit(const Event& e) {
    auto field = [&e](const char* name) -> const std::string& {
      static const std::string none;
      auto it = e.fields.find(name);
      return it == e.fields.end() ? none : it->second;
    };
    const std::string& type = field("type");
    const std::string& conv = field("conversation_id");
    const bool for_me = field("agent") == agent_;
    if (type == "conversation.assigned") {
      if (for_me) conversations_.insert(conv);
      return for_me;
    }
    if (type == "conversation.resolved" || type == "conversation.transferred") {
      if (!conversations_.count(conv)) return false;
      if (type == "conversation.resolved" || !for_me) conversations_.erase(conv);
      return true;
    }
    if (type == "conversation.requeued") return field("from_agent") == agent_ && conversations_.erase(conv) > 0;
    if (type == "message.created") return conversations_.count(conv) > 0;
    return for_me && (type == "conversation.offered" || type == "conversation.offer_expired" ||
                      type == "conversation.offer_declined" || type == "conversation.offer_withdrawn" ||
                      type == "agent.removed");
  }

  /// The client does not read fast enough: drop what is queued and close. A writer blocked on the
  /// client's full window cannot send a close frame, so then the connection is cut.
  void close_slow() {
    hub_.count_closed_slow();
    incoming_.clear();
    slow_ = true;
    close();
    if (writing_) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
    }
  }

  /// Keeps this socket's liveness entry fresh in Redis while it is open (the presence sweep reads it).
  asio::awaitable<void> keep_alive() {
    auto self = shared_from_this();
    while (!closed_) {
      co_await hub_.events().refresh_socket(agent_, socket_id_, now_ms() + 30'000);
      if (closed_) break;
      beat_.expires_after(std::chrono::seconds(10));
      co_await beat_.async_wait(kAwait);
    }
  }

  /// Reads (and discards) client frames so pings, pongs and close are processed.
  asio::awaitable<void> read_loop() {
    auto self = shared_from_this();
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws_.async_read(buffer, kAwait);
      if (ec) break;
      buffer.consume(n);
    }
    close();
  }

  /// Queues what concerns this agent after `cursor`, up to `until` (the hub's position when we joined).
  asio::awaitable<void> replay(const std::string& cursor, const std::string& until) {
    if (until == "$") co_return;
    auto r = co_await hub_.events().range(cursor, until);
    if (!r) co_return;
    // Live events offered meanwhile came later in the stream: the missed ones go first.
    std::deque<Event> missed;
    for (auto& e : *r) {
      if (admit(e)) missed.push_back(std::move(e));
    }
    missed.insert(missed.end(), incoming_.begin(), incoming_.end());
    incoming_ = std::move(missed);
  }

  asio::awaitable<void> write_loop() {
    while (!closed_) {
      if (incoming_.empty()) {
        wake_.expires_after(std::chrono::hours(1));
        co_await wake_.async_wait(kAwait);
        continue;
      }
      Event e = std::move(incoming_.front());
      incoming_.pop_front();
      std::optional<std::string> frame = co_await render(e);
      if (!frame || closed_) continue;
      ws_.text(true);
      writing_ = true;
      auto [ec, n] = co_await ws_.async_write(asio::buffer(*frame), kAwait);
      writing_ = false;
      if (ec) break;
      if (e.fields["type"] == "agent.removed") break;  // this agent no longer exists: said so, now close
    }
    if (ws_.is_open()) {
      // Too slow: try again later, resuming from the last event received (Last-Event-ID).
      auto code = slow_ ? websocket::close_code::try_again_later : websocket::close_code::going_away;
      co_await ws_.async_close(code, kAwait);
    }
  }

  /// The JSON frame for `e` (admitted: it concerns this agent), or nullopt when it cannot be built.
  asio::awaitable<std::optional<std::string>> render(Event& e) {
    auto& f = e.fields;
    const std::string& type = f["type"];
    const std::string& conv = f["conversation_id"];
    if (type == "conversation.assigned") {
      auto view = co_await fetch(conv);
      if (!view) co_return std::nullopt;
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation", std::move(*view)}});
    }
    if (type == "conversation.offered") {
      auto view = co_await fetch(conv);
      if (!view) co_return std::nullopt;
      co_return json::serialize(json::object{{"type", type},
                                             {"id", e.id},
                                             {"conversation", std::move(*view)},
                                             {"expires_at", time_or_null(f["expires_at"])}});
    }
    if (type == "conversation.requeued") {
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                             {"queue", f["queue"]}, {"reason", f["reason"]}});
    }
    if (type == "agent.removed") co_return json::serialize(json::object{{"type", type}, {"id", e.id}});
    if (type == "message.created") {
      // The event names the message's transcript entry; events written before it did: look among the newest.
      auto r = co_await hub_.conversations().transcript_entries(conv, f["entry"]);
      if (!r) co_return std::nullopt;
      for (const auto& entry : *r) {
        json::object m = message_json(entry.fields, {});
        if (string_at(m, {"id"}) == f["message_id"]) {
          co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}, {"message", m}});
        }
      }
      co_return std::nullopt;
    }
    // resolved, transferred and the ends of offers: the conversation's id says it all.
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}});
  }

  asio::awaitable<std::optional<json::object>> fetch(const std::string& conv) {
    auto view = co_await hub_.conversations().view(conv, false);
    if (!view || !*view) co_return std::nullopt;
    co_return conversation_json(**view);
  }

  EventHub& hub_;
  std::string agent_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer wake_;
  asio::steady_timer beat_;
  std::deque<Event> incoming_;
  std::set<std::string> conversations_;
  std::string socket_id_;
  bool closed_ = false;
  bool slow_ = false;     // closed for reading too slowly
  bool writing_ = false;  // a frame is being written (the client's window may be full)
};

namespace {
}  // namespace

EventHub::EventHub(store::ConversationStore& store, const routing::AgentDirectory& directory, EventFeed& feed,
                   int max_sockets_per_agent, metrics::Registry& metrics, TaskGroup& tasks)
    : store_(store),
      tasks_(tasks),
      directory_(directory),
      max_sockets_per_agent_(max_sockets_per_agent),
      closed_slow_(&metrics.counter("omniroute_event_sockets_closed_total", {{"reason", "slow"}})),
      too_many_(&metrics.counter("omniroute_event_sockets_closed_total", {{"reason", "too_many"}})),
      feed_(feed),
      conversations_(store.client(), store.keys()),
      events_(store.client(), store.keys()) {}

EventHub::~EventHub() = default;

void EventHub::wake_placed() {
  for (auto& w : placed_) {
    if (auto t = w.lock()) t->cancel();
  }
  placed_.clear();
}

void EventHub::stop() {
  stopped_ = true;
  wake_placed();
  for (auto& w : sessions_) {
    if (auto s = w.lock()) s->close();
  }
  if (wanting_) feed_.unwant(this);
  wanting_ = false;
}

void EventHub::update_demand() {
  sessions_.remove_if([](const auto& w) { return w.expired(); });
  bool want = !stopped_ && (!sessions_.empty() || joining_ > 0);
  if (want == wanting_) return;
  wanting_ = want;
  if (want) {
    feed_.want(this, store_.client().executor());
  } else {
    feed_.unwant(this);
    position_ = "$";  // the next session starts from wherever the feed then stands
  }
}

void EventHub::placed(const std::string& position) {
  if (!wanting_ || position_ != "$") return;  // a late answer to a want since withdrawn, or already placed
  position_ = position;
  wake_placed();
}

void EventHub::deliver(std::shared_ptr<const std::vector<store::StreamEntry>> events) {
  if (!wanting_ || position_ == "$" || events->empty()) return;
  position_ = events->back().id;
  for (auto& w : sessions_) {
    if (auto s = w.lock()) {
      for (const auto& e : *events) s->offer(e);
    }
  }
  update_demand();  // the last session may have ended since: then stop wanting
}

asio::awaitable<void> EventHub::serve(http::Request request, beast::tcp_stream stream) {
  std::string token = std::string(routing::bearer_token(request[beast::http::field::authorization]));
  if (token.empty()) token = query_param(request.target(), "token");  // browsers cannot set headers on WebSockets
  auto found = co_await directory_.authenticate(token, store_);
  if (!found) {
    http::Response res = http::json_error(503, "store_unavailable", "Redis is unavailable; retry later");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  std::optional<std::string> agent = *found;
  if (!agent) {
    http::Response res = http::json_error(401, "unauthorized", "a valid agent token is required");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  std::string cursor = std::string(request["Last-Event-ID"]);
  if (cursor.empty()) cursor = query_param(request.target(), "last_event_id");
  if (!cursor.empty() && !is_stream_id(cursor)) cursor.clear();
  // Join only once this hub knows where it stands in the stream: it starts at "the current end"
  // when its own connection comes up (or wakes from idling with no session), and a session that
  // joined before that would miss what happened in between.
  ++joining_;
  struct Joined {
    EventHub& hub;
    ~Joined() {
      --hub.joining_;
      hub.update_demand();
    }
  } joined{*this};
  update_demand();  // an idle feed starts following now
  if (position_ == "$" && !stopped_) {
    // Woken when the follower learns its place (or stops); 5 s at most.
    auto wait = std::make_shared<asio::steady_timer>(stream.get_executor(), std::chrono::seconds(5));
    placed_.push_back(wait);
    co_await wait->async_wait(kAwait);
  }
  if (position_ == "$") {
    http::Response res = http::json_error(503, "events_unavailable", "the event stream is not reachable; retry");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  // At most max_sockets_per_agent sockets per agent (across every daemon): tabs left open, or a
  // client opening sockets it never reads, cannot pile up.
  const std::string socket_id = random_socket_id();
  std::int64_t now = now_ms();
  auto claimed = co_await events_.claim_socket(*agent, socket_id, now, now + 30'000, max_sockets_per_agent_);
  if (!claimed) {
    http::Response res = http::json_error(503, "store_unavailable", "Redis is unavailable; retry later");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  if (!*claimed) {
    too_many_->inc();
    http::Response res = http::json_error(
        429, "too_many_sockets",
        "agent '" + *agent + "' already has " + std::to_string(max_sockets_per_agent_) + " event sockets open; close one");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  auto session = std::make_shared<EventSession>(*this, *agent, socket_id, std::move(stream));
  sessions_.push_back(session);
  co_await session->run(std::move(request), cursor);
}

}  // namespace omniroute::agent_api
