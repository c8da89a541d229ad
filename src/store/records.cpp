#include "store/records.hpp"

#include <boost/json.hpp>
#include <cstdlib>

namespace omniroute::store {

namespace json = boost::json;

namespace {

const std::string& field(const Fields& f, const char* name) {
  static const std::string none;
  auto it = f.find(name);
  return it == f.end() ? none : it->second;
}

std::optional<std::string> optional_field(const Fields& f, std::string_view name) {
  auto it = f.find(std::string(name));
  if (it == f.end()) return std::nullopt;
  return it->second;
}

std::optional<Time> time_field(const Fields& f, const char* name) { return time_from_ms(field(f, name)); }

std::optional<std::int64_t> number_field(const Fields& f, const char* name) {
  const std::string& v = field(f, name);
  if (v.empty() || v.find_first_not_of("-0123456789") != std::string::npos) return std::nullopt;
  return std::atoll(v.c_str());
}

}  // namespace

Fields fields_of(const Reply& flat) {
  Fields out;
  for (auto& [name, value] : reply_as<Pairs<std::string>>(flat).value_or(Pairs<std::string>{}).items) {
    out[std::move(name)] = std::move(value);
  }
  return out;
}

std::vector<StreamEntry> entries_of(const Reply& r) {
  std::vector<StreamEntry> out;
  for (const auto& e : reply_as<std::vector<ReplyRef>>(r).value_or(std::vector<ReplyRef>{})) {
    // [id, [field, value, …]]; an entry deleted after it was delivered has nil fields
    auto entry = reply_as<std::tuple<std::string, ReplyRef>>(*e);
    if (entry && std::get<1>(*entry)->type == Reply::Type::array) {
      out.push_back({std::move(std::get<0>(*entry)), fields_of(*std::get<1>(*entry))});
    }
  }
  return out;
}

std::vector<StreamEntry> first_stream_entries(const Reply& r) {
  // [[stream, [entries]], …], or nil when nothing came
  auto streams = reply_as<std::optional<std::vector<std::tuple<std::string, ReplyRef>>>>(r);
  if (!streams || !*streams || (*streams)->empty()) return {};
  return entries_of(*std::get<1>((*streams)->front()));
}

Conversation conversation_from(const Fields& f) {
  Conversation c;
  c.id = field(f, "id");
  c.channel = field(f, "channel");
  c.queue = field(f, "queue");
  c.agent = field(f, "agent");
  c.contact_id = field(f, "contact");
  c.subject = field(f, "subject");
  c.language = field(f, "language");
  c.medium = field(f, "medium");
  const std::string& state = field(f, "state");
  c.state = state == "resolved"   ? ConversationState::resolved
            : state == "assigned" ? ConversationState::assigned
                                  : ConversationState::queued;
  c.priority = priority_from(field(f, "priority")).value_or(Priority::normal);
  c.created_at = time_field(f, "created_at");
  c.assigned_at = time_field(f, "assigned_at");
  c.first_response_at = time_field(f, "first_response_at");
  c.resolved_at = time_field(f, "resolved_at");
  c.awaiting_since = time_field(f, "awaiting_since");
  c.message_count = number_field(f, "message_count").value_or(0);
  c.labels = comma_list(field(f, "labels"));
  if (auto score = number_field(f, "csat")) c.csat = static_cast<int>(*score);
  c.csat_at = time_field(f, "csat_at");
  c.offered_to = field(f, "offered_to");
  c.offer_expires_at = time_field(f, "offer_expires_at");
  return c;
}

Delivery delivery_from(std::string_view text) {
  Delivery d;
  // Records written before reasons were made valid UTF-8 may hold a cut character: still read them,
  // so a failed reply never shows as queued.
  json::parse_options lenient;
  lenient.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, lenient);
  const json::object* o = ec ? nullptr : v.if_object();
  if (!o) return d;
  for (const auto& [key, value] : *o) {
    const json::string* s = value.if_string();
    if (key == "status" && s) d.status = std::string(*s);
    else if (key == "reason" && s) d.reason = std::string(*s);
    else if (key == "provider_id" && s) d.provider_id = std::string(*s);
    else if (key == "at" && s) d.at = std::string(*s);
    else if (key == "encoding" && s) d.encoding = std::string(*s);
    else if (key == "attempts" && value.is_number()) d.attempts = value.to_number<std::int64_t>();
    else if (key == "segments" && value.is_number()) d.segments = value.to_number<std::int64_t>();
    else if (key.ends_with("_at") && value.is_number()) d.reached_at[std::string(key)] = value.to_number<std::int64_t>();
  }
  return d;
}

StoredMessage message_from(const StreamEntry& entry, const Fields* delivery) {
  const Fields& f = entry.fields;
  StoredMessage m;
  m.entry = entry.id;
  m.id = field(f, "id");
  m.direction = field(f, "direction") == "out" ? Direction::outbound : Direction::inbound;
  m.note = field(f, "kind") == "note";
  m.text = field(f, "text");
  m.at = time_field(f, "at");
  m.author = field(f, "author");
  m.from = field(f, "from");
  m.subject = field(f, "subject");
  m.full_text = field(f, "full_text");
  m.automatic_reply = field(f, "auto");
  m.template_name = field(f, "template");
  m.automatic = field(f, "automatic");
  if (!field(f, "attachments").empty()) m.attachments_json = field(f, "attachments");
  if (delivery && !m.note && m.direction == Direction::outbound) {
    // The transcript is append-only; delivery progress lives beside it.
    auto d = delivery->find(m.id);
    m.delivery = d == delivery->end() ? Delivery{} : delivery_from(d->second);
  }
  return m;
}

AgentState agent_from(const Fields& f, std::vector<std::string> pools) {
  AgentState a;
  a.id = field(f, "id");
  a.name = field(f, "name");
  a.presence = presence_from(field(f, "status")).value_or(Presence::offline);
  a.presence_since = time_field(f, "status_at");
  a.skills = comma_list(field(f, "skills"));
  a.pools = std::move(pools);
  for (Medium m : {Medium::sms, Medium::chat, Medium::email}) {
    const std::string medium(to_string(m));
    a.load[m] = std::atoll(field(f, ("load:" + medium).c_str()).c_str());
    a.capacity[m] = std::atoll(field(f, ("cap:" + medium).c_str()).c_str());
  }
  if (!field(f, "source").empty()) a.source = field(f, "source");
  return a;
}

Event event_from(const StreamEntry& entry) {
  Event e;
  e.id = entry.id;
  e.type = field(entry.fields, "type");
  e.at = time_field(entry.fields, "at");
  for (const auto& detail : kEventDetails) e.*detail.member = optional_field(entry.fields, detail.name);
  return e;
}

Alert alert_from(const StreamEntry& entry) {
  const Fields& f = entry.fields;
  Alert a;
  a.id = entry.id;
  a.type = field(f, "type");
  a.queue = field(f, "queue");
  a.target = field(f, "target");
  a.conversation_id = field(f, "conversation_id");
  a.channel = field(f, "channel");
  a.contact = field(f, "contact");
  a.priority = priority_from(field(f, "priority"));
  a.late = field(f, "late") == "1";
  a.measure = field(f, "measure");
  a.value = number_field(f, "value");
  a.threshold = number_field(f, "threshold");
  a.started_at = time_field(f, "started_at");
  if (!a.started_at) a.started_at = time_field(f, "created_at");  // alerts recorded by earlier builds
  a.due_at = time_field(f, "due_at");
  a.fired_at = time_field(f, "fired_at");
  a.raised_at = time_field(f, "raised_at");
  return a;
}

OutboxItem outbox_item_from(const StreamEntry& entry) {
  const Fields& f = entry.fields;
  return OutboxItem{entry.id,          field(f, "conversation_id"), field(f, "message_id"), field(f, "channel"),
                    field(f, "recipient"), field(f, "text"),        field(f, "template"),   field(f, "subject"),
                    field(f, "reply_context")};
}

DeadLetter dead_letter_from(const StreamEntry& entry) {
  const Fields& f = entry.fields;
  DeadLetter d;
  d.entry = entry.id;
  d.conversation_id = field(f, "conversation_id");
  d.message_id = field(f, "message_id");
  d.channel = field(f, "channel");
  d.text = field(f, "text");
  d.at = time_field(f, "at");
  if (f.count("status")) d.delivery = delivery_from(field(f, "status"));
  return d;
}

ChannelHealth channel_health_from(const Fields& f) {
  ChannelHealth h;
  h.last_inbound_at = time_field(f, "last_inbound_at");
  h.last_poll_at = time_field(f, "last_poll_at");
  h.last_error_at = time_field(f, "last_error_at");
  h.last_lag_ms = number_field(f, "last_lag_ms");
  h.last_error = field(f, "last_error");
  for (const auto& [name, value] : f) {
    if (name.starts_with("out:")) h.outbound[name.substr(4)] = std::atoll(value.c_str());
  }
  return h;
}

}  // namespace omniroute::store
