// The history's schema in a real PostgreSQL: `omnirouted --migrate` makes it as a role that owns its
// database (no superuser), a second run changes nothing, and a database it cannot reach is an error
// that names it without the password.

#include <gtest/gtest.h>

#include "integration/config_builder.hpp"
#include "support/eventually.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/postgres_server.hpp"
#include "support/redis_server.hpp"
#include "support/temp_dir.hpp"

namespace omniroute::testing {
namespace {

std::string config_with_history(const std::string& url) {
  ConfigBuilder cfg(free_port(), "redis://127.0.0.1:6379/0");
  cfg.api_channel().queue("{ id: general, channels: [api] }");
  cfg.section("history", "{ url: \"" + url + "\", archive_after: 1s }");
  return cfg.yaml();
}

TEST(HistorySchema, MigrateMakesTheSchemaOnceAsTheDatabasesOwner) {
  PostgresServer pg;
  TempDir dir;
  const std::string path = dir.write("omniroute.yaml", config_with_history(pg.url()));
  auto first = run_daemon_to_end({"--migrate", "--config", path});
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output, "history schema at version 8 (applied 8)\n");
  EXPECT_EQ(pg.one("SELECT count(*) FROM schema_migrations"), "8");
  EXPECT_EQ(pg.one("SELECT tableowner FROM pg_tables WHERE tablename = 'conversations'"), "omniroute");
  EXPECT_EQ(pg.one("SELECT rolsuper FROM pg_roles WHERE rolname = 'omniroute'"), "f");
  EXPECT_EQ(pg.one("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'"), "pg_trgm");
  // Messages are split by month: this month and the next have their partitions already.
  EXPECT_EQ(pg.one("SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages'::regclass"), "4");  // + before, default

  auto again = run_daemon_to_end({"--migrate", "--config", path});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output, "history schema at version 8 (already up to date)\n");
  EXPECT_EQ(pg.one("SELECT count(*) FROM schema_migrations"), "8");
}

TEST(HistorySchema, AnUnreachableDatabaseIsNamedWithoutItsPassword) {
  TempDir dir;
  const std::uint16_t nobody = free_port();
  const std::string path = dir.write(
      "omniroute.yaml",
      config_with_history("postgresql://omniroute:sekrit-pass-1234@127.0.0.1:" + std::to_string(nobody) + "/omniroute"));
  auto r = run_daemon_to_end({"--migrate", "--config", path});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("history postgresql://omniroute:***@127.0.0.1:" + std::to_string(nobody) + "/omniroute"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("sekrit"), std::string::npos) << r.output;
}

TEST(HistorySchema, ABadUrlIsAConfigErrorAtItsPlace) {
  TempDir dir;
  const std::string path = dir.write("omniroute.yaml", "history:\n  url: mysql://db/omniroute\n");
  auto r = run_daemon_to_end({"--check-config", "--config", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(path + ":2:8: history.url: expected postgresql://user:pass@host:port/database, got "
                                 "'mysql://db/omniroute'"),
            std::string::npos)
      << r.output;
  const std::string path2 = dir.write("short.yaml", "history:\n  url: postgresql://db/omniroute\n  archive_after: 500ms\n");
  auto r2 = run_daemon_to_end({"--check-config", "--config", path2});
  EXPECT_NE(r2.output.find(path2 + ":3:18: history.archive_after: must be at least 1s"), std::string::npos) << r2.output;
  const std::string path3 =
      dir.write("order.yaml", "history:\n  url: postgresql://db/omniroute\n  archive_after: 30d\n  retention: 7d\n");
  auto r3 = run_daemon_to_end({"--check-config", "--config", path3});
  EXPECT_NE(r3.output.find(path3 + ":4:14: history.retention: must be longer than archive_after"), std::string::npos)
      << r3.output;
}

TEST(HistorySchema, RetentionDeletesWhatIsOlderAndDropsWholeMonths) {
  PostgresServer pg;
  RedisServer redis;
  const std::uint16_t port = free_port();
  ConfigBuilder cfg(port, redis.url());
  cfg.api_channel().queue("{ id: general, channels: [api] }");
  cfg.section("history", "{ url: \"" + pg.url() + "\", archive_after: 1d, retention: 400d }");
  TempDir dir;
  const std::string path = dir.write("omniroute.yaml", cfg.yaml());
  ASSERT_EQ(run_daemon_to_end({"--migrate", "--config", path}).exit_code, 0);
  // An old resolved conversation (500 days), a recent one, and one opened long ago and still open.
  pg.query(R"sql(
    INSERT INTO conversations (id, record, channel, state, contact_id, created_at, resolved_at) VALUES
      ('v1', '{"id":"v1"}', 'api', 'resolved', 'c1', now() - interval '501 days', now() - interval '500 days'),
      ('v2', '{"id":"v2"}', 'api', 'resolved', 'c1', now() - interval '2 days', now() - interval '1 day'),
      ('v3', '{"id":"v3"}', 'api', 'assigned', 'c2', now() - interval '500 days', NULL);
    INSERT INTO messages (conversation_id, entry_id, at, id, record) VALUES
      ('v1', '1-0', now() - interval '501 days', 'm1', '{"text":"पुराना संदेश"}'),
      ('v1', '1-1', now() - interval '500 days', 'm2', '{"text":"पुराना जवाब"}'),
      ('v2', '2-0', now(), 'm3', '{"text":"నిన్నటి సందేశం"}');
    INSERT INTO contact_conversations (contact_id, conversation_id, since) VALUES ('c1', 'v1', ''), ('c1', 'v2', '');
  )sql");
  // The daemon applies retention when it starts (and every hour).
  DaemonProcess daemon(cfg.yaml(), port);
  ASSERT_TRUE(eventually([&] { return pg.one("SELECT count(*) FROM conversations WHERE id = 'v1'") == "0"; }, 15'000))
      << daemon.log();
  EXPECT_EQ(pg.one("SELECT string_agg(id, ',' ORDER BY id) FROM conversations"), "v2,v3");
  EXPECT_EQ(pg.one("SELECT string_agg(id, ',' ORDER BY id) FROM messages"), "m3");
  EXPECT_EQ(pg.one("SELECT string_agg(conversation_id, ',') FROM contact_conversations"), "v2");
  // Whole months go as files: with a cutoff past this month, its partition is dropped, not emptied.
  const std::string month = pg.one("SELECT 'messages_' || to_char(now(), 'YYYY_MM')");
  EXPECT_EQ(pg.one("SELECT count(*) FROM pg_class WHERE relname = '" + month + "'"), "1");
  EXPECT_EQ(pg.one("SELECT omniroute_retention(date_trunc('month', now()) + interval '1 month')"), "1");
  EXPECT_EQ(pg.one("SELECT count(*) FROM pg_class WHERE relname = '" + month + "'"), "0");
  EXPECT_EQ(pg.one("SELECT count(*) FROM messages"), "0");
}

}  // namespace
}  // namespace omniroute::testing
