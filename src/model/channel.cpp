#include "omniroute/channel.hpp"

#include <cstdlib>

#include <stdexcept>

#include "omniroute/text.hpp"

namespace omniroute {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace

std::string_view InboundRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

const FieldSpec* ChannelSettings::declaration(std::string_view key) const {
  if (!declared) return nullptr;
  for (const auto& f : *declared) {
    if (f.name == key) return &f;
  }
  throw std::logic_error("channel '" + id + "' (" + kind + ") reads setting '" + std::string(key) +
                         "', which its kind does not declare");
}

const std::string& ChannelSettings::get(std::string_view key) const {
  static const std::string kEmpty;
  declaration(key);
  auto it = values.find(key);
  return it == values.end() ? kEmpty : it->second;
}

bool ChannelSettings::declares(std::string_view key) const {
  if (!declared) return true;
  for (const auto& f : *declared) {
    if (f.name == key) return true;
  }
  return false;
}

std::vector<std::string> ChannelSettings::list(std::string_view key) const {
  const FieldSpec* f = declaration(key);
  if (f && f->type != FieldType::list) {
    throw std::logic_error("setting '" + std::string(key) + "' is read as a list but not declared as one");
  }
  std::vector<std::string> out;
  const std::string& joined = get(key);
  for (std::size_t start = 0; start < joined.size();) {
    std::size_t end = joined.find(kListSeparator, start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {
void expect_type(const FieldSpec* f, FieldType type, std::string_view key, const char* as) {
  if (f && f->type != type) {
    throw std::logic_error("setting '" + std::string(key) + "' is read as a " + as + " but not declared as one");
  }
}
}  // namespace

template <>
Duration ChannelSettings::get<Duration>(std::string_view key) const {
  expect_type(declaration(key), FieldType::duration, key, "duration");
  return Duration(parse_duration_ms(get(key)).value_or(0));
}

template <>
Rate ChannelSettings::get<Rate>(std::string_view key) const {
  expect_type(declaration(key), FieldType::rate, key, "rate");
  return Rate{parse_rate_per_second(get(key)).value_or(0)};
}

ChannelKind declared_kind(ChannelKind kind) {
  auto fields = std::make_shared<const std::vector<FieldSpec>>(kind.fields);
  kind.create = [fields, create = std::move(kind.create)](ChannelSettings s) {
    s.declared = fields;
    return create(std::move(s));
  };
  return kind;
}

std::optional<double> parse_rate_per_second(std::string_view text) {
  std::string number(text.ends_with("/s") ? text.substr(0, text.size() - 2) : text);
  char* end = nullptr;
  double v = number.empty() ? -1 : std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(v >= 0 && v <= 100'000)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 15) return std::nullopt;
  std::int64_t n = std::stoll(std::string(text.substr(0, digits)));
  std::string_view unit = text.substr(digits);
  std::int64_t factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000
                      : unit == "d" ? 86'400'000 : 0;
  if (factor == 0 || n > 100LL * 365 * 86'400'000 / factor) return std::nullopt;
  return n * factor;
}

WebhookResult Channel::on_webhook(const InboundRequest&) const {
  return unexpected(WebhookError{405, "method_not_allowed",
                                 "channel '" + id() + "' does not take webhooks"});
}

boost::asio::awaitable<std::vector<CheckStep>> Channel::check(const ProviderProbe&) const {
  co_return std::vector<CheckStep>{{"settings", true, "valid; this kind has no provider to reach"}};
}

boost::asio::awaitable<std::vector<CheckStep>> Channel::register_at(const ProviderProbe&) const {
  co_return std::vector<CheckStep>{};
}

void ChannelRegistry::add(ChannelKind kind) {
  if (find(kind.name)) throw std::logic_error("channel kind registered twice: " + kind.name);
  kinds_.push_back(std::move(kind));
}

const ChannelKind* ChannelRegistry::find(std::string_view name) const {
  for (const auto& k : kinds_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::vector<std::string> ChannelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& k : kinds_) out.push_back(k.name);
  return out;
}

SendResult default_send_result(int status, std::string_view body) {
  SendResult r;
  if (status >= 200 && status < 300) {
    r.kind = SendResult::Kind::sent;
    return r;
  }
  std::string snippet = text_excerpt(body, 200);
  r.reason = status == 0 ? "no answer from the provider" : "HTTP " + std::to_string(status) + ": " + snippet;
  r.kind = (status == 0 || status == 408 || status == 429 || status >= 500) ? SendResult::Kind::retry
                                                                            : SendResult::Kind::failed;
  return r;
}

std::string_view to_string(Direction d) { return d == Direction::inbound ? "in" : "out"; }

std::string_view to_string(Medium m) {
  switch (m) {
    case Medium::sms: return "sms";
    case Medium::email: return "email";
    case Medium::chat: return "chat";
  }
  return "chat";
}

}  // namespace omniroute
