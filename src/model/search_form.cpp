#include "omniroute/search_form.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

namespace omniroute {

namespace {

/// One transliterator per thread (ICU's are not shared across threads while they work).
const icu::Transliterator* to_latin() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    // Nukta (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Telugu, Kannada) and the joiners change how a
    // word is drawn, not which word it is: folded before transliterating.
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        "NFC; [\\u093C\\u09BC\\u0A3C\\u0ABC\\u0B3C\\u0C3C\\u0CBC\\u200C\\u200D] Remove; Any-Latin; Latin-ASCII; Lower",
        UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(made) : nullptr;
  }();
  return t.get();
}

bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// The consonant skeleton of one lower-case ASCII word.
std::string skeleton(const std::string& word) {
  if (word.empty()) return word;
  if (word[0] >= '0' && word[0] <= '9') return word;  // numbers (orders, amounts) are kept as they are
  // Spellings of one sound become one letter.
  std::string w;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    const char next = i + 1 < word.size() ? word[i + 1] : '\0';
    if (next == 'h' && (c == 'p' || c == 'b' || c == 'd' || c == 't' || c == 'k' || c == 'g' || c == 'j' || c == 's' ||
                        c == 'c')) {
      w += c == 'p' ? 'f' : c;  // ph → f, bh → b, dh → d, …, ch → c, sh → s
      ++i;
      continue;
    }
    if (c == 'c') w += 'k';
    else if (c == 'w') w += 'v';
    else if (c == 'q') w += 'k';
    else if (c == 'z') w += 'j';
    else if (c == 'x') w += "ks";
    else w += c;
  }
  // The first sound stays (a vowel as 'a'), then consonants only; a glide between vowels goes.
  std::string out(1, vowel(w[0]) ? 'a' : w[0]);
  for (std::size_t i = 1; i < w.size(); ++i) {
    const char c = w[i];
    if (vowel(c) || c == 'h') continue;
    const bool glide = (c == 'y' || c == 'v') && vowel(w[i - 1]) && i + 1 < w.size() && vowel(w[i + 1]);
    if (glide) continue;
    if (out.back() != c) out += c;
  }
  return out;
}

}  // namespace

SearchForm search_form(std::string_view text) {
  SearchForm out;
  std::string latin;
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    // Latin letters already (English, and Hindi or Telugu typed in Latin): no transliteration to pay for.
    latin.reserve(text.size());
    for (char c : text) latin += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  } else {
    const icu::Transliterator* t = to_latin();
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    if (t) t->transliterate(u);
    else u.toLower();
    u.toUTF8String(latin);
  }
  // Words of letters and digits; ICU's apostrophes (a'ega) join, everything else separates.
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    out.latin += (out.latin.empty() ? "" : " ") + word;
    out.sound += (out.sound.empty() ? "" : " ") + skeleton(word);
    word.clear();
  };
  for (char c : latin) {
    if (c == '\'') continue;
    if (alnum(c)) word += c;
    else flush();
  }
  flush();
  return out;
}

}  // namespace omniroute
