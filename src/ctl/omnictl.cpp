// omnictl: the admin's command line. Talks to a running omnirouted over HTTP.
//
//   omnictl [--url URL] [--json] status
//   omnictl [--url URL] [--json] queues
//   omnictl [--url URL] [--json] agents
//   omnictl [--url URL] [--json] conversations [--state queued|assigned|resolved] [--queue Q] [--limit N]
//   omnictl [--url URL] [--json] sla [--limit N]
//   omnictl [--url URL] metrics
//   omnictl [--url URL] [--json] admins
//   omnictl [--url URL] [--json] channels list|check [<id>]|register <id>|reseal
//   omnictl secrets-key
//
// The admin token comes from OMNIROUTE_ADMIN_TOKEN; the URL from --url or OMNIROUTE_URL.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>

#include "config/secret_box.hpp"
#include "omniroute/url_query.hpp"
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace {

constexpr const char* kUsage =
    "usage: omnictl [--url URL] [--json] status|queues|agents|metrics\n"
    "       omnictl [--url URL] [--json] sla [--limit N]   (conversations at risk and breached, oldest first)\n"
    "       omnictl [--url URL] [--json] conversations [--state queued|assigned|resolved] [--queue Q] [--limit N]\n"
    "       omnictl [--url URL] [--json] audit [--actor ID] [--action TYPE.VERB] [--from TIME] [--to TIME] [--limit N]\n"
    "           (who changed what on the admin side, newest first; TIME is RFC 3339, e.g. 2026-12-01T00:00:00+05:30)\n"
    "       omnictl [--url URL] [--json] admins        (admins and supervisors, the file's and the API's)\n"
    "       omnictl [--url URL] [--json] channels list (each channel's source, state, last message and last error)\n"
    "       omnictl [--url URL] [--json] channels check [ID]   (each step against the provider; exit 1 if one fails)\n"
    "       omnictl [--url URL] [--json] channels register ID  (point the provider's webhook here)\n"
    "       omnictl [--url URL] channels reseal        (seal every API channel's secrets with the current key)\n"
    "       omnictl secrets-key                        (a new key for server.secrets_key_file, on stdout)\n"
    "The admin token is read from OMNIROUTE_ADMIN_TOKEN.\n";

struct Target {
  std::string host = "127.0.0.1";
  std::string port = "8080";
};

Target parse_url(const std::string& url) {
  Target t;
  std::string rest = url.starts_with("http://") ? url.substr(7) : url;
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  t.host = rest.substr(0, colon);
  if (colon != std::string::npos) t.port = rest.substr(colon + 1);
  return t;
}

/// `method` `path` (with a JSON `body`); returns {status, body}. Throws on connection failure.
std::pair<unsigned, std::string> call(const Target& t, http::verb method, const std::string& path, const std::string& body = "",
                                      int timeout_s = 10) {
  asio::io_context ctx;
  asio::ip::tcp::resolver resolver(ctx);
  beast::tcp_stream stream(ctx);
  stream.expires_after(std::chrono::seconds(timeout_s));
  stream.connect(resolver.resolve(t.host, t.port));
  http::request<http::string_body> req{method, path, 11};
  req.set(http::field::host, t.host);
  if (const char* token = std::getenv("OMNIROUTE_ADMIN_TOKEN")) req.set(http::field::authorization, std::string("Bearer ") + token);
  if (method != http::verb::get) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {res.result_int(), res.body()};
}

std::pair<unsigned, std::string> get(const Target& t, const std::string& path) { return call(t, http::verb::get, path); }

/// Prints rows as aligned columns under `header`.
void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i + 1 < cells.size()) std::cout << std::left << std::setw(static_cast<int>(width[i]) + 2);
      std::cout << cells[i];
    }
    std::cout << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  if (rows.empty()) std::cout << "(none)\n";
}

std::string str(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "-";
  return json::serialize(v);
}

std::string duration(long long seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
  return std::to_string(seconds / 3600) + "h" + std::to_string(seconds % 3600 / 60) + "m";
}

int show(const Target& t, const std::string& path, bool as_json, const std::string& what) {
  auto [status, body] = get(t, path);
  if (status != 200) {
    std::cerr << "omnictl: " << path << " answered " << status << ": " << body << "\n";
    if (status == 401) std::cerr << "omnictl: set OMNIROUTE_ADMIN_TOKEN to the daemon's server.admin_token\n";
    return 1;
  }
  if (as_json) {
    std::cout << body << "\n";
    return 0;
  }
  json::object o = json::parse(body).as_object();
  std::vector<std::vector<std::string>> rows;
  if (what == "queues") {
    for (const auto& q : o.at("queues").as_array()) {
      rows.push_back({str(q.at("id")), str(q.at("depth")), duration(q.at("oldest_wait_seconds").to_number<long long>()),
                      str(q.at("agents_available"))});
    }
    table({"QUEUE", "WAITING", "OLDEST WAIT", "AGENTS AVAILABLE"}, rows);
  } else if (what == "agents") {
    for (const auto& a : o.at("agents").as_array()) {
      std::string load;
      for (const char* m : {"sms", "chat", "email"}) {
        long long cap = a.at("capacity").at(m).to_number<long long>();
        if (cap > 0) load += (load.empty() ? "" : " ") + std::string(m) + " " + str(a.at("load").at(m)) + "/" + std::to_string(cap);
      }
      rows.push_back({str(a.at("id")), str(a.at("name")), str(a.at("status")), load.empty() ? "-" : load});
    }
    table({"AGENT", "NAME", "STATUS", "LOAD/CAPACITY"}, rows);
  } else if (what == "sla") {
    // Breached first (longest overdue first), then at risk (soonest to breach first).
    for (const auto& e : o.at("breached").as_array()) {
      rows.push_back({str(e.at("conversation_id")), "BREACHED", str(e.at("target")), str(e.at("queue")),
                      str(e.at("priority")), str(e.at("agent")), str(e.at("channel")),
                      "overdue " + duration(e.at("overdue_seconds").to_number<long long>())});
    }
    for (const auto& e : o.at("at_risk").as_array()) {
      rows.push_back({str(e.at("conversation_id")), "at risk", str(e.at("target")), str(e.at("queue")),
                      str(e.at("priority")), str(e.at("agent")), str(e.at("channel")),
                      "due in " + duration(e.at("breaches_in_seconds").to_number<long long>())});
    }
    if (rows.empty()) {
      std::cout << "No conversation is at risk or past its SLA.\n";
      return 0;
    }
    table({"CONVERSATION", "SLA", "TARGET", "QUEUE", "PRIORITY", "AGENT", "CHANNEL", "WHEN"}, rows);
  } else if (what == "admins") {
    for (const auto& a : o.at("admins").as_array()) {
      rows.push_back({str(a.at("id")), str(a.at("name")), str(a.at("role")), str(a.at("source"))});
    }
    table({"ADMIN", "NAME", "ROLE", "SOURCE"}, rows);
  } else if (what == "channels") {
    for (const auto& c : o.at("channels").as_array()) {
      const auto& error = c.at("last_error");
      rows.push_back({str(c.at("id")), str(c.at("kind")), str(c.at("source")),
                      c.at("enabled").as_bool() ? "yes" : "disabled", str(c.at("last_inbound_at")),
                      error.is_null() ? "-" : str(error.at("at")) + " " + str(error.at("message"))});
    }
    table({"CHANNEL", "KIND", "SOURCE", "ENABLED", "LAST INBOUND", "LAST ERROR"}, rows);
  } else if (what == "audit") {
    for (const auto& e : o.at("entries").as_array()) {
      // What changed: the keys of `after` whose value differs from `before`.
      std::string change;
      if (e.at("after").is_object()) {
        for (const auto& [k, v] : e.at("after").as_object()) {
          const json::value* was = e.at("before").is_object() ? e.at("before").as_object().if_contains(k) : nullptr;
          if (was && *was == v) continue;
          change += (change.empty() ? "" : ", ") + std::string(k) + "=" + (v.is_string() ? str(v) : json::serialize(v));
        }
      }
      rows.push_back({str(e.at("at")), str(e.at("actor")), str(e.at("action")),
                      str(e.at("target").at("type")) + " " + str(e.at("target").at("id")), change.empty() ? "-" : change});
    }
    if (rows.empty()) {
      std::cout << "Nothing in the audit log for this.\n";
      return 0;
    }
    table({"WHEN", "WHO", "ACTION", "TARGET", "CHANGED"}, rows);
  } else {
    for (const auto& c : o.at("conversations").as_array()) {
      const auto& handles = c.at("contact").at("handles").as_array();
      rows.push_back({str(c.at("id")), str(c.at("state")), str(c.at("queue")), str(c.at("priority")), str(c.at("agent")),
                      str(c.at("channel")), handles.empty() ? "-" : str(handles[0]), str(c.at("created_at"))});
    }
    table({"ID", "STATE", "QUEUE", "PRIORITY", "AGENT", "CHANNEL", "CUSTOMER", "CREATED"}, rows);
  }
  return 0;
}

/// What the command line asked for.
struct Options {
  std::string command, state, queue, limit, actor, action, from, to;
  std::vector<std::string> args;  // after the command: "check", "tg"
  bool as_json = false;
};

/// POSTs a check or registration of `id` and prints its steps; false when a step failed (or it was refused).
bool steps_of(const Target& t, const std::string& id, const std::string& what, bool as_json) {
  auto [status, body] = call(t, http::verb::post, "/v1/channels/" + id + "/" + what, "", 60);
  if (as_json) std::cout << body << "\n";
  if (status != 200) {
    if (!as_json) std::cerr << "omnictl: " << what << " of " << id << " answered " << status << ": " << body << "\n";
    return false;
  }
  json::value v = json::parse(body);
  if (!as_json) {
    std::cout << id << "\n";
    for (const auto& step : v.at("steps").as_array()) {
      std::cout << "  " << (step.at("ok").as_bool() ? "ok    " : "FAILED") << "  " << str(step.at("name")) << ": "
                << str(step.at("detail")) << "\n";
    }
  }
  return v.at("ok").as_bool();
}

int reseal(const Target& t, const json::value& list);

/// `omnictl channels list|check [id]|register id|reseal`.
int channels_command(const Target& t, const Options& o) {
  const std::string sub = o.args.empty() ? "list" : o.args[0];
  const std::string id = o.args.size() > 1 ? o.args[1] : "";
  if (sub == "list") return show(t, "/v1/channels", o.as_json, "channels");
  if (sub == "register" && !id.empty()) return steps_of(t, id, "register", o.as_json) ? 0 : 1;
  auto [status, body] = get(t, "/v1/channels");
  if (status != 200) {
    std::cerr << "omnictl: /v1/channels answered " << status << ": " << body << "\n";
    return 1;
  }
  const json::value list = json::parse(body);
  if (sub == "check") {
    bool all = true;
    for (const auto& c : list.at("channels").as_array()) {
      if ((!id.empty() && c.at("id") != id.c_str()) || !c.at("enabled").as_bool()) continue;
      all = steps_of(t, str(c.at("id")), "check", o.as_json) && all;
    }
    return all ? 0 : 1;
  }
  if (sub == "reseal") return reseal(t, list);
  std::cerr << kUsage;
  return 64;
}

/// Each channel added through the API PUT back as it is: its secrets (left out) are opened with either key and
/// sealed with the current one.
int reseal(const Target& t, const json::value& list) {
  {
    int done = 0, failed = 0;
    for (const auto& c : list.at("channels").as_array()) {
      if (c.at("source") != "api") continue;
      const std::string cid = str(c.at("id"));
      auto [gs, gb] = get(t, "/v1/channels/" + cid);
      if (gs != 200) {
        std::cerr << "omnictl: " << cid << ": " << gb << "\n";
        ++failed;
        continue;
      }
      json::object kept = json::parse(gb).as_object();
      json::object put = kept.at("settings").as_object();
      // "set" marks a kept secret: left out, it is carried over.
      std::vector<std::string> secret;
      for (const auto& [k, v] : put) {
        if (v == "set") secret.emplace_back(k);
      }
      for (const auto& k : secret) put.erase(k);
      put["kind"] = kept.at("kind");
      if (kept.at("queue").is_string()) put["queue"] = kept.at("queue");
      put["enabled"] = kept.at("enabled");
      auto [ps, pb] = call(t, http::verb::put, "/v1/channels/" + cid, json::serialize(put));
      if (ps == 200) ++done;
      else ++failed, std::cerr << "omnictl: " << cid << ": " << pb << "\n";
    }
    std::cout << done << " channel(s) resealed" << (failed ? ", " + std::to_string(failed) + " failed" : "") << "\n";
    return failed ? 1 : 0;
  }
}

/// Runs one command against the daemon; 64 for a command nobody knows.
int run_command(const Target& target, const Options& o) {
  if (o.command == "status") {
    auto [hs, hb] = get(target, "/healthz");
    auto [rs, rb] = get(target, "/readyz");
    if (o.as_json) {
      std::cout << json::serialize(json::object{{"running", hs == 200}, {"ready", rs == 200}}) << "\n";
    } else {
      std::cout << "daemon  " << (hs == 200 ? "running" : "unhealthy") << "\n"
                << "ready   " << (rs == 200 ? "yes (Redis reachable)" : "NO: " + rb) << "\n";
    }
    return rs == 200 ? 0 : 1;
  }
  if (o.command == "metrics") {
    auto [s, body] = get(target, "/metrics");
    std::cout << body;
    return s == 200 ? 0 : 1;
  }
  if (o.command == "queues" || o.command == "agents" || o.command == "admins") {
    return show(target, "/v1/" + o.command, o.as_json, o.command);
  }
  if (o.command == "channels") return channels_command(target, o);
  if (o.command == "sla") {
    return show(target, "/v1/sla" + (o.limit.empty() ? "" : "?limit=" + o.limit), o.as_json, o.command);
  }
  if (o.command == "conversations") {
    std::string path = "/v1/conversations?state=" + (o.state.empty() ? std::string("queued") : o.state);
    if (!o.queue.empty()) path += "&queue=" + o.queue;
    if (!o.limit.empty()) path += "&limit=" + o.limit;
    return show(target, path, o.as_json, o.command);
  }
  if (o.command == "audit") {
    omniroute::FormFields query;
    for (const auto& [name, value] : {std::pair{"actor", &o.actor}, std::pair{"action", &o.action},
                                      std::pair{"from", &o.from}, std::pair{"to", &o.to}, std::pair{"limit", &o.limit}}) {
      if (!value->empty()) query.emplace_back(name, *value);
    }
    return show(target, "/v1/audit" + (query.empty() ? "" : "?" + omniroute::form_encode(query)), o.as_json, o.command);
  }
  std::cerr << kUsage;
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = std::getenv("OMNIROUTE_URL") ? std::getenv("OMNIROUTE_URL") : "http://127.0.0.1:8080";
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--url") url = value();
    else if (arg == "--json") o.as_json = true;
    else if (arg == "--state") o.state = value();
    else if (arg == "--queue") o.queue = value();
    else if (arg == "--limit") o.limit = value();
    else if (arg == "--actor") o.actor = value();
    else if (arg == "--action") o.action = value();
    else if (arg == "--from") o.from = value();
    else if (arg == "--to") o.to = value();
    else if (arg == "--version") return std::cout << "omnictl " << OMNIROUTE_VERSION << "\n", 0;
    else if (arg == "--help" || arg == "-h") return std::cout << kUsage, 0;
    else if (o.command.empty() && !arg.starts_with("-")) o.command = arg;
    else if (!arg.starts_with("-")) o.args.push_back(arg);
    else return std::cerr << "omnictl: unknown argument '" << arg << "'\n" << kUsage, 64;
  }
  if (o.command == "secrets-key") return std::cout << omniroute::config::SecretBox::new_key_text(), 0;
  try {
    return run_command(parse_url(url), o);
  } catch (const std::exception& e) {
    std::cerr << "omnictl: cannot reach omnirouted at " << url << ": " << e.what() << "\n";
    return 1;
  }
}
