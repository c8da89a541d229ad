#pragma once
// One-line logging to stderr. Secrets and message bodies never go above debug.

#include <string_view>

namespace omniroute::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

/// Messages below this level are dropped; default info, OMNIROUTE_LOG=debug lowers it.
void set_level(Level level);
bool enabled(Level level);
void write(Level level, std::string_view text);

inline void debug(std::string_view t) { if (enabled(Level::debug)) write(Level::debug, t); }
inline void info(std::string_view t) { write(Level::info, t); }
inline void warn(std::string_view t) { write(Level::warn, t); }
inline void error(std::string_view t) { write(Level::error, t); }

}  // namespace omniroute::log
