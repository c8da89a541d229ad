--! uses: lib_agent lib_sla
-- resolve.lua: close a conversation, atomically.
--
-- Marks it resolved, releases its thread (the customer's next message opens
-- a new conversation), frees its agent's capacity, takes it off its queue and
-- its SLA deadlines, and records an event. Needs lib_agent.lua and lib_sla.lua.
--
-- KEYS[1] conv     or:{ws}:conv:<id>
-- KEYS[2] sla      or:{ws}:sla
-- KEYS[3] events   or:{ws}:events
-- ARGV: 1 key prefix, 2 now ms, 3 resolved by (agent id, or "system" for anyone), 4 events max length
-- Returns {"resolved", agent, queue, medium}, {"already_resolved"}, {"forbidden"} or {"not_found"}.

local prefix = ARGV[1]
local c = redis.call('HMGET', KEYS[1], 'id', 'state', 'channel', 'thread', 'queue', 'agent', 'medium')
if not c[1] then return {'not_found'} end
if ARGV[3] ~= 'system' and c[6] ~= ARGV[3] then return {'forbidden'} end
if c[2] == 'resolved' then return {'already_resolved'} end

local id = c[1]
redis.call('HSET', KEYS[1], 'state', 'resolved', 'resolved_at', ARGV[2], 'resolved_by', ARGV[3])
local thread = prefix .. 'thread:' .. c[3] .. ':' .. c[4]
if redis.call('GET', thread) == id then redis.call('DEL', thread) end
end_offer(prefix, id, ARGV[2], ARGV[4], 'conversation.offer_withdrawn', false)
dequeue(prefix, id, c[5], c[7] or 'chat')
sla_closed(prefix, id)
release_from_agent(prefix, id, c[6], c[7] or 'chat')
-- The admin API lists recent resolutions from here; the oldest beyond 100,000 drop off the index.
redis.call('ZADD', prefix .. 'resolved', ARGV[2], id)
redis.call('ZREMRANGEBYRANK', prefix .. 'resolved', 0, -100001)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*',
  'type', 'conversation.resolved', 'conversation_id', id, 'by', ARGV[3], 'at', ARGV[2])
return {'resolved', c[6] or '', c[5] or '', c[7] or 'chat'}
