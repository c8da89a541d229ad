--! uses: lib_agent lib_sla lib_report
-- reply.lua: an agent answers a conversation.
--
-- Appends the outbound message to the transcript, hands it to the outbox
-- (senders deliver it through the channel), records the first response the
-- first time (and keeps the queue's last 50 first-response times for the
-- auto-acknowledgement's estimate), stops the first- and next-response
-- clocks, and records an event. Needs lib_sla.lua.
--
--! uses: lib_conv
--! keys: conv seq outbox events
--! args: prefix agent text now events_max windows parts report
--! status: not_found
--! status: forbidden
--! status: resolved
--! status: window_closed last_inbound_at
--! status: stale
--! status: sent message_id first:integer created_at:integer channel queue message_ids:list
-- k_conv or:{ws}:conv:<id>, k_seq or:{ws}:seq, k_outbox or:{ws}:outbox,
-- k_events or:{ws}:events.
-- a_windows: JSON {channel id: {"span": ms, "template": name}}: channels whose provider takes free-form
--   replies only within `span` of the customer's last message; later, the reply goes as `template` (the
--   text its parameter) or, with none, is refused.
-- a_parts: JSON array of the parts the reply goes as (a reply longer than the channel takes, cut by the
--   core; "": a_text alone), each its own message in the transcript and the outbox.
-- a_report: the first or next response this reply is, for the reports (lib_report.lua), or "" when
--   the caller saw it as neither.
-- Returns {"sent", first msg id, first response 0|1, created_at, channel, queue, {msg ids}},
--         {"window_closed", last inbound ms}
-- or {"not_found"|"forbidden"|"resolved"|"stale"} (stale: a_report no longer describes the conversation).

local c = load_fields(k_conv, 'id', 'state', 'agent', 'first_response_at', 'created_at', 'channel', 'queue',
                     'thread', 'last_inbound_at', 'subject', 'reply_context', 'recipient', 'awaiting_since',
                     'priority', 'labels')
if not c.id then return {'not_found'} end
if c.agent ~= a_agent then return {'forbidden'} end
if c.state == 'resolved' then return {'resolved'} end
local template = ''
local window = cjson.decode(a_windows ~= '' and a_windows or '{}')[c.channel]
if window and tonumber(a_now) - (tonumber(c.last_inbound_at) or 0) > tonumber(window.span) then
  template = window.template or ''
  if template == '' then return {'window_closed', c.last_inbound_at or ''} end
end

-- Which response this is (the reports record it): the first, or the next after the customer wrote again.
local kind, start = '', ''
if (c.first_response_at or '') == '' then kind, start = 'first_response', c.created_at
elseif (c.awaiting_since or '') ~= '' then kind, start = 'next_response', c.awaiting_since end
local report = a_report ~= '' and cjson.decode(a_report) or nil
if not report_matches(report, kind, start, c) then return {'stale'} end

local conv, now = c.id, a_now
-- The parts the reply goes as (the core cut a reply longer than the channel takes); one by default.
local parts = {a_text}
if a_parts ~= '' then parts = cjson.decode(a_parts) end
local first = 0
if c.first_response_at == '' or not c.first_response_at then
  first = 1
  redis.call('HSET', k_conv, 'first_response_at', now)
  local frt = K.first_response_times(a_prefix, (c.queue or ''))
  redis.call('LPUSH', frt, math.max(0, tonumber(now) - (tonumber(c.created_at) or tonumber(now))))
  redis.call('LTRIM', frt, 0, 49)
end
sla_answered(a_prefix, conv)
if report then report_record(a_prefix, report, c, a_agent, now) end
local ids = {}
for _, text in ipairs(parts) do
  local msg = 'm' .. redis.call('HINCRBY', k_seq, 'msg', 1)
  ids[#ids + 1] = msg
  local entry = redis.call('XADD', K.transcript_of(k_conv), '*', 'id', msg, 'direction', 'out', 'author', a_agent,
             'text', text, 'attachments', '[]', 'at', now, 'delivery', 'queued', 'template', template)
  redis.call('HINCRBY', k_conv, 'message_count', 1)
  redis.call('XADD', k_outbox, '*', 'conversation_id', conv, 'message_id', msg, 'channel', c.channel,
             'recipient', (c.recipient and c.recipient ~= '') and c.recipient or c.thread,
             'text', text, 'at', now, 'template', template,
             -- the subject, and what the channel recorded to answer the customer's last message in its thread
             'subject', c.subject or '', 'reply_context', c.reply_context or '')
  redis.call('HSET', K.delivery_of(k_conv), msg, '{"status":"queued","attempts":0}')
  redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'message.created', 'conversation_id', conv,
             'message_id', msg, 'entry', entry, 'direction', 'out', 'at', now)
end
return {'sent', ids[1], first, c.created_at, c.channel, c.queue, ids}
