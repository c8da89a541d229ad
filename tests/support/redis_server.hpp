#pragma once
// A real redis-server for one test: on a free loopback port, in its own
// temporary directory, torn down (SIGKILL if need be) when the object dies.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace omniroute::testing {

class RedisServer {
 public:
  RedisServer();
  /// With extra redis-server arguments (TLS, ACL, replication, cluster, sentinel mode: `--sentinel`).
  /// Readiness and command() go over the unix socket, so a TLS-only server is reachable too.
  explicit RedisServer(std::vector<std::string> extra_args, std::uint16_t port = 0);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
  std::string unix_url() const { return "unix://" + (dir_.path() / "redis.sock").string(); }
  std::string dir() const { return dir_.path().string(); }
  pid_t pid() const { return pid_; }
  /// SIGKILL: gone at once, as in a crash.
  void kill_hard();

  /// Starts the server (again, on the same port) and waits until it answers.
  void start();
  /// Stops it (SIGTERM, then SIGKILL); data is not kept.
  void stop();
  /// SIGSTOP: the server keeps its sockets but answers nothing.
  void pause();
  /// SIGCONT.
  void resume();

  /// Runs one command over a fresh connection; the reply flattened to strings
  /// (integers as decimal, nil as "(nil)", errors prefixed "ERR:").
  std::vector<std::string> command(const std::vector<std::string>& args) const;
  /// The first element of command(args), or "" for an empty reply.
  std::string one(const std::vector<std::string>& args) const;
  /// Everything `key` holds, whatever its type (a hash's fields and values, a stream's ids and fields…),
  /// flattened: for tests that look for what must not be left anywhere.
  std::vector<std::string> values_of(const std::string& key) const;

 private:
  TempDir dir_;
  std::vector<std::string> extra_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

/// A TCP port on 127.0.0.1 that nothing listens on right now (drawn at random from 20000–32000, outside the
/// kernel's ephemeral range).
std::uint16_t free_port();

}  // namespace omniroute::testing
