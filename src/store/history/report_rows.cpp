// HistoryReader::report_rows: a report's distributions from the history. Rolled-up days come as one row
// per group and measure (their seconds packed as big-endian int4s); the rest of the period is grouped
// from the records in the same statement, up to each hour's mark (what comes after it is in Redis).

#include <boost/algorithm/hex.hpp>
#include <boost/endian/conversion.hpp>

#include "store/history/reader.hpp"

namespace omniroute::store::history {

namespace asio = boost::asio;

namespace {

/// int4send's bytes, as the text result shows a bytea ("\x0000012c…"), back to numbers.
std::vector<std::int32_t> int4s_of(const std::string& text) {
  std::vector<std::int32_t> out;
  if (text.size() < 2 || text.compare(0, 2, "\\x") != 0) return out;
  std::string bytes;
  bytes.reserve((text.size() - 2) / 2);
  try {
    boost::algorithm::unhex(text.begin() + 2, text.end(), std::back_inserter(bytes));
  } catch (const boost::algorithm::hex_decode_error&) {
    return out;
  }
  out.reserve(bytes.size() / 4);
  for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4) out.push_back(boost::endian::load_big_s32(
      reinterpret_cast<const unsigned char*>(bytes.data() + i)));
  return out;
}

/// The group a record falls in, as SQL over `raw` (group_by was checked against this list).
std::string group_of(const std::string& group_by) {
  if (group_by == "day") {
    return "SELECT to_char((timestamptz 'epoch' + raw.at * interval '1 millisecond') AT TIME ZONE $9, "
           "'YYYY-MM-DD')";
  }
  if (group_by == "label") {
    return "SELECT unnest(CASE WHEN cardinality(raw.labels) = 0 THEN ARRAY[''] ELSE raw.labels END)";
  }
  if (group_by == "channel") return "SELECT raw.channel";
  if (group_by == "agent") return "SELECT raw.agent";
  return "SELECT raw.queue";
}

}  // namespace

asio::awaitable<PgResult<ReportRows>> HistoryReader::report_rows(const ReportRowsQuery& q) {
  std::vector<std::optional<std::int64_t>> days;
  std::vector<std::optional<std::int64_t>> from, to;
  for (std::size_t i = 0; i < q.days.size(); ++i) {
    days.emplace_back(q.days[i]);
    from.emplace_back(q.day_from[i]);
    to.emplace_back(q.day_to[i]);
  }
  for (const auto& [a, b] : q.spans) {
    days.emplace_back(std::nullopt);
    from.emplace_back(a);
    to.emplace_back(b);
  }
  std::vector<std::string> hours;
  std::vector<std::optional<std::int64_t>> mark_ms, mark_seq;
  for (const auto& [hour, id] : q.marks) {
    const std::size_t dash = id.find('-');
    hours.push_back(hour);
    mark_ms.emplace_back(std::atoll(id.substr(0, dash).c_str()));
    mark_seq.emplace_back(dash == std::string::npos ? 0 : std::atoll(id.c_str() + dash + 1));
  }
  const std::string rolled_value =
      q.group_by == "day" ? "to_char(date '1970-01-01' + day, 'YYYY-MM-DD')" : std::string("value");
  const std::string sql =
      "WITH built AS (SELECT day FROM response_days_built WHERE zone = $1 AND day = ANY($3::integer[])), "
      "spans AS (SELECT w.s, w.e FROM unnest($3::integer[], $4::bigint[], $5::bigint[]) AS w(day, s, e) "
      "  WHERE w.day IS NULL OR w.day NOT IN (SELECT day FROM built)), "
      "marks AS (SELECT * FROM unnest($6::text[], $7::bigint[], $8::bigint[]) AS m(hour, ms, seq)), "
      // Each span's records by the index on `at` (OFFSET 0 keeps the subquery a nested loop: flattened,
      // the planner, not knowing the spans, may read the whole table).
      "raw AS (SELECT r.* FROM spans CROSS JOIN LATERAL "
      "  (SELECT * FROM responses WHERE at >= spans.s AND at < spans.e OFFSET 0) AS r "
      "  LEFT JOIN marks m ON m.hour = r.hour "
      "  WHERE m.hour IS NULL OR (r.entry_ms, r.entry_seq) <= (m.ms, m.seq)) "
      "SELECT 'built' AS source, day::text AS grp, '' AS kind, NULL::bytea AS seconds, NULL::bytea AS wall, "
      "  0::bigint AS with_target, 0::bigint AS met FROM built "
      "UNION ALL "
      "SELECT 'day', " + rolled_value + ", kind, seconds, wall, with_target, met FROM response_days "
      "  WHERE zone = $1 AND dimension = $2 AND day IN (SELECT day FROM built) "
      "UNION ALL "
      "SELECT 'records', g.grp, raw.kind, string_agg(int4send(raw.seconds), ''::bytea), "
      "  string_agg(int4send(raw.wall_seconds), ''::bytea), count(*) FILTER (WHERE raw.met IN ('y', 'x')), "
      "  count(*) FILTER (WHERE raw.met = 'y') "
      "FROM raw CROSS JOIN LATERAL (" + group_of(q.group_by) + ") AS g(grp) GROUP BY g.grp, raw.kind";
  PgParams params{q.zone,
                  q.dimension,
                  pg_int_array(days),
                  pg_int_array(from),
                  pg_int_array(to),
                  pg_text_array(hours),
                  pg_int_array(mark_ms),
                  pg_int_array(mark_seq)};
  if (q.group_by == "day") params.emplace_back(q.day_zone);
  auto rows = co_await query(sql, std::move(params));
  ReportRows out;
  // No tables yet (the daemon has just started and not migrated, or the schema predates them): the
  // history holds no record, Redis has them all.
  if (!rows && rows.error().sqlstate == "42P01") co_return out;
  if (!rows) co_return unexpected(rows.error());
  for (auto& row : rows->rows) {
    const std::string source = row[0].value_or("");
    if (source == "built") {
      out.rolled_up.push_back(std::atoi(row[1].value_or("0").c_str()));
      continue;
    }
    ReportRow r;
    r.group = row[1].value_or("");
    r.kind = row[2].value_or("");
    r.seconds = int4s_of(row[3].value_or(""));
    r.wall = int4s_of(row[4].value_or(""));
    r.with_target = std::atoll(row[5].value_or("0").c_str());
    r.met = std::atoll(row[6].value_or("0").c_str());
    out.rows.push_back(std::move(r));
  }
  co_return out;
}

}  // namespace omniroute::store::history
