// Any bytes as an e-mail, as the e-mail channel reads it, as a posted multipart form, and as an
// IMAP server's answer: valid UTF-8 text or an error, never a crash.
#include <cstdint>
#include <string_view>

#include "email/email_channel.hpp"
#include "email/imap.hpp"
#include "email/mime_message.hpp"
#include "omniroute/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace omniroute;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto m = channels::parse_mail(raw, 1 << 20);
  if (m) {
    if (!is_valid_utf8(m->text) || !is_valid_utf8(m->subject) || !is_valid_utf8(m->reply_text) ||
        !is_valid_utf8(m->from_name)) {
      __builtin_trap();
    }
    for (const auto& a : m->attachments) {
      if (!is_valid_utf8(a.name) || (!a.content.empty() && static_cast<std::int64_t>(a.content.size()) != a.size)) {
        __builtin_trap();
      }
    }
  }
  static const ChannelSettings settings = [] {
    ChannelSettings s;
    s.id = "mail";
    s.kind = "email";
    s.values = {{"address", "support@acme.example"}, {"thread_window", "7d"}, {"keep_attachments_up_to", "1MB"}};
    return s;
  }();
  Message message = channels::read_mail(raw, settings);
  if (message.provider_id.empty() || !is_valid_utf8(message.text)) __builtin_trap();
  for (const auto& ref : message.thread_refs) {
    if (ref.find_first_of("\r\n") != std::string::npos) __builtin_trap();  // ids go back into headers
  }
  (void)channels::parse_form_body("multipart/form-data; boundary=XyZ", raw);
  (void)channels::imap::search_result(raw, 1);
  (void)channels::imap::response_code(raw, "UIDNEXT");
  (void)channels::imap::parse_mailbox_url(raw);
  channels::normalised_subject(raw);
  return 0;
}
