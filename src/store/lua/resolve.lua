--! uses: lib_agent lib_sla
-- resolve.lua: close a conversation, atomically.
--
-- Marks it resolved, releases its thread (the customer's next message opens
-- a new conversation), frees its agent's capacity, takes it off its queue and
-- its SLA deadlines, and records an event. Needs lib_agent.lua and lib_sla.lua.
--
--! uses: lib_conv
--! keys: conv sla events
--! args: prefix now by events_max
-- k_conv or:{ws}:conv:<id>, k_sla or:{ws}:sla, k_events or:{ws}:events; a_by the resolving agent, or "system".
-- Returns {"resolved", agent, queue, medium}, {"already_resolved"}, {"forbidden"} or {"not_found"}.

local prefix, now, by = a_prefix, a_now, a_by
local c = load_fields(k_conv, 'id', 'state', 'channel', 'thread', 'queue', 'agent', 'medium')
if not c.id then return {'not_found'} end
if by ~= 'system' and c.agent ~= by then return {'forbidden'} end
if c.state == 'resolved' then return {'already_resolved'} end

local id, medium = c.id, c.medium or 'chat'
redis.call('HSET', k_conv, 'state', 'resolved', 'resolved_at', now, 'resolved_by', by)
local thread = prefix .. 'thread:' .. c.channel .. ':' .. c.thread
if redis.call('GET', thread) == id then redis.call('DEL', thread) end
end_offer(prefix, id, now, a_events_max, 'conversation.offer_withdrawn', false)
dequeue(prefix, id, c.queue, medium)
sla_closed(prefix, id)
release_from_agent(prefix, id, c.agent, medium)
redis.call('ZADD', prefix .. 'resolved', now, id)
redis.call('ZREMRANGEBYRANK', prefix .. 'resolved', 0, -100001)
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*',
  'type', 'conversation.resolved', 'conversation_id', id, 'by', by, 'at', now)
return {'resolved', c.agent or '', c.queue or '', medium}
