#pragma once
// One PostgreSQL connection driven from an Asio loop through libpq's asynchronous API only
// (PQconnectStart/PQconnectPoll, PQsendQueryParams, PQconsumeInput, PQisBusy, PQgetResult): the
// socket is watched with posix::stream_descriptor::async_wait and released, never closed, by Asio
// (libpq owns it, and PQsocket changes across a reconnect). Nothing here blocks its loop.
//
// One statement runs at a time on a connection; a caller that needs more keeps more connections.

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/expected.hpp"

namespace omniroute::store {

struct PgError {
  std::string message;   // libpq's or the server's words (never the password)
  std::string sqlstate;  // "23505", … ("" when the connection failed)
  bool connection = false;  // the connection is gone: reconnect before the next statement
};

/// A statement's rows, as text (NULL: nullopt), in the order the server sent them.
struct PgRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  long affected = 0;  // INSERT/UPDATE/DELETE: rows changed

  /// Row `r`'s value of column `name`, "" when NULL or no such column.
  const std::string& at(std::size_t r, std::string_view name) const;
};

template <typename T>
using PgResult = Expected<T, PgError>;

using PgParams = std::vector<std::optional<std::string>>;

/// A PostgreSQL text[] literal, {"a","b\"c"}, for one array parameter: every element quoted, backslash
/// and quote escaped; ill-formed UTF-8 becomes U+FFFD and NUL is dropped (PostgreSQL takes neither).
std::string pg_text_array(const std::vector<std::string>& values);
/// A PostgreSQL integer array literal, {1,NULL,3}, for one int[]/bigint[] parameter (nullopt: NULL).
std::string pg_int_array(const std::vector<std::optional<std::int64_t>>& values);

class PgConnection {
 public:
  PgConnection(boost::asio::any_io_executor executor, std::string conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Connects (again, after a loss) within `timeout`.
  boost::asio::awaitable<PgResult<bool>> connect(std::chrono::milliseconds timeout);
  bool connected() const;
  /// A statement is running on it now.
  bool busy() const { return busy_; }
  /// Runs one statement with text parameters ($1, $2, …) and waits for its rows, at most `timeout`;
  /// an answer that does not come in time drops the connection (the statement may or may not have run).
  boost::asio::awaitable<PgResult<PgRows>> query(std::string sql, PgParams params = {},
                                                 std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Runs statements without parameters (a migration's script: several separated by ';').
  boost::asio::awaitable<PgResult<PgRows>> script(std::string sql,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(60));
  void close();

 private:
  enum class Direction { read, write };
  /// Waits until libpq's socket is ready; false on timeout or when the socket is gone.
  boost::asio::awaitable<bool> wait(Direction d, std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<PgResult<PgRows>> finish(std::chrono::steady_clock::time_point deadline);
  PgError lost(std::string why);

  boost::asio::any_io_executor executor_;
  std::string conninfo_;
  PGconn* conn_ = nullptr;
  bool busy_ = false;
};

/// `url` (postgresql://…, the form history.url takes) with its password replaced by "***", for logs.
std::string pg_url_for_log(const std::string& url);

}  // namespace omniroute::store
