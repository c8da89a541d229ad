#pragma once
// How an alert reads: the contract's JSON for webhooks, one line for Slack
// and the log, and an e-mail.

#include <string>

#include "omniroute/alert.hpp"
#include "sla/policy.hpp"

namespace omniroute::sla {

/// What sinks filter on: "warning", "breached" or "queue".
std::string alert_kind(const Alert& alert);
/// The webhook body (CONTRACT.md, Alerts), plus `target`, `priority`, `due_at`, `late`.
std::string alert_json(const Alert& alert, const Policies& policies);
/// One readable line: what, where, how late.
std::string alert_line(const Alert& alert);
/// The subject and plain-text body of an alert e-mail.
std::pair<std::string, std::string> alert_mail(const Alert& alert, const Policies& policies);
/// "45s", "12m", "3h 5m", "2d 4h".
std::string short_duration(std::int64_t seconds);

}  // namespace omniroute::sla
