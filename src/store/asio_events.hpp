#pragma once
// Binds one hiredis async context to an Asio executor: readiness of the
// context's socket is watched with posix::stream_descriptor::async_wait (it
// works for TCP and unix sockets alike and never closes the fd, which hiredis
// owns and closes itself).

#include <hiredis/async.h>

#include <boost/asio/any_io_executor.hpp>

namespace omniroute::store {

/// Installs the Asio event hooks on `ac`; hiredis removes them through its cleanup hook.
/// Returns false (and leaves `ac` untouched) when `ac` has no usable fd.
bool attach_asio_events(redisAsyncContext* ac, const boost::asio::any_io_executor& executor);

}  // namespace omniroute::store
