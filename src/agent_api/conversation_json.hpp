#pragma once
// Conversation and Message JSON, as CONTRACT.md shows them to agents.

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "store/conversations.hpp"
#include "store/reply.hpp"

namespace omniroute::agent_api {

/// The JSON of a conversation.
boost::json::object conversation_json(const store::ConversationView& view);

/// The JSON of one transcript entry's fields; `delivery` maps message id → status JSON.
boost::json::object message_json(const store::Fields& entry, const store::Fields& delivery);

/// A stored comma-separated list (labels, skills) as a JSON array; empty items are left out.
boost::json::array comma_list_json(const std::string& comma_separated);

/// True when conversation JSON `c` carries `label`.
bool has_label(const boost::json::value& c, std::string_view label);

using store::fields_of;

/// The string at `path` (keys, outermost first) in `v`, or "" when any step is missing or not of
/// that shape: for sorting and filtering stored data that may lack a field, without throwing.
std::string_view string_at(const boost::json::value& v, std::initializer_list<std::string_view> path);
std::string_view string_at(const boost::json::object& o, std::initializer_list<std::string_view> path);

/// RFC 3339 for a stored ms timestamp, or null when it is empty.
boost::json::value time_or_null(const std::string& ms);

}  // namespace omniroute::agent_api
