-- ingest.lua: store one inbound message, atomically.
--
-- Dedupe by provider message id; find or create the contact by handle; find
-- the open conversation of the thread or open a new one (queued, with its
-- queue entry and first-response deadline); append the message to the
-- transcript; record an event. Either all of it happens or none.
--
-- KEYS[1] dedupe   or:{ws}:dedupe:<channel>:<provider id>
-- KEYS[2] handle   or:{ws}:handle:<handle kind>:<handle>
-- KEYS[3] thread   or:{ws}:thread:<channel>:<thread key>
-- KEYS[4] seq      or:{ws}:seq          (hash of id counters)
-- KEYS[5] queue    or:{ws}:queue:<queue>
-- KEYS[6] sla      or:{ws}:sla
-- KEYS[7] events   or:{ws}:events
-- KEYS[8] waiting  or:{ws}:queue:<pool>:<medium>   (what routing takes from; pool = queue + required skills)
-- KEYS[9] avail    or:{ws}:avail:<pool>:<medium>   (agents with room: worth routing now?)
-- ARGV: 1 key prefix "or:{ws}:", 2 channel id, 3 channel kind, 4 provider id,
--       5 handle kind, 6 handle, 7 contact name, 8 thread key, 9 subject,
--       10 text, 11 attachments (JSON), 12 provider time ms, 13 received ms,
--       14 queue id, 15 priority name, 16 queue score, 17 first-response
--       deadline ms ("" for none), 18 dedupe ttl s, 19 events max length,
--       20 medium, 21 required skills ("billing+te", "" for none), 22 language of the message ("" unknown),
--       23 first-response warning time ms ("" for none), 24 resolution deadline ms ("" for none),
--       25 resolution warning time ms, 26 "1": a customer message after an agent's reply starts
--       the next-response clock (or:{ws}:sla_start; the SLA monitor sets its deadline)
--       E-mail threading ("" / "0" elsewhere):
--       27 JSON array of thread keys this message answers, most specific first; "conv:<id>:<our id>"
--          names one of our conversations by a Message-ID of ours: taken when we recorded sending that
--          id for it (provider_msg, 30 d), or when the conversation is this contact's on this channel,
--       28 fallback thread key (normalised subject and sender), 29 its window s,
--       30 how long this message's thread key is kept (s, "0" for ever),
--       31 References a reply to this message carries, 32 automatic: why ("" for a person's message):
--          appended to the conversation it answers (no clock, no queue, no routing) or, answering
--          none, kept in or:{ws}:automatic; never opens a conversation,
--       33 how long attachment contents are kept (s), 34 the whole text when 10 leaves part out
--          (the quoted history of an e-mail), else ""; then pairs: sha256 of a content, and
--          "<content type>\n<the bytes>", kept in or:{ws}:blob:<sha256> (type, content)
-- Returns {"duplicate", conv, msg} or {"stored", conv, msg, contact, new conv 0|1, routable 0|1}:
-- routable when a new conversation waits and some agent of its queue has room right now.

local prefix = ARGV[1]

-- Every clock and the queue order run from the received time: never file a message in 1970.
if (tonumber(ARGV[13]) or 0) <= 0 then return redis.error_reply('ERR ingest: the message has no received time') end

local seen = redis.call('GET', KEYS[1])
if seen then
  local bar = string.find(seen, '|', 1, true)
  return {'duplicate', string.sub(seen, 1, bar - 1), string.sub(seen, bar + 1)}
end

local now = ARGV[13]
local refs = {}
if (ARGV[27] or '') ~= '' then refs = cjson.decode(ARGV[27]) end
local automatic = ARGV[32] or ''
local thread_ttl = tonumber(ARGV[30] or '0') or 0

-- Attachment contents, by digest: the same file sent twice is kept once.
local blob_ttl = tonumber(ARGV[33] or '0') or 0
local blobs = {}
local i = 35
while ARGV[i + 1] do
  local nl = string.find(ARGV[i + 1], '\n', 1, true)
  local key = prefix .. 'blob:' .. ARGV[i]
  redis.call('HSET', key, 'type', string.sub(ARGV[i + 1], 1, nl - 1), 'content', string.sub(ARGV[i + 1], nl + 1))
  if blob_ttl > 0 then redis.call('EXPIRE', key, blob_ttl) end
  blobs[#blobs + 1] = key
  i = i + 2
end

-- Who may download a kept attachment: agents who can see a conversation holding it (blob:<sha>:convs).
local function link_blobs(conv)
  for _, key in ipairs(blobs) do
    redis.call('SADD', key .. ':convs', conv)
    if blob_ttl > 0 then redis.call('EXPIRE', key .. ':convs', blob_ttl) end
  end
end

local function is_open(c)
  local state = redis.call('HGET', prefix .. 'conv:' .. c, 'state')
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
      local sent = redis.call('GET', prefix .. 'provider_msg:' .. ARGV[2] .. ':' .. string.sub(ref, colon + 1))
      if not (sent and string.sub(sent, 1, #c + 1) == c .. '|') then
        local owner = redis.call('HMGET', prefix .. 'conv:' .. c, 'channel', 'contact')
        if owner[1] ~= ARGV[2] or contact_id == '' or owner[2] ~= contact_id then c = nil end
      end
    else
      c = redis.call('GET', prefix .. 'thread:' .. ARGV[2] .. ':' .. ref)
    end
    if c and usable(c) then return c end
  end
  return nil
end

if automatic ~= '' then
  -- An auto-reply or a bounce: nobody waits behind it. Kept with the conversation it answers.
  local contact_id = redis.call('GET', KEYS[2]) or ''
  local conv = answered(contact_id, function(c) return redis.call('EXISTS', prefix .. 'conv:' .. c) == 1 end)
  if not conv then
    redis.call('XADD', prefix .. 'automatic', 'MAXLEN', '~', 10000, '*', 'channel', ARGV[2], 'provider_id', ARGV[4],
      'from', ARGV[6], 'subject', ARGV[9], 'reason', automatic, 'at', now)
    redis.call('SET', KEYS[1], '|', 'EX', ARGV[18])
    return {'stored', '', '', contact_id, 0, 0}
  end
  link_blobs(conv)
  local msg = 'm' .. redis.call('HINCRBY', KEYS[4], 'msg', 1)
  local entry = redis.call('XADD', prefix .. 'conv:' .. conv .. ':msgs', '*',
    'id', msg, 'direction', 'in', 'provider_id', ARGV[4], 'subject', ARGV[9], 'text', ARGV[10],
    'attachments', ARGV[11], 'provider_at', ARGV[12], 'at', now, 'language', ARGV[22], 'automatic', automatic,
    'from', ARGV[6], 'full_text', ARGV[34] or '')
  redis.call('HINCRBY', prefix .. 'conv:' .. conv, 'message_count', 1)
  redis.call('SET', KEYS[1], conv .. '|' .. msg, 'EX', ARGV[18])
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[19], '*',
    'type', 'message.created', 'conversation_id', conv, 'message_id', msg, 'entry', entry, 'automatic', automatic,
    'at', now)
  return {'stored', conv, msg, contact_id, 0, 0}
end

local contact = redis.call('GET', KEYS[2])
if not contact then
  contact = 'c' .. redis.call('HINCRBY', KEYS[4], 'contact', 1)
  redis.call('HSET', prefix .. 'contact:' .. contact, 'id', contact, 'name', ARGV[7], 'created_at', now)
  redis.call('SET', KEYS[2], contact)
elseif ARGV[7] ~= '' and redis.call('HGET', prefix .. 'contact:' .. contact, 'name') == '' then
  redis.call('HSET', prefix .. 'contact:' .. contact, 'name', ARGV[7])
end
redis.call('SADD', prefix .. 'contact:' .. contact .. ':handles', ARGV[5] .. ':' .. ARGV[6])

local conv = redis.call('GET', KEYS[3])
if conv and not is_open(conv) then conv = nil end
local keyed = conv and true or false
if not conv and #refs > 0 then conv = answered(contact, is_open) end
local fallback = nil
if (ARGV[28] or '') ~= '' then
  fallback = prefix .. 'thread:' .. ARGV[2] .. ':' .. ARGV[28]
  if not conv then
    conv = redis.call('GET', fallback)
    if conv and not is_open(conv) then conv = nil end
  end
end
local created = 0
if not conv then
  created = 1
  conv = 'v' .. redis.call('HINCRBY', KEYS[4], 'conv', 1)
  redis.call('HSET', prefix .. 'conv:' .. conv,
    'id', conv, 'channel', ARGV[2], 'channel_kind', ARGV[3], 'medium', ARGV[20],
    'contact', contact, 'thread', ARGV[8], 'subject', ARGV[9],
    'state', 'queued', 'queue', ARGV[14], 'priority', ARGV[15], 'agent', '',
    'created_at', now, 'queued_at', now, 'first_response_at', '', 'message_count', 0,
    'skills', ARGV[21], 'language', ARGV[22],
    -- where replies go: the thread key, or with e-mail threading (keys per message) the sender's address
    'recipient', thread_ttl > 0 and ARGV[6] or ARGV[8])
  redis.call('ZADD', KEYS[5], ARGV[16], conv)
  redis.call('ZADD', KEYS[8], ARGV[16], conv)
  -- SLA deadlines: sla_claim.lua fires each once (warning, then breach) unless answered first.
  if ARGV[17] ~= '' then
    redis.call('ZADD', KEYS[6], ARGV[17], 'first_response:' .. conv)
  end
  if (ARGV[23] or '') ~= '' then
    redis.call('ZADD', KEYS[6], ARGV[23], 'first_response:warn:' .. conv)
  end
  if (ARGV[24] or '') ~= '' then
    redis.call('ZADD', KEYS[6], ARGV[24], 'resolution:' .. conv, ARGV[25], 'resolution:warn:' .. conv)
  end
  redis.call('SADD', prefix .. 'contact:' .. contact .. ':convs', conv)
end

-- This message's thread key leads to its conversation (for e-mail: its Message-ID, which replies name).
if thread_ttl > 0 then
  redis.call('SET', KEYS[3], conv, 'EX', thread_ttl)
elseif not keyed then
  redis.call('SET', KEYS[3], conv)
end
if fallback then redis.call('SET', fallback, conv, 'EX', ARGV[29]) end
if (ARGV[31] or '') ~= '' then
  -- What our reply will answer: this message, in this thread.
  redis.call('HSET', prefix .. 'conv:' .. conv, 'reply_to', ARGV[4], 'references', ARGV[31])
end

link_blobs(conv)
local msg = 'm' .. redis.call('HINCRBY', KEYS[4], 'msg', 1)
local entry = redis.call('XADD', prefix .. 'conv:' .. conv .. ':msgs', '*',
  'id', msg, 'direction', 'in', 'provider_id', ARGV[4], 'subject', ARGV[9], 'text', ARGV[10],
  'attachments', ARGV[11], 'provider_at', ARGV[12], 'at', now, 'language', ARGV[22], 'from', ARGV[6],
  'full_text', ARGV[34] or '')
redis.call('HINCRBY', prefix .. 'conv:' .. conv, 'message_count', 1)
if created == 0 and ARGV[22] ~= '' and (redis.call('HGET', prefix .. 'conv:' .. conv, 'language') or '') == '' then
  redis.call('HSET', prefix .. 'conv:' .. conv, 'language', ARGV[22])
end
redis.call('HSET', prefix .. 'conv:' .. conv, 'last_inbound_at', now)
if created == 0 and ARGV[26] == '1' then
  -- Answered before, and this is the first customer message since: the next-response clock starts.
  local c = redis.call('HMGET', prefix .. 'conv:' .. conv, 'first_response_at', 'awaiting_since')
  if c[1] and c[1] ~= '' and (c[2] == false or c[2] == '') then
    redis.call('HSET', prefix .. 'conv:' .. conv, 'awaiting_since', now)
    redis.call('ZADD', prefix .. 'sla_start', now, conv)
  end
end
redis.call('SET', KEYS[1], conv .. '|' .. msg, 'EX', ARGV[18])

if created == 1 then
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[19], '*',
    'type', 'conversation.created', 'conversation_id', conv, 'queue', ARGV[14], 'at', now)
end
redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[19], '*',
  'type', 'message.created', 'conversation_id', conv, 'message_id', msg, 'entry', entry, 'at', now)

local routable = 0
if created == 1 and redis.call('ZCARD', KEYS[9]) > 0 then routable = 1 end
return {'stored', conv, msg, contact, created, routable}
