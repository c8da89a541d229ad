#pragma once
// A conversation and its transcript as the core knows them, whichever store
// answered: the repositories decode their own records into these values once,
// and the APIs write JSON from them (agent_api/conversation_json).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omniroute/message.hpp"

namespace omniroute {

/// A moment, in milliseconds since the Unix epoch (UTC).
using Time = std::chrono::sys_time<std::chrono::milliseconds>;
/// A stored time in ms ("1795000000000"); nullopt for "", "0" or anything that is not a number.
std::optional<Time> time_from_ms(std::string_view ms);

enum class Priority { low = 0, normal = 1, high = 2, urgent = 3 };
std::string_view to_string(Priority p);
std::optional<Priority> priority_from(std::string_view name);

/// Where a conversation is: waiting in a queue (perhaps offered), held by an agent, or closed.
enum class ConversationState { queued, assigned, resolved };
std::string_view to_string(ConversationState s);

/// What became of a reply on its way to the customer (the sender's and the provider's reports).
struct Delivery {
  std::string status = "queued";  // queued, retrying, sent, delivered, read, failed
  std::optional<std::int64_t> attempts;
  std::optional<std::string> reason, provider_id, at, encoding;  // at: RFC 3339, as the sender wrote it
  std::optional<std::int64_t> segments;
  /// When it reached each later status (sent_at, delivered_at, read_at, failed_at), in ms, as reported.
  std::map<std::string, std::int64_t> reached_at;
};

/// One transcript entry: a customer's or agent's message, an automatic reply, or a private note.
struct StoredMessage {
  std::string entry;  // its position in the transcript
  std::string id;
  Direction direction = Direction::inbound;
  bool note = false;  // private: never sent, so no delivery
  std::string text;
  std::optional<Time> at;
  std::string author;                    // outbound: the agent ("" for the system)
  std::string from;                      // inbound: the sender's handle as the channel gave it
  std::string subject, full_text;        // e-mail: the quoted history kept apart
  std::string automatic_reply;           // "acknowledgement", "survey", …: sent by omniroute itself
  std::string template_name;             // sent as this approved template (outside a reply window)
  std::string automatic;                 // inbound: an auto-reply or bounce (nobody waits for an answer)
  std::string attachments_json = "[]";   // [{name, content_type, size, sha256?, url?}]
  std::optional<Delivery> delivery;      // outbound, when asked for
};

/// One of a contact's conversations, in their history.
struct ConversationRef {
  std::string id;
  std::optional<Time> created_at;
};

/// The person a conversation is with, as a conversation shows them.
struct ContactSummary {
  std::string id, name;
  std::vector<std::string> handles;  // "<kind>:<handle>"
  std::map<std::string, std::string> attributes;  // tier, … (with the transcript)
  std::vector<ConversationRef> conversations;     // every conversation of theirs (with the transcript)
};

/// The response deadline running now (first or next response).
struct ResponseDeadline {
  std::string target;              // first_response, next_response
  Time due;
  std::string stage;               // pending, at_risk, breached
};

struct Conversation {
  std::string id, channel, queue, agent, contact_id, subject, language, medium;
  ConversationState state = ConversationState::queued;
  Priority priority = Priority::normal;
  std::optional<Time> created_at, assigned_at, first_response_at, resolved_at, awaiting_since;
  std::int64_t message_count = 0;
  std::vector<std::string> labels;
  std::optional<int> csat;  // the customer's score (1–5), once they answered the survey
  std::optional<Time> csat_at;
  std::string offered_to;   // "" unless offered
  std::optional<Time> offer_expires_at;

  /// The customer waits for an agent's answer: none yet, or they wrote again since the last one.
  bool awaiting_reply() const {
    return state != ConversationState::resolved && (!first_response_at || awaiting_since);
  }
};

/// A conversation with what the API shows beside it.
struct ConversationDetail {
  Conversation conversation;
  ContactSummary contact;
  std::optional<ResponseDeadline> deadline;
  std::vector<StoredMessage> messages;  // oldest first (when asked for)
  bool with_history = false;            // contact attributes and conversations were read
};

/// A stored comma-separated list ("a,b") as its items; empty items are left out.
std::vector<std::string> comma_list(std::string_view comma_separated);

}  // namespace omniroute
