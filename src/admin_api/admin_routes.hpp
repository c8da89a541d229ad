#pragma once
// The admin API (Authorization: Bearer <admin_token>): queues, agents and
// conversations as omnictl shows them, agents added, changed and removed at
// run time (kept in Redis, tokens stored as SHA-256 digests), and contacts'
// attributes (tier, …) that routing rules match on, and the SLA watch list. docs/api.md describes it.

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string_view>

#include "config/config.hpp"
#include "http/types.hpp"
#include "routing/agent_directory.hpp"
#include "routing/assigner.hpp"
#include "agent_api/api_route.hpp"
#include "agent_api/caller.hpp"
#include "store/contacts.hpp"
#include "store/outbox.hpp"
#include "store/conversation_store.hpp"
#include "store/overview.hpp"
#include "net/http_client.hpp"
#include <memory>

namespace omniroute::admin_api {

class AdminRoutes {
 public:
  /// `channels`: the generation's channels (their send policies in GET /v1/channels; their checks).
  AdminRoutes(const config::Config& config, const routing::AgentDirectory& directory, store::ConversationStore& store,
              routing::Assigner& assigner, const ChannelMap& channels, const ChannelRegistry& registry);
  ~AdminRoutes();

  /// Puts the admin API's routes (queues, agents, contacts, conversations, SLA, alerts, channels, dead
  /// letters, reports) in `table`.
  void add_routes(agent_api::ApiRoutes& table);

 private:
  boost::asio::awaitable<http::Response> queues();
  boost::asio::awaitable<http::Response> agents();
  boost::asio::awaitable<http::Response> agent(const std::string& id);
  boost::asio::awaitable<http::Response> create_agent(const http::Request& request);
  boost::asio::awaitable<http::Response> update_agent(const std::string& id, const http::Request& request);
  boost::asio::awaitable<http::Response> rotate_token(const std::string& id);
  boost::asio::awaitable<http::Response> delete_agent(const std::string& id);
  boost::asio::awaitable<http::Response> conversations(std::string_view query);
  /// GET /v1/channels: each channel's health (admin_channels.cpp).
  boost::asio::awaitable<http::Response> channels();
  /// POST /v1/channels/<id>/check and …/register: the channel's conversation with its provider, step by step
  /// (admin_channel_checks.cpp).
  boost::asio::awaitable<http::Response> check_channel(const std::string& id, bool register_webhook);
  /// GET /v1/channel_kinds, GET/POST/PUT/DELETE /v1/channels/<id> (admin_channel_config.cpp).
  boost::asio::awaitable<http::Response> channel_kinds();
  boost::asio::awaitable<http::Response> channel(const std::string& id);
  boost::asio::awaitable<http::Response> put_channel(const std::string& id, const http::Request& request, bool create);
  boost::asio::awaitable<http::Response> delete_channel(const std::string& id);
  /// Puts into `keys` each of the kind's secrets it leaves out, opened from the `kept` settings; a 409 when one
  /// does not open with this daemon's key.
  std::optional<http::Response> kept_secrets_into(boost::json::object& keys, const ChannelKind& kind,
                                                  const boost::json::object& kept) const;
  /// The configuration file's channel `id`, or nullptr (channels added through the API are not).
  const config::ChannelConfig* file_channel(const std::string& id) const;
  /// GET /v1/outbox/dead?limit=: dead-lettered replies, newest first; POST …/<id>/retry queues one again.
  boost::asio::awaitable<http::Response> dead_letters(std::string_view query);
  boost::asio::awaitable<http::Response> retry_dead(const std::string& id);
  /// GET /v1/alerts?limit=: the newest fired alerts, newest first (admin_sla.cpp).
  boost::asio::awaitable<http::Response> alerts(std::string_view query);
  /// Ids of conversations that may be in `state` (queued, assigned, resolved), for the list to filter.
  boost::asio::awaitable<store::StoreResult<std::vector<std::string>>> candidate_ids(const std::string& state,
                                                                                     const std::string& queue, long limit);
  /// GET /v1/reports/response_times: percentiles and compliance over a period, grouped (admin_reports.cpp).
  boost::asio::awaitable<http::Response> response_times(const http::Request& request, std::string_view query);
  /// /v1/admins (admin_accounts.cpp): list, one, add (token shown once), change, remove, rotate the token.
  boost::asio::awaitable<http::Response> admins();
  boost::asio::awaitable<http::Response> admin(const std::string& id);
  boost::asio::awaitable<http::Response> create_admin(const http::Request& request);
  boost::asio::awaitable<http::Response> update_admin(const std::string& id, const http::Request& request);
  boost::asio::awaitable<http::Response> delete_admin(const std::string& id);
  boost::asio::awaitable<http::Response> rotate_admin_token(const std::string& id);
  /// The configuration file's account `id`, or nullptr.
  const config::AdminConfig* configured_admin(const std::string& id) const;
  /// GET /v1/audit?from=&to=&actor=&action=&limit= (JSON, or CSV with Accept: text/csv).
  boost::asio::awaitable<http::Response> audit(const http::Request& request, std::string_view query);
  /// GET /v1/sla: conversations at risk and breached, soonest breach and longest overdue first (admin_sla.cpp).
  boost::asio::awaitable<http::Response> sla(std::string_view query);
  boost::asio::awaitable<http::Response> contact(const std::string& id);
  /// POST /v1/contacts/<into>/merge {"from": "<id>"}: one person, one contact.
  boost::asio::awaitable<http::Response> merge_contacts(const std::string& into, const http::Request& request);
  boost::asio::awaitable<http::Response> update_contact(const std::string& id, const http::Request& request);
  /// GET /v1/contacts?limit=&cursor=: the directory, newest first, from the history (admin_contacts.cpp).
  boost::asio::awaitable<http::Response> contacts(std::string_view query);
  /// DELETE /v1/contacts/<id>: the person erased everywhere (admin_erasure.cpp).
  boost::asio::awaitable<http::Response> erase_contact(const std::string& id);
  /// GET /v1/contacts/<id>/export: everything held about them, whole transcripts included.
  boost::asio::awaitable<http::Response> export_contact(const std::string& id);

  const config::Config& config_;
  const routing::AgentDirectory& directory_;
  store::ConversationStore& store_;
  store::Conversations conversations_;
  store::Overview overview_;
  store::Contacts contacts_;
  store::Outbox outbox_;
  routing::Assigner& assigner_;
  const ChannelMap& channel_map_;
  const ChannelRegistry& registry_;
  std::unique_ptr<net::HttpClient> http_;  // checks' provider requests, made on first use on this loop
};

/// True when the client's Accept header prefers text/csv to application/json (q-values; the more specific range wins).
bool prefers_csv(std::string_view accept);
/// A CSV field (RFC 4180 quoting; a leading = + - @ prefixed with ' so a spreadsheet never runs it).
std::string csv_field(const std::string& v);

}  // namespace omniroute::admin_api
