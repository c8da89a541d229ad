#include "omniroute/conversation.hpp"

#include <charconv>

#include "omniroute/agent_state.hpp"

namespace omniroute {

std::optional<Time> time_from_ms(std::string_view ms) {
  // Stored by Lua as an integer or, from ZSCORE, a float ("1795000000000.0"): the integer part counts.
  ms = ms.substr(0, ms.find('.'));
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), v);
  if (ec != std::errc() || end != ms.data() + ms.size() || v <= 0) return std::nullopt;
  return Time(std::chrono::milliseconds(v));
}

std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::low: return "low";
    case Priority::normal: return "normal";
    case Priority::high: return "high";
    case Priority::urgent: return "urgent";
  }
  return "normal";
}

std::optional<Priority> priority_from(std::string_view name) {
  for (Priority p : {Priority::low, Priority::normal, Priority::high, Priority::urgent}) {
    if (to_string(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view to_string(ConversationState s) {
  switch (s) {
    case ConversationState::queued: return "queued";
    case ConversationState::assigned: return "assigned";
    case ConversationState::resolved: return "resolved";
  }
  return "queued";
}

std::string_view to_string(Presence p) {
  switch (p) {
    case Presence::available: return "available";
    case Presence::away: return "away";
    case Presence::offline: return "offline";
  }
  return "offline";
}

std::optional<Presence> presence_from(std::string_view name) {
  for (Presence p : {Presence::available, Presence::away, Presence::offline}) {
    if (to_string(p) == name) return p;
  }
  return std::nullopt;
}

std::vector<std::string> comma_list(std::string_view comma_separated) {
  std::vector<std::string> out;
  for (size_t start = 0; start < comma_separated.size();) {
    size_t end = std::min(comma_separated.find(',', start), comma_separated.size());
    if (end > start) out.emplace_back(comma_separated.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace omniroute
