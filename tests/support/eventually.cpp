#include "support/eventually.hpp"

#include <chrono>
#include <thread>

namespace omniroute::testing {

bool eventually(const std::function<bool()>& done, int timeout_ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace omniroute::testing
