// Any bytes as a generic-webhook body: a Message or a 400, never a crash.
#include <cstdint>
#include <string_view>

#include "omniroute/text.hpp"
#include "webhook/webhook_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto m = omniroute::channels::parse_webhook_body(body, "api");
  if (!m && m.error().status != 400) __builtin_trap();
  if (m && !omniroute::is_valid_utf8(m->text)) __builtin_trap();
  return 0;
}
