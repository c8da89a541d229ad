#pragma once
// Web chat's rules, shared by its channel kind (config checks) and the web
// layer that serves visitors: which pages may open the chat, and who a
// visitor is (an anonymous id from the widget's storage, or an identity the
// business's server signed).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omniroute::webchat {

/// Whether `id` is `min` to `max` of [A-Za-z0-9_-] (the widget's ids: safe in keys, logs and JSON as they are).
bool valid_token(std::string_view id, std::size_t min, std::size_t max);
/// A visitor id the widget made (random, kept in the widget's own storage): 22 to 64 of [A-Za-z0-9_-].
inline bool valid_visitor_id(std::string_view id) { return valid_token(id, 22, 64); }

/// The origin of `url` as browsers send it ("https://shop.example", "http://127.0.0.1:8080"): scheme and
/// host lower-cased, the scheme's default port left out; "" when `url` has no http(s) origin.
std::string origin_of(std::string_view url);

/// What is wrong with one `allowed_origins` item, or "": "https://host[:port]", "http://" only for a
/// loopback host (127.0.0.1, localhost, [::1]), or "*" (any page served from a loopback host).
std::string origin_setting_problem(std::string_view item);

/// Whether a page of `origin` (its Origin header) may open the chat: an origin listed in `allowed`, any
/// loopback origin when "*" is listed, or `own` (the origin of server.public_url; the full chat page).
/// An absent Origin ("") is refused like a foreign one.
bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin, std::string_view own);

/// The Content-Security-Policy `frame-ancestors` sources of the chat page: the listed origins ("*": any
/// loopback page) and `own`.
std::string frame_ancestors(const std::vector<std::string>& allowed, std::string_view own);

/// A plausible e-mail address: one '@' with something on both sides, a '.' after it, no spaces or brackets.
bool plausible_email(std::string_view s);

/// Who a visitor is to the store: the contact handle their messages carry.
struct Identity {
  std::string handle_kind;  // "phone", "email", or the channel id
  std::string handle;
  bool identified = false;  // the business's server vouched for it (a valid identifier hash)
};

/// The visitor's identity. With `identifier` and a `hash` that is the hex HMAC-SHA256 of it with the
/// channel's `secret` (checked in constant time): a phone number (to E.164) or e-mail address (lower-cased)
/// is that handle, so the visitor is the contact holding it on every channel; any other identifier is
/// "u:<identifier>" on the channel. Otherwise (no identifier, or a wrong hash: ignored, never an error)
/// the anonymous "v:<first 32 hex of SHA-256(visitor_id)>" on the channel (the id itself is the visitor's
/// secret and is never stored or shown): the two never meet, so choosing a visitor id cannot claim an
/// identified visitor's conversations.
Identity identify(std::string_view channel_id, std::string_view secret, std::string_view visitor_id,
                  std::string_view identifier, std::string_view hash);

/// "5MB", "512kB", "1048576" as bytes; nullopt when not such a size (or over 100 MB).
std::optional<std::int64_t> parse_size_bytes(std::string_view text);

/// The kinds of file a visitor may send, told by their first bytes (never by the name or the claimed type):
/// "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"; "" for anything else.
std::string sniff_file_type(std::string_view bytes);

}  // namespace omniroute::webchat
