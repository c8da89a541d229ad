#include "agent_api/event_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include "agent_api/conversation_access.hpp"
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

/// The milliseconds of a stream id ("1700000000000-3"); 0 when it has none.
std::int64_t stream_id_ms(const std::string& id) {
  std::int64_t ms = 0;
  for (char c : id) {
    if (c < '0' || c > '9') break;
    ms = ms * 10 + (c - '0');
    if (ms > 100'000'000'000'000) break;
  }
  return ms;
}
}  // namespace

EventSession::EventSession(EventHub& hub, std::string agent, std::string socket_id, beast::tcp_stream stream,
                           Authority authority, bool waiting, bool admin)
    : hub_(hub), agent_(std::move(agent)), waiting_(waiting), admin_(admin), ws_(std::move(stream)), wake_(ws_.get_executor()),
      beat_(ws_.get_executor()), socket_id_(std::move(socket_id)), authority_(std::move(authority)),
      checked_at_(std::chrono::steady_clock::now()), joined_at_(hub.position()) {}

void EventSession::offer(const Event& e) {
  if (closed_) return;
  if (e.type == "credential.changed") {
    // Nothing this socket is offered later is written before its credential has been checked again.
    recheck_ = true;
    wake_.cancel();
    return;
  }
  if (!ready_) {
    // Offered before this session knows what its agent holds (and before any replay): kept, judged later.
    if (early_.size() >= kMaxQueuedEvents) return close_slow();
    early_.push_back(e);
    return;
  }
  if (!admit(e)) return;
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
    co_await follow_current();
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
    if (!cursor.empty()) co_await replay(cursor, joined_at_);
    // Now in stream order: what the replay read (up to where this session joined), then what was offered since.
    ready_ = true;
    for (const auto& e : early_) {
      if (admit(e)) incoming_.push_back(e);
    }
    early_.clear();
    co_await write_loop();
  }
  // Gone: the presence sweep starts this agent's grace period once no socket of theirs is left.
  if (!admin_) co_await hub_.events().release_socket(agent_, socket_id_);
}

asio::awaitable<void> EventSession::follow_current() {
  // What this agent holds now, so message events can be matched to them.
  if (admin_) co_return;
  if (auto mine = co_await hub_.conversations().assigned_to(agent_)) {
    conversations_.clear();
    conversations_.insert(mine->begin(), mine->end());
  }
}

bool EventSession::admit(const Event& e) {
  if (admin_) return true;  // the supervisor sees the whole workspace
  const std::string& type = e.type;
  const std::string& conv = text_of(e.conversation_id);
  const bool for_me = e.agent == agent_;
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
  if (type == "conversation.requeued") return e.from_agent == agent_ && conversations_.erase(conv) > 0;
  if (type == "message.created" && e.opened == "1" && queues_.count(text_of(e.queue)) &&
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
  if (what == "left") {
    // Leaving is said only of what this socket announced viewing, or holds.
    if (viewing_ != conv && !conversations_.count(conv)) co_return;
    if (viewing_ == conv) viewing_.clear();
  } else if (!co_await may_read(conv)) {
    co_return;  // only about conversations this agent may read, by the same rule as GET /v1/conversations/<id>
  }
  if (what == "viewing") viewing_ = conv;
  co_await hub_.events().signal(agent_, conv, what, now);
}

asio::awaitable<void> EventSession::replay(const std::string& cursor, const std::string& until) {
  if (until == "$") co_return;
  // Paged through the live bound: a page at a time, keeping only what concerns this client, never more
  // than kMaxQueuedEvents of them. A cursor older than the replay window, or further behind than the
  // socket could hold or kMaxReplayScan events, is answered with "reload" instead: the client re-reads
  // its state (as on a first connect) and continues live from `until`.
  std::deque<Event> missed;
  bool reload = stream_id_ms(cursor) < now_ms() - kReplayWindow.count();
  std::string from = cursor;
  std::size_t scanned = 0;
  while (!reload && !closed_) {
    auto page = co_await hub_.events().range(from, until, kReplayPage);
    if (!page) {
      reload = true;  // the missed events cannot be read now: a re-read of state is the safe answer
      break;
    }
    if (page->empty()) break;
    scanned += page->size();
    from = page->back().id;
    for (auto& e : *page) {
      if (admit(e)) missed.push_back(std::move(e));
    }
    if (missed.size() > kMaxQueuedEvents || scanned >= kMaxReplayScan) reload = true;
    if (static_cast<int>(page->size()) < kReplayPage) break;
  }
  if (reload) {
    missed.clear();
    co_await follow_current();  // what admit() learnt from the skipped events is re-read instead
    Event e;
    e.id = until;
    e.type = "reload";
    missed.push_back(std::move(e));
  }
  // Live events offered meanwhile came later in the stream: the missed ones go first.
  missed.insert(missed.end(), incoming_.begin(), incoming_.end());
  incoming_ = std::move(missed);
}

asio::awaitable<bool> EventSession::still_authorized() {
  const auto now = std::chrono::steady_clock::now();
  if (!recheck_ && now - checked_at_ < kAuthorityRecheck) co_return true;
  recheck_ = false;
  // Redis unreachable answers false too: a socket whose authority cannot be confirmed stops reading
  // (the client reconnects and is asked again), as a request would get 503 rather than data.
  if (authority_ && !co_await authority_()) {
    revoked_ = true;
    incoming_.clear();
    close();
    co_return false;
  }
  checked_at_ = now;
  co_return true;
}

asio::awaitable<void> EventSession::write_loop() {
  while (!closed_) {
    if (!co_await still_authorized()) break;
    if (incoming_.empty()) {
      wake_.expires_at(checked_at_ + kAuthorityRecheck);
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
    if (e.type == "agent.removed") break;  // this agent no longer exists: said so, now close
  }
  if (ws_.is_open()) {
    // Too slow: try again later, resuming from the last event received (Last-Event-ID).
    // Signed out, token rotated, removed: 1008 (policy) and no reconnect will be let in with it.
    auto code = revoked_ ? websocket::close_code::policy_error
                : slow_  ? websocket::close_code::try_again_later
                         : websocket::close_code::going_away;
    co_await ws_.async_close(code, kAwait);
  }
}

asio::awaitable<std::optional<std::string>> EventSession::render(Event& e) {
  if (e.type == "reload") co_return json::serialize(json::object{{"type", "reload"}, {"id", e.id}});
  if (admin_) co_return json::serialize(event_json(e));  // the board re-reads what changed
  const std::string& type = e.type;
  const std::string& conv = text_of(e.conversation_id);
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
                                           {"expires_at", time_or_null(time_from_ms(text_of(e.expires_at)))}});
  }
  if (type == "conversation.transferred" && e.agent == agent_) {
    // To this agent: with the conversation, as an assignment brings it.
    auto view = co_await fetch(conv);
    if (!view) co_return std::nullopt;
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"from_agent", text_of(e.from_agent)}, {"conversation", std::move(*view)}});
  }
  if (type == "conversation.requeued") {
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"queue", text_of(e.queue)}, {"reason", text_of(e.reason)}});
  }
  if (type == "agent.removed") co_return json::serialize(json::object{{"type", type}, {"id", e.id}});
  if (type == "reload") co_return json::serialize(json::object{{"type", type}, {"id", e.id}});
  if (type == "message.delivery") {
    json::object delivery{{"status", text_of(e.status)}};
    if (!text_of(e.reason).empty()) delivery["reason"] = text_of(e.reason);
    co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                                           {"message_id", text_of(e.message_id)}, {"delivery", std::move(delivery)}});
  }
  if (type == "conversation.labels") {
    co_return json::serialize(json::object{
        {"type", type}, {"id", e.id}, {"conversation_id", conv}, {"labels", comma_list_json(text_of(e.labels))}});
  }
  if (type == "conversation.presence") {
    json::object presence{{"type", type}, {"id", e.id}, {"conversation_id", conv},
                          {"agent", text_of(e.agent)}, {"what", text_of(e.what)}, {"at", time_or_null(e.at)}};
    if (e.by == "customer") presence["by"] = "customer";  // the web chat visitor is typing
    co_return json::serialize(presence);
  }
  if (type == "message.created" && e.opened == "1" && !conversations_.count(conv)) {
    co_return json::serialize(json::object{{"type", "conversation.queued"}, {"id", e.id}, {"conversation_id", conv},
                                           {"queue", text_of(e.queue)}});
  }
  if (type == "message.created") {
    // The event names the message's transcript entry; events written before it did: look among the newest.
    auto r = co_await hub_.conversations().transcript_entries(conv, text_of(e.entry));
    if (!r) co_return std::nullopt;
    for (const auto& entry : *r) {
      if (entry.id == text_of(e.message_id)) {
        json::object m = message_json(entry);
        co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}, {"message", m}});
      }
    }
    co_return std::nullopt;
  }
  // resolved, transferred and the ends of offers: the conversation's id says it all.
  co_return json::serialize(json::object{{"type", type}, {"id", e.id}, {"conversation_id", conv}});
}

asio::awaitable<bool> EventSession::may_read(const std::string& conv) {
  if (conversations_.count(conv)) co_return true;  // assigned to this agent, in stream order
  auto view = co_await fetch(conv);
  if (!view) co_return false;
  store::ConversationStore& store = hub_.store();
  auto may = co_await agent_may_read(store, hub_.conversations(), agent_, *view);
  co_return may && *may;
}

asio::awaitable<std::optional<json::object>> EventSession::fetch(const std::string& conv) {
  auto view = co_await hub_.conversations().view(conv, false);
  if (!view || !*view) co_return std::nullopt;
  co_return conversation_json(**view);
}

}  // namespace omniroute::agent_api
