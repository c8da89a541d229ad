// Outgoing e-mail: UTF-8 bodies as quoted-printable with short lines, Hindi
// and Telugu subjects as RFC 2047 words, and no way to inject a header.

#include <gtest/gtest.h>

#include <boost/beast/core/detail/base64.hpp>

#include "omniroute/mail_message.hpp"
#include "support/smtp_server.hpp"

namespace omniroute::mail {
namespace {

std::string unbase64(const std::string& in) {
  std::string out(boost::beast::detail::base64::decoded_size(in.size()), '\0');
  out.resize(boost::beast::detail::base64::decode(out.data(), in.data(), in.size()).first);
  return out;
}

TEST(QuotedPrintable, RoundTripsTeluguAndKeepsLinesShort) {
  const std::string text = "నమస్కారం! మీ ఆర్డర్ గురించి మేము త్వరలో సమాధానం ఇస్తాము. Order #4512 = shipped \nSecond line\n";
  std::string qp = quoted_printable(text);
  size_t start = 0;
  while (start < qp.size()) {
    size_t end = qp.find("\r\n", start);
    if (end == std::string::npos) end = qp.size();
    EXPECT_LE(end - start, 76u) << qp.substr(start, end - start);
    start = end + 2;
  }
  EXPECT_NE(qp.find("=3D"), std::string::npos);      // '=' itself
  EXPECT_NE(qp.find("shipped=20\r\n"), std::string::npos);  // a space before a line end survives
  std::string back = testing::decode_quoted_printable(qp);
  std::string crlf = text;
  for (size_t at = crlf.find('\n'); at != std::string::npos; at = crlf.find('\n', at + 2)) crlf.replace(at, 1, "\r\n");
  EXPECT_EQ(back, crlf);
}

TEST(HeaderWords, AsciiAsIsOtherwiseEncodedWordsThatNeverSplitACharacter) {
  EXPECT_EQ(header_words("First response overdue"), "First response overdue");
  const std::string subject = "[omniroute] पहला उत्तर देर से — కతార్ general, సంభాషణ v12 (కస్టమర్ c4)";
  std::string encoded = header_words(subject);
  std::string decoded;
  size_t at = 0;
  while ((at = encoded.find("=?UTF-8?B?", at)) != std::string::npos) {
    size_t end = encoded.find("?=", at + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - at, 75u);
    std::string word = unbase64(encoded.substr(at + 10, end - at - 10));
    // Each word decodes on its own to whole characters: its last byte is not a lead or continuation cut short.
    EXPECT_TRUE(word.empty() || (static_cast<unsigned char>(word.back()) & 0xC0) != 0xC0);
    decoded += word;
    at = end + 2;
  }
  EXPECT_EQ(decoded, subject);
}

TEST(Compose, HeadersBodyAndNoInjection) {
  MailMessage m;
  m.from = "alerts@example.com";
  m.to = {"oncall@example.com"};
  m.subject = "Queue general: 60 conversations waiting";
  m.text = "हिंदी text";
  m.message_id = "alert-1@omniroute";
  m.date_ms = 1'795'000'000'000;
  auto out = compose(m);
  ASSERT_TRUE(out);
  EXPECT_NE(out->find("From: alerts@example.com\r\nTo: oncall@example.com\r\nSubject: Queue general: 60 conversations waiting\r\n"),
            std::string::npos);
  EXPECT_NE(out->find("Message-ID: <alert-1@omniroute>\r\n"), std::string::npos);
  EXPECT_NE(out->find("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"),
            std::string::npos);
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  m.subject = "hello\r\nBcc: everyone@example.com";
  EXPECT_FALSE(compose(m));
  m.subject = "ok";
  m.to = {"a@example.com\nBcc: b@example.com"};
  EXPECT_FALSE(compose(m));
}

}  // namespace
}  // namespace omniroute::mail
