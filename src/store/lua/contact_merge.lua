-- contact_merge.lua: two contacts turn out to be one person (an admin says so):
-- everything of `from` moves to `into` in one step. Its handles point to
-- `into` from now on (the person's next message, on any channel, lands
-- there), its conversations (open or not, transcripts untouched) belong to
-- `into`, its attributes fill the ones `into` lacks. `from` remains only as
-- a pointer: {id, merged_into}.
--
--! args: prefix into from now events_max
-- a_into, a_from: contact ids
-- Returns {"merged", handles moved, conversations moved}, {"not_found", id} or {"same"}.

local prefix, into, from = a_prefix, a_into, a_from
if into == from then return {'same'} end
local ikey, fkey = prefix .. 'contact:' .. into, prefix .. 'contact:' .. from
for _, id in ipairs({into, from}) do
  local c = redis.call('HMGET', prefix .. 'contact:' .. id, 'id', 'merged_into')
  if not c[1] or (c[2] and c[2] ~= '') then return {'not_found', id} end
end

local handles = redis.call('SMEMBERS', fkey .. ':handles')
for _, h in ipairs(handles) do
  redis.call('SET', prefix .. 'handle:' .. h, into)
  redis.call('SADD', ikey .. ':handles', h)
end
local convs = redis.call('SMEMBERS', fkey .. ':convs')
for _, conv in ipairs(convs) do
  redis.call('HSET', prefix .. 'conv:' .. conv, 'contact', into)
  redis.call('SADD', ikey .. ':convs', conv)
end
local attrs = redis.call('HGETALL', fkey .. ':attrs')
for i = 1, #attrs, 2 do redis.call('HSETNX', ikey .. ':attrs', attrs[i], attrs[i + 1]) end
local f = redis.call('HMGET', fkey, 'name', 'last_agent', 'last_agent_at')
local i = redis.call('HMGET', ikey, 'name', 'last_agent')
if (not i[1] or i[1] == '') and f[1] and f[1] ~= '' then redis.call('HSET', ikey, 'name', f[1]) end
if (not i[2] or i[2] == '') and f[2] and f[2] ~= '' then redis.call('HSET', ikey, 'last_agent', f[2], 'last_agent_at', f[3] or '') end

redis.call('DEL', fkey, fkey .. ':handles', fkey .. ':convs', fkey .. ':attrs')
redis.call('HSET', fkey, 'id', from, 'merged_into', into, 'merged_at', a_now)
redis.call('XADD', prefix .. 'events', 'MAXLEN', '~', a_events_max, '*', 'type', 'contact.merged', 'contact_id', into,
           'merged', from, 'at', a_now)
return {'merged', #handles, #convs}
