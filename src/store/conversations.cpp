#include "store/conversations.hpp"

#include <boost/json.hpp>

#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

using detail::run;
using detail::status_of;
using detail::unexpected_reply;

namespace {

std::int64_t to_ms(const Reply& r) { return std::atoll(r.str.c_str()); }

}  // namespace

asio::awaitable<StoreResult<ReplyOutcome>> Conversations::reply(const ReplyRequest& request) {
  ReplyCall call;
  call.conv = keys_.conversation(request.conversation);
  call.seq = keys_.seq();
  call.outbox = keys_.outbox();
  call.events = keys_.events();
  call.prefix = keys_.prefix();
  call.agent = request.agent;
  call.text = request.parts.empty() ? std::string() : request.parts.front();
  call.now = std::to_string(request.now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  call.windows = request.windows_json;
  call.parts = boost::json::serialize(boost::json::array(request.parts.begin(), request.parts.end()));
  call.report = request.report_json;
  auto r = co_await run(client_, reply_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  const std::string& status = status_of(*r);
  ReplyOutcome out;
  using S = ReplyOutcome::Status;
  if (status == "not_found") out.status = S::not_found;
  else if (status == "forbidden") out.status = S::forbidden;
  else if (status == "resolved") out.status = S::resolved;
  else if (status == "window_closed") out.status = S::window_closed;
  else if (status == "stale") out.status = S::stale;
  else if (status == "sent" && r->elements.size() >= 7) {
    out.status = S::sent;
    out.first_response = r->elements[2].integer == 1;
    out.created_at_ms = to_ms(r->elements[3]);
    out.channel = r->elements[4].str;
    out.queue = r->elements[5].str;
    for (const auto& id : r->elements[6].elements) out.message_ids.push_back(id.str);
  } else {
    co_return unexpected(unexpected_reply(*r, "reply"));
  }
  co_return out;
}

asio::awaitable<StoreResult<OfferAnswer>> Conversations::answer_offer(const std::string& conversation,
                                                                      const std::string& agent, bool accept,
                                                                      std::int64_t now_ms) {
  OfferAnswerCall call;
  call.conv = keys_.conversation(conversation);
  call.prefix = keys_.prefix();
  call.agent = agent;
  call.answer = accept ? "accept" : "decline";
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await run(client_, offer_answer_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  const std::string& status = status_of(*r);
  OfferAnswer out;
  using S = OfferAnswer::Status;
  if (status == "accepted" && r->elements.size() >= 4) {
    out.status = S::accepted;
    out.queue = r->elements[1].str;
    out.queued_at_ms = to_ms(r->elements[3]);
  } else if (status == "declined" && r->elements.size() >= 2) {
    out.status = S::declined;
    out.queue = r->elements[1].str;
  } else if (status == "not_found") out.status = S::not_found;
  else if (status == "resolved") out.status = S::resolved;
  else if (status == "not_offered") out.status = S::not_offered;
  else if (status == "expired") out.status = S::expired;
  else co_return unexpected(unexpected_reply(*r, "offer_answer"));
  co_return out;
}

asio::awaitable<StoreResult<TransferOutcome>> Conversations::transfer(const std::string& conversation,
                                                                      const std::string& agent,
                                                                      const TransferTarget& to, std::int64_t now_ms) {
  TransferCall call;
  call.conv = keys_.conversation(conversation);
  call.prefix = keys_.prefix();
  call.actor = agent;
  call.mode = to.kind == TransferTarget::Kind::queue ? "queue" : "agent";
  call.target = to.id;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await run(client_, transfer_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  const std::string& status = status_of(*r);
  if (status == "transferred") co_return TransferOutcome::transferred;
  if (status == "not_found") co_return TransferOutcome::not_found;
  if (status == "forbidden") co_return TransferOutcome::forbidden;
  if (status == "resolved") co_return TransferOutcome::resolved;
  if (status == "no_target") co_return TransferOutcome::no_target;
  if (status == "no_room") co_return TransferOutcome::no_room;
  if (status == "not_assigned") co_return TransferOutcome::not_assigned;
  co_return unexpected(unexpected_reply(*r, "transfer"));
}

asio::awaitable<StoreResult<ResolveOutcome>> Conversations::resolve(const std::string& conversation,
                                                                    const std::string& by, std::int64_t now_ms,
                                                                    const std::string& report_json,
                                                                    const std::string& survey_json) {
  ResolveCall call;
  call.conv = keys_.conversation(conversation);
  call.events = keys_.events();
  call.prefix = keys_.prefix();
  call.now = std::to_string(now_ms);
  call.by = by;
  call.events_max = std::to_string(kEventsMaxLength);
  call.report = report_json;
  call.survey = survey_json;
  auto r = co_await run(client_, resolve_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  const std::string& status = status_of(*r);
  if (status == "resolved") co_return ResolveOutcome::resolved;
  if (status == "already_resolved") co_return ResolveOutcome::already_resolved;
  if (status == "forbidden") co_return ResolveOutcome::forbidden;
  if (status == "not_found") co_return ResolveOutcome::not_found;
  if (status == "stale") co_return ResolveOutcome::stale;
  co_return unexpected(unexpected_reply(*r, "resolve"));
}

asio::awaitable<StoreResult<std::optional<ResponseClock>>> Conversations::response_clock(
    const std::string& conversation) {
  std::vector<std::string> hmget{"HMGET",          keys_.conversation(conversation),
                                 "id",             "state",
                                 "queue",          "priority",
                                 "created_at",     "first_response_at",
                                 "awaiting_since", "channel",
                                 "language"};
  auto r = co_await detail::command(client_, std::move(hmget));
  if (!r) co_return unexpected(r.error());
  if (r->elements.size() != 9) co_return unexpected(unexpected_reply(*r, "HMGET"));
  if (r->elements[0].type != Reply::Type::string) co_return std::optional<ResponseClock>{};
  const auto& e = r->elements;
  co_return ResponseClock{e[1].str, e[2].str, e[3].str, e[4].str, e[5].str, e[6].str, e[7].str, e[8].str};
}

namespace {
StoreResult<AnnotateOutcome> annotate_outcome(const Reply& r, const char* script) {
  const std::string& status = status_of(r);
  using S = AnnotateOutcome::Status;
  if (status == "noted" || status == "ok") {
    return AnnotateOutcome{S::done, r.elements.size() > 1 ? r.elements[1].str : ""};
  }
  if (status == "not_found") return AnnotateOutcome{S::not_found, ""};
  if (status == "forbidden") return AnnotateOutcome{S::forbidden, ""};
  if (status == "too_many") return AnnotateOutcome{S::too_many, ""};
  return unexpected(unexpected_reply(r, script));
}
}  // namespace

asio::awaitable<StoreResult<AnnotateOutcome>> Conversations::note(const std::string& conversation,
                                                                  const std::string& author, const std::string& text,
                                                                  bool any, std::int64_t now_ms) {
  NoteCall call;
  call.conv = keys_.conversation(conversation);
  call.seq = keys_.seq();
  call.events = keys_.events();
  call.author = author;
  call.text = text;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  call.any = any ? "1" : "0";
  auto r = co_await run(client_, note_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  co_return annotate_outcome(*r, "note");
}

asio::awaitable<StoreResult<AnnotateOutcome>> Conversations::label(const std::string& conversation,
                                                                   const std::string& agent, const std::string& label,
                                                                   bool add, bool any, std::int64_t now_ms) {
  LabelCall call;
  call.conv = keys_.conversation(conversation);
  call.events = keys_.events();
  call.agent = agent;
  call.label = label;
  call.add = add ? "1" : "0";
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  call.any = any ? "1" : "0";
  auto r = co_await run(client_, label_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  co_return annotate_outcome(*r, "label");
}

asio::awaitable<StoreResult<PresenceOutcome>> Conversations::set_presence(const std::string& agent,
                                                                          const std::string& status,
                                                                          std::int64_t now_ms) {
  PresenceCall call;
  call.agent_hash = keys_.agent(agent);
  call.prefix = keys_.prefix();
  call.agent = agent;
  call.status = status;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await run(client_, presence_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  co_return status_of(*r) == "not_found" ? PresenceOutcome::unknown_agent : PresenceOutcome::set;
}

asio::awaitable<StoreResult<std::optional<std::string>>> Conversations::channel_of(const std::string& conversation) {
  std::vector<std::string> hget{"HGET", keys_.conversation(conversation), "channel"};  // GCC 12: not inside co_await
  auto r = co_await detail::command(client_, std::move(hget));
  if (!r) co_return unexpected(r.error());
  if (r->type == Reply::Type::nil) co_return std::optional<std::string>();
  co_return std::optional<std::string>(r->str);
}

asio::awaitable<StoreResult<std::vector<std::string>>> Conversations::contacts_of(
    const std::vector<std::string>& conversations) {
  std::vector<std::string> out;
  for (const auto& id : conversations) {
    std::vector<std::string> hget{"HGET", keys_.conversation(id), "contact"};
    auto r = co_await detail::command(client_, std::move(hget));
    if (!r) co_return unexpected(r.error());
    out.push_back(r->str);
  }
  co_return out;
}

asio::awaitable<StoreResult<std::optional<Blob>>> Conversations::attachment(const std::string& sha256,
                                                                            const std::string& agent) {
  AttachmentReadCall call;
  call.blob = keys_.blob(sha256);
  call.convs = keys_.blob(sha256) + ":convs";
  call.prefix = keys_.prefix();
  call.agent = agent;
  auto r = co_await run(client_, attachment_read_script(), call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  if (r->elements.size() != 2) co_return std::optional<Blob>();
  co_return std::optional<Blob>(Blob{std::move(r->elements[0].str), std::move(r->elements[1].str)});
}

asio::awaitable<StoreResult<std::optional<ConversationDetail>>> Conversations::view(const std::string& conversation,
                                                                                   bool with_messages) {
  ConversationViewCall call;
  call.conv = keys_.conversation(conversation);
  call.prefix = keys_.prefix();
  call.with_messages = with_messages ? "1" : "0";
  auto r = co_await run(client_, conversation_view_script(), call);
  if (!r) co_return unexpected(r.error());
  if (r->elements.size() < 5) co_return std::optional<ConversationDetail>();
  ConversationDetail v;
  v.conversation = conversation_from(fields_of(r->elements[0]));
  Fields contact = fields_of(r->elements[1]);
  v.contact.id = contact["id"];
  v.contact.name = contact["name"];
  v.contact.handles = detail::strings_of(r->elements[2]);
  Fields delivery = fields_of(r->elements[4]);
  for (const auto& entry : entries_of(r->elements[3])) v.messages.push_back(message_from(entry, &delivery));
  if (r->elements.size() >= 7) {
    Fields conversations = fields_of(r->elements[5]);
    v.contact.attributes = fields_of(r->elements[6]);
    v.with_history = !conversations.empty() || !v.contact.attributes.empty();
    for (const auto& [id, since] : conversations) v.contact.conversations.push_back({id, time_from_ms(since)});
  }
  if (r->elements.size() >= 8 && r->elements[7].elements.size() == 3) {
    const auto& c = r->elements[7].elements;
    if (auto due = time_from_ms(c[1].str)) v.deadline = ResponseDeadline{c[0].str, *due, c[2].str};
  }
  co_return std::optional<ConversationDetail>(std::move(v));
}

asio::awaitable<StoreResult<std::vector<StoredMessage>>> Conversations::transcript_entries(
    const std::string& conversation, const std::string& entry) {
  std::vector<std::string> cmd = entry.empty()
      ? std::vector<std::string>{"XREVRANGE", keys_.transcript(conversation), "+", "-", "COUNT", "50"}
      : std::vector<std::string>{"XRANGE", keys_.transcript(conversation), entry, entry};
  auto r = co_await detail::command(client_, std::move(cmd));
  if (!r) co_return unexpected(r.error());
  std::vector<StoredMessage> out;
  for (const auto& e : entries_of(*r)) out.push_back(message_from(e, nullptr));
  co_return out;
}

asio::awaitable<StoreResult<std::vector<std::string>>> Conversations::assigned_to(const std::string& agent) {
  std::vector<std::string> members{"SMEMBERS", keys_.agent_conversations(agent)};
  auto r = co_await detail::command(client_, std::move(members));
  if (!r) co_return unexpected(r.error());
  co_return detail::strings_of(*r);
}

asio::awaitable<StoreResult<std::vector<std::string>>> Conversations::offered_to(const std::string& agent) {
  std::vector<std::string> members{"SMEMBERS", keys_.agent_offers(agent)};
  auto r = co_await detail::command(client_, std::move(members));
  if (!r) co_return unexpected(r.error());
  co_return detail::strings_of(*r);
}

asio::awaitable<StoreResult<std::optional<AcknowledgementInputs>>> Conversations::acknowledgement_inputs(
    const std::string& conversation) {
  AckInputsCall call;
  call.prefix = keys_.prefix();
  call.conversation = conversation;
  auto r = co_await run(client_, ack_inputs_script(), call);
  if (!r) co_return unexpected(r.error());
  if (r->elements.size() < 8) co_return std::optional<AcknowledgementInputs>();
  const auto& e = r->elements;
  AcknowledgementInputs in;
  in.state = e[0].str;
  in.queue = e[1].str;
  in.priority = e[2].str;
  in.language = e[3].str;
  in.acknowledged = e[4].integer == 1;
  in.ahead = static_cast<long>(e[5].integer);
  in.available = static_cast<long>(e[6].integer);
  for (const auto& ms : e[7].elements) in.recent_first_responses_ms.push_back(std::atoll(ms.str.c_str()));
  co_return std::optional<AcknowledgementInputs>(std::move(in));
}

asio::awaitable<StoreResult<AcknowledgeOutcome>> Conversations::acknowledge(const std::string& conversation,
                                                                            const std::string& text,
                                                                            std::int64_t now_ms) {
  AutoAckCall call;
  call.conv = keys_.conversation(conversation);
  call.seq = keys_.seq();
  call.outbox = keys_.outbox();
  call.events = keys_.events();
  call.text = text;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await run(client_, auto_ack_script(), call);
  if (!r) co_return unexpected(r.error());
  const std::string& status = status_of(*r);
  if (status == "sent") co_return AcknowledgeOutcome::sent;
  if (status == "already") co_return AcknowledgeOutcome::already;
  if (status == "answered") co_return AcknowledgeOutcome::answered;
  if (status == "resolved") co_return AcknowledgeOutcome::resolved;
  co_return AcknowledgeOutcome::not_found;
}

}  // namespace omniroute::store
