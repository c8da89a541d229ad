#pragma once
// The history's schema in PostgreSQL, as numbered migrations applied in order, each in its own
// transaction and recorded in schema_migrations; an advisory lock keeps two daemons starting at once
// from applying one twice. docs/history-schema.md describes the tables.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "store/pg_connection.hpp"

namespace omniroute::store::history {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

/// Every migration this build knows, oldest first.
const std::vector<Migration>& migrations();

/// What migrate() did.
struct Migrated {
  std::vector<int> applied;  // versions applied now
  int version = 0;           // the schema's version afterwards
};

/// Brings the schema up to date on `db` (connected). A schema newer than this build is an error: an
/// older daemon must not write to it.
boost::asio::awaitable<PgResult<Migrated>> migrate(PgConnection& db);

/// `omnirouted --migrate`: connects to `url` and migrates, on a loop of its own (never a daemon's).
PgResult<Migrated> migrate_now(const std::string& url, std::chrono::milliseconds connect_timeout);

}  // namespace omniroute::store::history
