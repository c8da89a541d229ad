-- ingest.lua: store one inbound message, atomically.
--
-- Dedupe by provider message id; find or create the contact by handle; find
-- the open conversation of the thread or open a new one (queued, with its
-- queue entry and first-response deadline); append the message to the
-- transcript; record an event. Either all of it happens or none.
--
-- Keys and arguments are bound by name (k_*, a_*: generated from the lines
-- below; the C++ side fills an IngestCall with the same names).
--! keys: dedupe handle_key thread seq queue sla events waiting avail
--! args: prefix channel channel_kind provider_id handle_kind handle contact_name thread_key subject text
--! args: attachments provider_at now queue_id priority score first_response_due dedupe_ttl events_max
--! args: medium skills language first_response_warn resolution_due resolution_warn next_response
--! args: thread_refs fallback_thread fallback_window thread_ttl reply_context automatic blob_ttl full_text
--! args: survey survey_answer
--! uses: lib_report
--! rest: blobs
--! status: duplicate conversation message_id
--! status: stored conversation message_id contact created:integer routable:integer
--
-- k_dedupe   or:{ws}:dedupe:<channel>:<provider id>     k_handle_key or:{ws}:handle:<handle kind>:<handle>
-- k_thread   or:{ws}:thread:<channel>:<thread key>       k_seq     or:{ws}:seq (hash of id counters)
-- k_queue    or:{ws}:queue:<queue>   k_sla or:{ws}:sla   k_events  or:{ws}:events
-- k_waiting  or:{ws}:queue:<pool>:<medium> (what routing takes from; pool = queue + required skills)
-- k_avail    or:{ws}:avail:<pool>:<medium> (agents with room: worth routing now?)
--
-- a_now is the received time (ms); a_score the queue score; a_first_response_due, a_first_response_warn,
-- a_resolution_due, a_resolution_warn deadlines in ms ("" for none); a_next_response "1": a customer
-- message after an agent's reply starts the next-response clock (or:{ws}:sla_start; the SLA monitor sets
-- its deadline); a_skills the required skills ("billing+te", "" for none); a_language "" when unknown.
-- Threading (set by channels whose messages name the ones they answer, "" / "0" elsewhere):
--   a_thread_refs   JSON array of thread keys this message answers, most specific first; "conv:<id>:<our id>"
--                   names one of our conversations by an id of ours: taken when we recorded sending that id
--                   for it (provider_msg, 30 d), or when the conversation is this contact's on this channel,
--   a_fallback_thread, a_fallback_window (s): tried when no ref is known,
--   a_thread_ttl    how long this message's thread key is kept (s, "0" for ever),
--   a_reply_context opaque to the core: the channel gets it back when a reply is sent,
--   a_automatic     why this is an automatic message ("" for a person's): appended to the conversation it
--                   answers (no clock, no queue, no routing) or, answering none, kept in or:{ws}:automatic;
--                   never opens a conversation,
--   a_full_text     the whole text when a_text leaves part out (the quoted history of an e-mail), else "".
-- Satisfaction surveys (resolve.lua sends them; "" elsewhere):
--   a_survey        "1" when the channel sends surveys: the contact's next message after one
--                   (or:{ws}:csat:<channel>:<contact> → the surveyed conversation, until the window ends)
--                   answers it or, not being a score, cancels it,
--   a_survey_answer the score this message would be (a lib_report.lua record of kind csat), or "" when it is
--                   none: stored with the surveyed conversation and in its transcript, never a new one.
-- Then pairs (rest): sha256 of a content, and "<content type>\n<the bytes>", kept for a_blob_ttl s in
-- or:{ws}:blob:<sha256> (type, content).
-- Returns {"duplicate", conv, msg} or {"stored", conv, msg, contact, new conv 0|1, routable 0|1}:
-- routable when a new conversation waits and some agent of its queue has room right now.
--
-- Cost (bench/ingest prints it): about 30 µs of Redis time to open a conversation, 15 µs to join one, on
-- the 2-core machines we measure on. Opening is dominated by creating keys (contact, handle, thread, the
-- conversation hash, its transcript stream, the dedupe key with its expiry: 3-6 µs each), so a contact's
-- handles and conversations are fields of its hash rather than sets of their own, and the opening message's
-- event says it opened the conversation; a joined conversation's fields are read in one HMGET, written in one HSET.

-- Every clock and the queue order run from the received time: never file a message in 1970.
if (tonumber(a_now) or 0) <= 0 then return redis.error_reply('ERR ingest: the message has no received time') end

local seen = redis.call('GET', k_dedupe)
if seen then
  local bar = string.find(seen, '|', 1, true)
  return {'duplicate', string.sub(seen, 1, bar - 1), string.sub(seen, bar + 1)}
end

local prefix, now = a_prefix, a_now
local function conv_key(c) return K.conversation(prefix, c) end
local refs = {}
if a_thread_refs ~= '' then refs = cjson.decode(a_thread_refs) end
local thread_ttl = tonumber(a_thread_ttl) or 0

-- Attachment contents, by digest: the same file sent twice is kept once.
local blob_ttl = tonumber(a_blob_ttl) or 0
local blobs = {}
local i = REST_FROM
while ARGV[i + 1] do
  local nl = string.find(ARGV[i + 1], '\n', 1, true)
  local key = K.blob(prefix, ARGV[i])
  redis.call('HSET', key, 'type', string.sub(ARGV[i + 1], 1, nl - 1), 'content', string.sub(ARGV[i + 1], nl + 1))
  if blob_ttl > 0 then redis.call('EXPIRE', key, blob_ttl) end
  blobs[#blobs + 1] = key
  i = i + 2
end

-- Who may download a kept attachment: agents who can see a conversation holding it (blob:<sha>:convs).
local function link_blobs(conv)
  for _, key in ipairs(blobs) do
    redis.call('SADD', K.blob_conversations_of(key), conv)
    if blob_ttl > 0 then redis.call('EXPIRE', K.blob_conversations_of(key), blob_ttl) end
  end
end

local function is_open(c)
  local state = redis.call('HGET', conv_key(c), 'state')
  return state and state ~= 'resolved'
end

-- The conversation a reply belongs to: by the messages it names, newest first.
-- `usable(c)` says whether a conversation found may take it.
local function answered(contact_id, usable)
  for _, ref in ipairs(refs) do
    local c
    if string.sub(ref, 1, 5) == 'conv:' then
      local colon = string.find(ref, ':', 6, true)
      c = string.sub(ref, 6, colon - 1)
      local sent = redis.call('GET', K.provider_message(prefix, a_channel, string.sub(ref, colon + 1)))
      if not (sent and string.sub(sent, 1, #c + 1) == c .. '|') then
        local owner = redis.call('HMGET', conv_key(c), 'channel', 'contact')
        if owner[1] ~= a_channel or contact_id == '' or owner[2] ~= contact_id then c = nil end
      end
    else
      c = redis.call('GET', K.thread(prefix, a_channel, ref))
    end
    if c and usable(c) then return c end
  end
  return nil
end

-- The transcript entry of this message (extra field/value pairs appended), and its message.created event.
local function append_message(conv, extra)
  local msg = 'm' .. redis.call('HINCRBY', k_seq, 'msg', 1)
  local fields = {'id', msg, 'direction', 'in', 'provider_id', a_provider_id, 'subject', a_subject, 'text', a_text,
    'attachments', a_attachments, 'provider_at', a_provider_at, 'at', now, 'language', a_language, 'from', a_handle,
    'full_text', a_full_text}
  for n = 1, #extra do fields[#fields + 1] = extra[n] end
  local entry = redis.call('XADD', K.transcript_of(conv_key(conv)), '*', unpack(fields))
  return msg, entry
end

local function message_event(conv, msg, entry, extra)
  redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*',
    'type', 'message.created', 'conversation_id', conv, 'message_id', msg, 'entry', entry, unpack(extra))
end

if a_automatic ~= '' then
  -- An auto-reply or a bounce: nobody waits behind it. Kept with the conversation it answers.
  local contact_id = redis.call('GET', k_handle_key) or ''
  local conv = answered(contact_id, function(c) return redis.call('EXISTS', conv_key(c)) == 1 end)
  if not conv then
    redis.call('XADD', K.automatic(prefix), 'MAXLEN', '~', 10000, '*', 'channel', a_channel,
      'provider_id', a_provider_id, 'from', a_handle, 'subject', a_subject, 'reason', a_automatic, 'at', now)
    redis.call('SET', k_dedupe, '|', 'EX', a_dedupe_ttl)
    return {'stored', '', '', contact_id, 0, 0}
  end
  link_blobs(conv)
  local msg, entry = append_message(conv, {'automatic', a_automatic})
  redis.call('HINCRBY', conv_key(conv), 'message_count', 1)
  redis.call('SET', k_dedupe, conv .. '|' .. msg, 'EX', a_dedupe_ttl)
  message_event(conv, msg, entry, {'automatic', a_automatic, 'at', now})
  return {'stored', conv, msg, contact_id, 0, 0}
end

local contact = redis.call('GET', k_handle_key)
if not contact then
  contact = 'c' .. redis.call('HINCRBY', k_seq, 'contact', 1)
  -- A contact's handles and conversations are fields of its hash (handle:<kind>:<handle>, conv:<id>): one key,
  -- not three. A handle's key and its contact's handle field change together (here and in contact_merge.lua).
  redis.call('HSET', K.contact(prefix, contact), 'id', contact, 'name', a_contact_name, 'created_at', now,
             'handle:' .. a_handle_kind .. ':' .. a_handle, now)
  redis.call('SET', k_handle_key, contact)
elseif a_contact_name ~= '' and redis.call('HGET', K.contact(prefix, contact), 'name') == '' then
  redis.call('HSET', K.contact(prefix, contact), 'name', a_contact_name)
end

if a_survey == '1' then
  -- The contact's next message after a survey: a score answers it; anything else cancels it (and goes on).
  local pending_key = K.survey(prefix, a_channel, contact)
  local surveyed = redis.call('GET', pending_key)
  if surveyed then
    redis.call('DEL', pending_key)
    if a_survey_answer ~= '' and redis.call('HGET', conv_key(surveyed), 'state') == 'resolved' then
      local report = cjson.decode(a_survey_answer)
      local c = redis.call('HMGET', conv_key(surveyed), 'id', 'channel', 'labels', 'queue', 'priority', 'agent',
                           'resolved_by')
      report.queue, report.priority = c[4] or '', c[5] or ''
      local agent = (c[6] and c[6] ~= '') and c[6] or (c[7] or '')
      report_record(prefix, report, {id = c[1], channel = c[2], labels = c[3]}, agent, now)
      local msg, entry = append_message(surveyed, {'survey', 'answer'})
      redis.call('HINCRBY', conv_key(surveyed), 'message_count', 1)
      redis.call('HSET', conv_key(surveyed), 'csat', report.seconds, 'csat_at', now)
      redis.call('SET', k_dedupe, surveyed .. '|' .. msg, 'EX', a_dedupe_ttl)
      message_event(surveyed, msg, entry, {'survey', 'answer', 'csat', report.seconds, 'at', now})
      return {'stored', surveyed, msg, contact, 0, 0}
    end
  end
end

-- The open conversation this message joins: its thread's, then one it answers, then the fallback thread's.
local conv = redis.call('GET', k_thread)
local open = nil  -- the joined conversation's state, language, first_response_at, awaiting_since, message_count
local function open_fields(c)
  local f = redis.call('HMGET', conv_key(c), 'state', 'language', 'first_response_at', 'awaiting_since',
                       'message_count')
  if f[1] and f[1] ~= 'resolved' then return f end
  return nil
end
if conv then
  open = open_fields(conv)
  if not open then conv = nil end
end
local keyed = conv and true or false
if not conv and #refs > 0 then conv = answered(contact, is_open) end
local fallback = nil
if a_fallback_thread ~= '' then
  fallback = K.thread(prefix, a_channel, a_fallback_thread)
  if not conv then conv = redis.call('GET', fallback) end
end
if conv and not open then
  open = open_fields(conv)
  if not open then conv = nil end
end

local created = 0
local msg, entry
if not conv then
  created = 1
  conv = 'v' .. redis.call('HINCRBY', k_seq, 'conv', 1)
  link_blobs(conv)
  msg, entry = append_message(conv, {})
  redis.call('HSET', conv_key(conv),
    'id', conv, 'channel', a_channel, 'channel_kind', a_channel_kind, 'medium', a_medium,
    'contact', contact, 'thread', a_thread_key, 'subject', a_subject,
    'state', 'queued', 'queue', a_queue_id, 'priority', a_priority, 'agent', '',
    'created_at', now, 'queued_at', now, 'first_response_at', '', 'message_count', 1,
    'skills', a_skills, 'language', a_language, 'last_inbound_at', now,
    -- where replies go: the thread key, or with per-message thread keys (e-mail) the sender's handle
    'recipient', thread_ttl > 0 and a_handle or a_thread_key)
  redis.call('ZADD', k_queue, a_score, conv)
  redis.call('ZADD', k_waiting, a_score, conv)
  -- SLA deadlines: sla_claim.lua fires each once (warning, then breach) unless answered first.
  local deadlines = {}
  local function deadline(at, member)
    if at ~= '' then deadlines[#deadlines + 1] = at; deadlines[#deadlines + 1] = member .. conv end
  end
  deadline(a_first_response_due, 'first_response:')
  deadline(a_first_response_warn, 'first_response:warn:')
  deadline(a_resolution_due, 'resolution:')
  if a_resolution_due ~= '' then deadline(a_resolution_warn, 'resolution:warn:') end
  if #deadlines > 0 then redis.call('ZADD', k_sla, unpack(deadlines)) end
  redis.call('HSET', K.contact(prefix, contact), 'conv:' .. conv, now)
else
  link_blobs(conv)
  msg, entry = append_message(conv, {})
  local set = {'message_count', (tonumber(open[5]) or 0) + 1, 'last_inbound_at', now}
  if a_language ~= '' and (open[2] or '') == '' then
    set[#set + 1] = 'language'; set[#set + 1] = a_language
  end
  if open[3] and open[3] ~= '' and (open[4] == false or open[4] == '') then
    -- Answered before, and this is the first customer message since: the next response is awaited (the
    -- reports measure it), and where a queue promises one, its clock starts.
    set[#set + 1] = 'awaiting_since'; set[#set + 1] = now
    if a_next_response == '1' then redis.call('ZADD', K.sla_start(prefix), now, conv) end
  end
  redis.call('HSET', conv_key(conv), unpack(set))
end
if a_reply_context ~= '' then
  -- What the channel needs to answer this message in its thread (opaque to the core).
  redis.call('HSET', conv_key(conv), 'reply_context', a_reply_context)
end

-- This message's thread key leads to its conversation (for e-mail: its Message-ID, which replies name).
if thread_ttl > 0 then
  redis.call('SET', k_thread, conv, 'EX', thread_ttl)
  redis.call('SADD', K.threads_of(conv_key(conv)), a_thread_key)  -- each mail's key: let go with the conversation
elseif not keyed then
  redis.call('SET', k_thread, conv)
end
if fallback then
  redis.call('SET', fallback, conv, 'EX', a_fallback_window)
  redis.call('SADD', K.threads_of(conv_key(conv)), a_fallback_thread)
end
redis.call('SET', k_dedupe, conv .. '|' .. msg, 'EX', a_dedupe_ttl)

-- The message that opens a conversation says so in its own event (one XADD, not two).
if created == 1 then
  message_event(conv, msg, entry, {'at', now, 'opened', '1', 'queue', a_queue_id, 'contact_id', contact})
else
  message_event(conv, msg, entry, {'at', now})
end

local routable = 0
if created == 1 and redis.call('ZCARD', k_avail) > 0 then routable = 1 end
return {'stored', conv, msg, contact, created, routable}
