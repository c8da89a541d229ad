// chat_load: web chat visitors against omnirouted, for bench/webchat.
//
//   chat_load --port P --origin O --agent-token T [--visitors 5000] [--talkers 200]
//             [--rate 200] [--seconds 20] [--hold 0]
//
// 1. Opens --visitors WebSockets to /chat/site/socket (Origin O), each says hello and waits for its welcome;
//    prints how long that took, then waits --hold seconds (the caller reads the daemon's memory then).
// 2. --talkers of them write one message each (their conversations are assigned to the agent T, who must be
//    available with room for them); the agent's events socket and every conversation id are known after it.
// 3. For --seconds, on a fixed schedule: --rate visitor messages per second (round robin over the talkers),
//    timed from the scheduled send to the agent's message.created; and --rate agent replies per second (POST
//    /v1/conversations/<id>/messages), timed from the scheduled send to the visitor's socket showing it.
//    Prints p50/p90/p99/max of both, and how many never arrived.
// Every other visitor socket stays open and idle throughout (the server pings them).

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {

struct Options {
  unsigned short port = 8080;
  std::string origin;
  std::string agent_token;
  int visitors = 5000;
  int talkers = 200;
  double rate = 200;
  int seconds = 20;
  int hold = 0;
};

using Ws = websocket::stream<beast::tcp_stream>;

struct Visitor {
  std::unique_ptr<Ws> ws;
  std::string conversation;
  bool welcomed = false;
};

struct Shared {
  std::map<std::string, Clock::time_point> sent_in;   // message text → scheduled send (visitor → agent)
  std::map<std::string, Clock::time_point> sent_out;  // reply text → scheduled send (agent → visitor)
  std::vector<double> to_agent_ms, to_visitor_ms;
  int welcomed = 0;
  int accepted = 0;
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

asio::awaitable<std::unique_ptr<Ws>> open_socket(const Options& o, const std::string& target,
                                                 const std::string& bearer) {
  auto ex = co_await asio::this_coro::executor;
  auto ws = std::make_unique<Ws>(ex);
  auto [ec] = co_await beast::get_lowest_layer(*ws).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port), kAwait);
  if (ec) co_return nullptr;
  beast::get_lowest_layer(*ws).expires_never();
  ws->set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
    if (!o.origin.empty() && bearer.empty()) req.set(http::field::origin, o.origin);
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  }));
  auto [hs] = co_await ws->async_handshake("127.0.0.1:" + std::to_string(o.port), target, kAwait);
  if (hs) co_return nullptr;
  co_return ws;
}

/// One visitor: hello, then reads frames for ever (welcome, accepted, replies).
asio::awaitable<void> visitor(const Options& o, Visitor& v, int index, Shared& s) {
  v.ws = co_await open_socket(o, "/chat/site/socket", "");
  if (!v.ws) co_return;
  char id[40];
  std::snprintf(id, sizeof id, "bench-visitor-%08d-abcdefgh", index);
  std::string hello = json::serialize(json::object{{"type", "hello"}, {"visitor", id}});
  co_await v.ws->async_write(asio::buffer(hello), kAwait);
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await v.ws->async_read(buffer, kAwait);
    if (ec) co_return;
    auto frame = json::parse(beast::buffers_to_string(buffer.data())).as_object();
    buffer.consume(n);
    const auto type = frame.at("type").as_string();
    if (type == "welcome") {
      v.welcomed = true;
      ++s.welcomed;
    } else if (type == "accepted") {
      v.conversation = std::string(frame.at("conversation_id").as_string());
      ++s.accepted;
    } else if (type == "message" && frame.at("message").at("direction") == "out") {
      std::string text(frame.at("message").at("text").as_string());
      if (auto it = s.sent_out.find(text); it != s.sent_out.end()) {
        s.to_visitor_ms.push_back(ms_since(it->second));
        s.sent_out.erase(it);
      }
    }
  }
}

/// The agent's events socket: times each visitor message's message.created.
asio::awaitable<void> agent(const Options& o, Shared& s) {
  auto ws = co_await open_socket(o, "/v1/agents/me/events", o.agent_token);
  if (!ws) {
    std::fprintf(stderr, "chat_load: the agent's events socket was refused\n");
    co_return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws->async_read(buffer, kAwait);
    if (ec) co_return;
    auto frame = json::parse(beast::buffers_to_string(buffer.data())).as_object();
    buffer.consume(n);
    if (frame.at("type") != "message.created") continue;
    std::string text(frame.at("message").at("text").as_string());
    if (auto it = s.sent_in.find(text); it != s.sent_in.end()) {
      s.to_agent_ms.push_back(ms_since(it->second));
      s.sent_in.erase(it);
    }
  }
}

asio::awaitable<void> say(Visitor& v, std::string id, std::string text) {
  std::string frame = json::serialize(json::object{{"type", "message"}, {"id", id}, {"text", text}, {"name", "Bench"}});
  co_await v.ws->async_write(asio::buffer(frame), kAwait);
}

/// Agent replies over one keep-alive HTTP connection each, as fast as they are asked for.
asio::awaitable<void> replier(const Options& o, std::shared_ptr<std::vector<std::pair<std::string, std::string>>> queue,
                              std::shared_ptr<asio::steady_timer> wake, const bool& done) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port), kAwait);
  beast::flat_buffer buffer;
  while (!done) {
    if (queue->empty()) {
      wake->expires_after(std::chrono::milliseconds(2));
      co_await wake->async_wait(kAwait);
      continue;
    }
    auto [conv, text] = queue->back();
    queue->pop_back();
    http::request<http::string_body> req{http::verb::post, "/v1/conversations/" + conv + "/messages", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + o.agent_token);
    req.set(http::field::content_type, "application/json");
    req.body() = json::serialize(json::object{{"text", text}});
    req.prepare_payload();
    auto [we, wn] = co_await http::async_write(stream, req, kAwait);
    http::response<http::string_body> res;
    auto [re, rn] = co_await http::async_read(stream, buffer, res, kAwait);
    if (we || re) break;
    if (res.result_int() != 202) std::fprintf(stderr, "chat_load: a reply answered %d: %s\n", res.result_int(), res.body().c_str());
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

asio::awaitable<void> run(const Options& o, Shared& s, std::vector<Visitor>& visitors, asio::io_context& io) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer tick(ex);
  auto started = Clock::now();
  for (int i = 0; i < o.visitors; ++i) {
    asio::co_spawn(ex, visitor(o, visitors[static_cast<std::size_t>(i)], i, s), asio::detached);
    if (i % 200 == 199) {  // a little at a time: a real crowd does not arrive in one instant
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(kAwait);
    }
  }
  while (s.welcomed < o.visitors && ms_since(started) < 120'000) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(kAwait);
  }
  std::printf("sockets: %d of %d welcomed in %.1f s\n", s.welcomed, o.visitors, ms_since(started) / 1000);
  std::printf("holding %d s\n", o.hold);
  std::fflush(stdout);
  tick.expires_after(std::chrono::seconds(o.hold));
  co_await tick.async_wait(kAwait);

  asio::co_spawn(ex, agent(o, s), asio::detached);
  const int talkers = std::min(o.talkers, s.welcomed);
  for (int i = 0; i < talkers; ++i) co_await say(visitors[static_cast<std::size_t>(i)], "open-" + std::to_string(i) + "-xxxx", "hello " + std::to_string(i));
  auto opening = Clock::now();
  while (s.accepted < talkers && ms_since(opening) < 30'000) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(kAwait);
  }
  tick.expires_after(std::chrono::seconds(2));  // routed to the agent
  co_await tick.async_wait(kAwait);

  auto queue = std::make_shared<std::vector<std::pair<std::string, std::string>>>();
  auto wake = std::make_shared<asio::steady_timer>(ex);
  bool done = false;
  for (int i = 0; i < 8; ++i) asio::co_spawn(ex, replier(o, queue, wake, done), asio::detached);
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  const auto begin = Clock::now();
  const int total = static_cast<int>(o.rate * o.seconds);
  for (int k = 0; k < total; ++k) {
    auto due = begin + std::chrono::duration_cast<Clock::duration>(interval * k);
    tick.expires_at(due);
    co_await tick.async_wait(kAwait);
    Visitor& v = visitors[static_cast<std::size_t>(k % talkers)];
    std::string in = "in-" + std::to_string(k) + " నమస్తే";
    s.sent_in[in] = due;
    asio::co_spawn(ex, say(v, "m-" + std::to_string(k) + "-bench", in), asio::detached);
    if (!v.conversation.empty()) {
      std::string out = "out-" + std::to_string(k) + " धन्यवाद";
      s.sent_out[out] = due;
      queue->emplace_back(v.conversation, out);
    }
  }
  tick.expires_after(std::chrono::seconds(3));
  co_await tick.async_wait(kAwait);
  done = true;
  std::printf("visitor -> agent: n=%zu p50=%.1f ms p90=%.1f p99=%.1f max=%.1f missing=%zu\n", s.to_agent_ms.size(),
              percentile(s.to_agent_ms, .5), percentile(s.to_agent_ms, .9), percentile(s.to_agent_ms, .99),
              percentile(s.to_agent_ms, 1), s.sent_in.size());
  std::printf("agent -> visitor: n=%zu p50=%.1f ms p90=%.1f p99=%.1f max=%.1f missing=%zu\n", s.to_visitor_ms.size(),
              percentile(s.to_visitor_ms, .5), percentile(s.to_visitor_ms, .9), percentile(s.to_visitor_ms, .99),
              percentile(s.to_visitor_ms, 1), s.sent_out.size());
  std::fflush(stdout);
  io.stop();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--origin") o.origin = v;
    else if (k == "--agent-token") o.agent_token = v;
    else if (k == "--visitors") o.visitors = std::stoi(v);
    else if (k == "--talkers") o.talkers = std::stoi(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--seconds") o.seconds = std::stoi(v);
    else if (k == "--hold") o.hold = std::stoi(v);
  }
  asio::io_context io;
  Shared s;
  std::vector<Visitor> visitors(static_cast<std::size_t>(o.visitors));
  asio::co_spawn(io, run(o, s, visitors, io), asio::detached);
  io.run();
  return 0;
}
