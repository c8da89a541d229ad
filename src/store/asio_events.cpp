#include "store/asio_events.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>

#include "omniroute/log.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

namespace {

/// The hooks' state. Held by shared_ptr from ev.data and from every pending
/// wait, so a wait that completes after cleanup finds `ac == nullptr` and stops.
struct AsioEvents : std::enable_shared_from_this<AsioEvents> {
  AsioEvents(redisAsyncContext* c, const asio::any_io_executor& ex) : ac(c), descriptor(ex, c->c.fd) {}

  redisAsyncContext* ac;
  asio::posix::stream_descriptor descriptor;
  std::shared_ptr<AsioEvents> self;  // ev.data's reference, dropped by cleanup
  bool want_read = false;
  bool want_write = false;
  bool read_armed = false;
  bool write_armed = false;

  void arm_read() {
    if (read_armed || !want_read || !ac) return;
    read_armed = true;
    descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                          [s = shared_from_this()](const boost::system::error_code& ec) {
                            s->read_armed = false;
                            if (ec || !s->ac) return;
                            redisAsyncHandleRead(s->ac);  // may run cleanup: ac becomes null
                            s->arm_read();
                          });
  }

  void arm_write() {
    if (write_armed || !want_write || !ac) return;
    write_armed = true;
    descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                          [s = shared_from_this()](const boost::system::error_code& ec) {
                            s->write_armed = false;
                            if (ec || !s->ac) return;
                            redisAsyncHandleWrite(s->ac);
                            s->arm_write();
                          });
  }
};

// hiredis hooks: C callbacks, so noexcept trampolines that never let an exception out.
void add_read(void* p) noexcept {
  auto* e = static_cast<AsioEvents*>(p);
  try {
    e->want_read = true;
    e->arm_read();
  } catch (const std::exception& ex) {
    log::error(std::string("redis: cannot watch socket for reading: ") + ex.what());
  }
}
void del_read(void* p) noexcept { static_cast<AsioEvents*>(p)->want_read = false; }
void add_write(void* p) noexcept {
  auto* e = static_cast<AsioEvents*>(p);
  try {
    e->want_write = true;
    e->arm_write();
  } catch (const std::exception& ex) {
    log::error(std::string("redis: cannot watch socket for writing: ") + ex.what());
  }
}
void del_write(void* p) noexcept { static_cast<AsioEvents*>(p)->want_write = false; }
void cleanup(void* p) noexcept {
  auto* e = static_cast<AsioEvents*>(p);
  e->ac = nullptr;
  e->want_read = e->want_write = false;
  boost::system::error_code ignored;
  e->descriptor.cancel(ignored);
  (void)e->descriptor.release();  // hiredis closes the fd right after this
  e->self.reset();                // pending waits may still hold it; they see ac == nullptr
}

}  // namespace

bool attach_asio_events(redisAsyncContext* ac, const asio::any_io_executor& executor) {
  if (ac->ev.data != nullptr || ac->c.fd < 0) return false;
  auto events = std::make_shared<AsioEvents>(ac, executor);
  events->self = events;
  ac->ev.data = events.get();
  ac->ev.addRead = add_read;
  ac->ev.delRead = del_read;
  ac->ev.addWrite = add_write;
  ac->ev.delWrite = del_write;
  ac->ev.cleanup = cleanup;
  return true;
}

}  // namespace omniroute::store
