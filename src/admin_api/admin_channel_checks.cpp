// POST /v1/channels/<id>/check and POST /v1/channels/<id>/register: the channel's own conversation with its
// provider (Channel::check, Channel::register_at), its requests made here by this loop's HTTP client, each
// once; the answer lists every step with what was found, and the provider's words where one failed.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "config/api_channels.hpp"
#include "omniroute/clock.hpp"
#include "store/api_channels.hpp"
#include "omniroute/log.hpp"

namespace omniroute::admin_api {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<http::Response> AdminRoutes::check_channel(const std::string& id, bool register_webhook) {
  auto found = channel_map_.find(id);
  if (found == channel_map_.end()) {
    // Kept through the API but not run by the configuration this connection is served by: disabled, or added
    // or changed a moment ago (a connection opened before the change is served by the one before it).
    store::ApiChannels kept(store_.client(), store_.keys());
    auto document = co_await kept.get(id);
    auto doc = document && !document->empty() ? config::parse_api_channel(*document) : std::nullopt;
    if (doc && !doc->enabled) {
      co_return http::json_error(409, "channel_disabled", "channel '" + id + "' is disabled: enable it to check it");
    }
    if (doc) {
      co_return http::json_error(409, "channel_starting",
                                 "channel '" + id + "' was added or changed a moment ago and is starting; try again");
    }
    co_return http::json_error(404, "not_found", "no channel '" + id + "'");
  }
  const Channel& channel = *found->second;
  if (register_webhook && !channel.registers()) {
    co_return http::json_error(409, "not_registrable",
                               "a " + channel.settings().kind + " channel has no webhook to register at a provider");
  }
  if (!http_) http_ = std::make_unique<net::HttpClient>(co_await asio::this_coro::executor);
  ProviderProbe probe;
  net::HttpClient* client = http_.get();
  probe.http = [client](const HttpCall& call) -> asio::awaitable<HttpReply> {
    auto [a] = co_await client->async_perform(call, asio::as_tuple(asio::use_awaitable));
    co_return HttpReply{a.status, std::move(a.body), std::move(a.error), a.truncated};
  };
  if (!config_.server.public_url.empty()) probe.webhook_url = config_.server.public_url + "/webhooks/" + id;
  probe.now_ms = now_ms();
  std::vector<CheckStep> steps;
  if (register_webhook) steps = co_await channel.register_at(probe);
  else steps = co_await channel.check(probe);
  bool ok = !steps.empty();
  json::array out;
  for (const CheckStep& step : steps) {
    ok = ok && step.ok;
    out.push_back(json::object{{"name", step.name}, {"ok", step.ok}, {"detail", step.detail}});
  }
  log::info(std::string("channel ") + id + ": " + (register_webhook ? "registration" : "check") + (ok ? " passed" : " failed"));
  co_return http::json_response(200, json::serialize(json::object{{"ok", ok}, {"steps", std::move(out)}}));
}

}  // namespace omniroute::admin_api
