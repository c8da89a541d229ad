#include "store/history/reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "store/records.hpp"

namespace omniroute::store::history {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

/// A record the archive wrote (a JSON object of strings) as the field map it came from.
Fields fields_of_json(const std::string& text) {
  Fields out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [name, value] : v.as_object()) {
    if (const json::string* s = value.if_string()) out[std::string(name)] = std::string(*s);
  }
  return out;
}

}  // namespace

HistoryReader::HistoryReader(asio::any_io_executor executor, std::string url, int connections)
    : executor_(std::move(executor)), url_(std::move(url)) {
  for (int i = 0; i < std::max(1, connections); ++i) connections_.push_back(std::make_unique<PgConnection>(executor_, url_));
  held_.assign(connections_.size(), false);
}

asio::awaitable<PgResult<PgRows>> HistoryReader::query(const std::string& sql, PgParams params) {
  auto i = co_await free_connection();
  if (!i) co_return unexpected(i.error());
  co_return co_await connections_[*i]->query(sql, std::move(params));
}

asio::awaitable<PgResult<std::vector<PgRows>>> HistoryReader::transaction(std::vector<PgStatement> steps) {
  auto i = co_await free_connection();
  if (!i) co_return unexpected(i.error());
  PgConnection& c = *connections_[*i];
  held_[*i] = true;
  struct Release {
    std::vector<bool>& held;
    std::size_t i;
    ~Release() { held[i] = false; }
  } release{held_, *i};
  auto begun = co_await c.script("BEGIN");
  if (!begun) co_return unexpected(begun.error());
  std::vector<PgRows> out;
  for (auto& step : steps) {
    auto rows = co_await c.query(step.sql, std::move(step.params));
    if (!rows) {
      if (c.connected()) co_await c.script("ROLLBACK");
      co_return unexpected(rows.error());
    }
    out.push_back(std::move(*rows));
  }
  auto committed = co_await c.script("COMMIT");
  if (!committed) co_return unexpected(committed.error());
  co_return out;
}

asio::awaitable<PgResult<std::size_t>> HistoryReader::free_connection() {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      auto& c = connections_[i];
      if (c->busy() || held_[i]) continue;
      if (!c->connected()) {
        auto up = co_await c->connect(5s);
        if (!up) co_return unexpected(up.error());
      }
      co_return i;
    }
    // Every connection is busy: wait a moment (a statement here takes milliseconds).
    if (std::chrono::steady_clock::now() > deadline) {
      co_return unexpected(PgError{"every history connection stayed busy", "", false});
    }
    asio::steady_timer wait(executor_, 2ms);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<PgResult<std::optional<Contact>>> HistoryReader::contact(const std::string& id) {
  PgParams params{id};
  auto rows = co_await query("SELECT record::text, attributes::text FROM contacts WHERE id = $1", std::move(params));
  if (!rows) co_return unexpected(rows.error());
  if (rows->rows.empty()) co_return std::optional<Contact>();
  Contact v;
  for (auto& [name, value] : fields_of_json(rows->rows[0][0].value_or("{}"))) {
    if (name.starts_with("handle:")) v.handles.push_back(name.substr(7));
    else if (name.starts_with("conv:")) v.conversations.push_back(name.substr(5));
    else if (name == "id") v.id = value;
    else if (name == "name") v.name = value;
    else if (name == "created_at") v.created_at = time_from_ms(value);
    else if (name == "merged_into") v.merged_into = value;
    else if (name == "merged_at") v.merged_at = time_from_ms(value);
  }
  if (v.id.empty()) co_return std::optional<Contact>();
  v.attributes = fields_of_json(rows->rows[0][1].value_or("{}"));
  co_return std::optional<Contact>(std::move(v));
}

asio::awaitable<PgResult<std::vector<std::string>>> HistoryReader::contact_ids(int limit, int offset) {
  PgParams params{std::to_string(limit), std::to_string(offset)};
  auto rows = co_await query("SELECT id FROM contacts WHERE record->>'merged_into' IS NULL "
                             "ORDER BY substr(id, 2)::bigint DESC LIMIT $1::int OFFSET $2::int",
                             std::move(params));
  if (!rows) co_return unexpected(rows.error());
  std::vector<std::string> out;
  for (const auto& row : rows->rows) out.push_back(row[0].value_or(""));
  co_return out;
}

asio::awaitable<PgResult<std::vector<ConversationRef>>> HistoryReader::contact_conversations(const std::string& contact) {
  PgParams params{contact};
  auto rows = co_await query("SELECT conversation_id, since FROM contact_conversations WHERE contact_id = $1",
                             std::move(params));
  if (!rows) co_return unexpected(rows.error());
  std::vector<ConversationRef> out;
  for (const auto& row : rows->rows) out.push_back({row[0].value_or(""), time_from_ms(row[1].value_or(""))});
  co_return out;
}

asio::awaitable<PgResult<std::optional<std::pair<std::string, std::string>>>> HistoryReader::attachment(
    const std::string& sha256, const std::string& agent) {
  using Found = std::optional<std::pair<std::string, std::string>>;
  PgParams params{sha256, agent};
  auto rows = co_await query(
      "SELECT a.content_type, encode(a.content, 'hex') AS content FROM attachments a WHERE a.sha256 = $1 AND "
      "($2 = '' OR EXISTS (SELECT 1 FROM attachment_conversations l JOIN conversations c ON c.id = l.conversation_id "
      "WHERE l.sha256 = a.sha256 AND (c.agent = $2 OR c.record->>'offered_to' = $2)))",
      std::move(params));
  if (!rows) co_return unexpected(rows.error());
  if (rows->rows.empty()) co_return Found();
  const std::string& hex = rows->at(0, "content");
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  co_return Found(std::pair{rows->at(0, "content_type"), std::move(bytes)});
}

namespace {
std::vector<SearchHit> hits_of(const PgRows& rows) {
  std::vector<SearchHit> out;
  for (const auto& row : rows.rows) {
    out.push_back({row[0].value_or(""), std::atof(row[1].value_or("0").c_str()), row[2].value_or("")});
  }
  return out;
}
}  // namespace

asio::awaitable<PgResult<std::vector<SearchHit>>> HistoryReader::indexed_search(const char* sql, PgParams params) {
  // The planner prices pg_trgm's similarity test like an equality (it costs ~15 µs a row) and so scans
  // whole tables of contacts and months of messages; the trigram indexes are always the better way in.
  std::vector<PgStatement> steps;
  steps.push_back({"SET LOCAL enable_seqscan = off", {}});
  steps.push_back({sql, std::move(params)});
  auto done = co_await transaction(std::move(steps));
  if (!done) co_return unexpected(done.error());
  co_return hits_of(done->back());
}

asio::awaitable<PgResult<std::vector<SearchHit>>> HistoryReader::search_conversations(const SearchQuery& q, int limit,
                                                                                       int offset) {
  // Word similarity of the query's forms (Latin spelling, sound skeleton) within each message or subject.
  static constexpr const char* kSql = R"sql(
WITH found AS MATERIALIZED (
  -- Rows holding every sound word of the query (the GIN index answers this alone), the last 90 days'
  -- first; at most 1,000 are ranked: a common word ("order") is in a tenth of a year's messages.
  SELECT * FROM (
    (SELECT m.conversation_id AS id, m.search, m.record->>'text' AS snippet FROM messages m
     WHERE m.at >= now() - interval '90 days' AND m.sound @@ $12::tsquery)
    UNION ALL
    (SELECT m.conversation_id, m.search, m.record->>'text' FROM messages m
     WHERE m.at < now() - interval '90 days' AND m.sound @@ $12::tsquery)
    UNION ALL
    (SELECT c.id, c.search, c.record->>'subject' FROM conversations c WHERE c.sound @@ $12::tsquery)
  ) f LIMIT 1000
), typos AS MATERIALIZED (
  -- Only when those are too few for this page: trigram similarity of the Latin form, for the typos the
  -- sound skeleton does not absorb.
  SELECT * FROM (
    (SELECT m.conversation_id AS id, m.search, m.record->>'text' AS snippet FROM messages m
     WHERE $1 <% m.search AND NOT m.sound @@ $12::tsquery)
    UNION ALL
    (SELECT c.id, c.search, c.record->>'subject' FROM conversations c WHERE $1 <% c.search AND NOT c.sound @@ $12::tsquery)
  ) t WHERE (SELECT count(*) FROM found) < $10::int + $11::int LIMIT 500
), hits AS (
  SELECT f.id, greatest(word_similarity($1, f.search), word_similarity($2, f.search)) AS score, f.snippet
  FROM found f
  UNION ALL
  SELECT t.id, word_similarity($1, t.search) * 0.9, t.snippet FROM typos t
), best AS (
  SELECT DISTINCT ON (h.id) h.id, h.score, h.snippet FROM hits h ORDER BY h.id, h.score DESC
)
SELECT b.id, b.score, b.snippet FROM best b JOIN conversations c ON c.id = b.id
WHERE ($3 = '' OR c.channel = $3) AND ($4 = '' OR c.queue = $4) AND ($5 = '' OR c.agent = $5)
  AND ($6 = '' OR c.state = $6)
  AND ($7 = '' OR $7 = ANY (string_to_array(c.record->>'labels', ',')))
  AND ($8 = '' OR c.created_at >= to_timestamp($8::bigint / 1000.0))
  AND ($9 = '' OR c.created_at < to_timestamp($9::bigint / 1000.0))
ORDER BY b.score DESC, b.id DESC LIMIT $10 OFFSET $11
)sql";
  PgParams params{q.latin, q.sound, q.channel, q.queue, q.agent, q.state, q.label, q.from_ms, q.to_ms,
                  std::to_string(limit), std::to_string(offset), q.words};
  co_return co_await indexed_search(kSql, std::move(params));
}

asio::awaitable<PgResult<std::vector<SearchHit>>> HistoryReader::search_contacts(const SearchQuery& q, int limit,
                                                                                  int offset) {
  static constexpr const char* kSql = R"sql(
SELECT k.id,
       greatest(word_similarity($1, k.search), word_similarity($2, k.search),
                CASE WHEN $3 <> '' AND k.search_digits LIKE '%' || $3 || '%' THEN 1 ELSE 0 END) AS score,
       k.name
FROM contacts k
WHERE (k.sound @@ $7::tsquery OR $1 <% k.search OR ($3 <> '' AND k.search_digits LIKE '%' || $3 || '%'))
  AND ($4 = '' OR EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = k.id AND c.agent = $4))
ORDER BY score DESC, k.id DESC LIMIT $5 OFFSET $6
)sql";
  PgParams params{q.latin, q.sound, q.digits, q.reader_agent, std::to_string(limit), std::to_string(offset), q.words};
  co_return co_await indexed_search(kSql, std::move(params));
}

asio::awaitable<PgResult<std::optional<ConversationDetail>>> HistoryReader::view(const std::string& id,
                                                                                 bool with_messages) {
  PgParams conv_id{id};
  auto conv = co_await query("SELECT record::text, delivery::text FROM conversations WHERE id = $1", std::move(conv_id));
  if (!conv) co_return unexpected(conv.error());
  if (conv->rows.empty()) co_return std::optional<ConversationDetail>();
  ConversationDetail v;
  v.conversation = conversation_from(fields_of_json(conv->rows[0][0].value_or("{}")));
  const Fields delivery = fields_of_json(conv->rows[0][1].value_or("{}"));

  // The contact as conversation_view.lua shows it: its own fields, its handles (handle:<kind>:<handle>).
  PgParams contact_id{v.conversation.contact_id};
  auto contact = co_await query("SELECT record::text, attributes::text FROM contacts WHERE id = $1", std::move(contact_id));
  if (!contact) co_return unexpected(contact.error());
  Fields attributes;
  if (!contact->rows.empty()) {
    for (const auto& [name, value] : fields_of_json(contact->rows[0][0].value_or("{}"))) {
      if (name.starts_with("handle:")) v.contact.handles.push_back(name.substr(7));
      else if (name == "id") v.contact.id = value;
      else if (name == "name") v.contact.name = value;
    }
    attributes = fields_of_json(contact->rows[0][1].value_or("{}"));
  }
  if (with_messages) {
    PgParams of{id};
    auto messages = co_await query(
        "SELECT entry_id, record::text FROM messages WHERE conversation_id = $1 "
        "ORDER BY split_part(entry_id, '-', 1)::bigint, split_part(entry_id, '-', 2)::bigint",
        std::move(of));
    if (!messages) co_return unexpected(messages.error());
    for (const auto& row : messages->rows) {
      StreamEntry entry{row[0].value_or(""), fields_of_json(row[1].value_or("{}"))};
      v.messages.push_back(message_from(entry, &delivery));
    }
    auto convs = co_await contact_conversations(v.conversation.contact_id);
    if (!convs) co_return unexpected(convs.error());
    v.contact.conversations = std::move(*convs);
    v.contact.attributes = std::move(attributes);
    v.with_history = !v.contact.conversations.empty() || !v.contact.attributes.empty();
  }
  co_return std::optional<ConversationDetail>(std::move(v));
}

}  // namespace omniroute::store::history
