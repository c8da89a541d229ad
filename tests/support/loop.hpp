#pragma once
// Drives an io_context from a test until a result arrives (or a generous
// safety limit passes, so a broken test fails instead of hanging).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>

namespace omniroute::testing {

/// Runs `ctx` until `result` holds a value; returns false if it never did within `limit`.
template <typename T>
bool run_until_set(boost::asio::io_context& ctx, const std::optional<T>& result,
                   std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!result && std::chrono::steady_clock::now() < deadline) {
    ctx.restart();
    ctx.run_for(std::chrono::milliseconds(10));
  }
  return result.has_value();
}

}  // namespace omniroute::testing
