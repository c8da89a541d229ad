#pragma once
// One entry of the workspace's events stream (what agents' and supervisors'
// sockets follow): what happened, to which conversation or agent, and when.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "omniroute/conversation.hpp"

namespace omniroute {

struct Event {
  std::string id;    // the stream position (Last-Event-ID)
  std::string type;  // conversation.assigned, message.created, agent.status, reload, …
  std::optional<Time> at;
  // What the event is about; each present only on the types that carry it.
  std::optional<std::string> conversation_id, message_id, entry, direction, kind, agent, from_agent, queue,
      reason, status, labels, what, expires_at, by, contact_id, merged, automatic, survey, csat, opened;
};

/// Every detail an Event carries, by its recorded name: the stream's reader fills them and the
/// supervisors' feed writes them out by the same names.
struct EventDetail {
  std::string_view name;
  std::optional<std::string> Event::*member;
};
inline constexpr std::array<EventDetail, 20> kEventDetails{{
    {"conversation_id", &Event::conversation_id}, {"message_id", &Event::message_id}, {"entry", &Event::entry},
    {"direction", &Event::direction}, {"kind", &Event::kind}, {"agent", &Event::agent},
    {"from_agent", &Event::from_agent}, {"queue", &Event::queue}, {"reason", &Event::reason},
    {"status", &Event::status}, {"labels", &Event::labels}, {"what", &Event::what},
    {"expires_at", &Event::expires_at}, {"by", &Event::by}, {"contact_id", &Event::contact_id},
    {"merged", &Event::merged}, {"automatic", &Event::automatic}, {"survey", &Event::survey},
    {"csat", &Event::csat}, {"opened", &Event::opened},
}};

/// An optional detail's text, "" when absent.
inline const std::string& text_of(const std::optional<std::string>& detail) {
  static const std::string none;
  return detail ? *detail : none;
}

}  // namespace omniroute
