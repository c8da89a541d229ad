#include "agent_api/conversation_json.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "omniroute/clock.hpp"

namespace omniroute::agent_api {

namespace json = boost::json;


json::value time_or_null(const std::optional<Time>& at) {
  if (!at) return nullptr;
  return json::value(format_rfc3339_ms(at->time_since_epoch().count()));
}

std::string handle_shown(const std::string& handle) {
  auto colon = handle.find(':');
  return colon == std::string::npos ? handle : handle.substr(colon + 1);
}

namespace {
json::value string_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}
}  // namespace

json::array string_list_json(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.push_back(json::value(item));
  return out;
}

json::array comma_list_json(const std::string& comma_separated) { return string_list_json(comma_list(comma_separated)); }

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

json::object delivery_json(const Delivery& d) {
  json::object out{{"status", d.status}};
  if (d.attempts) out["attempts"] = *d.attempts;
  if (d.reason) out["reason"] = *d.reason;
  if (d.provider_id) out["provider_id"] = *d.provider_id;
  if (d.at) out["at"] = *d.at;
  if (d.encoding) out["encoding"] = *d.encoding;
  if (d.segments) out["segments"] = *d.segments;
  for (const auto& [name, ms] : d.reached_at) out[name] = ms;
  return out;
}

json::object event_json(const Event& e) {
  json::object out{{"id", e.id}, {"type", e.type}, {"at", time_or_null(e.at)}};
  for (const auto& detail : kEventDetails) {
    if (const auto& value = e.*detail.member) out[detail.name] = *value;
  }
  return out;
}

json::object message_json(const StoredMessage& m) {
  const bool out = m.direction == Direction::outbound;
  json::object j{{"id", m.id},
                 {"direction", out ? "out" : "in"},
                 {"text", m.text},
                 {"at", time_or_null(m.at)},
                 {"author", out ? string_or_null(m.author) : json::value(nullptr)}};
  if (!m.subject.empty()) j["subject"] = m.subject;
  if (!m.automatic_reply.empty()) j["auto"] = m.automatic_reply;
  if (!m.template_name.empty()) j["template"] = m.template_name;  // sent as this approved template (outside a reply window)
  if (!m.full_text.empty()) j["full_text"] = m.full_text;  // e-mail: with the quoted history
  if (!m.automatic.empty()) j["automatic"] = m.automatic;  // an auto-reply or bounce: nobody waits
  if (!out && !m.from.empty()) j["from"] = m.from;
  boost::system::error_code ec;
  json::value attachments = json::parse(m.attachments_json, ec);
  j["attachments"] = ec ? json::value(json::array{}) : attachments;
  if (m.note) {
    j["kind"] = "note";  // private: never sent, so no delivery
  } else if (out) {
    j["delivery"] = m.delivery ? json::value(delivery_json(*m.delivery)) : json::value(json::object{{"status", "queued"}});
  }
  return j;
}

json::object conversation_json(const ConversationDetail& detail) {
  const Conversation& c = detail.conversation;
  // Sorted: the same list whichever tier (Redis, PostgreSQL) kept the contact.
  std::vector<std::string> sorted = detail.contact.handles;
  std::sort(sorted.begin(), sorted.end());
  json::array handles;
  for (const auto& h : sorted) handles.push_back(json::value(handle_shown(h)));
  json::object out{
      {"id", c.id},
      {"channel", c.channel},
      {"state", to_string(c.state)},
      {"queue", c.queue},
      {"priority", to_string(c.priority)},
      {"agent", string_or_null(c.agent)},
      {"contact", json::object{{"id", detail.contact.id}, {"name", detail.contact.name}, {"handles", handles}}},
      {"subject", c.subject},
      {"created_at", time_or_null(c.created_at)},
      {"assigned_at", time_or_null(c.assigned_at)},
      {"first_response_at", time_or_null(c.first_response_at)},
      {"resolved_at", time_or_null(c.resolved_at)},
      {"message_count", c.message_count},
      {"language", string_or_null(c.language)},
      {"labels", string_list_json(c.labels)},
      {"medium", c.medium},
      {"awaiting_reply", c.awaiting_reply()},
      // The customer's satisfaction score (1-5) for this conversation, once they answered its survey.
      {"csat", c.csat ? json::value(*c.csat) : json::value(nullptr)},
      {"csat_at", time_or_null(c.csat_at)},
  };
  if (detail.deadline) {
    // The response deadline running now: the console counts down to it (amber at risk, red breached).
    out["sla"] = json::object{{"target", detail.deadline->target},
                              {"due_at", time_or_null(detail.deadline->due)},
                              {"stage", detail.deadline->stage}};
  } else {
    out["sla"] = nullptr;
  }
  if (!c.offered_to.empty()) {
    out["offer"] = json::object{{"agent", c.offered_to}, {"expires_at", time_or_null(c.offer_expires_at)}};
  }
  if (detail.with_history) {
    // With the transcript: what the agent's contact panel shows (attributes, every conversation of the person).
    json::object& person = out["contact"].as_object();
    json::object attributes;
    for (const auto& [name, value] : detail.contact.attributes) attributes[name] = value;
    std::vector<ConversationRef> convs = detail.contact.conversations;
    std::sort(convs.begin(), convs.end(), [](const auto& a, const auto& b) {
      return std::atoll(a.id.c_str() + 1) > std::atoll(b.id.c_str() + 1);  // newest first: v10 before v9
    });
    json::array history;
    for (const auto& ref : convs) history.push_back(json::object{{"id", ref.id}, {"created_at", time_or_null(ref.created_at)}});
    person["attributes"] = std::move(attributes);
    person["conversations"] = std::move(history);
  }
  if (!detail.messages.empty()) {
    json::array messages;
    for (const auto& m : detail.messages) messages.push_back(message_json(m));
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

json::object contact_json(const Contact& v) {
  if (!v.merged_into.empty()) {
    return json::object{{"id", v.id}, {"merged_into", v.merged_into}, {"merged_at", time_or_null(v.merged_at)}};
  }
  json::array handle_list, conv_list;
  for (const auto& h : v.handles) handle_list.push_back(json::value(handle_shown(h)));
  std::vector<std::string> conv_ids = v.conversations;
  std::sort(conv_ids.begin(), conv_ids.end(), [](const std::string& a, const std::string& b) {
    return std::atoll(a.c_str() + 1) < std::atoll(b.c_str() + 1);
  });
  for (const auto& c : conv_ids) conv_list.push_back(json::value(c));
  json::object attributes;
  for (const auto& [name, value] : v.attributes) attributes[name] = value;
  return json::object{{"id", v.id},
                      {"name", v.name},
                      {"handles", std::move(handle_list)},
                      {"attributes", std::move(attributes)},
                      {"conversations", std::move(conv_list)},
                      {"created_at", time_or_null(v.created_at)}};
}

}  // namespace omniroute::agent_api
