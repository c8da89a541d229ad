// Any bytes as an e-mail: a ParsedMail with valid UTF-8 text, or an error, never a crash.
#include <cstdint>
#include <string_view>

#include "email/mime_message.hpp"
#include "omniroute/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto m = omniroute::channels::parse_mail(raw);
  if (m) {
    if (!omniroute::is_valid_utf8(m->text) || !omniroute::is_valid_utf8(m->subject) ||
        !omniroute::is_valid_utf8(m->reply_text) || !omniroute::is_valid_utf8(m->from_name)) {
      __builtin_trap();
    }
    for (const auto& a : m->attachments) {
      if (!omniroute::is_valid_utf8(a.name)) __builtin_trap();
    }
  }
  omniroute::channels::normalised_subject(raw);
  return 0;
}
