#pragma once
// A Redis reply copied out of hiredis (its replies live only inside the callback).

#include <map>
#include <string>
#include <vector>

#include "omniroute/expected.hpp"

namespace omniroute::store {

struct Reply {
  enum class Type { string, status, integer, nil, array, error };
  Type type = Type::nil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
};

/// Why a command produced no reply.
enum class RedisFailure {
  unavailable,  // not connected: nothing was sent
  timeout,      // sent, no reply in time: it may or may not have run
  closed,       // the connection dropped while waiting: it may or may not have run
  stopped,      // the client is shutting down
  refused,      // the store refused the request before sending it (it breaks an invariant)
};

struct RedisError {
  RedisFailure failure = RedisFailure::unavailable;
  std::string message;
};

using RedisResult = Expected<Reply, RedisError>;


}  // namespace omniroute::store
