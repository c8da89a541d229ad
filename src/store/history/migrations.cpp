#include "store/history/migrations.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>

namespace omniroute::store::history {

namespace asio = boost::asio;

namespace {

// Version 1: contacts, conversations and their messages, as the working set held them. Each row keeps
// the record the store wrote (`record`, field → value) so a conversation read from here decodes exactly
// as one read from Redis; the columns beside it are what queries filter and sort on.
constexpr const char* kHistory = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE contacts (
  id          text PRIMARY KEY,
  record      jsonb NOT NULL,
  attributes  jsonb NOT NULL DEFAULT '{}',
  name        text NOT NULL DEFAULT '',
  archived_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contact_handles (
  kind       text NOT NULL,
  handle     text NOT NULL,
  contact_id text NOT NULL,
  PRIMARY KEY (kind, handle)
);
CREATE INDEX contact_handles_contact ON contact_handles (contact_id);

CREATE TABLE conversations (
  id          text PRIMARY KEY,
  record      jsonb NOT NULL,
  delivery    jsonb NOT NULL DEFAULT '{}',
  channel     text NOT NULL,
  queue       text NOT NULL DEFAULT '',
  agent       text NOT NULL DEFAULT '',
  contact_id  text NOT NULL DEFAULT '',
  state       text NOT NULL,
  created_at  timestamptz NOT NULL,
  resolved_at timestamptz,
  archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_contact ON conversations (contact_id, created_at DESC);
CREATE INDEX conversations_created ON conversations (created_at);

-- One row per transcript entry (customer messages, replies, notes), partitioned by month so a month
-- past retention is dropped whole.
CREATE TABLE messages (
  conversation_id text NOT NULL,
  entry_id        text NOT NULL,
  at              timestamptz NOT NULL,
  id              text NOT NULL,
  record          jsonb NOT NULL,
  PRIMARY KEY (conversation_id, entry_id, at)
) PARTITION BY RANGE (at);

-- Messages of months before the schema was made (history archived late) share one partition.
DO $$
BEGIN
  EXECUTE format('CREATE TABLE messages_before PARTITION OF messages FOR VALUES FROM (MINVALUE) TO (%L)',
                 date_trunc('month', now() - interval '1 month'));
END $$;

-- The month holding `at` gets its partition (messages_YYYY_MM) if it has none; two daemons may race.
CREATE FUNCTION omniroute_ensure_month(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', at)::date;
  name text := format('messages_%s', to_char(first, 'YYYY_MM'));
BEGIN
  IF to_regclass(name) IS NOT NULL OR first < (SELECT date_trunc('month', now() - interval '1 month')) THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
                 name, first, first + interval '1 month');
EXCEPTION WHEN duplicate_table OR invalid_object_definition THEN
  RETURN;
END $$;
SELECT omniroute_ensure_month(now());
SELECT omniroute_ensure_month(now() + interval '1 month');
)sql";

// Version 2: which conversations each contact had, with the time the working set gave each link (a
// conversation's start, or when a merge brought it over): the contact's history once Redis has let
// the conversations go.
constexpr const char* kContactConversations = R"sql(
CREATE TABLE contact_conversations (
  contact_id      text NOT NULL,
  conversation_id text NOT NULL,
  since           text NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, conversation_id)
);
)sql";

// Version 3: retention. History older than the cutoff goes: whole months of messages are dropped (a
// partition is a file: no vacuum), what remains before the cutoff is deleted row by row, and with it the
// conversations resolved before it and their contacts' links. Answers how many months were dropped.
// A message of a month without a partition (dropped, or not made) lands in messages_default: an insert
// never fails for want of a partition.
constexpr const char* kRetention = R"sql(
CREATE TABLE messages_default PARTITION OF messages DEFAULT;

CREATE OR REPLACE FUNCTION omniroute_ensure_month(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', at)::date;
  name text := format('messages_%s', to_char(first, 'YYYY_MM'));
BEGIN
  IF to_regclass(name) IS NOT NULL OR first < (SELECT date_trunc('month', now() - interval '1 month')) THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
                 name, first, first + interval '1 month');
EXCEPTION WHEN duplicate_table OR invalid_object_definition OR check_violation THEN
  RETURN;  -- made by another daemon, or messages_default already holds rows of that month
END $$;

CREATE FUNCTION omniroute_retention(cutoff timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  part record;
  dropped integer := 0;
BEGIN
  FOR part IN
    SELECT c.relname AS name, to_date(substr(c.relname, 10), 'YYYY_MM') AS first
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'messages'::regclass AND c.relname ~ '^messages_[0-9]{4}_[0-9]{2}$'
  LOOP
    IF part.first + interval '1 month' <= cutoff THEN
      EXECUTE format('DROP TABLE %I', part.name);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  DELETE FROM messages WHERE at < cutoff;
  DELETE FROM contact_conversations l USING conversations c
    WHERE l.conversation_id = c.id AND c.state = 'resolved' AND c.resolved_at < cutoff;
  DELETE FROM conversations WHERE state = 'resolved' AND resolved_at < cutoff;
  RETURN dropped;
END $$;
)sql";

// Version 4: kept attachments (e-mail files), by content digest, and the conversations holding each:
// written before a conversation leaves Redis, so its files are still served (to whoever could see it).
constexpr const char* kAttachments = R"sql(
CREATE TABLE attachments (
  sha256       text PRIMARY KEY,
  content_type text NOT NULL DEFAULT '',
  content      bytea NOT NULL,
  archived_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE attachment_conversations (
  sha256          text NOT NULL,
  conversation_id text NOT NULL,
  PRIMARY KEY (sha256, conversation_id)
);
CREATE INDEX attachment_conversations_conversation ON attachment_conversations (conversation_id);
)sql";

// Version 5: search. Each message, conversation (subject) and contact (name, handles) carries its search
// forms (omniroute/search_form.hpp: the Latin transliteration, then " | " and the consonant skeleton) in
// one column, indexed for pg_trgm's word similarity (one index each: inserts stay cheap); a contact
// also its handles' digits, for phone numbers written any way.
constexpr const char* kSearch = R"sql(
ALTER TABLE messages ADD COLUMN search text NOT NULL DEFAULT '';
CREATE INDEX messages_search ON messages USING gin (search gin_trgm_ops);
ALTER TABLE conversations ADD COLUMN search text NOT NULL DEFAULT '';
CREATE INDEX conversations_search ON conversations USING gin (search gin_trgm_ops);
ALTER TABLE contacts ADD COLUMN search text NOT NULL DEFAULT '',
                     ADD COLUMN search_digits text NOT NULL DEFAULT '';
CREATE INDEX contacts_search ON contacts USING gin (search gin_trgm_ops);
CREATE INDEX contacts_search_digits ON contacts USING gin (search_digits gin_trgm_ops);
)sql";

// Version 6: erasure (DELETE /v1/contacts/<id>). Who erased whom, when, and how much — never what: no
// name, handle or text. The ids of erased conversations and contacts, which the archive never writes again
// (an archive batch read from Redis just before an erasure commits after it: its rows are refused).
constexpr const char* kErasure = R"sql(
CREATE TABLE erasures (
  contact_id    text PRIMARY KEY,
  erased_by     text NOT NULL,
  erased_at     timestamptz NOT NULL DEFAULT now(),
  conversations integer NOT NULL DEFAULT 0,
  messages      integer NOT NULL DEFAULT 0
);
CREATE TABLE erased_conversations (
  id         text PRIMARY KEY,
  contact_id text NOT NULL
);
)sql";

// Version 7: exact sound words, and the contacts newest first (the admin's directory). Each search form's sound skeleton (after " | ") as a tsvector, GIN-indexed:
// a search first finds the rows holding every sound word of the query (the skeleton already forgives
// vowels, doubled letters and aspirates: "refnd" sounds like "refund"), which the index answers alone;
// trigram similarity (version 5) is then only the fallback for the typos the skeleton does not absorb.
constexpr const char* kSoundWords = R"sql(
ALTER TABLE messages ADD COLUMN sound tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', split_part(search, ' | ', 2))) STORED;
CREATE INDEX messages_sound ON messages USING gin (sound);
ALTER TABLE conversations ADD COLUMN sound tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', split_part(search, ' | ', 2))) STORED;
CREATE INDEX conversations_sound ON conversations USING gin (sound);
ALTER TABLE contacts ADD COLUMN sound tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', split_part(search, ' | ', 2))) STORED;
CREATE INDEX contacts_sound ON contacts USING gin (sound);
CREATE INDEX contacts_newest ON contacts ((substr(id, 2)::bigint) DESC);
)sql";

// Version 8: the reports. Every response record (lib_report.lua's, a stream entry of the UTC hour it was
// made in, keyed by that hour and its entry id: archived twice, stored once), kept 400 days; and each
// closed local day of each reporting zone rolled up per dimension value and measure: the day's seconds
// on both clocks as sorted big-endian int4s (int4send, so a report reads a day's distribution as one
// value, not one row per response) and its SLA counts. A day is rolled up once all its records are
// here; `response_days_built` says which are (a report reads the records of any other day).
constexpr const char* kResponses = R"sql(
CREATE TABLE responses (
  hour         text NOT NULL,
  entry_ms     bigint NOT NULL,
  entry_seq    bigint NOT NULL,
  at           bigint NOT NULL,
  kind         text NOT NULL,
  queue        text NOT NULL DEFAULT '',
  channel      text NOT NULL DEFAULT '',
  agent        text NOT NULL DEFAULT '',
  priority     text NOT NULL DEFAULT '',
  labels       text[] NOT NULL DEFAULT '{}',
  seconds      integer NOT NULL,
  wall_seconds integer NOT NULL,
  met          text NOT NULL,
  PRIMARY KEY (hour, entry_ms, entry_seq)
);
CREATE INDEX responses_at ON responses (at);

CREATE TABLE response_days (
  zone        text NOT NULL,
  dimension   text NOT NULL,
  day         integer NOT NULL,
  value       text NOT NULL,
  kind        text NOT NULL,
  seconds     bytea NOT NULL,
  wall        bytea NOT NULL,
  with_target integer NOT NULL,
  met         integer NOT NULL,
  PRIMARY KEY (zone, dimension, day, value, kind)
);

CREATE TABLE response_days_built (
  zone     text NOT NULL,
  day      integer NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (zone, day)
);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all{{1, "history", kHistory}, {2, "contact_conversations", kContactConversations},
                                          {3, "retention", kRetention},
                                          {4, "attachments", kAttachments},
                                          {5, "search", kSearch},
                                          {6, "erasure", kErasure},
                                          {7, "sound_words", kSoundWords},
                                          {8, "responses", kResponses}};
  return all;
}

namespace {

/// Applies what is missing (under the lock migrate() holds).
asio::awaitable<PgResult<Migrated>> apply_missing(PgConnection& db) {
  auto made = co_await db.script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_at timestamptz NOT NULL DEFAULT now())");
  if (!made) co_return unexpected(made.error());
  auto rows = co_await db.query("SELECT version FROM schema_migrations ORDER BY version");
  if (!rows) co_return unexpected(rows.error());
  std::vector<int> done;
  for (const auto& row : rows->rows) done.push_back(std::stoi(row[0].value_or("0")));
  Migrated out;
  out.version = done.empty() ? 0 : done.back();
  const int known = migrations().back().version;
  if (out.version > known) {
    co_return unexpected(PgError{"the history schema is version " + std::to_string(out.version) +
                                     ", newer than this build knows (" + std::to_string(known) + "): upgrade omnirouted",
                                 "", false});
  }
  for (const auto& m : migrations()) {
    if (std::find(done.begin(), done.end(), m.version) != done.end()) continue;
    // The migration and its record in one transaction: applied whole or not at all.
    auto applied = co_await db.script("BEGIN;\n" + m.sql + "\nINSERT INTO schema_migrations (version, name) VALUES (" +
                                      std::to_string(m.version) + ", '" + m.name + "');\nCOMMIT;");
    if (!applied) {
      if (db.connected()) co_await db.script("ROLLBACK");
      co_return unexpected(PgError{"migration " + std::to_string(m.version) + " (" + m.name + "): " +
                                       applied.error().message,
                                   applied.error().sqlstate, applied.error().connection});
    }
    out.applied.push_back(m.version);
    out.version = m.version;
  }
  co_return out;
}

}  // namespace

PgResult<Migrated> migrate_now(const std::string& url, std::chrono::milliseconds connect_timeout) {
  asio::io_context io;
  PgResult<Migrated> result = unexpected(PgError{"did not run", "", false});
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        PgConnection db(io.get_executor(), url);
        auto up = co_await db.connect(connect_timeout);
        if (!up) {
          result = unexpected(up.error());
          co_return;
        }
        result = co_await migrate(db);
      },
      [&](const std::exception_ptr& e) {
        if (e) result = unexpected(PgError{"the migration stopped on an exception", "", false});
      });
  io.run();
  return result;
}

asio::awaitable<PgResult<Migrated>> migrate(PgConnection& db) {
  // One daemon at a time: the lock is the session's, released when the connection ends too.
  auto locked = co_await db.query("SELECT pg_advisory_lock(7346207311)");
  if (!locked) co_return unexpected(locked.error());
  auto result = co_await apply_missing(db);
  if (db.connected()) co_await db.query("SELECT pg_advisory_unlock(7346207311)");
  co_return result;
}

}  // namespace omniroute::store::history
