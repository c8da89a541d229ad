#include "omniroute/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "omniroute/clock.hpp"

namespace omniroute::log {

namespace {
Level initial_level() {
  const char* env = std::getenv("OMNIROUTE_LOG");
  if (!env) return Level::info;
  std::string v(env);
  if (v == "debug") return Level::debug;
  if (v == "warn") return Level::warn;
  if (v == "error") return Level::error;
  return Level::info;
}
std::atomic<Level> g_level{initial_level()};

std::string_view name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}
}  // namespace

void set_level(Level level) { g_level = level; }
bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view text) {
  if (!enabled(level)) return;
  std::string line = format_rfc3339_ms(now_ms());
  line += ' ';
  line += name(level);
  line += ' ';
  line += text;
  line += '\n';
  // One write(2) per line, so lines from several loops never interleave.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace omniroute::log
