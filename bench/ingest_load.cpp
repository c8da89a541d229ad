// ingest_load: drives omnirouted's generic webhook with distinct, pre-signed
// messages over keep-alive connections and prints throughput and latency.
//
//   ingest_load --port P --secret S [--connections 64] [--requests 100000]
//               [--rate 0] [--prefix run1] [--customers 5000]
//
// --rate 0 sends as fast as the daemon answers (closed loop). --rate R paces
// requests on a fixed schedule (open loop) and measures latency from each
// request's scheduled time, so a stalled server cannot hide its queueing.

#include <algorithm>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/signing.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  unsigned short port = 8080;
  std::string secret;
  int connections = 64;
  int requests = 100000;
  double rate = 0;
  std::string prefix = "bench";
  int customers = 5000;  // distinct senders; as many as requests makes every message a new conversation
};

/// Raw bytes of request `i`: a distinct message id, one of many customers, mixed scripts.
std::string build_request(const Options& o, int i) {
  static const char* texts[] = {"Where is my order?", "मेरा रिफंड कब आएगा?", "నా ఆర్డర్ ఇంకా రాలేదు",
                                "Need help with billing 🙏"};
  std::string body = "{\"id\":\"" + o.prefix + "-" + std::to_string(i) + "\",\"from\":{\"handle\":\"cust-" +
                     std::to_string(i % o.customers) + "\"},\"text\":\"" + texts[i % 4] + "\"}";
  return "POST /webhooks/api HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "X-Omniroute-Signature: sha256=" + omniroute::channels::hmac_sha256_hex(o.secret, body) + "\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Stats {
  std::vector<double> latencies_ms;
  int ok = 0;
  int failed = 0;
};

asio::awaitable<void> connection(const Options& o, const std::vector<std::string>& reqs, int index, Clock::time_point start,
                                 Stats& stats) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  stream.expires_after(std::chrono::seconds(10));
  co_await stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port),
                                asio::use_awaitable);
  stream.socket().set_option(asio::ip::tcp::no_delay(true));
  beast::flat_buffer buffer;
  asio::steady_timer pace(ex);
  for (int i = index; i < o.requests; i += o.connections) {
    Clock::time_point scheduled = Clock::now();
    if (o.rate > 0) {
      scheduled = start + std::chrono::nanoseconds(static_cast<long long>(1e9 * i / o.rate));
      pace.expires_at(scheduled);
      co_await pace.async_wait(asio::use_awaitable);
    }
    stream.expires_after(std::chrono::seconds(10));
    co_await asio::async_write(stream, asio::buffer(reqs[i]), asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - scheduled).count();
    stats.latencies_ms.push_back(ms);
    (res.result_int() == 200 ? stats.ok : stats.failed)++;
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--secret") o.secret = v;
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--requests") o.requests = std::stoi(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--prefix") o.prefix = v;
    else if (k == "--customers") o.customers = std::max(1, std::stoi(v));
    else return std::cerr << "unknown option " << k << "\n", 64;
  }
  std::vector<std::string> reqs;
  reqs.reserve(static_cast<size_t>(o.requests));
  for (int i = 0; i < o.requests; ++i) reqs.push_back(build_request(o, i));

  asio::io_context ctx{1};
  Stats stats;
  stats.latencies_ms.reserve(static_cast<size_t>(o.requests));
  int errors = 0;
  auto start = Clock::now();
  for (int c = 0; c < o.connections; ++c) {
    asio::co_spawn(ctx, connection(o, reqs, c, start, stats), [&errors](std::exception_ptr e) {
      if (e) ++errors;
    });
  }
  ctx.run();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("requests=%d ok=%d failed=%d connection_errors=%d seconds=%.2f msgs_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
              o.requests, stats.ok, stats.failed, errors, seconds, stats.ok / seconds,
              percentile(stats.latencies_ms, 0.50), percentile(stats.latencies_ms, 0.99),
              percentile(stats.latencies_ms, 1.0));
  return stats.failed == 0 && errors == 0 ? 0 : 1;
}
