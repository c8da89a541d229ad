// The HTTP server itself, on a real loopback socket: whatever a handler does,
// the client hears an answer.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <stdexcept>
#include <thread>

#include "http/server.hpp"
#include "support/http_client.hpp"

namespace omniroute::http {
namespace {

namespace asio = boost::asio;

/// A handler with a bug: it throws on /boom, answers 200 elsewhere.
class ThrowingHandler final : public Handler {
 public:
  asio::awaitable<Response> handle(Request& request, const std::string&) override {
    if (request.target().starts_with("/boom")) throw std::out_of_range("key not found");
    co_return json_response(200, R"({"ok":true})");
  }
  asio::awaitable<void> upgrade(Request, boost::beast::tcp_stream) override { co_return; }
};

struct RunningServer {
  RunningServer() : listener(context, {asio::ip::make_address("127.0.0.1"), 0}, {Lane{&context, &handler, &sessions}}, {}) {
    listener.start();
    thread = std::thread([this] { context.run(); });
  }
  ~RunningServer() {
    // Stop accepting and close idle sessions; the loop then runs out of work and returns.
    asio::post(context, [this] {
      listener.stop();
      sessions.drain();
    });
    thread.join();
  }
  asio::io_context context;
  ThrowingHandler handler;
  SessionSet sessions;
  Listener listener;
  std::thread thread;
};

TEST(HttpServer, AHandlerThatThrowsIsAnswered500WithAJsonErrorAndTheConnectionServesOn) {
  RunningServer server;
  testing::HttpConnection connection(server.listener.port());
  auto failed = connection.request("GET", "/boom?x=1");
  EXPECT_EQ(failed.status, 500);
  EXPECT_NE(failed.body.find("\"error\":\"internal_error\""), std::string::npos) << failed.body;
  // The same keep-alive connection still works.
  auto fine = connection.request("GET", "/fine");
  EXPECT_EQ(fine.status, 200);
}

}  // namespace
}  // namespace omniroute::http
