#pragma once
// Reads from the history (PostgreSQL) for the repositories, on one loop: a conversation that has left
// Redis, and the conversations a contact had. Records decode with the same code as Redis's (they are the
// same records), so the API answers the same whichever tier held them.
//
// A few connections per loop (history.pool), opened when first needed and again after a loss.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/contact.hpp"
#include "omniroute/conversation.hpp"
#include "store/pg_connection.hpp"

namespace omniroute::store::history {

/// One search hit: a conversation or contact id, how well it matched (0–1), and the text that matched.
struct SearchHit {
  std::string id;
  double score = 0;
  std::string snippet;
};

/// What a search asks (the query's search forms, and the conversation filters; "" = any).
struct SearchQuery {
  std::string latin, sound, digits;  // digits: the query's digits when it reads as a phone number
  std::string words;                 // the sound words as a tsquery: "rfnd & kb:*" (the last one a prefix)
  std::string channel, queue, agent, label, state;
  std::string from_ms, to_ms;        // created between ("" = open)
  std::string reader_agent;          // "" for an admin; else contacts only of conversations they had
};

/// One statement of a transaction.
struct PgStatement {
  std::string sql;
  PgParams params;
};

/// The advisory lock an erasure holds (exclusive) and each archive batch (shared) while it writes.
constexpr long long kErasureLock = 7346207312;

/// What an erasure removed from the history.
struct Erased {
  int conversations = 0;
  int messages = 0;
};

/// What a report asks the history (reports/response_report.cpp; store/history/report_rows.cpp).
struct ReportRowsQuery {
  std::string zone;       // the reporting zone whose rolled-up days are read ("" none)
  std::string dimension;  // all | queue | channel | agent | label: of the rolled-up days
  std::string group_by;   // queue | channel | agent | label | day: of the records
  std::string day_zone;   // group_by day: the report's zone (IANA name)
  /// The whole days of `zone` in the period, each read from its roll-up when it has one, else from its
  /// records; `spans` the rest of the period ([from, to) ms), read from the records.
  std::vector<int> days;
  std::vector<std::int64_t> day_from, day_to;
  std::vector<std::pair<std::int64_t, std::int64_t>> spans;
  /// Each hour with records still waiting → the last entry of it to read from here (Redis holds those
  /// after it); the other hours' records are all here.
  std::vector<std::pair<std::string, std::string>> marks;
};

/// One group's measure as the history holds it: the seconds on both clocks (in no order) and SLA counts.
struct ReportRow {
  std::string group, kind;
  std::vector<std::int32_t> seconds, wall;
  long long with_target = 0, met = 0;
};

struct ReportRows {
  std::vector<ReportRow> rows;
  std::vector<int> rolled_up;  // of `days`, those read from their roll-up (the others from records)
};

class HistoryReader {
 public:
  HistoryReader(boost::asio::any_io_executor executor, std::string url, int connections);

  /// The conversation as the working set would show it, or nullopt when the history has none.
  boost::asio::awaitable<PgResult<std::optional<ConversationDetail>>> view(const std::string& id, bool with_messages);
  /// A kept attachment Redis has let go: its content type and bytes, for `agent` only if a conversation
  /// holding it was theirs (or was offered to them); for "" (an admin) always. nullopt otherwise.
  boost::asio::awaitable<PgResult<std::optional<std::pair<std::string, std::string>>>> attachment(
      const std::string& sha256, const std::string& agent);
  /// Conversations whose messages, notes or subject match, best first (each once, with its best match).
  boost::asio::awaitable<PgResult<std::vector<SearchHit>>> search_conversations(const SearchQuery& q, int limit,
                                                                                 int offset);
  /// Contacts whose name, handles or phone digits match, best first.
  boost::asio::awaitable<PgResult<std::vector<SearchHit>>> search_contacts(const SearchQuery& q, int limit, int offset);
  /// Erases a person from the history (store/history/erasure.cpp): their contact, handles and every
  /// conversation the history links to them or `conversations` names — messages, notes, attachments no
  /// one else holds, search forms — and records who erased them when (never what). Idempotent.
  boost::asio::awaitable<PgResult<Erased>> erase_contact(const std::string& contact,
                                                         const std::vector<std::string>& conversations,
                                                         const std::string& by);
  /// Runs `steps` in one transaction on one connection (rolled back on any failure); each step's rows.
  boost::asio::awaitable<PgResult<std::vector<PgRows>>> transaction(std::vector<PgStatement> steps);
  /// A contact Redis no longer has, as Redis showed it (its handles, attributes and conversations), or
  /// nullopt when the history has none either.
  boost::asio::awaitable<PgResult<std::optional<Contact>>> contact(const std::string& id);
  /// Contact ids, newest first (the admin's directory): `limit` from `offset`.
  boost::asio::awaitable<PgResult<std::vector<std::string>>> contact_ids(int limit, int offset);
  /// A report's figures over the history's records (store/history/report_rows.cpp): one statement, so
  /// one snapshot, whichever days are rolled up meanwhile.
  boost::asio::awaitable<PgResult<ReportRows>> report_rows(const ReportRowsQuery& q);
  /// The conversations the history links to `contact` (those Redis has let go included).
  boost::asio::awaitable<PgResult<std::vector<ConversationRef>>> contact_conversations(const std::string& contact);

 private:
  /// A search statement, planned to use the trigram indexes (never a scan of the whole table).
  boost::asio::awaitable<PgResult<std::vector<SearchHit>>> indexed_search(const char* sql, PgParams params);
  /// A free connection (connected first if need be), waiting up to 10 s while all are busy.
  boost::asio::awaitable<PgResult<std::size_t>> free_connection();
  /// Runs `sql` on a free connection (connecting it first if need be).
  boost::asio::awaitable<PgResult<PgRows>> query(const std::string& sql, PgParams params);

  boost::asio::any_io_executor executor_;
  std::string url_;
  std::vector<std::unique_ptr<PgConnection>> connections_;
  std::vector<bool> held_;  // in a transaction: not free between its statements
};

}  // namespace omniroute::store::history
