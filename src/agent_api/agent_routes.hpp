#pragma once
// The agent API (Authorization: Bearer <agent token>), as CONTRACT.md describes it.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string_view>

#include "store/conversations.hpp"
#include "config/config.hpp"
#include "http/types.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/reply_parts.hpp"
#include "sla/policy.hpp"
#include "routing/agent_directory.hpp"
#include "routing/assigner.hpp"
#include "store/conversation_store.hpp"

namespace omniroute::agent_api {

class AgentRoutes {
 public:
  /// What a channel allows a reply (its declared capabilities): length and window.
  struct ReplyRules {
    ReplyLimit limit;
    ReplyWindow window;
  };
  /// By channel id.
  using ReplyLimits = std::map<std::string, ReplyRules, std::less<>>;

  AgentRoutes(const config::Config& config, const routing::AgentDirectory& directory, store::ConversationStore& store,
              routing::Assigner& assigner, metrics::Registry& metrics, ReplyLimits reply_limits);

  /// Answers a request under /v1/, or nullopt when no route matches.
  boost::asio::awaitable<std::optional<http::Response>> handle(http::Request& request, std::string_view path);

 private:
  /// /v1/conversations/<id>[/messages|resolve|transfer|accept|reject].
  boost::asio::awaitable<http::Response> conversation_route(const std::string& agent, http::Request& request,
                                                            std::string_view path);
  boost::asio::awaitable<http::Response> set_status(const std::string& agent, const http::Request& request);
  boost::asio::awaitable<http::Response> my_conversations(const std::string& agent);
  boost::asio::awaitable<http::Response> my_offers(const std::string& agent);
  /// GET /v1/attachments/<sha256>: a kept attachment's bytes (e-mail), as a download.
  boost::asio::awaitable<http::Response> attachment(const std::string& agent, const std::string& digest);
  /// Accepts or declines (`accept` false) an offered conversation.
  boost::asio::awaitable<http::Response> answer_offer(const std::string& agent, const std::string& id, bool accept);
  boost::asio::awaitable<http::Response> get_conversation(const std::string& agent, const std::string& id);
  boost::asio::awaitable<http::Response> reply(const std::string& agent, const std::string& id, const http::Request& request);
  boost::asio::awaitable<http::Response> resolve(const std::string& agent, const std::string& id);
  boost::asio::awaitable<http::Response> transfer(const std::string& agent, const std::string& id, const http::Request& request);

  const config::Config& config_;
  const routing::AgentDirectory& directory_;
  store::ConversationStore& store_;
  store::Conversations conversations_;
  routing::Assigner& assigner_;
  metrics::Registry& metrics_;
  struct FirstResponseSeries {
    metrics::Histogram* wall = nullptr;
    metrics::Histogram* business = nullptr;  // by the queue's SLA clock
  };
  std::map<std::pair<std::string, std::string>, FirstResponseSeries> first_response_;  // (channel, queue)
  sla::Policies policies_;
  std::string windows_;  // JSON {channel id: {"span": ms, "template": name}} for reply.lua
  ReplyLimits reply_limits_;
};

}  // namespace omniroute::agent_api
