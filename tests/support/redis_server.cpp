#include "support/redis_server.hpp"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace omniroute::testing {

namespace {
// A test that kills a server (Sentinel fail-over, outages) may write to its socket as it dies: the write
// must fail with EPIPE, which the helpers report, not end the whole test binary with SIGPIPE (seen once
// in RedisSentinel.AKilledMaster… under a parallel run).
const bool kIgnoreSigpipe = [] {
  ::signal(SIGPIPE, SIG_IGN);
  return true;
}();
}  // namespace

std::uint16_t free_port() {
  // Drawn at random below Linux's ephemeral range (32768–60999), not from bind(0): a port the kernel hands out
  // for port 0 is handed out again at once — to the other test process ctest runs beside this one, or as the
  // local end of someone's outgoing connection — before the daemon this port is for has bound it. A drawn
  // port collides with another process's draw about once in 12,000, and never with an outgoing connection.
  static thread_local std::mt19937 draw(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> range(20000, 32000);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto port = static_cast<std::uint16_t>(range(draw));
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (bound) return port;
  }
  throw std::runtime_error("free_port: no free port between 20000 and 32000");
}

RedisServer::RedisServer() : port_(free_port()) { start(); }

RedisServer::RedisServer(std::vector<std::string> extra_args, std::uint16_t port)
    : extra_(std::move(extra_args)), port_(port ? port : free_port()) {
  start();
}

void RedisServer::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

RedisServer::~RedisServer() {
  resume();
  stop();
}

void RedisServer::start() {
  if (pid_ > 0) return;
  std::string port = std::to_string(port_);
  std::string dir = dir_.path().string();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves nothing running (or holding its output pipe)
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    std::vector<std::string> args{"redis-server"};
    const bool sentinel = std::find(extra_.begin(), extra_.end(), "--sentinel") != extra_.end();
    if (sentinel) {
      // A sentinel needs a writable config file of its own.
      std::string conf = dir + "/sentinel.conf";
      int fd = open(conf.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      close(fd);
      args.push_back(conf);
    }
    const std::string sock = dir + "/redis.sock";
    for (std::string a : {"--port", port.c_str(), "--bind", "127.0.0.1", "--dir", dir.c_str(), "--daemonize", "no",
                          "--unixsocket", sock.c_str(), "--unixsocketperm", "700"}) {
      args.push_back(a);
    }
    if (!sentinel) {
      for (std::string a : {"--save", "", "--appendonly", "no"}) args.push_back(a);
    }
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("redis-server", argv.data());
    _exit(127);
  }
  for (int i = 0; i < 200; ++i) {
    timeval tv{0, 200'000};
    redisContext* c = redisConnectUnixWithTimeout((dir + "/redis.sock").c_str(), tv);
    bool up = c && !c->err;
    if (c) redisFree(c);
    if (up) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("redis-server did not start on port " + port);
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGCONT);
  kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RedisServer::pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

namespace {
void flatten(const redisReply* r, std::vector<std::string>& out) {
  switch (r->type) {
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < r->elements; ++i) flatten(r->element[i], out);
      break;
    case REDIS_REPLY_INTEGER: out.push_back(std::to_string(r->integer)); break;
    case REDIS_REPLY_NIL: out.push_back("(nil)"); break;
    case REDIS_REPLY_ERROR: out.push_back("ERR:" + std::string(r->str, r->len)); break;
    default: out.emplace_back(r->str, r->len); break;
  }
}
}  // namespace

std::vector<std::string> RedisServer::command(const std::vector<std::string>& args) const {
  timeval tv{5, 0};
  redisContext* c = redisConnectUnixWithTimeout((dir_.path() / "redis.sock").string().c_str(), tv);
  if (!c || c->err) {
    if (c) redisFree(c);
    throw std::runtime_error("cannot connect to test redis");
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) argv.push_back(a.data()), lens.push_back(a.size());
  auto* reply = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
  std::vector<std::string> out;
  if (reply) flatten(reply, out);
  if (reply) freeReplyObject(reply);
  redisFree(c);
  return out;
}

std::vector<std::string> RedisServer::values_of(const std::string& key) const {
  const std::string type = one({"TYPE", key});
  if (type == "string") return command({"GET", key});
  if (type == "hash") return command({"HGETALL", key});
  if (type == "set") return command({"SMEMBERS", key});
  if (type == "zset") return command({"ZRANGE", key, "0", "-1"});
  if (type == "list") return command({"LRANGE", key, "0", "-1"});
  if (type == "stream") return command({"XRANGE", key, "-", "+"});
  return {};
}

std::string RedisServer::one(const std::vector<std::string>& args) const {
  auto r = command(args);
  return r.empty() ? "" : r.front();
}

}  // namespace omniroute::testing
