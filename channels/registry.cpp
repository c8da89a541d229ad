// The one list of channel kinds this build knows. Explicit on purpose: a
// static registrar object would be dropped by the linker from a static library.

#include "email/email_channel.hpp"
#include "meta/meta_channel.hpp"
#include "omniroute/channel.hpp"
#include "telegram/telegram_channel.hpp"
#include "twilio_sms/twilio_channel.hpp"
#include "webchat/webchat_channel.hpp"
#include "webhook/webhook_channel.hpp"

namespace omniroute {

void register_builtin_channels(ChannelRegistry& registry) {
  registry.add(channels::webhook_kind());
  registry.add(channels::twilio_sms_kind());
  registry.add(channels::whatsapp_kind());
  registry.add(channels::messenger_kind());
  registry.add(channels::instagram_kind());
  registry.add(channels::telegram_kind());
  registry.add(channels::email_kind());
  registry.add(channels::webchat_kind());
}

}  // namespace omniroute
