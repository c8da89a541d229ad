#include "reports/response_report.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "omniroute/clock.hpp"

#include "calendar/local_days.hpp"
#include "reports/csat.hpp"
#include "reports/recorder.hpp"
#include "store/history/reader.hpp"

namespace omniroute::reports {

namespace asio = boost::asio;

namespace {
constexpr std::int64_t kHourMs = 3600000;

/// One measure's distribution in one group: seconds → how many (on the target's clock and on the wall), and
/// the SLA counts.
struct Distribution {
  std::vector<std::pair<long long, long long>> seconds;  // (seconds, count) as read; merged once, for the figures
  std::vector<std::pair<long long, long long>> wall;     // the same responses in wall-clock seconds
  // One value per response (records, and the history's days): selected from, never sorted, when no
  // weighted (seconds, count) pair came with them.
  std::vector<std::int32_t> seconds_each, wall_each;
  long long with_target = 0, met = 0;
};

/// `values` merged and sorted (equal values summed; values a subtraction took to 0 dropped).
std::vector<std::pair<long long, long long>> merged(std::vector<std::pair<long long, long long>> sorted) {
  std::sort(sorted.begin(), sorted.end());
  size_t out = 0;
  for (size_t i = 0; i < sorted.size();) {
    long long value = sorted[i].first, n = 0;
    for (; i < sorted.size() && sorted[i].first == value; ++i) n += sorted[i].second;
    if (n > 0) sorted[out++] = {value, n};
  }
  sorted.resize(out);
  return sorted;
}

/// Nearest-rank percentiles of a merged distribution: the smallest value whose cumulative count reaches
/// ceil(p × count).
Percentiles percentiles_of(const std::vector<std::pair<long long, long long>>& sorted) {
  Percentiles p;
  for (const auto& [s, n] : sorted) p.count += n;
  if (p.count == 0) return p;
  p.max = sorted.back().first;
  auto at = [&](long long percent) {
    long long rank = (percent * p.count + 99) / 100, seen = 0;
    for (const auto& [s, n] : sorted) {
      seen += n;
      if (seen >= rank) return s;
    }
    return p.max;
  };
  p.p50 = at(50);
  p.p90 = at(90);
  p.p95 = at(95);
  return p;
}

/// Nearest-rank percentiles of one value per response, by selection (std::nth_element: linear, where a
/// sort of a million values is not); reorders `v`.
Percentiles percentiles_each(std::vector<std::int32_t>& v) {
  Percentiles p;
  p.count = static_cast<long long>(v.size());
  if (p.count == 0) return p;
  auto from = v.begin();
  for (auto [percent, out] : {std::pair{50LL, &p.p50}, std::pair{90LL, &p.p90}, std::pair{95LL, &p.p95}}) {
    const auto nth = v.begin() + ((percent * p.count + 99) / 100 - 1);
    std::nth_element(from, nth, v.end());  // what is before `from` is no greater than anything after it
    *out = *nth;
    from = nth;
  }
  p.max = *std::max_element(from, v.end());
  return p;
}

/// The figures of `d`; `distribution` only when `keep_distribution` (satisfaction: how many gave each score).
Figures figures_of(Distribution& d, bool keep_distribution) {
  Figures f;
  if (d.seconds.empty() && d.wall.empty()) {
    f.business = percentiles_each(d.seconds_each);
    f.wall = percentiles_each(d.wall_each);
    for (std::int32_t v : d.seconds_each) f.sum += v;
    if (keep_distribution) {
      for (std::int32_t v : d.seconds_each) d.seconds.emplace_back(v, 1);
      f.distribution = merged(std::move(d.seconds));
    }
    f.count = f.business.count;
    f.with_target = d.with_target;
    f.met = d.met;
    return f;
  }
  for (std::int32_t v : d.seconds_each) d.seconds.emplace_back(v, 1);
  for (std::int32_t v : d.wall_each) d.wall.emplace_back(v, 1);
  f.distribution = merged(d.seconds);
  f.business = percentiles_of(f.distribution);
  f.wall = percentiles_of(merged(d.wall));
  for (const auto& [s, n] : f.distribution) f.sum += s * n;
  f.count = f.business.count;
  f.with_target = d.with_target;
  f.met = d.met;
  return f;
}
}  // namespace

struct ResponseReport::Tally {
  std::map<std::string, std::map<std::string, Distribution>> groups;  // group → measure → distribution
  /// The distribution of "<measure>|<value>|" (of `group` instead of value when given); looked up by the
  /// prefix as is, so most fields cost one hash lookup and no allocation.
  Distribution& distribution(std::string_view prefix, const std::optional<std::string>& group) {
    auto it = index.find(prefix);
    if (it != index.end() && !group) return *it->second;
    const size_t bar = prefix.find('|');
    const std::string measure(prefix.substr(0, bar));
    const std::string value(prefix.substr(bar + 1, prefix.size() - bar - 2));
    Distribution* d = &groups[group.value_or(value)][measure];
    if (!group) index.emplace(std::string(prefix), d);
    return *d;
  }
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Distribution*, Hash, std::equal_to<>> index;
};

bool valid_group_by(const std::string& g) {
  static const std::set<std::string> kGroups{"queue", "channel", "agent", "label", "day"};
  return kGroups.count(g) > 0;
}

const date::time_zone* ResponseReport::plan_for(const Query& q) const {
  // Whole days come from the rollups of the report's zone, or (when the report groups by something other
  // than the day) of UTC; a day grouping in a zone without rollups reads the records.
  for (const date::time_zone* z : rollup_zones_) {
    if (z == q.zone) return z;
  }
  return q.group_by != "day" ? rollup_zones_.front() : nullptr;
}

asio::awaitable<Expected<std::vector<Row>, ReportError>> ResponseReport::run(const Query& q) {
  Tally tally;
  // Two statements, not a ?: of two co_awaits (GCC 12 frees such a temporary twice).
  Expected<bool, ReportError> ok = true;
  if (history_) ok = co_await tally_history(q, tally);
  else ok = co_await tally_redis(q, tally);
  if (!ok) co_return omniroute::unexpected(ok.error());
  std::vector<Row> rows;
  for (auto& [group, measures] : tally.groups) {
    Row row{group, {}};
    bool any = false;
    for (std::string_view m : {kFirstResponse, kNextResponse, kResolution, kCsat}) {
      auto it = measures.find(std::string(m));
      Figures f = it == measures.end() ? Figures{} : figures_of(it->second, m == kCsat);
      any = any || f.count > 0;
      row.measures[std::string(m)] = f;
    }
    if (any) rows.push_back(std::move(row));  // a group whose records were all outside the period is none
  }
  co_return rows;
}

asio::awaitable<Expected<bool, ReportError>> ResponseReport::tally_history(const Query& q, Tally& tally) {
  store::history::ReportRowsQuery h;
  h.group_by = q.group_by;
  h.dimension = q.group_by == "day" ? "all" : q.group_by;
  h.day_zone = std::string(q.zone->name());
  // The marks first: the history is read up to them, Redis after them (an hour's stream outlives its
  // mark's last move by two days: response_archive.hpp). A day with an hour still waiting is read from
  // its records even when rolled up (a record made late, by a slow clock, is not in its roll-up yet).
  // Only a waiting hour can have records both sides of its mark: the others' are all in the history.
  auto waiting = co_await store_.waiting_marks();
  if (!waiting) co_return omniroute::unexpected(ReportError{false, waiting.error().message});
  h.marks.assign(waiting->begin(), waiting->end());
  std::vector<std::int64_t> waiting_from;
  for (const auto& [hour, mark] : *waiting) waiting_from.push_back(hour_start_ms(hour));
  const date::time_zone* plan = plan_for(q);
  std::int64_t whole_from = q.to_ms, whole_to = q.to_ms;
  if (plan && q.to_ms > q.from_ms) {
    int first = sla::local_day(plan, q.from_ms);
    if (sla::day_start_ms(plan, first) < q.from_ms) ++first;
    const int end = std::max(first, sla::local_day(plan, q.to_ms));
    h.zone = std::string(plan->name());
    if (first < end) whole_from = sla::day_start_ms(plan, first), whole_to = sla::day_start_ms(plan, end);
    for (int d = first; d < end; ++d) {
      const std::int64_t from = sla::day_start_ms(plan, d), to = sla::day_start_ms(plan, d + 1);
      const bool settled = std::none_of(waiting_from.begin(), waiting_from.end(),
                                        [&](std::int64_t w) { return w >= 0 && w < to && w + kHourMs > from; });
      if (!settled) {
        h.spans.emplace_back(from, to);
        continue;
      }
      h.days.push_back(d);
      h.day_from.push_back(from);
      h.day_to.push_back(to);
    }
  }
  if (q.from_ms < whole_from) h.spans.emplace_back(q.from_ms, std::min(whole_from, q.to_ms));
  if (whole_to < q.to_ms && whole_from < whole_to) h.spans.emplace_back(whole_to, q.to_ms);
  auto rows = co_await history_->report_rows(h);
  if (!rows) co_return omniroute::unexpected(ReportError{true, rows.error().message});
  for (auto& row : rows->rows) {
    std::string key = row.kind + "|";
    key.append(row.group).push_back('|');
    Distribution& d = tally.distribution(key, std::nullopt);
    d.seconds_each.insert(d.seconds_each.end(), row.seconds.begin(), row.seconds.end());
    d.wall_each.insert(d.wall_each.end(), row.wall.begin(), row.wall.end());
    d.with_target += row.with_target;
    d.met += row.met;
  }
  // What Redis holds past the marks, in the part of the period not read rolled up.
  std::vector<std::pair<std::int64_t, std::int64_t>> from_records = h.spans;
  const std::set<int> rolled_up(rows->rolled_up.begin(), rows->rolled_up.end());
  for (std::size_t i = 0; i < h.days.size(); ++i) {
    if (!rolled_up.count(h.days[i])) from_records.emplace_back(h.day_from[i], h.day_to[i]);
  }
  for (const auto& [hour, mark] : h.marks) {
    // An hour not waiting when the report began had every record it then held in the history, up to its
    // mark (read after): only waiting hours (those in h.marks) have records past their mark to read here.
    const std::int64_t start = hour_start_ms(hour);
    if (start < 0) continue;
    const std::int64_t from = std::max(start, q.from_ms), to = std::min(start + kHourMs, q.to_ms);
    if (from >= to) continue;
    auto records = co_await store_.records(hour, from, to, mark);
    if (!records) co_return omniroute::unexpected(ReportError{false, records.error().message});
    for (const auto& r : *records) {
      const bool wanted = std::any_of(from_records.begin(), from_records.end(),
                                      [&](const auto& span) { return r.at >= span.first && r.at < span.second; });
      if (wanted) add_record(q, r, tally);
    }
  }
  co_return true;
}

asio::awaitable<Expected<bool, ReportError>> ResponseReport::tally_redis(const Query& q, Tally& tally) {
  const date::time_zone* plan = plan_for(q);
  std::int64_t whole_from = q.to_ms, whole_to = q.to_ms;  // the whole local days inside [from, to)
  if (plan && q.to_ms > q.from_ms) {
    int first = sla::local_day(plan, q.from_ms);
    if (sla::day_start_ms(plan, first) < q.from_ms) ++first;
    const int end = sla::local_day(plan, q.to_ms);  // days before it end by `to`
    if (plan != rollup_zones_.front()) {
      // A zone's rollups hold only what was recorded since it became a rollup zone: earlier days are read
      // from the records (so adding a calendar in a new zone never hides the days before it).
      auto since = co_await store_.zone_since(std::string(plan->name()));
      if (!since) co_return omniroute::unexpected(ReportError{false, since.error().message});
      first = std::min(std::max(first, first_rolled_up_day(plan, first, *since)), std::max(first, end));
    }
    if (first < end) {
      whole_from = sla::day_start_ms(plan, first);
      whole_to = sla::day_start_ms(plan, end);
      auto ok = co_await add_days(q, plan, first, end, tally);
      if (!ok) co_return omniroute::unexpected(ReportError{false, ok.error().message});
    }
  }
  if (whole_from > q.from_ms) {
    auto ok = co_await add_records(q, q.from_ms, std::min(whole_from, q.to_ms), tally);
    if (!ok) co_return omniroute::unexpected(ReportError{false, ok.error().message});
  }
  if (whole_to < q.to_ms && whole_from < whole_to) {
    auto ok = co_await add_records(q, whole_to, q.to_ms, tally);
    if (!ok) co_return omniroute::unexpected(ReportError{false, ok.error().message});
  }
  co_return true;
}

int first_rolled_up_day(const date::time_zone* zone, int first, std::int64_t since_ms) {
  if (since_ms == std::numeric_limits<std::int64_t>::max()) return std::numeric_limits<int>::max();
  int day = sla::local_day(zone, since_ms);
  if (sla::day_start_ms(zone, day) < since_ms) ++day;  // the day it began on is only partly rolled up
  return std::max(first, day);
}

asio::awaitable<store::StoreResult<bool>> ResponseReport::add_days(const Query& q, const date::time_zone* plan,
                                                                   int first, int end, Tally& tally) {
  const std::string zone(plan->name());
  const std::string dimension = q.group_by == "day" ? "all" : q.group_by;
  // Days whose rollups may already have expired cannot be taken away from their month.
  const int oldest_kept = sla::local_day(plan, now_ms()) - kRetentionDays + 1;
  for (int day = first; day < end;) {
    const int month = sla::month_first_day(day), next = sla::next_month_first_day(day);
    const int stop = std::min(next, end);
    const int outside = (day - month) + (next - stop);
    if (q.group_by != "day" && outside + 1 < stop - day && month >= oldest_kept) {
      // Cheaper as the month less the days outside the period.
      auto ok = co_await add_rollup("m:" + zone + ":" + sla::month_name(day), dimension, std::nullopt, 1, tally);
      if (!ok) co_return omniroute::unexpected(ok.error());
      for (int d = month; d < next; ++d) {
        if (d >= day && d < stop) continue;
        ok = co_await add_rollup("d:" + zone + ":" + sla::day_name(d), dimension, std::nullopt, -1, tally);
        if (!ok) co_return omniroute::unexpected(ok.error());
      }
    } else {
      for (int d = day; d < stop; ++d) {
        std::optional<std::string> group;
        if (q.group_by == "day") group = sla::day_name(d);
        auto ok = co_await add_rollup("d:" + zone + ":" + sla::day_name(d), dimension, group, 1, tally);
        if (!ok) co_return omniroute::unexpected(ok.error());
      }
    }
    day = stop;
  }
  co_return true;
}

asio::awaitable<store::StoreResult<bool>> ResponseReport::add_rollup(const std::string& name,
                                                                     const std::string& dimension,
                                                                     const std::optional<std::string>& group, int sign,
                                                                     Tally& tally) {
  auto fields = co_await store_.rollup(name, dimension);
  if (!fields) co_return omniroute::unexpected(fields.error());
  // Rollups written before wall seconds were kept have no "w" fields: their seconds stand for both clocks.
  const bool has_wall = std::any_of(fields->begin(), fields->end(), [](const store::RollupCount& c) {
    const size_t last = c.field.rfind('|');
    return last != std::string::npos && last + 1 < c.field.size() && c.field[last + 1] == 'w';
  });
  for (const auto& [field, count] : *fields) {
    // <measure>|<value>|<seconds, t or m>; the value itself may hold '|'.
    const size_t last = field.rfind('|');
    if (last == std::string::npos || field.find('|') == last) continue;
    Distribution& d = tally.distribution(std::string_view(field).substr(0, last + 1), group);
    const std::string_view what = std::string_view(field).substr(last + 1);
    const long long n = sign * count;
    if (what == "t") {
      d.with_target += n;
    } else if (what == "m") {
      d.met += n;
    } else if (!what.empty() && what.front() == 'w') {
      d.wall.emplace_back(std::atoll(what.data() + 1), n);
    } else {
      d.seconds.emplace_back(std::atoll(what.data()), n);
      if (!has_wall) d.wall.emplace_back(std::atoll(what.data()), n);
    }
  }
  co_return true;
}

asio::awaitable<store::StoreResult<bool>> ResponseReport::add_records(const Query& q, std::int64_t from_ms,
                                                                      std::int64_t to_ms, Tally& tally) {
  // Records sit in streams by UTC hour; each hour is read for the part of [from, to) it holds.
  for (std::int64_t hour = from_ms / kHourMs; hour <= (to_ms - 1) / kHourMs; ++hour) {
    auto records = co_await store_.records(hour_of(hour * kHourMs), from_ms, to_ms);
    if (!records) co_return omniroute::unexpected(records.error());
    for (const auto& r : *records) add_record(q, r, tally);
  }
  co_return true;
}

void ResponseReport::add_record(const Query& q, const store::ResponseRecord& r, Tally& tally) {
  auto add = [&](std::string_view value) {
    std::string key = r.kind + "|";
    key.append(value).push_back('|');
    Distribution& d = tally.distribution(key, std::nullopt);
    d.seconds_each.push_back(static_cast<std::int32_t>(r.seconds));
    d.wall_each.push_back(static_cast<std::int32_t>(r.wall_ms < 0 ? r.seconds : recorded_seconds(r.wall_ms)));
    if (r.met == "y" || r.met == "x") ++d.with_target;
    if (r.met == "y") ++d.met;
  };
  if (q.group_by == "day") add(sla::day_name(sla::local_day(q.zone, r.at)));
  else if (q.group_by == "queue") add(r.queue);
  else if (q.group_by == "channel") add(r.channel);
  else if (q.group_by == "agent") add(r.agent);
  else {
    bool any = false;
    for (size_t start = 0; start < r.labels.size();) {
      size_t comma = std::min(r.labels.find(',', start), r.labels.size());
      if (comma > start) add(std::string_view(r.labels).substr(start, comma - start)), any = true;
      start = comma + 1;
    }
    if (!any) add("");
  }
}

}  // namespace omniroute::reports
