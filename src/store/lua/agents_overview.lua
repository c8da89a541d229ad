-- agents_overview.lua: every agent with their hash and the pools they serve,
-- in one round trip (admin API, omnictl, metrics). Read-only.
--
--! args: prefix agent
--! returns list: fields:reply pools:list
-- a_agent one agent id ("" for all)
-- Returns {{agent hash (flat), pools}, …} sorted by agent id.

local prefix = a_prefix
local ids
if a_agent ~= '' then ids = {a_agent} else ids = redis.call('SMEMBERS', K.agents(prefix)) end
table.sort(ids)
local out = {}
for _, id in ipairs(ids) do
  local akey = K.agent(prefix, id)
  if redis.call('HEXISTS', akey, 'id') == 1 then
    local fields = redis.call('HGETALL', akey)
    -- The token's digest stays in Redis: nobody reads it back.
    for i = #fields - 1, 1, -2 do
      if fields[i] == 'token_sha256' then table.remove(fields, i + 1); table.remove(fields, i) end
    end
    out[#out + 1] = {fields, redis.call('SMEMBERS', K.agent_pools_of(akey))}
  end
end
return out
