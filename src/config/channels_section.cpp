// The `channels:` section: each entry is checked against the schema its
// kind declares (the registry), so a channel never sees an unknown key or a
// missing secret.

#include <algorithm>
#include <set>

#include "config/sections.hpp"

namespace omniroute::config {

KeyType csat_window_type() { return duration_between(Millis(1), Millis(30LL * 24 * 3600 * 1000)); }

namespace {

/// Checks one value against its field's type; returns the message of what is wrong, or "".
std::string check_field(const FieldSpec& f, const std::string& v) {
  switch (f.type) {
    case FieldType::text:
      return "";
    case FieldType::secret:
      return v.empty() ? "must not be empty" : "";
    case FieldType::url: {
      auto u = parse_http_url(v);
      return u ? "" : u.error();
    }
    case FieldType::phone: {
      bool ok = v.size() >= 4 && v.size() <= 16 && v[0] == '+';
      for (size_t i = 1; ok && i < v.size(); ++i) ok = v[i] >= '0' && v[i] <= '9';
      return ok ? "" : "expected a phone number in E.164 form such as +15005550006, got '" + v + "'";
    }
    case FieldType::duration: {
      auto d = parse_duration(v);
      return d ? "" : d.error();
    }
    case FieldType::rate: {
      auto r = parse_rate(v);
      return r ? "" : r.error();
    }
    case FieldType::list:
      return "";  // each item is checked by the field's own check
    case FieldType::choice: {
      for (const auto& c : f.choices) {
        if (c == v) return "";
      }
      std::string list;
      for (const auto& c : f.choices) list += (list.empty() ? "" : ", ") + c;
      return "'" + v + "' is not one of " + list;
    }
  }
  return "";
}

/// Reads the fields of `specs` under `prefix` ("" or "imap.") from `r` into `out`.
void read_fields(MapReader& r, const std::vector<FieldSpec>& specs, const std::string& prefix,
                 ChannelSettings& out) {
  std::set<std::string> nested;
  for (const auto& f : specs) {
    if (!f.name.starts_with(prefix)) continue;
    std::string rest = f.name.substr(prefix.size());
    if (auto dot = rest.find('.'); dot != std::string::npos) {
      nested.insert(rest.substr(0, dot));
      continue;
    }
    if (f.type == FieldType::list) {
      auto items = r.text_list(rest);
      if (!items) {
        if (f.required) r.error(rest, "'" + rest + "' is required (a list)");
        continue;
      }
      std::string joined;
      for (const auto& item : *items) {
        std::string problem = item.empty() || item.find(kListSeparator) != std::string::npos ? "an item is empty or spans lines" : "";
        if (problem.empty() && f.check) problem = f.check(item);
        if (!problem.empty()) r.error(rest, problem);
        joined += (joined.empty() ? "" : std::string(1, kListSeparator)) + item;
      }
      if (items->empty() && f.required) r.error(rest, "'" + rest + "' needs at least one item");
      out.values[f.name] = joined;
      continue;
    }
    auto v = r.text(rest, f.required && f.default_value.empty());
    if (!v) {
      if (!f.default_value.empty()) out.values[f.name] = f.default_value;
      continue;
    }
    std::string problem = check_field(f, *v);
    if (problem.empty() && f.check) problem = f.check(*v);
    if (!problem.empty()) r.error(rest, problem);
    out.values[f.name] = *v;
  }
  for (const auto& n : nested) {
    YAML::Node node = r.child(n);
    if (!node.IsDefined()) continue;  // a block left out: its keys are required only when it is given
    MapReader child(node, r.qualified(n), r.diagnostics(), r.env(), r.where(n));
    if (!child.valid()) continue;
    read_fields(child, specs, prefix + n + ".", out);
    child.finish();
  }
}

/// Texts by language code (`en: "…"`, ISO 639-1 or -2), each 1 to 1000 bytes, from the mapping `node`.
void read_templates(MapReader& r, const YAML::Node& node, std::map<std::string, std::string>& out) {
  for (const auto& entry : node) {
    std::string language = entry.first.as<std::string>("");
    bool code = language.size() >= 2 && language.size() <= 3 &&
                std::all_of(language.begin(), language.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
    auto text = r.text(language);
    if (!code) r.error(language, "'" + language + "' is not a language code such as en, hi or te");
    else if (text && (text->empty() || text->size() > 1000)) r.error(language, "a template is 1 to 1000 bytes");
    else if (text) out[language] = *text;
  }
}

/// `auto_ack:` — templates by language code (`en: "…{eta}…"`), at least one.
void read_auto_ack(MapReader& r, ChannelConfig& c) {
  YAML::Node node = r.child("auto_ack");
  if (!node.IsDefined() || node.IsNull()) return;
  MapReader a(node, r.qualified("auto_ack"), r.diagnostics(), r.env(), r.where("auto_ack"));
  if (!a.valid()) return;
  read_templates(a, node, c.auto_ack);
  a.finish();
}

/// `csat:` — `window` (default 24h) and `templates` by language code, at least one. A kind that rates in its
/// own panel (web chat) takes `csat: true` (or a `window` alone): there is no survey text to send.
void read_csat(MapReader& r, ChannelConfig& c, bool in_panel) {
  YAML::Node node = r.child("csat");
  if (!node.IsDefined() || node.IsNull()) return;
  if (in_panel && node.IsScalar()) {
    auto on = r.text("csat");
    if (on == "true") c.csat = ChannelConfig::Csat{};
    else if (on != "false") r.error("csat", "expected true, false or a mapping (window)");
    return;
  }
  MapReader s(node, r.qualified("csat"), r.diagnostics(), r.env(), r.where("csat"));
  if (!s.valid()) return;
  ChannelConfig::Csat csat;
  if (auto window = read_duration(s, "window", csat_window_type())) csat.window = *window;
  YAML::Node templates = s.child("templates");
  if (in_panel && !templates.IsDefined()) {
    s.finish();
    c.csat = std::move(csat);
    return;
  }
  if (!templates.IsDefined() || !templates.IsMap() || templates.size() == 0) {
    s.error("templates", "a survey needs templates by language (en: \"How did we do? Reply 1 to 5\")");
  } else {
    MapReader t(templates, s.qualified("templates"), s.diagnostics(), s.env(), s.where("templates"));
    read_templates(t, templates, csat.templates);
    t.finish();
  }
  s.finish();
  if (!csat.templates.empty()) c.csat = std::move(csat);
}

}  // namespace

void read_channels(MapReader& top, Config& cfg, const ChannelRegistry& registry) {
  std::set<std::string> seen;
  for_each_item(top, "channels", [&](MapReader& r) {
    ChannelConfig c;
    c.line = r.position().line;
    c.column = r.position().column;
    if (auto id = r.text("id", true)) {
      if (!is_identifier(*id)) r.error("id", "'" + *id + "' must be 1-64 letters, digits, '_' or '-'");
      else if (!seen.insert(*id).second) r.error("id", "channel id '" + *id + "' is used twice");
      c.settings.id = *id;
    }
    auto kind_name = r.text("kind", true);
    if (!kind_name) return;
    const ChannelKind* kind = registry.find(*kind_name);
    if (!kind) {
      std::string msg = "unknown channel kind '" + *kind_name + "'";
      if (auto near = nearest(*kind_name, registry.names()); !near.empty()) {
        msg += " (did you mean '" + near + "'?)";
      }
      r.error("kind", msg);
      // Without a schema its other keys cannot be checked; one error is enough.
      r.accept_rest();
      return;
    }
    c.settings.kind = kind->name;
    c.medium = kind->medium;
    read_fields(r, kind->fields, "", c.settings);
    if (kind->needs_public_url && cfg.server.public_url.empty()) {
      r.error("kind", "channels of kind '" + kind->name +
                          "' need server.public_url: the provider signs the URL it calls");
    }
    if (kind->check) {
      if (std::string problem = kind->check(c.settings); !problem.empty()) r.error("kind", problem);
    }
    read_auto_ack(r, c);
    read_csat(r, c, kind->rates_in_panel);
    cfg.channels.push_back(std::move(c));
  });
  // A web chat's offline_email names the e-mail channel that sends its replies to visitors who left.
  for (const auto& c : cfg.channels) {
    if (c.settings.kind != "webchat") continue;
    auto via = c.settings.values.find("offline_email");
    if (via == c.settings.values.end() || via->second.empty()) continue;
    auto mail = std::find_if(cfg.channels.begin(), cfg.channels.end(),
                             [&](const ChannelConfig& o) { return o.settings.id == via->second; });
    if (mail == cfg.channels.end() || mail->settings.kind != "email") {
      top.diagnostics().add(c.line, c.column, "channels: '" + c.settings.id + "': offline_email '" + via->second +
                                                  "' is not an e-mail channel of this configuration");
    }
  }
}

}  // namespace omniroute::config
