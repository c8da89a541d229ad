#pragma once
// store::Conversations: what agents do to a conversation (reply, transfer,
// answer an offer, resolve), their presence, and reading what they may see
// (a kept attachment). Each change is one Lua script; callers get typed
// results and one error type, never a Redis reply, a key or a script.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/conversation.hpp"
#include "omniroute/expected.hpp"
#include "store/keys.hpp"
#include "store/reply.hpp"
#include "store/result.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

namespace history {
class HistoryReader;
}

/// An agent's reply, already cut into the parts the channel takes (one, usually).
struct ReplyRequest {
  std::string conversation;
  std::string agent;
  std::vector<std::string> parts;
  std::int64_t now_ms = 0;
  std::string windows_json;  // {channel id: {"span": ms, "template": name}} (agent_routes.cpp builds it)
  std::string report_json;   // the response this reply is, for the reports (reports::Recorder), or ""
};

struct ReplyOutcome {
  enum class Status { sent, not_found, forbidden, resolved, window_closed, stale };
  Status status = Status::not_found;
  std::vector<std::string> message_ids;  // one per part, in order
  bool first_response = false;           // the conversation's first agent message
  std::int64_t created_at_ms = 0;        // of the conversation
  std::string channel, queue;
};

struct OfferAnswer {
  enum class Status { accepted, declined, not_found, resolved, not_offered, expired };
  Status status = Status::not_found;
  std::string queue;
  std::int64_t queued_at_ms = 0;  // accepted: when it started waiting
};

struct TransferTarget {
  enum class Kind { queue, agent };
  Kind kind = Kind::queue;
  std::string id;
};

enum class TransferOutcome { transferred, not_found, forbidden, resolved, no_target, no_room, not_assigned };
enum class PresenceOutcome { set, unknown_agent };
enum class ResolveOutcome { resolved, already_resolved, forbidden, not_found, stale };

/// What a conversation's response and resolution records are computed from (read before the reply or
/// resolve that records them; the script refuses with `stale` if it changed meanwhile).
struct ResponseClock {
  std::string state, queue, priority, created_at, first_response_at, awaiting_since;
  std::string channel, language;
};

/// What writing a note or changing a label came to; `value` is the note's id or the labels now.
struct AnnotateOutcome {
  enum class Status { done, not_found, forbidden, too_many };
  Status status = Status::not_found;
  std::string value;
};

/// What the auto-acknowledgement's estimate needs about a new conversation (ack_inputs.lua).
struct AcknowledgementInputs {
  std::string state, queue, priority, language;
  bool acknowledged = false;
  long ahead = -1;       // conversations waiting ahead of it; -1: not waiting
  long available = 0;    // agents on duty who serve its pool and medium
  std::vector<std::int64_t> recent_first_responses_ms;  // the queue's, newest first
};

enum class AcknowledgeOutcome { sent, already, answered, resolved, not_found };

/// A kept attachment's content.
struct Blob {
  std::string content_type;
  std::string content;
};

class Conversations {
 public:
  /// With `history`, a conversation Redis has let go is read from PostgreSQL, and a contact's
  /// conversations include those.
  Conversations(RedisClient& client, const Keys& keys, history::HistoryReader* history = nullptr)
      : client_(client), keys_(keys), history_(history) {}

  boost::asio::awaitable<StoreResult<ReplyOutcome>> reply(const ReplyRequest& request);
  boost::asio::awaitable<StoreResult<OfferAnswer>> answer_offer(const std::string& conversation, const std::string& agent,
                                                                bool accept, std::int64_t now_ms);
  /// Hands the agent's conversation to a queue (at its original age and priority) or to an agent with room;
  /// `agent` "*": a supervisor's reassignment, from whoever holds it.
  boost::asio::awaitable<StoreResult<TransferOutcome>> transfer(const std::string& conversation,
                                                                const std::string& agent, const TransferTarget& to,
                                                                std::int64_t now_ms);
  /// Closes the conversation (as agent `by`, or "system"); its customer's next message opens a new one.
  /// `report_json`: its resolution, for the reports (reports::Recorder), or ""; `survey_json`: the
  /// satisfaction survey to send ({"text", "window_ms"}), or "".
  boost::asio::awaitable<StoreResult<ResolveOutcome>> resolve(const std::string& conversation, const std::string& by,
                                                              std::int64_t now_ms, const std::string& report_json = "",
                                                              const std::string& survey_json = "");
  /// What the reports' records of the conversation are computed from; nullopt when there is none.
  boost::asio::awaitable<StoreResult<std::optional<ResponseClock>>> response_clock(const std::string& conversation);
  /// A private note by `author` (`any`: an admin's, on any conversation).
  boost::asio::awaitable<StoreResult<AnnotateOutcome>> note(const std::string& conversation, const std::string& author,
                                                            const std::string& text, bool any, std::int64_t now_ms);
  /// Adds (`add`) or removes one label; `labels` in the outcome are the conversation's labels now, comma-separated.
  boost::asio::awaitable<StoreResult<AnnotateOutcome>> label(const std::string& conversation, const std::string& agent,
                                                             const std::string& label, bool add, bool any,
                                                             std::int64_t now_ms);
  boost::asio::awaitable<StoreResult<PresenceOutcome>> set_presence(const std::string& agent, const std::string& status,
                                                                    std::int64_t now_ms);
  /// The contact id of each conversation ("" for one that is gone), in order.
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> contacts_of(const std::vector<std::string>& conversations);
  /// The conversation's channel id; nullopt when there is no such conversation.
  boost::asio::awaitable<StoreResult<std::optional<std::string>>> channel_of(const std::string& conversation);
  /// The conversation as the API shows it (one round trip); nullopt when there is none. `with_messages`:
  /// its transcript with each reply's delivery, and its contact's attributes and conversations.
  boost::asio::awaitable<StoreResult<std::optional<ConversationDetail>>> view(const std::string& conversation,
                                                                              bool with_messages);
  /// Transcript entries: the one with stream id `entry`, or ("" ) the newest 50, newest first.
  boost::asio::awaitable<StoreResult<std::vector<StoredMessage>>> transcript_entries(const std::string& conversation,
                                                                                    const std::string& entry);
  /// Ids of the conversations assigned to `agent`, and of those offered to them.
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> assigned_to(const std::string& agent);
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> offered_to(const std::string& agent);
  boost::asio::awaitable<StoreResult<std::optional<AcknowledgementInputs>>> acknowledgement_inputs(
      const std::string& conversation);
  /// Sends the auto-acknowledgement `text` (once; never a first response).
  boost::asio::awaitable<StoreResult<AcknowledgeOutcome>> acknowledge(const std::string& conversation,
                                                                      const std::string& text, std::int64_t now_ms);
  /// A kept attachment, for `agent` ("" for the admin) only when they can see a conversation holding it.
  boost::asio::awaitable<StoreResult<std::optional<Blob>>> attachment(const std::string& sha256,
                                                                      const std::string& agent);

 private:
  RedisClient& client_;
  const Keys& keys_;
  history::HistoryReader* history_ = nullptr;
};

}  // namespace omniroute::store
