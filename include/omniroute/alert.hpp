#pragma once
// A fired alert (or:{ws}:alerts): an SLA warning or breach on one conversation,
// or a queue-level alert (oldest wait, depth) raised or recovered.

#include <optional>
#include <string>

#include "omniroute/conversation.hpp"

namespace omniroute {

struct Alert {
  std::string id;    // the stream position
  std::string type;  // sla.warning, sla.breached, queue.oldest_wait, queue.depth, queue.recovered
  std::string queue;
  // SLA alerts: which target, on which conversation, and its details when it fired.
  std::string target, conversation_id, channel, contact;
  std::optional<Priority> priority;
  bool late = false;  // claimed well after it was due (the daemon was down)
  // Queue alerts: the measure (oldest_wait in ms, depth in conversations), its value and threshold.
  std::string measure;
  std::optional<std::int64_t> value, threshold;
  std::optional<Time> started_at, due_at, fired_at, raised_at;

  bool is_sla() const { return type.starts_with("sla."); }
};

}  // namespace omniroute
