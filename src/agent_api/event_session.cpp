#include "agent_api/event_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include "agent_api/conversation_json.hpp"
#include "omniroute/clock.hpp"
#include "routing/pools.hpp"
#include "store/agents.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}  // namespace

EventSession::EventSession(EventHub& hub, std::string agent, std::string socket_id, beast::tcp_stream stream,
                           bool waiting, bool admin)
    : hub_(hub), agent_(std::move(agent)), waiting_(waiting), admin_(admin), ws_(std::move(stream)), wake_(ws_.get_executor()),
      beat_(ws_.get_executor()), socket_id_(std::move(socket_id)) {}

void EventSession::offer(const Event& e) {
  if (closed_ || !admit(e)) return;
  if (incoming_.size() >= kMaxQueuedEvents) return close_slow();
  incoming_.push_back(e);
  wake_.cancel();
}

void EventSession::close() {
  closed_ = true;
  wake_.cancel();
  beat_.cancel();
}

asio::awaitable<void> EventSession::run(http::Request request, std::string cursor) {
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
    // Asked for (?waiting=1, the console's Waiting list): a conversation opening in a queue this agent
    // serves is announced as conversation.queued.
    if (waiting_) {
      store::Agents agents(hub_.client(), hub_.keys());
      if (auto pools = co_await agents.pools_of(agent_)) {
        for (const auto& pool : *pools) queues_.insert(std::string(routing::queue_of_pool(pool)));
      }
    }
    hub_.tasks().spawn(read_loop(), "events: socket reader");
    if (!admin_) hub_.tasks().spawn(keep_alive(), "events: socket keep-alive");
    if (!cursor.empty()) co_await replay(cursor, hub_.position());
    co_await write_loop();
  }
  // Gone: the presence sweep starts this agent's grace period once no socket of theirs is left.
  if (!admin_) co_await hub_.events().release_socket(agent_, socket_id_);
}

bool EventSession::admit(const Event& e) {
  if (admin_) return true;  // the supervisor sees the whole workspace
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
  if (type == "conversation.transferred" && for_me) {
    conversations_.insert(conv);  // handed to this agent by another: it is theirs now
    return true;
  }
  if (type == "conversation.resolved" || type == "conversation.transferred") {
    if (!conversations_.count(conv)) return false;
    if (type == "conversation.resolved" || !for_me) conversations_.erase(conv);
    return true;
  }
  if (type == "conversation.requeued") return field("from_agent") == agent_ && conversations_.erase(conv) > 0;
  if (type == "message.created" && field("opened") == "1" && queues_.count(field("queue")) &&
      !conversations_.count(conv)) {
    return true;  // rendered as conversation.queued
  }
  if (type == "message.created" || type == "message.delivery" || type == "conversation.labels") {
    return conversations_.count(conv) > 0;
  }
  // Another agent viewing or typing on a conversation this one holds or shows.
  if (type == "conversation.presence") return !for_me && (conversations_.count(conv) > 0 || viewing_ == conv);
  return for_me && (type == "conversation.offered" || type == "conversation.offer_expired" ||
                    type == "conversation.offer_declined" || type == "conversation.offer_withdrawn" ||
                    type == "agent.removed");
}

void EventSession::close_slow() {
  hub_.count_closed_slow();
  incoming_.clear();
  slow_ = true;
  close();
  if (writing_) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }
}

asio::awaitable<void> EventSession::keep_alive() {
  auto self = shared_from_this();
  while (!closed_) {
    co_await hub_.events().refresh_socket(agent_, socket_id_, now_ms() + 30'000);
    if (closed_) break;
    beat_.expires_after(std::chrono::seconds(10));
    co_await beat_.async_wait(kAwait);
  }
}

asio::awaitable<void> EventSession::read_loop() {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws_.async_read(buffer, kAwait);
    if (ec) break;
    if (ws_.got_text() && n <= 512) {
      std::string frame = beast::buffers_to_string(buffer.data());
      co_await signal(frame);
    }
    buffer.consume(n);
  }
  close();
}

asio::awaitable<void> EventSession::signal(std::string_view frame) {
  std::int64_t now = now_ms();
  if (now / 1000 != signal_window_) {
    signal_window_ = now / 1000;
    signals_in_window_ = 0;
  }
  if (++signals_in_window_ > 5) co_return;  // a client flooding signals is not heard more
  boost::system::error_code ec;
  json::value v = json::parse(frame, ec);
  if (ec || !v.is_object()) co_return;
  std::string what(string_at(v, {"type"})), conv(string_at(v, {"conversation_id"}));
  if (what != "viewing" && what != "typing" && what != "left") co_return;
  if (admin_) co_return;  // the supervisor watches; it does not announce itself (yet)
  if (conv.size() < 2 || conv.size() > 24 || conv[0] != 'v' ||
      conv.find_first_not_of("0123456789", 1) != std::string::npos) {
    co_return;
  }
  // Only about conversations this agent may see: its own, or one it was just offered or shown.
  if (what == "viewing") viewing_ = conv;
  if (what == "left" && viewing_ == conv) viewing_.clear();
  co_await hub_.events().signal(agent_, conv, what, now);
}

asio::awaitable<void> EventSession::replay(const std::string& cursor, const std::string& until) {
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

asio::awaitable<void> EventSession::write_loop() {
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

asio::awaitable<std::optional<std::string>> EventSession::render(Event& e) {
  auto& f = e.fields;
  if (admin_) {
    // Every field as recorded (ids, queue, agent, status, at as RFC 3339): the board re-reads what changed.
    json::object out{{"id", e.id}};
    for (const auto& [name, value] : f) {
      out[name] = name == "at" ? time_or_null(value) : json::value(value);
    }
    co_return json::serialize(out);
  }
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
  if (type == "conversation.transferred" && f["agent"] == agent_) {
    // To this agent: with the conversation, as an assignment brings it.
    auto view = co_await fetch(conv);
    if (!view) co_return std::nullopt;
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"from_agent", f["from_agent"]}, {"conversation", std::move(*view)}});
  }
  if (type == "conversation.requeued") {
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"queue", f["queue"]}, {"reason", f["reason"]}});
  }
  if (type == "agent.removed") co_return json::serialize(json::object{{"type", type}, {"id", e.id}});
  if (type == "message.delivery") {
    json::object delivery{{"status", f["status"]}};
    if (!f["reason"].empty()) delivery["reason"] = f["reason"];
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"message_id", f["message_id"]}, {"delivery", std::move(delivery)}});
  }
  if (type == "conversation.labels") {
    co_return json::serialize(json::object{
        {"type", type}, {"id", e.id}, {"conversation_id", conv}, {"labels", comma_list_json(f["labels"])}});
  }
  if (type == "conversation.presence") {
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"agent", f["agent"]}, {"what", f["what"]}, {"at", time_or_null(f["at"])}});
  }
  if (type == "message.created" && f["opened"] == "1" && !conversations_.count(conv)) {
    co_return json::serialize(json::object{{"type", "conversation.queued"}, {"id", e.id}, {"conversation_id", conv},
                                           {"queue", f["queue"]}});
  }
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

asio::awaitable<std::optional<json::object>> EventSession::fetch(const std::string& conv) {
  auto view = co_await hub_.conversations().view(conv, false);
  if (!view || !*view) co_return std::nullopt;
  co_return conversation_json(**view);
}

}  // namespace omniroute::agent_api
