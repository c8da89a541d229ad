#pragma once
// sd_notify, when run under systemd (Type=notify); harmless without it.

#include <chrono>
#include <optional>
#include <string_view>

namespace omniroute::daemon {

void notify_ready();
void notify_reloading();
void notify_stopping();
void notify_watchdog();
void notify_status(std::string_view status);
/// The watchdog interval systemd expects pings within, when it set one.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace omniroute::daemon
