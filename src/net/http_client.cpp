#include "net/http_client.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "omniroute/log.hpp"

namespace omniroute::net {

namespace asio = boost::asio;

struct HttpClient::Socket {
  // A dup of curl's descriptor: readiness is the same, and curl keeps sole ownership of its own.
  Socket(const asio::any_io_executor& ex, int fd, std::uint64_t g) : descriptor(ex, ::dup(fd)), generation(g) {}
  asio::posix::stream_descriptor descriptor;
  std::uint64_t generation;
  int what = 0;
  bool read_armed = false;
  bool write_armed = false;
};

struct HttpClient::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  std::string request_body;
  size_t sent = 0;  // of request_body, for uploads (mail)
  std::pair<const std::string*, size_t*> upload{nullptr, nullptr};
  HttpAnswer answer;
  std::pair<HttpAnswer*, std::size_t> sink{&answer, 1 << 20};  // where write_body appends, and how much
  bool imap = false;  // curl has no IMAP response code: OK is 200
  std::pair<std::string, bool> server_said;  // a mail server's words (its refusal, once it refused): see read_server_line
  std::function<void(HttpAnswer)> done;
  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (recipients) curl_slist_free_all(recipients);
    if (easy) curl_easy_cleanup(easy);
  }
};

namespace {
std::uint64_t g_generation = 0;

size_t write_body(char* data, size_t size, size_t n, void* userp) noexcept {
  auto* t = static_cast<std::pair<HttpAnswer*, std::size_t>*>(userp);
  HttpAnswer& answer = *t->first;
  try {
    std::size_t room = t->second > answer.body.size() ? t->second - answer.body.size() : 0;
    if (size * n > room) answer.truncated = true;
    answer.body.append(data, std::min(room, size * n));
  } catch (...) {
    answer.truncated = true;
  }
  return size * n;
}

/// The URL's host is this machine: the only place a mail server may be spoken to without TLS.
bool loopback_host(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return false;
  std::string_view rest = std::string_view(url).substr(start + 3);
  std::string_view host = rest.substr(0, rest.find('/'));
  if (host.starts_with("[")) return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.");
}

bool has_scheme(const std::string& url, std::string_view scheme) {
  return url.size() > scheme.size() + 3 && url.compare(0, scheme.size(), scheme) == 0 &&
         url.compare(scheme.size(), 3, "://") == 0;
}

size_t read_header(char* data, size_t size, size_t n, void* userp) noexcept {
  auto* answer = static_cast<HttpAnswer*>(userp);
  std::string_view line(data, size * n);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.size() > kRetryAfter.size()) {
    bool match = true;
    for (size_t i = 0; i < kRetryAfter.size() && match; ++i) match = std::tolower(line[i]) == kRetryAfter[i];
    if (match) {
      std::string_view v = line.substr(kRetryAfter.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
      try {
        answer->retry_after = std::string(v);
      } catch (...) {
      }
    }
  }
  return size * n;
}
/// A refusal among a mail server's response lines: SMTP's 4xx/5xx, IMAP's tagged NO or BAD.
bool refusal(std::string_view line) {
  if (!line.empty() && (line[0] == '4' || line[0] == '5')) return true;
  size_t space = line.find(' ');
  if (space == std::string_view::npos || line[0] == '*') return false;
  std::string_view rest = line.substr(space + 1);
  return rest.starts_with("NO ") || rest.starts_with("BAD ");
}

/// A mail server's response lines (never what we send: that holds the credentials): its first refusal is
/// kept (what follows is the goodbye), and told with the error.
int read_server_line(CURL*, curl_infotype type, char* data, size_t size, void* userp) noexcept {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* said = static_cast<std::pair<std::string, bool>*>(userp);
  std::string_view line(data, size);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty() || said->second) return 0;
  try {
    said->first.assign(line.substr(0, 300));
    said->second = refusal(line);
  } catch (...) {
  }
  return 0;
}

size_t read_upload(char* buffer, size_t size, size_t n, void* userp) noexcept {
  auto* body = static_cast<std::pair<const std::string*, size_t*>*>(userp);
  size_t left = body->first->size() - *body->second;
  size_t take = std::min(left, size * n);
  std::memcpy(buffer, body->first->data() + *body->second, take);
  *body->second += take;
  return take;
}
}  // namespace

HttpClient::HttpClient(const asio::any_io_executor& executor)
    : executor_(executor), multi_(curl_multi_init()), timer_(executor) {
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::socket_callback);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::timer_callback);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

HttpClient::~HttpClient() {
  try {
    cancel_all();
  } catch (const std::exception& e) {  // completing a handler threw: log it, still free the multi handle
    log::error(std::string("http client: cancelling at destruction: ") + e.what());
  }
  curl_multi_cleanup(multi_);
}

void HttpClient::cancel_all() {
  // Removing an unfinished mail transfer, or cleaning up a cached mail connection, makes libcurl
  // say QUIT/LOGOUT and *block* for the answer (a poll loop up to the server response timeout):
  // a server that never answers would stall this event loop and the daemon's shutdown with it.
  // Cut every socket first, so whatever libcurl still tries fails at once.
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  for (auto& [easy, t] : transfers_) curl_multi_remove_handle(multi_, t->easy);
  transfers_.clear();
  sockets_.clear();
  timer_.cancel();
}

void HttpClient::perform(const HttpCall& call, std::function<void(HttpAnswer)> done) {
  auto t = std::make_unique<Transfer>();
  t->easy = curl_easy_init();
  t->done = std::move(done);
  t->request_body = call.body;
  t->sink.second = call.max_answer_bytes;
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout_ms));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(call.timeout_ms, 5000)));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &write_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->sink);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &HttpClient::open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &HttpClient::close_socket);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
  bool smtp = has_scheme(call.url, "smtp") || has_scheme(call.url, "smtps");
  bool imap = has_scheme(call.url, "imap") || has_scheme(call.url, "imaps");
  if (smtp || imap) return start_mail(call, std::move(t), imap);
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (call.method == "POST" || call.method == "PUT") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request_body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->request_body.size()));
  }
  for (const auto& [k, v] : call.headers) t->headers = curl_slist_append(t->headers, std::string(k).append(": ").append(v).c_str());
  t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  if (!call.basic_auth.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERPWD, call.basic_auth.c_str());
  }
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t->answer);
  transfers_[e] = std::move(t);
  curl_multi_add_handle(multi_, e);  // curl asks for its timer; the transfer starts from there
}

void HttpClient::start_mail(const HttpCall& call, std::unique_ptr<Transfer> t, bool imap) {
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, imap ? "imap,imaps" : "smtp,smtps");
  // imap:// and smtp:// upgrade with STARTTLS, which is required unless the server is on this
  // machine (a relay on localhost): credentials and mail never cross a network in clear.
  curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(loopback_host(call.url) ? CURLUSESSL_TRY : CURLUSESSL_ALL));
  curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &read_server_line);
  curl_easy_setopt(e, CURLOPT_DEBUGDATA, &t->server_said);
  curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  if (!call.username.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, call.username.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, call.password.c_str());
  }
  if (imap) {
    t->imap = true;
    if (call.method != "FETCH") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.method != "POST" && call.body.empty()) {
    // A command without a mail (a check's NOOP): EHLO, STARTTLS and AUTH happen first; nothing is sent.
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else {
    t->upload = {&t->request_body, &t->sent};
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, ("<" + call.mail_from + ">").c_str());
    for (const auto& rcpt : call.mail_to) t->recipients = curl_slist_append(t->recipients, ("<" + rcpt + ">").c_str());
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t->recipients);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &read_upload);
    curl_easy_setopt(e, CURLOPT_READDATA, &t->upload);
    curl_easy_setopt(e, CURLOPT_INFILESIZE, static_cast<long>(t->request_body.size()));
  }
  transfers_[e] = std::move(t);
  curl_multi_add_handle(multi_, e);
}

int HttpClient::socket_callback(void*, int fd, int what, void* userp, void*) noexcept {
  try {
    static_cast<HttpClient*>(userp)->watch(fd, what);
  } catch (const std::exception& e) {
    log::error(std::string("http client: cannot watch a socket: ") + e.what());
  }
  return 0;
}

int HttpClient::open_socket(void* userp, int /*purpose*/, curl_sockaddr* address) noexcept {
  int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  try {
    static_cast<HttpClient*>(userp)->open_fds_.insert(fd);
  } catch (...) {
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  return fd;
}

int HttpClient::close_socket(void* userp, int fd) noexcept {
  static_cast<HttpClient*>(userp)->open_fds_.erase(fd);
  return ::close(fd);
}

int HttpClient::timer_callback(void*, long timeout_ms, void* userp) noexcept {
  auto* self = static_cast<HttpClient*>(userp);
  try {
    if (timeout_ms < 0) {
      self->timer_.cancel();
      return 0;
    }
    self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->on_timer();
    });
  } catch (const std::exception& e) {
    log::error(std::string("http client: cannot arm the timer: ") + e.what());
  }
  return 0;
}

void HttpClient::watch(int fd, int what) {
  if (what == CURL_POLL_REMOVE) {
    sockets_.erase(fd);  // closes our dup and cancels its waits
    return;
  }
  auto& s = sockets_[fd];
  if (!s) s = std::make_unique<Socket>(executor_, fd, ++g_generation);
  s->what = what;
  const std::uint64_t gen = s->generation;
  auto arm = [this, fd, gen](bool read) {
    Socket& sock = *sockets_[fd];
    bool& armed = read ? sock.read_armed : sock.write_armed;
    if (armed) return;
    armed = true;
    sock.descriptor.async_wait(read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write,
                               [this, fd, gen, read](const boost::system::error_code& ec) {
                                 auto it = sockets_.find(fd);
                                 if (it == sockets_.end() || it->second->generation != gen) return;
                                 (read ? it->second->read_armed : it->second->write_armed) = false;
                                 if (ec) return;
                                 on_ready(fd, read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
                               });
  };
  if (what & CURL_POLL_IN) arm(true);
  if (what & CURL_POLL_OUT) arm(false);
}

void HttpClient::on_ready(int fd, int flag) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, flag, &running);
  drain_finished();
  auto it = sockets_.find(fd);
  if (it != sockets_.end()) watch(fd, it->second->what);  // re-arm what curl still wants
}

void HttpClient::on_timer() {
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  drain_finished();
}

void HttpClient::drain_finished() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* e = msg->easy_handle;
    auto it = transfers_.find(e);
    if (it == transfers_.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers_.erase(it);
    curl_multi_remove_handle(multi_, e);
    if (msg->data.result == CURLE_OK) {
      long code = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
      t->answer.status = t->imap ? 200 : static_cast<int>(code);
    } else {
      // An SMTP server's refusal (451 try later, 550 no such mailbox) is an answer, not silence.
      long code = 0;
      if (!t->imap) curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
      t->answer.status = code >= 400 ? static_cast<int>(code) : 0;
      t->answer.error = curl_easy_strerror(msg->data.result);
      if (t->server_said.second) t->answer.error += "; the server said: " + t->server_said.first;
    }
    asio::post(executor_, [done = std::move(t->done), answer = std::move(t->answer)]() mutable { done(std::move(answer)); });
  }
}

}  // namespace omniroute::net
