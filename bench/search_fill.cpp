// search_fill CONNINFO CONVERSATIONS MESSAGES_PER CONTACTS: fills an empty history (migrated schema) with a
// synthetic year of support traffic for bench/search — customers writing Hindi and Telugu in their own
// scripts and in Latin letters, and English; agents answering — as the archive would have written it:
// the same records, the same search forms (omniroute/search_form.hpp), spread over 12 month partitions.
// Customer messages are words of a 6,000-word Zipf vocabulary (Devanagari, Telugu, Latin letters) with,
// in 3% of them, one of 30 support phrases; agents answer with one of 8 replies.
// A bench tool: blocking libpq and COPY are fine here (the daemon itself never blocks a loop).

#include <libpq-fe.h>

#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "omniroute/search_form.hpp"

namespace {

const std::vector<std::string> kPhrases = {
    "मेरा रिफंड कब आएगा", "ऑर्डर अभी तक नहीं आया", "पार्सल कहाँ है", "पैसे वापस चाहिए", "डिलीवरी बहुत देर से",
    "నా ఆర్డర్ ఇంకా రాలేదు", "డబ్బు వాపస్ కావాలి", "పార్సెల్ ఎక్కడ ఉంది", "డెలివరీ ఆలస్యం", "దయచేసి చూడండి",
    "refund kab aayega", "order abhi tak nahi aaya", "parcel kahan hai", "paise wapas chahiye", "bahut der ho gayi",
    "naa order inka raledu", "dabbu vapas kavali", "parcel ekkada undi", "delivery late ayyindi", "dayachesi chudandi",
    "where is my order", "I want a refund", "the parcel arrived damaged", "please cancel my subscription",
    "my payment failed twice", "wrong size delivered", "can I change the address", "the app keeps crashing",
    "invoice for last month", "thank you for the quick help"};
const std::vector<std::string> kReplies = {
    "हम जाँच कर रहे हैं", "మేము చూస్తున్నాము", "We are looking into it", "Your refund is on its way",
    "kal tak pahunch jayega", "repu vastundi", "Sorry for the delay", "I have escalated this"};
const std::vector<std::string> kNames = {"Meena Iyer", "Ravi Teja", "Asha Rao", "सुनीता शर्मा", "राहुल वर्मा",
                                         "లక్ష్మి రెడ్డి", "శ్రీనివాస్ రావు", "Priya Nair", "Arjun Singh", "Kavya"};

/// A vocabulary of `n` words, a third each pseudo-Hindi in Devanagari, pseudo-Telugu in Telugu script and
/// Latin-letter words (English and romanised), built from syllables; word k is drawn with weight 1/(k+1)
/// (Zipf), as words are in real text.
std::vector<std::string> vocabulary(int n, std::mt19937_64& rng) {
  const std::vector<std::string> deva_c = {"क", "ख", "ग", "च", "ज", "ट", "ड", "त", "द", "न", "प", "ब", "म", "य", "र", "ल", "व", "स", "ह"};
  const std::vector<std::string> deva_v = {"", "ा", "ि", "ी", "ु", "े", "ो", "ं"};
  const std::vector<std::string> telu_c = {"క", "గ", "చ", "జ", "ట", "డ", "త", "ద", "న", "ప", "బ", "మ", "య", "ర", "ల", "వ", "స", "హ"};
  const std::vector<std::string> telu_v = {"", "ా", "ి", "ీ", "ు", "ె", "ో", "ం"};
  const std::string lat_c = "bcdfghjklmnprstvwy", lat_v = "aeiou";
  std::vector<std::string> words;
  for (int k = 0; k < n; ++k) {
    const int syllables = 2 + static_cast<int>(rng() % 3);
    std::string w;
    for (int s = 0; s < syllables; ++s) {
      if (k % 3 == 0) w += deva_c[rng() % deva_c.size()] + deva_v[rng() % deva_v.size()];
      else if (k % 3 == 1) w += telu_c[rng() % telu_c.size()] + telu_v[rng() % telu_v.size()];
      else w += std::string(1, lat_c[rng() % lat_c.size()]) + lat_v[rng() % lat_v.size()];
    }
    words.push_back(w);
  }
  return words;
}

std::string escape_copy(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string search_text(const std::string& text) {
  auto f = omniroute::search_form(text);
  return f.latin.empty() ? "" : f.latin + " | " + f.sound;
}

/// A timestamptz COPY takes: "2026-03-04 05:06:07.089+00".
std::string ts(long long ms) {
  const std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d.%03d+00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return out;
}

void exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "%s: %s\n", sql.c_str(), PQresultErrorMessage(r));
    std::exit(1);
  }
  PQclear(r);
}

/// COPY `table (columns)` from rows made by `row(i)` for i in [0, n).
template <typename Row>
void copy(PGconn* c, const std::string& target, long n, Row row) {
  PGresult* r = PQexec(c, ("COPY " + target + " FROM STDIN").c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    std::fprintf(stderr, "COPY %s: %s\n", target.c_str(), PQresultErrorMessage(r));
    std::exit(1);
  }
  PQclear(r);
  std::string buffer;
  for (long i = 0; i < n; ++i) {
    buffer += row(i);
    if (buffer.size() > (1 << 20)) {
      PQputCopyData(c, buffer.data(), static_cast<int>(buffer.size()));
      buffer.clear();
    }
  }
  PQputCopyData(c, buffer.data(), static_cast<int>(buffer.size()));
  PQputCopyEnd(c, nullptr);
  r = PQgetResult(c);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "COPY %s: %s\n", target.c_str(), PQresultErrorMessage(r));
    std::exit(1);
  }
  PQclear(r);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: search_fill CONNINFO CONVERSATIONS MESSAGES_PER CONTACTS\n");
    return 2;
  }
  PGconn* c = PQconnectdb(argv[1]);
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "%s", PQerrorMessage(c));
    return 1;
  }
  const long conversations = std::atol(argv[2]), per = std::atol(argv[3]), contacts = std::atol(argv[4]);
  const long long day = 86'400'000LL, start = 1'764'547'200'000LL;  // 2025-12-01: a year before the bench
  // A history that grew for a year has a partition per month (the archive makes each as it arrives); the
  // fresh schema's catch-all for the time before it was made is narrowed to the time before the year.
  exec(c, "DROP TABLE messages_before");
  exec(c, "CREATE TABLE messages_before PARTITION OF messages FOR VALUES FROM (MINVALUE) TO ('2025-12-01')");
  for (int m = 0; m < 13; ++m) {
    exec(c, "SELECT omniroute_ensure_month(timestamptz '2025-12-01' + interval '" + std::to_string(m) + " months')");
  }
  std::mt19937_64 rng(42);
  const std::vector<std::string> words = vocabulary(6000, rng);
  std::vector<double> weights;
  for (std::size_t k = 0; k < words.size(); ++k) weights.push_back(1.0 / static_cast<double>(k + 1));
  std::discrete_distribution<std::size_t> zipf(weights.begin(), weights.end());
  // A customer message: 5–14 words of the vocabulary; in 3 of 100, one of the 30 phrases the queries
  // look for (so each phrase is in ~0.1% of messages, as a topic is in a year of real traffic).
  auto customer_text = [&] {
    std::string text;
    const int n = 5 + static_cast<int>(rng() % 10);
    for (int i = 0; i < n; ++i) text += (i ? " " : "") + words[zipf(rng)];
    if (rng() % 100 < 3) text += ", " + kPhrases[rng() % kPhrases.size()];
    if (rng() % 10 == 0) text += " ऑर्डर " + std::to_string(1000 + rng() % 9000);
    return text;
  };
  auto phone = [](long k) { return "+9198" + std::to_string(40000000 + k * 37 % 59999999); };
  auto name_of = [](long k) { return kNames[k % kNames.size()] + " " + std::to_string(k); };

  exec(c, "BEGIN");
  copy(c, "contacts (id, record, attributes, name, search, search_digits)", contacts, [&](long k) {
    const std::string id = "c" + std::to_string(k + 1), name = name_of(k), handle = "api:" + phone(k);
    const std::string record = "{\"id\":" + json_string(id) + ",\"name\":" + json_string(name) +
                               ",\"created_at\":\"" + std::to_string(start) + "\",\"handle:" + handle + "\":\"1\"}";
    return escape_copy(id) + "\t" + escape_copy(record) + "\t{}\t" + escape_copy(name) + "\t" +
           escape_copy(search_text(name + " " + phone(k))) + "\t" + phone(k).substr(1) + "\n";
  });
  copy(c, "contact_handles (kind, handle, contact_id)", contacts,
       [&](long k) { return "api\t" + phone(k) + "\tc" + std::to_string(k + 1) + "\n"; });
  std::vector<long long> created(conversations);
  std::vector<long> owner(conversations);
  for (long v = 0; v < conversations; ++v) {
    created[v] = start + static_cast<long long>(rng() % (365 * day));
    owner[v] = static_cast<long>(rng() % contacts);
  }
  copy(c, "conversations (id, record, delivery, channel, queue, agent, contact_id, state, created_at, resolved_at, search)",
       conversations, [&](long v) {
         const std::string id = "v" + std::to_string(v + 1), contact = "c" + std::to_string(owner[v] + 1);
         const std::string agent = "agent" + std::to_string(v % 50);
         const long long resolved = created[v] + 3'600'000;
         const std::string record =
             "{\"id\":\"" + id + "\",\"channel\":\"api\",\"channel_kind\":\"webhook\",\"medium\":\"chat\",\"contact\":\"" +
             contact + "\",\"thread\":\"" + phone(owner[v]) + "\",\"subject\":\"\",\"state\":\"resolved\",\"queue\":\"general\"," +
             "\"priority\":\"normal\",\"agent\":\"" + agent + "\",\"created_at\":\"" + std::to_string(created[v]) +
             "\",\"resolved_at\":\"" + std::to_string(resolved) + "\",\"message_count\":\"" + std::to_string(per) + "\"}";
         return id + "\t" + escape_copy(record) + "\t{}\tapi\tgeneral\t" + agent + "\t" + contact + "\tresolved\t" +
                ts(created[v]) + "\t" + ts(resolved) + "\t\n";
       });
  exec(c, "COMMIT");
  std::fprintf(stderr, "contacts and conversations in\n");
  exec(c, "BEGIN");
  copy(c, "messages (conversation_id, entry_id, at, id, record, search)", conversations * per, [&](long i) {
    const long v = i / per, n = i % per;
    const long long at = created[v] + n * 60'000;
    const bool in = n % 2 == 0;
    const std::string text = in ? customer_text() : kReplies[rng() % kReplies.size()];
    const std::string mid = "m" + std::to_string(i + 1);
    const std::string record = "{\"id\":\"" + mid + "\",\"direction\":\"" + (in ? "in" : "out") + "\",\"text\":" +
                               json_string(text) + ",\"attachments\":\"[]\",\"at\":\"" + std::to_string(at) +
                               "\",\"author\":\"" + (in ? "" : "agent" + std::to_string(v % 50)) + "\"}";
    return "v" + std::to_string(v + 1) + "\t" + std::to_string(at) + "-0\t" + ts(at) + "\t" + mid + "\t" +
           escape_copy(record) + "\t" + escape_copy(search_text(text)) + "\n";
  });
  exec(c, "COMMIT");
  copy(c, "contact_conversations (contact_id, conversation_id, since)", conversations, [&](long v) {
    return "c" + std::to_string(owner[v] + 1) + "\tv" + std::to_string(v + 1) + "\t" + std::to_string(created[v]) + "\n";
  });
  std::fprintf(stderr, "messages in; analyzing\n");
  exec(c, "ANALYZE contacts, contact_handles, conversations, messages, contact_conversations");
  PQfinish(c);
  return 0;
}
