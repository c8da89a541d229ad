#pragma once
// Small pieces both the agent and the admin API need: reading a JSON body,
// query parameters, the id shapes the store issues, and loading a
// conversation the way the API shows it.

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/types.hpp"
#include "omniroute/expected.hpp"
#include "store/conversations.hpp"

namespace omniroute::agent_api {

/// 503: Redis did not answer, nothing changed.
http::Response unavailable();

/// The JSON object body of `request`, or the 400 to answer.
Expected<boost::json::object, http::Response> json_body(const http::Request& request);

/// `o[key]` when it is a string, else "".
std::string string_field(const boost::json::object& o, std::string_view key);

/// The percent-decoded value of `name` in a query string or a whole request target (Boost.URL; "" when absent).
std::string query_param(std::string_view query, std::string_view name);
/// The raw query of a request's target ("" when it has none): the handlers decode what they read.
std::string_view query_of(const http::Request& request);

/// The `limit` query parameter: `fallback` when absent or 0, at most `most`.
long limit_param(std::string_view query, long fallback, long most);

/// True for ids the store issues with `prefix` ("v" conversations, "c" contacts): anything else
/// names nothing, and must never reach a Redis key name (where "v1:msgs" would address v1's transcript).
bool is_issued_id(std::string_view id, char prefix);

/// Conversation `id` as the API shows it (nullopt inside: there is none).
boost::asio::awaitable<store::StoreResult<std::optional<boost::json::object>>> load_conversation(
    store::Conversations& conversations, const std::string& id, bool with_messages);

/// The conversations `ids` that `keep` accepts, as the API shows them; nullopt when Redis failed.
boost::asio::awaitable<std::optional<boost::json::array>> load_conversations(
    store::Conversations& conversations, const std::vector<std::string>& ids,
    std::function<bool(const boost::json::object&)> keep);

}  // namespace omniroute::agent_api
