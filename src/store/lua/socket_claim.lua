-- socket_claim.lua: let an agent open one more event WebSocket, unless they hold too many.
--
-- agent:<id>:sockets holds each open socket with the time its liveness runs out (refreshed while
-- it is open, removed when it closes); entries past that time are sockets of a daemon that died.
-- Claiming and counting in one script, so two sockets opened at once cannot both squeeze in.
--
-- KEYS[1] or:{ws}:agent:<id>:sockets
-- ARGV: 1 now ms, 2 this socket's liveness deadline ms, 3 socket id, 4 most sockets allowed
-- Returns 1 (claimed) or 0 (the agent holds the most allowed already).

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
