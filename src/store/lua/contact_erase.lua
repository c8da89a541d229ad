--! uses: lib_agent lib_sla lib_attachments lib_forget
-- contact_erase.lua: forget a person, atomically (DELETE /v1/contacts/<id>: the DPDP Act's and the GDPR's
-- erasure). Each of their conversations in Redis goes whole — customer messages, agents' replies and
-- notes, attachments no one else holds — an open one closed first (off its queue, its agent's load and
-- its SLA deadlines; `conversation.resolved` tells the consoles); so do their replies waiting in the
-- outbox or dead-lettered, the automatic mail from their addresses, the keys their handles name, and the
-- contact itself. Report records never named them and stay. The history (PostgreSQL) is erased by the
-- caller, before and after this script.
--
--! uses: lib_conv
--! keys: events
--! args: prefix contact now events_max
--! rest: conversations
--! status: not_found
--! status: erased conversations:list
-- k_events or:{ws}:events; a_contact the contact id; rest: the conversations the history links to them
-- (gone from Redis already, but their dead letters may not be).
-- Returns {"erased", conversation ids} or {"not_found"} (no such contact). A pointer left by a merge is erased too.

local prefix, id, now = a_prefix, a_contact, a_now
local ckey = K.contact(prefix, id)
local own = redis.call('HMGET', ckey, 'id', 'merged_into')
if not own[1] then return {'not_found'} end

local convs, seen, handles = {}, {}, {}
local function add(c)
  if not seen[c] then seen[c] = true; convs[#convs + 1] = c end
end
local fields = redis.call('HGETALL', ckey)
for n = 1, #fields, 2 do
  local name = fields[n]
  if string.sub(name, 1, 7) == 'handle:' then handles[#handles + 1] = string.sub(name, 8)
  elseif string.sub(name, 1, 5) == 'conv:' then add(string.sub(name, 6)) end
end
-- Contacts stored by earlier builds keep handles and conversations in sets as well.
for _, h in ipairs(redis.call('SMEMBERS', K.contact_handles_of(ckey))) do handles[#handles + 1] = h end
for _, c in ipairs(redis.call('SMEMBERS', K.contact_conversations_of(ckey))) do add(c) end
for i = REST_FROM, #ARGV do add(ARGV[i]) end

for _, conv in ipairs(convs) do
  local c = load_fields(K.conversation(prefix, conv), 'state', 'queue', 'agent', 'medium')
  if c.state and c.state ~= 'resolved' then
    local medium = c.medium or 'chat'
    end_offer(prefix, conv, now, a_events_max, 'conversation.offer_withdrawn', false)
    if c.queue and c.queue ~= '' then dequeue(prefix, conv, c.queue, medium) end
    sla_closed(prefix, conv)
    release_from_agent(prefix, conv, c.agent or '', medium)
    redis.call('XADD', k_events, 'MAXLEN', '~', a_events_max, '*',
      'type', 'conversation.resolved', 'conversation_id', conv, 'by', 'erasure', 'at', now)
  end
  forget_conversation(prefix, conv, true)
end

-- Replies on their way to them, or dead-lettered: their text and address go too.
forget_replies(prefix, seen)

-- Automatic mail (auto-replies, bounces) from their e-mail addresses.
local addresses = {}
for _, h in ipairs(handles) do
  if string.sub(h, 1, 6) == 'email:' then addresses[string.lower(string.sub(h, 7))] = true end
end
if next(addresses) then
  for _, e in ipairs(redis.call('XRANGE', K.automatic(prefix), '-', '+')) do
    local f = e[2]
    for n = 1, #f, 2 do
      if f[n] == 'from' and addresses[string.lower(f[n + 1])] then redis.call('XDEL', K.automatic(prefix), e[1]) end
    end
  end
end

-- The keys their handles name lead nowhere now: their next message is a stranger's first.
for _, h in ipairs(handles) do
  local hk = K.qualified_handle(prefix, h)
  if redis.call('GET', hk) == id then redis.call('DEL', hk) end
end
redis.call('DEL', ckey, K.contact_handles_of(ckey), K.contact_attributes_of(ckey), K.contact_conversations_of(ckey))
return {'erased', convs}
