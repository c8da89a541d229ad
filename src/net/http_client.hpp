#pragma once
// Outbound HTTP, SMTP submission and IMAP commands (by the URL's scheme)
// through libcurl's multi-socket interface, driven by one Asio
// loop: curl says which sockets to watch and when its timer is due; Asio
// waits and tells curl. Every request has a total timeout. Not thread-safe:
// use from the executor it was made with.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "omniroute/channel.hpp"

struct curl_sockaddr;

namespace omniroute::net {

/// What came back: a status (0 when no answer: refused, timed out, …) and the body.
struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string error;         // curl's reason when status is 0
  std::string retry_after;   // the Retry-After header, if any
  bool truncated = false;    // longer than the call's max_answer_bytes: the rest was dropped
};

class HttpClient {
 public:
  explicit HttpClient(const boost::asio::any_io_executor& executor);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Starts `call` (HTTP, SMTP or IMAP by the URL's scheme); `done` runs on the executor once it
  /// finished, failed or timed out.
  void perform(const HttpCall& call, std::function<void(HttpAnswer)> done);
  /// Awaitable forms: `auto [answer] = co_await client.async_perform(call, as_tuple(use_awaitable))`.
  template <typename Token>
  auto async_perform(const HttpCall& call, Token&& token) {
    return start([this, &call](auto done) { perform(call, std::move(done)); }, std::forward<Token>(token));
  }
  /// Aborts every request in flight (their callbacks do not run).
  void cancel_all();

 private:
  template <typename Begin, typename Token>
  static auto start(Begin begin, Token&& token) {
    return boost::asio::async_initiate<Token, void(HttpAnswer)>(
        [begin](auto handler) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          begin(std::function<void(HttpAnswer)>([h](HttpAnswer a) { std::move(*h)(std::move(a)); }));
        },
        token);
  }

  struct Transfer;
  struct Socket;
  static int socket_callback(void* easy, int fd, int what, void* userp, void* socketp) noexcept;
  static int timer_callback(void* multi, long timeout_ms, void* userp) noexcept;
  static int open_socket(void* userp, int purpose, ::curl_sockaddr* address) noexcept;
  static int close_socket(void* userp, int fd) noexcept;
  void watch(int fd, int what);
  void on_ready(int fd, int flag);
  void on_timer();
  void drain_finished();
  void start_mail(const HttpCall& call, std::unique_ptr<Transfer> t, bool imap);

  boost::asio::any_io_executor executor_;
  void* multi_;
  boost::asio::steady_timer timer_;
  std::map<int, std::unique_ptr<Socket>> sockets_;
  std::set<int> open_fds_;  // every socket curl opened (cached connections too), so stopping can cut them
  std::map<void*, std::unique_ptr<Transfer>> transfers_;
};

}  // namespace omniroute::net
