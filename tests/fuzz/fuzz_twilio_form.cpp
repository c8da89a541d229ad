// Any bytes as a Twilio form body: parsed fields, signed, and turned into a Message or a 400.
#include <cstdint>
#include <string_view>

#include "omniroute/text.hpp"
#include "twilio_sms/twilio_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto fields = omniroute::parse_form(body);
  if (!fields) return 0;
  (void)omniroute::channels::twilio_signature("token", "https://example.com/webhooks/sms", *fields);
  auto m = omniroute::channels::parse_twilio_inbound(*fields, "sms");
  if (!m && m.error().status != 400) __builtin_trap();
  if (m && !omniroute::is_valid_utf8(m->text)) __builtin_trap();
  return 0;
}
