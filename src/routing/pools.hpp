#pragma once
// Routing pools: a queue, narrowed by the skills a conversation needs.
//
// A routing rule may require skills of the agent (`skills: [te]`). Rather
// than scanning for an agent who has them, every combination of queue and
// rule skill set is a pool of its own, with its own waiting set and its own
// set of agents with room: `general` and `general+te` are two pools of the
// queue `general`. An agent belongs to the pools whose skills they have, so
// assignment stays one look at the head of two sorted sets.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace omniroute::routing {

/// The canonical form of a required-skill set: sorted, unique, joined by '+' ("" for none).
std::string skill_key(std::vector<std::string> skills);
/// The pool of `queue` for the skill key `skills` ("general", "general+te").
std::string pool_name(std::string_view queue, std::string_view skills);
/// The queue a pool belongs to.
std::string_view queue_of_pool(std::string_view pool);

class Pools {
 public:
  explicit Pools(const config::Config& config);

  /// Every pool of `queue`: the queue itself, then one per rule skill set.
  std::vector<std::string> of_queue(std::string_view queue) const;
  /// The pools an agent with `skills` serves (the queue's own skills and the pool's).
  std::vector<std::string> for_agent(const std::vector<std::string>& skills) const;
  /// The skill keys pools are made of (always includes "").
  const std::vector<std::string>& skill_keys() const { return skill_keys_; }

 private:
  const config::Config& config_;
  std::vector<std::string> skill_keys_;
};

}  // namespace omniroute::routing
