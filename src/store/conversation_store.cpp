#include "store/conversation_store.hpp"

#include <boost/json.hpp>
#include <memory>

#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "store/scripts.hpp"

namespace omniroute::store {

namespace {

constexpr std::int64_t kBlobTtlSeconds = 365 * 86400;  // attachment contents, kept a year

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
    : client_(client), keys_(config.workspace), dedupe_ttl_(std::to_string(config.dedupe_ttl.count())) {}

void ConversationStore::ingest(const Message& m, Medium medium, const IngestPlan& plan, IngestCallback done) {
  // Every clock, queue order and wait is measured from the received time: a message without one
  // would be filed in 1970 (first in every queue, breached by decades). The ingest service stamps it.
  if (m.received_time_ms <= 0) {
    return done(unexpected(RedisError{RedisFailure::refused, "message has no received time"}));
  }
  std::vector<std::string> digests;
  for (const auto& a : m.attachments) digests.push_back(a.content.empty() ? "" : sha256_hex(a.content));
  std::vector<std::string> keys{
      keys_.dedupe(m.channel_id, m.provider_id), keys_.handle(m.handle_kind, m.contact_handle),
      keys_.thread(m.channel_id, m.thread_key),  keys_.seq(),
      keys_.queue(plan.queue),                   keys_.sla(),
      keys_.events(),
      keys_.waiting(pool(plan), to_string(medium)),
      keys_.available(pool(plan), to_string(medium))};
  std::vector<std::string> args{
      keys_.prefix(),
      m.channel_id,
      m.channel_kind,
      m.provider_id,
      m.handle_kind,
      m.contact_handle,
      m.contact_name,
      m.thread_key,
      m.subject,
      m.text,
      attachments_json(m.attachments, digests),
      std::to_string(m.provider_time_ms),
      std::to_string(m.received_time_ms),
      plan.queue,
      std::string(config::to_string(plan.priority)),
      queue_score(plan.priority, m.received_time_ms),
      plan.first_response_due_ms ? std::to_string(*plan.first_response_due_ms) : std::string(),
      dedupe_ttl_,
      std::to_string(kEventsMaxLength),
      std::string(to_string(medium)),
      plan.skills,
      plan.language,
      plan.first_response_warn_ms ? std::to_string(*plan.first_response_warn_ms) : std::string(),
      plan.resolution_due_ms ? std::to_string(*plan.resolution_due_ms) : std::string(),
      plan.resolution_warn_ms ? std::to_string(*plan.resolution_warn_ms) : std::string(),
      plan.start_next_response ? "1" : "0",
      json_strings(m.thread_refs),
      m.fallback_thread_key,
      std::to_string(m.fallback_window_s),
      std::to_string(m.thread_ttl_s),
      m.references,
      m.automatic,
      std::to_string(kBlobTtlSeconds),
      m.full_text};
  for (size_t i = 0; i < m.attachments.size(); ++i) {
    if (digests[i].empty()) continue;
    args.push_back(digests[i]);
    args.push_back(m.attachments[i].content_type + "\n" + m.attachments[i].content);
  }
  eval_script(client_, ingest_script(), std::move(keys), std::move(args),
              [done = std::move(done), queue = plan.queue](RedisResult r) {
                if (!r) return done(unexpected(r.error()));
                const Reply& reply = *r;
                if (reply.is_error()) return done(unexpected(protocol_error(reply.str)));
                if (reply.type != Reply::Type::array || reply.elements.size() < 3) {
                  return done(unexpected(protocol_error("ingest returned no array")));
                }
                IngestOutcome out;
                out.stored = true;
                out.duplicate = reply.elements[0].str == "duplicate";
                out.conversation_id = reply.elements[1].str;
                out.message_id = reply.elements[2].str;
                out.routable = reply.elements.size() >= 6 && reply.elements[5].integer == 1;
                out.created = reply.elements.size() >= 5 && reply.elements[4].integer == 1;
                out.queue = queue;
                done(out);
              });
}

void ConversationStore::resolve(const std::string& id, const std::string& by, ResolveCallback done) {
  std::vector<std::string> keys{keys_.conversation(id), keys_.sla(), keys_.events()};
  std::vector<std::string> args{keys_.prefix(), std::to_string(now_ms()), by, std::to_string(kEventsMaxLength)};
  eval_script(client_, resolve_script(), std::move(keys), std::move(args), [done = std::move(done)](RedisResult r) {
    if (!r) return done(unexpected(r.error()));
    if (r->is_error() || r->elements.empty()) return done(unexpected(protocol_error(r->str)));
    const std::string& status = r->elements[0].str;
    if (status == "resolved") return done(ResolveOutcome::resolved);
    if (status == "already_resolved") return done(ResolveOutcome::already_resolved);
    if (status == "forbidden") return done(ResolveOutcome::forbidden);
    done(ResolveOutcome::not_found);
  });
}

void ConversationStore::contact_attributes(const std::string& handle_kind, const std::string& handle,
                                           AttributesCallback done) {
  std::vector<std::string> keys{keys_.handle(handle_kind, handle)};
  std::vector<std::string> args{keys_.prefix()};
  eval_script(client_, contact_attributes_script(), std::move(keys), std::move(args),
              [done = std::move(done)](RedisResult r) {
                if (!r) return done(unexpected(r.error()));
                if (r->is_error()) return done(unexpected(protocol_error(r->str)));
                std::map<std::string, std::string> out;
                for (size_t i = 0; i + 1 < r->elements.size(); i += 2) out[r->elements[i].str] = r->elements[i + 1].str;
                done(std::move(out));
              });
}

void ConversationStore::queue_depths(const std::vector<std::string>& queues, CountsCallback done) {
  if (queues.empty()) return done(std::vector<long long>{});
  // Pipelined ZCARDs; the last reply completes the whole answer.
  struct State {
    std::vector<long long> counts;
    size_t remaining;
    std::optional<RedisError> error;
    CountsCallback done;
  };
  auto st = std::make_shared<State>(State{std::vector<long long>(queues.size()), queues.size(), {}, std::move(done)});
  for (size_t i = 0; i < queues.size(); ++i) {
    client_.command({"ZCARD", keys_.queue(queues[i])}, [st, i](RedisResult r) {
      if (!r) st->error = r.error();
      else st->counts[i] = r->integer;
      if (--st->remaining == 0) {
        if (st->error) st->done(unexpected(*st->error));
        else st->done(std::move(st->counts));
      }
    });
  }
}

}  // namespace omniroute::store
