// GET /v1/search: conversations and contacts found in the history (PostgreSQL) by what a customer or
// agent wrote, in any script (store/history/reader.cpp, omniroute/search_form.hpp). An agent finds only
// what they may read (agent_may_read, as GET /v1/conversations/<id>); an admin finds everything.

#include <boost/json.hpp>

#include "agent_api/agent_routes.hpp"
#include "agent_api/conversation_access.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/expected.hpp"
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

/// One result: what matched (cut between characters), the words to mark, and the object itself.
json::object result(const char* type, const std::string& id, double score, const std::string& text,
                    const std::string& q, json::value object) {
  std::string snippet = text_excerpt(text, 240);
  json::array marks;
  for (const auto& w : matched_words(snippet, q)) marks.emplace_back(w);
  return json::object{{"type", type},          {"id", id},
                      {"score", score},        {"snippet", std::move(snippet)},
                      {"highlights", std::move(marks)}, {type, std::move(object)}};
}

/// A search request read from the query string, or the 400 that says what is wrong with it.
struct SearchRequest {
  std::string q;
  std::string type;  // empty: both
  int limit = 20;
  int conv_offset = 0;
  int contact_offset = 0;
  store::history::SearchQuery query;
};

Expected<SearchRequest, Response> read_search_request(const Caller& caller, std::string_view query) {
  SearchRequest r;
  r.q = query_param(query, "q");
  if (!is_valid_utf8(r.q)) return unexpected(json_error(400, "invalid_query", "'q' is not valid UTF-8"));
  const std::size_t length = grapheme_count(r.q);
  if (length < 2) return unexpected(json_error(400, "invalid_query", "'q' needs at least two characters"));
  if (length > kMaxQuery) return unexpected(json_error(400, "invalid_query", "'q' is at most 200 characters"));
  r.type = query_param(query, "type");
  if (!r.type.empty() && r.type != "conversation" && r.type != "contact") {
    return unexpected(json_error(400, "invalid_type", "'type' is conversation or contact"));
  }
  if (const std::string l = query_param(query, "limit"); !l.empty()) {
    r.limit = l.find_first_not_of("0123456789") == std::string::npos && l.size() <= 4 ? std::atoi(l.c_str()) : 0;
    if (r.limit < 1 || r.limit > kMaxLimit) return unexpected(json_error(400, "invalid_limit", "'limit' is 1 to 100"));
  }
  if (!parse_cursor(query_param(query, "cursor"), r.conv_offset, r.contact_offset)) {
    return unexpected(json_error(400, "invalid_cursor", "'cursor' is the next_cursor of an earlier page"));
  }
  store::history::SearchQuery& sq = r.query;
  const SearchForm form = search_form(r.q);
  sq.latin = form.latin;
  // Every sound word of three letters or more must be there (the last one may be the beginning of a
  // word: search as you type); shorter ones ("n" for naa, "kb" for kab) only rank, like stop words —
  // "naa order" finds every order, నా ఆర్డర్ first. Without a long word, every word must be there.
  // Sound words are [a-z0-9]+, so they are safe in a tsquery as they are.
  std::vector<std::string> all, long_words;
  for (std::size_t at = 0; at < form.sound.size();) {
    const std::size_t end = std::min(form.sound.find(' ', at), form.sound.size());
    all.push_back(form.sound.substr(at, end - at));
    if (all.back().size() >= 3) long_words.push_back(all.back());
    at = end + 1;
  }
  for (const auto& word : long_words.empty() ? all : long_words) sq.words += (sq.words.empty() ? "" : " & ") + word;
  if (!sq.words.empty()) sq.words += ":*";
  for (const auto& word : long_words) sq.sound += (sq.sound.empty() ? "" : " ") + word;
  if (sq.sound.empty()) sq.sound = sq.latin;
  sq.digits = phone_digits(r.q);
  sq.channel = query_param(query, "channel");
  sq.queue = query_param(query, "queue");
  sq.agent = query_param(query, "agent");
  sq.label = query_param(query, "label");
  sq.state = query_param(query, "state");
  for (auto [name, into] : {std::pair{"from", &sq.from_ms}, std::pair{"to", &sq.to_ms}}) {
    const std::string v = query_param(query, name);
    if (v.empty()) continue;
    auto ms = parse_rfc3339_ms(v);
    if (!ms) {
      return unexpected(json_error(400, std::string("invalid_") + name, std::string("'") + name + "' is an RFC 3339 time"));
    }
    *into = std::to_string(*ms);
  }
  sq.reader_agent = caller.is_admin() ? std::string() : caller.agent;
  return r;
}

Response history_down() {
  return json_error(503, "history_unavailable", "the history cannot be searched now; retry later");
}

}  // namespace

asio::awaitable<Response> AgentRoutes::search(const Caller& caller, const http::Request& request) {
  auto parsed = read_search_request(caller, query_of(request));
  if (!parsed) co_return parsed.error();
  SearchRequest& r = *parsed;
  store::history::HistoryReader* history = store_.history();
  if (!history) co_return json_error(503, "history_unavailable", "search needs the history (a history section)");

  json::array results;
  bool more = false;
  const auto full = [&] { return static_cast<int>(results.size()) >= r.limit; };
  // Conversations: each readable hit, as GET /v1/conversations/<id> shows it without messages.
  if (r.type.empty() || r.type == "conversation") {
    while (!full()) {
      auto hits = co_await history->search_conversations(r.query, r.limit, r.conv_offset);
      if (!hits) co_return history_down();
      for (const auto& hit : *hits) {
        ++r.conv_offset;
        auto found = co_await load_conversation(conversations_, hit.id, false);
        if (!found) co_return unavailable();
        if (!*found) continue;
        if (!caller.is_admin()) {
          auto may = co_await agent_may_read(store_, conversations_, caller.agent, **found);
          if (!may) co_return unavailable();
          if (!*may) continue;
        }
        results.push_back(result("conversation", hit.id, hit.score, hit.snippet, r.q, std::move(**found)));
        if (full()) break;
      }
      if (static_cast<int>(hits->size()) < r.limit) break;
      more = full();
    }
  }
  // Contacts: by name, handle or phone digits (an agent: those whose conversations they had).
  if ((r.type.empty() || r.type == "contact") && !full()) {
    store::Contacts contacts(store_.client(), store_.keys(), history);
    const int want = r.limit - static_cast<int>(results.size());
    auto hits = co_await history->search_contacts(r.query, want, r.contact_offset);
    if (!hits) co_return history_down();
    for (const auto& hit : *hits) {
      ++r.contact_offset;
      auto found = co_await contacts.read(hit.id);
      if (!found) co_return unavailable();
      if (*found) results.push_back(result("contact", hit.id, hit.score, hit.snippet, r.q, contact_json(**found)));
    }
    more = static_cast<int>(hits->size()) == want;
  } else if (full()) {
    more = true;
  }
  json::object body{{"results", std::move(results)}};
  body["next_cursor"] = more ? json::value(std::to_string(r.conv_offset) + "." + std::to_string(r.contact_offset))
                             : json::value(nullptr);
  co_return json_response(200, json::serialize(body));
}

}  // namespace omniroute::agent_api
