// Mail servers through the shared HTTP client: smtp:// to a relay on this
// machine may be plain, anywhere else STARTTLS is required, so credentials
// and mail never cross a network in clear.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "net/http_client.hpp"
#include "support/smtp_server.hpp"

namespace omniroute::testing {
namespace {

net::HttpAnswer submit(const std::string& url) {
  boost::asio::io_context io;
  net::HttpClient client(io.get_executor());
  HttpCall mail;
  mail.url = url;
  mail.username = "relay";
  mail.password = "relay-secret-1";
  mail.mail_from = "support@acme.example";
  mail.mail_to = {"lakshmi.devi@outlook.com"};
  mail.body = "From: support@acme.example\r\nTo: lakshmi.devi@outlook.com\r\nSubject: hi\r\n\r\nనమస్తే\r\n";
  mail.timeout_ms = 5'000;
  net::HttpAnswer answer;
  client.perform(mail, [&](net::HttpAnswer a) { answer = std::move(a); });
  io.run();
  return answer;
}

TEST(MailTransport, ALocalRelayMayBePlainAnyOtherHostMustStartTls) {
  SmtpServer relay("relay", "relay-secret-1");  // offers no STARTTLS
  auto local = submit("smtp://127.0.0.1:" + std::to_string(relay.port()));
  EXPECT_EQ(local.status, 250) << local.error;
  ASSERT_TRUE(relay.wait_for(1, 5'000));

  // The same server by an address that is not written as loopback: refused before AUTH or MAIL.
  auto remote = submit("smtp://[::ffff:127.0.0.1]:" + std::to_string(relay.port()));
  if (remote.error == "Couldn't connect to server") GTEST_SKIP() << "no IPv6 on this machine";
  EXPECT_EQ(remote.status, 0);
  EXPECT_EQ(remote.error, "Requested SSL level failed");
  EXPECT_EQ(relay.received().size(), 1u);
}

}  // namespace
}  // namespace omniroute::testing
