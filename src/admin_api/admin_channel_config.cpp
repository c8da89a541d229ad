// Channels changed without editing files: GET /v1/channel_kinds (each kind's declared keys, from which the
// board draws its form), GET/POST/PUT/DELETE /v1/channels/<id>. Channels added here are kept in Redis
// (store::ApiChannels) with their secrets sealed by server.secrets_key_file's key, checked exactly as the
// file's channels are (config/api_channels), and live on every daemon within a second (each daemon's
// watcher swaps in a generation with them). The file's channels answer 409 configured_in_file; secrets are
// never returned ("set").

#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/api_channels.hpp"
#include "config/sections.hpp"
#include "store/api_channels.hpp"

namespace omniroute::admin_api {

using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;

namespace {

std::string_view type_name(FieldType t) {
  switch (t) {
    case FieldType::text: return "text";
    case FieldType::secret: return "secret";
    case FieldType::url: return "url";
    case FieldType::phone: return "phone";
    case FieldType::duration: return "duration";
    case FieldType::choice: return "choice";
    case FieldType::rate: return "rate";
    case FieldType::list: return "list";
  }
  return "text";
}

/// The settings as an admin may read them: every secret "set" (or null when unset).
json::object readable(const ChannelKind& kind, const json::object& settings) {
  json::object out = settings;
  for (const auto& name : config::secret_keys(kind)) {
    if (json::value* v = config::value_at(out, name)) *v = "set";
  }
  return out;
}

Response field_errors(const std::vector<config::FieldProblem>& problems) {
  json::array fields;
  std::string message;
  for (const auto& p : problems) {
    fields.push_back(json::object{{"field", p.field}, {"message", p.message}});
    message += (message.empty() ? "" : "; ") + (p.field.empty() ? "" : p.field + ": ") + p.message;
  }
  return json_response(400, json::serialize(json::object{{"error", "invalid_channel"}, {"message", message}, {"fields", fields}}));
}

}  // namespace

std::optional<Response> AdminRoutes::kept_secrets_into(json::object& keys, const ChannelKind& kind,
                                                      const json::object& kept) const {
  if (!config_.server.secrets) return std::nullopt;
  for (const auto& name : config::secret_keys(kind)) {
    const json::value* sealed = config::value_at(kept, name);
    if (!sealed || !sealed->is_string() || config::value_at(keys, name)) continue;
    auto plain = config_.server.secrets->open(sealed->as_string());
    if (!plain) {
      return json_error(409, "secrets_key_mismatch",
                        "the kept '" + name + "' does not open with this daemon's server.secrets_key_file: give it "
                        "again, or give this daemon the key it was sealed with (previous_secrets_key_file)");
    }
    config::put_at(keys, name, json::value(json::string(*plain)));
  }
  return std::nullopt;
}

asio::awaitable<Response> AdminRoutes::channel_kinds() {
  json::array kinds;
  for (const auto& name : registry_.names()) {
    const ChannelKind* kind = registry_.find(name);
    json::array fields;
    for (const auto& f : kind->fields) {
      json::array choices;
      for (const auto& c : f.choices) choices.push_back(json::value(c));
      fields.push_back(json::object{{"name", f.name}, {"type", type_name(f.type)}, {"required", f.required},
                                    {"default", f.default_value.empty() ? json::value(nullptr) : json::value(f.default_value)},
                                    {"choices", std::move(choices)}});
    }
    kinds.push_back(json::object{{"name", kind->name}, {"medium", std::string(to_string(kind->medium))},
                                 {"needs_public_url", kind->needs_public_url}, {"fields", std::move(fields)}});
  }
  co_return json_response(200, json::serialize(json::object{{"kinds", std::move(kinds)},
                                                            {"secrets_key", config_.server.secrets != nullptr}}));
}

const config::ChannelConfig* AdminRoutes::file_channel(const std::string& id) const {
  for (const auto& c : config_.channels) {
    if (c.settings.id == id && !c.from_api) return &c;
  }
  return nullptr;
}

asio::awaitable<Response> AdminRoutes::channel(const std::string& id) {
  if (const config::ChannelConfig* c = file_channel(id)) {
    json::object settings;
    const ChannelKind* kind = registry_.find(c->settings.kind);
    for (const auto& [key, value] : c->settings.values) {
      // A list (allowed_origins) as the array it was written as, not the lines it is kept as.
      const bool list = kind && std::any_of(kind->fields.begin(), kind->fields.end(), [&](const FieldSpec& f) {
                          return f.name == key && f.type == FieldType::list;
                        });
      if (!list) {
        config::put_at(settings, key, json::value(json::string(value)));
        continue;
      }
      json::array items;
      for (const auto& item : c->settings.list(key)) items.push_back(json::value(json::string(item)));
      config::put_at(settings, key, std::move(items));
    }
    const config::QueueConfig* queue = config_.default_queue(id);
    co_return json_response(200, json::serialize(json::object{
                                     {"id", id}, {"kind", c->settings.kind}, {"source", "file"}, {"enabled", true},
                                     {"queue", queue ? json::value(queue->id) : json::value(nullptr)},
                                     {"settings", kind ? readable(*kind, settings) : json::object{}}}));
  }
  store::ApiChannels kept(store_.client(), store_.keys());
  auto text = co_await kept.get(id);
  if (!text) co_return unavailable();
  auto doc = config::parse_api_channel(*text);
  const ChannelKind* kind = doc ? registry_.find(doc->kind) : nullptr;
  if (!kind) co_return json_error(404, "not_found", "no channel '" + id + "'");
  json::value queue = doc->queue.empty() ? json::value(nullptr) : json::value(doc->queue);
  if (doc->queue.empty()) {
    if (const config::QueueConfig* q = config_.default_queue(id)) queue = q->id;
  }
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"kind", doc->kind}, {"source", "api"},
                                                            {"enabled", doc->enabled}, {"queue", std::move(queue)},
                                                            {"settings", readable(*kind, doc->settings)}}));
}

asio::awaitable<Response> AdminRoutes::put_channel(const std::string& id, const http::Request& request, bool create) {
  if (!config::is_identifier(id)) co_return json_error(400, "invalid_field", "a channel id is 1-64 letters, digits, '_' or '-'");
  if (file_channel(id)) {
    co_return json_error(409, "configured_in_file", "channel '" + id + "' is defined in the configuration file");
  }
  auto body = json_body(request);
  if (!body) co_return body.error();
  config::ApiChannelDocument doc;
  json::object keys = std::move(*body);
  if (auto* q = keys.if_contains("queue")) {
    if (!q->is_string()) co_return field_errors({{"queue", "a queue's id"}});
    doc.queue = q->as_string();
    keys.erase("queue");
  }
  if (auto* e = keys.if_contains("enabled")) {
    if (!e->is_bool()) co_return field_errors({{"enabled", "true or false"}});
    doc.enabled = e->as_bool();
    keys.erase("enabled");
  }
  auto* kind_value = keys.if_contains("kind");
  const ChannelKind* kind = kind_value && kind_value->is_string() ? registry_.find(kind_value->as_string()) : nullptr;
  if (!kind) {
    std::string kinds;
    for (const auto& n : registry_.names()) kinds += (kinds.empty() ? "" : ", ") + n;
    co_return field_errors({{"kind", "one of " + kinds}});
  }
  doc.kind = kind->name;
  store::ApiChannels kept(store_.client(), store_.keys());
  if (!create) {
    // Secrets are write-only: one left out of a change keeps its kept value.
    auto text = co_await kept.get(id);
    if (!text) co_return unavailable();
    auto before = config::parse_api_channel(*text);
    if (!before) co_return json_error(404, "not_found", "no channel '" + id + "' (POST adds one)");
    if (auto problem = kept_secrets_into(keys, *kind, before->settings)) co_return std::move(*problem);
  }
  const std::vector<std::string> secrets = config::secret_keys(*kind);
  const bool has_secret =
      std::any_of(secrets.begin(), secrets.end(), [&](const std::string& k) { return config::value_at(keys, k) != nullptr; });
  if (has_secret && !config_.server.secrets) {
    co_return json_error(409, "no_secrets_key",
                         "set server.secrets_key_file first: a channel's secrets are kept in Redis only sealed with it");
  }
  std::vector<config::FieldProblem> problems;
  if (!doc.queue.empty()) {
    bool known = std::any_of(config_.queues.begin(), config_.queues.end(), [&](const auto& q) { return q.id == doc.queue; });
    if (!known) problems.push_back({"queue", "no queue '" + doc.queue + "' in the configuration"});
  } else if (!config_.default_queue(id)) {
    problems.push_back({"queue", "required: the queue its conversations go to"});
  }
  auto checked = config::read_api_channel(id, keys, config_, registry_);
  if (!checked) problems.insert(problems.end(), checked.error().begin(), checked.error().end());
  if (!problems.empty()) co_return field_errors(problems);
  keys.erase("kind");
  if (has_secret) keys = *config::secrets_sealed(std::move(keys), *kind, *config_.server.secrets, true);
  doc.settings = std::move(keys);
  auto changed = co_await kept.change(create ? "create" : "replace", id, config::serialize(doc));
  if (!changed) co_return unavailable();
  if (*changed == store::ChannelChange::exists) co_return json_error(409, "exists", "channel '" + id + "' exists (PUT changes it)");
  if (*changed == store::ChannelChange::not_found) co_return json_error(404, "not_found", "no channel '" + id + "'");
  Response res = co_await channel(id);
  if (create) res.result(http::beast_http::status::created);
  co_return res;
}

asio::awaitable<Response> AdminRoutes::delete_channel(const std::string& id) {
  if (file_channel(id)) {
    co_return json_error(409, "configured_in_file", "channel '" + id + "' is defined in the configuration file");
  }
  store::ApiChannels kept(store_.client(), store_.keys());
  auto changed = co_await kept.change("remove", id, "");
  if (!changed) co_return unavailable();
  if (*changed == store::ChannelChange::not_found) co_return json_error(404, "not_found", "no channel '" + id + "'");
  co_return Response{http::beast_http::status::no_content, 11};
}

}  // namespace omniroute::admin_api
