// The history's schema in a real PostgreSQL: `omnirouted --migrate` makes it as a role that owns its
// database (no superuser), a second run changes nothing, and a database it cannot reach is an error
// that names it without the password.

#include <gtest/gtest.h>

#include "integration/config_builder.hpp"
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
  EXPECT_EQ(first.output, "history schema at version 2 (applied 2)\n");
  EXPECT_EQ(pg.one("SELECT count(*) FROM schema_migrations"), "2");
  EXPECT_EQ(pg.one("SELECT tableowner FROM pg_tables WHERE tablename = 'conversations'"), "omniroute");
  EXPECT_EQ(pg.one("SELECT rolsuper FROM pg_roles WHERE rolname = 'omniroute'"), "f");
  EXPECT_EQ(pg.one("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'"), "pg_trgm");
  // Messages are split by month: this month and the next have their partitions already.
  EXPECT_EQ(pg.one("SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages'::regclass"), "3");

  auto again = run_daemon_to_end({"--migrate", "--config", path});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output, "history schema at version 2 (already up to date)\n");
  EXPECT_EQ(pg.one("SELECT count(*) FROM schema_migrations"), "2");
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
}

}  // namespace
}  // namespace omniroute::testing
