#include "agent_api/request_helpers.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "agent_api/conversation_json.hpp"
#include "omniroute/text.hpp"
#include "omniroute/url_query.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;

http::Response unavailable() { return http::json_error(503, "store_unavailable", "Redis is unavailable; retry later"); }

Expected<json::object, http::Response> json_body(const http::Request& request) {
  if (!is_valid_utf8(request.body())) {
    return unexpected(http::json_error(400, "invalid_utf8", "the body is not valid UTF-8"));
  }
  boost::system::error_code ec;
  json::value v = json::parse(request.body(), ec);
  if (ec || !v.is_object()) return unexpected(http::json_error(400, "invalid_json", "the body must be a JSON object"));
  return v.get_object();
}

std::string string_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

std::string query_param(std::string_view query, std::string_view name) {
  return query_value(query, name).value_or(std::string());
}

std::string_view query_of(const http::Request& request) {
  std::string_view target = request.target();
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

long limit_param(std::string_view query, long fallback, long most) {
  long limit = std::clamp(std::atol(query_param(query, "limit").c_str()), 0L, most);
  return limit == 0 ? fallback : limit;
}

bool is_issued_id(std::string_view id, char prefix) {
  if (id.size() < 2 || id.size() > 20 || id[0] != prefix) return false;
  return std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

asio::awaitable<store::StoreResult<std::optional<json::object>>> load_conversation(
    store::Conversations& conversations, const std::string& id, bool with_messages) {
  auto v = co_await conversations.view(id, with_messages);
  if (!v) co_return unexpected(v.error());
  if (!*v) co_return std::optional<json::object>();
  co_return std::optional<json::object>(conversation_json(**v));
}

asio::awaitable<std::optional<json::array>> load_conversations(store::Conversations& conversations,
                                                               const std::vector<std::string>& ids,
                                                               std::function<bool(const json::object&)> keep) {
  json::array out;
  for (const auto& id : ids) {
    auto c = co_await load_conversation(conversations, id, false);
    if (!c) co_return std::nullopt;
    if (*c && keep(**c)) out.push_back(std::move(**c));
  }
  co_return out;
}

}  // namespace omniroute::agent_api
