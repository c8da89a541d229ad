#pragma once
// Composing an outgoing e-mail: UTF-8 text as quoted-printable, non-ASCII
// header values as RFC 2047 encoded words, CRLF line ends. A header value
// with CR or LF in it is refused, so no input can add a header.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "omniroute/expected.hpp"

namespace omniroute::mail {

struct MailMessage {
  std::string from;                 // address only
  std::vector<std::string> to;      // addresses only
  std::string subject;              // UTF-8
  std::string text;                 // UTF-8, any line ends
  std::string message_id;           // without <>; "" to leave out
  std::string in_reply_to;          // without <>
  std::vector<std::string> references;
  std::int64_t date_ms = 0;
};

/// The whole RFC 5322 message, or why it cannot be sent (a header value with CR/LF).
Expected<std::string, std::string> compose(const MailMessage& mail);

/// `text` as quoted-printable (RFC 2045) with CRLF line ends, lines at most 76 characters.
std::string quoted_printable(std::string_view text);

/// A header value: as is when printable ASCII, else RFC 2047 encoded words (UTF-8, base64),
/// each at most 75 characters and never splitting a character.
std::string header_words(std::string_view utf8);

/// "Mon, 23 Nov 2026 10:00:00 +0000"
std::string rfc5322_date(std::int64_t epoch_ms);

}  // namespace omniroute::mail
