#include "support/fake_provider.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace omniroute::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

int listen_on_loopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  ::listen(fd, 64);
  return fd;
}

FakeProvider::FakeProvider() {
  listen_fd_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] { serve(); });
}

FakeProvider::~FakeProvider() {
  stopping_ = true;
  cv_.notify_all();
  acceptor_.join();
  ::close(listen_fd_);
  for (auto& t : threads_) t.join();
}

void FakeProvider::script(std::vector<ScriptedAnswer> answers, ScriptedAnswer fallback) {
  std::lock_guard lock(mu_);
  answers_.assign(answers.begin(), answers.end());
  fallback_ = fallback;
}

void FakeProvider::respond_with(std::function<ScriptedAnswer(const ReceivedRequest&)> respond) {
  std::lock_guard lock(mu_);
  respond_ = std::move(respond);
}

std::vector<ReceivedRequest> FakeProvider::received() {
  std::lock_guard lock(mu_);
  return received_;
}

bool FakeProvider::wait_for(size_t n, int timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return received_.size() >= n; });
}

void FakeProvider::serve() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    threads_.emplace_back([this, fd] { handle(fd); });
  }
}

void FakeProvider::handle(int fd) {
  asio::io_context ctx;
  beast::tcp_stream stream(asio::ip::tcp::socket(ctx, asio::ip::tcp::v4(), fd));
  beast::flat_buffer buffer;
  while (!stopping_) {
    http::request<http::string_body> req;
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(30));
    http::read(stream, buffer, req, ec);
    if (ec) break;
    ScriptedAnswer answer;
    {
      std::lock_guard lock(mu_);
      ReceivedRequest r{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
      }
      received_.push_back(std::move(r));
      if (respond_) {
        answer = respond_(received_.back());
      } else if (!answers_.empty()) {
        answer = answers_.front();
        answers_.pop_front();
      } else {
        answer = fallback_;
      }
    }
    cv_.notify_all();
    if (answer.hang) {
      // Hold the connection open, unanswered, until the test ends.
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_.load(); });
      break;
    }
    http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = answer.body;
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(stream, res, ec);
    if (ec || !req.keep_alive()) break;
  }
}

}  // namespace omniroute::testing
