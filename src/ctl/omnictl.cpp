// omnictl: the admin's command line. Talks to a running omnirouted over HTTP.
//
//   omnictl [--url URL] status     health and readiness of the daemon
//   omnictl [--url URL] metrics    the raw Prometheus metrics
//
// Queue, agent and conversation tables come with the admin API (issue #3).

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

struct Target {
  std::string host = "127.0.0.1";
  std::string port = "8080";
};

Target parse_url(const std::string& url) {
  Target t;
  std::string rest = url.starts_with("http://") ? url.substr(7) : url;
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  t.host = rest.substr(0, colon);
  if (colon != std::string::npos) t.port = rest.substr(colon + 1);
  return t;
}

/// GET `path`; returns {status, body}. Throws on connection failure.
std::pair<unsigned, std::string> get(const Target& t, const std::string& path) {
  asio::io_context ctx;
  asio::ip::tcp::resolver resolver(ctx);
  beast::tcp_stream stream(ctx);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(resolver.resolve(t.host, t.port));
  http::request<http::empty_body> req{http::verb::get, path, 11};
  req.set(http::field::host, t.host);
  const char* token = std::getenv("OMNIROUTE_ADMIN_TOKEN");
  if (token) req.set(http::field::authorization, std::string("Bearer ") + token);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {res.result_int(), res.body()};
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = std::getenv("OMNIROUTE_URL") ? std::getenv("OMNIROUTE_URL") : "http://127.0.0.1:8080";
  std::string command;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--url" && i + 1 < argc) url = argv[++i];
    else if (arg == "--version") return std::cout << "omnictl " << OMNIROUTE_VERSION << "\n", 0;
    else command = arg;
  }
  Target target = parse_url(url);
  try {
    if (command == "status") {
      auto [hs, hb] = get(target, "/healthz");
      auto [rs, rb] = get(target, "/readyz");
      std::cout << "daemon  " << (hs == 200 ? "running" : "unhealthy") << "\n"
                << "redis   " << (rs == 200 ? "reachable" : "UNREACHABLE") << "\n";
      return rs == 200 ? 0 : 1;
    }
    if (command == "metrics") {
      auto [s, body] = get(target, "/metrics");
      std::cout << body;
      return s == 200 ? 0 : 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "omnictl: cannot reach omnirouted at " << url << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: omnictl [--url URL] status|metrics\n";
  return 64;
}
