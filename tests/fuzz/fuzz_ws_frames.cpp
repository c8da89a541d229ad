// Any bytes as what an agent's browser sends on its event WebSocket after the
// handshake: read by Beast with the settings the event hub uses (server role,
// 64 KiB message limit, compression off), until the stream errors or closes.
// Never a crash, never a hang, never more memory than the limit allows.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  boost::asio::io_context context;
  beast::test::stream server(context), client(context);
  server.connect(client);
  // The handshake the console makes, then the fuzzed frames.
  std::string wire =
      "GET /v1/agents/me/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  wire.append(reinterpret_cast<const char*>(data), size);
  client.write_some(boost::asio::buffer(wire));
  client.close();  // end of input: the server sees EOF after the frames

  websocket::stream<beast::test::stream&> ws(server);
  ws.read_message_max(64 * 1024);
  beast::error_code ec;
  ws.accept(ec);
  if (ec) return 0;
  beast::flat_buffer buffer;
  for (int frames = 0; frames < 64; ++frames) {
    ws.read(buffer, ec);
    if (ec) break;
    if (buffer.size() > 64 * 1024) __builtin_trap();
    buffer.consume(buffer.size());
  }
  return 0;
}
