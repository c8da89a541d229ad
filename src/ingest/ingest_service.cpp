#include "ingest/ingest_service.hpp"

#include "reports/csat.hpp"

#include "store/channel_state_store.hpp"

#include <re2/re2.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <chrono>

#include "omniroute/clock.hpp"
#include "omniroute/language.hpp"
#include "omniroute/log.hpp"
#include "routing/pools.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::ingest {

IngestMetrics::IngestMetrics(metrics::Registry& registry, const config::Config& config) : registry_(registry) {
  registry.describe("omniroute_messages_received_total", "counter", "Inbound messages stored, by channel");
  registry.describe("omniroute_messages_duplicate_total", "counter",
                    "Inbound deliveries that repeated a stored message, by channel");
  registry.describe("omniroute_messages_failed_total", "counter",
                    "Inbound messages not stored because Redis was unavailable (the provider retries)");
  registry.describe("omniroute_ingest_seconds", "histogram", "Time to make one message durable in Redis");
  for (const auto& c : config.channels) {
    const metrics::Labels l{{"channel", c.settings.id}};
    channels_[c.settings.id] = {&registry.counter("omniroute_messages_received_total", l),
                                &registry.counter("omniroute_messages_duplicate_total", l),
                                &registry.counter("omniroute_messages_failed_total", l)};
  }
  latency_ = &registry.histogram("omniroute_ingest_seconds", {}, metrics::latency_buckets());
}

const ChannelCounters& IngestMetrics::channel(const std::string& id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? unknown_ : it->second;
}

IngestService::IngestService(const config::Config& config, store::ConversationStore& store, IngestMetrics& metrics,
                             TaskGroup& tasks)
    : config_(config), store_(store), contacts_(store.client(), store.keys()), tasks_(tasks), metrics_(metrics),
      policies_(config), recorder_(policies_, config),
      acknowledger_(config, store, metrics.registry()) {
  for (const auto& c : config.channels) {
    media_[c.settings.id] = c.medium;
    if (c.csat) survey_channels_.insert(c.settings.id);
  }
  for (const auto& r : config.rules) {
    CompiledRule compiled{&r, nullptr};
    if (!r.match.text_matches.empty()) compiled.text = std::make_unique<re2::RE2>(r.match.text_matches, re2::RE2::Quiet);
    rules_.push_back(std::move(compiled));
    if (!r.match.tier.empty()) rules_need_contact_ = true;
  }
}

IngestService::~IngestService() = default;

store::IngestPlan IngestService::plan_for(const Message& message,
                                          const std::map<std::string, std::string>& attributes) const {
  store::IngestPlan plan;
  plan.language = message.language.empty() ? detect_language(message.text) : message.language;
  const config::QueueConfig* q = config_.default_queue(message.channel_id);  // every channel has one (checked at load)
  // Rules: the first whose every condition holds decides queue, priority and required skills.
  for (const auto& r : rules_) {
    const auto& match = r.rule->match;
    if (!match.channels.empty() &&
        std::find(match.channels.begin(), match.channels.end(), message.channel_id) == match.channels.end()) {
      continue;
    }
    if (!match.language.empty() && match.language != plan.language) continue;
    if (!match.tier.empty()) {
      auto tier = attributes.find("tier");
      if (tier == attributes.end() || tier->second != match.tier) continue;
    }
    if (r.text && !re2::RE2::PartialMatch(message.text, *r.text)) continue;
    if (!r.rule->queue.empty()) {
      for (const auto& candidate : config_.queues) {
        if (candidate.id == r.rule->queue) q = &candidate;
      }
    }
    if (r.rule->priority) plan.priority = *r.rule->priority;
    plan.skills = routing::skill_key(r.rule->skills);
    break;
  }
  if (q) {
    plan.queue = q->id;
    // Deadlines in working time with a calendar; each with its warning at `warn_at` of the way.
    const std::int64_t start = message.received_time_ms;
    if (auto d = policies_.deadline(q->id, plan.priority, config::SlaTarget::first_response, start)) {
      plan.first_response_due_ms = d->due_ms;
      plan.first_response_warn_ms = d->warn_ms;
    }
    if (auto d = policies_.deadline(q->id, plan.priority, config::SlaTarget::resolution, start)) {
      plan.resolution_due_ms = d->due_ms;
      plan.resolution_warn_ms = d->warn_ms;
    }
    plan.start_next_response = policies_.any_next_response();
  }
  if (survey_channels_.count(message.channel_id)) {
    // The channel sends satisfaction surveys: this message may answer one (ingest.lua decides).
    plan.survey = true;
    if (auto score = reports::survey_score(message.text)) {
      plan.survey_answer = recorder_.for_survey_answer(*score, message.received_time_ms).json;
    }
  }
  return plan;
}

void IngestService::note_inbound(const std::string& channel, std::int64_t at_ms, std::int64_t provider_ms) {
  // The channel's last inbound message, for its health on the board: at most once a second per channel and
  // loop, after the message is stored (never delaying its answer). With it, how long after the provider's
  // own time the message was stored (a polling channel's lag; a webhook's delivery delay).
  std::int64_t& last = last_inbound_noted_[channel];
  if (at_ms - last < 1000) return;
  last = at_ms;
  const std::int64_t lag = provider_ms > 0 ? std::max<std::int64_t>(0, at_ms - provider_ms) : -1;
  tasks_.spawn(
      [this, channel, at_ms, lag]() -> boost::asio::awaitable<void> {
        store::RedisChannelState state(store_.client(), store_.keys(), channel);
        co_await state.set("last_inbound_at", std::to_string(at_ms));
        if (lag >= 0) co_await state.set("last_lag_ms", std::to_string(lag));
      },
      "ingest: noting a channel's last inbound message");
}

boost::asio::awaitable<IngestResult> IngestService::store(Message message) {
  if (message.received_time_ms <= 0) message.received_time_ms = now_ms();
  const ChannelCounters& counters = metrics_.channel(message.channel_id);
  store::IngestPlan plan;
  if (rules_need_contact_) {
    // A rule matches on the contact's attributes: read them first (a read, so a race with an
    // admin changing them only decides which side of the change this message lands on).
    auto attributes = co_await contacts_.attributes_of(message.handle_kind, message.contact_handle);
    if (!attributes) {
      counters.failed->inc();
      co_return unexpected(attributes.error());
    }
    plan = plan_for(message, *attributes);
  } else {
    plan = plan_for(message);
  }
  auto it = media_.find(message.channel_id);
  Medium medium = it == media_.end() ? Medium::chat : it->second;
  auto started = std::chrono::steady_clock::now();
  IngestResult r = co_await store_.ingest(message, medium, plan);
  if (!r) {
    counters.failed->inc();
    co_return r;
  }
  (r->duplicate ? counters.duplicate : counters.received)->inc();
  note_inbound(message.channel_id, message.received_time_ms, message.provider_time_ms);
  metrics_.latency().observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (r->created && acknowledger_.enabled_for(message.channel_id)) {
    // After the message is durable; the customer hears from us while they wait.
    tasks_.spawn(acknowledger_.acknowledge(r->conversation_id, message.channel_id),
                 "auto-ack: acknowledging a new conversation");
  }
  co_return r;
}

boost::asio::awaitable<IngestOutcome> IngestService::ingest(Message message) {
  IngestResult r = co_await store(std::move(message));
  if (r && r->routable && on_routable_) on_routable_(r->queue);
  if (r) co_return *r;
  IngestOutcome failed;
  failed.error = r.error().message;
  co_return failed;
}

}  // namespace omniroute::ingest
