// Hostile and malformed input gets a clear JSON error, and the daemon keeps serving.

#include <gtest/gtest.h>

#include <sstream>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

class BadInput : public ::testing::Test {
 protected:
  BadInput() : port(free_port()), daemon(daemon_config(port, redis.url()), port, {"TEST_TWILIO_TOKEN=t"}) {}

  void TearDown() override {
    EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200) << "the daemon stopped serving";
    EXPECT_TRUE(daemon.running());
  }

  HttpResult post_signed(const std::string& body) {
    return http_request(port, "POST", "/webhooks/api", signed_headers(body), body);
  }

  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

void expect_json_error(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.headers.at("content-type"), "application/json; charset=utf-8");
  EXPECT_NE(r.body.find("\"error\":\"" + code + "\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"message\":"), std::string::npos);
}

TEST_F(BadInput, InvalidJsonIs400) { expect_json_error(post_signed("{\"id\": "), 400, "invalid_json"); }

TEST_F(BadInput, InvalidUtf8Is400) {
  expect_json_error(post_signed("{\"id\":\"1\",\"from\":{\"handle\":\"u\"},\"text\":\"caf\xe9\"}"), 400,
                    "invalid_utf8");
}

TEST_F(BadInput, MissingFieldIs400) {
  expect_json_error(post_signed(R"({"id":"1","text":"no sender"})"), 400, "missing_field");
  EXPECT_EQ(stored_keys(redis), 0);
}

TEST_F(BadInput, BodyOverTheLimitIs413) {
  std::string big = webhook_body("1", "u", std::string(70'000, 'a'));
  expect_json_error(post_signed(big), 413, "body_too_large");
}

TEST_F(BadInput, HugeHeaderIs431) {
  auto r = http_request(port, "GET", "/healthz", {{"X-Padding", std::string(20'000, 'x')}});
  expect_json_error(r, 431, "headers_too_large");
}

TEST_F(BadInput, GarbageRequestLineIs400) {
  std::string answer = raw_exchange(port, "HELLO THERE\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400");
  EXPECT_NE(answer.find("\"error\":\"bad_request\""), std::string::npos);
}

TEST_F(BadInput, ATransferCodingOtherThanChunkedIs400AndClosesSoNothingIsSmuggled) {
  // Read as an empty body, the rest would be parsed as a second request a proxy never saw.
  for (const char* coding : {"xchunked", "gzip, chunked", "chunked, identity", "identity"}) {
    std::string answer = raw_exchange(port,
                                      std::string("POST /webhooks/api HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") +
                                          coding + "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << coding;
    // (a coding that ends in chunked may be refused by the chunk parser first, as bad_request)
    EXPECT_TRUE(answer.find("\"error\":\"unsupported_transfer_encoding\"") != std::string::npos ||
                answer.find("\"error\":\"bad_request\"") != std::string::npos)
        << coding << ": " << answer;
    EXPECT_EQ(answer.find("200 OK"), std::string::npos) << coding << ": the smuggled request was served";
    EXPECT_EQ(answer.find(kClientGaveUp), std::string::npos) << coding << ": the connection stayed open";
  }
  // The same with a well-formed chunked body: refused for the coding it names.
  std::string answer = raw_exchange(port, "POST /webhooks/api HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
                                          "\r\n2\r\n{}\r\n0\r\n\r\n");
  EXPECT_NE(answer.find("\"error\":\"unsupported_transfer_encoding\""), std::string::npos) << answer;
  // Plain chunked still works.
  std::string body = webhook_body("te-1", "cust-te", "chunked is fine");
  std::ostringstream hex;
  hex << std::hex << body.size();
  std::string sig = "sha256=" + hmac_sha256_hex(kApiSecret, body);
  answer = raw_exchange(port, "POST /webhooks/api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                          "Transfer-Encoding: chunked\r\nX-Omniroute-Signature: " + sig +
                                          "\r\n\r\n" + hex.str() + "\r\n" + body + "\r\n0\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer;
}

TEST_F(BadInput, SlowClientIsCutOffAfterTheReadTimeout) {
  // Half a request, then silence: the server (read_timeout 1s) closes the
  // connection long before this client's own 8 s patience runs out.
  std::string answer = raw_exchange(port, "POST /webhooks/api HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", 8000);
  EXPECT_EQ(answer.find(kClientGaveUp), std::string::npos) << "the server kept a stalled connection open";
  EXPECT_EQ(stored_keys(redis), 0);
}

TEST_F(BadInput, UnknownRouteIs404AndWrongMethodIs405) {
  expect_json_error(http_request(port, "GET", "/nope"), 404, "not_found");
  expect_json_error(http_request(port, "POST", "/healthz", {}, "x"), 405, "method_not_allowed");
  expect_json_error(http_request(port, "GET", "/webhooks/api"), 405, "method_not_allowed");
}

}  // namespace
}  // namespace omniroute::testing
