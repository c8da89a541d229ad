#pragma once
// What a route of the API is handed, and the table every route is in (web/router builds it: its own
// routes, then AgentRoutes::add_routes and AdminRoutes::add_routes).

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "agent_api/caller.hpp"
#include "http/route_table.hpp"
#include "http/types.hpp"

namespace omniroute::agent_api {

/// One request on its way to its route: who called, the {placeholders} of its path, and from where.
struct RouteCall {
  http::Request& request;
  const Caller& caller;
  const http::RouteParams& params;
  const std::string& peer;
};

using ApiHandler = std::function<boost::asio::awaitable<http::Response>(RouteCall&)>;
using ApiRoutes = http::RouteTable<ApiHandler>;

/// A route on one thing named by {id}: an id `valid` refuses names nothing (404 "no <noun> '<id>'"), whatever
/// is asked of it; otherwise `handler(call, id)` answers.
template <typename Valid, typename Handler>
ApiHandler on_id(Valid valid, std::string noun, Handler handler) {
  return [valid, noun = std::move(noun), handler](RouteCall& call) -> boost::asio::awaitable<http::Response> {
    const std::string& id = call.params["id"];
    if (!valid(id)) co_return http::json_error(404, "not_found", "no " + noun + " '" + id + "'");
    co_return co_await handler(call, id);
  };
}

}  // namespace omniroute::agent_api
