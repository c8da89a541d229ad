#include "store/history/archive.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>

#include "omniroute/digest.hpp"
#include "omniroute/search_form.hpp"
#include "omniroute/text.hpp"
#include "store/history/reader.hpp"
#include "store/records.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store::history {

namespace asio = boost::asio;
namespace json = boost::json;

/// The batch's rows, column by column (each becomes one text[] parameter).
struct Archive::Columns {
  std::vector<std::string> c_id, c_record, c_delivery, c_channel, c_queue, c_agent, c_contact, c_state, c_created,
      c_resolved, c_search;
  std::vector<std::string> m_conv, m_entry, m_at, m_id, m_record, m_search;
  std::vector<std::string> k_id, k_record, k_attributes, k_name, k_search, k_digits;
  std::vector<std::string> h_kind, h_handle, h_contact;
  std::vector<std::string> l_contact, l_conv, l_since;  // contact_conversations
};

namespace {

using Columns = Archive::Columns;

/// Text PostgreSQL takes: valid UTF-8 (ill-formed bytes become U+FFFD) — records are written by us,
/// so this guards only against a poison batch that would stop the archive.
std::string valid_text(const std::string& v) { return is_valid_utf8(v) ? v : text_excerpt(v, v.size() * 3 + 8); }

/// A record (field → value) as the JSON object the history keeps.
std::string record_json(const Fields& fields) {
  json::object o;
  for (const auto& [name, value] : fields) o[valid_text(name)] = valid_text(value);
  std::string text = json::serialize(o);
  // jsonb refuses \u0000; a NUL in a record becomes U+FFFD.
  for (std::size_t at = text.find("\\u0000"); at != std::string::npos; at = text.find("\\u0000", at)) {
    text.replace(at, 6, "\\ufffd");
  }
  return text;
}

/// What the search index holds for `text`: its Latin form, " | ", its sound form ("" for no text).
std::string search_text(const std::string& text) {
  if (text.empty()) return "";
  SearchForm f = search_form(valid_text(text));
  return f.latin.empty() ? "" : f.latin + " | " + f.sound;
}

const std::string& field(const Fields& f, const char* name) {
  static const std::string none;
  auto it = f.find(name);
  return it == f.end() ? none : it->second;
}

/// Milliseconds of a stream id ("1733450000000-3").
std::int64_t id_ms(const std::string& id) {
  std::int64_t ms = 0;
  std::from_chars(id.data(), id.data() + id.size(), ms);
  return ms;
}

/// "2026-12" of a time in ms (UTC).
std::string month_of(std::int64_t ms) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  return buf;
}



constexpr const char* kWrite = R"sql(
WITH conv AS (
  INSERT INTO conversations (id, record, delivery, channel, queue, agent, contact_id, state, created_at, resolved_at,
                             search)
  SELECT t.id, t.record::jsonb, t.delivery::jsonb, t.channel, t.queue, t.agent, t.contact, t.state,
         coalesce(to_timestamp(nullif(t.created, '')::bigint / 1000.0), now()),
         to_timestamp(nullif(t.resolved, '')::bigint / 1000.0), t.search
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::text[], $10::text[], $26::text[])
       AS t(id, record, delivery, channel, queue, agent, contact, state, created, resolved, search)
  WHERE NOT EXISTS (SELECT 1 FROM erased_conversations e WHERE e.id = t.id)
  ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, delivery = EXCLUDED.delivery, channel = EXCLUDED.channel,
    queue = EXCLUDED.queue, agent = EXCLUDED.agent, contact_id = EXCLUDED.contact_id, state = EXCLUDED.state,
    resolved_at = EXCLUDED.resolved_at, search = EXCLUDED.search, archived_at = now()
), msg AS (
  INSERT INTO messages (conversation_id, entry_id, at, id, record, search)
  SELECT t.conv, t.entry, to_timestamp(t.at::bigint / 1000.0), t.id, t.record::jsonb, t.search
  FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $27::text[])
       AS t(conv, entry, at, id, record, search)
  WHERE NOT EXISTS (SELECT 1 FROM erased_conversations e WHERE e.id = t.conv)
  ON CONFLICT DO NOTHING
), con AS (
  INSERT INTO contacts (id, record, attributes, name, search, search_digits)
  SELECT t.id, t.record::jsonb, t.attributes::jsonb, t.name, t.search, t.digits
  FROM unnest($16::text[], $17::text[], $18::text[], $19::text[], $28::text[], $29::text[])
       AS t(id, record, attributes, name, search, digits)
  WHERE NOT EXISTS (SELECT 1 FROM erasures e WHERE e.contact_id = t.id)
  ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, attributes = EXCLUDED.attributes, name = EXCLUDED.name,
    search = EXCLUDED.search, search_digits = EXCLUDED.search_digits, archived_at = now()
), han AS (
  INSERT INTO contact_handles (kind, handle, contact_id)
  SELECT t.kind, t.handle, t.contact FROM unnest($20::text[], $21::text[], $22::text[]) AS t(kind, handle, contact)
  WHERE NOT EXISTS (SELECT 1 FROM erasures e WHERE e.contact_id = t.contact)
  ON CONFLICT (kind, handle) DO UPDATE SET contact_id = EXCLUDED.contact_id
), lnk AS (
  INSERT INTO contact_conversations (contact_id, conversation_id, since)
  SELECT t.contact, t.conv, t.since FROM unnest($23::text[], $24::text[], $25::text[]) AS t(contact, conv, since)
  WHERE NOT EXISTS (SELECT 1 FROM erased_conversations e WHERE e.id = t.conv)
  ON CONFLICT (contact_id, conversation_id) DO UPDATE SET since = EXCLUDED.since
)
SELECT 1
)sql";

/// The records archive_read.lua answered, as columns.
Columns columns_of(const ArchiveReadResult& read) {
  Columns c;
  using Conv = std::tuple<std::string, ReplyRef, ReplyRef>;
  for (const auto& [id, hash, delivery] : reply_as<std::vector<Conv>>(read.conversations).value_or(std::vector<Conv>{})) {
    const Fields f = fields_of(*hash);
    c.c_id.push_back(id);
    c.c_record.push_back(record_json(f));
    c.c_search.push_back(search_text(field(f, "subject")));
    c.c_delivery.push_back(record_json(fields_of(*delivery)));
    c.c_channel.push_back(field(f, "channel"));
    c.c_queue.push_back(field(f, "queue"));
    c.c_agent.push_back(field(f, "agent"));
    c.c_contact.push_back(field(f, "contact"));
    c.c_state.push_back(field(f, "state").empty() ? "queued" : field(f, "state"));
    c.c_created.push_back(field(f, "created_at"));
    c.c_resolved.push_back(field(f, "resolved_at"));
  }
  using Msg = std::tuple<std::string, std::string, ReplyRef>;
  for (const auto& [conv, entry, fields] : reply_as<std::vector<Msg>>(read.messages).value_or(std::vector<Msg>{})) {
    const Fields f = fields_of(*fields);
    std::string at = field(f, "at");
    if (at.empty() || at.find_first_not_of("0123456789") != std::string::npos) at = std::to_string(id_ms(entry));
    c.m_conv.push_back(conv);
    c.m_entry.push_back(entry);
    c.m_at.push_back(at);
    c.m_id.push_back(field(f, "id"));
    c.m_record.push_back(record_json(f));
    c.m_search.push_back(search_text(field(f, "text")));
  }
  using Contact = std::tuple<std::string, ReplyRef, ReplyRef>;
  std::set<std::pair<std::string, std::string>> handles;
  for (const auto& [id, hash, attributes] :
       reply_as<std::vector<Contact>>(read.contacts).value_or(std::vector<Contact>{})) {
    const Fields f = fields_of(*hash);
    c.k_id.push_back(id);
    c.k_record.push_back(record_json(f));
    c.k_attributes.push_back(record_json(fields_of(*attributes)));
    c.k_name.push_back(field(f, "name"));
    // A contact is found by name and by its handles (e-mail, chat ids; phone numbers by their digits too).
    std::string words = field(f, "name"), digits;
    for (const auto& [name, value] : f) {
      if (!name.starts_with("handle:")) continue;
      words += " " + name.substr(name.find(':', 7) == std::string::npos ? 7 : name.find(':', 7) + 1);
      for (char ch : name) {
        if (ch >= '0' && ch <= '9') digits += ch;
      }
      digits += ' ';
    }
    c.k_search.push_back(search_text(words));
    c.k_digits.push_back(std::move(digits));
    // Handles are fields handle:<kind>:<handle> of the contact's hash, its conversations conv:<id> → since.
    for (const auto& [name, value] : f) {
      if (name.starts_with("conv:")) {
        c.l_contact.push_back(id);
        c.l_conv.push_back(name.substr(5));
        c.l_since.push_back(value);
        continue;
      }
      if (!name.starts_with("handle:")) continue;
      const auto colon = name.find(':', 7);
      if (colon == std::string::npos) continue;
      std::pair<std::string, std::string> h{name.substr(7, colon - 7), name.substr(colon + 1)};
      if (!handles.insert(h).second) continue;  // one row per handle in a statement
      c.h_kind.push_back(h.first);
      c.h_handle.push_back(h.second);
      c.h_contact.push_back(id);
    }
  }
  return c;
}

}  // namespace

Archive::Archive(RedisClient& redis, const Keys& keys, PgConnection& history, std::string consumer)
    : redis_(redis), keys_(keys), history_(history), consumer_(std::move(consumer)) {}

asio::awaitable<StoreResult<Done>> Archive::ensure_group() {
  std::vector<std::string> create{"XGROUP", "CREATE", keys_.events(), kGroup, "0", "MKSTREAM"};
  auto r = co_await detail::command(redis_, std::move(create));
  if (!r && r.error().message.find("BUSYGROUP") == std::string::npos) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<PgResult<bool>> Archive::write(const Columns& c) {
  // Each month the messages fall in has its partition before the rows arrive.
  std::vector<std::string> new_months;
  for (const auto& at : c.m_at) {
    std::int64_t ms = 0;
    std::from_chars(at.data(), at.data() + at.size(), ms);
    const std::string month = month_of(ms);
    if (!months_.count(month) && std::find(new_months.begin(), new_months.end(), month) == new_months.end()) {
      new_months.push_back(month);
    }
  }
  for (const auto& month : new_months) {
    PgParams first_day{month + "-01"};
    auto made = co_await history_.query("SELECT omniroute_ensure_month($1::timestamptz)", std::move(first_day));
    if (!made) co_return unexpected(made.error());
    months_.insert(month);
  }
  PgParams params{pg_text_array(c.c_id),       pg_text_array(c.c_record),   pg_text_array(c.c_delivery),
                  pg_text_array(c.c_channel),  pg_text_array(c.c_queue),    pg_text_array(c.c_agent),
                  pg_text_array(c.c_contact),  pg_text_array(c.c_state),    pg_text_array(c.c_created),
                  pg_text_array(c.c_resolved), pg_text_array(c.m_conv),     pg_text_array(c.m_entry),
                  pg_text_array(c.m_at),       pg_text_array(c.m_id),       pg_text_array(c.m_record),
                  pg_text_array(c.k_id),       pg_text_array(c.k_record),   pg_text_array(c.k_attributes),
                  pg_text_array(c.k_name),     pg_text_array(c.h_kind),     pg_text_array(c.h_handle),
                  pg_text_array(c.h_contact),  pg_text_array(c.l_contact),  pg_text_array(c.l_conv),
                  pg_text_array(c.l_since),    pg_text_array(c.c_search),   pg_text_array(c.m_search),
                  pg_text_array(c.k_search),   pg_text_array(c.k_digits)};
  // Under the erasure lock, shared: an erasure (exclusive) waits for this batch, or this batch sees its
  // erased ids (store/history/erasure.cpp).
  auto begun = co_await history_.script("BEGIN; SELECT pg_advisory_xact_lock_shared(" + std::to_string(kErasureLock) + ")");
  if (!begun) co_return unexpected(begun.error());
  auto written = co_await history_.query(kWrite, std::move(params));
  if (!written) {
    co_await history_.script("ROLLBACK");
    co_return unexpected(written.error());
  }
  auto committed = co_await history_.script("COMMIT");
  if (!committed) co_return unexpected(committed.error());
  co_return true;
}

asio::awaitable<Expected<int, ArchiveError>> Archive::evict(std::int64_t resolved_before_ms, int max) {
  using Side = ArchiveError::Side;
  std::vector<std::string> range{"ZRANGEBYSCORE", keys_.resolved(), "-inf", std::to_string(resolved_before_ms),
                                 "LIMIT", "0", std::to_string(max)};
  auto due = co_await detail::command(redis_, std::move(range));
  if (!due) co_return unexpected(ArchiveError{Side::redis, due.error().message, 0});
  auto ids = reply_as<std::vector<std::string>>(*due).value_or(std::vector<std::string>{});
  if (ids.empty()) co_return 0;
  // Archive each whole, as it is now.
  ArchiveReadCall call;
  call.prefix = keys_.prefix();
  for (const auto& id : ids) call.items.insert(call.items.end(), {"a", id, ""});
  auto read = co_await detail::run_declared<ArchiveReadResult>(redis_, archive_read_script(), call);
  if (!read) co_return unexpected(ArchiveError{Side::redis, read.error().message, 0});
  Columns c = co_await columns_off_loop(*read);
  auto written = co_await write(c);
  if (!written) co_return unexpected(ArchiveError{Side::history, written.error().message, 0});
  auto kept = co_await keep_blobs(read->blobs);
  if (!kept) co_return unexpected(ArchiveError{Side::history, kept.error().message, 0});
  // PostgreSQL confirms each transcript whole before Redis lets it go.
  auto lengths = reply_as<Pairs<long long>>(read->lengths).value_or(Pairs<long long>{});
  PgParams asked{pg_text_array(c.c_id)};
  auto counted = co_await history_.query(
      "SELECT conversation_id, count(*) FROM messages WHERE conversation_id = ANY($1::text[]) GROUP BY 1",
      std::move(asked));
  if (!counted) co_return unexpected(ArchiveError{Side::history, counted.error().message, 0});
  std::map<std::string, long long> in_history;
  for (const auto& row : counted->rows) in_history[row[0].value_or("")] = std::atoll(row[1].value_or("0").c_str());
  EvictCall evict;
  evict.prefix = keys_.prefix();
  for (std::size_t i = 0; i < c.c_id.size(); ++i) {
    long long length = -1;
    for (const auto& [conv, n] : lengths.items) {
      if (conv == c.c_id[i]) length = n;
    }
    if (length < 0 || in_history[c.c_id[i]] != length) continue;  // not confirmed whole: stays in Redis
    evict.items.insert(evict.items.end(), {c.c_id[i], c.c_resolved[i], std::to_string(length)});
  }
  if (evict.items.empty()) co_return 0;
  auto gone = co_await detail::run_declared<EvictResult>(redis_, evict_script(), evict);
  if (!gone) co_return unexpected(ArchiveError{Side::redis, gone.error().message, 0});
  co_return static_cast<int>(gone->evicted.size());
}

asio::awaitable<PgResult<bool>> Archive::keep_blobs(const Reply& blobs) {
  // Each file once (by digest), linked to each conversation holding it.
  using Blob = std::tuple<std::string, std::string, std::string, std::string>;
  BlobArchivedCall released;
  released.prefix = keys_.prefix();
  for (auto& [conv, sha, type, content] : reply_as<std::vector<Blob>>(blobs).value_or(std::vector<Blob>{})) {
    PgParams blob{sha, valid_text(type), to_hex(content), conv};
    auto kept = co_await history_.query(
        "WITH a AS (INSERT INTO attachments (sha256, content_type, content) "
        "SELECT $1, $2, decode($3, 'hex') WHERE NOT EXISTS (SELECT 1 FROM erased_conversations WHERE id = $4) "
        "ON CONFLICT (sha256) DO NOTHING) "
        "INSERT INTO attachment_conversations (sha256, conversation_id) SELECT $1, $4 "
        "WHERE NOT EXISTS (SELECT 1 FROM erased_conversations WHERE id = $4) ON CONFLICT DO NOTHING",
        std::move(blob));
    if (!kept) co_return unexpected(kept.error());
    released.digests.push_back(sha);
  }
  if (released.digests.empty()) co_return true;
  // PostgreSQL has them: their content leaves Redis (who may see them stays there).
  auto gone = co_await detail::run_declared<BlobArchivedResult>(redis_, blob_archived_script(), released);
  if (!gone) co_return unexpected(PgError{"redis: " + gone.error().message, "", false});
  co_return true;
}

asio::awaitable<Archive::Columns> Archive::columns_off_loop(const ArchiveReadResult& read) {
  co_return co_await asio::co_spawn(
      forms_, [&read]() -> asio::awaitable<Columns> { co_return columns_of(read); }, asio::use_awaitable);
}

asio::awaitable<Expected<ArchiveStep, ArchiveError>> Archive::step(int count, std::int64_t now_ms) {
  using Side = ArchiveError::Side;
  // Entries a stopped consumer left (looked for once in a while), then new ones.
  const std::optional<std::int64_t> new_ones;
  std::optional<std::int64_t> reclaim;
  if (now_ms >= next_reclaim_ms_) {
    reclaim = kReclaimIdleMs;
    next_reclaim_ms_ = now_ms + kReclaimIdleMs / 2;
  }
  auto entries = co_await detail::read_group(redis_, keys_.events(), kGroup, consumer_, count, reclaim ? reclaim : new_ones);
  if (reclaim && entries && entries->empty()) {
    entries = co_await detail::read_group(redis_, keys_.events(), kGroup, consumer_, count, new_ones);
  }
  if (!entries) {
    if (entries.error().message.find("NOGROUP") != std::string::npos) co_await ensure_group();
    co_return unexpected(ArchiveError{Side::redis, entries.error().message, 0});
  }
  ArchiveStep out;
  if (entries->empty()) co_return out;
  const std::int64_t oldest = id_ms(entries->front().id);
  const std::int64_t lag = std::max<std::int64_t>(0, now_ms - oldest);

  // The records the events name: each conversation once, each message entry once.
  ArchiveReadCall call;
  call.prefix = keys_.prefix();
  std::set<std::string> conversations, messages;
  std::vector<std::string> ids;
  for (const auto& e : *entries) {
    ids.push_back(e.id);
    const Event event = event_from(e);
    if (!event.conversation_id || event.conversation_id->empty()) continue;
    const std::string& conv = *event.conversation_id;
    // A message adds to its transcript; the conversation's record (and its contact) is written when
    // the conversation opens or changes (assigned, resolved, …), and whole again before it leaves Redis.
    const bool message = event.type == "message.created";
    if ((!message || event.opened) && conversations.insert(conv).second) {
      call.items.insert(call.items.end(), {"c", conv, ""});
    }
    if (event.type == "message.created" && event.entry && messages.insert(conv + " " + *event.entry).second) {
      call.items.insert(call.items.end(), {"m", conv, *event.entry});
    }
  }
  if (!call.items.empty()) {
    auto read = co_await detail::run_declared<ArchiveReadResult>(redis_, archive_read_script(), call);
    if (!read) co_return unexpected(ArchiveError{Side::redis, read.error().message, lag});
    Columns c = co_await columns_off_loop(*read);

    auto written = co_await write(c);
    if (!written) co_return unexpected(ArchiveError{Side::history, written.error().message, lag});
    auto kept = co_await keep_blobs(read->blobs);
    if (!kept) co_return unexpected(ArchiveError{Side::history, kept.error().message, lag});
    out.conversations = static_cast<int>(c.c_id.size());
    out.messages = static_cast<int>(c.m_id.size());
    out.contacts = static_cast<int>(c.k_id.size());
  }

  // PostgreSQL has it all: now the events are done with.
  std::vector<std::string> ack{"XACK", keys_.events(), kGroup};
  ack.insert(ack.end(), ids.begin(), ids.end());
  auto acked = co_await detail::command(redis_, std::move(ack));
  if (!acked) co_return unexpected(ArchiveError{Side::redis, acked.error().message, lag});
  out.events = static_cast<int>(ids.size());
  out.more = static_cast<int>(ids.size()) >= count;
  out.lag_ms = out.more ? std::max<std::int64_t>(0, now_ms - id_ms(ids.back())) : 0;
  co_return out;
}

}  // namespace omniroute::store::history
