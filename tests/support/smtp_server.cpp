#include "support/smtp_server.hpp"

#include "support/fake_provider.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/detail/base64.hpp>
#include <chrono>

namespace omniroute::testing {

namespace {

/// Reads one CRLF-terminated line (without it) from `fd`, buffering in `pending`; false on EOF or after 30 s.
bool read_line(int fd, std::string& pending, std::string& line) {
  for (;;) {
    if (auto end = pending.find("\r\n"); end != std::string::npos) {
      line = pending.substr(0, end);
      pending.erase(0, end + 2);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 30'000) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, static_cast<size_t>(n));
  }
}

void say(int fd, const std::string& text) {
  std::string out = text + "\r\n";
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::write(fd, out.data() + sent, out.size() - sent);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

std::string address_in(const std::string& arg) {
  auto open = arg.find('<'), close = arg.find('>');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return arg.substr(open + 1, close - open - 1);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string base64_decode(const std::string& in) {
  std::string out(boost::beast::detail::base64::decoded_size(in.size()), '\0');
  auto [written, read] = boost::beast::detail::base64::decode(out.data(), in.data(), in.size());
  out.resize(written);
  return out;
}

}  // namespace

SmtpServer::SmtpServer(std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {
  listen_fd_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] { serve(); });
}

SmtpServer::~SmtpServer() {
  stopping_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  for (auto& t : threads_) t.join();
}

void SmtpServer::refuse_next(int n) { refuse_ = n; }

std::vector<ReceivedMail> SmtpServer::received() {
  std::lock_guard lock(mu_);
  return received_;
}

bool SmtpServer::wait_for(size_t n, int timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return received_.size() >= n; });
}

void SmtpServer::serve() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    threads_.emplace_back([this, fd] {
      handle(fd);
      ::close(fd);
    });
  }
}

void SmtpServer::handle(int fd) {
  std::string pending, line;
  ReceivedMail mail;
  bool in_transaction = false;
  say(fd, "220 127.0.0.1 ESMTP omniroute-test");
  while (!stopping_ && read_line(fd, pending, line)) {
    std::string verb = upper(line.substr(0, line.find(' ')));
    std::string arg = line.find(' ') == std::string::npos ? "" : line.substr(line.find(' ') + 1);
    if (verb == "EHLO") {
      say(fd, "250-127.0.0.1 greets " + arg);
      say(fd, "250-8BITMIME");
      if (!username_.empty()) say(fd, "250-AUTH PLAIN");
      say(fd, "250 SIZE 10485760");
    } else if (verb == "HELO") {
      say(fd, "250 127.0.0.1");
    } else if (verb == "AUTH") {
      std::string initial = arg.size() > 6 ? arg.substr(6) : "";
      if (upper(arg.substr(0, 5)) != "PLAIN") {
        say(fd, "504 5.5.4 only PLAIN");
        continue;
      }
      if (initial.empty()) {
        say(fd, "334 ");
        if (!read_line(fd, pending, initial)) return;
      }
      std::string decoded = base64_decode(initial);  // authzid \0 user \0 password
      auto first = decoded.find('\0'), second = decoded.find('\0', first + 1);
      std::string user = first == std::string::npos ? "" : decoded.substr(first + 1, second - first - 1);
      std::string pass = second == std::string::npos ? "" : decoded.substr(second + 1);
      if (user == username_ && pass == password_) {
        mail.user = user;
        say(fd, "235 2.7.0 authenticated");
      } else {
        say(fd, "535 5.7.8 bad credentials");
      }
    } else if (verb == "MAIL") {
      if (!username_.empty() && mail.user.empty()) {
        say(fd, "530 5.7.0 authentication required");
        continue;
      }
      if (refuse_ > 0) {
        --refuse_;
        ++refused_count_;
        say(fd, "451 4.3.0 try again later");
        continue;
      }
      mail.from = address_in(arg);
      mail.to.clear();
      in_transaction = true;
      say(fd, "250 2.1.0 ok");
    } else if (verb == "RCPT") {
      if (!in_transaction) {
        say(fd, "503 5.5.1 MAIL first");
        continue;
      }
      mail.to.push_back(address_in(arg));
      say(fd, "250 2.1.5 ok");
    } else if (verb == "DATA") {
      if (!in_transaction || mail.to.empty()) {
        say(fd, "503 5.5.1 RCPT first");
        continue;
      }
      say(fd, "354 end with <CRLF>.<CRLF>");
      std::string data;
      while (read_line(fd, pending, line) && line != ".") {
        if (line.starts_with("..")) line.erase(0, 1);  // dot-stuffing
        data += line + "\r\n";
      }
      mail.data = data;
      {
        std::lock_guard lock(mu_);
        received_.push_back(mail);
      }
      cv_.notify_all();
      in_transaction = false;
      say(fd, "250 2.0.0 queued");
    } else if (verb == "RSET") {
      in_transaction = false;
      say(fd, "250 2.0.0 ok");
    } else if (verb == "NOOP") {
      say(fd, "250 2.0.0 ok");
    } else if (verb == "QUIT") {
      say(fd, "221 2.0.0 bye");
      return;
    } else {
      say(fd, "502 5.5.2 not implemented");
    }
  }
}

std::string mail_header(const std::string& message, const std::string& name) {
  std::string headers = message.substr(0, message.find("\r\n\r\n"));
  std::string raw;
  size_t at = 0;
  while (at < headers.size()) {
    size_t end = headers.find("\r\n", at);
    if (end == std::string::npos) end = headers.size();
    std::string line = headers.substr(at, end - at);
    at = end + 2;
    if (!raw.empty() && (line.starts_with(" ") || line.starts_with("\t"))) {
      raw += line;
      continue;
    }
    if (!raw.empty()) break;
    if (upper(line.substr(0, name.size() + 1)) == upper(name + ":")) raw = line.substr(name.size() + 1);
  }
  std::string out;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t word = raw.find("=?UTF-8?B?", pos);
    if (word == std::string::npos) {
      out += raw.substr(pos);
      break;
    }
    std::string between = raw.substr(pos, word - pos);
    if (between.find_first_not_of(" \t") != std::string::npos || out.empty()) out += between;  // blanks between words vanish
    size_t end = raw.find("?=", word + 10);
    out += base64_decode(raw.substr(word + 10, end - word - 10));
    pos = end + 2;
  }
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

std::string decode_quoted_printable(const std::string& qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] != '=') {
      out += qp[i];
      continue;
    }
    if (i + 2 < qp.size() && qp[i + 1] == '\r' && qp[i + 2] == '\n') {
      i += 2;  // soft line break
      continue;
    }
    if (i + 2 < qp.size()) {
      out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

}  // namespace omniroute::testing
