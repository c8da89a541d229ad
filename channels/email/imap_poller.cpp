#include "email/imap_poller.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

#include "common/context_calls.hpp"
#include "email/email_channel.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kBatch = 50;                  // mails per pass; more are taken at once after
constexpr std::size_t kMaxMailBytes = 64u << 20;    // a larger mail is stored cut at this size
constexpr int kFetchTimeoutMs = 120'000;
}  // namespace

ImapPoller::ImapPoller(const ChannelSettings& settings, ChannelContext& context)
    : settings_(settings), ctx_(context), mailbox_(*imap::parse_mailbox_url(settings.get("imap.url"))) {}

void ImapPoller::start() {
  stopped_ = std::make_shared<bool>(false);
  ctx_.tasks->spawn(run(stopped_), "imap: polling");
}

void ImapPoller::stop() {
  if (stopped_) *stopped_ = true;
}

void ImapPoller::warn(const std::string& what) const { log::warn("email " + settings_.id + ": " + what); }

asio::awaitable<HttpReply> ImapPoller::command(std::string url, std::string command, int timeout_ms) {
  HttpCall call;
  call.url = std::move(url);
  call.method = std::move(command);
  call.username = settings_.get("imap.username");
  call.password = settings_.get("imap.password");
  call.timeout_ms = timeout_ms;
  call.max_answer_bytes = kMaxMailBytes;
  co_return co_await provider_call(ctx_, call);
}

asio::awaitable<void> ImapPoller::run(std::shared_ptr<bool> stopped) {
  asio::steady_timer wait(ctx_.executor);
  const auto interval = std::chrono::milliseconds(std::max<std::int64_t>(1000, settings_.get<Duration>("imap.poll_interval").count()));
  int failures = 0;
  while (!*stopped) {
    Pass pass = co_await poll_once(stopped);
    if (*stopped) co_return;
    if (pass != Pass::failed) co_await save_state(ctx_, "last_poll_at", std::to_string(now_ms()));  // health
    if (pass == Pass::more) continue;
    failures = pass == Pass::failed ? failures + 1 : 0;
    auto pause = failures ? std::min<std::chrono::milliseconds>(std::chrono::milliseconds(1000 << std::min(failures, 6)),
                                                                std::max(interval, std::chrono::milliseconds(60'000)))
                          : interval;
    wait.expires_after(pause);
    co_await wait.async_wait(kAwait);
  }
}

asio::awaitable<ImapPoller::Pass> ImapPoller::poll_once(std::shared_ptr<bool> stopped) {
  auto mailbox = imap::quoted(mailbox_.mailbox);
  // SELECT afresh each pass: it brings the session up to date with mail delivered since (a STATUS
  // of the selected mailbox may not), and names the mailbox's UIDVALIDITY and next UID. The
  // channel's connections are its own, so the mailbox URLs below find this mailbox selected.
  HttpReply selected = co_await command(mailbox_.server, "SELECT " + *mailbox);
  auto uidvalidity = imap::response_code(selected.body, "UIDVALIDITY");
  auto uidnext = imap::response_code(selected.body, "UIDNEXT");
  if (selected.status != 200 || !uidvalidity || !uidnext) {
    warn("IMAP SELECT of " + mailbox_.mailbox + " failed (" +
         (selected.error.empty() ? "no UIDVALIDITY in the answer" : selected.error) + "); retrying");
    co_return Pass::failed;
  }
  // The cursor: "<uidvalidity>:<last uid>", one value so the two never disagree.
  auto saved = co_await load_state(ctx_, "imap_cursor");
  if (!saved) co_return Pass::failed;
  Cursor cursor;
  if (*saved) {
    const std::string& v = **saved;
    auto colon = v.find(':');
    auto [p1, e1] = std::from_chars(v.data(), v.data() + std::min(colon, v.size()), cursor.uidvalidity);
    auto [p2, e2] = colon == std::string::npos ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                                                : std::from_chars(v.data() + colon + 1, v.data() + v.size(), cursor.last_uid);
    if (e1 != std::errc() || e2 != std::errc() || p2 != v.data() + v.size()) {
      warn("the saved IMAP cursor '" + v + "' is unreadable; starting again from the oldest unread mail");
      cursor = Cursor{};
    }
  }
  if (cursor.uidvalidity != *uidvalidity) {
    // New to this mailbox, or it was recreated (its UIDs mean nothing now): start from the oldest
    // unread mail. Mail stored before is recognised by its Message-ID and not stored twice.
    HttpReply unseen = co_await command(mailbox_.server + mailbox_.encoded, "UID SEARCH UNSEEN");
    if (unseen.status != 200) {
      warn("IMAP SEARCH UNSEEN failed (" + unseen.error + "); retrying");
      co_return Pass::failed;
    }
    auto uids = imap::search_result(unseen.body, 1);
    std::uint64_t from = uids.empty() ? *uidnext : uids.front();
    if (cursor.uidvalidity != 0) {
      warn("UIDVALIDITY of " + mailbox_.mailbox + " changed from " + std::to_string(cursor.uidvalidity) + " to " +
           std::to_string(*uidvalidity) + "; reading again from the oldest unread mail");
    }
    Cursor fresh{*uidvalidity, from > 0 ? from - 1 : 0};
    if (!co_await save_state(ctx_, "imap_cursor", std::to_string(fresh.uidvalidity) + ":" + std::to_string(fresh.last_uid))) {
      co_return Pass::failed;
    }
    cursor = fresh;
  }
  if (*uidnext <= cursor.last_uid + 1) co_return Pass::idle;  // nothing new: no SEARCH needed
  HttpReply found = co_await command(mailbox_.server + mailbox_.encoded,
                                     "UID SEARCH UID " + std::to_string(cursor.last_uid + 1) + ":*");
  if (found.status != 200) {
    warn("IMAP SEARCH failed (" + found.error + "); retrying");
    co_return Pass::failed;
  }
  auto uids = imap::search_result(found.body, cursor.last_uid + 1);  // n:* always names the newest, even if older
  if (uids.empty()) co_return Pass::idle;
  // Read without marking: libcurl fetches a mail URL with BODY[], which sets \Seen (it has no
  // BODY.PEEK[], and a custom FETCH loses the literal). In a mailbox opened read-only (EXAMINE)
  // nothing a FETCH does is kept, so a mail is marked read only by file_away, once it is stored.
  // libcurl still takes the mailbox as selected, so the mail URLs below reuse this session.
  HttpReply examined = co_await command(mailbox_.server, "EXAMINE " + *mailbox);
  if (examined.status != 200) {
    warn("IMAP EXAMINE of " + mailbox_.mailbox + " failed (" + examined.error + "); retrying");
    co_return Pass::failed;
  }
  std::vector<std::uint64_t> stored;
  Pass pass = Pass::idle;
  for (std::uint64_t uid : uids) {
    if (*stopped) break;
    if (stored.size() == kBatch) {
      pass = Pass::more;
      break;
    }
    if (!co_await take(*uidvalidity, uid, cursor)) {
      pass = Pass::failed;
      break;
    }
    stored.push_back(uid);
  }
  // Back to read-write for marking or moving what was stored (and nothing else).
  HttpReply reselected = co_await command(mailbox_.server, "SELECT " + *mailbox);
  if (reselected.status != 200) {
    warn("IMAP SELECT of " + mailbox_.mailbox + " failed (" + reselected.error + "); what was stored stays unread there");
    co_return Pass::failed;
  }
  if (!stored.empty()) co_await file_away(stored);
  co_return pass;
}

asio::awaitable<bool> ImapPoller::take(std::uint64_t uidvalidity, std::uint64_t uid, Cursor& cursor) {
  HttpReply mail = co_await command(imap::message_url(mailbox_, uidvalidity, uid), "FETCH", kFetchTimeoutMs);
  if (mail.status != 200) {
    warn("IMAP FETCH of UID " + std::to_string(uid) + " failed (" + mail.error + "); retrying");
    co_return false;
  }
  if (mail.truncated) warn("mail UID " + std::to_string(uid) + " is larger than 64 MiB; stored cut at that size");
  if (!mail.body.empty()) {  // empty: expunged meanwhile by someone else
    Message message = read_mail(mail.body, settings_);
    if (!message.automatic.empty() && message.automatic.starts_with("unreadable")) {
      warn("mail UID " + std::to_string(uid) + " is " + message.automatic + "; recorded as automatic");
    }
    IngestOutcome outcome = co_await store_message(ctx_, std::move(message));
    if (!outcome.stored) {
      warn("mail UID " + std::to_string(uid) + " not stored (" + outcome.error + "); retrying");
      co_return false;
    }
  }
  if (!co_await save_state(ctx_, "imap_cursor", std::to_string(uidvalidity) + ":" + std::to_string(uid))) co_return false;
  cursor.last_uid = uid;
  co_return true;
}

asio::awaitable<void> ImapPoller::file_away(const std::vector<std::uint64_t>& uids) {
  const std::string mailbox_url = mailbox_.server + mailbox_.encoded;
  std::string id;  // a UID set: "7,8,9"
  for (std::uint64_t uid : uids) id += (id.empty() ? "" : ",") + std::to_string(uid);
  const std::string& after = settings_.get("imap.after");
  if (!after.starts_with("move:")) {
    HttpReply r = co_await command(mailbox_url, "UID STORE " + id + " +FLAGS.SILENT (\\Seen)");
    if (r.status != 200) warn("could not mark UIDs " + id + " \\Seen (" + r.error + ")");
    co_return;
  }
  std::string folder = *imap::quoted(after.substr(5));  // checked at load
  HttpReply moved = co_await command(mailbox_url, "UID MOVE " + id + " " + folder);
  if (moved.status == 200) co_return;
  // Servers without MOVE (RFC 6851): copy, flag deleted, expunge just these.
  HttpReply copied = co_await command(mailbox_url, "UID COPY " + id + " " + folder);
  if (copied.status == 200) {
    co_await command(mailbox_url, "UID STORE " + id + " +FLAGS.SILENT (\\Seen \\Deleted)");
    HttpReply expunged = co_await command(mailbox_url, "UID EXPUNGE " + id);
    if (expunged.status == 200) co_return;
  }
  warn("could not move UIDs " + id + " to " + folder + " (" + moved.error + "); it stays, already stored");
}

}  // namespace omniroute::channels
