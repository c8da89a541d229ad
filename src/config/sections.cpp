#include "config/sections.hpp"

#include <date/date.h>

#include <cstdio>
#include <set>

#include "calendar/calendar.hpp"
#include "config/reference.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <set>

namespace omniroute::config {

namespace {

template <typename T>
std::optional<T> choice(MapReader& r, std::string_view key, const std::map<std::string, T>& options) {
  auto t = r.text(key);
  if (!t) return std::nullopt;
  auto it = options.find(*t);
  if (it != options.end()) return it->second;
  std::vector<std::string> names;
  std::string list;
  for (const auto& [k, v] : options) {
    names.push_back(k);
    list += (list.empty() ? "" : ", ") + k;
  }
  std::string msg = "'" + *t + "' is not one of " + list;
  if (auto near = nearest(*t, names); !near.empty()) msg += " (did you mean '" + near + "'?)";
  r.error(key, msg);
  return std::nullopt;
}

std::optional<std::string> identifier(MapReader& r, std::string_view key) {
  auto id = r.text(key, true);
  if (id && !is_identifier(*id)) {
    r.error(key, "'" + *id + "' must be 1-64 letters, digits, '_' or '-'");
    return std::nullopt;
  }
  return id;
}

// Keys read by their parent's reader (a nested mapping): declared once here, for the reader and the reference.
const KeyType kSlaTarget = duration_at_least(Millis(1000));
const KeyType kWarnAt = number(0.01, 0.99);
const KeyType kOldestWait = duration_at_least(Millis(1000));
const KeyType kDepth = integer(1, 10'000'000);
const KeyType kClearAt = number(0.1, 0.99);
const KeyType kCapacity = integer(0, 1000);
const KeyType kAgentToken = secret(16);

const std::map<std::string, Priority> kPriorities = {
    {"low", Priority::low}, {"normal", Priority::normal}, {"high", Priority::high}, {"urgent", Priority::urgent}};

/// The targets in `s` over `base` (what `s` leaves out stays as in `base`).
SlaTargets read_targets(MapReader& s, SlaTargets base) {
  auto target = [&](std::string_view key, Seconds& into) {
    if (auto d = read_duration(s, key, kSlaTarget)) into = std::chrono::duration_cast<Seconds>(*d);
  };
  target("first_response", base.first_response);
  target("next_response", base.next_response);
  target("resolution", base.resolution);
  if (auto w = read_number(s, "warn_at", kWarnAt)) base.warn_at = *w;
  return base;
}

bool promises_anything(const SlaTargets& t) {
  return t.first_response.count() || t.next_response.count() || t.resolution.count();
}

/// A queue's `sla`: targets, per-priority targets over them, and a calendar.
SlaPolicy read_sla(MapReader& s, const Config& cfg) {
  SlaPolicy p;
  p.targets = read_targets(s, {});
  if (auto c = s.text("calendar")) {
    bool known = std::any_of(cfg.calendars.begin(), cfg.calendars.end(),
                             [&](const CalendarConfig& k) { return k.id == *c; });
    if (!known) s.error("calendar", "calendar '" + *c + "' is not defined in calendars");
    p.calendar = *c;
  }
  YAML::Node by = s.child("priorities");
  if (by.IsDefined() && !by.IsNull()) {
    MapReader pr(by, s.qualified("priorities"), s.diagnostics(), s.env(), s.where("priorities"));
    if (pr.valid()) {
      for (const auto& [name, priority] : kPriorities) {
        YAML::Node one = pr.child(name);
        if (!one.IsDefined() || one.IsNull()) continue;
        MapReader t(one, pr.qualified(name), pr.diagnostics(), pr.env(), pr.where(name));
        if (!t.valid()) continue;
        p.priorities[priority] = read_targets(t, p.targets);
        t.finish();
      }
      pr.finish();
    }
  }
  bool any = promises_anything(p.targets);
  for (const auto& [priority, t] : p.priorities) any = any || promises_anything(t);
  for (const char* key : {"first_response", "next_response", "resolution"}) any = any || s.child(key).IsDefined();
  if (!any) s.error("first_response", "an sla needs at least one of first_response, next_response or resolution");
  s.finish();
  return p;
}

/// Reports `id` at `key` of `r` when it is not among `known`.
void check_ref(MapReader& r, std::string_view key, const std::string& id,
               const std::vector<std::string>& known, std::string_view what) {
  if (std::find(known.begin(), known.end(), id) != known.end()) return;
  std::string msg = std::string(what) + " '" + id + "' is not defined";
  if (auto near = nearest(id, known); !near.empty()) msg += " (did you mean '" + near + "'?)";
  r.error(key, msg);
}

std::vector<std::string> channel_ids(const Config& cfg) {
  std::vector<std::string> out;
  for (const auto& c : cfg.channels) out.push_back(c.settings.id);
  return out;
}

std::vector<std::string> queue_ids(const Config& cfg) {
  std::vector<std::string> out;
  for (const auto& q : cfg.queues) out.push_back(q.id);
  return out;
}

/// Reports `id` when an item read before the one being read (the list's last) already has it.
template <typename Items>
void check_unique(MapReader& r, const Items& items, const std::string& id, std::string_view what) {
  for (size_t i = 0; i + 1 < items.size(); ++i) {
    if (items[i].id == id) r.error("id", std::string(what) + " id '" + id + "' is used twice");
  }
}

}  // namespace

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// server, redis and outbound: each key's reading, checks and documentation are declared together
// in reference.cpp.
void read_server(MapReader& top, Config& cfg) { read_declared_section(top, cfg, "server"); }

void read_redis(MapReader& top, Config& cfg) { read_declared_section(top, cfg, "redis"); }

void read_outbound(MapReader& top, Config& cfg) { read_declared_section(top, cfg, "outbound"); }

void read_history(MapReader& top, Config& cfg) {
  if (!top.child("history").IsDefined()) return;
  read_declared_section(top, cfg, "history");
}

/// A queue's `alert_when` (queue-level alerts: oldest wait, depth, the level they clear at), when given.
void read_alert_when(MapReader& r, QueueAlertThresholds& out) {
  YAML::Node alert_when = r.child("alert_when");
  if (!alert_when.IsDefined() || alert_when.IsNull()) return;
  MapReader a(alert_when, r.qualified("alert_when"), r.diagnostics(), r.env(), r.where("alert_when"));
  if (!a.valid()) return;
  if (auto d = read_duration(a, "oldest_wait", kOldestWait)) out.oldest_wait = std::chrono::duration_cast<Seconds>(*d);
  if (auto n = read_integer(a, "depth", kDepth)) out.depth = *n;
  if (auto c = read_number(a, "clear_at", kClearAt)) out.clear_at = *c;
  if (out.oldest_wait.count() == 0 && out.depth == 0) a.error("oldest_wait", "alert_when needs oldest_wait, depth or both");
  a.finish();
}

void read_queues(MapReader& top, Config& cfg) { read_declared_list(top, cfg, "queues[]"); }

namespace {

/// queues[].overflow_queue may name a queue defined further down: checked once all are read, at the
/// place each is written.
void check_overflow_queues(MapReader& top, Config& cfg) {
  YAML::Node list = top.child("queues");
  if (!list.IsDefined() || !list.IsSequence()) return;
  const auto queues = queue_ids(cfg);
  // The items as the list reader saw them (a valid mapping each made one queue, in order): the value
  // read then, the place to report from the file.
  size_t read = 0;
  for (size_t i = 0; i < list.size() && read < cfg.queues.size(); ++i) {
    const YAML::Node item = list[i];
    if (item.IsDefined() && !item.IsNull() && !item.IsMap()) continue;  // reported by the list reader, made no queue
    MapReader r(item, top.qualified("queues") + "[" + std::to_string(i) + "]", top.diagnostics(), top.env(),
                top.where("queues"));
    const std::string& target = cfg.queues[read++].overflow_queue;
    if (target.empty() || std::find(queues.begin(), queues.end(), target) != queues.end()) continue;
    std::string msg = r.qualified("overflow_queue") + ": queue '" + target + "' is not defined";
    if (auto near = nearest(target, queues); !near.empty()) msg += " (did you mean '" + near + "'?)";
    Position at = r.where("overflow_queue");
    top.diagnostics().add(at.line, at.column, msg);
  }
}

}  // namespace

SectionDoc queues_section() {
  auto queue = [](Config& c) -> QueueConfig& { return c.queues.back(); };
  return {"queues[]", "Where conversations wait, and what is promised about them.",
          {{"queues[].id", identifier(), "", "the queue",
            [queue](MapReader& r, Config& c) {
              auto id = identifier(r, "id");
              if (!id) return;
              check_unique(r, c.queues, *id, "queue");
              queue(c).id = *id;
            }},
           {"queues[].channels", list_of("channel ids"), "", "channels whose conversations come here unless a rule says otherwise",
            [queue](MapReader& r, Config& c) {
              if (auto list = r.text_list("channels")) {
                const auto channels = channel_ids(c);
                for (const auto& ch : *list) check_ref(r, "channels", ch, channels, "channel");
                queue(c).channels = *list;
              }
            }},
           {"queues[].strategy", choice({"least_busy", "round_robin", "longest_idle"}), "least_busy", "which agent with room gets the next conversation",
            [queue](MapReader& r, Config& c) {
              queue(c).strategy = choice<Strategy>(r, "strategy", {{"least_busy", Strategy::least_busy},
                                                                   {"round_robin", Strategy::round_robin},
                                                                   {"longest_idle", Strategy::longest_idle}})
                                      .value_or(Strategy::least_busy);
            }},
           {"queues[].skills", list_of(), "", "skills every agent of the queue needs",
            [queue](MapReader& r, Config& c) { queue(c).skills = r.text_list("skills").value_or(std::vector<std::string>{}); }},
           typed("queues[].offer_timeout", duration_between(Millis(1000), Millis(3'600'000)), "",
                 "offer conversations (the agent accepts within this) instead of assigning them",
                 [queue](Config& c) -> auto& { return queue(c).offer_timeout; }),
           {"queues[].overflow_queue", described("queue id"), "", "after overflow_after, that queue's agents may take the conversation too",
            [queue](MapReader& r, Config& c) {
              if (auto o = r.text("overflow_queue")) queue(c).overflow_queue = *o;  // checked after all queues
            }},
           typed("queues[].overflow_after", duration(), "", "wait before overflowing",
                 [queue](Config& c) -> auto& { return queue(c).overflow_after; }),
           {"queues[].sla", mapping(), "", "response-time targets",
            [queue](MapReader& r, Config& c) {
              YAML::Node sla = r.child("sla");
              if (!sla.IsDefined() || sla.IsNull()) return;
              MapReader s(sla, r.qualified("sla"), r.diagnostics(), r.env(), r.where("sla"));
              if (s.valid()) queue(c).sla = read_sla(s, c);
            }},
           {"queues[].sla.first_response", kSlaTarget, "", "first message → first agent reply"},
           {"queues[].sla.next_response", kSlaTarget, "", "a customer message after a reply → the next reply"},
           {"queues[].sla.resolution", kSlaTarget, "", "first message → resolved"},
           {"queues[].sla.warn_at", kWarnAt, "0.8", "warn at this fraction of each target"},
           {"queues[].sla.calendar", described("calendar id"), "", "count business time only"},
           {"queues[].sla.priorities", mapping(), "", "targets per priority (urgent, high, normal, low)"},
           {"queues[].sla.priorities.<priority>", mapping(), "", "what it leaves out comes from the queue's targets"},
           {"queues[].sla.priorities.<priority>.first_response", kSlaTarget, "", ""},
           {"queues[].sla.priorities.<priority>.next_response", kSlaTarget, "", ""},
           {"queues[].sla.priorities.<priority>.resolution", kSlaTarget, "", ""},
           {"queues[].sla.priorities.<priority>.warn_at", kWarnAt, "", ""},
           {"queues[].alert_when", mapping(), "", "queue-level alerts",
            [queue](MapReader& r, Config& c) { read_alert_when(r, queue(c).alert_when); }},
           {"queues[].alert_when.oldest_wait", kOldestWait, "", "alert when the oldest conversation has waited this long"},
           {"queues[].alert_when.depth", kDepth, "", "alert when this many wait"},
           {"queues[].alert_when.clear_at", kClearAt, "0.8", "cleared (once) when back under this fraction of the threshold"}},
          {},
          [](Config& c) { c.queues.emplace_back(); },
          check_overflow_queues};
}

void read_agents(MapReader& top, Config& cfg) { read_declared_list(top, cfg, "agents[]"); }

SectionDoc agents_section() {
  auto agent = [](Config& c) -> AgentConfig& { return c.agents.back(); };
  return {"agents[]", "Agents defined in the file (the admin API can add more).",
          {{"agents[].id", identifier(), "", "the agent",
            [agent](MapReader& r, Config& c) {
              auto id = identifier(r, "id");
              if (!id) return;
              check_unique(r, c.agents, *id, "agent");
              agent(c).id = *id;
            }},
           {"agents[].name", text(), "the id", "shown to supervisors",
            [agent](MapReader& r, Config& c) { agent(c).name = r.text("name").value_or(agent(c).id); }},
           {"agents[].token", kAgentToken, "", "the agent's bearer token (${VAR} recommended)",
            [agent](MapReader& r, Config& c) {
              if (!r.text("token", true)) return;  // required: said where it is missing
              if (auto t = read_text(r, "token", kAgentToken)) agent(c).token = *t;
            }},
           {"agents[].skills", list_of(), "", "e.g. [billing, te]",
            [agent](MapReader& r, Config& c) {
              agent(c).skills = r.text_list("skills").value_or(std::vector<std::string>{});
            }},
           {"agents[].capacity", mapping(), "", "conversations at once, per medium",
            [agent](MapReader& r, Config& c) {
              YAML::Node cap = r.child("capacity");
              if (!cap.IsDefined() || cap.IsNull()) return;
              MapReader m(cap, r.qualified("capacity"), r.diagnostics(), r.env(), r.where("capacity"));
              for (auto [name, medium] : {std::pair{"sms", Medium::sms}, std::pair{"chat", Medium::chat},
                                          std::pair{"email", Medium::email}}) {
                if (auto n = read_integer(m, name, kCapacity)) agent(c).capacity[medium] = static_cast<int>(*n);
              }
              m.finish();
            }},
           {"agents[].supervisor", choice({"true", "false"}), "false",
            "a team lead: also signs in to the board with a supervisor's view (reads everything; may reassign, write "
            "notes and retry dead letters)",
            [agent](MapReader& r, Config& c) { agent(c).supervisor = r.text("supervisor").value_or("false") == "true"; }},
           {"agents[].capacity.sms", kCapacity, "0", ""},
           {"agents[].capacity.chat", kCapacity, "0", ""},
           {"agents[].capacity.email", kCapacity, "0", ""}},
          {},
          [](Config& c) { c.agents.emplace_back(); }};
}

void read_admins(MapReader& top, Config& cfg) { read_declared_list(top, cfg, "admins[]"); }

SectionDoc admins_section() {
  auto admin = [](Config& c) -> AdminConfig& { return c.admins.back(); };
  return {"admins[]", "Named admins and supervisors (server.admin_token stays, for automation: the admin `token`).",
          {{"admins[].id", identifier(), "", "the account (shown in the audit log)",
            [admin](MapReader& r, Config& c) {
              auto id = identifier(r, "id");
              if (!id) return;
              check_unique(r, c.admins, *id, "admin");
              if (*id == "token") r.error("id", "'token' is the name of server.admin_token; choose another id");
              admin(c).id = *id;
            }},
           {"admins[].name", text(), "the id", "shown on the board",
            [admin](MapReader& r, Config& c) { admin(c).name = r.text("name").value_or(admin(c).id); }},
           {"admins[].token", kAgentToken, "", "the bearer token (${VAR} recommended)",
            [admin](MapReader& r, Config& c) {
              if (!r.text("token", true)) return;
              if (auto t = read_text(r, "token", kAgentToken)) admin(c).token = *t;
            }},
           {"admins[].role", choice({"admin", "supervisor"}), "admin",
            "admin: everything; supervisor: reads everything, reassigns, writes notes, retries dead letters",
            [admin](MapReader& r, Config& c) {
              if (auto v = read_text(r, "role", choice({"admin", "supervisor"}))) admin(c).role = *v;
            }}},
          {},
          [](Config& c) { c.admins.emplace_back(); }};
}

void read_routing(MapReader& top, Config& cfg) { read_declared_section(top, cfg, "routing"); }

void read_routing_rules(MapReader& routing, Config& cfg) {
  const auto channels = channel_ids(cfg);
  const auto queues = queue_ids(cfg);
  for_each_item(routing, "rules", [&](MapReader& r) {
    RoutingRule rule;
    MapReader m(r.child("match"), r.qualified("match"), r.diagnostics(), r.env(), r.where("match"));
    if (m.valid()) {
      if (auto list = m.text_list("channel")) {
        for (const auto& ch : *list) check_ref(m, "channel", ch, channels, "channel");
        rule.match.channels = *list;
      }
      if (auto re = m.text("text_matches")) {
        RE2 compiled(*re, RE2::Quiet);
        if (!compiled.ok()) m.error("text_matches", "invalid regular expression: " + compiled.error());
        rule.match.text_matches = *re;
      }
      rule.match.language = m.text("language").value_or("");
      rule.match.tier = m.text("tier").value_or("");
      m.finish();
    }
    if (auto q = r.text("queue")) {  // none: the channel's default queue
      check_ref(r, "queue", *q, queues, "queue");
      rule.queue = *q;
    }
    rule.priority = choice(r, "priority", kPriorities);
    rule.skills = r.text_list("skills").value_or(std::vector<std::string>{});
    for (const auto& s : rule.skills) {
      if (!is_identifier(s)) r.error("skills", "skill '" + s + "' must be letters, digits, '_' or '-'");
    }
    if (r.valid() && rule.queue.empty() && !rule.priority && rule.skills.empty()) {
      r.error("match", "a rule must set at least one of queue, priority or skills");
    }
    cfg.rules.push_back(std::move(rule));
  });
}

void read_calendars(MapReader& top, Config& cfg) { read_declared_list(top, cfg, "calendars[]"); }

SectionDoc calendars_section() {
  auto calendar = [](Config& c) -> CalendarConfig& { return c.calendars.back(); };
  return {"calendars[]", "Business hours: SLA clocks run only while a queue's calendar is open.",
          {{"calendars[].id", identifier(), "", "named by queues[].sla.calendar",
            [calendar](MapReader& r, Config& c) {
              auto id = identifier(r, "id");
              if (!id) return;
              check_unique(r, c.calendars, *id, "calendar");
              calendar(c).id = *id;
            }},
           {"calendars[].timezone", described("IANA zone"), "", "e.g. Asia/Kolkata",
            [calendar](MapReader& r, Config& c) {
              if (auto tz = r.text("timezone", true)) {
                if (!sla::find_zone(*tz)) {
                  r.error("timezone", "unknown time zone '" + *tz + "' (use an IANA name such as Asia/Kolkata)");
                }
                calendar(c).timezone = *tz;
              }
            }},
           {"calendars[].hours", mapping(), "", "opening hours by weekday",
            [calendar](MapReader& r, Config& c) {
              MapReader hours(r.child("hours"), r.qualified("hours"), r.diagnostics(), r.env(), r.where("hours"));
              bool any = false;
              if (hours.valid()) {
                static const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
                for (int d = 0; d < 7; ++d) {
                  if (auto spec = hours.text(kDays[d])) {
                    if (!sla::parse_day_hours(*spec, calendar(c).week[d])) {
                      hours.error(kDays[d], "expected opening hours like \"09:00-18:00\" or \"09:00-13:00, 14:00-18:00\", or closed");
                    }
                    any = any || !calendar(c).week[d].empty();
                  }
                }
                hours.finish();
              }
              if (!any) r.error("hours", "a calendar needs opening hours on at least one day");
            }},
           {"calendars[].hours.<day>", described("\"09:00-18:00\" (or several, or \"closed\")"), "closed", "mon … sun"},
           {"calendars[].holidays", list_of("YYYY-MM-DD"), "", "closed all day",
            [calendar](MapReader& r, Config& c) {
              for (const auto& h : r.text_list("holidays").value_or(std::vector<std::string>{})) {
                int y = 0, m = 0, d = 0;
                char tail = 0;
                if (std::sscanf(h.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
                  r.error("holidays", "holiday '" + h + "' is not a date like 2026-12-25");
                  continue;
                }
                date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(m)),
                                         date::day(static_cast<unsigned>(d))};
                if (!ymd.ok()) {
                  r.error("holidays", "holiday '" + h + "' is not a real date");
                  continue;
                }
                calendar(c).holidays.insert(static_cast<int>(date::sys_days(ymd).time_since_epoch().count()));
              }
            }}},
          {},
          [](Config& c) { c.calendars.emplace_back(); }};
}

/// Where an alert sink delivers: an http(s) URL, or for e-mail an smtp(s) server and the addresses.
void read_alerts(MapReader& top, Config& cfg) { read_declared_list(top, cfg, "alerts[]"); }

namespace {

/// alerts[].url: an http(s) URL, or smtp(s)://host:port for an e-mail sink; not needed by the log.
void read_sink_url(MapReader& r, Config& c) {
  AlertSink& a = c.alerts.back();
  bool needs_url = a.kind != "log" && !a.kind.empty();
  auto u = r.text("url", needs_url);
  if (!u) return;
  if (a.kind == "email") {
    // smtp://host:port (STARTTLS when the server offers it) or smtps://host:port
    if (u->rfind("smtp://", 0) == 0 || u->rfind("smtps://", 0) == 0) a.url = *u;
    else r.error("url", "an email sink's url is smtp://host:port or smtps://host:port");
  } else if (auto ok = parse_http_url(*u)) {
    a.url = *ok;
  } else {
    r.error("url", ok.error());
  }
}

void read_sink_kinds(MapReader& r, Config& c) {
  auto list = r.text_list("kinds");
  if (!list) return;
  for (const auto& k : *list) {
    if (k != "warning" && k != "breached" && k != "queue") {
      r.error("kinds", "alert kinds are warning, breached and queue, not '" + k + "'");
    }
  }
  c.alerts.back().kinds = *list;
}

}  // namespace

SectionDoc alerts_section() {
  auto sink = [](Config& c) -> AlertSink& { return c.alerts.back(); };
  // An e-mail sink's addresses go into mail headers: exactly one address, nothing that ends a header.
  auto address = [sink](const char* key, std::string AlertSink::*into) -> SectionReader {
    return [sink, key, into](MapReader& r, Config& c) {
      if (sink(c).kind != "email") return;  // other kinds do not read it: an unknown key there
      auto v = r.text(key, true);
      if (!v) return;
      if (v->find_first_of("\r\n<>,") != std::string::npos || v->find('@') == std::string::npos) {
        r.error(key, "'" + *v + "' is not one e-mail address");
        return;
      }
      sink(c).*into = *v;
    };
  };
  auto login = [sink](const char* key, std::string AlertSink::*into) -> SectionReader {
    return [sink, key, into](MapReader& r, Config& c) {
      if (sink(c).kind == "email") sink(c).*into = r.text(key).value_or("");
    };
  };
  return {"alerts[]", "Where SLA and queue alerts go; each sink gets each alert once, retried until it takes it.",
          {{"alerts[].kind", choice({"webhook", "slack", "email", "log"}), "", "",
            [sink](MapReader& r, Config& c) {
              auto kind = choice<std::string>(
                  r, "kind", {{"webhook", "webhook"}, {"slack", "slack"}, {"email", "email"}, {"log", "log"}});
              if (!r.child("kind").IsDefined()) r.text("kind", true);
              sink(c).kind = kind.value_or("");
            }},
           {"alerts[].id", identifier(), "<kind>-<n>", "names its delivery group in Redis",
            [sink](MapReader& r, Config& c) {
              AlertSink& a = sink(c);
              a.id = r.text("id").value_or(a.kind + "-" + std::to_string(c.alerts.size()));
              if (!is_identifier(a.id)) r.error("id", "must be letters, digits, '_' or '-'");
              check_unique(r, c.alerts, a.id, "alert sink");
            }},
           {"alerts[].url", described("http(s) URL; email: smtp(s)://host:port"), "", "not for log", read_sink_url},
           {"alerts[].secret", secret(), "", "webhook: signs the body (X-Omniroute-Signature)",
            [sink](MapReader& r, Config& c) { sink(c).secret = r.text("secret").value_or(""); }},
           {"alerts[].from", described("one e-mail address"), "", "email", address("from", &AlertSink::from)},
           {"alerts[].to", described("one e-mail address"), "", "email", address("to", &AlertSink::to)},
           {"alerts[].username", text(), "", "email: SMTP login", login("username", &AlertSink::username)},
           {"alerts[].password", secret(), "", "email: SMTP login", login("password", &AlertSink::password)},
           {"alerts[].queues", list_of("queue ids"), "all", "only these queues' alerts",
            [sink](MapReader& r, Config& c) {
              if (auto list = r.text_list("queues")) {
                const auto queues = queue_ids(c);
                for (const auto& q : *list) check_ref(r, "queues", q, queues, "queue");
                sink(c).queues = *list;
              }
            }},
           {"alerts[].kinds", choice({"warning", "breached", "queue"}), "all", "only these kinds", read_sink_kinds}},
          {},
          [](Config& c) { c.alerts.emplace_back(); }};
}

}  // namespace omniroute::config
