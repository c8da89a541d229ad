#include "omniroute/language.hpp"

#include <cld2/public/compact_lang_det.h>
#include <utf8proc.h>

#include <array>
#include <cstdint>
#include <string>

#include "omniroute/text.hpp"

namespace CLD2 {
// Declared in cld2/internal/lang_script.h, which needs internal headers of its own.
const char* LanguageCode(Language lang);
}  // namespace CLD2

namespace omniroute {

namespace {

struct ScriptRange {
  char32_t first, last;
  const char* language;  // the language the script is used by, or mostly means
};

// Letters outside Latin, by Unicode block.
constexpr std::array<ScriptRange, 21> kScripts{{
    {0x0900, 0x097F, "hi"},  // Devanagari: Hindi, also Marathi and Nepali
    {0x0980, 0x09FF, "bn"},  // Bengali (and Assamese)
    {0x0A00, 0x0A7F, "pa"},  // Gurmukhi
    {0x0A80, 0x0AFF, "gu"},  // Gujarati
    {0x0B00, 0x0B7F, "or"},  // Odia
    {0x0B80, 0x0BFF, "ta"},  // Tamil
    {0x0C00, 0x0C7F, "te"},  // Telugu
    {0x0C80, 0x0CFF, "kn"},  // Kannada
    {0x0D00, 0x0D7F, "ml"},  // Malayalam
    {0x0D80, 0x0DFF, "si"},  // Sinhala
    {0x0E00, 0x0E7F, "th"},  // Thai
    {0x0370, 0x03FF, "el"},  // Greek
    {0x0400, 0x04FF, "ru"},  // Cyrillic
    {0x0530, 0x058F, "hy"},  // Armenian
    {0x0590, 0x05FF, "he"},  // Hebrew (and Yiddish)
    {0x0600, 0x06FF, "ar"},  // Arabic (and Persian, Urdu)
    {0x10A0, 0x10FF, "ka"},  // Georgian
    {0x3040, 0x30FF, "ja"},  // Hiragana and Katakana
    {0xAC00, 0xD7AF, "ko"},  // Hangul syllables
    {0x1100, 0x11FF, "ko"},  // Hangul jamo
    {0x4E00, 0x9FFF, "zh"},  // Han (Japanese text also has kana, which wins)
}};

constexpr int kMinLatinLetters = 12;

/// The script most of the letters of `text` are written in, or nullptr for Latin / none.
const ScriptRange* dominant_script(std::string_view text, int& latin_letters) {
  std::array<int, kScripts.size()> counts{};
  latin_letters = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) break;
    p += n;
    left -= n;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0x24F)) {
      ++latin_letters;
      continue;
    }
    for (size_t i = 0; i < kScripts.size(); ++i) {
      if (static_cast<char32_t>(cp) >= kScripts[i].first && static_cast<char32_t>(cp) <= kScripts[i].last) {
        ++counts[i];
        break;
      }
    }
  }
  // Kana beside Han is Japanese.
  size_t best = kScripts.size();
  for (size_t i = 0; i < kScripts.size(); ++i) {
    if (counts[i] > 0 && (best == kScripts.size() || counts[i] > counts[best])) best = i;
  }
  if (best == kScripts.size()) return nullptr;
  int kana = 0;
  for (size_t i = 0; i < kScripts.size(); ++i) {
    if (std::string_view(kScripts[i].language) == "ja") kana += counts[i];
  }
  if (std::string_view(kScripts[best].language) == "zh" && kana > 0) {
    for (const auto& s : kScripts) {
      if (std::string_view(s.language) == "ja") return &s;
    }
  }
  return counts[best] >= latin_letters ? &kScripts[best] : nullptr;
}

}  // namespace

std::string detect_language(std::string_view text) {
  if (text.empty() || !is_valid_utf8(text)) return {};
  int latin = 0;
  const ScriptRange* script = dominant_script(text, latin);
  // CLD2 costs ~70 µs a call whatever the length (measured on this project's 2-core box), which
  // would halve ingest throughput: a script decides wherever it can, CLD2 only tells Latin-script
  // languages apart, and only with enough letters to be reliable.
  if (script) return script->language;
  if (latin < kMinLatinLetters) return {};
  bool reliable = false;
  CLD2::Language top3[3];
  int percent3[3];
  int text_bytes = 0;
  CLD2::Language lang = CLD2::ExtDetectLanguageSummary(text.data(), static_cast<int>(text.size()), true, top3,
                                                       percent3, &text_bytes, &reliable);
  if (reliable && lang != CLD2::UNKNOWN_LANGUAGE && lang != CLD2::TG_UNKNOWN_LANGUAGE) {
    std::string code = CLD2::LanguageCode(lang);
    // "zh-Hant" → "zh": skills name languages, not writing systems.
    return code.substr(0, code.find('-'));
  }
  return {};
}

}  // namespace omniroute
