// GET /v1/search: conversations and contacts found in the history (PostgreSQL) by what a customer or
// agent wrote, in any script (store/history/reader.cpp, omniroute/search_form.hpp). An agent finds only
// what they may read (agent_may_read, as GET /v1/conversations/<id>); an admin finds everything.

#include <boost/json.hpp>

#include "agent_api/agent_routes.hpp"
#include "agent_api/conversation_access.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/search_form.hpp"
#include "omniroute/text.hpp"
#include "store/contacts.hpp"
#include "store/history/reader.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;

namespace {

constexpr int kMaxLimit = 100;
constexpr std::size_t kMaxQuery = 200;  // user-perceived characters: a question, not a document

/// "98480 22338", "+91 98480-22338": the digits, when the query reads as a phone number (6+ digits and
/// nothing but digits, spaces, +, -, ( and )).
std::string phone_digits(const std::string& q) {
  std::string digits;
  for (char c : q) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')') return "";
  }
  return digits.size() >= 6 ? digits : "";
}

/// A cursor is where the next page starts in each list ("<conversations>.<contacts>").
bool parse_cursor(const std::string& cursor, int& conversations, int& contacts) {
  conversations = contacts = 0;
  if (cursor.empty()) return true;
  auto dot = cursor.find('.');
  // Each side at most 9 digits: a page offset, never a number that overflows.
  if (dot == std::string::npos || dot == 0 || dot > 9 || dot + 1 == cursor.size() || cursor.size() - dot - 1 > 9) {
    return false;
  }
  for (std::size_t i = 0; i < cursor.size(); ++i) {
    if (i != dot && (cursor[i] < '0' || cursor[i] > '9')) return false;
  }
  conversations = std::atoi(cursor.substr(0, dot).c_str());
  contacts = std::atoi(cursor.substr(dot + 1).c_str());
  return true;
}

/// The snippet's words the query matched (any script), for the page to mark.
json::array highlights(const std::string& snippet, const std::string& q) {
  json::array out;
  for (auto& w : matched_words(snippet, q)) out.push_back(json::value(std::move(w)));
  return out;
}

}  // namespace

asio::awaitable<Response> AgentRoutes::search(const Caller& caller, const http::Request& request) {
  const std::string_view query = query_of(request);
  const std::string q = query_param(query, "q");
  if (!is_valid_utf8(q)) co_return json_error(400, "invalid_query", "'q' is not valid UTF-8");
  const std::size_t length = grapheme_count(q);
  if (length < 2) co_return json_error(400, "invalid_query", "'q' needs at least two characters");
  if (length > kMaxQuery) co_return json_error(400, "invalid_query", "'q' is at most 200 characters");
  const std::string type = query_param(query, "type");
  if (!type.empty() && type != "conversation" && type != "contact") {
    co_return json_error(400, "invalid_type", "'type' is conversation or contact");
  }
  int limit = 20;
  if (const std::string l = query_param(query, "limit"); !l.empty()) {
    limit = l.find_first_not_of("0123456789") == std::string::npos && l.size() <= 4 ? std::atoi(l.c_str()) : 0;
    if (limit < 1 || limit > kMaxLimit) co_return json_error(400, "invalid_limit", "'limit' is 1 to 100");
  }
  int conv_offset = 0, contact_offset = 0;
  if (!parse_cursor(query_param(query, "cursor"), conv_offset, contact_offset)) {
    co_return json_error(400, "invalid_cursor", "'cursor' is the next_cursor of an earlier page");
  }
  store::history::HistoryReader* history = store_.history();
  if (!history) co_return json_error(503, "history_unavailable", "search needs the history (a history section)");

  store::history::SearchQuery sq;
  const SearchForm form = search_form(q);
  sq.latin = form.latin;
  sq.sound = form.sound;
  sq.digits = phone_digits(q);
  sq.channel = query_param(query, "channel");
  sq.queue = query_param(query, "queue");
  sq.agent = query_param(query, "agent");
  sq.label = query_param(query, "label");
  sq.state = query_param(query, "state");
  for (auto [name, into] : {std::pair{"from", &sq.from_ms}, std::pair{"to", &sq.to_ms}}) {
    const std::string v = query_param(query, name);
    if (v.empty()) continue;
    auto ms = parse_rfc3339_ms(v);
    if (!ms) co_return json_error(400, std::string("invalid_") + name, std::string("'") + name + "' is an RFC 3339 time");
    *into = std::to_string(*ms);
  }
  sq.reader_agent = caller.is_admin() ? std::string() : caller.agent;

  json::array results;
  bool more = false;
  // Conversations: each readable hit, as GET /v1/conversations/<id> shows it without messages.
  if (type.empty() || type == "conversation") {
    while (static_cast<int>(results.size()) < limit) {
      auto hits = co_await history->search_conversations(sq, limit, conv_offset);
      if (!hits) co_return json_error(503, "history_unavailable", "the history cannot be searched now; retry later");
      for (const auto& hit : *hits) {
        ++conv_offset;
        auto found = co_await load_conversation(conversations_, hit.id, false);
        if (!found) co_return unavailable();
        if (!*found) continue;
        if (!caller.is_admin()) {
          auto may = co_await agent_may_read(store_, conversations_, caller.agent, **found);
          if (!may) co_return unavailable();
          if (!*may) continue;
        }
        std::string snippet = text_excerpt(hit.snippet, 240);
        json::array marks = highlights(snippet, q);
        results.push_back(json::object{{"type", "conversation"},
                                       {"id", hit.id},
                                       {"score", hit.score},
                                       {"snippet", std::move(snippet)},
                                       {"highlights", std::move(marks)},
                                       {"conversation", std::move(**found)}});
        if (static_cast<int>(results.size()) == limit) break;
      }
      if (static_cast<int>(hits->size()) < limit) break;
      more = static_cast<int>(results.size()) == limit;
    }
  }
  // Contacts: by name, handle or phone digits (an agent: those whose conversations they had).
  if ((type.empty() || type == "contact") && static_cast<int>(results.size()) < limit) {
    store::Contacts contacts(store_.client(), store_.keys(), history);
    const int want = limit - static_cast<int>(results.size());
    auto hits = co_await history->search_contacts(sq, want, contact_offset);
    if (!hits) co_return json_error(503, "history_unavailable", "the history cannot be searched now; retry later");
    for (const auto& hit : *hits) {
      ++contact_offset;
      auto found = co_await contacts.read(hit.id);
      if (!found) co_return unavailable();
      if (!*found) continue;
      std::string snippet = text_excerpt(hit.snippet, 240);
      json::array marks = highlights(snippet, q);
      results.push_back(json::object{{"type", "contact"},
                                     {"id", hit.id},
                                     {"score", hit.score},
                                     {"snippet", std::move(snippet)},
                                     {"highlights", std::move(marks)},
                                     {"contact", contact_json(**found)}});
    }
    more = static_cast<int>(hits->size()) == want;
  } else if (static_cast<int>(results.size()) == limit) {
    more = true;
  }
  json::object body{{"results", std::move(results)}};
  body["next_cursor"] = more ? json::value(std::to_string(conv_offset) + "." + std::to_string(contact_offset))
                             : json::value(nullptr);
  co_return json_response(200, json::serialize(body));
}

}  // namespace omniroute::agent_api
