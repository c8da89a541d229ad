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
#include "store/scripts.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kBlock = std::chrono::milliseconds(1000);

namespace {
std::vector<Event> events_of(const store::Reply& entries) {
  std::vector<Event> out;
  for (const auto& e : entries.elements) {
    if (e.elements.size() >= 2) out.push_back({e.elements[0].str, fields_of(e.elements[1])});
  }
  return out;
}

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

/// One agent's WebSocket: a queue of JSON frames, a writer, and the conversations it follows.
class EventSession : public std::enable_shared_from_this<EventSession> {
 public:
  EventSession(EventHub& hub, std::string agent, beast::tcp_stream stream)
      : hub_(hub), agent_(std::move(agent)), ws_(std::move(stream)), wake_(ws_.get_executor()), beat_(ws_.get_executor()) {}

  /// Takes what concerns this agent; called by the hub, in stream order.
  void offer(const Event& e) {
    if (closed_) return;
    incoming_.push_back(e);
    wake_.cancel();
  }
  void close() {
    closed_ = true;
    wake_.cancel();
    beat_.cancel();
  }
  const std::string& socket_id() const { return socket_id_; }

  asio::awaitable<void> run(http::Request request, std::string cursor) {
    auto self = shared_from_this();
    websocket::stream_base::timeout t = websocket::stream_base::timeout::suggested(beast::role_type::server);
    t.idle_timeout = std::chrono::seconds(30);
    t.handshake_timeout = std::chrono::seconds(2);  // also bounds the close handshake at shutdown
    t.keep_alive_pings = true;  // a ping at half the idle time; a peer that answers nothing is dropped
    ws_.set_option(t);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.read_message_max(64 * 1024);  // agents send nothing but control frames; refuse floods
    auto [ec] = co_await ws_.async_accept(request, kAwait);
    if (ec) co_return;
    // What this agent holds now, so message events can be matched to them.
    std::vector<std::string> cmd{"SMEMBERS", hub_.store().keys().agent_conversations(agent_)};
    auto [mine] = co_await hub_.store().client().async_command(std::move(cmd), kAwait);
    if (mine) {
      for (const auto& c : mine->elements) conversations_.insert(c.str);
    }
    asio::co_spawn(ws_.get_executor(), read_loop(), logged("events: socket reader"));
    asio::co_spawn(ws_.get_executor(), keep_alive(), logged("events: socket keep-alive"));
    if (!cursor.empty()) co_await replay(cursor, hub_.position());
    co_await write_loop();
    // Gone: the presence sweep starts this agent's grace period once no socket of theirs is left.
    std::vector<std::string> gone{"ZREM", hub_.store().keys().agent_sockets(agent_), socket_id_};
    co_await hub_.store().client().async_command(std::move(gone), kAwait);
  }

 private:
  /// Keeps this socket's liveness entry fresh in Redis while it is open (the presence sweep reads it).
  asio::awaitable<void> keep_alive() {
    auto self = shared_from_this();
    const auto& keys = hub_.store().keys();
    while (!closed_) {
      std::int64_t expires = now_ms() + 30'000;
      std::vector<std::string> add{"ZADD", keys.agent_sockets(agent_), std::to_string(expires), socket_id_};
      co_await hub_.store().client().async_command(std::move(add), kAwait);
      std::vector<std::string> mark{"HSET", keys.agent(agent_), "uses_socket", "1"};
      co_await hub_.store().client().async_command(std::move(mark), kAwait);
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

  /// Sends the events after `cursor` up to `until` (the hub's position when we joined).
  asio::awaitable<void> replay(const std::string& cursor, const std::string& until) {
    if (until == "$") co_return;
    std::vector<std::string> cmd{"XRANGE", hub_.store().keys().events(), "(" + cursor, until};
    auto [r] = co_await hub_.store().client().async_command(std::move(cmd), kAwait);
    if (!r || r->is_error()) co_return;
    auto missed = events_of(*r);
    incoming_.insert(incoming_.begin(), missed.begin(), missed.end());
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
      if (!frame) continue;
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(*frame), kAwait);
      if (ec) break;
    }
    if (ws_.is_open()) co_await ws_.async_close(websocket::close_code::going_away, kAwait);
  }

  /// The JSON frame for `e` if it concerns this agent.
  asio::awaitable<std::optional<std::string>> render(const Event& e) {
    auto f = e.fields;
    const std::string& type = f["type"];
    const std::string& conv = f["conversation_id"];
    if (type == "conversation.assigned" && f["agent"] == agent_) {
      conversations_.insert(conv);
      auto view = co_await fetch(conv);
      if (!view) co_return std::nullopt;
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation", std::move(*view)}});
    }
    if ((type == "conversation.resolved" || type == "conversation.transferred") && conversations_.count(conv)) {
      if (type == "conversation.resolved" || f["agent"] != agent_) conversations_.erase(conv);
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}});
    }
    if (type == "conversation.offered" && f["agent"] == agent_) {
      auto view = co_await fetch(conv);
      if (!view) co_return std::nullopt;
      co_return json::serialize(json::object{{"type", type},
                                             {"id", e.id},
                                             {"conversation", std::move(*view)},
                                             {"expires_at", time_or_null(f["expires_at"])}});
    }
    if ((type == "conversation.offer_expired" || type == "conversation.offer_declined" ||
         type == "conversation.offer_withdrawn") &&
        f["agent"] == agent_) {
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}});
    }
    if (type == "conversation.requeued" && f["from_agent"] == agent_ && conversations_.erase(conv)) {
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                             {"queue", f["queue"]}, {"reason", f["reason"]}});
    }
    if (type == "agent.removed" && f["agent"] == agent_) {
      // This agent no longer exists: say so, then close.
      closed_ = true;
      co_return json::serialize(json::object{{"type", type}, {"id", e.id}});
    }
    if (type == "message.created" && conversations_.count(conv)) {
      // The message is among the newest of its transcript: look there, not through all of it.
      std::vector<std::string> cmd{"XREVRANGE", hub_.store().keys().transcript(conv), "+", "-", "COUNT", "50"};
      auto [r] = co_await hub_.store().client().async_command(std::move(cmd), kAwait);
      if (!r || r->is_error()) co_return std::nullopt;
      for (const auto& entry : r->elements) {
        json::object m = message_json(entry, {});
        if (string_at(m, {"id"}) == f["message_id"]) {
          co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}, {"message", m}});
        }
      }
    }
    co_return std::nullopt;
  }

  asio::awaitable<std::optional<json::object>> fetch(const std::string& conv) {
    std::vector<std::string> k{hub_.store().keys().conversation(conv)};
    std::vector<std::string> a{hub_.store().keys().prefix(), "0"};
    auto [r] = co_await store::async_eval(hub_.store().client(), store::conversation_view_script(), std::move(k),
                                          std::move(a), kAwait);
    if (!r || r->is_error()) co_return std::nullopt;
    co_return conversation_json(*r);
  }

  EventHub& hub_;
  std::string agent_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer wake_;
  asio::steady_timer beat_;
  std::deque<Event> incoming_;
  std::set<std::string> conversations_;
  std::string socket_id_ = random_socket_id();
  bool closed_ = false;
};

namespace {
config::RedisConfig blocking_config(config::RedisConfig c) {
  c.command_timeout += kBlock;  // a BLOCK read legitimately waits this long
  return c;
}
}  // namespace

EventHub::EventHub(store::ConversationStore& store, const routing::AgentDirectory& directory,
                   const config::RedisConfig& redis)
    : store_(store),
      directory_(directory),
      blocking_(std::make_shared<store::RedisClient>(store.client().executor(), blocking_config(redis))),
      timer_(store.client().executor()) {}

EventHub::~EventHub() = default;

void EventHub::start() {
  blocking_->start();
  asio::co_spawn(timer_.get_executor(), follow(), logged("events: following the stream"));
}

void EventHub::stop() {
  stopped_ = true;
  timer_.cancel();
  blocking_->stop();
  for (auto& w : sessions_) {
    if (auto s = w.lock()) s->close();
  }
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
  // when its own connection comes up, and a session that joined before that would miss what
  // happened in between.
  asio::steady_timer wait(stream.get_executor());
  for (int i = 0; i < 250 && position_ == "$" && !stopped_; ++i) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(kAwait);
  }
  if (position_ == "$") {
    http::Response res = http::json_error(503, "events_unavailable", "the event stream is not reachable; retry");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  auto session = std::make_shared<EventSession>(*this, *agent, std::move(stream));
  sessions_.push_back(session);
  co_await session->run(std::move(request), cursor);
  sessions_.remove_if([](const auto& w) { return w.expired(); });
}

asio::awaitable<void> EventHub::follow() {
  while (!stopped_) {
    if (!blocking_->connected()) {
      timer_.expires_after(std::chrono::milliseconds(100));
      co_await timer_.async_wait(kAwait);
      continue;
    }
    if (position_ == "$") {
      // Start at the current end: older events are for replays, not live pushes.
      std::vector<std::string> cmd{"XREVRANGE", store_.keys().events(), "+", "-", "COUNT", "1"};
      auto [r] = co_await blocking_->async_command(std::move(cmd), kAwait);
      if (r && !r->is_error()) position_ = r->elements.empty() ? "0-0" : r->elements[0].elements[0].str;
      continue;
    }
    // Redis answers the moment an event is added, or after kBlock with nothing.
    std::vector<std::string> cmd{"XREAD", "COUNT", "200", "BLOCK", std::to_string(kBlock.count()), "STREAMS",
                                 store_.keys().events(), position_};
    auto [r] = co_await blocking_->async_command(std::move(cmd), kAwait);
    if (!r || r->is_error()) continue;  // the client reconnects; we wait above
    if (r->type == store::Reply::Type::array && !r->elements.empty() && r->elements[0].elements.size() >= 2) {
      auto events = events_of(r->elements[0].elements[1]);
      if (!events.empty()) position_ = events.back().id;
      for (auto& w : sessions_) {
        if (auto s = w.lock()) {
          for (const auto& e : events) s->offer(e);
        }
      }
    }
  }
}

}  // namespace omniroute::agent_api
