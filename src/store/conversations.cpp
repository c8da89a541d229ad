#include "store/conversations.hpp"

#include <boost/json.hpp>

#include "store/conversation_store.hpp"
#include "store/history/reader.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

using detail::run;
using detail::run_declared;
using detail::unexpected_reply;

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
  auto r = co_await run_declared<ReplyResult>(client_, reply_script(), call);
  if (!r) co_return unexpected(r.error());
  ReplyOutcome out;
  using S = ReplyOutcome::Status;
  switch (r->status) {
    case ReplyResult::Status::not_found: out.status = S::not_found; break;
    case ReplyResult::Status::forbidden: out.status = S::forbidden; break;
    case ReplyResult::Status::resolved: out.status = S::resolved; break;
    case ReplyResult::Status::window_closed: out.status = S::window_closed; break;
    case ReplyResult::Status::stale: out.status = S::stale; break;
    case ReplyResult::Status::sent:
      out.status = S::sent;
      out.first_response = r->first == 1;
      out.created_at_ms = r->created_at;
      out.channel = std::move(r->channel);
      out.queue = std::move(r->queue);
      out.message_ids = std::move(r->message_ids);
      break;
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
  auto r = co_await run_declared<OfferAnswerResult>(client_, offer_answer_script(), call);
  if (!r) co_return unexpected(r.error());
  OfferAnswer out;
  using S = OfferAnswer::Status;
  using R = OfferAnswerResult::Status;
  switch (r->status) {
    case R::accepted: out = {S::accepted, r->queue, r->queued_at}; break;
    case R::declined: out = {S::declined, r->queue, 0}; break;
    case R::not_found: out.status = S::not_found; break;
    case R::resolved: out.status = S::resolved; break;
    case R::not_offered: out.status = S::not_offered; break;
    case R::expired: out.status = S::expired; break;
  }
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
  auto r = co_await run_declared<TransferResult>(client_, transfer_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = TransferResult::Status;
  switch (r->status) {
    case R::transferred: co_return TransferOutcome::transferred;
    case R::not_found: co_return TransferOutcome::not_found;
    case R::forbidden: co_return TransferOutcome::forbidden;
    case R::resolved: co_return TransferOutcome::resolved;
    case R::no_target: co_return TransferOutcome::no_target;
    case R::no_room: co_return TransferOutcome::no_room;
    case R::not_assigned: co_return TransferOutcome::not_assigned;
  }
  co_return unexpected(StoreError{RedisFailure::closed, "transfer: unknown status"});
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
  auto r = co_await run_declared<ResolveResult>(client_, resolve_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = ResolveResult::Status;
  switch (r->status) {
    case R::resolved: co_return ResolveOutcome::resolved;
    case R::already_resolved: co_return ResolveOutcome::already_resolved;
    case R::forbidden: co_return ResolveOutcome::forbidden;
    case R::not_found: co_return ResolveOutcome::not_found;
    case R::stale: co_return ResolveOutcome::stale;
  }
  co_return unexpected(StoreError{RedisFailure::closed, "resolve: unknown status"});
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
  auto e = reply_as<std::vector<std::optional<std::string>>>(*r);
  if (!e || e->size() != 9) co_return unexpected(unexpected_reply(*r, "HMGET"));
  if (!e->front()) co_return std::optional<ResponseClock>{};  // no such conversation
  auto text = [&](std::size_t i) { return e->at(i).value_or(""); };
  co_return ResponseClock{text(1), text(2), text(3), text(4), text(5), text(6), text(7), text(8)};
}


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
  auto r = co_await run_declared<NoteResult>(client_, note_script(), call);
  if (!r) co_return unexpected(r.error());
  using S = AnnotateOutcome::Status;
  switch (r->status) {
    case NoteResult::Status::noted: co_return AnnotateOutcome{S::done, r->note_id};
    case NoteResult::Status::not_found: co_return AnnotateOutcome{S::not_found, ""};
    case NoteResult::Status::forbidden: co_return AnnotateOutcome{S::forbidden, ""};
  }
  co_return unexpected(StoreError{RedisFailure::closed, "note: unknown status"});
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
  auto r = co_await run_declared<LabelResult>(client_, label_script(), call);
  if (!r) co_return unexpected(r.error());
  using S = AnnotateOutcome::Status;
  switch (r->status) {
    case LabelResult::Status::ok: co_return AnnotateOutcome{S::done, r->labels};
    case LabelResult::Status::not_found: co_return AnnotateOutcome{S::not_found, ""};
    case LabelResult::Status::forbidden: co_return AnnotateOutcome{S::forbidden, ""};
    case LabelResult::Status::too_many: co_return AnnotateOutcome{S::too_many, ""};
  }
  co_return unexpected(StoreError{RedisFailure::closed, "label: unknown status"});
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
  auto r = co_await run_declared<PresenceResult>(client_, presence_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return r->status == PresenceResult::Status::not_found ? PresenceOutcome::unknown_agent : PresenceOutcome::set;
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
  call.convs = keys_.blob_conversations(sha256);
  call.prefix = keys_.prefix();
  call.agent = agent;
  auto blob = co_await detail::run_declared<AttachmentReadResult>(client_, attachment_read_script(), call);
  if (!blob) co_return unexpected(blob.error());
  using S = AttachmentReadResult::Status;
  if (blob->status == S::found) {
    co_return std::optional<Blob>(Blob{std::move(blob->content_type), std::move(blob->content)});
  }
  if (!history_) co_return std::optional<Blob>();
  // Archived: Redis said this caller may see it, the history has the bytes. Gone from Redis with its
  // conversations: the history keeps it, for the same people.
  const std::string reader = blob->status == S::archived ? std::string() : agent;
  auto archived = co_await history_->attachment(sha256, reader);
  if (!archived) co_return unexpected(StoreError{RedisFailure::unavailable, "history: " + archived.error().message});
  if (!*archived) co_return std::optional<Blob>();
  co_return std::optional<Blob>(Blob{std::move((*archived)->first), std::move((*archived)->second)});
}

asio::awaitable<StoreResult<std::optional<ConversationDetail>>> Conversations::view(const std::string& conversation,
                                                                                   bool with_messages) {
  ConversationViewCall call;
  call.conv = keys_.conversation(conversation);
  call.prefix = keys_.prefix();
  call.with_messages = with_messages ? "1" : "0";
  auto r = co_await run(client_, conversation_view_script(), call);
  if (!r) co_return unexpected(r.error());
  auto read = ConversationViewResult::from(*r);  // {} when there is no such conversation
  if (!read) {
    // Not in the working set: perhaps archived and let go.
    if (!history_) co_return std::optional<ConversationDetail>();
    auto archived = co_await history_->view(conversation, with_messages);
    if (!archived) co_return unexpected(StoreError{RedisFailure::unavailable, "history: " + archived.error().message});
    co_return std::move(*archived);
  }
  ConversationDetail v;
  v.conversation = conversation_from(fields_of(read->conversation));
  Fields contact = fields_of(read->contact);
  v.contact.id = contact["id"];
  v.contact.name = contact["name"];
  v.contact.handles = std::move(read->handles);
  Fields delivery = fields_of(read->delivery);
  for (const auto& entry : entries_of(read->messages)) v.messages.push_back(message_from(entry, &delivery));
  Fields conversations = fields_of(read->contact_conversations);
  v.contact.attributes = fields_of(read->attributes);
  v.with_history = !conversations.empty() || !v.contact.attributes.empty();
  for (const auto& [id, since] : conversations) v.contact.conversations.push_back({id, time_from_ms(since)});
  if (with_messages && history_) {
    // The contact's conversations Redis has let go are the history's to tell. With PostgreSQL away (or
    // its schema not made yet) the agent still gets the conversation, with the links Redis holds.
    auto earlier = co_await history_->contact_conversations(v.conversation.contact_id);
    if (earlier) {
      for (auto& ref : *earlier) {
        if (!conversations.count(ref.id)) v.contact.conversations.push_back(std::move(ref));
      }
    }
    v.with_history = v.with_history || !v.contact.conversations.empty();
  }
  if (read->deadline.size() == 3) {
    // {target, due ms, stage}: the first- or next-response deadline running now.
    if (auto due = time_from_ms(read->deadline.at(1))) {
      v.deadline = ResponseDeadline{read->deadline.front(), *due, read->deadline.back()};
    }
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
  auto e = AckInputsResult::from(*r);  // {} when there is no such conversation
  if (!e) co_return std::optional<AcknowledgementInputs>();
  AcknowledgementInputs in;
  in.state = std::move(e->state);
  in.queue = std::move(e->queue);
  in.priority = std::move(e->priority);
  in.language = std::move(e->language);
  in.acknowledged = e->acknowledged == 1;
  in.ahead = static_cast<long>(e->ahead);
  in.available = static_cast<long>(e->available);
  for (const auto& ms : e->recent_first_responses) in.recent_first_responses_ms.push_back(std::atoll(ms.c_str()));
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
  auto r = co_await run_declared<AutoAckResult>(client_, auto_ack_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = AutoAckResult::Status;
  switch (r->status) {
    case R::sent: co_return AcknowledgeOutcome::sent;
    case R::already: co_return AcknowledgeOutcome::already;
    case R::answered: co_return AcknowledgeOutcome::answered;
    case R::resolved: co_return AcknowledgeOutcome::resolved;
    case R::not_found: co_return AcknowledgeOutcome::not_found;
  }
  co_return AcknowledgeOutcome::not_found;
}

}  // namespace omniroute::store
