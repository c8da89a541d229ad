#include "sla/auto_ack.hpp"

#include <date/tz.h>

#include <algorithm>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"

namespace omniroute::sla {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t kMinute = 60'000;

/// Minutes shown: whole, at least 1, rounded up to 5 above 10 (nobody promises "in 17 minutes").
std::int64_t shown_minutes(std::int64_t wait_ms) {
  std::int64_t m = std::max<std::int64_t>(1, (wait_ms + kMinute - 1) / kMinute);
  return m > 10 ? (m + 4) / 5 * 5 : m;
}

struct Phrases {
  const char* minutes;  // {n}
  const char* hours;    // {n}
  const char* by;       // {time}, {d} day, {dd} two-digit day, {mm} two-digit month, {mon} month name
  const char* one_minute;  // the singular: "in about 1 minutes" reads wrong in every language
  const char* one_hour;
};

const std::map<std::string, Phrases>& phrases() {
  static const std::map<std::string, Phrases> p{
      {"en", {"in about {n} minutes", "in about {n} hours", "by {time} on {d} {mon}", "in about a minute",
              "in about an hour"}},
      {"hi", {"लगभग {n} मिनट में", "लगभग {n} घंटे में", "{dd}-{mm} को {time} तक", "लगभग एक मिनट में",
              "लगभग एक घंटे में"}},
      {"te", {"సుమారు {n} నిమిషాల్లో", "సుమారు {n} గంటల్లో", "{dd}-{mm} న {time} లోపు", "సుమారు ఒక నిమిషంలో",
              "సుమారు ఒక గంటలో"}},
  };
  return p;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

std::int64_t estimate_work_ms(const WaitInputs& in) {
  std::int64_t per_round = in.fallback_ms > 0 ? in.fallback_ms : 15 * kMinute;
  if (!in.recent_ms.empty()) {
    std::vector<std::int64_t> sorted = in.recent_ms;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    per_round = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
  long agents = std::max(1L, in.available);
  long rounds = std::max(0L, in.ahead) / agents + 1;
  return std::max<std::int64_t>(kMinute, per_round * rounds);
}

std::string eta_phrase(const std::string& language, std::int64_t now_ms, std::int64_t at_ms, const date::time_zone* zone) {
  auto it = phrases().find(language);
  const Phrases& p = it == phrases().end() ? phrases().at("en") : it->second;
  std::int64_t wait = std::max<std::int64_t>(0, at_ms - now_ms);
  std::string out;
  if (wait < 120 * kMinute) {
    std::int64_t n = shown_minutes(wait);
    out = n == 1 ? p.one_minute : p.minutes;
    replace_all(out, "{n}", std::to_string(n));
  } else if (wait < std::int64_t{12} * 60 * kMinute) {
    std::int64_t n = (wait + 60 * kMinute - 1) / (60 * kMinute);
    out = n == 1 ? p.one_hour : p.hours;
    replace_all(out, "{n}", std::to_string(n));
  } else {
    // Overnight, a weekend, a holiday: say when, in the team's time zone.
    date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds(at_ms)};
    auto local = zone ? date::zoned_time<std::chrono::milliseconds>(zone, at).get_local_time()
                      : date::local_time<std::chrono::milliseconds>(at.time_since_epoch());
    auto day = date::floor<date::days>(local);
    date::year_month_day ymd{day};
    date::hh_mm_ss<std::chrono::minutes> tod{date::floor<std::chrono::minutes>(local - day)};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char time[8], dd[4], mm[4];
    std::snprintf(time, sizeof time, "%02d:%02d", static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()));
    std::snprintf(dd, sizeof dd, "%02u", static_cast<unsigned>(ymd.day()));
    std::snprintf(mm, sizeof mm, "%02u", static_cast<unsigned>(ymd.month()));
    out = p.by;
    replace_all(out, "{time}", time);
    replace_all(out, "{dd}", dd);
    replace_all(out, "{d}", std::to_string(static_cast<unsigned>(ymd.day())));
    replace_all(out, "{mm}", mm);
    replace_all(out, "{mon}", kMonths[static_cast<unsigned>(ymd.month()) - 1]);
  }
  return out;
}

const std::pair<const std::string, std::string>& pick_template(const std::map<std::string, std::string>& templates,
                                                               const std::string& language) {
  if (auto it = templates.find(language); it != templates.end()) return *it;
  if (auto it = templates.find("en"); it != templates.end()) return *it;
  return *templates.begin();
}

std::string render_ack(const std::string& text, const std::string& eta, std::int64_t minutes) {
  std::string out = text;
  replace_all(out, "{eta}", eta);
  replace_all(out, "{minutes}", std::to_string(minutes));
  return out;
}

AutoAcknowledger::AutoAcknowledger(const config::Config& config, store::ConversationStore& store,
                                   metrics::Registry& metrics)
    : conversations_(store.client(), store.keys()), metrics_(metrics), policies_(config) {
  for (const auto& c : config.channels) {
    if (!c.auto_ack.empty()) templates_[c.settings.id] = c.auto_ack;
  }
}

asio::awaitable<void> AutoAcknowledger::acknowledge(std::string conv, std::string channel) {
  auto t = templates_.find(channel);
  if (t == templates_.end()) co_return;
  auto found = co_await conversations_.acknowledgement_inputs(conv);
  if (!found || !*found) co_return;
  const store::AcknowledgementInputs& e = **found;
  if (e.state == "resolved" || e.acknowledged) co_return;  // closed already, or acknowledged
  const std::string& queue = e.queue;
  config::Priority priority = priority_named(e.priority);
  WaitInputs in;
  in.recent_ms = e.recent_first_responses_ms;
  in.ahead = e.ahead;
  in.available = e.available;
  in.fallback_ms = policies_.target(queue, priority, config::SlaTarget::first_response).count() * 1000;
  std::int64_t now = now_ms();
  std::int64_t work = estimate_work_ms(in);
  std::int64_t at = policies_.after(queue, now, work).value_or(now + work);
  const auto& [language, text_template] = pick_template(t->second, e.language);
  const BusinessCalendar* cal = policies_.calendar_of(queue);
  std::string eta = eta_phrase(language, now, at, cal ? cal->zone() : nullptr);
  std::string text = render_ack(text_template, eta, (at - now + 59'999) / 60'000);
  auto sent = co_await conversations_.acknowledge(conv, text, now);
  if (!sent) {
    log::warn("auto-acknowledgement of conversation " + conv + " not sent: Redis unavailable");
    co_return;
  }
  if (*sent == store::AcknowledgeOutcome::sent) {
    metrics_.counter("omniroute_auto_acks_total", {{"channel", channel}}).inc();
  }
}

}  // namespace omniroute::sla
