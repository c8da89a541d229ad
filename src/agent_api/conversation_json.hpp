#pragma once
// Conversation and Message JSON, as CONTRACT.md shows them to agents.

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "omniroute/contact.hpp"
#include "omniroute/conversation.hpp"
#include "omniroute/event.hpp"

namespace omniroute::agent_api {

/// The JSON of a conversation, with its transcript and contact history when they were read.
boost::json::object conversation_json(const ConversationDetail& detail);

/// The JSON of one transcript entry (with its delivery, when it was read).
boost::json::object message_json(const StoredMessage& message);

/// The JSON of a reply's delivery record.
boost::json::object delivery_json(const Delivery& delivery);

/// An event as the supervisors' feed shows it: every detail it carries, by its recorded name.
boost::json::object event_json(const Event& event);

/// A list of names (labels, skills) as a JSON array.
boost::json::array string_list_json(const std::vector<std::string>& items);
/// A stored comma-separated list (labels, skills) as a JSON array; empty items are left out.
boost::json::array comma_list_json(const std::string& comma_separated);

/// True when conversation JSON `c` carries `label`.
bool has_label(const boost::json::value& c, std::string_view label);

/// The string at `path` (keys, outermost first) in `v`, or "" when any step is missing or not of
/// that shape: for sorting and filtering stored data that may lack a field, without throwing.
std::string_view string_at(const boost::json::value& v, std::initializer_list<std::string_view> path);
std::string_view string_at(const boost::json::object& o, std::initializer_list<std::string_view> path);

/// RFC 3339 for a time, or null when there is none.
boost::json::value time_or_null(const std::optional<Time>& at);
/// A handle ("<kind>:<handle>") as the API shows it: the handle alone.
std::string handle_shown(const std::string& handle);

/// A contact as GET /v1/contacts/<id> answers it (a merged one: id, merged_into, merged_at).
boost::json::object contact_json(const Contact& contact);

}  // namespace omniroute::agent_api
