-- auto_ack.lua: send a new conversation's auto-acknowledgement, at most once.
--
-- Appends the outbound message (no author; `auto` = acknowledgement) to the
-- transcript and hands it to the outbox like an agent's reply, but it is not
-- a response: first_response_at and every SLA clock stay as they are.
--
-- KEYS[1] conv or:{ws}:conv:<id>   KEYS[2] or:{ws}:seq   KEYS[3] or:{ws}:outbox   KEYS[4] or:{ws}:events
-- ARGV: 1 text, 2 now ms, 3 events max length
-- Returns {"sent", msg id}, {"already"}, {"answered"}, {"resolved"} or {"not_found"}.

local c = redis.call('HMGET', KEYS[1], 'id', 'state', 'acknowledged_at', 'channel', 'thread', 'first_response_at',
                     'recipient', 'subject', 'reply_context')
if not c[1] then return {'not_found'} end
if c[2] == 'resolved' then return {'resolved'} end
if c[3] and c[3] ~= '' then return {'already'} end
if c[6] and c[6] ~= '' then return {'answered'} end  -- an agent was quicker: nothing to promise

local conv, now = c[1], ARGV[2]
local msg = 'm' .. redis.call('HINCRBY', KEYS[2], 'msg', 1)
local entry = redis.call('XADD', KEYS[1] .. ':msgs', '*', 'id', msg, 'direction', 'out', 'author', '', 'auto', 'acknowledgement',
           'text', ARGV[1], 'attachments', '[]', 'at', now, 'delivery', 'queued')
redis.call('HINCRBY', KEYS[1], 'message_count', 1)
redis.call('HSET', KEYS[1], 'acknowledged_at', now)
redis.call('XADD', KEYS[3], '*', 'conversation_id', conv, 'message_id', msg, 'channel', c[4],
           'recipient', (c[7] and c[7] ~= '') and c[7] or c[5], 'text', ARGV[1], 'at', now,
           'subject', c[8] or '', 'reply_context', c[9] or '')
redis.call('HSET', KEYS[1] .. ':delivery', msg, '{"status":"queued","attempts":0}')
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'type', 'message.created', 'conversation_id', conv,
           'message_id', msg, 'entry', entry, 'direction', 'out', 'at', now)
return {'sent', msg}
