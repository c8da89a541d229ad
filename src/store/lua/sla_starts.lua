-- sla_starts.lua: the next-response clocks started since the monitor last
-- looked (a customer message after an agent's reply; ingest.lua), with what
-- the monitor needs to compute their deadlines. Reads only.
--
--! args: prefix limit
--! returns each: conversation since queue priority
-- a_limit: at most this many
-- Returns a flat list: conv, since ms, queue, priority, …

local prefix = a_prefix
local out = {}
local started = redis.call('ZRANGE', K.sla_start(prefix), 0, tonumber(a_limit) - 1, 'WITHSCORES')
for i = 1, #started, 2 do
  local c = redis.call('HMGET', K.conversation(prefix, started[i]), 'queue', 'priority')
  out[#out + 1] = started[i]
  out[#out + 1] = started[i + 1]
  out[#out + 1] = c[1] or ''
  out[#out + 1] = c[2] or 'normal'
end
return out
