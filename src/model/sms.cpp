#include "omniroute/sms.hpp"

#include <cstdint>
#include <string>

namespace omniroute {

namespace {

/// Septets a code point takes in GSM-7 (1, or 2 through the extension table), 0 when it has none.
int gsm7_septets(char32_t c) {
  static const std::u32string kBasic =
      U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  static const std::u32string kExtension = U"^{}\\[~]|€\f";
  if (kBasic.find(c) != std::u32string::npos) return 1;
  if (kExtension.find(c) != std::u32string::npos) return 2;
  return 0;
}

/// Decodes one code point at `i` (valid UTF-8 assumed), advancing `i`.
char32_t next_code_point(std::string_view s, size_t& i) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  int extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
  char32_t c = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k <= extra && i + k < s.size(); ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += 1 + extra;
  return c;
}

}  // namespace

SmsCost sms_cost(std::string_view utf8) {
  SmsCost gsm, ucs;
  gsm.gsm7 = true;
  ucs.gsm7 = false;
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = next_code_point(utf8, i);
    int septets = gsm7_septets(c);
    if (septets == 0) gsm.gsm7 = false;
    gsm.units += septets;
    ucs.units += c > 0xFFFF ? 2 : 1;  // a surrogate pair
  }
  SmsCost& out = gsm.gsm7 ? gsm : ucs;
  const int single = out.gsm7 ? 160 : 70, part = out.gsm7 ? 153 : 67;
  out.segments = out.units == 0 ? 0 : out.units <= single ? 1 : (out.units + part - 1) / part;
  return out;
}

}  // namespace omniroute
