#pragma once
// A real PostgreSQL cluster for one test: initdb into a temporary directory, the server on a free
// loopback port and a unix socket there, run as the `postgres` user (PostgreSQL refuses root), torn
// down (SIGKILL if need be) when the object dies. The daemon connects as `omniroute`, a role that owns
// its database and is no superuser, with a password over TCP; the test itself talks to the server as
// the superuser over the unix socket (query()).

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace omniroute::testing {

class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  std::uint16_t port() const { return port_; }
  /// The daemon's history.url: postgresql://omniroute:…@127.0.0.1:<port>/omniroute.
  std::string url() const;
  static constexpr const char* kPassword = "omniroute-test-password";

  /// Starts the server (again, on the same data and port) and waits until it answers.
  void start();
  /// A fast shutdown (SIGINT), then SIGKILL if it lingers.
  void stop();
  /// SIGKILL: gone at once, as in a crash (the next start recovers from the WAL).
  void kill_hard();

  /// Runs `sql` as the superuser in database `db` (blocking: test side only); rows of text, NULL as "(null)".
  /// Throws on an error.
  std::vector<std::vector<std::string>> query(const std::string& sql, const std::string& db = "omniroute") const;
  /// `pg_dump` of database `db` (plain SQL, as the superuser): what a backup of the history would hold.
  std::string dump(const std::string& db = "omniroute") const;
  /// The first value of the first row, or "" when there is none.
  std::string one(const std::string& sql, const std::string& db = "omniroute") const;

  /// An open transaction holding `table` locked (ACCESS EXCLUSIVE) until the object dies: writers wait.
  class TableLock {
   public:
    TableLock(const PostgresServer& server, const std::string& table);
    ~TableLock();
    TableLock(const TableLock&) = delete;
    TableLock& operator=(const TableLock&) = delete;

   private:
    void* conn_ = nullptr;  // PGconn
  };

 private:
  std::string conninfo(const std::string& db) const;
  std::string bin(const char* tool) const;
  void run_as_postgres(std::vector<std::string> args, bool wait);

  TempDir dir_;
  std::string data_, bin_dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace omniroute::testing
