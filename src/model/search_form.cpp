#include "omniroute/search_form.hpp"

#include <unicode/brkiter.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <set>

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
    if (c == 'c' || c == 'q') w += 'k';
    else if (c == 'w') w += 'v';
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

namespace {

/// True when `a` and `b` are at most one insertion, deletion or substitution apart.
bool one_apart(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return a.substr(i + 1) == b.substr(i + 1);
  return a.substr(i) == b.substr(i + 1);
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

bool word_matches(const SearchForm& word, const std::vector<SearchForm>& query, const std::string& query_digits) {
  if (word.latin.empty()) return false;
  if (query_digits.size() >= 4 && digits_of(word.latin).find(query_digits) != std::string::npos) return true;
  for (const auto& q : query) {
    if (word.latin == q.latin || (!q.sound.empty() && word.sound == q.sound)) return true;
    if (q.latin.size() >= 3 && word.latin.starts_with(q.latin)) return true;
    if (q.latin.size() >= 4 && one_apart(word.latin, q.latin)) return true;
    if (q.sound.size() >= 3 && one_apart(word.sound, q.sound)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> matched_words(std::string_view text, std::string_view query) {
  std::vector<SearchForm> words;
  {
    const SearchForm q = search_form(query);
    std::size_t ls = 0, ss = 0;
    while (ls < q.latin.size()) {
      const std::size_t le = std::min(q.latin.find(' ', ls), q.latin.size());
      const std::size_t se = std::min(q.sound.find(' ', ss), q.sound.size());
      words.push_back({q.latin.substr(ls, le - ls), q.sound.substr(ss, se - ss)});
      ls = le + 1;
      ss = se + 1;
    }
  }
  std::string query_digits = digits_of(query);
  std::vector<std::string> found;
  if (words.empty() && query_digits.size() < 4) return found;

  UErrorCode status = U_ZERO_ERROR;
  thread_local std::unique_ptr<icu::BreakIterator> breaks(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (!breaks) return found;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  breaks->setText(u);
  std::set<std::string> seen;
  for (int32_t start = breaks->first(), end = breaks->next(); end != icu::BreakIterator::DONE;
       start = end, end = breaks->next()) {
    if (breaks->getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces and punctuation
    std::string word;
    u.tempSubStringBetween(start, end).toUTF8String(word);
    if (!seen.insert(word).second) continue;
    if (word_matches(search_form(word), words, query_digits)) found.push_back(std::move(word));
  }
  return found;
}

}  // namespace omniroute
