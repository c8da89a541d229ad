#pragma once
// Who may read a conversation: one answer for the REST API (GET
// /v1/conversations/<id>) and the events socket (presence signals), so a
// client cannot learn through one what the other refuses.

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "store/conversation_store.hpp"
#include "store/conversations.hpp"

namespace omniroute::agent_api {

/// Whether agent `agent` may read conversation `c` (as the API shows it): it is theirs, offered to them,
/// waiting unoffered in a queue they serve, or an earlier conversation of a person they hold or are offered.
/// nullopt when Redis could not say.
boost::asio::awaitable<std::optional<bool>> agent_may_read(store::ConversationStore& store,
                                                           store::Conversations& conversations,
                                                           const std::string& agent, const boost::json::object& c);

}  // namespace omniroute::agent_api
