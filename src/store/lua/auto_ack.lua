-- auto_ack.lua: send a new conversation's auto-acknowledgement, at most once.
--
-- Appends the outbound message (no author; `auto` = acknowledgement) to the
-- transcript and hands it to the outbox like an agent's reply, but it is not
-- a response: first_response_at and every SLA clock stay as they are.
--
--! keys: conv seq outbox events
--! args: text now events_max
--! status: not_found
--! status: resolved
--! status: already
--! status: answered
--! status: sent message_id
-- k_conv or:{ws}:conv:<id>   k_seq or:{ws}:seq   k_outbox or:{ws}:outbox   k_events or:{ws}:events
-- Returns {"sent", msg id}, {"already"}, {"answered"}, {"resolved"} or {"not_found"}.

local c = redis.call('HMGET', k_conv, 'id', 'state', 'acknowledged_at', 'channel', 'thread', 'first_response_at',
                     'recipient', 'subject', 'reply_context')
if not c[1] then return {'not_found'} end
if c[2] == 'resolved' then return {'resolved'} end
if c[3] and c[3] ~= '' then return {'already'} end
if c[6] and c[6] ~= '' then return {'answered'} end  -- an agent was quicker: nothing to promise

local conv, now = c[1], a_now
local msg = 'm' .. redis.call('HINCRBY', k_seq, 'msg', 1)
local entry = redis.call('XADD', K.transcript_of(k_conv), '*', 'id', msg, 'direction', 'out', 'author', '', 'auto', 'acknowledgement',
           'text', a_text, 'attachments', '[]', 'at', now, 'delivery', 'queued')
redis.call('HINCRBY', k_conv, 'message_count', 1)
redis.call('HSET', k_conv, 'acknowledged_at', now)
redis.call('XADD', k_outbox, '*', 'conversation_id', conv, 'message_id', msg, 'channel', c[4],
           'recipient', (c[7] and c[7] ~= '') and c[7] or c[5], 'text', a_text, 'at', now,
           'subject', c[8] or '', 'reply_context', c[9] or '')
redis.call('HSET', K.delivery_of(k_conv), msg, '{"status":"queued","attempts":0}')
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'message.created', 'conversation_id', conv,
           'message_id', msg, 'entry', entry, 'direction', 'out', 'at', now)
return {'sent', msg}
