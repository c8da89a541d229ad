#pragma once
// IMAP as libcurl speaks it: the pieces of a mailbox URL, the commands the
// e-mail channel sends (quoted safely), and readings of the untagged answers
// (`* SEARCH 4 5`, `* OK [UIDVALIDITY 7] UIDs valid`). Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omniroute/expected.hpp"

namespace omniroute::channels::imap {

/// `imaps://imap.example.com:993/Support%20Inbox` split up.
struct MailboxUrl {
  std::string server;   // "imaps://imap.example.com:993/": where commands without a mailbox go
  std::string mailbox;  // "Support Inbox" (decoded); INBOX when the URL names none
  std::string encoded;  // the mailbox as the URL wrote it, for URLs that select it
};

/// Reads an IMAP URL (imap:// or imaps://, a host, an optional port and mailbox).
Expected<MailboxUrl, std::string> parse_mailbox_url(std::string_view url);

/// What is wrong with `after` ("seen" or "move:<folder>"), or "".
std::string check_after(const std::string& after);

/// An IMAP quoted string ("Support \"Inbox\""); nullopt when it holds CR, LF or NUL.
std::optional<std::string> quoted(std::string_view text);

/// The UIDs of a `* SEARCH …` answer, ascending, only those >= `from`.
std::vector<std::uint64_t> search_result(std::string_view answer, std::uint64_t from);

/// A number in a SELECT answer's response codes (`* OK [UIDVALIDITY 7] …`), e.g. UIDVALIDITY or UIDNEXT.
std::optional<std::uint64_t> response_code(std::string_view answer, std::string_view name);

/// The URL of one mail by UID, checked against `uidvalidity` by the server round trip.
std::string message_url(const MailboxUrl& url, std::uint64_t uidvalidity, std::uint64_t uid);

}  // namespace omniroute::channels::imap
