// Reports: conversations opened and answered at fixed instants around a
// weekend and a holiday (business calendar in Asia/Kolkata), recorded by the
// store's own reply and resolve scripts with reports::Recorder, then read back
// through GET /v1/reports/response_times of a real omnirouted on the same
// Redis. No clock is waited on: every instant is chosen.
//
// Every test runs twice: with Redis alone (records and roll-ups in Redis), and with a history (a real
// PostgreSQL: the daemon archives the records and rolls the days up there; the seed waits until it has,
// so the figures come from PostgreSQL's roll-ups and records) — the same figures either way.

#include <gtest/gtest.h>

#include <date/tz.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>
#include <iomanip>
#include <sstream>

#include "calendar/local_days.hpp"
#include "config/loader.hpp"
#include "integration/daemon_fixture.hpp"
#include "omniroute/clock.hpp"
#include "reports/recorder.hpp"
#include "store/agents.hpp"
#include "store/conversation_store.hpp"
#include "store/conversations.hpp"
#include "support/eventually.hpp"
#include "support/loop.hpp"
#include "support/postgres_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;
constexpr const char* kAdmin = "admin-token-for-reports-0123";
constexpr std::int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

class Reports : public DaemonTest, public ::testing::WithParamInterface<bool> {
 protected:
  Reports() {
    if (GetParam()) pg_.emplace();
    const date::time_zone* ist = sla::find_zone("Asia/Kolkata");
    // A Friday at least three weeks back (records must be younger than 400 days to be kept), and the
    // Monday after it a holiday: Fri, Sat, Sun closed, Mon holiday, Tue.
    int day = sla::local_day(ist, now_ms()) - 21;
    while (date::weekday(date::sys_days{date::days{day}}) != date::Friday) --day;
    friday_ = day;
    cfg_ = config();
    cfg_.server("admin_token", kAdmin)
        .api_channel()
        .section("calendars", "[{ id: office, timezone: Asia/Kolkata, hours: { mon: \"09:00-17:00\", tue: "
                              "\"09:00-17:00\", wed: \"09:00-17:00\", thu: \"09:00-17:00\", fri: \"09:00-17:00\" }, "
                              "holidays: [" + sla::day_name(friday_ + 3) + "] }]")
        .queue("{ id: billing, channels: [api], sla: { first_response: 1h, resolution: 8h, calendar: office } }")
        .queue("{ id: general, channels: [], sla: { first_response: 10m } }");
    if (pg_) cfg_.section("history", "{ url: \"" + pg_->url() + "\", archive_after: 30d }");
    start(cfg_);
    ChannelRegistry registry;
    register_builtin_channels(registry);
    config_ = config::load_config_text(cfg_.yaml(), "test.yaml", registry);
    policies_.emplace(*config_);
    recorder_.emplace(*policies_, *config_);

    config::RedisConfig rc = config_->redis;
    client_ = std::make_shared<store::RedisClient>(ctx_.get_executor(), rc);
    client_->start();
    while (!client_->connected()) ctx_.run_one_for(std::chrono::milliseconds(50)), ctx_.restart();
    store_ = std::make_unique<store::ConversationStore>(*client_, rc);
    conversations_.emplace(store_->client(), store_->keys());
    agents_.emplace(store_->client(), store_->keys());
    store::AgentRecord asha{"asha", "Asha", {}, 0, 100, 0, {"billing", "general"}, "", "config"};
    EXPECT_EQ(await(agents_->save(asha, store::SaveMode::upsert, now_ms())), store::SaveOutcome::ok);
    EXPECT_EQ(await(conversations_->set_presence("asha", "available", now_ms())), store::PresenceOutcome::set);
  }
  ~Reports() override { client_->stop(); }

  template <typename T>
  T await(boost::asio::awaitable<store::StoreResult<T>> op) {
    std::optional<store::StoreResult<T>> result;
    boost::asio::co_spawn(
        ctx_, [&]() -> boost::asio::awaitable<void> { result = co_await std::move(op); }, boost::asio::detached);
    EXPECT_TRUE(run_until_set(ctx_, result));
    EXPECT_TRUE(*result) << result->error().message;
    return **result;
  }

  /// An instant: local `hh:mm` in Asia/Kolkata on `friday + days`.
  std::int64_t ist(int days, int hh, int mm, int ss = 0) const {
    return sla::day_start_ms(sla::find_zone("Asia/Kolkata"), friday_ + days) + hh * kHour + mm * kMinute + ss * 1000;
  }

  /// A conversation of `queue` opened by `handle` at `at`, assigned to asha.
  /// A customer message from `handle` on the generic channel, received at `at`.
  static Message message(const std::string& handle, const std::string& text, std::int64_t at) {
    Message m;
    m.channel_id = "api";
    m.channel_kind = "webhook";
    m.provider_id = handle + text + std::to_string(at);
    m.handle_kind = "api";
    m.contact_handle = handle;
    m.thread_key = handle;
    m.text = text;
    m.received_time_ms = at;
    return m;
  }

  std::string open(const std::string& queue, const std::string& handle, std::int64_t at) {
    store::IngestPlan plan;
    plan.queue = queue;
    auto out = await(store_->ingest(message(handle, "नमस्ते, मेरा बिल गलत है", at), Medium::chat, plan));
    store::RoutePass pass{queue, queue, queue, "chat", at, 100, 0, std::nullopt, 0};
    auto assigned = await(agents_->route(pass));
    EXPECT_EQ(assigned.size(), 1u);
    return out.conversation_id;
  }
  /// The customer writes again at `at`.
  void write_again(const std::string& handle, std::int64_t at) {
    store::IngestPlan plan;
    plan.queue = "billing";
    plan.start_next_response = true;
    await(store_->ingest(message(handle, "ఇంకా సమాధానం రాలేదు", at), Medium::chat, plan));
  }
  /// asha answers at `at`, as the agent API does (recorded by the reply script itself).
  void answer(const std::string& conv, std::int64_t at) {
    auto clock = await(conversations_->response_clock(conv));
    ASSERT_TRUE(clock);
    store::ReplyRequest r{conv, "asha", {"ठीक है"}, at, "", recorder_->for_reply(*clock, at).json};
    EXPECT_EQ(await(conversations_->reply(r)).status, store::ReplyOutcome::Status::sent);
  }
  void resolve(const std::string& conv, std::int64_t at) {
    auto clock = await(conversations_->response_clock(conv));
    ASSERT_TRUE(clock);
    EXPECT_EQ(await(conversations_->resolve(conv, "asha", at, recorder_->for_resolution(*clock, at).json)),
              store::ResolveOutcome::resolved);
  }

  /// The week's conversations, answered at known instants (business seconds in comments).
  void seed() {
    answer(open("billing", "c1", ist(0, 16, 30)), ist(4, 9, 45));  // Fri 30 min + Mon holiday + Tue 45 min: 4500, missed
    std::string c2 = open("billing", "c2", ist(0, 10, 0));
    answer(c2, ist(0, 10, 5));                                       // 300, met
    write_again("c2", ist(0, 10, 30));
    answer(c2, ist(0, 10, 40));                                      // next response 600, no target
    resolve(c2, ist(0, 11, 0));                                      // resolution 3600 of 8h: met
    answer(open("billing", "c3", ist(1, 11, 0)), ist(2, 20, 0));     // weekend: 0, met
    answer(open("billing", "c4", ist(4, 8, 0)), ist(4, 9, 20));      // before opening: 1200, met
    answer(open("general", "c5", ist(0, 12, 0)), ist(0, 12, 9, 30)); // no calendar: 570, met
    answer(open("general", "c6", ist(1, 23, 50)), ist(2, 0, 20));    // 1800, missed; Sun in IST, Sat in UTC
    settle();
  }

  /// With a history: waits until every record is in PostgreSQL and every closed day rolled up there.
  void settle() {
    if (!pg_) return;
    auto settled = [&] {
      if (redis.one({"SCARD", it_keys().responses_waiting()}) != "0") return false;
      auto metrics = http_request(port, "GET", "/metrics");
      return metrics.body.find("\nomniroute_report_days_waiting 0\n") != std::string::npos;
    };
    ASSERT_TRUE(eventually(settled, 30'000)) << daemon->log();
    ASSERT_NE(pg_->one("SELECT count(*) FROM response_days_built"), "0");
  }

  json::object report(const std::string& query) {
    auto r = as(kAdmin, "GET", "/v1/reports/response_times?" + query);
    EXPECT_EQ(r.status, 200) << r.body << (daemon ? daemon->log() : "");
    return json::parse(r.body).as_object();
  }
  /// The rows of a report by group: group → measure → figures.
  std::map<std::string, json::object> rows(const std::string& query) {
    std::map<std::string, json::object> out;
    json::object whole = report(query);
    for (auto& row : whole["rows"].as_array()) out[std::string(row.at("group").as_string())] = row.as_object();
    return out;
  }
  std::string date(int days) const { return sla::day_name(friday_ + days); }

  std::optional<PostgresServer> pg_;
  ConfigBuilder cfg_{config()};
  int friday_ = 0;
  std::optional<config::Config> config_;
  std::optional<sla::Policies> policies_;
  std::optional<reports::Recorder> recorder_;
  boost::asio::io_context ctx_;
  std::shared_ptr<store::RedisClient> client_;
  std::unique_ptr<store::ConversationStore> store_;
  std::optional<store::Conversations> conversations_;
  std::optional<store::Agents> agents_;
};

/// "count p50 p90 p95 max compliance" of one measure, as the report shows them: the top-level figures (wall
/// clock) or those of `clock` ("wall", "business").
std::string figures(const json::object& row, const char* measure, const char* clock = nullptr) {
  const auto& f = row.at(measure).as_object();
  const auto& p = clock ? f.at(clock).as_object() : f;
  std::ostringstream out;
  out << f.at("count").as_int64();
  for (const char* k : {"p50", "p90", "p95", "max"}) out << " " << json::serialize(p.at(k));
  const json::value& c = f.at("compliance");
  out << " ";
  if (c.is_null()) out << "null";
  else out << std::setprecision(4) << c.to_number<double>();
  return out.str();
}

TEST_P(Reports, PercentilesAndComplianceInBusinessTimeAcrossAWeekendAndAHoliday) {
  seed();
  auto by_queue = rows("from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata&group_by=queue");
  ASSERT_EQ(by_queue.size(), 2u);
  // billing in business time: 0, 300, 1200, 4500 (nearest rank: p50 is the 2nd of 4, p90 and p95 the 4th);
  // 3 of 4 in 1 h. On the wall: 300, 4800 (Tue 08:00-09:20), 118800 (Sat 11:00 to Sun 20:00) and 321300 (Fri
  // 16:30 to Tue 09:45): what the customers waited, shown beside the business figures, never instead of them.
  EXPECT_EQ(figures(by_queue["billing"], "first_response", "business"), "4 300 4500 4500 4500 0.75");
  EXPECT_EQ(figures(by_queue["billing"], "first_response", "wall"), "4 4800 321300 321300 321300 0.75");
  EXPECT_EQ(figures(by_queue["billing"], "first_response"), "4 4800 321300 321300 321300 0.75");
  EXPECT_EQ(figures(by_queue["billing"], "next_response", "business"), "1 600 600 600 600 null");
  EXPECT_EQ(figures(by_queue["billing"], "resolution", "business"), "1 3600 3600 3600 3600 1");
  EXPECT_EQ(figures(by_queue["billing"], "resolution", "wall"), "1 3600 3600 3600 3600 1");
  // general has no calendar: both clocks are wall time, 570 and 1800; one of two in 10 min.
  EXPECT_EQ(figures(by_queue["general"], "first_response", "business"), "2 570 1800 1800 1800 0.5");
  EXPECT_EQ(figures(by_queue["general"], "first_response", "wall"), "2 570 1800 1800 1800 0.5");
  EXPECT_EQ(figures(by_queue["general"], "resolution"), "0 null null null null null");

  // An agent answering both queues: each response on its own clock in `business`, the wall clock in `wall`
  // (570, 300, 1800, 4800, 118800, 321300) — never a distribution that mixes them unlabelled.
  auto by_agent = rows("from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata&group_by=agent");
  ASSERT_EQ(by_agent.size(), 1u);
  EXPECT_EQ(figures(by_agent["asha"], "first_response", "business"), "6 570 4500 4500 4500 0.6667");
  EXPECT_EQ(figures(by_agent["asha"], "first_response", "wall"), "6 1800 321300 321300 321300 0.6667");
  // Numbers as people read them: 0.75 and 1, never 7.5E-1 or 1E0.
  auto raw = as(kAdmin, "GET", "/v1/reports/response_times?from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata");
  EXPECT_NE(raw.body.find("\"compliance\":0.75,"), std::string::npos) << raw.body;
  EXPECT_NE(raw.body.find("\"compliance\":1,"), std::string::npos) << raw.body;
  EXPECT_EQ(raw.body.find("E-"), std::string::npos) << raw.body;
  EXPECT_EQ(raw.body.find("E0"), std::string::npos) << raw.body;
}

TEST_P(Reports, ATimeZoneMovesTheDayBoundaries) {
  seed();
  // c6 was answered at 00:20 on Sunday in India, which is 18:50 on Saturday in UTC.
  auto ist_days = rows("from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata&group_by=day");
  EXPECT_EQ(ist_days.count(date(1)), 0u);
  EXPECT_EQ(ist_days[date(2)]["first_response"].as_object()["count"].as_int64(), 2);
  EXPECT_EQ(ist_days[date(0)]["first_response"].as_object()["count"].as_int64(), 2);
  EXPECT_EQ(ist_days[date(4)]["first_response"].as_object()["count"].as_int64(), 2);
  auto utc_days = rows("from=" + date(-1) + "&to=" + date(5) + "&tz=UTC&group_by=day");
  EXPECT_EQ(utc_days[date(1)]["first_response"].as_object()["count"].as_int64(), 1);
  EXPECT_EQ(utc_days[date(2)]["first_response"].as_object()["count"].as_int64(), 1);
  // A zone without rollups (New York) reads the records themselves: c6 on Saturday, c3 on Sunday.
  auto ny_days = rows("from=" + date(-1) + "&to=" + date(5) + "&tz=America/New_York&group_by=day");
  EXPECT_EQ(ny_days[date(1)]["first_response"].as_object()["count"].as_int64(), 1);
  EXPECT_EQ(ny_days[date(2)]["first_response"].as_object()["count"].as_int64(), 1);
  EXPECT_EQ(ny_days[date(0)]["first_response"].as_object()["count"].as_int64() +
                ny_days[date(-1)]["first_response"].as_object()["count"].as_int64(),
            2);
}

TEST_P(Reports, PartialDaysAtTheEndsComeFromTheRecordsAndMonthsFromRollups) {
  seed();
  // From Fri 10:10 to Tue 09:30 in India: c2's first response (10:05) and c1's (Tue 09:45) fall outside.
  auto from = format_rfc3339_ms(ist(0, 10, 10)), to = format_rfc3339_ms(ist(4, 9, 30));
  auto part = rows("from=" + from + "&to=" + to + "&tz=Asia/Kolkata&group_by=queue");
  EXPECT_EQ(figures(part["billing"], "first_response", "business"), "2 0 1200 1200 1200 1");
  EXPECT_EQ(figures(part["billing"], "first_response", "wall"), "2 4800 118800 118800 118800 1");
  EXPECT_EQ(figures(part["billing"], "next_response"), "1 600 600 600 600 null");
  EXPECT_EQ(figures(part["general"], "first_response"), "2 570 1800 1800 1800 0.5");
  // The same week inside a long period (whole months from month rollups) gives the same figures.
  auto wide = rows("from=" + date(-120) + "&to=" + date(20) + "&tz=Asia/Kolkata&group_by=queue");
  auto week = rows("from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata&group_by=queue");
  EXPECT_EQ(json::serialize(wide["billing"]), json::serialize(week["billing"]));
  EXPECT_EQ(json::serialize(wide["general"]), json::serialize(week["general"]));
}

TEST_P(Reports, CsvHasTheSameRowsAsJson) {
  seed();
  const std::string query = "from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata&group_by=queue";
  auto csv = as(kAdmin, "GET", "/v1/reports/response_times?" + query + "&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.headers["content-type"].find("text/csv"), std::string::npos);
  auto by_accept = http_request(port, "GET", "/v1/reports/response_times?" + query,
                                {{"Authorization", std::string("Bearer ") + kAdmin}, {"Accept", "text/csv"}});
  EXPECT_EQ(by_accept.body, csv.body);
  // q-values are honoured: JSON preferred here, CSV there.
  for (const auto& [accept, want_csv] : std::vector<std::pair<std::string, bool>>{
           {"text/csv;q=0.1, application/json", false}, {"application/json;q=0.5, text/csv", true},
           {"text/*;q=0.9, application/json;q=0.8", true}, {"*/*", false}, {"text/csv;q=0", false}}) {
    auto r = http_request(port, "GET", "/v1/reports/response_times?" + query,
                          {{"Authorization", std::string("Bearer ") + kAdmin}, {"Accept", accept}});
    EXPECT_EQ(r.headers["content-type"].find("text/csv") != std::string::npos, want_csv) << accept;
  }
  std::istringstream lines(csv.body);
  std::string header, line;
  std::getline(lines, header);
  EXPECT_EQ(header.substr(0, 27), "queue,first_response_count,");
  auto json_rows = rows(query);
  int n = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells{""};
    for (char c : line) {
      if (c == ',') cells.emplace_back();
      else cells.back().push_back(c);
    }
    ASSERT_EQ(cells.size(), 44u) << line;
    const json::object& row = json_rows.at(cells[0]);
    size_t i = 1;
    for (const char* m : {"first_response", "next_response", "resolution"}) {
      const auto& f = row.at(m).as_object();
      EXPECT_EQ(cells[i++], json::serialize(f.at("count"))) << m;
      for (const char* clock : {"wall", "business"}) {
        for (const char* k : {"p50", "p90", "p95", "max"}) {
          const auto& v = f.at(clock).at(k);
          EXPECT_EQ(cells[i++], v.is_null() ? "" : json::serialize(v)) << m << " " << clock << " " << k;
        }
      }
      const auto& c = f.at("compliance");
      if (c.is_null()) EXPECT_EQ(cells[i++], "") << m << " compliance";
      else EXPECT_DOUBLE_EQ(std::stod(cells[i++]), c.to_number<double>()) << m << " compliance";
      EXPECT_EQ(cells[i++], json::serialize(f.at("met"))) << m;
      EXPECT_EQ(cells[i++], json::serialize(f.at("with_target"))) << m;
    }
    EXPECT_EQ(cells[37], json::serialize(row.at("csat").at("count")));
    EXPECT_EQ(cells[38], "");  // no survey answered: no average
    for (size_t s = 39; s < 44; ++s) EXPECT_EQ(cells[s], "0");
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST_P(Reports, AddingACalendarInANewZoneNeverHidesTheDaysBeforeIt) {
  seed();
  const std::string query = "from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kathmandu&group_by=";
  auto by_queue = rows(query + "queue");
  auto by_day = rows(query + "day");
  ASSERT_EQ(by_queue.size(), 2u);
  // The daemon restarts with a calendar in Kathmandu: from now on it keeps rollups in that zone too.
  start(ConfigBuilder(cfg_).section(
      "calendars", "[{ id: office, timezone: Asia/Kolkata, hours: { mon: \"09:00-17:00\" }, holidays: [" +
                       sla::day_name(friday_ + 3) + "] }, { id: nepal, timezone: Asia/Kathmandu, hours: { mon: "
                       "\"10:00-18:00\" } }]"));
  EXPECT_EQ(json::serialize(json::value_from(rows(query + "queue"))), json::serialize(json::value_from(by_queue)));
  EXPECT_EQ(json::serialize(json::value_from(rows(query + "day"))), json::serialize(json::value_from(by_day)));
  if (pg_) {
    // The history rolls the new zone's days up from the records it kept, the days before it too.
    settle();
    EXPECT_NE(pg_->one("SELECT count(*) FROM response_days_built WHERE zone = 'Asia/Kathmandu' AND day = " +
                       std::to_string(friday_)),
              "0");
    EXPECT_EQ(json::serialize(json::value_from(rows(query + "queue"))), json::serialize(json::value_from(by_queue)));
    EXPECT_EQ(json::serialize(json::value_from(rows(query + "day"))), json::serialize(json::value_from(by_day)));
    return;
  }
  // What it rolls up is marked with the moment it began; days before that come from the records.
  EXPECT_NE(redis.one({"HGET", it_keys().rollup_zones(), "Asia/Kathmandu"}), "(nil)");
}

TEST_P(Reports, PercentEncodedQueriesAsTheBoardSendsThem) {
  seed();
  // encodeURIComponent: "Asia/Kolkata" → Asia%2FKolkata, "+05:30" → %2B05%3A30.
  const std::string plain = "from=" + date(-1) + "&to=" + date(5) + "&tz=Asia/Kolkata&group_by=queue";
  const std::string encoded = "from=" + date(-1) + "T00%3A00%3A00%2B05%3A30&to=" + date(5) +
                              "T23%3A59%3A59.999%2B05%3A30&tz=Asia%2FKolkata&group_by=queue";
  auto a = as(kAdmin, "GET", "/v1/reports/response_times?" + plain);
  auto b = as(kAdmin, "GET", "/v1/reports/response_times?" + encoded);
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(json::parse(a.body).at("rows"), json::parse(b.body).at("rows"));
  EXPECT_EQ(json::parse(b.body).at("tz"), "Asia/Kolkata");
  auto calcutta = as(kAdmin, "GET", "/v1/reports/response_times?tz=Asia%2FCalcutta");
  EXPECT_EQ(calcutta.status, 200) << calcutta.body;
  EXPECT_EQ(as(kAdmin, "GET", "/v1/reports/response_times?tz=Asia%2").status, 400);
}

TEST_P(Reports, RecordsAndRollupsAreKept400DaysAndNoLonger) {
  const std::int64_t now = now_ms();
  answer(open("general", "old", now - 401 * kDay), now - 401 * kDay + kMinute);
  answer(open("general", "kept", now - 399 * kDay), now - 399 * kDay + kMinute);
  const store::Keys& k = store_->keys();
  auto utc = [](std::int64_t at) { return sla::day_name(static_cast<int>(at / kDay)); };
  if (pg_) {
    // The history keeps records 400 days too: one made 402 days ago (archived before a long stop, say)
    // goes at the daemon's next start.
    settle();
    EXPECT_EQ(pg_->one("SELECT count(*) FROM responses"), "1");  // the 401-day-old one never got there
    pg_->query("INSERT INTO responses (hour, entry_ms, entry_seq, at, kind, seconds, wall_seconds, met) VALUES ('" +
               reports::hour_of(now - 402 * kDay) + "', " + std::to_string(now - 402 * kDay) + ", 0, " +
               std::to_string(now - 402 * kDay) + ", 'first_response', 60, 60, 'y')");
    EXPECT_EQ(pg_->one("SELECT count(*) FROM responses"), "2");
    start(cfg_);
    EXPECT_TRUE(eventually([&] { return pg_->one("SELECT count(*) FROM responses") == "1"; }, 15'000)) << daemon->log();
    EXPECT_EQ(pg_->one("SELECT count(*) FROM responses WHERE at < " + std::to_string(now - 400 * kDay)), "0");
    // Redis keeps no roll-ups when the history does.
    EXPECT_EQ(redis.one({"EXISTS", k.rollup("d:UTC:" + utc(now - 399 * kDay + kMinute), "queue")}), "0");
    return;
  }
  EXPECT_EQ(redis.one({"EXISTS", k.responses(reports::hour_of(now - 401 * kDay + kMinute))}), "0");
  EXPECT_EQ(redis.one({"EXISTS", k.rollup("d:UTC:" + utc(now - 401 * kDay + kMinute), "queue")}), "0");
  const long ttl = std::stol(redis.one({"TTL", k.responses(reports::hour_of(now - 399 * kDay + kMinute))}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 2 * 86400);
  EXPECT_GT(std::stol(redis.one({"TTL", k.rollup("d:UTC:" + utc(now - 399 * kDay + kMinute), "queue")})), 0);
}

TEST_P(Reports, AReplyAndAResolveThroughTheApiAreEachRecordedOnce) {
  start(ConfigBuilder(cfg_).agent("{ id: ravi, token: ravi-token-0123456789, capacity: { chat: 5 } }"));
  ASSERT_EQ(as("ravi-token-0123456789", "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_message(port, "m1", "+919800000001", "hello").status, 200);
  std::string conv;
  ASSERT_TRUE(eventually([&] { return field(conv = conversation_of("+919800000001"), "agent") == "ravi"; }));
  ASSERT_EQ(as("ravi-token-0123456789", "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"hi"})").status, 202);
  ASSERT_EQ(as("ravi-token-0123456789", "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"more"})").status, 202);
  ASSERT_EQ(as("ravi-token-0123456789", "POST", "/v1/conversations/" + conv + "/resolve").status, 200);
  auto agents = rows("group_by=agent");
  EXPECT_EQ(agents["ravi"]["first_response"].as_object()["count"].as_int64(), 1);
  EXPECT_EQ(agents["ravi"]["next_response"].as_object()["count"].as_int64(), 0);
  EXPECT_EQ(agents["ravi"]["resolution"].as_object()["count"].as_int64(), 1);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/reports/response_times?group_by=weekday").status, 400);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/reports/response_times?tz=Mars/Olympus").status, 400);
  auto hostile = as(kAdmin, "GET", "/v1/reports/response_times?tz=" + std::string(5000, 'x'));
  EXPECT_EQ(hostile.status, 400);
  EXPECT_LT(hostile.body.size(), 200u) << "the unknown name is not mirrored back at length";
  EXPECT_EQ(as(kAdmin, "GET", "/v1/reports/response_times?from=2026-13-01").status, 400);
  EXPECT_EQ(as("ravi-token-0123456789", "GET", "/v1/reports/response_times").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Stores, Reports, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "History" : "Redis"; });

}  // namespace
}  // namespace omniroute::testing
