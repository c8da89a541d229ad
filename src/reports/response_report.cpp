#include "reports/response_report.hpp"

#include <date/tz.h>

#include <cmath>
#include <set>

#include "calendar/local_days.hpp"
#include "reports/recorder.hpp"

namespace omniroute::reports {

namespace asio = boost::asio;

namespace {
constexpr std::int64_t kDayMs = 86400000;

/// One measure's distribution in one group: seconds → how many, and the SLA counts.
struct Distribution {
  std::map<long long, long long> seconds;
  long long with_target = 0, met = 0;
};

Figures figures_of(const Distribution& d) {
  Figures f;
  for (const auto& [s, n] : d.seconds) f.count += n;
  f.with_target = d.with_target;
  f.met = d.met;
  if (f.count == 0) return f;
  f.max = d.seconds.rbegin()->first;
  // Nearest rank: the smallest value whose cumulative count reaches ceil(p × count).
  auto at = [&](long long percent) {
    long long rank = (percent * f.count + 99) / 100, seen = 0;
    for (const auto& [s, n] : d.seconds) {
      seen += n;
      if (seen >= rank) return s;
    }
    return f.max;
  };
  f.p50 = at(50);
  f.p90 = at(90);
  f.p95 = at(95);
  return f;
}
}  // namespace

struct ResponseReport::Tally {
  std::map<std::string, std::map<std::string, Distribution>> groups;  // group → measure → distribution
};

bool valid_group_by(const std::string& g) {
  static const std::set<std::string> kGroups{"queue", "channel", "agent", "label", "day"};
  return kGroups.count(g) > 0;
}

asio::awaitable<store::StoreResult<std::vector<Row>>> ResponseReport::run(const Query& q) {
  Tally tally;
  // Whole days come from the rollups of the report's zone, or (when the report groups by something other
  // than the day) of UTC; a day grouping in a zone without rollups reads the records.
  const date::time_zone* plan = nullptr;
  for (const date::time_zone* z : rollup_zones_) {
    if (z == q.zone) plan = z;
  }
  if (!plan && q.group_by != "day") plan = rollup_zones_.front();
  std::int64_t whole_from = q.to_ms, whole_to = q.to_ms;  // the whole local days inside [from, to)
  if (plan && q.to_ms > q.from_ms) {
    int first = sla::local_day(plan, q.from_ms);
    if (sla::day_start_ms(plan, first) < q.from_ms) ++first;
    const int end = sla::local_day(plan, q.to_ms);  // days before it end by `to`
    if (first < end) {
      whole_from = sla::day_start_ms(plan, first);
      whole_to = sla::day_start_ms(plan, end);
      const std::string zone(plan->name());
      const std::string dimension = q.group_by == "day" ? "all" : q.group_by;
      for (int day = first; day < end;) {
        // A whole month inside the period is one read (not when each day is its own row).
        if (q.group_by != "day" && sla::month_first_day(day) == day && sla::next_month_first_day(day) <= end) {
          auto ok = co_await add_rollup("m:" + zone + ":" + sla::month_name(day), dimension, std::nullopt, tally);
          if (!ok) co_return omniroute::unexpected(ok.error());
          day = sla::next_month_first_day(day);
          continue;
        }
        std::optional<std::string> group;
        if (q.group_by == "day") group = sla::day_name(day);
        auto ok = co_await add_rollup("d:" + zone + ":" + sla::day_name(day), dimension, group, tally);
        if (!ok) co_return omniroute::unexpected(ok.error());
        ++day;
      }
    }
  }
  if (whole_from > q.from_ms) {
    auto ok = co_await add_records(q, q.from_ms, std::min(whole_from, q.to_ms), tally);
    if (!ok) co_return omniroute::unexpected(ok.error());
  }
  if (whole_to < q.to_ms && whole_from < whole_to) {
    auto ok = co_await add_records(q, whole_to, q.to_ms, tally);
    if (!ok) co_return omniroute::unexpected(ok.error());
  }
  std::vector<Row> rows;
  for (const auto& [group, measures] : tally.groups) {
    Row row{group, {}};
    for (std::string_view m : {kFirstResponse, kNextResponse, kResolution}) {
      auto it = measures.find(std::string(m));
      row.measures[std::string(m)] = it == measures.end() ? Figures{} : figures_of(it->second);
    }
    rows.push_back(std::move(row));
  }
  co_return rows;
}

asio::awaitable<store::StoreResult<bool>> ResponseReport::add_rollup(const std::string& name,
                                                                     const std::string& dimension,
                                                                     const std::optional<std::string>& group,
                                                                     Tally& tally) {
  auto fields = co_await store_.rollup(name, dimension);
  if (!fields) co_return omniroute::unexpected(fields.error());
  for (const auto& [field, count] : *fields) {
    // <measure>|<value>|<seconds, t or m>; the value itself may hold '|'.
    const size_t first = field.find('|'), last = field.rfind('|');
    if (first == std::string::npos || last == first) continue;
    const std::string measure = field.substr(0, first);
    const std::string value = field.substr(first + 1, last - first - 1);
    const std::string what = field.substr(last + 1);
    Distribution& d = tally.groups[group.value_or(value)][measure];
    const long long n = std::atoll(count.c_str());
    if (what == "t") d.with_target += n;
    else if (what == "m") d.met += n;
    else d.seconds[std::atoll(what.c_str())] += n;
  }
  co_return true;
}

asio::awaitable<store::StoreResult<bool>> ResponseReport::add_records(const Query& q, std::int64_t from_ms,
                                                                      std::int64_t to_ms, Tally& tally) {
  // Records sit in streams by UTC day; each read day is filtered to [from, to).
  for (std::int64_t day = from_ms / kDayMs; day <= (to_ms - 1) / kDayMs; ++day) {
    auto records = co_await store_.records(sla::day_name(static_cast<int>(day)));
    if (!records) co_return omniroute::unexpected(records.error());
    for (auto& r : *records) {
      const std::int64_t at = std::atoll(r.fields["at"].c_str());
      if (at < from_ms || at >= to_ms) continue;
      std::vector<std::string> groups;
      if (q.group_by == "day") groups.push_back(sla::day_name(sla::local_day(q.zone, at)));
      else if (q.group_by == "label") {
        const std::string& labels = r.fields["labels"];
        for (size_t start = 0; start < labels.size();) {
          size_t comma = labels.find(',', start);
          if (comma == std::string::npos) comma = labels.size();
          if (comma > start) groups.push_back(labels.substr(start, comma - start));
          start = comma + 1;
        }
        if (groups.empty()) groups.emplace_back();
      } else {
        groups.push_back(r.fields[q.group_by]);
      }
      const std::string& met = r.fields["met"];
      for (const auto& g : groups) {
        Distribution& d = tally.groups[g][r.fields["kind"]];
        d.seconds[std::atoll(r.fields["seconds"].c_str())] += 1;
        if (met == "y" || met == "x") ++d.with_target;
        if (met == "y") ++d.met;
      }
    }
  }
  co_return true;
}

}  // namespace omniroute::reports
