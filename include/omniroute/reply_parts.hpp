#pragma once
// An agent's reply that is longer than one provider message may be.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace omniroute {

/// How long one outbound message may be on a channel, and what becomes of a longer reply.
struct ReplyLimit {
  std::size_t max_units = 0;  // UTF-16 code units, as providers count (Twilio, Telegram, Meta); 0: none
  bool split = false;         // a longer reply goes as numbered parts; otherwise it is refused
  /// Parts one reply may become at most: beyond, the reply is refused (nobody wants 40 SMS).
  static constexpr std::size_t kMaxParts = 10;
};

/// UTF-16 code units of valid UTF-8 `text` (a code point past U+FFFF counts two).
std::size_t utf16_units(std::string_view text);

/// `text` (valid UTF-8) as messages of at most `max_units` each: the text itself when it fits,
/// else parts numbered "(1/3) ", cut at white space where there is some within a part (the
/// space is dropped), else between characters but never before a combining mark (a Telugu or
/// Hindi vowel sign stays with its consonant). Empty when even kMaxParts parts would not hold it.
std::vector<std::string> split_reply(std::string_view text, std::size_t max_units);

}  // namespace omniroute
