#include "agent_api/request_helpers.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "agent_api/conversation_json.hpp"
#include "omniroute/text.hpp"
#include "store/scripts.hpp"

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
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string_view::npos) return std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return {};
}

bool is_issued_id(std::string_view id, char prefix) {
  if (id.size() < 2 || id.size() > 20 || id[0] != prefix) return false;
  return std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

asio::awaitable<std::optional<store::Reply>> load_conversation(store::ConversationStore& store, const std::string& id,
                                                               bool with_messages) {
  std::vector<std::string> k{store.keys().conversation(id)};
  std::vector<std::string> args{store.keys().prefix(), with_messages ? "1" : "0"};
  auto [r] = co_await store::async_eval(store.client(), store::conversation_view_script(), std::move(k), std::move(args),
                                        asio::as_tuple(asio::use_awaitable));
  if (!r || r->is_error()) co_return std::nullopt;
  co_return *r;
}

asio::awaitable<std::optional<json::array>> load_conversations(store::ConversationStore& store, std::string set_key,
                                                               std::function<bool(const json::object&)> keep) {
  std::vector<std::string> cmd{"SMEMBERS", std::move(set_key)};
  auto [ids] = co_await store.client().async_command(std::move(cmd), asio::as_tuple(asio::use_awaitable));
  if (!ids || ids->is_error()) co_return std::nullopt;
  json::array out;
  for (const auto& id : ids->elements) {
    auto v = co_await load_conversation(store, id.str, false);
    if (!v) co_return std::nullopt;
    if (auto c = conversation_json(*v); c && keep(*c)) out.push_back(std::move(*c));
  }
  co_return out;
}

}  // namespace omniroute::agent_api
