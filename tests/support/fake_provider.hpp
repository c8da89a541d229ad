#pragma once
// A provider's API played by a real HTTP server on loopback: it answers from
// a script (status, body, or hang) and records every request it received.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace omniroute::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

struct ScriptedAnswer {
  int status = 200;
  std::string body = "{}";
  bool hang = false;  // never answer (the client must time out)
};

/// A listening TCP socket on 127.0.0.1 at a free port (written to `port`), for the fake servers.
int listen_on_loopback(std::uint16_t& port);

class FakeProvider {
 public:
  FakeProvider();
  ~FakeProvider();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Answers to give, in order; when they run out, `fallback` is given.
  void script(std::vector<ScriptedAnswer> answers, ScriptedAnswer fallback = {});
  /// Answers every request by `respond` instead (a provider that reads what it is asked: accounts,
  /// numbers, tokens); the script is no longer consulted.
  void respond_with(std::function<ScriptedAnswer(const ReceivedRequest&)> respond);
  /// Every request so far.
  std::vector<ReceivedRequest> received();
  /// Waits until at least `n` requests arrived (bounded); returns whether they did.
  bool wait_for(size_t n, int timeout_ms = 20'000);

 private:
  void serve();
  void handle(int fd);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ScriptedAnswer> answers_;
  ScriptedAnswer fallback_;
  std::function<ScriptedAnswer(const ReceivedRequest&)> respond_;
  std::vector<ReceivedRequest> received_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace omniroute::testing
