// route_probe: time from a customer's webhook to the `conversation.assigned`
// event on the agent's WebSocket. One agent watches its events; the probe
// posts signed messages from new customers one at a time and times each.
//
//   route_probe --port P --secret S --channel probe --token AGENT_TOKEN [--count 500]

#include <algorithm>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/signing.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

namespace {
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}
}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 8080;
  std::string secret, channel = "probe", token;
  int count = 500;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--secret") secret = v;
    else if (k == "--channel") channel = v;
    else if (k == "--token") token = v;
    else if (k == "--count") count = std::stoi(v);
  }
  asio::io_context ctx;
  auto endpoint = asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port);
  beast::tcp_stream http_stream(ctx);
  http_stream.connect(endpoint);
  http_stream.socket().set_option(asio::ip::tcp::no_delay(true));
  auto call = [&](http::verb verb, const std::string& target, const std::string& body,
                  std::vector<std::pair<std::string, std::string>> headers) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(http_stream, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(http_stream, b, res);
    return res.result_int();
  };

  websocket::stream<beast::tcp_stream> ws(ctx);
  beast::get_lowest_layer(ws).connect(endpoint);
  beast::get_lowest_layer(ws).socket().set_option(asio::ip::tcp::no_delay(true));
  ws.set_option(websocket::stream_base::decorator(
      [&](websocket::request_type& r) { r.set(http::field::authorization, "Bearer " + token); }));
  ws.handshake("127.0.0.1", "/v1/agents/me/events");
  if (call(http::verb::put, "/v1/agents/me/status", R"({"status":"available"})", {{"Authorization", "Bearer " + token}}) != 200) {
    std::cerr << "cannot set the agent available\n";
    return 1;
  }
  std::vector<double> ms;
  beast::flat_buffer buffer;
  auto run_id = std::to_string(Clock::now().time_since_epoch().count());
  for (int i = 0; i < count; ++i) {
    std::string body = "{\"id\":\"probe-" + run_id + "-" + std::to_string(i) + "\",\"from\":{\"handle\":\"probe-" +
                       run_id + "-" + std::to_string(i) + "\"},\"text\":\"hello\"}";
    auto t0 = Clock::now();
    if (call(http::verb::post, "/webhooks/" + channel, body,
             {{"Content-Type", "application/json"}, {"X-Omniroute-Signature", "sha256=" + omniroute::channels::hmac_sha256_hex(secret, body)}}) != 200) {
      std::cerr << "webhook refused\n";
      return 1;
    }
    for (;;) {  // the next assignment event is ours: one agent, one probe at a time
      buffer.clear();
      ws.read(buffer);
      auto frame = boost::json::parse(beast::buffers_to_string(buffer.data()));
      if (frame.at("type") == "conversation.assigned") break;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::printf("probes=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", count, percentile(ms, 0.5), percentile(ms, 0.99),
              percentile(ms, 1.0));
  return 0;
}
