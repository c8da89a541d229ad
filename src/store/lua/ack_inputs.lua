-- ack_inputs.lua: what the auto-acknowledgement's estimate needs about a new
-- conversation: where it waits, how many wait ahead of it, how many agents
-- could take it now, and the queue's recent first-response times. Reads only.
-- Needs lib_agent.lua (pool_of).
--
-- ARGV: 1 prefix, 2 conversation id
-- Returns {state, queue, priority, language, acknowledged 0|1, ahead (-1: not waiting),
--          agents available, {recent first-response ms, newest first}} or {} when unknown.

local prefix, conv = ARGV[1], ARGV[2]
local c = redis.call('HMGET', prefix .. 'conv:' .. conv, 'state', 'queue', 'priority', 'language', 'acknowledged_at',
                     'skills', 'medium')
if not c[1] then return {} end
local pool = pool_of(c[2], c[6])
local medium = c[7] or 'chat'
local ahead = redis.call('ZRANK', prefix .. 'queue:' .. pool .. ':' .. medium, conv) or -1
local available = redis.call('ZCARD', prefix .. 'avail:' .. pool .. ':' .. medium)
local recent = redis.call('LRANGE', prefix .. 'frt:' .. c[2], 0, -1)
return {c[1], c[2], c[3] or 'normal', c[4] or '', (c[5] and c[5] ~= '') and 1 or 0, ahead, available, recent}
