#include "support/postgres_server.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/redis_server.hpp"

namespace omniroute::testing {

namespace {

/// Debian keeps the server's tools under /usr/lib/postgresql/<major>/bin.
std::string server_bin_dir() {
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql")) {
    if (std::filesystem::exists(e.path() / "bin" / "postgres")) return (e.path() / "bin").string();
  }
  throw std::runtime_error("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)");
}

/// Drops root for the `postgres` user in a forked child (PostgreSQL refuses to run as root).
void become_postgres() {
  if (geteuid() != 0) return;
  const passwd* pw = getpwnam("postgres");
  if (!pw) _exit(126);
  if (initgroups("postgres", pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) _exit(126);
}

}  // namespace

PostgresServer::PostgresServer() : bin_dir_(server_bin_dir()), port_(free_port()) {
  data_ = (dir_.path() / "data").string();
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (!pw) throw std::runtime_error("no `postgres` user to run PostgreSQL as");
    if (chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot hand the data directory to postgres");
  }
  run_as_postgres({bin("initdb"), "-D", data_, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"},
                  true);
  start();
  query("CREATE ROLE omniroute LOGIN PASSWORD '" + std::string(kPassword) + "'", "postgres");
  query("CREATE DATABASE omniroute OWNER omniroute", "postgres");
}

PostgresServer::~PostgresServer() {
  try {
    stop();
  } catch (...) {
  }
}

std::string PostgresServer::bin(const char* tool) const { return bin_dir_ + "/" + tool; }

std::string PostgresServer::url() const {
  return "postgresql://omniroute:" + std::string(kPassword) + "@127.0.0.1:" + std::to_string(port_) + "/omniroute";
}

void PostgresServer::run_as_postgres(std::vector<std::string> args, bool wait) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    become_postgres();
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // after the uid change, which clears it
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    if (!wait) dup2(devnull, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (!wait) {
    pid_ = pid;
    return;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(args[0] + " failed");
}

void PostgresServer::start() {
  if (pid_ > 0) return;
  const std::string dir = dir_.path().string();
  run_as_postgres({bin("postgres"), "-D", data_, "-p", std::to_string(port_), "-k", dir, "-c",
                   "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c",
                   "max_connections=60", "-c", "shared_buffers=32MB", "-c",
                   "client_connection_check_interval=100ms"},  // a dead client's waiting statement is dropped
                  false);
  const std::string conninfo = "host=" + dir + " port=" + std::to_string(port_) + " user=postgres dbname=postgres";
  for (int i = 0; i < 400; ++i) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    const bool up = PQstatus(c) == CONNECTION_OK;
    PQfinish(c);
    if (up) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("postgres exited while starting");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("PostgreSQL did not start on port " + std::to_string(port_));
}

void PostgresServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGINT);  // fast shutdown: sessions rolled back, the server gone in a moment
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill_hard();
}

void PostgresServer::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  // The postmaster's children notice its death and exit; wait until none holds the port.
  for (int i = 0; i < 200; ++i) {
    PGconn* c = PQconnectdb(("host=" + dir_.path().string() + " port=" + std::to_string(port_) +
                             " user=postgres dbname=postgres connect_timeout=1")
                                .c_str());
    const bool up = PQstatus(c) == CONNECTION_OK;
    PQfinish(c);
    if (!up && !std::filesystem::exists(data_ + "/postmaster.pid")) return;
    if (!up) {
      std::filesystem::remove(data_ + "/postmaster.pid");  // left by the killed postmaster
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

std::string PostgresServer::conninfo(const std::string& db) const {
  return "host=" + dir_.path().string() + " port=" + std::to_string(port_) + " user=postgres dbname=" + db;
}

PostgresServer::TableLock::TableLock(const PostgresServer& server, const std::string& table) {
  PGconn* c = PQconnectdb(server.conninfo("omniroute").c_str());
  conn_ = c;
  PGresult* r = PQexec(c, ("BEGIN; LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE").c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) throw std::runtime_error("cannot lock " + table + ": " + PQerrorMessage(c));
}

PostgresServer::TableLock::~TableLock() {
  auto* c = static_cast<PGconn*>(conn_);
  PQclear(PQexec(c, "COMMIT"));
  PQfinish(c);
}

std::vector<std::vector<std::string>> PostgresServer::query(const std::string& sql, const std::string& db) const {
  PGconn* c = PQconnectdb(conninfo(db).c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test PostgreSQL: " + why);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error(sql + ": " + why);
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetisnull(r, i, j) ? "(null)" : PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(c);
  return rows;
}

std::string PostgresServer::dump(const std::string& db) const {
  const std::string command = bin("pg_dump") + " -h " + dir_.path().string() + " -p " + std::to_string(port_) +
                              " -U postgres " + db + " 2>&1";
  FILE* out = popen(command.c_str(), "r");
  if (!out) throw std::runtime_error("cannot run pg_dump");
  std::string text;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, out)) > 0;) text.append(buffer, n);
  if (pclose(out) != 0) throw std::runtime_error("pg_dump failed: " + text);
  return text;
}

std::string PostgresServer::one(const std::string& sql, const std::string& db) const {
  auto rows = query(sql, db);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0];
}

}  // namespace omniroute::testing
