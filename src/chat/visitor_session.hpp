#pragma once
// One web chat visitor's WebSocket (GET /chat/<id>/socket).
//
// The visitor's first frame says who they are ({"type":"hello","visitor":…,
// "identifier":…,"identifier_hash":…}); the answer ("welcome") is their last
// conversations on the channel, whole. After that: their messages ("message",
// each with the widget's own id, so one sent again after a drop is stored
// once), typing, and the rating of a resolved conversation; from us, the
// conversation's new messages, the agent typing or having seen it, its end.
// A reconnect is a new hello: the welcome carries everything, and the widget
// shows each message id once, so nothing is missed or shown twice.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <optional>
#include <vector>
#include <memory>
#include <set>
#include <string>

#include "agent_api/event_hub.hpp"
#include "http/types.hpp"
#include "chat/chat_server.hpp"
#include "store/chat_visitors.hpp"

namespace omniroute::webchat {

class VisitorSession final : public agent_api::EventListener, public std::enable_shared_from_this<VisitorSession> {
 public:
  VisitorSession(ChatServer& server, const ChatChannel& channel, boost::beast::tcp_stream stream, std::string peer);

  void offer(const Event& e) override;
  void close() override;

  /// Accepts the upgrade and serves the visitor until either side leaves.
  boost::asio::awaitable<void> run(http::Request request);

  /// The most a frame from the visitor may be (a message of kMaxText and its name with JSON around them).
  static constexpr std::size_t kMaxFrame = std::size_t{16} * 1024;
  /// The longest message text (bytes of UTF-8) and name a visitor may send.
  static constexpr std::size_t kMaxText = 4000;
  static constexpr std::size_t kMaxName = 120;
  /// Frames queued for a visitor at most before they count as too slow (closed; they reconnect and resume).
  static constexpr std::size_t kMaxQueued = 256;

 private:
  /// Reads the visitor's frames: hello first (within a few seconds), then messages, typing, ratings.
  boost::asio::awaitable<void> read_loop();
  /// One frame of text from the visitor, by its type (hello first; unknown types are ignored).
  boost::asio::awaitable<void> handle(const std::string& type, const boost::json::object& frame);
  boost::asio::awaitable<void> hello(const boost::json::object& frame);
  boost::asio::awaitable<void> message(const boost::json::object& frame);
  boost::asio::awaitable<void> typing();
  boost::asio::awaitable<void> rate(const boost::json::object& frame);
  /// An attachment's announcement (name, size, the widget's id, an optional caption); its bytes are the next,
  /// binary, frame.
  void announce(const boost::json::object& frame);
  boost::asio::awaitable<void> attach(std::string bytes);
  /// Stores one visitor message (text and/or a file) under the widget's id and answers "accepted" or why not.
  boost::asio::awaitable<void> store_message(const std::string& id, std::string text, std::vector<Attachment> files,
                                             const std::string& contact_detail);
  /// Writes queued frames; turns followed events into frames on the way.
  boost::asio::awaitable<void> write_loop();
  /// A frame to write, and each conversation's highest message number it carries (once written, the most the
  /// page's acknowledgement may claim).
  struct Frame {
    std::string text;
    std::vector<store::ShownUpTo> shows;
  };
  /// The frame for an event about one of this visitor's conversations (empty text when there is nothing to say).
  boost::asio::awaitable<Frame> render(const Event& e);
  /// The widget's {"type":"shown","conversations":{"<id>":"m<n>"}}: its page has these conversations up to
  /// these messages. Recorded in Redis (at most what was written to this socket) when the channel e-mails
  /// replies a visitor's page never got (offline_email): a reply is judged by this, not by whether a socket
  /// happened to be open (one closing, or a phone gone into a tunnel, got nothing).
  boost::asio::awaitable<void> acknowledged(const boost::json::object& frame);
  /// Whether `e` may concern this visitor (a conversation of theirs, or one just opened by their contact).
  bool admit(const Event& e) const;
  void send(const boost::json::object& frame, std::vector<store::ShownUpTo> shows = {});
  void error(std::string_view code, std::string_view message, std::string_view id = "");
  /// Remembers a message as shown; false when it was already.
  bool first_showing(const std::string& message_id);
  /// Says in Redis that this visitor has a socket open (every 20 s while it is: offline_email waits longer for a
  /// reply to be shown to a visitor who is here).
  boost::asio::awaitable<void> keep_present();
  boost::asio::awaitable<void> mark_present();
  /// Keeps the e-mail address or phone number the visitor typed beside their first message on their contact,
  /// as an attribute (unverified: never a handle, so it joins no one).
  boost::asio::awaitable<void> note_contact_detail(const std::string& given);

  ChatServer& server_;
  const ChatChannel& channel_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer beat_;
  std::string peer_;
  std::string socket_id_;            // this socket, among the visitor's open ones
  std::string present_as_;           // the contact it was last marked present for
  std::string detail_given_;         // the contact detail last kept
  struct Upload {
    std::string id, name, caption;
    std::int64_t size = 0;
  };
  std::optional<Upload> upload_;     // announced, its bytes awaited
  Identity who_;
  std::string contact_;              // their contact id, once they have one
  std::string open_;                 // their open conversation on this channel, if any
  std::string name_;                 // the name they gave
  std::set<std::string> conversations_;  // theirs, on this channel
  std::set<std::string> shown_;          // message ids written to the visitor
  std::map<std::string, std::int64_t> written_through_;  // conversation → highest message number written to them
  std::deque<Event> events_;             // admitted, waiting to be rendered
  std::deque<Event> held_;               // offered while a message of theirs was being stored: judged after it
  int posting_ = 0;                      // their messages being stored now
  std::deque<Frame> frames_;             // ready to write
  bool greeted_ = false;             // hello answered: events are judged and rendered
  bool resync_ = false;              // events were dropped before hello: the welcome is re-sent
  bool closed_ = false;
  std::int64_t typing_sent_ms_ = 0;  // the last typing signal passed on
  std::int64_t frames_window_ = 0;   // the second the visitor's frames are being counted in
  int frames_in_window_ = 0;
};

}  // namespace omniroute::webchat
