#pragma once
// The console's files (console/ in the repo), embedded in omnirouted at build time.

#include <cstddef>
#include <string_view>

namespace omniroute::web {

struct ConsoleFile {
  std::string_view path;     // "/console/app.js"
  std::string_view content;
};

extern const ConsoleFile kConsoleFiles[];
extern const std::size_t kConsoleFileCount;

}  // namespace omniroute::web
