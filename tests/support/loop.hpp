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

/// Runs `ctx` until `done()` holds (checked between handlers): for a state reached through events, such as
/// a connection attempt being judged. The same safety limit as run_until_set, never a figure under test.
template <typename Predicate>
bool run_until(boost::asio::io_context& ctx, Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    ctx.restart();
    ctx.run_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace omniroute::testing
