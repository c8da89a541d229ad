#include "archive/response_archive.hpp"

#include <date/tz.h>

#include <algorithm>
#include <map>

#include "calendar/local_days.hpp"
#include "reports/recorder.hpp"

namespace omniroute::archive {

namespace asio = boost::asio;
using store::PgError;
using store::PgParams;
using store::history::ArchiveError;

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;

/// A stream entry id's two numbers ("1764579600000-3").
std::pair<std::string, std::string> id_parts(const std::string& id) {
  const std::size_t dash = id.find('-');
  if (dash == std::string::npos) return {id, "0"};
  return {id.substr(0, dash), id.substr(dash + 1)};
}

// One day of one zone, every dimension: each value's seconds on both clocks as sorted int4s, its SLA counts.
constexpr const char* kRollUpDay = R"sql(
INSERT INTO response_days (zone, dimension, day, value, kind, seconds, wall, with_target, met)
SELECT $1, d.dimension, $2, d.value, r.kind,
       string_agg(int4send(r.seconds), ''::bytea ORDER BY r.seconds),
       string_agg(int4send(r.wall_seconds), ''::bytea ORDER BY r.wall_seconds),
       count(*) FILTER (WHERE r.met IN ('y', 'x')), count(*) FILTER (WHERE r.met = 'y')
FROM responses r
CROSS JOIN LATERAL (
  VALUES ('all', ''), ('queue', r.queue), ('channel', r.channel), ('agent', r.agent)
  UNION ALL
  SELECT 'label', l FROM unnest(CASE WHEN cardinality(r.labels) = 0 THEN ARRAY[''] ELSE r.labels END) AS l
) AS d(dimension, value)
WHERE r.at >= $3 AND r.at < $4
GROUP BY d.dimension, d.value, r.kind
)sql";

}  // namespace

ResponseArchive::ResponseArchive(store::RedisClient& redis, const store::Keys& keys, store::PgConnection& history,
                                 std::vector<const date::time_zone*> zones, HistoryStatus& status)
    : redis_(redis), keys_(keys), history_(history), reports_(redis, keys), zones_(std::move(zones)), status_(status) {}

asio::awaitable<Expected<ResponsesStep, ArchiveError>> ResponseArchive::step(std::int64_t now_ms) {
  using Side = ArchiveError::Side;
  auto waiting = co_await reports_.waiting_marks();
  if (!waiting) co_return unexpected(ArchiveError{Side::redis, waiting.error().message, 0});
  ResponsesStep out;
  for (const auto& [hour, mark] : *waiting) {
    if (reports::hour_start_ms(hour) < 0) continue;
    auto entries = co_await reports_.entries(hour, mark, kPerHour);
    if (!entries) co_return unexpected(ArchiveError{Side::redis, entries.error().message, out.lag_ms});
    if (entries->empty()) {
      // Nothing past the mark (the stream expired, or another archiver was first): the hour stops waiting.
      auto marked = co_await reports_.mark_archived(hour, mark);
      if (!marked) co_return unexpected(ArchiveError{Side::redis, marked.error().message, out.lag_ms});
      continue;
    }
    const std::int64_t oldest = std::max<std::int64_t>(0, now_ms - entries->front().second.at);
    std::vector<std::string> ms, seq, at, kind, queue, channel, agent, priority, labels, seconds, wall, met;
    for (const auto& [id, r] : *entries) {
      auto [m, s] = id_parts(id);
      ms.push_back(std::move(m));
      seq.push_back(std::move(s));
      at.push_back(std::to_string(r.at));
      kind.push_back(r.kind);
      queue.push_back(r.queue);
      channel.push_back(r.channel);
      agent.push_back(r.agent);
      priority.push_back(r.priority);
      labels.push_back(r.labels);
      seconds.push_back(std::to_string(r.seconds));
      // A satisfaction score has no wall clock: its score stands for both (as the Redis reports read it).
      wall.push_back(std::to_string(r.wall_ms < 0 ? r.seconds : reports::recorded_seconds(r.wall_ms)));
      met.push_back(r.met);
    }
    // pg_text_array makes every text valid UTF-8: a poison record cannot stop the archive.
    PgParams params{hour, store::pg_text_array(ms), store::pg_text_array(seq), store::pg_text_array(at),
                    store::pg_text_array(kind), store::pg_text_array(queue), store::pg_text_array(channel),
                    store::pg_text_array(agent), store::pg_text_array(priority), store::pg_text_array(labels),
                    store::pg_text_array(seconds), store::pg_text_array(wall), store::pg_text_array(met)};
    auto inserted = co_await history_.query(
        "INSERT INTO responses (hour, entry_ms, entry_seq, at, kind, queue, channel, agent, priority, labels, seconds, "
        "wall_seconds, met) "
        "SELECT $1, r.ms, r.seq, r.at, r.kind, r.queue, r.channel, r.agent, r.priority, "
        "string_to_array(r.labels, ','), r.seconds, r.wall, r.met "
        "FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], "
        "$9::text[], $10::text[], $11::integer[], $12::integer[], $13::text[]) "
        "AS r(ms, seq, at, kind, queue, channel, agent, priority, labels, seconds, wall, met) "
        "ON CONFLICT DO NOTHING RETURNING at",
        std::move(params), std::chrono::seconds(60));
    if (!inserted) {
      co_return unexpected(ArchiveError{Side::history, inserted.error().message, std::max(out.lag_ms, oldest)});
    }
    // A record made long after its day ended (a daemon's clock behind) reopens the day's rollups.
    std::vector<std::int64_t> late;
    for (const auto& row : inserted->rows) {
      const std::int64_t t = std::atoll(row[0].value_or("0").c_str());
      if (t < now_ms - kSettleMs) late.push_back(t);
    }
    out.late += static_cast<int>(late.size());
    if (!late.empty()) {
      auto reopened = co_await reopen_days(late);
      if (!reopened) co_return unexpected(ArchiveError{Side::history, reopened.error().message, oldest});
    }
    // Days may have records to roll up now: said before the hour stops waiting, so nobody reads "none
    // waiting" between the two.
    status_.set_days_waiting(std::max(1, status_.days_waiting()));
    auto whole = co_await reports_.mark_archived(hour, entries->back().first);
    if (!whole) co_return unexpected(ArchiveError{Side::redis, whole.error().message, oldest});
    out.records += static_cast<int>(entries->size());
    if (!*whole) {
      out.more = true;
      out.lag_ms = std::max(out.lag_ms, now_ms - entries->back().second.at);
    }
  }
  co_return out;
}

asio::awaitable<store::PgResult<bool>> ResponseArchive::reopen_days(const std::vector<std::int64_t>& late) {
  for (const date::time_zone* zone : zones_) {
    std::set<int> days;
    for (std::int64_t t : late) days.insert(sla::local_day(zone, t));
    std::vector<std::optional<std::int64_t>> list(days.begin(), days.end());
    PgParams params{std::string(zone->name()), store::pg_int_array(list)};
    auto gone = co_await history_.query(
        "WITH marks AS (DELETE FROM response_days_built WHERE zone = $1 AND day = ANY($2::integer[])) "
        "DELETE FROM response_days WHERE zone = $1 AND day = ANY($2::integer[])",
        std::move(params));
    if (!gone) co_return unexpected(gone.error());
  }
  co_return true;
}

asio::awaitable<store::PgResult<ResponseArchive::RolledUp>> ResponseArchive::roll_up(std::int64_t now_ms, int max) {
  RolledUp out;
  auto pending = co_await reports_.waiting_hours();
  if (!pending) co_return unexpected(PgError{"redis: " + pending.error().message, "", false});
  auto first_record = co_await history_.query("SELECT min(at) FROM responses");
  if (!first_record) co_return unexpected(first_record.error());
  const std::string first_at = first_record->at(0, "min");
  if (first_at.empty()) {
    status_.set_days_waiting(0);
    co_return out;
  }
  for (const date::time_zone* zone : zones_) {
    const int end = sla::local_day(zone, now_ms - kSettleMs);  // days before it ended at least kSettleMs ago
    const int first = std::max(sla::local_day(zone, std::atoll(first_at.c_str())), end - reports::kRetentionDays);
    if (first >= end) continue;
    PgParams range{std::string(zone->name()), std::to_string(first), std::to_string(end)};
    auto built = co_await history_.query(
        "SELECT day FROM response_days_built WHERE zone = $1 AND day >= $2::integer AND day < $3::integer",
        std::move(range));
    if (!built) co_return unexpected(built.error());
    std::set<int> done;
    for (const auto& row : built->rows) done.insert(std::atoi(row[0].value_or("0").c_str()));
    for (int day = end - 1; day >= first; --day) {
      if (done.count(day)) continue;
      if (out.built >= max) {
        ++out.waiting;
        continue;
      }
      const std::int64_t from = sla::day_start_ms(zone, day), to = sla::day_start_ms(zone, day + 1);
      const bool waiting = std::any_of(pending->begin(), pending->end(), [&](const std::string& hour) {
        const std::int64_t h = reports::hour_start_ms(hour);
        return h < to && h + kHourMs > from;
      });
      if (waiting) {  // some of its records are still only in Redis
        ++out.waiting;
        continue;
      }
      auto ok = co_await roll_up_day(zone, day);
      if (!ok) co_return unexpected(ok.error());
      ++out.built;
    }
  }
  status_.set_days_waiting(out.waiting);
  co_return out;
}

asio::awaitable<store::PgResult<bool>> ResponseArchive::roll_up_day(const date::time_zone* zone, int day) {
  const std::string name(zone->name());
  auto fail = [&](PgError e) -> asio::awaitable<store::PgResult<bool>> {
    if (history_.connected()) co_await history_.query("ROLLBACK");
    co_return unexpected(std::move(e));
  };
  auto began = co_await history_.query("BEGIN");
  if (!began) co_return unexpected(began.error());
  PgParams which{name, std::to_string(day)};
  auto cleared = co_await history_.query("DELETE FROM response_days WHERE zone = $1 AND day = $2::integer", which);
  if (!cleared) co_return co_await fail(cleared.error());
  PgParams rows{name, std::to_string(day), std::to_string(sla::day_start_ms(zone, day)),
                std::to_string(sla::day_start_ms(zone, day + 1))};
  auto rolled = co_await history_.query(kRollUpDay, std::move(rows), std::chrono::minutes(2));
  if (!rolled) co_return co_await fail(rolled.error());
  auto marked = co_await history_.query(
      "INSERT INTO response_days_built (zone, day) VALUES ($1, $2::integer) "
      "ON CONFLICT (zone, day) DO UPDATE SET built_at = now()",
      which);
  if (!marked) co_return co_await fail(marked.error());
  auto committed = co_await history_.query("COMMIT");
  if (!committed) co_return co_await fail(committed.error());
  co_return true;
}

asio::awaitable<store::StoreResult<int>> ResponseArchive::forget(std::int64_t now_ms) {
  auto marks = co_await reports_.archived_marks();
  if (!marks) co_return unexpected(marks.error());
  std::set<std::string> whole;
  int forgotten = 0;
  for (const auto& [hour, mark] : *marks) {
    const std::int64_t start = reports::hour_start_ms(hour);
    if (start < 0 || start + kHourMs + kForgetAfterMs > now_ms) continue;
    // Whole at the last call too: a report that read the mark before the last records came has long ended.
    if (!whole_before_.count(hour)) {
      whole.insert(hour);
      continue;
    }
    auto gone = co_await reports_.forget_hour(hour);
    if (!gone) co_return unexpected(gone.error());
    if (*gone) ++forgotten;
    else whole.insert(hour);
  }
  whole_before_ = std::move(whole);
  co_return forgotten;
}

asio::awaitable<store::StoreResult<int>> ResponseArchive::adopt(std::int64_t now_ms) {
  // Records are kept 400 days: every hour since then that has a stream is named (an hour already named
  // keeps its mark).
  std::vector<std::string> hours;
  const std::int64_t last = now_ms / kHourMs;
  for (std::int64_t h = last - (reports::kRetentionDays + 1) * 24LL; h <= last; ++h) {
    hours.push_back(reports::hour_of(h * kHourMs));
  }
  co_return co_await reports_.adopt_hours(hours, now_ms);
}

asio::awaitable<store::PgResult<long>> ResponseArchive::expire(std::int64_t cutoff_ms) {
  PgParams cutoff{std::to_string(cutoff_ms), std::to_string(cutoff_ms / kDayMs - 1)};
  auto gone = co_await history_.query(
      "WITH days AS (DELETE FROM response_days WHERE day < $2::integer), "
      "built AS (DELETE FROM response_days_built WHERE day < $2::integer) "
      "DELETE FROM responses WHERE at < $1::bigint",
      std::move(cutoff), std::chrono::minutes(10));
  if (!gone) co_return unexpected(gone.error());
  co_return gone->affected;
}

}  // namespace omniroute::archive
