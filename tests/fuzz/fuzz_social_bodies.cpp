// Any bytes as a WhatsApp, Messenger/Instagram or Telegram webhook body: messages
// with valid UTF-8 text, or a 400, never a crash.
#include <cstdint>
#include <string_view>

#include "meta/meta_channel.hpp"
#include "omniroute/text.hpp"
#include "telegram/telegram_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<omniroute::DeliveryUpdate> statuses;
  auto check = [](const auto& r) {
    if (!r && r.error().status != 400) __builtin_trap();
  };
  auto wa = omniroute::channels::parse_whatsapp(body, "wa", &statuses);
  check(wa);
  if (wa) {
    for (const auto& m : *wa) {
      if (!omniroute::is_valid_utf8(m.text) || m.contact_handle.empty()) __builtin_trap();
    }
  }
  check(omniroute::channels::parse_page_messaging(body, "fb", "messenger", &statuses));
  auto tg = omniroute::channels::parse_telegram_updates(body, "tg");
  check(tg);
  if (tg) {
    for (const auto& m : tg->messages) {
      if (!omniroute::is_valid_utf8(m.text)) __builtin_trap();
    }
  }
  return 0;
}
