#pragma once
// A reply on its way to a customer (the outbox), and one that could not be delivered (a dead letter).

#include <optional>
#include <string>

#include "omniroute/conversation.hpp"

namespace omniroute {

struct OutboxItem {
  std::string entry;  // the outbox position
  std::string conversation_id, message_id, channel;
  std::string recipient, text, template_name, subject;
  std::string reply_context;  // what the channel recorded to answer the customer's last message in its thread
};

struct DeadLetter {
  std::string entry;
  std::string conversation_id, message_id, channel, text;
  std::optional<Time> at;
  std::optional<Delivery> delivery;  // the last attempt's outcome (its reason)
  /// Recorded with its text and channel, so it can be queued again (earlier builds kept ids only).
  bool retryable() const { return !channel.empty(); }
};

}  // namespace omniroute
