--! uses: lib_agent lib_sla
-- reply.lua: an agent answers a conversation.
--
-- Appends the outbound message to the transcript, hands it to the outbox
-- (senders deliver it through the channel), records the first response the
-- first time (and keeps the queue's last 50 first-response times for the
-- auto-acknowledgement's estimate), stops the first- and next-response
-- clocks, and records an event. Needs lib_sla.lua.
--
-- KEYS[1] conv  or:{ws}:conv:<id>   KEYS[2] or:{ws}:seq   KEYS[3] or:{ws}:outbox
-- KEYS[4] or:{ws}:sla               KEYS[5] or:{ws}:events
-- ARGV: 1 prefix, 2 agent id, 3 text, 4 now ms, 5 events max length, 6 JSON {channel id: {"span": ms,
--       "template": name}}: channels whose provider takes free-form replies only within `span` of the
--       customer's last message; later, the reply goes as `template` (the text its parameter) or, with
--       none, is refused, 7 JSON array of the parts the reply goes as
--       (a reply longer than the channel takes, cut by the core; "" or absent: ARGV[3] alone), each
--       its own message in the transcript and the outbox
-- Returns {"sent", first msg id, first response 0|1, created_at, channel, queue, {msg ids}},
--         {"window_closed", last inbound ms}
-- or {"not_found"|"forbidden"|"resolved"}.

local c = redis.call('HMGET', KEYS[1], 'id', 'state', 'agent', 'first_response_at', 'created_at', 'channel', 'queue',
                     'thread', 'channel_kind', 'last_inbound_at', 'subject', 'reply_context',
                     'recipient')
if not c[1] then return {'not_found'} end
if c[3] ~= ARGV[2] then return {'forbidden'} end
if c[2] == 'resolved' then return {'resolved'} end
local template = ''
local window = cjson.decode(ARGV[6] ~= '' and ARGV[6] or '{}')[c[6]]
if window and tonumber(ARGV[4]) - (tonumber(c[10]) or 0) > tonumber(window.span) then
  template = window.template or ''
  if template == '' then return {'window_closed', c[10] or ''} end
end

local conv, now = c[1], ARGV[4]
-- The parts the reply goes as (the core cut a reply longer than the channel takes); one by default.
local parts = {ARGV[3]}
if (ARGV[7] or '') ~= '' then parts = cjson.decode(ARGV[7]) end
local first = 0
if c[4] == '' or not c[4] then
  first = 1
  redis.call('HSET', KEYS[1], 'first_response_at', now)
  local frt = ARGV[1] .. 'frt:' .. (c[7] or '')
  redis.call('LPUSH', frt, math.max(0, tonumber(now) - (tonumber(c[5]) or tonumber(now))))
  redis.call('LTRIM', frt, 0, 49)
end
sla_answered(ARGV[1], conv)
local ids = {}
for _, text in ipairs(parts) do
  local msg = 'm' .. redis.call('HINCRBY', KEYS[2], 'msg', 1)
  ids[#ids + 1] = msg
  local entry = redis.call('XADD', KEYS[1] .. ':msgs', '*', 'id', msg, 'direction', 'out', 'author', ARGV[2],
             'text', text, 'attachments', '[]', 'at', now, 'delivery', 'queued', 'template', template)
  redis.call('HINCRBY', KEYS[1], 'message_count', 1)
  redis.call('XADD', KEYS[3], '*', 'conversation_id', conv, 'message_id', msg, 'channel', c[6],
             'recipient', (c[13] and c[13] ~= '') and c[13] or c[8],
             'text', text, 'at', now, 'template', template,
             -- the subject, and what the channel recorded to answer the customer's last message in its thread
             'subject', c[11] or '', 'reply_context', c[12] or '')
  redis.call('HSET', KEYS[1] .. ':delivery', msg, '{"status":"queued","attempts":0}')
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 'type', 'message.created', 'conversation_id', conv,
             'message_id', msg, 'entry', entry, 'direction', 'out', 'at', now)
end
return {'sent', ids[1], first, c[5], c[6], c[7], ids}
