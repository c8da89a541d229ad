#pragma once
// Web chat (`kind: webchat`), served by omnirouted itself: the embeddable
// script (GET /chat/<id>/widget.js), the full page (GET /chat/<id>) and the
// visitors' WebSocket (GET /chat/<id>/socket). One ChatServer per event loop;
// a visitor's messages are stored through the same ingest as every channel's,
// and the conversation's events reach the visitor through the loop's EventHub.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent_api/event_hub.hpp"
#include "config/config.hpp"
#include "http/types.hpp"
#include "ingest/ingest_service.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/channel.hpp"
#include "omniroute/webchat.hpp"
#include "routing/assigner.hpp"
#include "store/contacts.hpp"
#include "store/conversation_store.hpp"
#include "chat/chat_limits.hpp"

namespace omniroute::webchat {

/// One configured web chat channel as the server uses it.
struct ChatChannel {
  const ChannelSettings* settings = nullptr;
  std::vector<std::string> allowed_origins;
  bool csat = false;
  std::int64_t csat_window_ms = 0;
  std::int64_t max_attachment = 0;  // bytes of one file a visitor may send
};

/// What a visitor's Send became.
struct Posted {
  enum class Result { stored, limited, invalid, unavailable };
  Result result = Result::unavailable;
  std::string error, message;  // limited / invalid: the code and words shown to the visitor
  IngestOutcome outcome;
};

class ChatServer {
 public:
  ChatServer(const config::Config& config, const ChannelMap& channels, store::ConversationStore& store,
             ingest::IngestService& ingest, routing::Assigner& assigner, agent_api::EventHub& hub, ChatLimits& limits,
             metrics::Registry& metrics, std::string_view widget_js);

  /// The answer for a chat page or script (GET/HEAD /chat/<id>, /chat/<id>/widget.js), or nullopt when
  /// `path` is not one. Unknown channels are 404.
  std::optional<http::Response> serve(const http::Request& request, std::string_view path) const;
  /// Whether `path` is a chat socket's (/chat/<id>/socket).
  static bool is_socket(std::string_view path);
  /// Runs one visitor's WebSocket to its end: refused (403) unless its Origin may embed the channel.
  boost::asio::awaitable<void> upgrade(http::Request request, boost::beast::tcp_stream stream, std::string peer);

  // For the visitors' sessions (same loop):
  /// A visitor's message from `peer`, stored as the channel's message once it passes the limits.
  boost::asio::awaitable<Posted> post(const ChatChannel& channel, const Identity& who, const std::string& peer,
                                      Message message, bool opens);
  /// The visitor's last conversations on the channel (newest last), each with its transcript as they see it.
  boost::asio::awaitable<std::optional<boost::json::array>> conversations_of(const ChatChannel& channel,
                                                                            const std::string& contact);
  /// The conversation as its visitor sees it, when it is theirs (the contact's, on this channel).
  boost::asio::awaitable<std::optional<boost::json::object>> conversation_for(const ChatChannel& channel,
                                                                              const std::string& contact,
                                                                              const std::string& conversation);
  /// One message as the visitor sees it (never a note), or nullopt.
  boost::asio::awaitable<std::optional<boost::json::object>> visitor_message(const StoredMessage& m);
  /// An agent's display name (first name only is shown by the widget), cached per loop.
  boost::asio::awaitable<std::string> agent_name(const std::string& agent);

  agent_api::EventHub& hub() { return hub_; }
  store::Contacts& contacts() { return contacts_; }
  store::ConversationStore& store() { return store_; }
  metrics::Counter& refused_origin() { return *refused_origin_; }
  metrics::Counter& limited() { return *limited_; }
  /// A visitor's socket opened (+1) or closed (-1).
  void count_socket(int delta) { (delta > 0 ? opened_ : closed_)->inc(); }

 private:
  /// The chat page's and script's security headers (frame-ancestors from the channel's allowed origins).
  http::Response with_headers(http::Response res, const ChatChannel& channel, bool page) const;

  const config::Config& config_;
  store::ConversationStore& store_;
  ingest::IngestService& ingest_;
  routing::Assigner& assigner_;
  agent_api::EventHub& hub_;
  ChatLimits& limits_;
  store::Contacts contacts_;
  std::map<std::string, ChatChannel, std::less<>> channels_;
  std::map<std::string, std::string> agent_names_;
  metrics::Counter* refused_origin_;
  metrics::Counter* limited_;
  metrics::Counter* opened_;
  metrics::Counter* closed_;
  std::string_view widget_js_;
  std::string widget_etag_;
};

}  // namespace omniroute::webchat
