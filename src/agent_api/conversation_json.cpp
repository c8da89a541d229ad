#include "agent_api/conversation_json.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "omniroute/clock.hpp"

namespace omniroute::agent_api {

namespace json = boost::json;


json::value time_or_null(const std::string& ms) {
  if (ms.empty() || ms == "0") return nullptr;
  return json::value(format_rfc3339_ms(std::atoll(ms.c_str())));
}

namespace {
json::value string_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}
}  // namespace

json::array comma_list_json(const std::string& comma_separated) {
  json::array out;
  for (size_t start = 0; start < comma_separated.size();) {
    size_t end = std::min(comma_separated.find(',', start), comma_separated.size());
    if (end > start) out.push_back(json::value(comma_separated.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

bool has_label(const json::value& c, std::string_view label) {
  const json::object* o = c.if_object();
  if (!o) return false;
  auto it = o->find("labels");
  if (it == o->end() || !it->value().is_array()) return false;
  for (const auto& l : it->value().get_array()) {
    if (l.is_string() && l.get_string() == label) return true;
  }
  return false;
}

json::object message_json(const store::Fields& entry, const store::Fields& delivery) {
  store::Fields f = entry;
  json::object m{{"id", f["id"]},
                 {"direction", f["direction"]},
                 {"text", f["text"]},
                 {"at", time_or_null(f["at"])},
                 {"author", f["direction"] == "out" ? string_or_null(f["author"]) : json::value(nullptr)}};
  if (!f["subject"].empty()) m["subject"] = f["subject"];
  if (!f["auto"].empty()) m["auto"] = f["auto"];
  if (!f["template"].empty()) m["template"] = f["template"];  // sent as this approved template (outside a reply window)
  if (!f["full_text"].empty()) m["full_text"] = f["full_text"];  // e-mail: with the quoted history
  if (!f["automatic"].empty()) m["automatic"] = f["automatic"];  // an auto-reply or bounce: nobody waits
  if (f["direction"] == "in" && !f["from"].empty()) m["from"] = f["from"];
  boost::system::error_code ec;
  json::value attachments = json::parse(f["attachments"].empty() ? "[]" : f["attachments"], ec);
  m["attachments"] = ec ? json::value(json::array{}) : attachments;
  if (f["kind"] == "note") {
    m["kind"] = "note";  // private: never sent, so no delivery
  } else if (f["direction"] == "out") {
    // The transcript is append-only; delivery progress lives beside it.
    auto d = delivery.find(f["id"]);
    // Records written before reasons were made valid UTF-8 may hold a cut character: still read them,
    // so a failed reply never shows as queued.
    json::parse_options lenient;
    lenient.allow_invalid_utf8 = true;
    json::value status = d == delivery.end() ? json::value(nullptr) : json::parse(d->second, ec, {}, lenient);
    if (ec || !status.is_object()) status = json::object{{"status", "queued"}};
    m["delivery"] = status;
  }
  return m;
}

json::object conversation_json(const store::ConversationView& view) {
  store::Fields c = view.conversation;
  store::Fields contact = view.contact;
  json::array handles;
  for (const auto& h : view.handles) {
    auto colon = h.find(':');
    handles.push_back(json::value(colon == std::string::npos ? h : h.substr(colon + 1)));
  }
  json::object out{
      {"id", c["id"]},
      {"channel", c["channel"]},
      {"state", c["state"]},
      {"queue", c["queue"]},
      {"priority", c["priority"].empty() ? "normal" : c["priority"]},
      {"agent", string_or_null(c["agent"])},
      {"contact", json::object{{"id", contact["id"]}, {"name", contact["name"]}, {"handles", handles}}},
      {"subject", c["subject"]},
      {"created_at", time_or_null(c["created_at"])},
      {"assigned_at", time_or_null(c["assigned_at"])},
      {"first_response_at", time_or_null(c["first_response_at"])},
      {"resolved_at", time_or_null(c["resolved_at"])},
      {"message_count", std::atoll(c["message_count"].c_str())},
      {"language", string_or_null(c["language"])},
      {"labels", comma_list_json(c["labels"])},
      {"medium", c["medium"]},
      // The customer waits for an agent's answer: none yet, or they wrote again since the last one.
      {"awaiting_reply", c["state"] != "resolved" && (c["first_response_at"].empty() || !c["awaiting_since"].empty())},
      // The customer's satisfaction score (1-5) for this conversation, once they answered its survey.
      {"csat", c["csat"].empty() ? json::value(nullptr) : json::value(std::atoll(c["csat"].c_str()))},
      {"csat_at", time_or_null(c["csat_at"])},
  };
  if (!view.clock.target.empty()) {
    // The response deadline running now: the console counts down to it (amber at risk, red breached).
    std::string due = view.clock.due_ms.substr(0, view.clock.due_ms.find('.'));
    out["sla"] = json::object{{"target", view.clock.target}, {"due_at", time_or_null(due)}, {"stage", view.clock.stage}};
  } else {
    out["sla"] = nullptr;
  }
  if (!c["offered_to"].empty()) {
    out["offer"] = json::object{{"agent", c["offered_to"]}, {"expires_at", time_or_null(c["offer_expires_at"])}};
  }
  if (!view.contact_conversations.empty() || !view.contact_attributes.empty()) {
    // With the transcript: what the agent's contact panel shows (attributes, every conversation of the person).
    json::object& person = out["contact"].as_object();
    json::object attributes;
    for (const auto& [name, value] : view.contact_attributes) attributes[name] = value;
    std::vector<std::pair<std::string, std::string>> convs(view.contact_conversations.begin(),
                                                          view.contact_conversations.end());
    std::sort(convs.begin(), convs.end(), [](const auto& a, const auto& b) {
      return std::atoll(a.first.c_str() + 1) > std::atoll(b.first.c_str() + 1);  // newest first: v10 before v9
    });
    json::array history;
    for (const auto& [id, since] : convs) history.push_back(json::object{{"id", id}, {"created_at", time_or_null(since)}});
    person["attributes"] = std::move(attributes);
    person["conversations"] = std::move(history);
  }
  if (!view.messages.empty()) {
    json::array messages;
    for (const auto& entry : view.messages) messages.push_back(message_json(entry.fields, view.delivery));
    out["messages"] = std::move(messages);
  }
  return out;
}

std::string_view string_at(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* at = &v;
  for (std::string_view key : path) {
    const json::object* o = at->if_object();
    if (!o) return {};
    auto it = o->find(key);
    if (it == o->end()) return {};
    at = &it->value();
  }
  const json::string* s = at->if_string();
  return s ? std::string_view(*s) : std::string_view();
}

std::string_view string_at(const json::object& o, std::initializer_list<std::string_view> path) {
  if (path.size() == 0) return {};
  auto it = o.find(*path.begin());
  if (it == o.end()) return {};
  const json::value* at = &it->value();
  for (auto key = path.begin() + 1; key != path.end(); ++key) {
    const json::object* inner = at->if_object();
    if (!inner) return {};
    auto found = inner->find(*key);
    if (found == inner->end()) return {};
    at = &found->value();
  }
  const json::string* s = at->if_string();
  return s ? std::string_view(*s) : std::string_view();
}

}  // namespace omniroute::agent_api
