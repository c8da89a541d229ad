#include "store/pg_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "omniroute/text.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

const std::string& PgRows::at(std::size_t r, std::string_view name) const {
  static const std::string none;
  if (r >= rows.size()) return none;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] == name) return rows[r][c] ? *rows[r][c] : none;
  }
  return none;
}

PgConnection::PgConnection(asio::any_io_executor executor, std::string conninfo)
    : executor_(std::move(executor)), conninfo_(std::move(conninfo)) {}

PgConnection::~PgConnection() { close(); }

bool PgConnection::connected() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void PgConnection::close() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

PgError PgConnection::lost(std::string why) {
  PgError e{std::move(why), "", true};
  if (conn_) {
    std::string detail = trimmed(PQerrorMessage(conn_));
    if (!detail.empty() && e.message.find(detail) == std::string::npos) e.message += ": " + detail;
  }
  close();
  return e;
}

asio::awaitable<bool> PgConnection::wait(Direction d, Clock::time_point deadline) {
  const int fd = conn_ ? PQsocket(conn_) : -1;
  if (fd < 0) co_return false;
  // Asio watches libpq's descriptor for this one wait and gives it back, however the wait ends (a
  // cancelled coroutine unwinds through here): libpq closes it.
  struct Borrowed {
    asio::posix::stream_descriptor descriptor;
    ~Borrowed() { descriptor.release(); }
  } borrowed{asio::posix::stream_descriptor(executor_, fd)};
  auto& socket = borrowed.descriptor;
  asio::steady_timer timer(executor_, deadline);
  bool timed_out = false;
  timer.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    timed_out = true;
    socket.cancel();
  });
  auto [ec] = co_await socket.async_wait(
      d == Direction::read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write,
      asio::as_tuple(asio::use_awaitable));
  timer.cancel();
  co_return !ec && !timed_out;
}

asio::awaitable<PgResult<bool>> PgConnection::connect(std::chrono::milliseconds timeout) {
  close();
  const auto deadline = Clock::now() + timeout;
  conn_ = PQconnectStart(conninfo_.c_str());
  if (!conn_) co_return unexpected(PgError{"out of memory starting a PostgreSQL connection", "", true});
  if (PQstatus(conn_) == CONNECTION_BAD) co_return unexpected(lost("cannot connect to PostgreSQL"));
  // Notices ("relation … already exists, skipping") are the server talking to a console: not ours to print.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  for (;;) {
    if (state == PGRES_POLLING_OK) break;
    if (state == PGRES_POLLING_FAILED) co_return unexpected(lost("cannot connect to PostgreSQL"));
    if (!co_await wait(state == PGRES_POLLING_READING ? Direction::read : Direction::write, deadline)) {
      co_return unexpected(lost("connecting to PostgreSQL timed out"));
    }
    state = PQconnectPoll(conn_);
  }
  if (PQsetnonblocking(conn_, 1) != 0) co_return unexpected(lost("cannot make the PostgreSQL connection non-blocking"));
  // Our statements take milliseconds; JIT compiling one the planner over-estimates (a report's
  // records joined to its spans: millions of rows guessed, thousands read) costs half a second.
  auto set = co_await query("SET jit = off", {}, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::max(deadline - Clock::now(), Clock::duration(std::chrono::seconds(1)))));
  if (!set) co_return unexpected(set.error());
  co_return true;
}

asio::awaitable<PgResult<PgRows>> PgConnection::finish(Clock::time_point deadline) {
  // Send what libpq buffered, then read every result of the statement.
  for (;;) {
    const int pending = PQflush(conn_);
    if (pending == 0) break;
    if (pending < 0 || !co_await wait(Direction::write, deadline)) co_return unexpected(lost("sending to PostgreSQL failed"));
  }
  PgRows out;
  std::optional<PgError> failed;
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!co_await wait(Direction::read, deadline)) co_return unexpected(lost("PostgreSQL did not answer in time"));
      if (!PQconsumeInput(conn_)) co_return unexpected(lost("reading from PostgreSQL failed"));
    }
    PGresult* res = PQgetResult(conn_);
    if (!res) break;
    const ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      out = PgRows{};
      const int ncols = PQnfields(res), nrows = PQntuples(res);
      for (int c = 0; c < ncols; ++c) out.columns.emplace_back(PQfname(res, c));
      out.rows.reserve(static_cast<std::size_t>(nrows));
      for (int r = 0; r < nrows; ++r) {
        std::vector<std::optional<std::string>> row;
        row.reserve(static_cast<std::size_t>(ncols));
        for (int c = 0; c < ncols; ++c) {
          if (PQgetisnull(res, r, c)) row.emplace_back(std::nullopt);
          else row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
        }
        out.rows.push_back(std::move(row));
      }
      const char* affected = PQcmdTuples(res);
      out.affected = affected && *affected ? std::atol(affected) : 0;
    } else if (!failed) {
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      failed = PgError{trimmed(PQresultErrorMessage(res)), state ? state : "", PQstatus(conn_) != CONNECTION_OK};
    }
    PQclear(res);
  }
  if (failed) {
    if (failed->connection) close();
    co_return unexpected(std::move(*failed));
  }
  co_return out;
}

asio::awaitable<PgResult<PgRows>> PgConnection::query(std::string sql, PgParams params,
                                                      std::chrono::milliseconds timeout) {
  if (!connected()) co_return unexpected(PgError{"not connected to PostgreSQL", "", true});
  if (busy_) co_return unexpected(PgError{"a statement is already running on this connection", "", false});
  busy_ = true;
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
    lengths.push_back(p ? static_cast<int>(p->size()) : 0);
  }
  PgResult<PgRows> result = unexpected(PgError{});
  if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                         nullptr, 0)) {
    result = unexpected(lost("sending a statement to PostgreSQL failed"));
  } else {
    result = co_await finish(Clock::now() + timeout);
  }
  busy_ = false;
  co_return result;
}

asio::awaitable<PgResult<PgRows>> PgConnection::script(std::string sql, std::chrono::milliseconds timeout) {
  if (!connected()) co_return unexpected(PgError{"not connected to PostgreSQL", "", true});
  if (busy_) co_return unexpected(PgError{"a statement is already running on this connection", "", false});
  busy_ = true;
  PgResult<PgRows> result = unexpected(PgError{});
  if (!PQsendQuery(conn_, sql.c_str())) result = unexpected(lost("sending a script to PostgreSQL failed"));
  else result = co_await finish(Clock::now() + timeout);
  busy_ = false;
  co_return result;
}

std::string pg_text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    const std::string& v = values[i];
    for (char c : is_valid_utf8(v) ? v : text_excerpt(v, v.size() * 3 + 8)) {
      if (c == '"' || c == '\\') out += '\\';
      if (c != '\0') out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string pg_int_array(const std::vector<std::optional<std::int64_t>>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    out += v ? std::to_string(*v) : "NULL";
  }
  return out + "}";
}

std::string pg_url_for_log(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "(an unreadable PostgreSQL URL)";
  boost::urls::url u(*parsed);
  if (u.has_password()) u.set_password("***");
  return std::string(u.buffer());
}

}  // namespace omniroute::store
