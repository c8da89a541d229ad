-- contact_merge.lua: two contacts turn out to be one person (an admin says so):
-- everything of `from` moves to `into` in one step. Its handles point to
-- `into` from now on (the person's next message, on any channel, lands
-- there), its conversations (open or not, transcripts untouched) belong to
-- `into`, its attributes fill the ones `into` lacks. `from` remains only as
-- a pointer: {id, merged_into}.
--
--! args: prefix into from now events_max
--! status: same
--! status: not_found missing
--! status: merged handles:integer conversations:integer
-- a_into, a_from: contact ids
-- Returns {"merged", handles moved, conversations moved}, {"not_found", id} or {"same"}.

local prefix, into, from = a_prefix, a_into, a_from
if into == from then return {'same'} end
local ikey, fkey = K.contact(prefix, into), K.contact(prefix, from)
for _, id in ipairs({into, from}) do
  local c = redis.call('HMGET', K.contact(prefix, id), 'id', 'merged_into')
  if not c[1] or (c[2] and c[2] ~= '') then return {'not_found', id} end
end

-- Handles and conversations are fields of the contact's hash (handle:<kind>:<handle>, conv:<id> → since, ms);
-- contacts stored by earlier builds keep them in the sets contact:<id>:handles and :convs.
local handles, convs, links = {}, {}, {}
local fields = redis.call('HGETALL', fkey)
for n = 1, #fields, 2 do
  local name = fields[n]
  if string.sub(name, 1, 7) == 'handle:' then
    handles[#handles + 1] = string.sub(name, 8); links[#links + 1] = name; links[#links + 1] = fields[n + 1]
  elseif string.sub(name, 1, 5) == 'conv:' then
    convs[#convs + 1] = string.sub(name, 6); links[#links + 1] = name; links[#links + 1] = fields[n + 1]
  end
end
for _, h in ipairs(redis.call('SMEMBERS', K.contact_handles_of(fkey))) do
  handles[#handles + 1] = h; links[#links + 1] = 'handle:' .. h; links[#links + 1] = a_now
end
for _, c in ipairs(redis.call('SMEMBERS', K.contact_conversations_of(fkey))) do
  convs[#convs + 1] = c; links[#links + 1] = 'conv:' .. c; links[#links + 1] = a_now
end
for _, h in ipairs(handles) do redis.call('SET', K.qualified_handle(prefix, h), into) end
for _, conv in ipairs(convs) do redis.call('HSET', K.conversation(prefix, conv), 'contact', into) end
for n = 1, #links, 512 do  -- in slices: unpack has a stack limit, and a contact may have thousands
  redis.call('HSET', ikey, unpack(links, n, math.min(n + 511, #links)))
end
local attrs = redis.call('HGETALL', K.contact_attributes_of(fkey))
for i = 1, #attrs, 2 do redis.call('HSETNX', K.contact_attributes_of(ikey), attrs[i], attrs[i + 1]) end
local f = redis.call('HMGET', fkey, 'name', 'last_agent', 'last_agent_at')
local i = redis.call('HMGET', ikey, 'name', 'last_agent')
if (not i[1] or i[1] == '') and f[1] and f[1] ~= '' then redis.call('HSET', ikey, 'name', f[1]) end
if (not i[2] or i[2] == '') and f[2] and f[2] ~= '' then redis.call('HSET', ikey, 'last_agent', f[2], 'last_agent_at', f[3] or '') end

redis.call('DEL', fkey, K.contact_handles_of(fkey), K.contact_conversations_of(fkey), K.contact_attributes_of(fkey))
redis.call('HSET', fkey, 'id', from, 'merged_into', into, 'merged_at', a_now)
redis.call('XADD', K.events(prefix), 'MAXLEN', '~', a_events_max, '*', 'type', 'contact.merged', 'contact_id', into,
           'merged', from, 'at', a_now)
return {'merged', #handles, #convs}
