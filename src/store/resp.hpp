#pragma once
// RESP, the Redis wire format, with hiredis doing what it does well: command
// formatting (redisFormatCommandArgv) and reply parsing (redisReader). No I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/reply.hpp"

struct redisReader;

namespace omniroute::store {

/// Appends `args` to `out` as one RESP command (binary-safe).
void append_command(std::string& out, const std::vector<std::string>& args);

/// Turns bytes read from a connection into replies, in order.
class RespReader {
 public:
  RespReader();
  ~RespReader();
  RespReader(const RespReader&) = delete;
  RespReader& operator=(const RespReader&) = delete;

  /// Adds bytes as they arrived (any split).
  void feed(std::string_view bytes);
  /// The next complete reply, or nothing yet. After a protocol error, `failed()` is true and
  /// nothing more is returned.
  std::optional<Reply> next();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  redisReader* reader_;
  std::string error_;
};

}  // namespace omniroute::store
