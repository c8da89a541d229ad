#include "email/mime_message.hpp"

#include "omniroute/url_query.hpp"
#include "email/encoded_words.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <mutex>
#include <optional>

#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

/// Owns one GObject reference.
template <typename T>
struct Ref {
  T* p = nullptr;
  explicit Ref(T* ptr) : p(ptr) {}
  ~Ref() {
    if (p) g_object_unref(p);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
};


std::string header(GMimeObject* o, const char* name) {
  const char* v = g_mime_object_get_header(o, name);
  return v ? std::string(v) : std::string();
}

/// A header as written (folded, encoded-words undecoded), or "" when absent.
std::string raw_header(GMimeObject* o, const char* name) {
  GMimeHeaderList* list = g_mime_object_get_header_list(o);
  GMimeHeader* h = list ? g_mime_header_list_get_header(list, name) : nullptr;
  const char* v = h ? g_mime_header_get_raw_value(h) : nullptr;
  return v ? std::string(v) : std::string();
}

/// The display name of a raw From header ("=?utf-8?b?...?= <a@b>"), decoded; nullopt when it has
/// no encoded-word (GMime's own reading is then right).
std::optional<std::string> encoded_display_name(const std::string& from) {
  size_t angle = from.rfind('<');
  std::string name = from.substr(0, angle == std::string::npos ? 0 : angle);
  if (name.find("=?") == std::string::npos) return std::nullopt;
  std::string decoded = decode_encoded_words(name);
  while (!decoded.empty() && (decoded.back() == ' ' || decoded.back() == '\t')) decoded.pop_back();
  while (!decoded.empty() && (decoded.front() == ' ' || decoded.front() == '\t')) decoded.erase(0, 1);
  if (decoded.size() >= 2 && decoded.front() == '"' && decoded.back() == '"') decoded = decoded.substr(1, decoded.size() - 2);
  return decoded;
}

/// A part's file name written as RFC 2047 encoded-words inside quotes (as Outlook and Thunderbird
/// do), decoded by us; nullopt when it is not written so (RFC 2231 names are GMime's).
std::optional<std::string> encoded_file_name(GMimeObject* part) {
  for (const auto& [header, param] : {std::pair{"Content-Disposition", "filename"}, std::pair{"Content-Type", "name"}}) {
    std::string value = raw_parameter(raw_header(part, header), param);
    if (value.find("=?") != std::string::npos) return decode_encoded_words(value);
  }
  return std::nullopt;
}

/// Valid UTF-8 in NFC, whatever came in (a bad charset label must not break the text).
std::string clean_utf8(std::string s) {
  if (!is_valid_utf8(s)) {
    std::string out;
    for (unsigned char c : s) out += c < 0x80 ? std::string(1, static_cast<char>(c)) : "\xEF\xBF\xBD";
    s = out;
  }
  return to_nfc(s).value_or(s);
}

struct Walk {
  std::string plain, html;
  std::vector<MailAttachment> attachments;
  bool report = false;
  std::int64_t keep = 0;          // attachment contents up to this size are kept
  std::string returned_id;        // a bounce's returned Message-ID
};

/// The Message-ID in a block of header lines (a bounce's text/rfc822-headers part).
std::string message_id_in_headers(std::string_view headers) {
  size_t at = 0;
  while (at < headers.size()) {
    size_t end = headers.find('\n', at);
    std::string_view line = headers.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (line.size() > 11 && ascii_lower(std::string(line.substr(0, 11))) == "message-id:") {
      std::string id(line.substr(11));
      size_t lt = id.find('<'), gt = id.find('>');
      if (lt != std::string::npos && gt != std::string::npos && gt > lt) return id.substr(lt + 1, gt - lt - 1);
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return "";
}

/// A text part: the body (first plain, first HTML), or a bounce's returned headers.
void read_text_part(GMimeObject* part, GMimeContentType* ct, Walk* w) {
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));  // charset and transfer encoding undone
  std::string t;
  for (const char* c = text; c && *c; ++c) {
    if (*c != '\r') t += *c;  // the wire's CRLF: agents read LF
  }
  g_free(text);
  if (g_mime_content_type_is_type(ct, "text", "rfc822-headers")) {  // a bounce returning the headers
    if (w->returned_id.empty()) w->returned_id = message_id_in_headers(t);
    return;
  }
  if (g_mime_content_type_is_type(ct, "text", "plain") && w->plain.empty()) w->plain = clean_utf8(t);
  else if (g_mime_content_type_is_type(ct, "text", "html") && w->html.empty()) w->html = clean_utf8(t);
}

/// An attachment: its name, type and size, and its bytes when small enough to keep.
MailAttachment read_attachment(GMimePart* p, GMimeContentType* ct, const Walk& w) {
  MailAttachment a;
  const char* name = g_mime_part_get_filename(p);  // RFC 2231 decoded (2047 words: ours, below)
  a.name = clean_utf8(name ? name : "attachment");
  if (auto decoded = encoded_file_name(GMIME_OBJECT(p))) a.name = *decoded;
  char* type = ct ? g_mime_content_type_get_mime_type(ct) : nullptr;
  a.content_type = ascii_lower(type ? type : "application/octet-stream");
  g_free(type);
  if (GMimeDataWrapper* content = g_mime_part_get_content(p)) {
    Ref<GMimeStream> sink(g_mime_stream_null_new());
    ssize_t n = g_mime_data_wrapper_write_to_stream(content, sink.p);  // decoded: base64/QP undone
    a.size = n > 0 ? n : 0;
    if (a.size > 0 && a.size <= w.keep) {
      Ref<GMimeStream> mem(g_mime_stream_mem_new());
      g_mime_data_wrapper_write_to_stream(content, mem.p);
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.p));
      a.content.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
  }
  return a;
}

void visit(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto* w = static_cast<Walk*>(data);
  GMimeContentType* ct = g_mime_object_get_content_type(part);
  if (ct && g_mime_content_type_is_type(ct, "multipart", "report")) w->report = true;
  if (ct && g_mime_content_type_is_type(ct, "message", "delivery-status")) w->report = true;
  if (GMIME_IS_MESSAGE_PART(part) && w->returned_id.empty()) {  // a bounce returning the whole mail
    if (GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part))) {
      if (const char* id = g_mime_message_get_message_id(inner)) w->returned_id = id;
    }
    return;
  }
  if (!GMIME_IS_PART(part)) return;
  GMimePart* p = GMIME_PART(part);
  bool attachment = g_mime_part_is_attachment(p) || g_mime_part_get_filename(p) != nullptr;
  if (!attachment && GMIME_IS_TEXT_PART(part) && ct) return read_text_part(part, ct, w);
  w->attachments.push_back(read_attachment(p, ct, *w));
}

bool is_automatic(GMimeObject* m, const std::string& from, const Walk& w, std::string& reason) {
  std::string auto_submitted = ascii_lower(header(m, "Auto-Submitted"));
  std::string precedence = ascii_lower(header(m, "Precedence"));
  if (!auto_submitted.empty() && auto_submitted != "no") return reason = "Auto-Submitted: " + auto_submitted, true;
  if (precedence == "bulk" || precedence == "junk" || precedence == "list" || precedence == "auto_reply") {
    return reason = "Precedence: " + precedence, true;
  }
  for (const char* h : {"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"}) {
    std::string v = ascii_lower(header(m, h));
    if (!v.empty() && (std::string(h) != "X-Auto-Response-Suppress" || v.find("all") != std::string::npos)) {
      if (std::string(h) != "X-Auto-Response-Suppress") return reason = std::string(h), true;
    }
  }
  std::string local = from.substr(0, from.find('@'));
  if (local == "mailer-daemon" || local == "postmaster") return reason = "sender " + from, true;
  if (w.report) return reason = "delivery status report", true;
  return false;
}

std::string strip_angles(std::string s) {
  while (!s.empty() && (s.front() == '<' || s.front() == ' ')) s.erase(0, 1);
  while (!s.empty() && (s.back() == '>' || s.back() == ' ' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

Expected<ParsedMail, std::string> parse_mail(std::string_view raw, std::int64_t keep_attachment_bytes) {
  init_gmime();
  if (raw.empty()) return unexpected(std::string("the message is empty"));
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.p, nullptr));
  if (!message.p) return unexpected(std::string("not an e-mail message"));
  GMimeObject* m = GMIME_OBJECT(message.p);
  ParsedMail out;
  if (const char* id = g_mime_message_get_message_id(message.p)) out.message_id = strip_angles(id);
  // Subject and names from the raw headers, decoded word by word (encoded_words.hpp says why).
  if (std::string subject = raw_header(m, "Subject"); !subject.empty()) {
    out.subject = decode_encoded_words(subject);
    size_t start = out.subject.find_first_not_of(" \t");
    out.subject = start == std::string::npos ? "" : out.subject.substr(start);
  }
  if (InternetAddressList* from = g_mime_message_get_from(message.p); from && internet_address_list_length(from) > 0) {
    InternetAddress* a = internet_address_list_get_address(from, 0);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) out.from_address = ascii_lower(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
    if (const char* name = internet_address_get_name(a)) out.from_name = clean_utf8(name);
    if (auto decoded = encoded_display_name(raw_header(m, "From"))) out.from_name = *decoded;
  }
  if (out.from_address.empty()) return unexpected(std::string("the message has no From address"));
  if (std::string irt = header(m, "In-Reply-To"); !irt.empty()) {
    if (GMimeReferences* refs = g_mime_references_parse(nullptr, irt.c_str())) {
      if (g_mime_references_length(refs) > 0) out.in_reply_to = g_mime_references_get_message_id(refs, 0);
      g_mime_references_free(refs);
    }
  }
  if (std::string r = header(m, "References"); !r.empty()) {
    if (GMimeReferences* refs = g_mime_references_parse(nullptr, r.c_str())) {
      for (int i = 0; i < g_mime_references_length(refs); ++i) out.references.emplace_back(g_mime_references_get_message_id(refs, i));
      g_mime_references_free(refs);
    }
  }
  if (GDateTime* date = g_mime_message_get_date(message.p)) out.date_ms = g_date_time_to_unix(date) * 1000;
  Walk walk;
  walk.keep = keep_attachment_bytes;
  g_mime_message_foreach(message.p, visit, &walk);
  out.returned_message_id = strip_angles(walk.returned_id);
  out.text = !walk.plain.empty() ? walk.plain : html_to_text(walk.html);
  out.reply_text = strip_quoted(out.text);
  out.attachments = std::move(walk.attachments);
  out.automatic = is_automatic(m, out.from_address, walk, out.automatic_reason);
  return out;
}

Expected<std::vector<std::pair<std::string, std::string>>, std::string> parse_form_body(std::string_view content_type,
                                                                                      std::string_view body) {
  std::string type = ascii_lower(std::string(content_type.substr(0, content_type.find(';'))));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "application/x-www-form-urlencoded") {
    auto fields = parse_form(body);
    if (!fields) return unexpected(std::string("the form has a malformed %-escape"));
    return *fields;
  }
  if (type != "multipart/form-data") {
    return unexpected("expected a form (multipart/form-data or urlencoded), got '" + std::string(content_type) + "'");
  }
  if (content_type.find_first_of("\r\n") != std::string_view::npos) return unexpected(std::string("bad Content-Type"));
  init_gmime();
  // The body is a MIME multipart once its Content-Type is put in front of it.
  std::string entity = "Content-Type: " + std::string(content_type) + "\r\n\r\n" + std::string(body);
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeObject> object(g_mime_parser_construct_part(parser.p, nullptr));
  if (!object.p || !GMIME_IS_MULTIPART(object.p)) return unexpected(std::string("the multipart form is unreadable"));
  std::vector<std::pair<std::string, std::string>> out;
  GMimeMultipart* multipart = GMIME_MULTIPART(object.p);
  for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(part);
    const char* name = disposition ? g_mime_content_disposition_get_parameter(disposition, "name") : nullptr;
    if (!name) continue;
    std::string value;
    if (GMIME_IS_MESSAGE_PART(part)) {  // a field sent as message/rfc822 (the raw mail as a file)
      if (GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part))) {
        Ref<GMimeStream> mem(g_mime_stream_mem_new());
        g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, mem.p);
        GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.p));
        value.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
      }
    } else if (!GMIME_IS_PART(part)) {
      continue;
    } else if (GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part))) {
      Ref<GMimeStream> mem(g_mime_stream_mem_new());
      g_mime_data_wrapper_write_to_stream(content, mem.p);
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.p));
      value.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
    out.emplace_back(name, std::move(value));
  }
  if (out.empty()) return unexpected(std::string("the multipart form has no fields"));
  return out;
}

}  // namespace omniroute::channels
