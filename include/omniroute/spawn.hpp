#pragma once
// Completion for background coroutines: an exception that escapes one is
// logged with what the coroutine was doing, never dropped in silence
// (asio::detached swallows it, and the work it did simply stops).

#include <exception>
#include <string>
#include <utility>

#include "omniroute/log.hpp"

namespace omniroute {

/// Pass as the completion token of `co_spawn`: `co_spawn(ex, work(), logged("imap poll mail"))`.
struct logged {
  explicit logged(std::string w) : what(std::move(w)) {}
  std::string what;

  void operator()(const std::exception_ptr& failure) const noexcept {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      log::error(what + ": stopped by an unexpected error: " + e.what());
    } catch (...) {
      log::error(what + ": stopped by an unexpected error");
    }
  }
};

}  // namespace omniroute
