// The e-mail corpus (tests/fixtures/email, written for this project in the
// shapes Gmail, Outlook and Apple Mail produce): who wrote, threading
// headers, readable UTF-8 text from any charset and encoding, quoted history
// stripped, attachments with decoded names, automatic mail recognised.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "email/encoded_words.hpp"
#include "email/mime_message.hpp"

namespace omniroute::channels {
namespace {

ParsedMail mail(const std::string& name) {
  std::ifstream in(std::string(OMNIROUTE_SOURCE_DIR) + "/tests/fixtures/email/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  auto parsed = parse_mail(s.str());
  EXPECT_TRUE(parsed) << name << ": " << (parsed ? "" : parsed.error());
  return parsed ? *parsed : ParsedMail{};
}

TEST(MimeMessage, GmailAlternativePrefersPlainTextAndLowercasesTheSender) {
  auto m = mail("01_gmail_plain.eml");
  EXPECT_EQ(m.message_id, "CAJx8kF2q7Yw1@mail.gmail.com");
  EXPECT_EQ(m.from_address, "priya.sharma@gmail.com");
  EXPECT_EQ(m.from_name, "Priya Sharma");
  EXPECT_EQ(m.subject, "Order #4512 has not arrived");
  EXPECT_EQ(m.text, "Hi,\n\nMy order #4512 was due last Friday and still hasn't arrived. Can you check?\n\nThanks,\nPriya\n");
  EXPECT_FALSE(m.automatic);
  EXPECT_GT(m.date_ms, 0);
}

TEST(MimeMessage, HindiAndTeluguSubjectsNamesAndBodies) {
  auto hi = mail("02_gmail_hindi_qp.eml");
  EXPECT_EQ(hi.subject, "मेरा रिफंड कब आएगा?");
  EXPECT_EQ(hi.from_name, "राहुल वर्मा");
  EXPECT_NE(hi.text.find("रिफंड अभी तक नहीं आया है।"), std::string::npos) << hi.text;
  auto te = mail("03_outlook_telugu_base64.eml");
  EXPECT_EQ(te.subject, "నా ఆర్డర్ ఇంకా రాలేదు");
  EXPECT_NE(te.text.find("నా ఆర్డర్ #9031 ఇంకా రాలేదు."), std::string::npos) << te.text;
  EXPECT_EQ(te.text.find("<br>"), std::string::npos);  // the plain part, not the HTML
  auto html = mail("17_hindi_html_only.eml");
  EXPECT_EQ(html.subject, "बिल गलत है");
  EXPECT_EQ(html.text, "नमस्ते,\nमेरा बिल 2,499 रुपये का है, लेकिन 2,999 काटे गए।");
}

TEST(MimeMessage, LongSubjectsNamesAndFileNamesSplitIntoManyEncodedWordsComeOutWhole) {
  // RFC 2047 caps an encoded-word at 75 characters: a Telugu subject of a few words is several,
  // each with its own base64 padding (GMime 3.2.13 stopped at the first word's '=').
  auto m = mail("23_long_telugu_encoded_words.eml");
  EXPECT_EQ(m.subject, "నా ఆర్డర్ ఇంకా రాలేదు, దయచేసి త్వరగా సహాయం చేయండి, ఇది చాలా ముఖ్యమైన విషయం");
  EXPECT_EQ(m.from_name, "వెంకట సత్యనారాయణ మూర్తి గారి కుటుంబం తరఫున శ్రీనివాస్");
  EXPECT_EQ(m.from_address, "srinivas.murthy@example.in");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].name, "ఆర్డర్ నంబర్ 9031 కోసం చెల్లింపు రసీదు మరియు ఇన్వాయిస్.pdf");
}

TEST(EncodedWords, EachWordIsDecodedOnItsOwnThenJoined) {
  // Hindi in base64 words, padded in the middle of the run.
  EXPECT_EQ(decode_encoded_words("=?utf-8?b?4KSu4KWH4KSw4KS+IOCkkeCksOCljeCkoeCksCDgpIXgpK3gpYAg4KSk4KSVIA==?=\r\n"
                                 " =?utf-8?b?4KSo4KS54KWA4KSCIOCkhuCkr+CkviDgpLngpYgsIOCkleClg+CkquCkrw==?=\r\n"
                                 " =?utf-8?b?4KS+IOCknOCksuCljeCkpuClgCDgpLjgpYcg4KSu4KSm4KSmIOCkleCksA==?="),
            "मेरा ऑर्डर अभी तक नहीं आया है, कृपया जल्दी से मदद कर");
  // Q encoding, two charsets side by side, underscores as spaces.
  EXPECT_EQ(decode_encoded_words("=?ISO-8859-1?Q?Caf=E9_cr=E8me?= =?windows-1252?q?_=80_20?="), "Café crème € 20");
  // Plain text around encoded words keeps its spaces; between two words, whitespace goes.
  EXPECT_EQ(decode_encoded_words("Re: =?utf-8?q?=E0=B0=B0=E0=B0=B8=E0=B1=80=E0=B0=A6=E0=B1=81?= [#42]"), "Re: రసీదు [#42]");
  // A character cut across two words of the same charset (some mailers do) is joined back.
  EXPECT_EQ(decode_encoded_words("=?utf-8?b?4LCw4LC4?= =?utf-8?b?4LGA4LCm4LGB?="), "రసీదు");
  EXPECT_EQ(decode_encoded_words("=?utf-8?q?=E0=B0?= =?utf-8?q?=B0?="), "ర");
  // Not encoded-words: left as they are.
  EXPECT_EQ(decode_encoded_words("plain subject = not ?encoded?"), "plain subject = not ?encoded?");
  EXPECT_EQ(decode_encoded_words("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");
  EXPECT_EQ(decode_encoded_words("=?no-such-charset?q?abc?="), "abc");
  // Invalid UTF-8 never comes out.
  EXPECT_EQ(decode_encoded_words("=?utf-8?b?/w==?="), "\xEF\xBF\xBD");
}

TEST(MimeMessage, HtmlOnlyMailReadsAsText) {
  auto m = mail("04_apple_mail_html_only.eml");
  EXPECT_EQ(m.text, "Hello,\nI can’t log in since the update & the reset link says \"expired\".\n• Browser: Safari\n• Account: jordan.lee\nJordan");
}

TEST(MimeMessage, LegacyCharsetsBecomeUtf8) {
  auto latin1 = mail("05_latin1.eml");
  EXPECT_EQ(latin1.from_name, "José Muñoz");
  EXPECT_EQ(latin1.subject, "Devolución del pedido");
  EXPECT_NE(latin1.text.find("¿Cómo lo hago? Gracias, José"), std::string::npos) << latin1.text;
  EXPECT_NE(mail("06_windows1252.eml").text.find("Die Rechnung über 20 € fehlt – bitte senden."), std::string::npos);
  EXPECT_NE(mail("07_utf16.eml").text.find("注文はいつ届きますか？"), std::string::npos);
}

TEST(MimeMessage, AttachmentsWithRfc2231And2047NamesAndTheirSizes) {
  auto m = mail("08_attachment_rfc2231_telugu_name.eml");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].name, "రసీదు.pdf");
  EXPECT_EQ(m.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(m.attachments[0].size, 45);
  EXPECT_EQ(m.text, "Please find the receipt attached.\n");
  auto jpg = mail("21_rfc2047_filename.eml");
  ASSERT_EQ(jpg.attachments.size(), 1u);
  EXPECT_EQ(jpg.attachments[0].name, "रसीद.jpg");
  EXPECT_EQ(jpg.attachments[0].size, 104);
  auto nested = mail("16_nested_multipart_inline_image.eml");
  EXPECT_EQ(nested.text, "The lamp arrived broken, photo below.\n");
  ASSERT_EQ(nested.attachments.size(), 1u);
  EXPECT_EQ(nested.attachments[0].name, "photo.png");
  EXPECT_EQ(nested.attachments[0].size, 64);
  EXPECT_EQ(mail("20_ics_attachment.eml").attachments[0].content_type, "text/calendar");
}

TEST(MimeMessage, RepliesCarryThreadingAndLoseTheirQuotedHistory) {
  auto gmail = mail("09_gmail_reply_quoted.eml");
  EXPECT_EQ(gmail.in_reply_to, "omniroute.v12.m40@support.acme.example");
  ASSERT_EQ(gmail.references.size(), 2u);
  EXPECT_EQ(gmail.references[0], "CAJx8kF2q7Yw1@mail.gmail.com");
  EXPECT_EQ(gmail.reply_text, "Thanks, it arrived this morning!");
  EXPECT_NE(gmail.text.find("out for delivery"), std::string::npos);  // the original is kept
  EXPECT_EQ(mail("10_outlook_reply_original_message.eml").reply_text, "That worked, thank you.");
  EXPECT_EQ(mail("18_reply_french_attribution.eml").reply_text, "Merci, c'est reçu.");
  auto history = mail("19_long_quoted_history.eml");
  EXPECT_EQ(history.reply_text, "Still waiting for the replacement.");
  EXPECT_EQ(history.references.size(), 3u);
  EXPECT_EQ(mail("11_forwarded.eml").reply_text, "The confirmation says 2 items but I got one.");
}

TEST(MimeMessage, AutoRepliesBouncesAndBulkMailAreAutomatic) {
  auto ooo = mail("12_auto_reply.eml");
  EXPECT_TRUE(ooo.automatic);
  EXPECT_EQ(ooo.automatic_reason, "Auto-Submitted: auto-replied");
  auto bounce = mail("13_bounce_dsn.eml");
  EXPECT_TRUE(bounce.automatic);
  EXPECT_EQ(bounce.from_address, "mailer-daemon@mx.acme.example");
  EXPECT_TRUE(mail("14_precedence_bulk.eml").automatic);
  EXPECT_FALSE(mail("09_gmail_reply_quoted.eml").automatic);
}

TEST(MimeMessage, BareAndBrokenInput) {
  auto bare = mail("15_no_message_id.eml");
  EXPECT_EQ(bare.message_id, "");
  EXPECT_EQ(bare.from_address, "plain@example.org");
  EXPECT_EQ(bare.text, "A message without a Message-ID or MIME headers at all.\n");
  EXPECT_FALSE(parse_mail(""));
  EXPECT_FALSE(parse_mail("no headers here, just text"));
}

TEST(MimeSubject, ReplyAndForwardPrefixesAreIgnoredForThreading) {
  EXPECT_EQ(normalised_subject("Re: RE: Fwd: Order #4512"), "order #4512");
  EXPECT_EQ(normalised_subject("AW: WG: Rechnung"), "rechnung");
  EXPECT_EQ(normalised_subject("  Re:  मेरा रिफंड"), "मेरा रिफंड");
}

}  // namespace
}  // namespace omniroute::channels
