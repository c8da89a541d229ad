#pragma once
// Alert sink kinds, registered like channel kinds: each turns one fired alert
// into the provider call that delivers it (or delivers it in place, as `log`
// does). The SLA monitor owns claiming, retries and acknowledgement; it never
// branches on a kind's name.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "omniroute/channel.hpp"
#include "sla/alert_format.hpp"

namespace omniroute::sla {

/// One kind of alert sink (`alerts: - kind: <name>`).
struct AlertSinkKind {
  std::string name;
  /// The call that delivers `alert` to `sink` (2xx: delivered; anything else is retried), or
  /// nullopt when the kind delivered it in place.
  std::function<std::optional<HttpCall>(const config::AlertSink& sink, const Alert& alert,
                                        const Policies& policies)>
      deliver;
};

/// The one list of alert sink kinds: webhook, slack, email, log.
const std::vector<AlertSinkKind>& alert_sink_kinds();
/// The kind called `name`, or nullptr.
const AlertSinkKind* find_alert_sink_kind(std::string_view name);

}  // namespace omniroute::sla
