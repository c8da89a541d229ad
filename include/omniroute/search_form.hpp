#pragma once
// The forms text is indexed and searched in, so that the same words match whatever script and spelling
// a customer used. Customers write Hindi and Telugu in their own scripts and in Latin letters as often:
// "रिफंड कब आएगा" and "refund kab aayega" must find each other.
//
//   latin: NFC, nukta and ZWJ/ZWNJ folded, every script transliterated to ASCII Latin (ICU:
//          Any-Latin; Latin-ASCII), lower case: "riphanda kaba aega", "refund kab aayega".
//   sound: a consonant skeleton of each word of `latin` (aspirates folded, vowels dropped but for a
//          word's first sound, glides between vowels dropped, doubles collapsed): both of those are
//          "rfnd kb ag". Typos are left to trigram similarity (pg_trgm) over both forms.

#include <string>
#include <string_view>
#include <vector>

namespace omniroute {

struct SearchForm {
  std::string latin;
  std::string sound;
};

/// The search forms of `text` (any script, valid UTF-8; ill-formed bytes are dropped).
SearchForm search_form(std::string_view text);

/// The words of `text`, as written there (any script), that a search for `query` matches: the same
/// sound or Latin form as a word of the query, that form beginning with a query word of three letters
/// or more, or one letter from it; digits when the query's digits (four or more) are in them. What a
/// result's snippet marks; each word once, in the order of the text.
std::vector<std::string> matched_words(std::string_view text, std::string_view query);

}  // namespace omniroute
