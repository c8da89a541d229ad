#pragma once
// Inside the store only: Redis hashes and stream entries (field name → value)
// decoded into the core's values, once. Nothing outside src/store/ sees a
// field name (tests/architecture/check_layers keeps this header private).

#include <map>
#include <string>
#include <vector>

#include "omniroute/agent_state.hpp"
#include "omniroute/alert.hpp"
#include "omniroute/channel_health.hpp"
#include "omniroute/contact.hpp"
#include "omniroute/conversation.hpp"
#include "omniroute/event.hpp"
#include "omniroute/outbox_item.hpp"
#include "store/reply.hpp"
#include "store/reply_shape.hpp"

namespace omniroute::store {

/// A hash's or a stream entry's fields by name.
using Fields = std::map<std::string, std::string>;

/// A flat field list (HGETALL, a stream entry's fields) as name → value.
Fields fields_of(const Reply& flat);

/// One entry of a stream (transcript, events, outbox, alerts): its id and fields.
struct StreamEntry {
  std::string id;
  Fields fields;
};

/// The entries of an XRANGE-shaped reply ([[id, [field, value, …]], …]); entries without fields are skipped.
std::vector<StreamEntry> entries_of(const Reply& r);

/// The entries of the first stream of an XREAD/XREADGROUP reply ([[stream, [entries]]], or nil).
std::vector<StreamEntry> first_stream_entries(const Reply& r);

/// The entries of an XRANGE-shaped reply, each decoded by `decode` (event_from, alert_from, …).
template <typename Decode>
auto decoded_entries(const Reply& r, Decode decode) {
  std::vector<decltype(decode(StreamEntry{}))> out;
  for (const auto& e : entries_of(r)) out.push_back(decode(e));
  return out;
}

Conversation conversation_from(const Fields& hash);
/// A transcript entry; `delivery` maps message id → the delivery JSON (null: not asked for).
StoredMessage message_from(const StreamEntry& entry, const Fields* delivery);
/// A delivery record as the sender and the providers' reports wrote it (JSON); a broken one reads as queued.
Delivery delivery_from(std::string_view json_text);
AgentState agent_from(const Fields& hash, std::vector<std::string> pools);
Event event_from(const StreamEntry& entry);
Alert alert_from(const StreamEntry& entry);
OutboxItem outbox_item_from(const StreamEntry& entry);
DeadLetter dead_letter_from(const StreamEntry& entry);
ChannelHealth channel_health_from(const Fields& hash);

}  // namespace omniroute::store
