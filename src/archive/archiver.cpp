#include "archive/archiver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "reports/recorder.hpp"
#include "store/history/migrations.hpp"

namespace omniroute::archive {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using store::PgParams;

namespace {
constexpr auto kIdle = 250ms;        // nothing new: look again after this
// While the archive is less than this far behind and messages arrive, it rests kYieldFactor times as long as
// a full batch took after each one (at most kIdle; a fifth of the time at work): ingest keeps the CPU
// through a burst.
constexpr std::int64_t kYieldWhileLagUnderMs = 5'000;
constexpr int kYieldFactor = 4;
constexpr auto kRetryFirst = 500ms;  // PostgreSQL or Redis refused: wait, doubling up to kRetryMost
constexpr auto kRetryMost = 15s;
}  // namespace

Archiver::Archiver(const config::HistoryConfig& config, store::RedisClient& redis, const store::Keys& keys,
                   metrics::Registry& metrics, HistoryStatus& status, std::string consumer, TaskGroup& tasks,
                   bool housekeeping, std::vector<const date::time_zone*> report_zones,
                   const std::vector<std::string>& channels)
    : config_(config),
      redis_(redis),
      status_(status),
      tasks_(tasks),
      db_(redis.executor(), config.url),
      archive_(redis, keys, db_, std::move(consumer)),
      responses_(redis, keys, db_, std::move(report_zones), status),
      archived_messages_(metrics.counter("omniroute_archived_messages_total", {})),
      archived_conversations_(metrics.counter("omniroute_archived_conversation_writes_total", {})),
      evicted_(metrics.counter("omniroute_conversations_let_go_total", {})),
      archived_responses_(metrics.counter("omniroute_archived_responses_total", {})),
      housekeeping_(housekeeping) {
  for (const auto& id : channels) received_.push_back(&metrics.counter("omniroute_messages_received_total", {{"channel", id}}));
}

bool Archiver::ingesting() {
  std::uint64_t now = 0;
  for (const metrics::Counter* c : received_) now += c->value();
  const bool arriving = now != received_seen_;
  received_seen_ = now;
  return arriving;
}

void Archiver::start() {
  status_.set(HistoryStatus::State::connecting);
  tasks_.spawn(run(), "history: archiving");
}

void Archiver::stop() { stopped_ = true; }

asio::awaitable<void> Archiver::pause(std::chrono::milliseconds d) {
  asio::steady_timer wait(redis_.executor(), d);
  co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<bool> Archiver::open() {
  auto problem = [&](const std::string& why) {
    status_.set(HistoryStatus::State::unavailable, why);
    if (why != last_problem_) log::warn("history " + store::pg_url_for_log(config_.url) + ": " + why + " (retrying)");
    last_problem_ = why;
  };
  if (!db_.connected()) {
    auto up = co_await db_.connect(10s);
    if (!up) {
      problem(up.error().message);
      co_return false;
    }
  }
  if (!migrated_ && config_.migrate == "auto") {
    auto done = co_await store::history::migrate(db_);
    if (!done) {
      problem(done.error().message);
      co_return false;
    }
    if (!done->applied.empty()) log::info("history: schema brought to version " + std::to_string(done->version));
  }
  migrated_ = true;
  if (!last_problem_.empty() || status_.state() != HistoryStatus::State::up) {
    log::info("history: connected to " + store::pg_url_for_log(config_.url));
  }
  last_problem_.clear();
  status_.set(HistoryStatus::State::up);
  co_return true;
}

asio::awaitable<void> Archiver::run() {
  auto retry = kRetryFirst;
  bool grouped = false;
  while (!stopped_) {
    if (!db_.connected() && !co_await open()) {
      co_await pause(retry);
      retry = std::min<std::chrono::milliseconds>(retry * 2, kRetryMost);
      continue;
    }
    if (!redis_.connected()) {
      co_await pause(kIdle);
      continue;
    }
    if (!grouped) grouped = bool(co_await archive_.ensure_group());
    const auto began = std::chrono::steady_clock::now();
    auto step = co_await archive_.step(kBatch, now_ms());
    if (!step) {
      status_.set_lag_ms(step.error().lag_ms);
      if (step.error().side == store::history::ArchiveError::Side::history) {
        status_.set(HistoryStatus::State::unavailable, step.error().message);
        if (step.error().message != last_problem_) log::warn("history: archiving failed: " + step.error().message);
        last_problem_ = step.error().message;
      }
      co_await pause(retry);
      retry = std::min<std::chrono::milliseconds>(retry * 2, kRetryMost);
      continue;
    }
    retry = kRetryFirst;
    if (status_.state() != HistoryStatus::State::up) {
      log::info("history: archiving again");
      status_.set(HistoryStatus::State::up);
      last_problem_.clear();
    }
    archived_messages_.inc(static_cast<std::uint64_t>(step->messages));
    archived_conversations_.inc(static_cast<std::uint64_t>(step->conversations));
    if (housekeeping_) {
      co_await archive_responses();
      co_await housekeep();
    }
    status_.set_lag_ms(std::max(step->lag_ms, housekeeping_ ? responses_lag_ms_ : 0));
    if (!step->more) {
      co_await pause(kIdle);
    } else if (step->lag_ms < kYieldWhileLagUnderMs && ingesting()) {
      // Close behind while messages arrive: yield the CPU to ingest and routing (a burst is stored at full
      // speed and archived a few seconds later); further behind, or with nothing arriving, full speed.
      co_await pause(std::min<std::chrono::milliseconds>(
          kIdle, std::chrono::duration_cast<std::chrono::milliseconds>((std::chrono::steady_clock::now() - began) *
                                                                        kYieldFactor)));
    }
  }
}

asio::awaitable<void> Archiver::archive_responses() {
  const std::int64_t now = now_ms();
  if (!adopted_) {
    auto adopted = co_await responses_.adopt(now);
    if (adopted && *adopted > 0) log::info("history: " + std::to_string(*adopted) + " hour(s) of report records to archive");
    adopted_ = bool(adopted);
  }
  if (now >= next_responses_ms_) {
    auto step = co_await responses_.step(now);
    if (!step) {
      responses_lag_ms_ = std::max(responses_lag_ms_, step.error().lag_ms);
      // Said once until the reason changes (retried every 5 s meanwhile).
      if (step.error().message != last_records_problem_) {
        log::warn("history: archiving report records failed: " + step.error().message + " (retrying)");
      }
      last_records_problem_ = step.error().message;
      next_responses_ms_ = now + 5'000;
      co_return;
    }
    last_records_problem_.clear();
    archived_responses_.inc(static_cast<std::uint64_t>(step->records));
    responses_lag_ms_ = step->lag_ms;
    next_responses_ms_ = step->more ? now : now + 1'000;
    if (step->late > 0) next_roll_up_ms_ = std::min(next_roll_up_ms_, now);  // their days are closed: again
  }
  if (now >= next_roll_up_ms_) {
    next_roll_up_ms_ = now + 60'000;
    auto rolled = co_await responses_.roll_up(now, 100);
    if (!rolled) {
      log::warn("history: rolling report days up failed: " + rolled.error().message);
    } else {
      if (rolled->built > 0 && rolled->waiting > 0) next_roll_up_ms_ = now + 1'000;  // catching up: go on soon
      else if (rolled->waiting > 0) next_roll_up_ms_ = now + 5'000;                  // records still coming
    }
  }
  if (now >= next_forget_ms_) {
    next_forget_ms_ = now + 600'000;
    auto gone = co_await responses_.forget(now);
    if (!gone) log::warn("history: letting archived report records go failed: " + gone.error().message);
  }
}

asio::awaitable<void> Archiver::housekeep() {
  if (now_ms() >= next_retention_ms_) {
    // Report records are kept 400 days (reports' own retention, whatever history.retention says).
    auto expired = co_await responses_.expire(now_ms() - (reports::kRetentionDays + 1) * 86'400'000LL);
    if (!expired) log::warn("history: report records' retention failed: " + expired.error().message);
    // History older than history.retention goes, a month at a time (and what is left before it, row by row).
    next_retention_ms_ = now_ms() + kRetentionEveryMs;
    PgParams seconds{std::to_string(config_.retention.count() / 1000)};
    auto dropped = co_await db_.query("SELECT omniroute_retention(now() - make_interval(secs => $1::bigint))",
                                      std::move(seconds), std::chrono::minutes(10));
    if (!dropped) log::warn("history: retention failed: " + dropped.error().message);
    else if (dropped->at(0, "omniroute_retention") != "0") {
      log::info("history: retention dropped " + dropped->at(0, "omniroute_retention") + " month(s) of messages");
    }
  }
  if (now_ms() >= next_eviction_ms_) {
    // Resolved conversations older than archive_after leave Redis (each confirmed by PostgreSQL first).
    next_eviction_ms_ = now_ms() + kEvictEveryMs;
    for (int round = 0; round < 20; ++round) {
      auto gone = co_await archive_.evict(now_ms() - config_.archive_after.count(), kEvictBatch);
      if (!gone) {
        log::warn("history: letting archived conversations go failed: " + gone.error().message);
        break;
      }
      evicted_.inc(static_cast<std::uint64_t>(*gone));
      if (*gone < kEvictBatch) break;
    }
  }
}

}  // namespace omniroute::archive
