#include "agent_api/conversation_access.hpp"

#include <algorithm>

#include "agent_api/conversation_json.hpp"
#include "routing/pools.hpp"
#include "store/agents.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<std::optional<bool>> agent_may_read(store::ConversationStore& store,
                                                    store::Conversations& conversations, const std::string& agent,
                                                    const json::object& c) {
  // Its agent reads it, and so does an agent it is offered to (to decide whether to accept).
  if (agent.empty()) co_return false;
  if (string_at(c, {"agent"}) == agent || string_at(c, {"offer", "agent"}) == agent) co_return true;
  if (string_at(c, {"state"}) == "queued" && string_at(c, {"offer", "agent"}).empty()) {
    // Waiting in a queue the agent serves (and not offered to another): theirs to read (the console's
    // Waiting list), not to answer.
    store::Agents agents(store.client(), store.keys());
    auto pools = co_await agents.pools_of(agent);
    if (!pools) co_return std::nullopt;
    const std::string_view queue = string_at(c, {"queue"});
    for (const auto& pool : *pools) {
      if (routing::queue_of_pool(pool) == queue) co_return true;
    }
  }
  // An earlier conversation of a person the agent is talking to now: their history is the agent's to read.
  const std::string contact(string_at(c, {"contact", "id"}));
  if (contact.empty()) co_return false;
  auto held = co_await conversations.assigned_to(agent);
  if (!held) co_return std::nullopt;
  auto offered = co_await conversations.offered_to(agent);
  if (!offered) co_return std::nullopt;
  held->insert(held->end(), offered->begin(), offered->end());
  auto contacts = co_await conversations.contacts_of(*held);
  if (!contacts) co_return std::nullopt;
  co_return std::find(contacts->begin(), contacts->end(), contact) != contacts->end();
}

}  // namespace omniroute::agent_api
