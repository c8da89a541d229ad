// The admin API's erasure and export of a person (India's DPDP Act 2023 and the GDPR give customers both
// rights): DELETE /v1/contacts/<id> forgets them everywhere — Redis (contact_erase.lua) and the history
// (store/history/erasure.cpp), search included; GET /v1/contacts/<id>/export answers everything held.
//
// Order: the history first (a failure there changes nothing, and its erased ids keep the archive from
// writing them back), then Redis (atomic), then the history again for any conversation the person opened
// in between. A failure at any step answers 503 and the same DELETE finishes the work.

#include <algorithm>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "store/history/reader.hpp"

namespace omniroute::admin_api {

using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;

namespace {

Response history_unavailable() {
  return json_error(503, "history_unavailable", "the history cannot be changed now; nothing was erased there yet: retry");
}

}  // namespace

asio::awaitable<Response> AdminRoutes::erase_contact(const std::string& id) {
  auto found = co_await contacts_.read(id);
  if (!found) co_return unavailable();
  if (!*found) co_return json_error(404, "not_found", "no contact '" + id + "'");
  store::history::HistoryReader* history = store_.history();
  store::history::Erased erased;
  if (history) {
    auto first = co_await history->erase_contact(id, (*found)->conversations, "admin");
    if (!first) co_return history_unavailable();
    erased = *first;
  }
  auto in_redis = co_await contacts_.erase(id, (*found)->conversations, now_ms());
  if (!in_redis) co_return unavailable();
  if (history && *in_redis) {
    std::vector<std::string> later;
    for (const auto& conv : **in_redis) {
      const auto& known = (*found)->conversations;
      if (std::find(known.begin(), known.end(), conv) == known.end()) later.push_back(conv);
    }
    if (!later.empty()) {
      auto second = co_await history->erase_contact(id, later, "admin");
      if (!second) co_return history_unavailable();
      erased.conversations += second->conversations;
      erased.messages += second->messages;
    }
  }
  const std::size_t conversations = *in_redis ? (*in_redis)->size() : 0;
  log::info("admin: contact " + id + " erased by admin (" +
            std::to_string(std::max<std::size_t>(conversations, erased.conversations)) + " conversation(s); " +
            std::to_string(erased.messages) + " message(s) in the history)");
  co_return http::no_content();
}

asio::awaitable<Response> AdminRoutes::export_contact(const std::string& id) {
  auto found = co_await contacts_.read(id);
  if (!found) co_return unavailable();
  if (!*found) co_return json_error(404, "not_found", "no contact '" + id + "'");
  json::array conversations;
  std::vector<std::string> ids = (*found)->conversations;
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return std::atoll(a.c_str() + 1) < std::atoll(b.c_str() + 1);
  });
  for (const auto& conv : ids) {
    auto c = co_await load_conversation(conversations_, conv, true);
    if (!c) co_return unavailable();
    if (*c) conversations.push_back(std::move(**c));
  }
  json::object body{{"contact", contact_json(**found)},
                    {"conversations", std::move(conversations)},
                    {"exported_at", format_rfc3339_ms(now_ms())}};
  co_return json_response(200, json::serialize(body));
}

}  // namespace omniroute::admin_api
