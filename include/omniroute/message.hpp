#pragma once
// The normalised message every channel produces and the store keeps.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace omniroute {

/// Which way a message travels: from the customer or to them.
enum class Direction { inbound, outbound };

/// What an agent's capacity counts: each channel kind belongs to one medium.
enum class Medium { sms, email, chat };

std::string_view to_string(Direction d);
std::string_view to_string(Medium m);

/// A file sent with a message; the content stays with the provider.
struct Attachment {
  std::string name;
  std::string content_type;
  std::int64_t size = -1;  // bytes, -1 when the provider does not say
  std::string url;         // where the provider serves it
  std::string content;     // the bytes themselves, when the channel keeps them (e-mail, up to a size)
};

/// One message in the shape the core understands, whatever its channel.
struct Message {
  std::string channel_id;      // the configured channel's id ("sms")
  std::string channel_kind;    // its kind ("twilio_sms")
  Direction direction = Direction::inbound;
  std::string provider_id;     // the provider's id: duplicates share it
  std::string contact_handle;  // e-mail (lowercase), E.164 phone, platform id
  std::string handle_kind;     // "phone", "email", or the channel id for platform-scoped ids
  std::string contact_name;
  std::string thread_key;      // messages with one key share a conversation
  std::string subject;
  std::string text;            // valid UTF-8, NFC
  std::string full_text;       // the whole text when `text` leaves part out (e-mail: the quoted history)
  std::string language;        // ISO 639-1 when the provider says; detected at ingest otherwise
  std::vector<Attachment> attachments;
  std::int64_t provider_time_ms = 0;  // when the provider says it was sent; 0 if unknown
  std::int64_t received_time_ms = 0;  // when we received it

  // Threading, for channels whose messages name the ones they answer (e-mail); empty where thread_key
  // says it all.
  std::vector<std::string> thread_refs;  // thread keys of the messages this one answers, most specific first
  std::string fallback_thread_key;       // tried when no ref is known (normalised subject and sender)
  std::int64_t fallback_window_s = 0;    // ... within this long of that thread's last message
  std::int64_t thread_ttl_s = 0;         // how long this message's thread key is remembered (0: always)
  std::string reply_context;             // opaque to the core: given back in OutboundMessage when replying
  std::string automatic;                 // an auto-reply or bounce, and why: stored, never routed
};

}  // namespace omniroute
