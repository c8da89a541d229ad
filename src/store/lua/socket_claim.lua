-- socket_claim.lua: let an agent open one more event WebSocket, unless they hold too many.
--
-- agent:<id>:sockets holds each open socket with the time its liveness runs out (refreshed while
-- it is open, removed when it closes); entries past that time are sockets of a daemon that died.
-- Claiming and counting in one script, so two sockets opened at once cannot both squeeze in.
--
--! keys: sockets
--! args: now expires socket_id max_sockets
-- k_sockets or:{ws}:agent:<id>:sockets; a_expires this socket's liveness deadline ms; a_max_sockets the most allowed
--! status: claimed
--! status: full
-- full: the agent holds the most allowed already.

redis.call('ZREMRANGEBYSCORE', k_sockets, '-inf', '(' .. a_now)
if redis.call('ZCARD', k_sockets) >= tonumber(a_max_sockets) then return 'full' end
redis.call('ZADD', k_sockets, a_expires, a_socket_id)
return 'claimed'
