// POST /v1/channels/<id>/check and POST /v1/channels/<id>/register: the channel's own conversation with its
// provider (Channel::check, Channel::register_at), its requests made here by this loop's HTTP client, each
// once; the answer lists every step with what was found, and the provider's words where one failed.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/api_channels.hpp"
#include "omniroute/clock.hpp"
#include "store/api_channels.hpp"
#include "omniroute/log.hpp"

namespace omniroute::admin_api {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<http::Response> AdminRoutes::check_channel(const std::string& id, bool register_webhook) {
  auto found = channel_map_.find(id);
  std::unique_ptr<Channel> kept_here;  // a kept channel this configuration does not run, made for this request
  if (found == channel_map_.end()) {
    // Kept through the API but not run by the configuration this connection is served by: added or changed a
    // moment ago (a connection opened before the change is served by the configuration before it), or
    // disabled. A check is a conversation with the provider only, so it is held with the kept settings.
    store::ApiChannels kept(store_.client(), store_.keys());
    auto document = co_await kept.get(id);
    if (!document) co_return agent_api::unavailable();
    auto doc = document->empty() ? std::nullopt : config::parse_api_channel(*document);
    if (!doc) co_return http::json_error(404, "not_found", "no channel '" + id + "'");
    if (!doc->enabled && register_webhook) {
      co_return http::json_error(409, "channel_disabled",
                                 "channel '" + id + "' is disabled: enable it before pointing its provider here");
    }
    doc->enabled = true;
    std::vector<std::string> skipped;
    config::Config as_kept = config::with_api_channels(config_, {{id, config::serialize(*doc)}}, config_.api_channels_version,
                                                       registry_, &skipped);
    const ChannelKind* kind = registry_.find(doc->kind);
    if (!skipped.empty() || !kind || as_kept.channels.empty() || as_kept.channels.back().settings.id != id) {
      co_return http::json_error(409, "channel_not_loaded",
                                 skipped.empty() ? "channel '" + id + "' cannot be loaded" : skipped.front());
    }
    kept_here = kind->create(as_kept.channels.back().settings);
  }
  const Channel& channel = kept_here ? *kept_here : *found->second;
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
