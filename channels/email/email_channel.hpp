#pragma once
// E-mail: mail read from an IMAP mailbox (the `imap:` block) (polled; UIDVALIDITY and the last
// UID kept in Redis, so a restart neither loses nor repeats a mail), or
// posted by a provider's inbound-parse webhook (Mailgun's form: HMAC-SHA256
// of timestamp and token); replies submitted by SMTP as proper MIME with
// In-Reply-To and References. Threading: a reply finds its conversation by
// the Message-IDs it names (ours are omniroute.<conversation>.<message>@<our
// domain>), else by its normalised subject and sender within a window.

#include <cstdint>
#include <string>
#include <string_view>

#include "email/mime_message.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::channels {

ChannelKind email_kind();

/// One raw mail as the Message the core stores, per the channel's settings (threading keys,
/// quoted history left out of `text`, attachments kept up to the configured size). Mail that is
/// not readable as a message becomes an automatic message saying why, so it is recorded, not lost.
Message read_mail(std::string_view raw, const ChannelSettings& settings);

/// Our Message-ID for message `message_id` of `conversation_id`, on the domain of `address`.
std::string outbound_message_id(std::string_view conversation_id, std::string_view message_id, std::string_view address);

/// "10MB", "512KB", "0": a size in bytes, or nullopt.
std::optional<std::int64_t> parse_size(std::string_view text);

}  // namespace omniroute::channels
