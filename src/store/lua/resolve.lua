--! uses: lib_agent lib_sla lib_report
-- resolve.lua: close a conversation, atomically.
--
-- Marks it resolved, releases its thread (the customer's next message opens
-- a new conversation), frees its agent's capacity, takes it off its queue and
-- its SLA deadlines, and records an event. Needs lib_agent.lua and lib_sla.lua.
--
--! uses: lib_conv
--! keys: conv events
--! args: prefix now by events_max report survey
--! status: not_found
--! status: forbidden
--! status: already_resolved
--! status: stale
--! status: resolved agent queue medium
-- k_conv or:{ws}:conv:<id>, k_events or:{ws}:events; a_by the resolving agent, or "system".
-- a_report: the resolution, for the reports (lib_report.lua); "" records none.
-- a_survey: JSON {"text", "window_ms"}: the satisfaction survey to send the customer now (an outbound message
--   like an agent's reply, `auto` = survey), answered by their next message within the window (ingest.lua,
--   or:{ws}:csat:<channel>:<contact>); "" sends none; "text" "" sends nothing but awaits the answer (web chat
--   rates in its own panel).
-- Returns {"resolved", agent, queue, medium}, {"already_resolved"}, {"forbidden"}, {"not_found"} or
-- {"stale"} (a_report no longer describes the conversation).

local prefix, now, by = a_prefix, a_now, a_by
local c = load_fields(k_conv, 'id', 'state', 'channel', 'thread', 'queue', 'agent', 'medium', 'created_at',
                     'priority', 'labels', 'contact', 'recipient', 'subject', 'reply_context')
if not c.id then return {'not_found'} end
if by ~= 'system' and c.agent ~= by then return {'forbidden'} end
if c.state == 'resolved' then return {'already_resolved'} end

local report = a_report ~= '' and cjson.decode(a_report) or nil
if report and not report_matches(report, 'resolution', c.created_at, c) then return {'stale'} end

local id, medium = c.id, c.medium or 'chat'
redis.call('HSET', k_conv, 'state', 'resolved', 'resolved_at', now, 'resolved_by', by)
local thread = K.thread(prefix, c.channel, c.thread)
if redis.call('GET', thread) == id then redis.call('DEL', thread) end
end_offer(prefix, id, now, a_events_max, 'conversation.offer_withdrawn', false)
dequeue(prefix, id, c.queue, medium)
sla_closed(prefix, id)
release_from_agent(prefix, id, c.agent, medium)
if report then report_record(prefix, report, c, (c.agent and c.agent ~= '') and c.agent or by, now) end
redis.call('ZADD', K.resolved(prefix), now, id)
redis.call('ZREMRANGEBYRANK', K.resolved(prefix), 0, -100001)
redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*',
  'type', 'conversation.resolved', 'conversation_id', id, 'by', by, 'at', now)
local survey = (a_survey ~= '' and c.contact) and cjson.decode(a_survey) or nil
if survey and survey.text == '' then
  -- Rated in the channel's own panel (web chat): nothing to send; the answer is awaited as for a survey.
  redis.call('HSET', k_conv, 'csat_sent_at', now)
  redis.call('SET', K.survey(prefix, c.channel, c.contact), id, 'PX', survey.window_ms)
elseif survey then
  local msg = 'm' .. redis.call('HINCRBY', K.seq(prefix), 'msg', 1)
  local entry = redis.call('XADD', K.transcript_of(k_conv), '*', 'id', msg, 'direction', 'out', 'author', '', 'auto', 'survey',
                           'text', survey.text, 'attachments', '[]', 'at', now, 'delivery', 'queued')
  redis.call('HINCRBY', k_conv, 'message_count', 1)
  redis.call('HSET', k_conv, 'csat_sent_at', now)
  redis.call('XADD', K.outbox(prefix), '*', 'conversation_id', id, 'message_id', msg, 'channel', c.channel,
             'recipient', (c.recipient and c.recipient ~= '') and c.recipient or c.thread, 'text', survey.text,
             'at', now, 'subject', c.subject or '', 'reply_context', c.reply_context or '')
  redis.call('HSET', K.delivery_of(k_conv), msg, '{"status":"queued","attempts":0}')
  redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*', 'type', 'message.created', 'conversation_id', id,
             'message_id', msg, 'entry', entry, 'direction', 'out', 'at', now)
  redis.call('SET', K.survey(prefix, c.channel, c.contact), id, 'PX', survey.window_ms)
end
return {'resolved', c.agent or '', c.queue or '', medium}
