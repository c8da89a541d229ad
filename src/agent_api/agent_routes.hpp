#pragma once
// The agent API (Authorization: Bearer <agent token>), as CONTRACT.md describes it.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string_view>

#include "agent_api/api_route.hpp"
#include "agent_api/caller.hpp"
#include "store/catalog.hpp"
#include "store/conversations.hpp"
#include "store/overview.hpp"
#include "config/config.hpp"
#include "http/types.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/reply_parts.hpp"
#include "reports/recorder.hpp"
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

  /// Puts the agent API's routes (/v1/agents/me/…, conversations, attachments, the catalogues) in `table`.
  void add_routes(ApiRoutes& table);

 private:
  /// POST /v1/conversations/<id>/notes: a private note (agents of it, or the admin on any).
  boost::asio::awaitable<http::Response> note(const Caller& caller, const std::string& id, const http::Request& request);
  /// PUT / DELETE /v1/conversations/<id>/labels/<label>.
  boost::asio::awaitable<http::Response> label(const Caller& caller, const std::string& id, const std::string& label,
                                               bool add);
  /// /v1/canned_responses[/<id>]: agents and the admin list them; the admin creates, changes and removes them
  /// (canned_routes.cpp).
  boost::asio::awaitable<http::Response> canned(const Caller& caller, const http::Request& request, std::string id);
  /// /v1/labels[/<name>]: the label catalogue — everyone reads it, the admin adds, changes and removes
  /// labels (label_routes.cpp). Conversations may carry labels not in it.
  boost::asio::awaitable<http::Response> label_catalog(const Caller& caller, const http::Request& request,
                                                       std::string name);
  boost::asio::awaitable<http::Response> save_canned(const std::string& id, const http::Request& request,
                                                     bool only_new);
  boost::asio::awaitable<http::Response> set_status(const std::string& agent, const http::Request& request);
  /// Open conversations assigned to `agent`; with `label`, only those carrying it.
  boost::asio::awaitable<http::Response> my_conversations(const std::string& agent, const std::string& label);
  boost::asio::awaitable<http::Response> my_offers(const std::string& agent);
  /// Where the agent may hand a conversation of `medium` on: every queue, and the available agents with room.
  boost::asio::awaitable<http::Response> transfer_targets(const std::string& agent, const std::string& medium);
  /// Conversations waiting in the queues the agent serves (read-only for them), oldest first.
  boost::asio::awaitable<http::Response> my_waiting(const std::string& agent);
  /// GET /v1/attachments/<sha256>: a kept attachment's bytes (e-mail), as a download.
  boost::asio::awaitable<http::Response> attachment(const std::string& agent, const std::string& digest);
  /// Accepts or declines (`accept` false) an offered conversation.
  boost::asio::awaitable<http::Response> answer_offer(const std::string& agent, const std::string& id, bool accept);
  /// The conversation with its transcript: to its agent, the agent it is offered to, or the admin (`agent` "").
  boost::asio::awaitable<http::Response> get_conversation(const Caller& caller, const std::string& id);
  /// GET /v1/search (search_routes.cpp).
  boost::asio::awaitable<http::Response> search(const Caller& caller, const http::Request& request);
  boost::asio::awaitable<http::Response> reply(const std::string& agent, const std::string& id, const http::Request& request);
  boost::asio::awaitable<http::Response> resolve(const std::string& agent, const std::string& id);
  /// The satisfaction survey to send when `c` is resolved (JSON for resolve.lua), or "" when its channel sends none.
  std::string survey_for(const store::ResponseClock& c) const;
  /// Counts a recorded response or resolution in omniroute_responses_total (met, missed, no target).
  void count_response(const reports::Record& record);
  /// The first-response histograms' bucket edges for `queue`: the usual ones plus each of its targets.
  std::vector<double> first_response_buckets(const std::string& queue) const;
  boost::asio::awaitable<http::Response> transfer(const std::string& agent, const std::string& id, const http::Request& request);

  const config::Config& config_;
  const routing::AgentDirectory& directory_;
  store::ConversationStore& store_;
  store::Conversations conversations_;
  store::Catalog canned_;
  store::Catalog labels_;  // the workspace's label catalogue (label_routes.cpp)
  store::Overview overview_;
  routing::Assigner& assigner_;
  metrics::Registry& metrics_;
  struct FirstResponseSeries {
    metrics::Histogram* wall = nullptr;
    metrics::Histogram* business = nullptr;  // by the queue's SLA clock
  };
  std::map<std::pair<std::string, std::string>, FirstResponseSeries> first_response_;  // (channel, queue)
  sla::Policies policies_;
  reports::Recorder recorder_;  // what the reports record of each response and resolution
  std::string windows_;  // JSON {channel id: {"span": ms, "template": name}} for reply.lua
  ReplyLimits reply_limits_;
};

}  // namespace omniroute::agent_api
