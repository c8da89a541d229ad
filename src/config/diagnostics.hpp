#pragma once
// Configuration problems, reported as FILE:LINE:COL: message.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace omniroute::config {

/// One problem at a 1-based line and column of the file.
struct Diagnostic {
  int line = 0;
  int column = 0;
  std::string message;
};

/// Collects every problem of one file, so all are reported at once.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void add(int line, int column, std::string message);
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  const std::string& file() const { return file_; }
  /// Every problem as "FILE:LINE:COL: message", one per line, in file order.
  std::string format() const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

/// Thrown by the loader when a file has problems; what() is Diagnostics::format().
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const Diagnostics& d) : std::runtime_error(d.format()), diagnostics_(d) {}
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

/// The candidate closest to `word` by edit distance, or "" when none is close.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace omniroute::config
