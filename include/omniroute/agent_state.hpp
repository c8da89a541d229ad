#pragma once
// An agent as they stand now: who they are, their presence, their load and room per medium.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/conversation.hpp"

namespace omniroute {

/// Presence as agents set it (or the sweep sets it when their sockets are gone).
enum class Presence { available, away, offline };
std::string_view to_string(Presence p);
std::optional<Presence> presence_from(std::string_view name);

struct AgentState {
  std::string id, name;
  Presence presence = Presence::offline;
  std::optional<Time> presence_since;
  std::vector<std::string> skills;
  std::vector<std::string> pools;              // the pools they serve (queue, or queue+skills)
  std::map<Medium, long long> load, capacity;  // conversations held and allowed, per medium
  std::string source = "config";               // "config" (the file) or "api" (the admin API)

  long long load_of(Medium m) const { return load.count(m) ? load.at(m) : 0; }
  long long capacity_of(Medium m) const { return capacity.count(m) ? capacity.at(m) : 0; }
};

}  // namespace omniroute
