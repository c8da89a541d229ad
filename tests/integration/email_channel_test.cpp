// The e-mail channel end to end with real servers: Debian's Dovecot for IMAP
// (configured in a temporary directory by the fixture) and the tests' SMTP
// server. Mail delivered into Dovecot is routed to an agent, the reply
// reaches the SMTP server as a threaded MIME mail, the customer's answer and
// an auto-reply land in the same conversation, a restart neither loses nor
// repeats a mail, and a recreated mailbox (new UIDVALIDITY) is read again
// without storing anything twice.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/dovecot_server.hpp"
#include "support/fake_provider.hpp"
#include "support/http_client.hpp"
#include "support/postgres_server.hpp"
#include "support/redis_server.hpp"
#include "support/smtp_server.hpp"
#include "test_config.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAgent = "mail-agent-token-0123456789";
constexpr const char* kTeluguMessageId = "DB9PR01MB7777ABCD@DB9PR01MB7777.eurprd01.prod.outlook.com";

/// A fixture mail with CRLF line ends, as IMAP carries it.
std::string fixture(const std::string& name) {
  std::ifstream in(std::string(OMNIROUTE_SOURCE_DIR) + "/tests/fixtures/email/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  std::string out;
  for (char c : s.str()) {
    if (c == '\n' && (out.empty() || out.back() != '\r')) out += '\r';
    out += c;
  }
  return out;
}

std::string mail(const std::string& message_id, const std::string& headers, const std::string& text) {
  return "From: Lakshmi Devi <Lakshmi.Devi@Outlook.com>\r\nTo: support@acme.example\r\nMessage-ID: <" + message_id +
         ">\r\n" + headers + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n\r\n" + text + "\r\n";
}

/// A Mailgun-style inbound-parse POST body carrying fixture `eml`, signed with `key`.
std::string mailgun_form(const std::string& token, const std::string& timestamp, const std::string& key,
                         const std::string& eml) {
  return "--b0und\r\nContent-Disposition: form-data; name=\"timestamp\"\r\n\r\n" + timestamp +
         "\r\n--b0und\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + token +
         "\r\n--b0und\r\nContent-Disposition: form-data; name=\"signature\"\r\n\r\n" +
         hmac_sha256_hex(key, timestamp + token) +
         "\r\n--b0und\r\nContent-Disposition: form-data; name=\"body-mime\"; filename=\"message.mime\"\r\n"
         "Content-Type: message/rfc822\r\n\r\n" + fixture(eml) + "\r\n--b0und--\r\n";
}
const Headers kFormHeaders{{"Content-Type", "multipart/form-data; boundary=b0und"}};

/// A daemon config with one e-mail channel fed by the inbound-parse webhook (key key-0123456789).
std::string webhook_mail_config(std::uint16_t port, const std::string& redis_url, const std::string& extra = "") {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  admin_token: admin-token-0123456789\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: mail, kind: email, address: support@acme.example, webhook_signing_key: key-0123456789 }\n"
         "queues:\n  - { id: general, channels: [mail], sla: { first_response: 15m } }\n" + extra;
}

std::string mail_conversation(RedisServer& redis, const std::string& message_id) {
  std::string conv = redis.one({"GET", it_keys().thread("mail", "msg:" + message_id)});
  return conv == "(nil)" ? "" : conv;
}

std::string config(std::uint16_t port, const std::string& redis_url, const std::string& imap_url, const std::string& after,
                   const std::string& smtp_url, const std::string& extra_channels = "", const std::string& extra_queue = "") {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n"
         "  - id: mail\n    kind: email\n    address: support@acme.example\n"
         "    imap: { url: \"" + imap_url + "\", username: support@acme.example, password: imap-secret-1, poll_interval: 1s, after: \"" +
         after + "\" }\n"
         "    smtp: { url: \"" + smtp_url + "\", username: relay, password: relay-secret-1 }\n" + extra_channels +
         "queues:\n  - { id: general, channels: [mail" + extra_queue + "] }\n"
         "agents:\n  - { id: asha, token: " + kAgent + ", skills: [te], capacity: { email: 5 } }\n";
}

TEST(EmailChannel, MailFromDovecotIsRoutedAndTheReplyReachesSmtpThreaded) {
  RedisServer redis;
  DovecotServer dovecot("support@acme.example", "imap-secret-1");
  SmtpServer smtp("relay", "relay-secret-1");
  FakeProvider stuck;  // an IMAP server that accepts and never answers: it must not hold anyone up
  ScriptedAnswer hang;
  hang.hang = true;
  stuck.script({}, hang);
  dovecot.command("", "CREATE Processed");
  // Read before omniroute took the mailbox over: not taken. Unread: taken.
  dovecot.append("INBOX", mail("old-read-0001@outlook.com", "Subject: an old thread\r\n", "already handled"));
  dovecot.command("INBOX", "UID STORE 1 +FLAGS (\\Seen)");
  dovecot.append("INBOX", fixture("03_outlook_telugu_base64.eml"));

  std::uint16_t port = free_port();
  std::string stuck_channel = "  - id: stuckmail\n    kind: email\n    address: help@acme.example\n"
                              "    imap: { url: \"imap://127.0.0.1:" + std::to_string(stuck.port()) +
                              "/INBOX\", username: u, password: p, poll_interval: 1s }\n"
                              "    smtp: { url: \"" + smtp.url() + "\" }\n"
                              "  - { id: api, kind: webhook, secret: " + std::string(kApiSecret) + " }\n";
  DaemonProcess daemon(config(port, redis.url(), dovecot.url("INBOX"), "move:Processed", smtp.url(), stuck_channel,
                              ", stuckmail, api"),
                       port);

  ASSERT_TRUE(eventually([&] { return !mail_conversation(redis, kTeluguMessageId).empty(); })) << daemon.log();
  const std::string conv = mail_conversation(redis, kTeluguMessageId);
  EXPECT_EQ(mail_conversation(redis, "old-read-0001@outlook.com"), "");
  // Filed away once stored: the inbox keeps only the read mail, Processed has the new one.
  ASSERT_TRUE(eventually([&] { return dovecot.uids("Processed").size() == 1; })) << daemon.log();
  EXPECT_EQ(dovecot.uids("INBOX").size(), 1u);

  // The stuck IMAP server holds up neither the webhook channel nor the agent API.
  auto hooked = post_message(port, "w-1", "cust-1", "hello");
  EXPECT_EQ(hooked.status, 200) << hooked.body;

  // The agent sees the Telugu mail as it was written; the contact is the lowercased address.
  Headers h{{"Authorization", std::string("Bearer ") + kAgent}, {"Content-Type", "application/json"}};
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", h, R"({"status":"available"})").status, 200);
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().conversation(conv), "agent"}) == "asha"; })) << daemon.log();
  auto view = http_request(port, "GET", "/v1/conversations/" + conv, h);
  ASSERT_EQ(view.status, 200) << view.body;
  json::value c = json::parse(view.body);
  EXPECT_EQ(c.at("channel"), "mail");
  EXPECT_EQ(c.at("subject"), "నా ఆర్డర్ ఇంకా రాలేదు");
  const json::array& msgs = c.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(std::string(msgs[0].at("text").as_string()).find("#9031"), std::string::npos);
  EXPECT_EQ(msgs[0].at("from"), "lakshmi.devi@outlook.com");
  EXPECT_EQ(redis.one({"GET", it_keys().handle("email", "lakshmi.devi@outlook.com")}), c.at("contact").at("id").as_string().c_str());

  // The reply: a MIME mail to the customer, threaded under her message.
  auto reply = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", h, R"({"text":"మీ ఆర్డర్ రేపు వస్తుంది."})");
  ASSERT_EQ(reply.status, 202) << reply.body;
  const std::string msg = std::string(json::parse(reply.body).at("message").at("id").as_string());
  ASSERT_TRUE(smtp.wait_for(1)) << daemon.log();
  ReceivedMail sent = smtp.received()[0];
  EXPECT_EQ(sent.user, "relay");
  EXPECT_EQ(sent.from, "support@acme.example");
  ASSERT_EQ(sent.to.size(), 1u);
  EXPECT_EQ(sent.to[0], "lakshmi.devi@outlook.com");
  EXPECT_EQ(mail_header(sent.data, "Subject"), "Re: నా ఆర్డర్ ఇంకా రాలేదు");
  EXPECT_EQ(mail_header(sent.data, "In-Reply-To"), std::string("<") + kTeluguMessageId + ">");
  EXPECT_NE(mail_header(sent.data, "References").find(kTeluguMessageId), std::string::npos);
  const std::string our_id = "omniroute." + conv + "." + msg + "@acme.example";
  EXPECT_EQ(mail_header(sent.data, "Message-ID"), "<" + our_id + ">");
  EXPECT_NE(decode_quoted_printable(sent.data.substr(sent.data.find("\r\n\r\n") + 4)).find("మీ ఆర్డర్ రేపు వస్తుంది."),
            std::string::npos);

  // Her answer to our reply (some clients keep only In-Reply-To) and her out-of-office land in the
  // same conversation; the auto-reply is marked and starts no clock.
  dovecot.append("INBOX", mail("answer-0002@outlook.com", "Subject: Re: order\r\nIn-Reply-To: <" + our_id + ">\r\n",
                               "ధన్యవాదాలు!\r\n\r\nOn Mon, 23 Nov 2026, Acme Support wrote:\r\n> మీ ఆర్డర్ రేపు వస్తుంది."));
  dovecot.append("INBOX", mail("ooo-0003@outlook.com",
                               "Subject: Automatic reply: Re: order\r\nAuto-Submitted: auto-replied\r\nIn-Reply-To: <" +
                                   our_id + ">\r\n",
                               "I am away until Monday."));
  // A bounce from a mail server that returns our reply's headers: proven ours (we recorded sending
  // that Message-ID), so it joins the conversation though no contact sent it.
  std::string bounce = fixture("22_bounce_of_our_reply.eml");
  bounce.replace(bounce.find("omniroute.v31.m88@acme.example"), 30, our_id);
  dovecot.append("INBOX", bounce);
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().conversation(conv), "message_count"}) == "5"; }))
      << daemon.log();
  view = http_request(port, "GET", "/v1/conversations/" + conv, h);
  c = json::parse(view.body);
  const json::array& all = c.at("messages").as_array();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2].at("text"), "ధన్యవాదాలు!");  // the quoted history left out of what agents read...
  EXPECT_NE(std::string(all[2].at("full_text").as_string()).find("> మీ ఆర్డర్"), std::string::npos);  // ...and kept
  EXPECT_EQ(all[3].at("automatic"), "Auto-Submitted: auto-replied");
  EXPECT_EQ(all[4].at("automatic"), "sender mailer-daemon@mx.gmail.example");
  // A bounce that names nothing of ours is recorded, not routed and not a conversation.
  dovecot.append("INBOX", fixture("13_bounce_dsn.eml"));
  ASSERT_TRUE(eventually([&] { return redis.one({"XLEN", it_keys().automatic()}) == "1"; })) << daemon.log();
  EXPECT_EQ(redis.one({"HGET", it_keys().seq(), "conv"}), "2");  // the Telugu mail's and the webhook's
  EXPECT_EQ(dovecot.uids("Processed").size(), 5u);
  // Meanwhile the stuck server's channel times out, says so, and keeps trying.
  EXPECT_TRUE(eventually([&] { return daemon.log().find("email stuckmail: IMAP SELECT of INBOX failed") != std::string::npos; }))
      << daemon.log();
  EXPECT_EQ(daemon.log().find("imap-secret-1"), std::string::npos);
}

TEST(EmailChannel, ARestartNeitherLosesNorRepeatsAndARecreatedMailboxIsReadAgainOnce) {
  RedisServer redis;
  DovecotServer dovecot("support@acme.example", "imap-secret-1");
  SmtpServer smtp;
  dovecot.command("", "CREATE Support");
  dovecot.append("Support", mail("first-0001@outlook.com", "Subject: Refund for order 17\r\n", "నా రీఫండ్ ఎక్కడ?"));
  dovecot.append("Support", mail("second-0002@outlook.com", "Subject: पासवर्ड\r\n", "मेरा पासवर्ड काम नहीं कर रहा"));
  std::uint16_t port = free_port();
  const std::string conf = config(port, redis.url(), dovecot.url("Support"), "seen", smtp.url());
  const std::uint64_t validity = dovecot.uidvalidity("Support");
  redis.command({"HSET", it_keys().channel_state("mail"), "imap_cursor", "not-a-cursor"});  // damaged: read as none
  {
    DaemonProcess first(conf, port);
    ASSERT_TRUE(eventually([&] {
      return redis.one({"HGET", it_keys().channel_state("mail"), "imap_cursor"}) == std::to_string(validity) + ":2";
    })) << first.log();
    ASSERT_TRUE(eventually([&] { return dovecot.uids("Support", "UNSEEN").empty(); })) << first.log();
    EXPECT_NE(first.log().find("the saved IMAP cursor 'not-a-cursor' is unreadable"), std::string::npos);
    EXPECT_EQ(first.terminate(), 0) << first.log();
  }
  // Arrives while the daemon is down; a customer writing again on the same subject within the window.
  dovecot.append("Support", mail("third-0003@outlook.com", "Subject: RE: Refund for order 17\r\n", "any news?"));
  dovecot.append("Support", fixture("08_attachment_rfc2231_telugu_name.eml"));  // a receipt, as a PDF
  {
    DaemonProcess second(conf, port);
    ASSERT_TRUE(eventually([&] {
      return redis.one({"HGET", it_keys().channel_state("mail"), "imap_cursor"}) == std::to_string(validity) + ":4";
    })) << second.log();
    EXPECT_EQ(redis.one({"HGET", it_keys().seq(), "conv"}), "3");
    EXPECT_EQ(mail_conversation(redis, "third-0003@outlook.com"), mail_conversation(redis, "first-0001@outlook.com"));
    EXPECT_EQ(redis.one({"HGET", it_keys().conversation(mail_conversation(redis, "first-0001@outlook.com")), "message_count"}), "2");

    // The attachment's bytes are kept and served to agents as a download.
    Headers h{{"Authorization", std::string("Bearer ") + kAgent}, {"Content-Type", "application/json"}};
    const std::string receipt = mail_conversation(redis, "CAattach0001@mail.gmail.com");
    ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", h, R"({"status":"available"})").status, 200);
    ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().conversation(receipt), "agent"}) == "asha"; }));
    auto view = http_request(port, "GET", "/v1/conversations/" + receipt, h);
    ASSERT_EQ(view.status, 200) << view.body;
    const json::value att = json::parse(view.body).at("messages").at(0).at("attachments").at(0);
    EXPECT_EQ(att.at("name"), "రసీదు.pdf");
    EXPECT_EQ(att.at("type"), "application/pdf");
    const std::string url(att.at("url").as_string());
    ASSERT_TRUE(url.starts_with("/v1/attachments/")) << url;
    auto file = http_request(port, "GET", url, h);
    EXPECT_EQ(file.status, 200);
    EXPECT_EQ(file.headers["content-type"], "application/pdf");
    EXPECT_EQ(file.headers["content-disposition"], "attachment");
    EXPECT_EQ(file.body, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    EXPECT_EQ(static_cast<std::int64_t>(file.body.size()), att.at("size").as_int64());
    EXPECT_EQ(http_request(port, "GET", url, {}).status, 401);
    EXPECT_EQ(http_request(port, "GET", "/v1/attachments/" + std::string(64, 'a'), h).status, 404);

    // The mailbox is recreated: its UIDs start again under a new UIDVALIDITY. An old mail put back
    // is recognised by its Message-ID; the new one is taken.
    dovecot.command("", "DELETE Support");
    dovecot.command("", "CREATE Support");
    const std::uint64_t renewed = dovecot.uidvalidity("Support");
    ASSERT_NE(renewed, validity);
    dovecot.append("Support", mail("second-0002@outlook.com", "Subject: पासवर्ड\r\n", "मेरा पासवर्ड काम नहीं कर रहा"));
    dovecot.append("Support", mail("fifth-0005@outlook.com", "Subject: Invoice\r\n", "Please send the invoice."));
    ASSERT_TRUE(eventually([&] {
      return redis.one({"HGET", it_keys().channel_state("mail"), "imap_cursor"}) == std::to_string(renewed) + ":2";
    })) << second.log();
    EXPECT_EQ(redis.one({"HGET", it_keys().seq(), "conv"}), "4");
    EXPECT_EQ(redis.one({"HGET", it_keys().conversation(mail_conversation(redis, "second-0002@outlook.com")), "message_count"}),
              "1");
    EXPECT_NE(second.log().find("UIDVALIDITY of Support changed"), std::string::npos);
  }
}

TEST(EmailChannel, AnInboundParseWebhookStoresTheMailOnceAndRefusesForgedOrStaleOnes) {
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon("server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n"
                       "redis:\n  url: " + redis.url() + "\n  workspace: it\n"
                       "channels:\n  - { id: mail, kind: email, address: support@acme.example, webhook_signing_key: key-0123456789 }\n"
                       "queues:\n  - { id: general, channels: [mail] }\n",
                       port);
  const std::string token = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00aa";
  auto form = [&](const std::string& timestamp, const std::string& key,
                  const std::string& eml = "02_gmail_hindi_qp.eml") { return mailgun_form(token, timestamp, key, eml); };
  const Headers& h = kFormHeaders;
  const std::string now = std::to_string(std::time(nullptr));
  auto forged = http_request(port, "POST", "/webhooks/mail", h, form(now, "guessed-key"));
  EXPECT_EQ(forged.status, 401);
  EXPECT_NE(forged.body.find("bad_signature"), std::string::npos);
  const std::string old = std::to_string(std::time(nullptr) - 600);
  auto stale = http_request(port, "POST", "/webhooks/mail", h, form(old, "key-0123456789"));
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(stale.body.find("stale_timestamp"), std::string::npos);
  EXPECT_EQ(redis.one({"HGET", it_keys().seq(), "conv"}), "(nil)");  // nothing stored for either

  for (int i = 0; i < 2; ++i) {  // the provider retries: stored once
    auto ok = http_request(port, "POST", "/webhooks/mail", h, form(now, "key-0123456789"));
    ASSERT_EQ(ok.status, 200) << ok.body;
  }
  EXPECT_EQ(redis.one({"HGET", it_keys().seq(), "conv"}), "1");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation("v1"), "message_count"}), "1");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation("v1"), "language"}), "hi");

  // The signature covers timestamp + token only: reused with another mail, it is a forgery.
  auto replayed = http_request(port, "POST", "/webhooks/mail", h, form(now, "key-0123456789", "01_gmail_plain.eml"));
  EXPECT_EQ(replayed.status, 401);
  EXPECT_NE(replayed.body.find("\"error\":\"replayed\""), std::string::npos) << replayed.body;
  EXPECT_EQ(redis.one({"HGET", it_keys().seq(), "conv"}), "1");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation("v1"), "message_count"}), "1");
}

TEST(EmailChannel, AMailIsMarkedReadOnlyOnceItIsStored) {
  RedisServer redis;
  DovecotServer dovecot("support@acme.example", "imap-secret-1");
  SmtpServer smtp;
  dovecot.append("INBOX", mail("blocked-0001@outlook.com", "Subject: ఇంకా రాలేదు\r\n", "నా పార్సెల్ ఇంకా రాలేదు"));
  // Its dedupe key holds the wrong type: storing this mail fails until the key is cleared.
  redis.command({"HSET", it_keys().dedupe("mail", "blocked-0001@outlook.com"), "x", "y"});
  std::uint16_t port = free_port();
  DaemonProcess daemon(config(port, redis.url(), dovecot.url("INBOX"), "seen", smtp.url()), port);
  ASSERT_TRUE(eventually([&] { return daemon.log().find("not stored") != std::string::npos; })) << daemon.log();
  // Fetched, not stored: it must still look unread (the oldest-unread rule starts there after a cursor loss).
  EXPECT_EQ(dovecot.uids("INBOX", "UNSEEN").size(), 1u) << daemon.log();
  redis.command({"DEL", it_keys().dedupe("mail", "blocked-0001@outlook.com")});
  ASSERT_TRUE(eventually([&] { return !mail_conversation(redis, "blocked-0001@outlook.com").empty(); })) << daemon.log();
  ASSERT_TRUE(eventually([&] { return dovecot.uids("INBOX", "UNSEEN").empty(); })) << daemon.log();
}

TEST(EmailChannel, AMailFromTheInboundParseWebhookIsFiledAtTheTimeItArrived) {
  // It used to be filed in 1970: first in every queue and breached by decades at once.
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon(webhook_mail_config(port, redis.url()), port);
  const std::string now = std::to_string(std::time(nullptr));
  const std::int64_t before_ms = static_cast<std::int64_t>(std::time(nullptr) - 1) * 1000;
  auto ok = http_request(port, "POST", "/webhooks/mail", kFormHeaders,
                         mailgun_form("feedbeef00feedbeef00feedbeef00feedbeef00feedbeef00", now, "key-0123456789",
                                      "03_outlook_telugu_base64.eml"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::int64_t after_ms = static_cast<std::int64_t>(std::time(nullptr) + 1) * 1000;
  for (const char* field : {"created_at", "queued_at"}) {
    std::int64_t at = std::atoll(redis.one({"HGET", it_keys().conversation("v1"), field}).c_str());
    EXPECT_GE(at, before_ms) << field;
    EXPECT_LE(at, after_ms) << field;
  }
  // Its deadline is 15 minutes from now, not in the past.
  std::int64_t due = std::atoll(redis.one({"ZSCORE", it_keys().sla(), "first_response:v1"}).c_str());
  EXPECT_GE(due, before_ms + 14 * 60'000);
}

TEST(EmailChannel, AnAttachmentIsServedOnlyToWhoeverCanSeeAConversationHoldingIt) {
  RedisServer redis;
  std::uint16_t port = free_port();
  constexpr const char* kRavi = "ravi-mail-token-0123456789";
  DaemonProcess daemon(webhook_mail_config(port, redis.url(),
                                           std::string("agents:\n  - { id: asha, token: ") + kAgent +
                                               ", capacity: { email: 5 } }\n  - { id: ravi, token: " + kRavi +
                                               ", capacity: { email: 5 } }\n"),
                       port);
  auto posted = http_request(port, "POST", "/webhooks/mail", kFormHeaders,
                             mailgun_form("a77ac4a77ac4a77ac4a77ac4a77ac4a77ac4a77ac4a77ac4aa",
                                          std::to_string(std::time(nullptr)), "key-0123456789",
                                          "08_attachment_rfc2231_telugu_name.eml"));
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto bearer = [](const char* token) { return Headers{{"Authorization", std::string("Bearer ") + token}}; };
  Headers asha = bearer(kAgent);
  asha.push_back({"Content-Type", "application/json"});
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", asha, R"({"status":"available"})").status, 200);
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().conversation("v1"), "agent"}) == "asha"; }));
  auto view = http_request(port, "GET", "/v1/conversations/v1", asha);
  ASSERT_EQ(view.status, 200) << view.body;
  const std::string url(json::parse(view.body).at("messages").at(0).at("attachments").at(0).at("url").as_string());

  EXPECT_EQ(http_request(port, "GET", url, asha).status, 200);
  // Another agent knowing (or guessing) the digest learns nothing, not even that it exists.
  auto other = http_request(port, "GET", url, bearer(kRavi));
  EXPECT_EQ(other.status, 404);
  EXPECT_NE(other.body.find("\"error\":\"not_found\""), std::string::npos);
  // Supervisors see every conversation, so every attachment.
  auto admin = http_request(port, "GET", url, bearer("admin-token-0123456789"));
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(admin.body, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
}

TEST(EmailChannel, AnAttachmentLeavesRedisOnceArchivedAndIsStillServedToTheSamePeopleOnly) {
  RedisServer redis;
  PostgresServer pg;
  std::uint16_t port = free_port();
  constexpr const char* kRavi = "ravi-mail-token-0123456789";
  DaemonProcess daemon(webhook_mail_config(port, redis.url(),
                                           std::string("agents:\n  - { id: asha, token: ") + kAgent +
                                               ", capacity: { email: 5 } }\n  - { id: ravi, token: " + kRavi +
                                               ", capacity: { email: 5 } }\n"
                                               "history: { url: \"" + pg.url() + "\", archive_after: 1s }\n"),
                       port);
  ASSERT_EQ(http_request(port, "POST", "/webhooks/mail", kFormHeaders,
                         mailgun_form("b88bd5b88bd5b88bd5b88bd5b88bd5b88bd5b88bd5b88bd5bb",
                                      std::to_string(std::time(nullptr)), "key-0123456789",
                                      "08_attachment_rfc2231_telugu_name.eml"))
                .status,
            200);
  auto bearer = [](const char* token) { return Headers{{"Authorization", std::string("Bearer ") + token}}; };
  Headers asha = bearer(kAgent);
  asha.push_back({"Content-Type", "application/json"});
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", asha, R"({"status":"available"})").status, 200);
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().conversation("v1"), "agent"}) == "asha"; }));
  auto view = http_request(port, "GET", "/v1/conversations/v1", asha);
  const std::string url(json::parse(view.body).at("messages").at(0).at("attachments").at(0).at("url").as_string());
  const std::string sha = url.substr(url.rfind('/') + 1);
  // Archived within seconds, the file's bytes leave Redis while the conversation is still open there;
  // who may see it stays in Redis, and it is served the same from the history.
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().blob(sha), "archived"}) == "1"; }, 20'000))
      << daemon.log();
  EXPECT_EQ(redis.one({"HEXISTS", it_keys().blob(sha), "content"}), "0");
  auto open = http_request(port, "GET", url, asha);
  EXPECT_EQ(open.status, 200);
  EXPECT_EQ(open.body, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  EXPECT_EQ(http_request(port, "GET", url, bearer(kRavi)).status, 404) << "not ravi's conversation";
  ASSERT_EQ(http_request(port, "POST", "/v1/conversations/v1/resolve", asha).status, 200);
  // Let go from Redis, file included.
  ASSERT_TRUE(eventually([&] { return redis.one({"EXISTS", it_keys().conversation("v1")}) == "0"; }, 20'000))
      << daemon.log();
  EXPECT_EQ(redis.one({"EXISTS", it_keys().blob(sha)}), "0");
  EXPECT_EQ(redis.one({"EXISTS", it_keys().blob_conversations(sha)}), "0");
  // The same answers as before: the agent who had it and the admin get the bytes, anyone else nothing.
  auto mine = http_request(port, "GET", url, asha);
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  EXPECT_EQ(http_request(port, "GET", url, bearer(kRavi)).status, 404);
  auto admin = http_request(port, "GET", url, bearer("admin-token-0123456789"));
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(admin.body, mine.body);
}

}  // namespace
}  // namespace omniroute::testing
