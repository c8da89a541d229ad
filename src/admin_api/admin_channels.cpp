// GET /v1/channels, GET /v1/outbox/dead, POST /v1/outbox/dead/<id>/retry:
// each channel's health (last inbound message, last error with the provider's
// reason, what its replies came to) and the dead letters an admin can retry.

#include <algorithm>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "omniroute/text.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "config/api_channels.hpp"
#include "store/api_channels.hpp"

namespace omniroute::admin_api {

using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<http::Response> AdminRoutes::channels() {
  struct Listed {
    std::string kind, medium, source;
    bool enabled = true;
  };
  std::vector<std::string> ids;
  std::vector<Listed> listed;
  for (const auto& c : config_.channels) {
    ids.push_back(c.settings.id);
    listed.push_back({c.settings.kind, std::string(to_string(c.medium)), c.from_api ? "api" : "file", true});
  }
  // Channels kept through the API that this generation does not run (disabled, added a moment ago, or no longer
  // fitting the file): listed, so they can be changed, enabled again or removed.
  store::ApiChannels kept(store_.client(), store_.keys());
  auto documents = co_await kept.all();
  if (!documents) co_return unavailable();
  for (const auto& [id, text] : *documents) {
    auto doc = config::parse_api_channel(text);
    const ChannelKind* kind = doc ? registry_.find(doc->kind) : nullptr;
    if (!kind || std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    ids.push_back(id);
    listed.push_back({kind->name, std::string(to_string(kind->medium)), "api", doc->enabled});
  }
  auto states = co_await overview_.channel_states(ids);
  if (!states) co_return unavailable();
  json::array out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const ChannelHealth& health = (*states)[i];
    json::value error = nullptr;
    if (!health.last_error.empty()) {
      error = json::object{{"at", time_or_null(health.last_error_at)}, {"message", text_excerpt(health.last_error, 1000)}};
    }
    // The provider's declared limits on what we send (null: none); polling channels' last poll.
    json::value rate_limit = nullptr;
    const auto channel = channel_map_.find(ids[i]);
    const SendPolicy policy = channel == channel_map_.end() ? SendPolicy{} : channel->second->send_policy();
    if (policy.per_second > 0 || policy.per_recipient_per_second > 0) {
      auto per = [](double v) { return v > 0 ? json::value(v) : json::value(nullptr); };
      rate_limit = json::object{{"per_second", per(policy.per_second)},
                                {"per_recipient_per_second", per(policy.per_recipient_per_second)}};
    }
    json::value lag = nullptr;
    if (health.last_lag_ms) lag = static_cast<double>(*health.last_lag_ms) / 1000.0;
    out.push_back(json::object{{"id", ids[i]},
                               {"kind", listed[i].kind},
                               {"medium", listed[i].medium},
                               {"source", listed[i].source},
                               {"enabled", listed[i].enabled},
                               {"last_inbound_at", time_or_null(health.last_inbound_at)},
                               {"lag_seconds", std::move(lag)},
                               {"last_poll_at", time_or_null(health.last_poll_at)},
                               {"rate_limit", std::move(rate_limit)},
                               {"registers", channel != channel_map_.end() && channel->second->registers()},
                               {"last_error", std::move(error)},
                               {"outbound", json::object{{"sent", health.outbound_count("sent")},
                                                         {"retrying", health.outbound_count("retrying")},
                                                         {"failed", health.outbound_count("failed")},
                                                         {"dead", health.outbound_count("dead")}}}});
  }
  co_return http::json_response(200, json::serialize(json::object{{"channels", std::move(out)}}));
}

asio::awaitable<http::Response> AdminRoutes::dead_letters(std::string_view query) {
  long limit = limit_param(query, 100, 500);
  auto dead = co_await outbox_.dead_letters(limit);
  if (!dead) co_return unavailable();
  json::array out;
  for (const DeadLetter& letter : *dead) {
    const std::string reason = letter.delivery && letter.delivery->reason ? *letter.delivery->reason : std::string();
    out.push_back(json::object{{"id", letter.entry},
                               {"conversation_id", letter.conversation_id},
                               {"message_id", letter.message_id},
                               {"channel", letter.channel},
                               {"text", letter.text},
                               {"at", time_or_null(letter.at)},
                               {"reason", text_excerpt(reason, 1000)},
                               {"retryable", letter.retryable()}});
  }
  co_return http::json_response(200, json::serialize(json::object{{"dead_letters", std::move(out)}}));
}

asio::awaitable<http::Response> AdminRoutes::retry_dead(const std::string& id) {
  bool stream_id = !id.empty() && id.size() < 40 && id.find_first_not_of("0123456789-") == std::string::npos;
  if (!stream_id) co_return http::json_error(404, "not_found", "no dead letter '" + id + "'");
  auto r = co_await outbox_.retry(id, now_ms());
  if (!r) co_return unavailable();
  if (*r == store::RetryOutcome::not_found) {
    co_return http::json_error(404, "not_found", "no dead letter '" + id + "' (or it was retried already)");
  }
  if (*r == store::RetryOutcome::not_retryable) {
    co_return http::json_error(409, "not_retryable", "this dead letter was recorded by an earlier version without its text");
  }
  co_return http::json_response(200, json::serialize(json::object{{"id", id}, {"state", "queued"}}));
}

}  // namespace omniroute::admin_api
