#include "chat/chat_server.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

#include "agent_api/conversation_json.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "omniroute/text.hpp"
#include "omniroute/url_query.hpp"
#include "store/agents.hpp"
#include "chat/visitor_session.hpp"

namespace omniroute::webchat {

namespace asio = boost::asio;
namespace beast_http = http::beast_http;
namespace json = boost::json;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {

/// How many of a visitor's conversations the panel shows (the newest), and how many are looked at to find them.
constexpr std::size_t kShownConversations = 5;
constexpr std::size_t kLookedAt = 20;

/// The channel id and what follows it in /chat/<id>[/<rest>]; nullopt when `path` is not under /chat/.
std::optional<std::pair<std::string, std::string>> chat_path(std::string_view path) {
  if (!path.starts_with("/chat/")) return std::nullopt;
  std::string_view rest = path.substr(6);
  auto slash = rest.find('/');
  std::string id(rest.substr(0, slash));
  std::string tail = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  return std::make_pair(std::move(id), std::move(tail));
}

/// The conversation's number ("v42" → 42), for newest-first order.
long long conversation_number(const std::string& id) {
  return id.size() > 1 ? std::atoll(id.c_str() + 1) : 0;
}

std::string page_html(const std::string& id) {
  // The whole page is the widget, opened full-screen (data-page); it reads ?lang= and ?identifier= itself.
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, interactive-widget=resizes-content\">\n"
         "<title>Chat</title>\n</head>\n<body>\n<script src=\"/chat/" + id + "/widget.js\" data-page=\"1\" async></script>\n"
         "</body>\n</html>\n";
}

}  // namespace

ChatServer::ChatServer(const config::Config& config, const ChannelMap& /*channels*/, store::ConversationStore& store,
                       ingest::IngestService& ingest, routing::Assigner& assigner, agent_api::EventHub& hub,
                       ChatLimits& limits, metrics::Registry& metrics, std::string_view widget_js)
    : config_(config),
      store_(store),
      ingest_(ingest),
      assigner_(assigner),
      hub_(hub),
      limits_(limits),
      contacts_(store.client(), store.keys(), store.history()),
      refused_origin_(&metrics.counter("omniroute_webchat_refused_total", {{"reason", "origin"}})),
      limited_(&metrics.counter("omniroute_webchat_refused_total", {{"reason", "rate_limited"}})),
      opened_(&metrics.counter("omniroute_webchat_sockets_total", {{"event", "opened"}})),
      closed_(&metrics.counter("omniroute_webchat_sockets_total", {{"event", "closed"}})),
      widget_js_(widget_js),
      widget_etag_("\"" + sha256_hex(widget_js).substr(0, 20) + "\"") {
  for (const auto& c : config.channels) {
    if (c.settings.kind != "webchat") continue;
    ChatChannel chat;
    chat.settings = &c.settings;
    chat.allowed_origins = c.settings.list("allowed_origins");
    chat.csat = c.csat.has_value();
    chat.csat_window_ms = c.csat ? c.csat->window.count() : 0;
    chat.max_attachment = parse_size_bytes(c.settings.get("max_attachment")).value_or(0);
    channels_.emplace(c.settings.id, std::move(chat));
  }
}

bool ChatServer::is_socket(std::string_view path) {
  auto p = chat_path(path);
  return p && p->second == "socket";
}

http::Response ChatServer::with_headers(http::Response res, const ChatChannel& channel, bool page) const {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (page) {
    // The page runs only our script and talks only to us; it may be framed by the channel's allowed origins.
    res.set("Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors " +
                frame_ancestors(channel.allowed_origins, config_.server.public_url));
  } else {
    // The script is loaded by other sites' pages (a classic <script>, no CORS needed).
    res.set("Cross-Origin-Resource-Policy", "cross-origin");
  }
  return res;
}

std::optional<http::Response> ChatServer::serve(const http::Request& request, std::string_view path) const {
  auto p = chat_path(path);
  if (!p) return std::nullopt;
  auto it = channels_.find(p->first);
  if (it == channels_.end()) {
    return http::json_error(404, "unknown_channel", "no web chat channel '" + p->first + "' is configured");
  }
  const bool get = request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  const bool page = p->second.empty();
  if (!page && p->second != "widget.js") return http::json_error(404, "not_found", "no chat file " + std::string(path));
  if (!get) return http::json_error(405, "method_not_allowed", "use GET");
  http::Response res;
  if (page) {
    res = http::text_response(200, "text/html; charset=utf-8", page_html(p->first));
    res.set(beast_http::field::cache_control, "no-store");
  } else if (request[beast_http::field::if_none_match] == widget_etag_) {
    res = http::Response{beast_http::status::not_modified, request.version()};
    res.set(beast_http::field::etag, widget_etag_);
    res.set(beast_http::field::cache_control, "no-cache");
  } else {
    res = http::text_response(200, "text/javascript; charset=utf-8", std::string(widget_js_));
    res.set(beast_http::field::etag, widget_etag_);
    res.set(beast_http::field::cache_control, "no-cache");
  }
  return with_headers(std::move(res), it->second, page);
}

asio::awaitable<void> ChatServer::upgrade(http::Request request, boost::beast::tcp_stream stream, std::string peer) {
  auto refuse = [&](http::Response res) -> asio::awaitable<void> {
    res.keep_alive(false);
    co_await beast_http::async_write(stream, res, kAwait);
  };
  auto target = parse_target(request.target());
  auto p = target ? chat_path(target->path) : std::nullopt;
  auto it = p ? channels_.find(p->first) : channels_.end();
  if (it == channels_.end()) {
    co_await refuse(http::json_error(404, "unknown_channel", "no web chat channel at " + std::string(request.target())));
    co_return;
  }
  // A browser always names the page's origin; only pages of the channel's allowed origins (and our own chat
  // page) may talk to its visitors' socket. No Origin at all is refused like a foreign one.
  const std::string origin(request[beast_http::field::origin]);
  const std::string host(request[beast_http::field::host]);
  const std::string given = origin_of(origin);
  const bool own_page = !given.empty() && !host.empty() && given.ends_with("://" + ascii_lower(host));
  if (!origin_allowed(it->second.allowed_origins, origin, config_.server.public_url) && !own_page) {
    refused_origin_->inc();
    // Built before the co_await: GCC 12 frees a ?: temporary inside a co_await expression twice.
    std::string who = "an unnamed origin";
    if (!origin.empty()) who = "'" + origin + "'";
    http::Response refusal = http::json_error(403, "origin_not_allowed",
                                              "pages of " + who + " may not open chat '" + p->first + "' (allowed_origins)");
    co_await refuse(std::move(refusal));
    co_return;
  }
  if (!limits_.open_socket(*it->second.settings, peer)) {
    limited_->inc();
    co_await refuse(http::json_error(429, "too_many_sockets", "this address has too many chat sockets open (ip_sockets)"));
    co_return;
  }
  struct Release {
    ChatLimits& limits;
    std::string peer;
    ~Release() { limits.release_socket(peer); }
  } release{limits_, peer};
  auto session = std::make_shared<VisitorSession>(*this, it->second, std::move(stream), peer);
  count_socket(1);
  co_await session->run(std::move(request));
  count_socket(-1);
}

asio::awaitable<Posted> ChatServer::post(const ChatChannel& channel, const Identity& who, const std::string& peer,
                                         Message message, bool opens) {
  Posted posted;
  const ChannelSettings& s = *channel.settings;
  if (!limits_.allow(s, ChatLimits::What::visitor_message, who.handle_kind + ":" + who.handle) ||
      !limits_.allow(s, ChatLimits::What::address_message, peer) ||
      (opens && !limits_.allow(s, ChatLimits::What::address_conversation, peer))) {
    limited_->inc();
    posted.result = Posted::Result::limited;
    posted.error = "rate_limited";
    posted.message = "too many messages; wait a moment and send again";
    co_return posted;
  }
  auto stored = co_await ingest_.store(std::move(message));
  if (!stored) {
    posted.error = "store_unavailable";
    posted.message = "not sent yet; it will be sent again";
    co_return posted;
  }
  posted.result = Posted::Result::stored;
  posted.outcome = *stored;
  // Routing costs a round trip: only when a new conversation could be taken by someone now.
  if (stored->routable) co_await assigner_.route_queue(stored->queue);
  co_return posted;
}

asio::awaitable<std::string> ChatServer::agent_name(const std::string& agent) {
  if (agent.empty()) co_return std::string();
  if (auto it = agent_names_.find(agent); it != agent_names_.end()) co_return it->second;
  store::Agents agents(store_.client(), store_.keys());
  auto profile = co_await agents.profile(agent);
  if (!profile) co_return std::string();
  std::string name = profile->name.empty() ? agent : profile->name;
  if (agent_names_.size() > 10'000) agent_names_.clear();
  agent_names_[agent] = name;
  co_return name;
}

asio::awaitable<std::optional<json::object>> ChatServer::visitor_message(const StoredMessage& m) {
  // Private notes never reach the customer; nor does their own answer to the rating (the stars show it).
  if (m.note || m.automatic_reply == "answer") co_return std::nullopt;
  const bool out = m.direction == Direction::outbound;
  json::object j{{"id", m.id}, {"direction", out ? "out" : "in"}, {"text", m.text}, {"at", agent_api::time_or_null(m.at)}};
  if (out) {
    std::string name = co_await agent_name(m.author);
    j["author"] = name.empty() ? json::value(nullptr) : json::value(name);
  }
  if (!m.automatic_reply.empty()) j["auto"] = m.automatic_reply;
  // The visitor sees the files' names and sizes (their bytes are served to agents only).
  boost::system::error_code ec;
  json::value files = json::parse(m.attachments_json, ec);
  if (!ec && files.is_array() && !files.as_array().empty()) {
    json::array shown;
    for (const auto& f : files.as_array()) {
      if (!f.is_object()) continue;
      json::object one{{"name", f.as_object().contains("name") ? f.at("name") : json::value("")},
                       {"type", f.as_object().contains("type") ? f.at("type") : json::value("")},
                       {"size", f.as_object().contains("size") ? f.at("size") : json::value(nullptr)}};
      shown.push_back(std::move(one));
    }
    j["attachments"] = std::move(shown);
  }
  co_return j;
}

asio::awaitable<std::optional<json::object>> ChatServer::conversation_for(const ChatChannel& channel,
                                                                          const std::string& contact,
                                                                          const std::string& conversation) {
  auto view = co_await hub_.conversations().view(conversation, true);
  if (!view || !*view) co_return std::nullopt;
  const Conversation& c = (*view)->conversation;
  if (c.channel != channel.settings->id || (*view)->contact.id != contact || contact.empty()) co_return std::nullopt;
  json::array messages;
  for (const auto& m : (*view)->messages) {
    if (auto shown = co_await visitor_message(m)) messages.push_back(std::move(*shown));
  }
  const bool resolved = c.state == ConversationState::resolved;
  const std::int64_t resolved_ms =
      c.resolved_at ? std::chrono::duration_cast<std::chrono::milliseconds>(c.resolved_at->time_since_epoch()).count() : 0;
  // The stars are offered once, while the rating is awaited (resolve.lua set it, for the channel's window).
  const bool rate = channel.csat && resolved && !c.csat && resolved_ms + channel.csat_window_ms > now_ms();
  json::object out{{"id", c.id},
                   {"state", to_string(c.state)},
                   {"created_at", agent_api::time_or_null(c.created_at)},
                   {"rating", c.csat ? json::value(*c.csat) : json::value(nullptr)},
                   {"rate", rate},
                   {"messages", std::move(messages)}};
  co_return out;
}

asio::awaitable<std::optional<json::array>> ChatServer::conversations_of(const ChatChannel& channel,
                                                                         const std::string& contact) {
  json::array out;
  if (contact.empty()) co_return out;
  auto read = co_await contacts_.read(contact);
  if (!read) co_return std::nullopt;
  if (!*read) co_return out;
  std::vector<std::string> ids = (*read)->conversations;
  std::sort(ids.begin(), ids.end(),
            [](const std::string& a, const std::string& b) { return conversation_number(a) > conversation_number(b); });
  std::vector<json::object> newest;
  for (std::size_t i = 0; i < ids.size() && i < kLookedAt && newest.size() < kShownConversations; ++i) {
    auto one = co_await conversation_for(channel, contact, ids[i]);
    if (one) newest.push_back(std::move(*one));
  }
  for (auto it = newest.rbegin(); it != newest.rend(); ++it) out.push_back(std::move(*it));
  co_return out;
}

}  // namespace omniroute::webchat
