// Erasing a person from the history (DELETE /v1/contacts/<id>; the DPDP Act's and the GDPR's right to
// erasure). One transaction under the erasure lock (exclusive; each archive batch holds it shared): the
// ids are recorded as erased first, so an archive batch read from Redis before the erasure can never
// write them back, then every row naming them goes — rows, not months: other people's messages stay.

#include "store/history/reader.hpp"

namespace omniroute::store::history {

namespace asio = boost::asio;

namespace {

constexpr const char* kErase = R"sql(
WITH ids AS (
  SELECT conversation_id AS id FROM contact_conversations WHERE contact_id = $1
  UNION SELECT id FROM conversations WHERE contact_id = $1
  UNION SELECT unnest($2::text[])
), mark AS (
  INSERT INTO erased_conversations (id, contact_id) SELECT id, $1 FROM ids ON CONFLICT DO NOTHING
), msgs AS (
  DELETE FROM messages WHERE conversation_id IN (SELECT id FROM ids) RETURNING 1
), files AS (
  DELETE FROM attachment_conversations WHERE conversation_id IN (SELECT id FROM ids)
), convs AS (
  DELETE FROM conversations WHERE id IN (SELECT id FROM ids) RETURNING 1
), links AS (
  DELETE FROM contact_conversations WHERE contact_id = $1 OR conversation_id IN (SELECT id FROM ids)
), handles AS (
  DELETE FROM contact_handles WHERE contact_id = $1
), person AS (
  DELETE FROM contacts WHERE id = $1
)
INSERT INTO erasures AS e (contact_id, erased_by, conversations, messages)
SELECT $1, $3, (SELECT count(*) FROM convs), (SELECT count(*) FROM msgs)
ON CONFLICT (contact_id) DO UPDATE SET conversations = e.conversations + EXCLUDED.conversations,
                                       messages = e.messages + EXCLUDED.messages
RETURNING (SELECT count(*) FROM convs), (SELECT count(*) FROM msgs)
)sql";

// Files no conversation holds any more (the statement above cannot see its own deletions).
constexpr const char* kOrphanFiles = R"sql(
DELETE FROM attachments a WHERE NOT EXISTS (SELECT 1 FROM attachment_conversations c WHERE c.sha256 = a.sha256)
)sql";

}  // namespace

asio::awaitable<PgResult<Erased>> HistoryReader::erase_contact(const std::string& contact,
                                                               const std::vector<std::string>& conversations,
                                                               const std::string& by) {
  std::vector<PgStatement> steps;
  steps.push_back({"SELECT pg_advisory_xact_lock(" + std::to_string(kErasureLock) + ")", {}});
  steps.push_back({kErase, PgParams{contact, pg_text_array(conversations), by}});
  steps.push_back({kOrphanFiles, {}});
  auto done = co_await transaction(std::move(steps));
  if (!done) co_return unexpected(done.error());
  Erased out;
  const PgRows& counts = (*done)[1];
  if (!counts.rows.empty() && counts.rows[0].size() == 2) {
    out.conversations = std::atoi(counts.rows[0][0].value_or("0").c_str());
    out.messages = std::atoi(counts.rows[0][1].value_or("0").c_str());
  }
  co_return out;
}

}  // namespace omniroute::store::history
