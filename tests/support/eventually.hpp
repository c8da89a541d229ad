#pragma once
// Waiting on what the daemon (or a loop) does in its own time, without fixed sleeps.

#include <functional>

namespace omniroute::testing {

/// Polls `done` every 20 ms until it holds or `timeout_ms` passes; whether it held.
bool eventually(const std::function<bool()>& done, int timeout_ms = 15'000);

}  // namespace omniroute::testing
