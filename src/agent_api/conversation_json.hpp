#pragma once
// Conversation and Message JSON, as CONTRACT.md shows them to agents.

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "store/reply.hpp"

namespace omniroute::agent_api {

/// The JSON of a conversation_view.lua reply, or nullopt when the conversation does not exist.
std::optional<boost::json::object> conversation_json(const store::Reply& view);

/// The JSON of one transcript stream entry ([id, [field, value, …]]); `delivery` maps message id → status JSON.
boost::json::object message_json(const store::Reply& entry, const std::map<std::string, std::string>& delivery);

/// A flat Redis field list (HGETALL, a stream entry's fields) as name → value.
std::map<std::string, std::string> fields_of(const store::Reply& flat);

/// RFC 3339 for a stored ms timestamp, or null when it is empty.
boost::json::value time_or_null(const std::string& ms);

}  // namespace omniroute::agent_api
