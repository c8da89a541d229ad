#include "sla/policy.hpp"

namespace omniroute::sla {

Policies::Policies(const config::Config& config) {
  for (const auto& c : config.calendars) {
    calendars_.emplace(c.id, BusinessCalendar(find_zone(c.timezone), c.week, c.holidays));
  }
  for (const auto& q : config.queues) {
    queues_[q.id] = &q;
    if (!q.sla) continue;
    any_next_response_ = any_next_response_ || q.sla->targets.next_response.count() > 0;
    for (const auto& [p, t] : q.sla->priorities) any_next_response_ = any_next_response_ || t.next_response.count() > 0;
  }
}

const config::SlaPolicy* Policies::policy_of(std::string_view queue) const {
  auto it = queues_.find(queue);
  if (it == queues_.end() || !it->second->sla) return nullptr;
  return &*it->second->sla;
}

std::chrono::seconds Policies::target(std::string_view queue, config::Priority priority, config::SlaTarget t) const {
  const config::SlaPolicy* p = policy_of(queue);
  if (!p) return std::chrono::seconds(0);
  const config::SlaTargets& targets = p->for_priority(priority);
  switch (t) {
    case config::SlaTarget::first_response: return targets.first_response;
    case config::SlaTarget::next_response: return targets.next_response;
    case config::SlaTarget::resolution: return targets.resolution;
  }
  return std::chrono::seconds(0);
}

const BusinessCalendar* Policies::calendar_of(std::string_view queue) const {
  const config::SlaPolicy* p = policy_of(queue);
  if (!p) return nullptr;
  auto it = calendars_.find(p->calendar);
  return it == calendars_.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> Policies::after(std::string_view queue, std::int64_t start_ms, std::int64_t work_ms) const {
  Instant start{Millis(start_ms)};
  Instant at = start + Millis(work_ms);
  if (const BusinessCalendar* cal = calendar_of(queue)) at = cal->add(start, Millis(work_ms));
  if (at == Instant::max()) return std::nullopt;
  return at.time_since_epoch().count();
}

std::optional<Deadline> Policies::deadline(std::string_view queue, config::Priority priority, config::SlaTarget t,
                                           std::int64_t start_ms) const {
  auto seconds = target(queue, priority, t);
  if (seconds.count() == 0) return std::nullopt;
  const config::SlaPolicy* p = policy_of(queue);
  std::int64_t target_ms = seconds.count() * 1000;
  auto warn_ms = static_cast<std::int64_t>(static_cast<double>(target_ms) * p->for_priority(priority).warn_at);
  auto due = after(queue, start_ms, target_ms);
  auto warn = after(queue, start_ms, warn_ms);
  if (!due || !warn) return std::nullopt;
  return Deadline{*due, *warn};
}

std::int64_t Policies::elapsed_ms(std::string_view queue, std::int64_t from_ms, std::int64_t to_ms) const {
  if (const BusinessCalendar* cal = calendar_of(queue)) {
    return cal->elapsed(Instant(Millis(from_ms)), Instant(Millis(to_ms))).count();
  }
  return std::max<std::int64_t>(0, to_ms - from_ms);
}

config::Priority priority_named(std::string_view name) {
  return config::priority_from(name).value_or(config::Priority::normal);
}

}  // namespace omniroute::sla
