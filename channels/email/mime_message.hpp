#pragma once
// Parsing one e-mail (RFC 5322 + MIME) with GMime into what support needs:
// who wrote, the thread it belongs to, readable text (text/plain preferred,
// else HTML rendered to text; any charset to UTF-8; quoted-printable and
// base64 undone; RFC 2047 subjects and RFC 2231 file names decoded), the
// text without the quoted earlier correspondence, attachments, and whether
// it is an automatic message (auto-reply, bounce) that nobody waits behind.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "email/mail_text.hpp"
#include "omniroute/expected.hpp"
#include "omniroute/message.hpp"

namespace omniroute::channels {

struct MailAttachment {
  std::string name;          // decoded (RFC 2231 / 2047)
  std::string content_type;  // "application/pdf"
  std::int64_t size = 0;     // decoded bytes
  std::string content;       // the decoded bytes, when no larger than parse_mail was told to keep
};

struct ParsedMail {
  std::string message_id;               // without <>
  std::string in_reply_to;              // without <>
  std::vector<std::string> references;  // oldest first, without <>
  std::string from_address;             // lowercase
  std::string from_name;
  std::string subject;                  // decoded UTF-8
  std::string text;                     // the whole readable body, UTF-8
  std::string reply_text;               // `text` without the quoted earlier correspondence
  std::vector<MailAttachment> attachments;
  bool automatic = false;               // auto-reply, bounce, delivery report, list traffic
  std::string automatic_reason;         // why (header or sender that said so)
  std::int64_t date_ms = 0;             // the Date header, 0 when absent or unreadable
  std::string returned_message_id;      // a bounce: the Message-ID of the mail that came back, without <>
};

/// Parses `raw`, keeping the content of attachments up to `keep_attachment_bytes` each (0: none);
/// an error (with why) only when it is not a message at all.
Expected<ParsedMail, std::string> parse_mail(std::string_view raw, std::int64_t keep_attachment_bytes = 0);

/// A posted form's fields by its Content-Type: application/x-www-form-urlencoded or
/// multipart/form-data (as Mailgun posts inbound mail); an error says why it is unreadable.
Expected<std::vector<std::pair<std::string, std::string>>, std::string> parse_form_body(std::string_view content_type,
                                                                                      std::string_view body);

}  // namespace omniroute::channels
