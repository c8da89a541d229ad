#include "chat/visitor_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "omniroute/log.hpp"
#include "omniroute/phone.hpp"
#include "omniroute/text.hpp"
#include "store/chat_visitors.hpp"

namespace omniroute::webchat {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
/// How long a visitor has to say hello, and how often they may pass on "typing".
constexpr auto kHelloWithin = std::chrono::seconds(10);
constexpr std::int64_t kTypingEveryMs = 3000;
/// Frames a visitor may send per second; more are not read as anything.
constexpr int kFramesPerSecond = 20;
/// Events kept before the hello is answered (then judged); beyond, the welcome is read again.
constexpr std::size_t kMaxEarly = 1024;

/// The string at `key`, or "" (absent, or not a string).
std::string text_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

/// Each conversation of `conversations` (as the welcome and a "conversation" frame carry them) with its highest
/// message number.
std::vector<store::ShownUpTo> shows_of(const json::array& conversations) {
  std::vector<store::ShownUpTo> shows;
  for (const auto& c : conversations) {
    const auto& o = c.as_object();
    std::int64_t highest = 0;
    for (const auto& m : o.at("messages").as_array()) {
      highest = std::max(highest, store::message_number(m.as_object().at("id").as_string()));
    }
    if (highest > 0) shows.emplace_back(std::string(o.at("id").as_string()), highest);
  }
  return shows;
}

/// The widget's id of a message it sent: 8 to 64 of [A-Za-z0-9_-].
bool valid_client_id(std::string_view id) { return valid_token(id, 8, 64); }

/// `s` without spaces and line breaks around it.
std::string trimmed(const std::string& s) {
  const char* space = " \t\r\n";
  auto first = s.find_first_not_of(space);
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}
}  // namespace

VisitorSession::VisitorSession(ChatServer& server, const ChatChannel& channel, beast::tcp_stream stream, std::string peer)
    : server_(server),
      channel_(channel),
      ws_(std::move(stream)),
      wake_(ws_.get_executor()),
      beat_(ws_.get_executor()),
      peer_(std::move(peer)),
      socket_id_(random_hex(8)) {}

void VisitorSession::offer(const Event& e) {
  if (closed_) return;
  const bool kind = e.type == "message.created" || e.type == "conversation.resolved" || e.type == "conversation.presence";
  if (!kind) return;
  if (!greeted_) {
    // Offered while the hello is being answered (their state read): kept, judged after the welcome.
    if (events_.size() >= kMaxEarly) {
      events_.clear();
      resync_ = true;
    }
    events_.push_back(e);
    return;
  }
  if (!admit(e)) {
    // While a message of theirs is being stored, its conversation (new, or its contact) is not known here yet,
    // but its events (the auto-acknowledgement) may already come: held, judged once the store answered.
    if (posting_ > 0 && e.type == "message.created" && held_.size() < kMaxQueued) held_.push_back(e);
    return;
  }
  if (events_.size() >= kMaxQueued) {
    // A visitor who does not read: closed; their widget reconnects and is sent everything again.
    frames_.clear();
    close();
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  events_.push_back(e);
  wake_.cancel();
}

void VisitorSession::close() {
  closed_ = true;
  wake_.cancel();
  beat_.cancel();
}

asio::awaitable<void> VisitorSession::mark_present() {
  if (contact_.empty() || closed_) co_return;
  store::ChatVisitors visitors(server_.store().client(), server_.store().keys());
  if (co_await visitors.present(channel_.settings->id, contact_, socket_id_, now_ms() + 60'000)) present_as_ = contact_;
}

asio::awaitable<void> VisitorSession::keep_present() {
  auto self = shared_from_this();
  while (!closed_) {
    co_await mark_present();
    beat_.expires_after(std::chrono::seconds(20));
    co_await beat_.async_wait(kAwait);
  }
}

asio::awaitable<void> VisitorSession::note_contact_detail(const std::string& given) {
  if (given.empty() || given.size() > 254 || given == detail_given_ || contact_.empty()) co_return;
  std::vector<store::AttributeChange> change;
  if (auto phone = to_e164(given)) {
    change.push_back({"phone", *phone});
  } else if (plausible_email(given)) {
    change.push_back({"email", ascii_lower(given)});
  } else {
    co_return;  // neither: not kept (the widget's field says what it is for)
  }
  if (co_await server_.contacts().update(contact_, "", change)) detail_given_ = given;
}

bool VisitorSession::admit(const Event& e) const {
  const std::string& conv = text_of(e.conversation_id);
  if (e.type == "conversation.presence") {
    return conversations_.count(conv) && e.by != "customer" && (e.what == "viewing" || e.what == "typing");
  }
  if (conversations_.count(conv)) return true;
  // A conversation their contact just opened elsewhere (another tab or device): render checks its channel.
  return e.type == "message.created" && e.opened == "1" && !contact_.empty() && e.contact_id == contact_;
}

bool VisitorSession::first_showing(const std::string& message_id) {
  if (shown_.size() > 5000) shown_.clear();  // a very long chat: the widget dedupes by id as well
  return shown_.insert(message_id).second;
}

void VisitorSession::send(const json::object& frame, std::vector<store::ShownUpTo> shows) {
  if (closed_) return;
  if (frames_.size() >= kMaxQueued) {
    frames_.clear();  // a visitor who does not read: closed, they reconnect and are sent everything again
    close();
    return;
  }
  frames_.push_back(Frame{json::serialize(frame), std::move(shows)});
  wake_.cancel();
}

void VisitorSession::error(std::string_view code, std::string_view message, std::string_view id) {
  json::object frame{{"type", "error"}, {"error", code}, {"message", message}};
  if (!id.empty()) frame["id"] = id;
  send(frame);
}

asio::awaitable<void> VisitorSession::run(http::Request request) {
  auto self = shared_from_this();
  websocket::stream_base::timeout t = websocket::stream_base::timeout::suggested(beast::role_type::server);
  t.idle_timeout = std::chrono::seconds(60);
  t.handshake_timeout = std::chrono::seconds(5);
  t.keep_alive_pings = true;  // a ping at half the idle time: a phone that went away is let go
  ws_.set_option(t);
  beast::get_lowest_layer(ws_).expires_never();
  // A frame is a small JSON object, or the bytes of one file (announced first) of at most max_attachment.
  ws_.read_message_max(static_cast<std::size_t>(std::max<std::int64_t>(kMaxFrame, channel_.max_attachment)));
  auto [ec] = co_await ws_.async_accept(request, kAwait);
  if (ec) co_return;
  server_.hub().tasks().spawn(read_loop(), "webchat: visitor reader");
  server_.hub().tasks().spawn(keep_present(), "webchat: visitor presence");
  co_await write_loop();
  close();
  if (!present_as_.empty()) {
    store::ChatVisitors visitors(server_.store().client(), server_.store().keys());
    co_await visitors.gone(channel_.settings->id, present_as_, socket_id_);
  }
}

asio::awaitable<void> VisitorSession::read_loop() {
  auto self = shared_from_this();
  // No hello in time: a socket opened and left idle is not kept.
  auto deadline = std::make_shared<asio::steady_timer>(ws_.get_executor(), kHelloWithin);
  deadline->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto s = weak.lock();
    if (ec || !s || s->greeted_) return;
    s->close();
  });
  beast::flat_buffer buffer;
  while (!closed_) {
    auto [ec, n] = co_await ws_.async_read(buffer, kAwait);
    if (ec) break;
    const bool text_frame = ws_.got_text();
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(n);
    if (n > kMaxFrame) buffer.shrink_to_fit();  // a file's bytes are not kept in an idle socket's buffer
    if (!text_frame) {
      if (greeted_ && upload_) co_await attach(std::move(text));
      else error("unexpected_file", "announce a file (type attachment) before its bytes");
      continue;
    }
    if (n > kMaxFrame) {
      error("too_long", "a frame of text is at most 16 KiB");
      continue;
    }
    const std::int64_t now = now_ms();
    if (now / 1000 != frames_window_) {
      frames_window_ = now / 1000;
      frames_in_window_ = 0;
    }
    if (text.empty() || ++frames_in_window_ > 2 * kFramesPerSecond) continue;  // far over: not even answered
    boost::system::error_code parse_ec;
    json::value v = json::parse(text, parse_ec);
    if (parse_ec || !v.is_object()) {
      error("invalid_frame", "a frame is a JSON object with a type");
      continue;
    }
    const json::object& frame = v.get_object();
    const std::string type = text_at(frame, "type");
    if (frames_in_window_ > kFramesPerSecond) {
      // Over the frame rate: a message is told so (the widget sends it again later), the rest is dropped.
      if (type == "message") error("rate_limited", "too many messages; wait a moment and send again", text_at(frame, "id"));
      continue;
    }
    co_await handle(type, frame);
  }
  deadline->cancel();
  close();
}

asio::awaitable<void> VisitorSession::handle(const std::string& type, const json::object& frame) {
  if (type == "hello") {
    if (!greeted_) co_await hello(frame);
  } else if (!greeted_) {
    error("hello_first", "say hello first");
  } else if (type == "message") {
    co_await message(frame);
  } else if (type == "typing") {
    co_await typing();
  } else if (type == "rate") {
    co_await rate(frame);
  } else if (type == "attachment") {
    announce(frame);
  } else if (type == "shown") {
    co_await acknowledged(frame);
  }
}

asio::awaitable<void> VisitorSession::hello(const json::object& frame) {
  const std::string visitor = text_at(frame, "visitor");
  if (!valid_visitor_id(visitor)) {
    error("invalid_visitor", "the visitor id is 22 to 64 letters, digits, '-' or '_'");
    close();
    co_return;
  }
  who_ = identify(channel_.settings->id, channel_.settings->get("secret"), visitor, text_at(frame, "identifier"),
                  text_at(frame, "identifier_hash"));
  {
    // Following the workspace's events from before their state is read, so nothing falls between the two
    // (and not before the hello: a socket that never says who it is holds no events).
    agent_api::EventHub::Joining joining(server_.hub());
    if (!co_await joining.placed()) {
      error("unavailable", "the chat cannot be reached just now; reconnecting");
      close();
      co_return;
    }
    server_.hub().add(std::weak_ptr<agent_api::EventListener>(shared_from_this()));
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    resync_ = false;
    auto contact = co_await server_.contacts().id_of(who_.handle_kind, who_.handle);
    if (!contact) break;
    contact_ = *contact;
    auto conversations = co_await server_.conversations_of(channel_, contact_);
    if (!conversations) break;
    if (resync_) continue;  // too much happened meanwhile to judge: read again
    for (const auto& c : *conversations) {
      const auto& o = c.as_object();
      std::string id(o.at("id").as_string());
      conversations_.insert(id);
      if (o.at("state").as_string() != "resolved") open_ = id;
      for (const auto& m : o.at("messages").as_array()) first_showing(std::string(m.as_object().at("id").as_string()));
    }
    std::vector<store::ShownUpTo> shows = shows_of(*conversations);
    send(json::object{{"type", "welcome"},
                      {"identified", who_.identified},
                      {"rating", channel_.csat},
                      {"max_attachment", channel_.max_attachment},
                      {"conversations", std::move(*conversations)}},
         std::move(shows));
    greeted_ = true;
    co_await mark_present();
    // What was offered meanwhile, judged now (already shown messages are skipped when rendered).
    std::deque<Event> early = std::move(events_);
    events_.clear();
    for (auto& e : early) {
      if (admit(e)) events_.push_back(std::move(e));
    }
    wake_.cancel();
    co_return;
  }
  error("unavailable", "the chat cannot be reached just now; reconnecting");
  close();
}

asio::awaitable<void> VisitorSession::message(const json::object& frame) {
  const std::string id = text_at(frame, "id");
  if (!valid_client_id(id)) {
    error("invalid_message", "a message needs an id of 8 to 64 letters, digits, '-' or '_'");
    co_return;
  }
  std::string text = trimmed(text_at(frame, "text"));
  std::string name = trimmed(text_at(frame, "name"));
  if (!is_valid_utf8(text) || !is_valid_utf8(name)) {  // JSON strings are UTF-8 already; a lone surrogate is not
    error("invalid_message", "the message is not valid text", id);
    co_return;
  }
  if (text.empty()) {
    error("invalid_message", "the message is empty", id);
    co_return;
  }
  if (text.size() > kMaxText || name.size() > kMaxName) {
    error("too_long", "a message is at most 4000 bytes and a name 120", id);
    co_return;
  }
  if (!name.empty()) name_ = name;
  co_await store_message(id, std::move(text), {}, trimmed(text_at(frame, "contact")));
}

void VisitorSession::announce(const json::object& frame) {
  const std::string id = text_at(frame, "id");
  std::string name = trimmed(text_at(frame, "file_name"));
  std::string caption = trimmed(text_at(frame, "text"));
  // The visitor's own name may come with a file that is their first message.
  if (std::string visitor = trimmed(text_at(frame, "name")); !visitor.empty() && visitor.size() <= kMaxName && is_valid_utf8(visitor)) {
    name_ = visitor;
  }
  auto size_it = frame.find("size");
  const std::int64_t size = size_it != frame.end() && size_it->value().is_int64() ? size_it->value().get_int64() : -1;
  if (!valid_client_id(id)) {
    error("invalid_message", "a file needs an id of 8 to 64 letters, digits, '-' or '_'");
    return;
  }
  if (size <= 0 || size > channel_.max_attachment) {
    error("too_large", "a file is at most " + std::to_string(channel_.max_attachment / 1024) + " kB", id);
    return;
  }
  // A file's name is shown, never used as a path: only its last part, valid text, at most 200 bytes.
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  if (!is_valid_utf8(name) || name.empty()) name = "file";
  name = text_excerpt(name, 200);
  if (!is_valid_utf8(caption) || caption.size() > kMaxText) caption.clear();
  upload_ = Upload{id, name, caption, size};
}

asio::awaitable<void> VisitorSession::attach(std::string bytes) {
  Upload upload = std::move(*upload_);
  upload_.reset();
  if (static_cast<std::int64_t>(bytes.size()) != upload.size) {
    error("invalid_message", "the file's bytes are not the size announced", upload.id);
    co_return;
  }
  const std::string type = sniff_file_type(bytes);
  if (type.empty()) {
    error("unsupported_file", "only images (PNG, JPEG, GIF, WebP) and PDF files can be sent", upload.id);
    co_return;
  }
  Attachment file;
  file.name = upload.name;
  file.content_type = type;
  file.size = upload.size;
  file.content = std::move(bytes);
  std::vector<Attachment> files;
  files.push_back(std::move(file));
  co_await store_message(upload.id, upload.caption, std::move(files), "");
}

asio::awaitable<void> VisitorSession::store_message(const std::string& id, std::string text, std::vector<Attachment> files,
                                                    const std::string& contact_detail) {
  Message m;
  m.channel_id = channel_.settings->id;
  m.channel_kind = "webchat";
  m.direction = Direction::inbound;
  // The widget's id, scoped to the visitor: the same message sent again after a drop is stored once.
  m.provider_id = sha256_hex(who_.handle_kind + "\n" + who_.handle + "\n" + id).substr(0, 40);
  m.contact_handle = who_.handle;
  m.handle_kind = who_.handle_kind;
  m.contact_name = to_nfc(name_).value_or(name_);
  m.thread_key = who_.handle_kind + ":" + who_.handle;
  m.text = to_nfc(text).value_or(text);
  m.attachments = std::move(files);
  m.received_time_ms = now_ms();
  json::object shown{{"direction", "in"}, {"text", m.text}, {"at", format_rfc3339_ms(m.received_time_ms)}};
  if (!m.attachments.empty()) {
    const Attachment& f = m.attachments.front();
    shown["attachments"] = json::array{json::object{{"name", f.name}, {"type", f.content_type}, {"size", f.size}}};
  }
  ++posting_;
  Posted posted = co_await server_.post(channel_, who_, peer_, std::move(m), open_.empty());
  const IngestOutcome& out = posted.outcome;
  if (posted.result == Posted::Result::stored && !out.conversation_id.empty()) {
    conversations_.insert(out.conversation_id);
    if (out.created || open_.empty()) open_ = out.conversation_id;
    if (!out.message_id.empty()) first_showing(out.message_id);  // "accepted" shows it, its event need not
  }
  if (--posting_ == 0) {
    for (auto& e : held_) {
      if (admit(e)) events_.push_back(std::move(e));
    }
    held_.clear();
    wake_.cancel();
  }
  if (posted.result != Posted::Result::stored) {
    error(posted.error, posted.message, id);
    co_return;
  }
  if (contact_.empty()) {
    if (auto contact = co_await server_.contacts().id_of(who_.handle_kind, who_.handle)) contact_ = *contact;
    co_await mark_present();  // a reply in the next seconds finds them here
  }
  co_await note_contact_detail(contact_detail);
  shown["id"] = out.message_id;
  send(json::object{{"type", "accepted"}, {"id", id}, {"conversation_id", out.conversation_id}, {"message", std::move(shown)}});
}

asio::awaitable<void> VisitorSession::typing() {
  const std::int64_t now = now_ms();
  if (open_.empty() || now - typing_sent_ms_ < kTypingEveryMs) co_return;
  typing_sent_ms_ = now;
  co_await server_.hub().events().customer_typing(open_, now);
}

asio::awaitable<void> VisitorSession::rate(const json::object& frame) {
  const std::string conv = text_at(frame, "conversation_id");
  auto score_it = frame.find("score");
  const std::int64_t score = score_it != frame.end() && score_it->value().is_int64() ? score_it->value().get_int64() : 0;
  if (!conversations_.count(conv) || score < 1 || score > 5) {
    error("invalid_rating", "a rating is 1 to 5 for one of your conversations");
    co_return;
  }
  auto view = co_await server_.conversation_for(channel_, contact_, conv);
  auto awaited = co_await server_.contacts().awaiting_rating(channel_.settings->id, contact_);
  if (!view || !awaited) {
    error("unavailable", "the rating could not be sent just now; try again");
    co_return;
  }
  if (!view->at("rating").is_null()) {
    send(json::object{{"type", "rated"}, {"conversation_id", conv}, {"score", view->at("rating")}});
    co_return;
  }
  if (*awaited != conv || !view->at("rate").as_bool()) {
    error("not_ratable", "this conversation can no longer be rated");
    co_return;
  }
  Message m;
  m.channel_id = channel_.settings->id;
  m.channel_kind = "webchat";
  m.direction = Direction::inbound;
  m.provider_id = sha256_hex(who_.handle_kind + "\n" + who_.handle + "\nrate\n" + conv).substr(0, 40);  // once per conversation
  m.contact_handle = who_.handle;
  m.handle_kind = who_.handle_kind;
  m.thread_key = who_.handle_kind + ":" + who_.handle;
  m.text = std::to_string(score);
  m.received_time_ms = now_ms();
  Posted posted = co_await server_.post(channel_, who_, peer_, std::move(m), false);
  if (posted.result != Posted::Result::stored) {
    error(posted.error, posted.message);
    co_return;
  }
  send(json::object{{"type", "rated"}, {"conversation_id", conv}, {"score", score}});
}

asio::awaitable<VisitorSession::Frame> VisitorSession::render(const Event& e) {
  const std::string& conv = text_of(e.conversation_id);
  Frame frame;
  if (e.type == "conversation.presence") {
    if (e.what == "viewing") {
      frame.text = json::serialize(json::object{{"type", "seen"}, {"conversation_id", conv}});
      co_return frame;
    }
    std::string name = co_await server_.agent_name(text_of(e.agent));
    frame.text = json::serialize(json::object{{"type", "typing"}, {"conversation_id", conv}, {"author", name}});
    co_return frame;
  }
  if (e.type == "conversation.resolved") {
    if (open_ == conv) open_.clear();
    frame.text = json::serialize(json::object{{"type", "resolved"}, {"conversation_id", conv}, {"rate", channel_.csat}});
    co_return frame;
  }
  if (!conversations_.count(conv)) {
    // Opened by their contact elsewhere: theirs if it is on this channel; sent whole.
    auto view = co_await server_.conversation_for(channel_, contact_, conv);
    if (!view) co_return frame;
    conversations_.insert(conv);
    if (view->at("state").as_string() != "resolved") open_ = conv;
    for (const auto& m : view->at("messages").as_array()) first_showing(std::string(m.as_object().at("id").as_string()));
    frame.shows = shows_of(json::array{*view});
    frame.text = json::serialize(json::object{{"type", "conversation"}, {"conversation", std::move(*view)}});
    co_return frame;
  }
  if (e.survey == "answer") {
    frame.text = json::serialize(json::object{{"type", "rated"}, {"conversation_id", conv}, {"score", std::atoi(text_of(e.csat).c_str())}});
    co_return frame;
  }
  auto entries = co_await server_.hub().conversations().transcript_entries(conv, text_of(e.entry));
  if (!entries) co_return frame;
  for (const auto& entry : *entries) {
    if (entry.id != text_of(e.message_id)) continue;
    auto shown = co_await server_.visitor_message(entry);
    if (!shown || !first_showing(entry.id)) co_return frame;
    frame.shows.emplace_back(conv, store::message_number(entry.id));
    frame.text = json::serialize(json::object{{"type", "message"}, {"conversation_id", conv}, {"message", std::move(*shown)}});
    co_return frame;
  }
  co_return frame;
}

asio::awaitable<void> VisitorSession::acknowledged(const json::object& frame) {
  auto it = frame.find("conversations");
  if (it == frame.end() || !it->value().is_object()) {
    error("invalid_frame", "shown names conversations and the last message id of each its page has");
    co_return;
  }
  std::vector<store::ShownUpTo> shows;
  for (const auto& [conv, id] : it->value().get_object()) {
    auto written = written_through_.find(conv);
    if (written == written_through_.end() || !id.is_string()) continue;  // not one this socket was sent
    // Never more than was written here: a page cannot claim what it was not sent.
    shows.emplace_back(written->first, std::min(written->second, store::message_number(id.get_string())));
  }
  if (shows.empty() || contact_.empty() || channel_.settings->get("offline_email").empty()) co_return;
  store::ChatVisitors visitors(server_.store().client(), server_.store().keys());
  co_await visitors.shown(channel_.settings->id, contact_, shows);  // unrecorded (Redis away): at worst a mail too many
}

asio::awaitable<void> VisitorSession::write_loop() {
  // Once closed, what is already queued (an error saying why) is still written, then the close.
  while (!closed_ || !frames_.empty()) {
    if (frames_.empty() && (events_.empty() || !greeted_ || closed_)) {
      wake_.expires_after(std::chrono::hours(24));
      co_await wake_.async_wait(kAwait);
      continue;
    }
    if (frames_.empty()) {
      Event e = std::move(events_.front());
      events_.pop_front();
      Frame frame = co_await render(e);
      if (!frame.text.empty()) frames_.push_back(std::move(frame));
      continue;
    }
    Frame frame = std::move(frames_.front());
    frames_.pop_front();
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(frame.text), kAwait);
    if (ec) break;
    for (const auto& [conv, number] : frame.shows) {
      std::int64_t& through = written_through_[conv];
      through = std::max(through, number);
    }
  }
  closed_ = true;
  if (ws_.is_open()) co_await ws_.async_close(websocket::close_code::going_away, kAwait);
}

}  // namespace omniroute::webchat
