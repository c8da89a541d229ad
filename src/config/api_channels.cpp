#include "config/api_channels.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

namespace omniroute::config {

namespace json = boost::json;

namespace {
constexpr std::string_view kItem = "channels[0].";

/// "channels[0].imap.url: must be …" → {imap.url, must be …}; "missing required key 'bot_token' in channels[0]"
/// and "unknown key 'colour' in channels[0].imap" → the key, under its block.
FieldProblem problem_of(const std::string& message) {
  std::string_view m = message;
  if (size_t in = m.find(" in channels[0]"); in != std::string_view::npos && m.find(" key '") < in) {
    size_t open = m.find(" key '") + 6;
    size_t close = m.find('\'', open);
    std::string_view block = m.substr(in + 15);
    block = block.substr(0, block.find(' '));
    std::string field = std::string(m.substr(open, close - open));
    if (block.starts_with(".")) field = std::string(block.substr(1)) + "." + field;
    std::string what(m.substr(0, m.find(" key '")));
    if (what == "missing required") return {field, "required"};
    return {field, "not a key of this kind" + std::string(m.substr(in + 15 + block.size()))};
  }
  if (!m.starts_with(kItem)) return {"", message};
  m.remove_prefix(kItem.size());
  size_t colon = m.find(": ");
  if (colon == std::string_view::npos) return {"", std::string(m)};
  return {std::string(m.substr(0, colon)), std::string(m.substr(colon + 2))};
}

/// The channel's id is a path parameter: the body may not rename it.
const EnvLookup& no_env() {
  static const EnvLookup none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return none;
}
}  // namespace

Expected<ChannelConfig, std::vector<FieldProblem>> read_api_channel(const std::string& id, const json::object& keys,
                                                                   const Config& base, const ChannelRegistry& registry) {
  // Every key a file's entry takes, `auto_ack` and `csat` included (read by the same reader), but not the id.
  if (keys.contains("id")) return unexpected(std::vector<FieldProblem>{{"id", "the id is the URL's"}});
  json::object entry = keys;
  entry["id"] = id;
  YAML::Node item;
  try {
    item = YAML::Load(json::serialize(entry));
  } catch (const YAML::Exception& e) {
    return unexpected(std::vector<FieldProblem>{{"", e.msg}});
  }
  YAML::Node root;
  root["channels"].push_back(item);
  Diagnostics diag("request");
  Config scratch;
  scratch.server.public_url = base.server.public_url;
  scratch.channels = base.channels;  // a web chat's offline_email may name one of them; ours is added after
  const size_t before = scratch.channels.size();
  MapReader top(root, "", diag, no_env());
  read_channels(top, scratch, registry);
  if (diag.empty() && scratch.channels.size() == before + 1) {
    ChannelConfig mine = std::move(scratch.channels.back());
    mine.from_api = true;
    return mine;
  }
  std::vector<FieldProblem> problems;
  for (const auto& d : diag.items()) {
    if (d.message.find("is not an e-mail channel of this configuration") != std::string::npos) {
      problems.push_back({"offline_email", "not an e-mail channel"});
    } else {
      problems.push_back(problem_of(d.message));
    }
  }
  if (problems.empty()) problems.push_back({"", "not a channel"});
  return unexpected(std::move(problems));
}

std::vector<std::string> secret_keys(const ChannelKind& kind) {
  std::vector<std::string> out;
  for (const auto& f : kind.fields) {
    if (f.type == FieldType::secret) out.push_back(f.name);
  }
  return out;
}

json::value* value_at(json::object& keys, const std::string& dotted) {
  json::object* at = &keys;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    if (dot == std::string::npos) return &it->value();
    if (!it->value().is_object()) return nullptr;
    at = &it->value().as_object();
    start = dot + 1;
  }
}

void put_at(json::object& keys, const std::string& dotted, json::value value) {
  json::object* at = &keys;
  size_t start = 0;
  for (size_t dot = dotted.find('.'); dot != std::string::npos; dot = dotted.find('.', start)) {
    json::value& next = (*at)[dotted.substr(start, dot - start)];
    if (!next.is_object()) next = json::object{};
    at = &next.as_object();
    start = dot + 1;
  }
  (*at)[dotted.substr(start)] = std::move(value);
}

const json::value* value_at(const json::object& keys, const std::string& dotted) {
  return value_at(const_cast<json::object&>(keys), dotted);
}

std::optional<json::object> secrets_sealed(json::object keys, const ChannelKind& kind, const SecretBox& box, bool seal) {
  for (const auto& name : secret_keys(kind)) {
    json::value* v = value_at(keys, name);
    if (!v || !v->is_string()) continue;
    if (seal) {
      *v = box.seal(v->as_string());
    } else {
      auto plain = box.open(v->as_string());
      if (!plain) return std::nullopt;
      *v = *plain;
    }
  }
  return keys;
}

std::optional<ApiChannelDocument> parse_api_channel(const std::string& document) {
  boost::system::error_code ec;
  json::value v = json::parse(document, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  ApiChannelDocument d;
  if (auto* k = o.if_contains("kind"); k && k->is_string()) d.kind = k->as_string();
  if (auto* q = o.if_contains("queue"); q && q->is_string()) d.queue = q->as_string();
  if (auto* e = o.if_contains("enabled"); e && e->is_bool()) d.enabled = e->as_bool();
  if (auto* s = o.if_contains("settings"); s && s->is_object()) d.settings = s->as_object();
  if (d.kind.empty()) return std::nullopt;
  return d;
}

std::string serialize(const ApiChannelDocument& d) {
  return json::serialize(json::object{{"kind", d.kind}, {"queue", d.queue}, {"enabled", d.enabled}, {"settings", d.settings}});
}

namespace {
/// A kept document's settings with its secrets opened by `base`'s key; else why they cannot be.
Expected<json::object, std::string> opened_settings(const ApiChannelDocument& doc, const ChannelKind& kind, const Config& base) {
  const std::vector<std::string> secrets = secret_keys(kind);
  const bool any = std::any_of(secrets.begin(), secrets.end(), [&](const std::string& k) { return value_at(doc.settings, k) != nullptr; });
  if (!any) return doc.settings;
  if (!base.server.secrets) return unexpected(std::string("its secrets are sealed but server.secrets_key_file is not set"));
  auto opened = secrets_sealed(doc.settings, kind, *base.server.secrets, false);
  if (!opened) return unexpected(std::string("its secrets do not open with server.secrets_key_file's key (was the key changed?)"));
  return std::move(*opened);
}
}  // namespace

Config with_api_channels(Config file, const std::map<std::string, std::string>& documents, const std::string& version,
                         const ChannelRegistry& registry, std::vector<std::string>* skipped) {
  file.api_channels_version = version;
  const Config base = file;
  for (const auto& entry : documents) {
    const std::string& id = entry.first;
    const std::string& text = entry.second;
    auto say = [&](const std::string& why) {
      if (skipped) skipped->push_back(std::string(id).append(": ").append(why));
    };
    auto doc = parse_api_channel(text);
    const ChannelKind* kind = doc ? registry.find(doc->kind) : nullptr;
    if (!doc || !kind) {
      say("its stored document is not a channel this build knows");
      continue;
    }
    if (!doc->enabled) continue;
    if (std::any_of(base.channels.begin(), base.channels.end(), [&](const ChannelConfig& c) { return c.settings.id == id; })) {
      say("the configuration file defines a channel with this id");
      continue;
    }
    auto opened = opened_settings(*doc, *kind, base);
    if (!opened) {
      say(opened.error());
      continue;
    }
    json::object keys = std::move(*opened);
    keys["kind"] = doc->kind;
    auto channel = read_api_channel(id, keys, base, registry);
    if (!channel) {
      const auto& p = channel.error().front();
      say((p.field.empty() ? "" : p.field + ": ") + p.message);
      continue;
    }
    std::string queue = doc->queue;
    if (queue.empty()) {
      if (!file.default_queue(id)) {
        say("no queue lists it and it names none");
        continue;
      }
    } else {
      auto q = std::find_if(file.queues.begin(), file.queues.end(), [&](const QueueConfig& x) { return x.id == queue; });
      if (q == file.queues.end()) {
        say("its queue '" + queue + "' is not in the configuration");
        continue;
      }
      if (std::find(q->channels.begin(), q->channels.end(), id) == q->channels.end()) q->channels.push_back(id);
    }
    file.channels.push_back(std::move(*channel));
  }
  return file;
}

}  // namespace omniroute::config
