// The e-mail channel's pure parts: a raw mail as the Message the core stores
// (threading keys, our own Message-IDs recognised, quoted history kept
// aside, attachments), the reply as a MIME mail (threading headers, "Re:",
// nothing from the customer able to add a header), SMTP answers, the IMAP
// pieces, and the Mailgun-style inbound webhook (signature, staleness).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "omniroute/url_query.hpp"
#include "common/signing.hpp"
#include "email/email_channel.hpp"
#include "email/imap.hpp"
#include "omniroute/clock.hpp"

namespace omniroute::channels {
namespace {

ChannelSettings settings(const std::string& signing_key = "") {
  ChannelSettings s;
  s.id = "mail";
  s.kind = "email";
  s.values = {{"address", "support@acme.example"}, {"smtp.url", "smtps://smtp.acme.example"},
              {"smtp.username", "relay"}, {"smtp.password", "relay-secret"}, {"thread_window", "7d"},
              {"keep_attachments_up_to", "1MB"}};
  if (!signing_key.empty()) s.values["webhook_signing_key"] = signing_key;
  return s;
}

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(OMNIROUTE_SOURCE_DIR) + "/tests/fixtures/email/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(EmailMessage, AReplyNamesItsThreadNewestFirstAndOurOwnIdsByConversation) {
  std::string raw =
      "From: Lakshmi <LAKSHMI.devi@Outlook.com>\r\nTo: support@acme.example\r\nSubject: RE: Re: ఆర్డర్ #4512\r\n"
      "Message-ID: <third@outlook.com>\r\nIn-Reply-To: <omniroute.v42.m7@acme.example>\r\n"
      "References: <first@outlook.com> <omniroute.v42.m7@acme.example> <omniroute.v9.m1@evil.example>\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\nధన్యవాదాలు\r\n\r\nOn Mon, 23 Nov 2026, Acme wrote:\r\n> earlier\r\n";
  Message m = read_mail(raw, settings());
  EXPECT_EQ(m.provider_id, "third@outlook.com");
  EXPECT_EQ(m.contact_handle, "lakshmi.devi@outlook.com");
  EXPECT_EQ(m.handle_kind, "email");
  EXPECT_EQ(m.thread_key, "msg:third@outlook.com");
  // In-Reply-To first; an id on another domain is not ours, whatever it looks like.
  std::vector<std::string> refs{"conv:v42:omniroute.v42.m7@acme.example", "msg:omniroute.v9.m1@evil.example",
                                "msg:first@outlook.com"};
  EXPECT_EQ(m.thread_refs, refs);
  EXPECT_EQ(m.fallback_thread_key, "subject:lakshmi.devi@outlook.com:ఆర్డర్ #4512");
  EXPECT_EQ(m.fallback_window_s, 7 * 86400);
  EXPECT_EQ(m.text, "ధన్యవాదాలు");
  EXPECT_NE(m.full_text.find("> earlier"), std::string::npos);
  // What a reply to it answers (In-Reply-To) and carries (References), for the channel alone.
  EXPECT_EQ(m.reply_context,
            "third@outlook.com\nfirst@outlook.com omniroute.v42.m7@acme.example omniroute.v9.m1@evil.example third@outlook.com");
  EXPECT_TRUE(m.automatic.empty());
}

TEST(EmailMessage, ABounceBelongsWithTheMailThatBouncedAndNeverOpensAConversation) {
  Message m = read_mail(fixture("22_bounce_of_our_reply.eml"), settings());
  EXPECT_EQ(m.automatic, "sender mailer-daemon@mx.gmail.example");
  ASSERT_FALSE(m.thread_refs.empty());
  EXPECT_EQ(m.thread_refs.front(), "conv:v31:omniroute.v31.m88@acme.example");
  EXPECT_TRUE(m.fallback_thread_key.empty());
  Message ooo = read_mail(fixture("12_auto_reply.eml"), settings());
  EXPECT_EQ(ooo.automatic, "Auto-Submitted: auto-replied");
}

TEST(EmailMessage, AttachmentsAreKeptUpToTheConfiguredSizeAndUnreadableMailIsRecorded) {
  Message m = read_mail(fixture("08_attachment_rfc2231_telugu_name.eml"), settings());
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(static_cast<std::int64_t>(m.attachments[0].content.size()), m.attachments[0].size);
  ChannelSettings none = settings();
  none.values["keep_attachments_up_to"] = "0";
  EXPECT_TRUE(read_mail(fixture("08_attachment_rfc2231_telugu_name.eml"), none).attachments[0].content.empty());
  Message junk = read_mail("this is not a mail at all", settings());
  EXPECT_TRUE(junk.automatic.starts_with("unreadable: ")) << junk.automatic;
  EXPECT_TRUE(junk.provider_id.starts_with("sha256:"));
  // Without a Message-ID the content names it, so the same mail fetched twice is stored once.
  EXPECT_EQ(read_mail(fixture("15_no_message_id.eml"), settings()).provider_id,
            read_mail(fixture("15_no_message_id.eml"), settings()).provider_id);
}

std::string sent_text(const Channel& ch, const OutboundMessage& m) {
  auto call = ch.build_send(m);
  return call ? call->body : "";
}

TEST(EmailReply, IsAThreadedMimeMailFromOurAddress) {
  auto ch = email_kind().create(settings());
  OutboundMessage m{"v42", "m9", "lakshmi.devi@outlook.com", "మీ ఆర్డర్ రేపు వస్తుంది.", "", "ఆర్డర్ #4512",
                    "third@outlook.com\nfirst@outlook.com third@outlook.com"};
  auto call = ch->build_send(m);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->url, "smtps://smtp.acme.example");
  EXPECT_EQ(call->provider_id, "omniroute.v42.m9@acme.example");
  EXPECT_EQ(call->username, "relay");
  EXPECT_EQ(call->mail_from, "support@acme.example");
  ASSERT_EQ(call->mail_to.size(), 1u);
  EXPECT_EQ(call->mail_to[0], "lakshmi.devi@outlook.com");
  const std::string& mail = call->body;
  EXPECT_NE(mail.find("Message-ID: <omniroute.v42.m9@acme.example>\r\n"), std::string::npos) << mail;
  EXPECT_NE(mail.find("In-Reply-To: <third@outlook.com>\r\n"), std::string::npos) << mail;
  EXPECT_NE(mail.find("References: <first@outlook.com>\r\n <third@outlook.com>\r\n"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Subject: =?UTF-8?B?"), std::string::npos) << mail;  // "Re: ఆర్డర్ #4512", encoded
  EXPECT_NE(mail.find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
  m.subject = "Re: Order";
  EXPECT_NE(sent_text(*ch, m).find("Subject: Re: Order\r\n"), std::string::npos);  // not "Re: Re:"
}

TEST(EmailReply, NothingTheCustomerWroteCanAddAHeader) {
  auto ch = email_kind().create(settings());
  OutboundMessage m{"v1", "m2", "a@example.com", "hello", "", "Order\r\nBcc: victim@example.com",
                    "x@y\r\nBcc: v@e\na@b\r\nBcc:c@d"};
  std::string mail = sent_text(*ch, m);
  ASSERT_FALSE(mail.empty());
  EXPECT_EQ(mail.find("\r\nBcc:"), std::string::npos) << mail;
  EXPECT_EQ(mail.find("In-Reply-To"), std::string::npos) << mail;  // an id with a line break is dropped
}

TEST(EmailReply, SmtpAnswers) {
  auto ch = email_kind().create(settings());
  EXPECT_EQ(ch->read_send_answer(250, "").kind, SendResult::Kind::sent);
  EXPECT_EQ(ch->read_send_answer(451, "").kind, SendResult::Kind::retry);
  EXPECT_EQ(ch->read_send_answer(0, "").kind, SendResult::Kind::retry);
  SendResult refused = ch->read_send_answer(550, "");
  EXPECT_EQ(refused.kind, SendResult::Kind::failed);
  EXPECT_EQ(refused.reason, "SMTP 550");
  ChannelSettings no_smtp = settings();
  no_smtp.values.erase("smtp.url");
  EXPECT_FALSE(email_kind().create(no_smtp)->build_send(OutboundMessage{"v1", "m1", "a@b.example", "hi"}));
}

TEST(Imap, MailboxUrlsCommandsAndAnswers) {
  auto u = imap::parse_mailbox_url("imaps://imap.example.com:993/Support%20Inbox");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->server, "imaps://imap.example.com:993/");
  EXPECT_EQ(u->mailbox, "Support Inbox");
  EXPECT_EQ(imap::message_url(*u, 7, 42), "imaps://imap.example.com:993/Support%20Inbox;UIDVALIDITY=7/;UID=42");
  EXPECT_EQ(imap::parse_mailbox_url("imap://127.0.0.1:1143")->mailbox, "INBOX");
  EXPECT_FALSE(imap::parse_mailbox_url("imap://user@host/INBOX"));
  EXPECT_FALSE(imap::parse_mailbox_url("imap://host:99999/INBOX"));
  EXPECT_FALSE(imap::parse_mailbox_url("imap://host/INBOX;UID=3"));
  EXPECT_EQ(*imap::quoted("Re \"quoted\" \\ box"), "\"Re \\\"quoted\\\" \\\\ box\"");
  EXPECT_FALSE(imap::quoted("Inbox\r\nA1 DELETE INBOX"));
  EXPECT_EQ(imap::check_after("move:Done"), "");
  EXPECT_NE(imap::check_after("move:"), "");
  // "UID n:*" always answers the newest mail, even below n: only what is new counts.
  EXPECT_EQ(imap::search_result("* SEARCH 9 12 10\r\n", 10), (std::vector<std::uint64_t>{10, 12}));
  EXPECT_TRUE(imap::search_result("* SEARCH\r\n", 1).empty());
  std::string select = "* FLAGS (\\Seen)\r\n* 3 EXISTS\r\n* OK [UIDVALIDITY 1795443382] UIDs valid\r\n"
                       "* OK [UIDNEXT 17] Predicted next UID\r\n";
  EXPECT_EQ(imap::response_code(select, "UIDVALIDITY"), 1795443382u);
  EXPECT_EQ(imap::response_code(select, "UIDNEXT"), 17u);
  EXPECT_FALSE(imap::response_code("* 3 EXISTS\r\n", "UIDNEXT"));
}

TEST(Imap, SizesForKeptAttachments) {
  EXPECT_EQ(parse_size("10MB"), 10 * 1024 * 1024);
  EXPECT_EQ(parse_size("512KB"), 512 * 1024);
  EXPECT_EQ(parse_size("0"), 0);
  EXPECT_FALSE(parse_size("lots"));
  EXPECT_FALSE(parse_size("-1MB"));
  EXPECT_FALSE(parse_size("10GB"));
}

WebhookResult post(const Channel& ch, const std::string& content_type, const std::string& body) {
  InboundRequest r;
  r.method = "POST";
  r.body = body;
  r.headers = {{"Content-Type", content_type}};
  return ch.on_webhook(r);
}

TEST(EmailInboundWebhook, MailgunFormsAreSignedFreshAndCarryTheRawMail) {
  const std::string key = "key-0123456789abcdef";
  auto ch = email_kind().create(settings(key));
  const std::string now = std::to_string(now_ms() / 1000);
  const std::string raw = fixture("02_gmail_hindi_qp.eml");
  auto form = [&](const std::string& timestamp, const std::string& signature, bool with_mime = true) {
    FormFields f{{"timestamp", timestamp}, {"token", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5"},
                 {"signature", signature}};
    if (with_mime) f.emplace_back("body-mime", raw);
    return form_encode(f);
  };
  const std::string token = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5";
  auto good = post(*ch, "application/x-www-form-urlencoded", form(now, hmac_sha256_hex(key, now + token)));
  ASSERT_TRUE(good) << good.error().message;
  ASSERT_EQ(good->messages.size(), 1u);
  EXPECT_EQ(good->messages[0].channel_kind, "email");
  EXPECT_FALSE(good->messages[0].text.empty());

  auto forged = post(*ch, "application/x-www-form-urlencoded", form(now, hmac_sha256_hex("guess", now + token)));
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().status, 401);
  EXPECT_EQ(forged.error().code, "bad_signature");
  const std::string old = std::to_string(now_ms() / 1000 - 3600);  // a replay an hour later
  auto stale = post(*ch, "application/x-www-form-urlencoded", form(old, hmac_sha256_hex(key, old + token)));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, "stale_timestamp");
  auto no_mime = post(*ch, "application/x-www-form-urlencoded", form(now, hmac_sha256_hex(key, now + token), false));
  ASSERT_FALSE(no_mime);
  EXPECT_EQ(no_mime.error().code, "missing_body_mime");
  EXPECT_EQ(post(*ch, "text/plain", "hello").error().code, "bad_form");

  // Mailgun posts multipart/form-data.
  std::string multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"timestamp\"\r\n\r\n" + now +
                          "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + token +
                          "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"signature\"\r\n\r\n" +
                          hmac_sha256_hex(key, now + token) +
                          "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"body-mime\"\r\n\r\n" + raw + "\r\n--XyZ--\r\n";
  auto parts = post(*ch, "multipart/form-data; boundary=XyZ", multipart);
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->messages[0].provider_id, good->messages[0].provider_id);

  auto imap_only = email_kind().create(settings());
  EXPECT_EQ(post(*imap_only, "application/x-www-form-urlencoded", form(now, "x")).error().status, 404);
}

}  // namespace
}  // namespace omniroute::channels
