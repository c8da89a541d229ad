# Precompiled headers for the targets whose files include Asio, Beast and Boost.JSON. Measured on the
# 2-core machine, clean daemon build (OMNIROUTE_TESTS=OFF, RelWithDebInfo, GCC 12): 407 s without,
# 444 s with — each target compiles its own (REUSE_FROM needs identical flags, which the layers do not
# share) and GCC's .gch files are large to load, so it is off by default; -DOMNIROUTE_PCH=ON to try again.
set(OMNIROUTE_PCH_HEADERS
  <boost/asio/awaitable.hpp> <boost/asio/as_tuple.hpp> <boost/asio/co_spawn.hpp> <boost/asio/io_context.hpp>
  <boost/asio/ip/tcp.hpp> <boost/asio/steady_timer.hpp> <boost/asio/use_awaitable.hpp>
  <boost/beast/core.hpp> <boost/beast/http.hpp> <boost/beast/websocket.hpp> <boost/json.hpp>
  <functional> <map> <memory> <optional> <string> <string_view> <vector>)

option(OMNIROUTE_PCH "Precompile the Asio/Beast/JSON headers (measured slower here: off)" OFF)

# omniroute_precompile(TARGET...): gives each target the shared header set (not in fuzz builds).
function(omniroute_precompile)
  if(NOT OMNIROUTE_PCH OR OMNIROUTE_FUZZ)
    return()
  endif()
  foreach(t ${ARGN})
    target_precompile_headers(${t} PRIVATE ${OMNIROUTE_PCH_HEADERS})
  endforeach()
endfunction()
