#pragma once
// An SMTP server played by a real server on loopback, written for the tests:
// EHLO/HELO, AUTH PLAIN (when given credentials), MAIL, RCPT, DATA (dot-
// stuffing undone), RSET, NOOP, QUIT. It keeps every message it accepted and
// can refuse the next transactions with a temporary error (451).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace omniroute::testing {

struct ReceivedMail {
  std::string from;               // MAIL FROM address, without <>
  std::vector<std::string> to;    // RCPT TO addresses
  std::string data;               // the message as sent (headers, blank line, body), CRLF line ends
  std::string user;               // who authenticated, "" if nobody
};

class SmtpServer {
 public:
  /// With a username, AUTH PLAIN is offered and required, and only `password` is accepted.
  explicit SmtpServer(std::string username = "", std::string password = "");
  ~SmtpServer();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  /// The next `n` transactions are refused at MAIL FROM with 451 (try again later).
  void refuse_next(int n);
  std::vector<ReceivedMail> received();
  /// Waits until at least `n` messages were accepted (bounded); returns whether they were.
  bool wait_for(size_t n, int timeout_ms = 20'000);
  /// How many transactions were refused so far.
  int refused() const { return refused_count_; }

 private:
  void serve();
  void handle(int fd);

  std::string username_, password_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> refuse_{0};
  std::atomic<int> refused_count_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedMail> received_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

/// The value of header `name` in `message` (folded lines joined), RFC 2047 UTF-8 words decoded.
std::string mail_header(const std::string& message, const std::string& name);

/// Decodes a quoted-printable body (for asserting what a mail said).
std::string decode_quoted_printable(const std::string& qp);

}  // namespace omniroute::testing
