#include "store/conversation_store.hpp"

#include <boost/json.hpp>
#include <memory>

#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace {

constexpr std::int64_t kBlobTtlSeconds = std::int64_t{365} * 86400;  // attachment contents, kept a year

/// Attachment metadata for the transcript; a kept content is served at /v1/attachments/<sha256>.
std::string attachments_json(const std::vector<Attachment>& attachments, const std::vector<std::string>& digests) {
  if (attachments.empty()) return "[]";
  boost::json::array arr;
  for (size_t i = 0; i < attachments.size(); ++i) {
    const auto& a = attachments[i];
    std::string url = digests[i].empty() ? a.url : "/v1/attachments/" + digests[i];
    arr.push_back({{"name", a.name}, {"type", a.content_type}, {"size", a.size}, {"url", url}});
  }
  return boost::json::serialize(arr);
}

std::string json_strings(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  boost::json::array arr(items.begin(), items.end());
  return boost::json::serialize(arr);
}

/// The pool a new conversation waits in: its queue narrowed by its required skills (routing/pools.hpp).
std::string pool(const IngestPlan& plan) { return plan.skills.empty() ? plan.queue : plan.queue + "+" + plan.skills; }

RedisError protocol_error(const std::string& what) {
  return RedisError{RedisFailure::closed, "unexpected reply from Redis: " + what};
}

}  // namespace

std::string queue_score(config::Priority priority, std::int64_t queued_at_ms) {
  return std::to_string((3 - static_cast<std::int64_t>(priority)) * kQueueBand + queued_at_ms);
}

ConversationStore::ConversationStore(RedisClient& client, const config::RedisConfig& config)
    : client_(client),
      keys_(config.workspace),
      dedupe_ttl_(std::to_string(config.dedupe_ttl.count())),
      // WAIT answers within half the command timeout, so its reply (with the count) beats the client's deadline.
      replicas_(std::make_unique<ReplicaBarrier>(client, config.replicas_ack,
                                                 std::max(std::chrono::milliseconds(100), config.command_timeout / 2))) {}

ConversationStore::~ConversationStore() = default;

boost::asio::awaitable<StoreResult<IngestOutcome>> ConversationStore::ingest(const Message& m, Medium medium,
                                                                           const IngestPlan& plan) {
  // Every clock, queue order and wait is measured from the received time: a message without one
  // would be filed in 1970 (first in every queue, breached by decades). The ingest service stamps it.
  if (m.received_time_ms <= 0) {
    co_return unexpected(RedisError{RedisFailure::refused, "message has no received time"});
  }
  std::vector<std::string> digests;
  for (const auto& a : m.attachments) digests.push_back(a.content.empty() ? "" : sha256_hex(a.content));
  auto opt_ms = [](const std::optional<std::int64_t>& ms) { return ms ? std::to_string(*ms) : std::string(); };
  IngestCall call;
  call.dedupe = keys_.dedupe(m.channel_id, m.provider_id);
  call.handle_key = keys_.handle(m.handle_kind, m.contact_handle);
  call.thread = keys_.thread(m.channel_id, m.thread_key);
  call.seq = keys_.seq();
  call.queue = keys_.queue(plan.queue);
  call.sla = keys_.sla();
  call.events = keys_.events();
  call.waiting = keys_.waiting(pool(plan), to_string(medium));
  call.avail = keys_.available(pool(plan), to_string(medium));
  call.prefix = keys_.prefix();
  call.channel = m.channel_id;
  call.channel_kind = m.channel_kind;
  call.provider_id = m.provider_id;
  call.handle_kind = m.handle_kind;
  call.handle = m.contact_handle;
  call.contact_name = m.contact_name;
  call.thread_key = m.thread_key;
  call.subject = m.subject;
  call.text = m.text;
  call.attachments = attachments_json(m.attachments, digests);
  call.provider_at = std::to_string(m.provider_time_ms);
  call.now = std::to_string(m.received_time_ms);
  call.queue_id = plan.queue;
  call.priority = config::to_string(plan.priority);
  call.score = queue_score(plan.priority, m.received_time_ms);
  call.first_response_due = opt_ms(plan.first_response_due_ms);
  call.dedupe_ttl = dedupe_ttl_;
  call.events_max = std::to_string(kEventsMaxLength);
  call.medium = to_string(medium);
  call.skills = plan.skills;
  call.language = plan.language;
  call.first_response_warn = opt_ms(plan.first_response_warn_ms);
  call.resolution_due = opt_ms(plan.resolution_due_ms);
  call.resolution_warn = opt_ms(plan.resolution_warn_ms);
  call.next_response = plan.start_next_response ? "1" : "0";
  call.thread_refs = json_strings(m.thread_refs);
  call.fallback_thread = m.fallback_thread_key;
  call.fallback_window = std::to_string(m.fallback_window_s);
  call.thread_ttl = std::to_string(m.thread_ttl_s);
  call.reply_context = m.reply_context;
  call.automatic = m.automatic;
  call.blob_ttl = std::to_string(kBlobTtlSeconds);
  call.full_text = m.full_text;
  call.survey = plan.survey ? "1" : "";
  call.survey_answer = plan.survey_answer;
  for (size_t i = 0; i < m.attachments.size(); ++i) {
    if (digests[i].empty()) continue;
    call.blobs.push_back(digests[i]);
    call.blobs.push_back(m.attachments[i].content_type + "\n" + m.attachments[i].content);
  }
  auto r = co_await detail::run(client_, ingest_script(), call.keys(), call.take_argv());
  if (!r) co_return unexpected(r.error());
  auto reply = IngestResult::from(*r);
  if (!reply) co_return unexpected(protocol_error("ingest returned a reply of no declared shape"));
  IngestOutcome out;
  out.stored = true;
  out.duplicate = reply->status == IngestResult::Status::duplicate;
  out.conversation_id = reply->conversation;
  out.message_id = reply->message_id;
  out.routable = reply->routable == 1;
  out.created = reply->created == 1;
  out.queue = plan.queue;
  // A retried delivery of a message whose first WAIT fell short is a duplicate: it waits again.
  auto replicated = co_await replicas_->wait();
  if (!replicated) co_return unexpected(replicated.error());
  co_return out;
}

boost::asio::awaitable<StoreResult<bool>> ConversationStore::ping() {
  std::vector<std::string> ping{"PING"};  // GCC 12: no initializer list inside a co_await
  auto r = co_await detail::command(client_, std::move(ping));
  if (!r) co_return unexpected(r.error());
  co_return true;
}

boost::asio::awaitable<StoreResult<NonceClaim>> ConversationStore::claim_nonce(const std::string& channel,
                                                                             const std::string& nonce,
                                                                             const std::string& carried,
                                                                             std::int64_t ttl_s) {
  NonceClaimCall call;
  call.nonce = keys_.nonce(channel, nonce);
  call.carried = carried;
  call.ttl = std::to_string(std::max<std::int64_t>(1, ttl_s));
  auto r = co_await detail::run_declared<NonceClaimResult>(client_, nonce_claim_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = NonceClaimResult::Status;
  switch (r->status) {
    case R::replayed: co_return NonceClaim::replayed;
    case R::retry: co_return NonceClaim::retry;
    case R::new_: co_return NonceClaim::fresh;
  }
  co_return NonceClaim::fresh;
}

}  // namespace omniroute::store
