#pragma once
// RFC 2047 encoded-words ("=?utf-8?b?...?="), decoded by us rather than by
// GMime: Debian 12's GMime 3.2.13 decodes adjacent base64 words as one stream
// and stops at the first word's '=' padding (upstream gmime issue #133), so
// any subject, name or file name long enough to need several words (a few
// words of Telugu or Hindi) came out cut.

#include <string>
#include <string_view>

namespace omniroute::channels {

/// `value` (a raw header value, possibly folded) with its encoded-words decoded to UTF-8: each
/// word on its own (its own base64 padding), adjacent words of one charset joined as bytes before
/// conversion (a character cut across two words survives), whitespace between adjacent words
/// dropped (RFC 2047 §6.2), folding undone. Other text is kept; the result is valid UTF-8 in NFC.
std::string decode_encoded_words(std::string_view value);

/// The value of parameter `name` ("filename", "name") as written in a raw header
/// (`attachment; filename="..."`), quotes removed; "" when absent.
std::string raw_parameter(std::string_view header, std::string_view name);

}  // namespace omniroute::channels
